"""The drug panel: what each named drug (or class) is, from the starter pack, the labels in the store or the
label-facts index, and the sentences that say so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..labelfacts.brief import drug_panel
from ..models import DrugMention, DrugPanel, Query, Sentence
from ..models.evidence import Evidence
from .wording import acronyms, and_list, cite, clip, strip_end, with_article

if TYPE_CHECKING:
    from ..labelfacts import LabelFacts
    from ..pack import Pack
    from ..pack.schema import Drug


def drug_panels(query: Query, ev: Evidence, pack: Pack,
                label_facts: LabelFacts | None) -> tuple[list[DrugPanel], list[Sentence]]:
    """One panel per drug (or class) the question names, and the drug section's sentences."""
    panels: list[DrugPanel] = []
    sentences: list[Sentence] = []
    for m in query.drugs:
        if m.is_class:
            panel, said = _class_panel(m, pack)
        elif (d := pack.drug(m.name)) is not None:
            panel, said = _pack_panel(d)
        else:
            panel, said = _other_panel(m, ev, label_facts)
        panels.append(panel)
        sentences.extend(said)
    return panels, sentences


def _class_panel(m: DrugMention, pack: Pack) -> tuple[DrugPanel, list[Sentence]]:
    members = m.members if m.members else [m.name]
    panel = DrugPanel(name=m.name, classes=[m.name], indications=[], sources=[])
    in_pack = [d for x in members if (d := pack.drug(x)) is not None]
    src = [d.fda.verified_url for d in in_pack if d.fda]
    panel.indications = [f"members: {', '.join(members[:25])}" + (" …" if len(members) > 25 else "")]
    if not src:
        return panel, []
    return panel, [Sentence(
        text=f"The question names a class ({m.name}); this brief covers its members "
             f"{', '.join(members[:12])}{' and others' if len(members) > 12 else ''}.",
        citations=cite(src[:3]), section="drug")]


def _pack_panel(d: Drug) -> tuple[DrugPanel, list[Sentence]]:
    panel = DrugPanel(
        name=d.name,
        classes=list(d.classes),
        indications=list(d.fda.indications) if d.fda else [],
        mechanism=d.mechanism,
        sources=cite([d.fda.verified_url if d.fda else None, d.mechanism_source]),
    )
    sentences: list[Sentence] = []
    if d.fda:
        sentences.append(Sentence(
            text=f"{d.name.capitalize()} is {with_article(acronyms(and_list(list(d.classes))))}.",
            citations=cite([d.fda.verified_url]), section="drug"))
        if d.fda.approved and d.fda.indications:
            prod = f" ({d.fda.product})" if d.fda.product else ""
            sentences.append(Sentence(
                text=f"Its US label{prod} covers: " + "; ".join(strip_end(x) for x in d.fda.indications) + ".",
                citations=cite([d.fda.verified_url]), section="drug"))
        elif not d.fda.approved:
            sentences.append(Sentence(text=f"{d.name.capitalize()} is not approved in the United States.",
                                      citations=cite([d.fda.verified_url]), section="drug"))
    if d.mechanism and d.mechanism_source:
        sentences.append(Sentence(text=f"Mechanism: {d.mechanism}", citations=[d.mechanism_source],
                                  section="drug"))
    return panel, sentences


def _other_panel(m: DrugMention, ev: Evidence, label_facts: LabelFacts | None) -> tuple[DrugPanel, list[Sentence]]:
    """A drug the pack does not cover: its label in the store, else the label-facts index."""
    panel = DrugPanel(name=m.name, classes=list(m.classes))
    labels = [r for r in ev.labels if m.name in " ".join(map(str, r.extra.get("ingredients", []))).lower()
              or m.name in (r.title or "").lower()]
    if not labels:
        indexed, said = drug_panel(m.name, label_facts)
        return (indexed, said) if indexed is not None else (panel, [])
    sentences: list[Sentence] = []
    lab = labels[0]
    ind = lab.section("34067-9", "indications and usage", "indications & usage")
    mech = lab.section("43679-0", "mechanism of action")
    if ind:
        panel.indications = [clip(ind, 400)]
        sentences.append(Sentence(text=f"The US label ({lab.title or lab.id}) states its indications as: "
                                       f"“{clip(ind, 300)}”", citations=[lab.id], section="drug"))
    if mech:
        panel.mechanism = clip(mech, 300)
    panel.sources = [lab.id]
    return panel, sentences
