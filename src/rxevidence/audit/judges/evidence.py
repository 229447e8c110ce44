"""Reading the studies of a brief for one drug: what was tested against what, and what it found."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...domain import PAIN_DIMENSION, design_rank, is_effect_design, is_review
from ...models import Brief, StudySummary
from ...models.audit import Claim, ClaimEvidence

PLACEBO = re.compile(r"\b(placebo|no treatment|untreated|usual care|sham|vehicle|dummy|pre-drug|baseline|waiting "
                     r"list|none|no drug)\b", re.I)
SMALL = re.compile(r"\b(small|modest|slight|marginal|minimal|not clinically (important|meaningful|relevant)|"
                   r"clinically unimportant|below the (clinically|minimal)|questionable clinical|little)\b", re.I)


@dataclass
class Tested:
    """A study and its result for the drug in question."""

    study: StudySummary
    direction: str

    @property
    def label(self) -> str:
        s = self.study
        return f"{s.id} ({s.design}, N={s.n or '?'}{', ' + s.condition if s.condition else ''}: {self.direction})"


def names_of(brief: Brief | None, drug: str) -> set[str]:
    """The drug and, for a class ("opioids", "NSAIDs"), its members as the brief's query resolved them."""
    out = {drug}
    if brief is not None:
        for m in brief.query.drugs:
            if m.name == drug or m.text.lower() == drug.lower():
                out |= set(m.members) | {m.name}
    return out


def direction_for(study: StudySummary, drug: str, names: set[str] | None = None) -> str | None:
    """The study's result for ``drug`` as tested: the whole study when it tests the drug against placebo or
    no treatment (or adds it to a background both arms get); an arm-level outcome ("ibuprofen alone") when
    the claim is about one part of a combination; None when the study does not say."""
    names = names or {drug}
    mine = [d for d in study.drugs if d in names]
    if not mine:
        return None
    comparator = (study.comparator or "").lower()
    others = [d for d in study.drugs if d not in names]
    arm = [o for o in study.outcomes if any(re.search(rf"\b{re.escape(n)} alone\b", o.name, re.I) for n in mine)]
    if arm:
        return arm[0].direction
    if not others:
        if comparator and not PLACEBO.search(comparator):
            return None  # head-to-head: says how it compares, not whether it works
        return study.direction
    if all(o in comparator for o in others) and (PLACEBO.search(comparator) or not any(n in comparator for n in mine)):
        return study.direction  # add-on: X + Y vs Y (+ placebo) tests X
    if is_review(study.design) and PLACEBO.search(comparator or "placebo"):
        if not comparator and others:
            return None  # a review naming another drug and no placebo: most likely the two compared head to head
        return study.direction if len(study.drugs) <= 2 else None  # class reviews pool other drugs
    return None


def tested(brief: Brief | None, drug: str, *, experimental: bool = False) -> list[Tested]:
    """Studies of ``drug`` itself with a usable result, strongest first (reviews, then large trials)."""
    if brief is None:
        return []
    names = names_of(brief, drug)
    cond = brief.query.condition
    wanted = ({cond.id, *cond.narrower} if cond is not None else set())
    out = []
    for s in brief.studies:
        if s.humans is False or not is_effect_design(s.design):
            continue
        if bool(s.healthy_volunteers or s.condition_id == "experimental-pain") != experimental:
            continue
        if wanted and s.appraiser != "curated" and not _in_condition(s, wanted, cond):
            continue  # an automatic reading placed this study in another condition
        d = direction_for(s, drug, names)
        if d in (None, "unclear"):
            continue
        out.append(Tested(s, d))
    out.sort(key=lambda t: (design_rank(t.study.design), -(t.study.n or 0), t.study.id))
    return out


def _in_condition(s: StudySummary, wanted: set[str], cond: object) -> bool:
    """An automatically appraised study really is about the claim's condition (its own condition words agree)."""
    if s.condition_id and s.condition_id not in wanted:
        return False
    if not s.condition:
        return True
    names = " ".join([getattr(cond, "name", "") or "", getattr(cond, "text", "") or "",
                      *(getattr(cond, "synonyms", None) or []), *wanted]).lower().replace("-", " ")
    stems = {w[:5] for w in re.findall(r"[a-z]{4,}", s.condition.lower())}
    return any(st in names for st in stems)


@dataclass
class Summary:
    result: str  # benefit / no benefit / mixed / none
    strong: bool = False  # a review or a large trial says so, and nothing as strong disagrees
    small: bool = False  # the benefit is described as small or not clinically important
    top: list[Tested] = field(default_factory=list)


def summarise(items: list[Tested], brief: Brief | None = None) -> Summary:
    """What the strongest studies say: the top design tier decides; weaker studies only when it is silent."""
    if not items:
        return Summary("none")
    best_rank = design_rank(items[0].study.design)
    tier = [t for t in items if design_rank(t.study.design) <= best_rank + 1][:4]
    dirs = {t.direction for t in tier}
    good, bad = dirs & {"better"}, dirs & {"no difference", "worse"}
    result = "mixed" if (good and bad) or "mixed" in dirs else ("benefit" if good else "no benefit")
    split = result == "mixed"
    if split:  # a clear majority of the strongest studies (3 to 1 or more) decides; a closer split stays mixed
        n_good = sum(t.direction == "better" for t in tier)
        n_other = len(tier) - n_good
        n_null = sum(t.direction in ("no difference", "worse") for t in tier)
        if n_good >= 3 * n_other:
            result = "benefit"
        elif n_null >= 3 * (len(tier) - n_null):
            result = "no benefit"
    strong = result != "mixed" and not split and any(is_review(t.study.design) or (t.study.n or 0) >= 100 for t in tier)
    small = result == "benefit" and any(SMALL.search(t.study.finding or "") for t in tier)
    if brief is not None and result == "benefit" and brief.certainty in ("low", "very low") and not strong:
        small = small or False
    return Summary(result, strong, small, tier)


def aspect_results(brief: Brief | None, drug: str) -> dict[str, set[str]]:
    """Experimental-pain results per side of pain perception (sensory / affective), from typed outcomes."""
    out: dict[str, set[str]] = {"sensory": set(), "affective": set()}
    if brief is None:
        return out
    for s in brief.studies:
        if drug not in s.drugs or not (s.healthy_volunteers or s.condition_id == "experimental-pain"):
            continue
        for o in s.outcomes:
            info = PAIN_DIMENSION.get(o.pain_dimension or "")
            if info is not None and info.aspect and o.direction != "unclear":
                out[info.aspect].add(o.direction)
    return out


def cite(claim: Claim, items: list[Tested], n: int = 4) -> None:
    claim.evidence = [ClaimEvidence(id=t.study.id, note=t.study.finding) for t in items[:n]]


def labels(items: list[Tested], n: int = 3) -> str:
    return ", ".join(t.label for t in items[:n])
