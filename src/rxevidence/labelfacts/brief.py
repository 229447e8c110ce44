"""Label facts as brief parts: the drug panel and the US FDA row (used by synthesis, which receives the index)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rxevidence.vocab import Vocabulary

from typing import Any

from ..models import DrugPanel, RegulatoryRow, Sentence
from . import LabelFacts, snapshot_note
from .match import Finding, fda_finding

MAX_USES = 14


def _products_line(facts: Any) -> str:
    marketed = [p for p in facts.products if p.status in ("rx", "otc")]
    shown = sorted({f"{p.brand.title()} ({p.route}, {p.status.upper() if p.status == 'otc' else 'Rx'})"
                    for p in marketed})[:4]
    return "; ".join(shown)


def drug_panel(name: str, index: LabelFacts | None) -> tuple[DrugPanel | None, list[Sentence]]:
    """Class and labelled uses of ``name`` from the index, each sentence citing its primary page. A drug the index
    knows only from Drugs@FDA (approved after the 2016 indication snapshot, or never indexed) gets a panel that says
    so and names its marketed products, never invented uses."""
    facts = index.drug(name) if index is not None else None
    if facts is None or not (facts.classes or facts.uses or facts.products):
        return None, []
    src = facts.source_url()
    uses: list[str] = []
    for u in facts.uses:
        t = u.text + (f" ({'/'.join(u.routes)})" if u.routes else "")
        if t.lower() not in {x.lower() for x in uses}:
            uses.append(t)
    combo = " (as part of combination products: no single-ingredient product is marketed)" \
        if facts.combination_only else ""
    indications = [f"{u}{combo} (label-derived index)" for u in uses[:MAX_USES]]
    if not uses:
        indications = [f"No labelled uses in the offline index: check the current label with `rxevidence fetch labels "
                       f"{name}`"]
    panel = DrugPanel(name=name, classes=[c.lower() for c in facts.classes[:3]], indications=indications,
                      sources=[src] if src else [])
    sentences: list[Sentence] = []
    if src and facts.classes:
        sentences.append(Sentence(text=f"{name.capitalize()}: FDA pharmacologic class {facts.classes[0]}.",
                                  citations=[src], section="drug"))
    if src and uses:
        more = f" and {len(uses) - MAX_USES} more" if len(uses) > MAX_USES else ""
        sentences.append(Sentence(
            text=f"Labelled US uses of {name}{combo}: {'; '.join(uses[:MAX_USES])}{more} "
                 f"({snapshot_note(facts, name)}).", citations=[src], section="drug"))
    elif src and facts.products:
        line = _products_line(facts)
        sentences.append(Sentence(
            text=f"{name.capitalize()} is marketed in the US{': ' + line if line else ''} (Drugs@FDA 2019); the "
                 f"offline index has no labelled uses for it: check the current label with `rxevidence fetch "
                 f"labels {name}`.", citations=[src], section="drug"))
    return panel, sentences


def fda_row(query: Any, drug: str, index: LabelFacts | None, vocab: Vocabulary,
            labels: list[Any] | None = None) -> tuple[RegulatoryRow, Finding] | None:
    """The US FDA row for ``drug``: the label in the store when it names the use, else the offline index when one
    of its labels does, else the store's label saying it does not; None without a condition or an index."""
    from .live import live_finding
    from .match import query_target

    qt = query_target(query, drug, index, vocab)
    if qt is None:
        return None
    cond, target, route = qt
    facts = index.drug(drug) if index is not None else None
    f = fda_finding(facts, target, route=route, drug=drug) if index is not None else None
    live = live_finding(labels or [], drug, target, index, route=route) if index is not None else None
    if live is not None and (live[0].status == "on-label" or f is None or f.status != "on-label"):
        f = live[0]
    elif live is not None and f is not None:  # another product's label lists it; the fetched one does not
        f.note += f" The label in the store (DailyMed set id {live[1].set_id}) does not list it."
    if f is None:
        return None
    f.condition_id = cond.id
    note = f.note
    if f.source and "fetch labels" not in note and "label in the store" not in note:
        note += f" ({snapshot_note(facts, drug)}.)"
    row = RegulatoryRow(jurisdiction="US FDA", status=f.status, source=f.source, date=f.date, note=note,
                        condition=f.condition_id, source_name=f.source_name)
    return row, f
