"""Contradictions: pairs of claims in the article that cannot both hold."""

from __future__ import annotations

import re

from .claims import _EFFECT, _mixed_polarity, clauses
from .report import Claim, Contradiction


def _contradictions(claims: list[Claim]) -> list[Contradiction]:
    """Pairs of claims about the same drug whose assertions cannot both hold.

    A general "it relieves pain" claim conflicts with a claim that it does not work, or that it does
    not change the sensory experience of pain (which is what relieving pain means). Claims that
    split the affective from the sensory side are consistent with each other.
    """
    out: list[Contradiction] = []
    effect = [c for c in claims if c.kind in ("effect", "combination")]
    for a in effect:
        if a.polarity != "positive" or a.dimension is not None:
            continue
        for b in effect:
            if b is a or b.polarity != "negative" or not set(a.drugs) & set(b.drugs):
                continue
            if b.dimension not in (None, "sensory", "both"):
                continue
            if b.dimension is None and a.condition_id and b.condition_id and a.condition_id != b.condition_id:
                continue
            drug = sorted(set(a.drugs) & set(b.drugs))[0]
            why = ("says it does not change the sensory experience of pain" if b.dimension else "says it does not work")
            out.append(Contradiction(a=a.text, b=b.text, reason=(
                f"One sentence says {drug} relieves {a.condition or 'pain'}; the other {why}.")))
            break
    for c in effect:
        if _mixed_polarity(c.text) and c.dimension is None:
            parts = [p for p in clauses(c.text) if _EFFECT.search(p) or re.search(r"pain relie", p, re.I)]
            out.append(Contradiction(a=parts[0].strip(), b=parts[-1].strip(),
                                     reason="The same sentence asserts the effect and denies it."))
    seen: set[tuple[str, str]] = set()
    uniq = []
    for x in out:
        if (x.a, x.b) not in seen:
            seen.add((x.a, x.b))
            uniq.append(x)
    return uniq
