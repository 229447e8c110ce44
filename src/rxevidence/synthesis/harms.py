"""Harms: boxed warnings from the starter pack's labels and from the labels in the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Harm, Sentence
from ..models.evidence import Evidence
from .wording import clip

if TYPE_CHECKING:
    from ..pack import Pack


def harms(ev: Evidence, pack: Pack) -> tuple[list[Harm], list[Sentence]]:
    """The boxed warnings of the question's drugs, each once (the pack's label first, then the store's labels)."""
    drugs = ev.drug_names
    found: list[Harm] = []
    sentences: list[Sentence] = []
    for name in drugs:
        d = pack.drug(name)
        if d and d.fda and d.fda.boxed_warning:
            found.append(Harm(drug=name, kind="boxed warning", text=d.fda.boxed_warning,
                              source=d.fda.verified_url, date=d.fda.label_date))
            sentences.append(Sentence(text=f"Boxed warning ({name}): {d.fda.boxed_warning}",
                                      citations=[d.fda.verified_url], section="harms"))
    for lab in ev.labels:
        ingredients = " ".join(map(str, lab.extra.get("ingredients", []))).lower()
        if any(h.drug in ingredients for h in found):
            continue
        bw = lab.section("34066-1", "boxed warning")
        if bw:
            drug = next((n for n in drugs if n in (lab.title or "").lower() or n in ingredients), drugs[0])
            found.append(Harm(drug=drug, kind="boxed warning", text=clip(bw, 500), source=lab.id, date=lab.date))
            sentences.append(Sentence(text=f"Boxed warning on the {lab.title or 'label'}: “{clip(bw, 300)}”",
                                      citations=[lab.id], section="harms"))
    return found, sentences
