"""Judges: one function per claim kind, looked up in :data:`JUDGES`.

A judge receives the claim and its :class:`~rxevidence.audit.briefs.Facts` (the briefs from the validated
``ask`` path, the texts of the records behind them, label facts) and sets the claim's verdict, reason and
evidence. Judges never query the store. A claim that states numbers is then checked against the studies'
own words (:mod:`.numbers`).
"""

from __future__ import annotations

from collections.abc import Callable

from ...models.audit import Claim
from ..briefs import Facts
from .compare import judge_combination, judge_comparison
from .effect import judge_effect
from .numbers import check_numbers, judge_study
from .regulatory import judge_description, judge_regulatory
from .safety import judge_mechanism, judge_safety

Judge = Callable[[Claim, Facts], None]

JUDGES: dict[str, Judge] = {
    "effect": judge_effect,
    "combination": judge_combination,
    "comparison": judge_comparison,
    "regulatory": judge_regulatory,
    "description": judge_description,
    "safety": judge_safety,
    "mechanism": judge_mechanism,
    "study": judge_study,
}


def judge(claim: Claim, facts: Facts) -> None:
    """Set ``claim``'s verdict, reason and evidence with the judge for its kind, then check its numbers."""
    if not facts.briefs():
        claim.verdict, claim.reason = "unverifiable", "Drug not recognised."
        return
    JUDGES.get(claim.kind, judge_mechanism)(claim, facts)
    if claim.numbers and claim.kind not in ("regulatory", "study") and claim.verdict != "contradicted":
        check_numbers(claim, facts)
