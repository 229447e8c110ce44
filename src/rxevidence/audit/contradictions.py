"""Contradictions: pairs of claims in the article that cannot both hold."""

from __future__ import annotations

from .report import Claim, Contradiction


def find_contradictions(claims: list[Claim]) -> list[Contradiction]:
    return []
