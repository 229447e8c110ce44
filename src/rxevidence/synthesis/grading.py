"""GRADE-style grading of a set of studies and the verdict table that turns it into a word."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..domain import CERTAINTY_BY_LEVEL, Certainty, Verdict, design_weight, is_randomised, is_review
from .study import _HARM_OUTCOME, StudyView, comparator_kind, equivalence_claim


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


#: A conclusion that the drug beat placebo: "more effective than placebo", "superior to placebo", "significantly
#: improved ... compared with placebo" (within one sentence, not negated).
_BEATS_PLACEBO = re.compile(r"\b((more effective|more efficacious|superior|better) (than|to|over) (with )?placebo|"
                            r"significantly (improved|reduced|better|greater|decreased|increased|relieved)\b[^.;]{0,120}"
                            r"\b(compared (with|to)|than|versus|vs\.?|over) (with )?placebo)\b", re.I)
_NEGATED = re.compile(r"\b(not|no|neither|nor|failed to|did not|was not|were not)\b", re.I)


def efficacy_direction(v: StudyView) -> str:
    """The direction a study gives the efficacy verdict: its appraised direction, except that an automatically
    read "mixed" result whose conclusion says the drug beat placebo ("more effective than placebo and similar in
    efficacy to naproxen") counts as "better": the placebo comparison is what "does it work" asks, the other
    arm says how it compares."""
    a = v.appraisal
    if a.appraiser != "curated" and a.direction == "mixed":
        m = _BEATS_PLACEBO.search(a.finding or "")
        if m and not _NEGATED.search((a.finding or "")[max(0, m.start() - 40):m.end()]):
            return "better"
    return a.direction


#: A rating of the evidence itself: "very low quality evidence", "the evidence was rated low quality" (a
#: "low-certainty effect in osteoarthritis" rates one part of a finding, not the evidence); in an outcome's
#: effect text ("RR 1.6 (1.2 to 2.2); moderate certainty") the rating is that outcome's.
_STATED_CERTAINTY = re.compile(r"\b(?:(very low|low|moderate|high)[- ](?:quality|certainty)[- ]evidence|evidence (?:was|is|"
                               r"were) (?:of |rated )?(very low|low|moderate|high)(?: quality| certainty)?)\b", re.I)
_OUTCOME_CERTAINTY = re.compile(r"\b(very low|low|moderate|high)[- ](?:quality|certainty)\b", re.I)
_LEVEL_BY_WORD = {"very low": 1, "low": 2, "moderate": 3, "high": 4}


def review_certainty(v: StudyView) -> int | None:
    """The GRADE level a review states for its own evidence ("the evidence was of very low quality",
    "low-certainty evidence"), from its conclusion, else from its benefit outcomes (the highest stated there);
    None when it states none. A review's own rating of a body of trials is the best reading of how sure it is."""
    def levels(text: str, pattern: re.Pattern[str]) -> list[int]:
        return [_LEVEL_BY_WORD[next(g for g in m.groups() if g).lower()] for m in pattern.finditer(text)]
    found = levels(v.appraisal.finding or "", _STATED_CERTAINTY)
    if not found:
        for o in v.appraisal.outcomes:
            if o.direction in ("better", "no difference", "mixed") and not _HARM_OUTCOME.search(o.name or ""):
                found += levels(o.effect or "", _OUTCOME_CERTAINTY)
    return max(found) if found else None


def grade(
    views: list[StudyView],
    *,
    indirect_reason: str | None = None,
    trials_without_results: list[str] | None = None,
    broad: bool = False,
) -> Grade:
    """GRADE-style verdict and certainty for a set of studies on one question."""
    reasons: list[tuple[str, list[str]]] = []
    # "no difference" against a comparator not known to be placebo (or worded "as effective as" another
    # treatment) may mean "as good as another drug": it cannot say the drug does not work, so it counts like an
    # unclear result (listed, not weighed)
    usable = [v for v in views if v.appraisal.direction != "unclear" and _weight(v) > 0
              and not (v.appraisal.direction == "no difference"
                       and (comparator_kind(v) == "unknown" or equivalence_claim(v)))]
    if not usable:
        return Grade("insufficient evidence", "very low", [("no study with a usable result", [])], 0, 0, 0)
    ids = [v.id for v in usable]
    weight = sum(_weight(v) for v in usable)
    direction = {v.id: efficacy_direction(v) for v in usable}
    better = sum(_weight(v) for v in usable if direction[v.id] == "better")
    better += 0.5 * sum(_weight(v) for v in usable if direction[v.id] == "mixed")
    against = sum(_weight(v) for v in usable if direction[v.id] in ("no difference", "worse"))
    against += 0.5 * sum(_weight(v) for v in usable if direction[v.id] == "mixed")
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
    stated = {v.id: lv for v in usable if is_review(v.design) and (lv := review_certainty(v)) is not None}
    review_weight = sum(_weight(v) for v in usable if is_review(v.design))
    if stated and review_weight >= 0.5 * weight and max(stated.values()) < level:
        level = max(stated.values())
        reasons.append((f"the reviews rate their own evidence {CERTAINTY_BY_LEVEL[level]} certainty", list(stated)))
    if len(usable) == 1:
        level = min(level, 3)  # one study cannot show that results replicate
        reasons.append(("a single study: consistency cannot be judged", ids))
    level = max(1, min(4, level))
    certainty = CERTAINTY_BY_LEVEL[level]

    return Grade(verdict_word(weight, share, level, randomised=has_random), certainty, reasons, better, against,
                 weight)


#: The verdict table (docs/appraisal.md, "From certainty to the verdict word"): the share of the usable
#: evidence weight that favours the drug picks the direction, the GRADE level picks how firmly it is said.
MIN_WEIGHT = 1.0  # less usable evidence than one automatic small RCT: no verdict


FAVOURS = 0.65  # at least this share of the weight favours the drug: it works


AGAINST = 0.30  # at most this share favours it: it does not


FIRM_LEVEL = 3  # moderate or high certainty says it plainly; low or very low says "probably"


def verdict_word(weight: float, share: float, level: int, *, randomised: bool = False) -> Verdict:
    """The verdict word for ``weight`` of usable evidence, ``share`` of it favouring the drug, at GRADE
    ``level`` (1 very low .. 4 high). The same evidence always gets the same word. A usable randomised trial
    of any size is enough for a word (its size is already in the certainty: imprecision, a single small
    study); less than ``MIN_WEIGHT`` of non-randomised evidence is not."""
    if weight < MIN_WEIGHT and not randomised:
        return "insufficient evidence"
    if share >= FAVOURS:
        return "effective" if level >= FIRM_LEVEL else "probably effective"
    if share <= AGAINST:
        return "ineffective" if level >= FIRM_LEVEL else "probably ineffective"
    return "mixed/uncertain"
