"""GRADE-style grading of a set of studies and the verdict table that turns it into a word."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..domain import CERTAINTY_BY_LEVEL, Certainty, Verdict, design_weight, is_randomised, is_review
from .study import StudyView, comparator_kind


@dataclass
class Grade:
    verdict: Verdict
    certainty: Certainty
    reasons: list[tuple[str, list[str]]]  # (reason text, study ids)
    better: float
    against: float
    weight: float


def _weight(v: StudyView) -> float:
    """How much one study counts in a verdict: its design, then its size (larger trials are more precise)."""
    w = design_weight(v.design)
    if is_review(v.design):
        if len(v.appraisal.drugs) > 2:
            w *= 0.5  # pooled over several drugs: indirect for any one of them
    elif v.n:
        w *= min(2.0, max(0.35, math.sqrt(v.n / 100)))
    else:
        w *= 0.6  # size unknown
    if v.appraisal.appraiser == "automatic":
        w *= 0.8  # machine-read results are less certain than curated ones
    return w


def grade(
    views: list[StudyView],
    *,
    indirect_reason: str | None = None,
    trials_without_results: list[str] | None = None,
    broad: bool = False,
) -> Grade:
    """GRADE-style verdict and certainty for a set of studies on one question."""
    reasons: list[tuple[str, list[str]]] = []
    # "no difference" against a comparator not known to be placebo may mean "as good as another drug": it
    # cannot say the drug does not work, so it counts like an unclear result (listed, not weighed)
    usable = [v for v in views if v.appraisal.direction != "unclear" and _weight(v) > 0
              and not (v.appraisal.direction == "no difference" and comparator_kind(v) == "unknown")]
    if not usable:
        return Grade("insufficient evidence", "very low", [("no study with a usable result", [])], 0, 0, 0)
    ids = [v.id for v in usable]
    weight = sum(_weight(v) for v in usable)
    better = sum(_weight(v) for v in usable if v.appraisal.direction == "better")
    better += 0.5 * sum(_weight(v) for v in usable if v.appraisal.direction == "mixed")
    against = sum(_weight(v) for v in usable if v.appraisal.direction in ("no difference", "worse"))
    against += 0.5 * sum(_weight(v) for v in usable if v.appraisal.direction == "mixed")
    share = better / weight if weight else 0.0

    has_random = any(is_randomised(v.design) for v in usable)
    level = 4 if has_random else 2
    if not has_random:
        reasons.append(("observational or non-randomised evidence only (starts at low certainty)", ids))
    # risk of bias
    biased = [v for v in usable if {"open-label", "pilot"} & set(v.appraisal.flags) or v.design == "non-randomised trial"]
    if has_random and sum(_weight(v) for v in biased) >= 0.5 * weight:
        level -= 1
        reasons.append(("risk of bias: most of the evidence comes from open-label, pilot or non-randomised studies",
                        [v.id for v in biased]))
    # inconsistency
    if better >= 0.25 * weight and against >= 0.25 * weight and len(usable) > 1:
        level -= 1
        reasons.append(("inconsistency: the studies disagree about the direction of the effect", ids))
    # indirectness
    if indirect_reason:
        level -= 1
        reasons.append((f"indirectness: {indirect_reason}", ids))
    elif broad:
        level -= 1
        reasons.append(("indirectness: the question names a broad condition and the studies each cover one "
                        "narrower kind of it, so no single result answers it", ids))
    # imprecision
    n_total = sum(v.n or 0 for v in usable if not is_review(v.design))
    n_review = max((v.n or 0 for v in usable if is_review(v.design)), default=0)
    n_eff = max(n_total, n_review)
    if n_eff < 400:
        level -= 1
        reasons.append((f"imprecision: few participants in total (about {n_eff})" if n_eff else
                        "imprecision: the number of participants is not known", ids))
        if len(usable) == 1 and n_eff < 300:
            level -= 1
            reasons.append(("imprecision: a single small study", ids))
    # publication bias
    if trials_without_results:
        level -= 1
        reasons.append((f"publication bias suspected: {len(trials_without_results)} registered trial(s) "
                        "completed without posted results", trials_without_results))
    if len(usable) == 1:
        level = min(level, 3)  # one study cannot show that results replicate
        reasons.append(("a single study: consistency cannot be judged", ids))
    level = max(1, min(4, level))
    certainty = CERTAINTY_BY_LEVEL[level]

    return Grade(verdict_word(weight, share, level), certainty, reasons, better, against, weight)


#: The verdict table (docs/appraisal.md, "From certainty to the verdict word"): the share of the usable
#: evidence weight that favours the drug picks the direction, the GRADE level picks how firmly it is said.
MIN_WEIGHT = 1.0  # less usable evidence than one automatic small RCT: no verdict


FAVOURS = 0.65  # at least this share of the weight favours the drug: it works


AGAINST = 0.30  # at most this share favours it: it does not


FIRM_LEVEL = 3  # moderate or high certainty says it plainly; low or very low says "probably"


def verdict_word(weight: float, share: float, level: int) -> Verdict:
    """The verdict word for ``weight`` of usable evidence, ``share`` of it favouring the drug, at GRADE
    ``level`` (1 very low .. 4 high). The same evidence always gets the same word."""
    if weight < MIN_WEIGHT:
        return "insufficient evidence"
    if share >= FAVOURS:
        return "effective" if level >= FIRM_LEVEL else "probably effective"
    if share <= AGAINST:
        return "ineffective" if level >= FIRM_LEVEL else "probably ineffective"
    return "mixed/uncertain"
