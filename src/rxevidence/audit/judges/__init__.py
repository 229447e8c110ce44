"""Judges: one function per claim kind, looked up in :data:`JUDGES`.

A judge receives the claim, the brief for the claim's drugs and condition, and the audit's inputs
(:class:`JudgeInputs`); it sets the claim's verdict, reason and evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...models import Brief
from ...store.base import Store
from ..briefs import _BriefCache
from ..report import Claim
from .effect import _judge_combination, _judge_comparison, _judge_effect
from .regulatory import _judge_description, _judge_regulatory, _judge_regulatory_each
from .safety import _judge_mechanism, _judge_safety


@dataclass
class JudgeInputs:
    store: Store
    briefs: _BriefCache


def _regulatory(claim: Claim, brief: Brief, inputs: JudgeInputs) -> None:
    if claim.conditions:
        _judge_regulatory_each(claim, inputs.briefs)
    else:
        _judge_regulatory(claim, brief)


Judge = Callable[[Claim, Brief, JudgeInputs], None]

JUDGES: dict[str, Judge] = {
    "effect": lambda c, b, i: _judge_effect(c, b),
    "combination": lambda c, b, i: _judge_combination(c, b),
    "comparison": lambda c, b, i: _judge_comparison(c, b),
    "regulatory": _regulatory,
    "description": lambda c, b, i: _judge_description(c, b),
    "safety": lambda c, b, i: _judge_safety(c, b, i.store),
    "mechanism": lambda c, b, i: _judge_mechanism(c, b),
}


def judge(claim: Claim, brief: Brief, inputs: JudgeInputs) -> None:
    """Set ``claim``'s verdict, reason and evidence with the judge for its kind."""
    JUDGES.get(claim.kind, JUDGES["mechanism"])(claim, brief, inputs)
