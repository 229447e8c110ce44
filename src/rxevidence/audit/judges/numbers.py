"""Numbers (percentages, N, NNT, effect sizes, trial counts) checked against the studies' own words.

A claim's numbers are looked for in the title, abstract and curated findings of the studies of its drugs;
a study whose text holds all of them (a percentage difference between two reported values counts) settles
them. Claims that describe a study ("a randomized study of 114 patients") are judged by finding that study.
"""

from __future__ import annotations

import re

from ...models.audit import Claim, ClaimEvidence
from ..briefs import Facts
from ..meaning import Number, numbers_in


def _values(text: str) -> set[float]:
    vals = set()
    for m in re.finditer(r"(?<![\d.])[-−]?\d[\d,]*(?:\.\d+)?", text):
        try:
            vals.add(abs(float(m.group(0).replace(",", "").replace("−", "-"))))
        except ValueError:
            continue
    pcts = [abs(float(x)) for x in re.findall(r"(\d+(?:\.\d+)?)\s*(?:%|percent)", text)]
    for i, a in enumerate(pcts):  # "7.1 percent vs. 8.6 percent": a difference of 1.5 points
        for b in pcts[i + 1: i + 3]:
            vals.add(round(abs(a - b), 2))
    return vals


def _found(n: Number, vals: set[float]) -> bool:
    return any(abs(v - n.value) <= (0.051 if n.value < 10 else 0.5) for v in vals)


def _key(nums: list[Number]) -> list[Number]:
    return [n for n in nums if not (n.kind == "count" and n.value < 5)]


def check_numbers(claim: Claim, facts: Facts) -> bool:
    """Upgrade the claim when one study's text holds every number it states; True when it did."""
    nums = _key(numbers_in(claim.text))
    if not nums:
        return False
    best: tuple[int, str] | None = None
    for sid, text in facts.texts.items():
        vals = _values(text)
        hit = sum(_found(n, vals) for n in nums)
        if hit and (best is None or hit > best[0]):
            best = (hit, sid)
    if best is None or best[0] < len(nums):
        return False
    sid = best[1]
    claim.verdict = "supported"
    claim.reason = f"The numbers match {sid}: " + ", ".join(n.text for n in nums) + "."
    claim.evidence = [ClaimEvidence(id=sid, note=facts.texts.get(sid, "")[:200])] + [
        e for e in claim.evidence if e.id != sid][:3]
    return True


def judge_study(claim: Claim, facts: Facts) -> None:
    """"This randomized study involved 114 patients": the study with that size, design and drug."""
    if check_numbers(claim, facts):
        return
    sizes = [n.value for n in numbers_in(claim.text) if n.kind == "count"]
    if not sizes:  # "a study compared A plus B with B alone": a study that gave these drugs
        for b in facts.briefs():
            for s in b.studies:
                if all(d in s.drugs or d in (s.comparator or "") for d in claim.drugs) and s.design != "other":
                    claim.verdict = "supported"
                    claim.reason = f"{s.id} ({s.design}) studied {' + '.join(s.drugs)} against {s.comparator or '?'}."
                    claim.evidence = [ClaimEvidence(id=s.id, note=s.finding)]
                    return
    for b in facts.briefs():
        for s in b.studies:
            if s.n and any(abs(s.n - v) <= max(2, 0.03 * v) for v in sizes) and set(claim.drugs) & set(s.drugs):
                claim.verdict = "supported"
                claim.reason = f"{s.id} ({s.design}) enrolled {s.n} participants."
                claim.evidence = [ClaimEvidence(id=s.id, note=s.finding)]
                return
    claim.verdict = "unverifiable"
    claim.reason = "The study described was not found in the store."
