"""Synthesis: from a Query and its Evidence to a graded, cited Brief.

Every sentence is built from templates filled with facts from appraisals, the starter pack and
labels, and carries the ids of the records behind it plus machine-checkable ``claims`` that
:mod:`rxevidence.validate` compares with the cited appraisals.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .domain import (
    CERTAINTY_BY_LEVEL,
    JURISDICTIONS,
    LABEL_JURISDICTION,
    NOTE_JURISDICTION,
    STATUS_SEVERITY,
    UNRANKED,
    design_name,
    design_rank,
    design_weight,
    dimension_label,
    is_effect_design,
    is_randomised,
    is_review,
)
from .ids import record_url
from .labelfacts.brief import drug_panel, fda_row
from .models import (
    Appraisal,
    Brief,
    Claims,
    CombinationRow,
    DrugPanel,
    Harm,
    MatrixRow,
    Query,
    Record,
    RegulatoryDetail,
    RegulatoryRow,
    Sentence,
    StudySummary,
)
from .models.evidence import Evidence, Facts

MAX_STUDIES_LISTED = 60


# ------------------------------------------------------------------ study selection


@dataclass
class StudyView:
    """A study as the synthesis sees it: record + best appraisal + where it sits in the matrix."""

    id: str
    record: Record | None
    appraisal: Appraisal
    condition_id: str | None
    condition_name: str | None
    related_ids: list[str]

    @property
    def design(self) -> str:
        return self.appraisal.design

    @property
    def n(self) -> int | None:
        return self.appraisal.n

    @property
    def curated(self) -> bool:
        return self.appraisal.appraiser == "curated"

    @property
    def retracted(self) -> bool:
        return "retracted" in self.appraisal.flags or bool(self.record and self.record.retracted)

    @property
    def year(self) -> int | None:
        return self.record.year if self.record else None

    def sort_key(self) -> tuple:
        return (
            design_rank(self.design),
            0 if self.curated else 1,
            -(self.n or 0),
            -(self.year or 0),
            self.id,
        )


def _vocab_call(vocab: Any, name: str, *args: Any, default: Any = None) -> Any:
    fn = getattr(vocab, name, None)
    if fn is None:
        return default
    try:
        return fn(*args)
    except (KeyError, LookupError, ValueError):
        return default


def condition_name(vocab: Any, cid: str | None) -> str | None:
    if cid is None:
        return None
    c = _vocab_call(vocab, "condition", cid)
    name = getattr(c, "name", None) if c is not None else None
    return name or cid.replace("-", " ")


def _specificity(vocab: Any, cid: str) -> int:
    return len(_vocab_call(vocab, "narrower", cid, default=[]) or [])


def _assign_condition(vocab: Any, ev: Evidence, rid: str, a: Appraisal) -> str | None:
    scope = ev.condition_ids
    if a.population.healthy_volunteers and "experimental-pain" in scope:
        return "experimental-pain"
    cands = [c for c in a.population.condition_ids if not scope or c in scope]
    if not cands and scope:
        rec = ev.records.get(rid)
        text = ((rec.title or "") + " " + rec.abstract).lower() if rec else ""
        fn = getattr(vocab, "condition_terms", None)
        for cid in scope:
            try:
                terms = fn(cid, include_narrower=False) if fn else []
            except (KeyError, LookupError):
                terms = []
            if any(t.lower() in text for t in terms if len(t) > 3):
                cands.append(cid)
    if not cands:
        if a.population.condition_ids:
            return a.population.condition_ids[0]
        return ev.query.condition.id if ev.query.condition else None
    cands.sort(key=lambda c: (_specificity(vocab, c), c))
    return cands[0]


def select_studies(ev: Evidence, vocab: Any) -> tuple[list[StudyView], list[StudyView]]:
    """(included, excluded) studies, duplicates merged by NCT id, best evidence first."""
    views: list[StudyView] = []
    for rid in sorted(ev.appraisals):
        a = ev.appraisals[rid]
        rec = ev.records.get(rid)
        if rec is not None and rec.kind == "trial" and a.appraiser != "curated":
            continue  # registrations feed the publication-bias signal, not the effect estimate
        if not is_effect_design(a.design) and a.design not in ("animal", "guideline"):
            continue
        if (a.appraiser == "curated" and ev.condition_ids and a.population.condition_ids
                and not set(a.population.condition_ids) & set(ev.condition_ids)
                and not (a.population.healthy_volunteers and "experimental-pain" in ev.condition_ids)):
            continue  # a curated study of another condition, found by words it shares with this one
        cid = _assign_condition(vocab, ev, rid, a)
        views.append(StudyView(rid, rec, a, cid, condition_name(vocab, cid), []))
    # merge the same trial reported in several records (linked by NCT id)
    by_nct: dict[str, list[StudyView]] = defaultdict(list)
    for v in views:
        for nct in (v.record.nct_ids if v.record else []):
            by_nct[nct].append(v)
    drop: set[str] = set()
    for _nct, group in sorted(by_nct.items()):
        if len(group) < 2:
            continue
        group.sort(key=StudyView.sort_key)
        keep = group[0]
        for other in group[1:]:
            if other.id not in drop and other.id != keep.id:
                keep.related_ids.append(other.id)
                drop.add(other.id)
    views = [v for v in views if v.id not in drop]
    views.sort(key=StudyView.sort_key)
    included = [v for v in views if not v.retracted]
    excluded = [v for v in views if v.retracted]
    return included, excluded


_BACKGROUND_LEAD = (r"(?:\b(?:patients|people|subjects|adults|children|women|men|those)\b[^.;:]{0,60}?\b(?:already |"
                    r"previously )?(?:treated|pretreated|receiving|taking|maintained|stabili[sz]ed|on)\b(?: with| on)?"
                    r"(?: (?:high|low|standard|usual|stable|maximal|chronic|long-term)[- ]dose)?(?: of)? |"
                    r"\b(?:added|add-on|adjunct\w*|in addition|supplementary|on top) (?:therapy |treatment )?to "
                    r"(?:ongoing |existing |background |conventional |standard )?(?:therapy with |treatment with )?)")


def background_in_title(v: StudyView, drugs: set[str]) -> set[str]:
    """Which of ``drugs`` the record's title names as the patients' existing treatment after naming another of
    them ("Effect of felodipine ... in patients with heart failure treated with enalapril", "atenolol ... in
    patients pretreated with high-dose enalapril"): background therapy, not what the study tested, whatever
    role the automatic reader gave it."""
    title = (v.record.title if v.record else "") or ""
    found = set()
    for d in drugs:
        m = re.search(_BACKGROUND_LEAD + rf"{re.escape(d)}\b", title, re.I)
        # only when the title names another tested drug first ("Effect of felodipine ... treated with enalapril");
        # "patients treated with low-dose olanzapine or haloperidol" names what was tested
        if m and any(re.search(rf"\b{re.escape(o)}\b", title[:m.start()], re.I) for o in drugs - {d}):
            found.add(d)
    return found


def tests_drug(v: StudyView, drugs: Iterable[str]) -> bool:
    """Whether the study tested one of ``drugs`` (alone, as an add-on, or in a combination).

    A drug every arm received (``diazepam + naproxen vs naproxen + placebo``) is background
    therapy, not what the study tested.
    """
    drugs = set(drugs)
    studied = {r.drug for r in v.appraisal.roles if r.role == "studied"}
    if len(studied) > 1 and v.appraisal.appraiser != "curated":
        studied -= background_in_title(v, studied)
    if studied:  # the appraisal read each drug's role: only what the study tested counts
        return bool(studied & drugs)
    if not v.appraisal.drugs:
        return True
    comparator = (v.appraisal.comparator or "").lower()
    tested = {d for d in v.appraisal.drugs if not (len(v.appraisal.drugs) > 1 and re.search(
        rf"\b{re.escape(d)}\b", comparator) and not re.search(rf"\b{re.escape(d)} alone\b", comparator))}
    return bool(tested & drugs)


_PLACEBO = re.compile(r"\b(placebo|sham|vehicle|dummy|no treatment|no drug|usual care|standard care|waiting list|"
                      r"wait-list|control group|untreated|baseline|pre-drug)\b", re.I)
_HARM_OUTCOME = re.compile(r"\b(adverse|safety|side[- ]effects?|tolerab\w*|cost\w*|bleed\w*|cardiovascular|ulcer\w*|"
                           r"mortality|death|harms?|toxicity|withdrawals? due|dropouts?)\b", re.I)


#: A "no difference" result worded as equivalence with another treatment ("as effective as naproxen", "equally
#: efficacious", "comparable efficacy", "non-inferior"): the study compared the drug with an active one, whatever
#: comparator type was read (placebo arms often sit beside the active arm). "as effective as placebo" is not one.
_EQUIVALENCE = re.compile(r"\b(as (effective|efficacious|good) as|equally (effective|efficacious)|(comparable|similar) "
                          r"(efficacy|effectiveness)|non-?inferior\w*|equivalent (to|efficacy))\b", re.I)
_PLACEBO_WORD = re.compile(r"\b(placebo|sham|vehicle|no treatment|untreated)\b", re.I)


def equivalence_claim(v: StudyView) -> bool:
    """An automatically read "no difference" whose conclusion says the drug is as good as another treatment."""
    a = v.appraisal
    finding = a.finding or ""
    return (a.appraiser != "curated" and a.direction == "no difference" and bool(_EQUIVALENCE.search(finding))
            and not _PLACEBO_WORD.search(finding))


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


def comparator_kind(v: StudyView) -> str:
    """'placebo' (placebo, sham, usual care, no treatment), 'active' (another drug) or 'unknown'."""
    a = v.appraisal
    if a.comparator_type in ("active", "dose"):
        return "active"  # another drug, or another dose of the same drug: a comparison, not "does it work"
    if equivalence_claim(v):
        return "active"  # "as effective as <another drug>": how it compares, not whether it works
    if a.comparator_type in ("placebo", "no treatment", "add-on"):
        return "placebo"
    if a.comparator and _PLACEBO.search(a.comparator):
        return "placebo"
    if any(arm.role == "placebo" for arm in a.arms):
        return "placebo"
    if a.comparator or any(arm.role == "comparator" and arm.drugs for arm in a.arms):
        return "active"
    return "unknown"


def efficacy_outcomes_only_harms(v: StudyView) -> bool:
    """True when every outcome the study reports is a harm, safety or cost outcome."""
    outs = v.appraisal.outcomes
    return bool(outs) and all(_HARM_OUTCOME.search(o.name or "") for o in outs)


_DOSE_QUESTION = re.compile(r"\b\d+(\.\d+)?\s?(mg|mcg|µg|g|ml|milligrams?)\b|\b(dose|dosage|dosing|how much|how many|"
                            r"too much|maximum|max|overdose|how often)\b", re.I)


def _label_lists(indications: list[str], condition_id: str, vocab: Any) -> str | None:
    """The first labelled indication that names ``condition_id`` itself (not a narrower or broader one)."""
    for text in indications:
        found = _vocab_call(vocab, "find_conditions", text, default=[]) or []
        # "painful musculoskeletal conditions" describes what is treated, it does not name pain as the use
        if any(c.id == condition_id and not c.text.lower().endswith("ful") for c in found):
            return text
    return None


def _tests_all(v: StudyView, query: Query) -> bool:
    """The study's regimen contains every drug (or a member of every class) the question combines."""
    got = set(v.appraisal.drugs)
    return len(query.drugs) > 1 and all(got & set(m.members or [m.name]) for m in query.drugs)


def _acronyms(text: str) -> str:
    return re.sub(r"\b(nsaid|snri|ssri|cox-2|gaba|5-ht)(s?)\b", lambda m: m.group(1).upper() + m.group(2), text)


def _a(phrase: str) -> str:
    """``phrase`` with its indefinite article: "an opioid", "a benzodiazepine", "an nsaid"."""
    vowel_sound = phrase[:1].lower() in "aeiou" or re.match(r"(nsaid|snri|ssri|h2|x-)", phrase.lower())
    return f"{'an' if vowel_sound else 'a'} {phrase}"


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else (", ".join(items[:-1]) + " and " + items[-1] if items else "")


def is_combination(v: StudyView) -> bool:
    """A tested regimen of several drugs (a review that pools several drugs is not a combination)."""
    return len(v.appraisal.drugs) > 1 and not is_review(v.design)


def is_direct(v: StudyView) -> bool:
    p = v.appraisal.population
    return (
        is_effect_design(v.design)
        and v.design != "experimental pain model"
        and p.humans is not False
        and not p.healthy_volunteers
    )


def _design_tier(design: str | None) -> int:
    """How strong a design is for the precedence rule: every review (meta-analysis, systematic review) is one
    tier, the other designs keep their rank (lower is stronger)."""
    return 0 if is_review(design) else design_rank(design)


def _tested_drugs(v: StudyView, drugs: Iterable[str]) -> set[str]:
    """Which of ``drugs`` the study tested (its studied drugs, else its drugs)."""
    studied = {r.drug for r in v.appraisal.roles if r.role == "studied"} or set(v.appraisal.drugs)
    return studied & set(drugs)


def curated_precedence(views: list[StudyView], drugs: Iterable[str]) -> tuple[list[StudyView], list[StudyView]]:
    """(counted, set aside): curated appraisals win over automatic ones.

    For each drug with curated evidence among ``views``, an automatically appraised study of that drug counts
    only when its design is stronger than the strongest curated design for that drug (a review over curated
    trials; never an automatic trial beside curated trials or reviews), so ingesting records never overrides a
    curated verdict with evidence of the same or weaker design. Automatic studies of a drug nobody curated,
    and studies of no asked drug, count as before. The same record already carries its curated appraisal
    (retrieval prefers it)."""
    drugs = list(drugs)
    best: dict[str, int] = {}
    for v in views:
        if v.curated:
            for d in _tested_drugs(v, drugs) or set(drugs):
                best[d] = min(best.get(d, UNRANKED), _design_tier(v.design))
    if not best:
        return views, []
    counted: list[StudyView] = []
    aside: list[StudyView] = []
    for v in views:
        tested = _tested_drugs(v, drugs)
        if v.curated or not tested or any(_design_tier(v.design) < best.get(d, UNRANKED + 1) for d in tested):
            counted.append(v)
        else:
            aside.append(v)
    return counted, aside


# ------------------------------------------------------------------ grading


@dataclass
class Grade:
    verdict: str
    certainty: str
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
    stated = [lv for v in usable if is_review(v.design) and (lv := review_certainty(v)) is not None]
    review_weight = sum(_weight(v) for v in usable if is_review(v.design))
    if stated and review_weight >= 0.5 * weight and max(stated) < level:
        level = max(stated)
        reasons.append((f"the reviews rate their own evidence {CERTAINTY_BY_LEVEL[level]} certainty",
                        [v.id for v in usable if is_review(v.design) and review_certainty(v) is not None]))
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


def verdict_word(weight: float, share: float, level: int, *, randomised: bool = False) -> str:
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


# ------------------------------------------------------------------ sections


def _cite(ids: Iterable[str | None]) -> list[str]:
    return sorted(dict.fromkeys(i for i in ids if i))


def _study_label(v: StudyView) -> str:
    bits = []
    if v.record and v.record.authors:
        first = v.record.authors[0].split(" ")[0]
        bits.append(f"{first} et al." if len(v.record.authors) > 1 else first)
    elif v.record and v.record.journal:
        bits.append(v.record.journal)
    if v.year:
        bits.append(str(v.year))
    return " ".join(bits) if bits else v.id


def summarise_study(v: StudyView) -> StudySummary:
    a = v.appraisal
    main = a.outcomes[0] if a.outcomes else None
    return StudySummary(
        id=v.id,
        title=v.record.title if v.record else None,
        year=v.year,
        journal=v.record.journal if v.record else None,
        design=a.design,
        n=a.n,
        direction=a.direction,
        condition=v.condition_name,
        condition_id=v.condition_id,
        comparator=a.comparator,
        outcome=main.name if main else None,
        pain_dimension=main.pain_dimension if main else None,
        drugs=list(a.drugs),
        humans=a.population.humans,
        healthy_volunteers=a.population.healthy_volunteers,
        finding=a.finding,
        effect=main.effect if main else None,
        appraiser=a.appraiser,
        flags=list(a.flags),
        retracted=v.retracted,
        url=record_url(v.id),
        related_ids=list(v.related_ids),
        outcomes=[o.model_copy() for o in a.outcomes],
    )


def _outcome_rows(v: StudyView) -> list[tuple[str | None, str]]:
    """(pain dimension, direction) pairs a study contributes to the matrix."""
    rows: dict[str | None, str] = {}
    for o in v.appraisal.outcomes:
        if o.direction == "unclear" and o.pain_dimension is None:
            continue
        rows.setdefault(o.pain_dimension, o.direction)
    if not rows:
        rows[None] = v.appraisal.direction
    return sorted(rows.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))


def build_matrix(views: list[StudyView]) -> list[MatrixRow]:
    cells: dict[tuple[str, str | None], list[tuple[StudyView, str]]] = defaultdict(list)
    names: dict[str, str] = {}
    for v in views:
        cid = v.condition_id or "unspecified"
        names[cid] = v.condition_name or cid
        for dim, direction in _outcome_rows(v):
            cells[(cid, dim)].append((v, direction))
    rows: list[MatrixRow] = []
    for (cid, dim), items in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1] is None, kv[0][1] or "")):
        designs = Counter(v.design for v, _ in items)
        directions = Counter(d for _, d in items)
        sub = [StudyView(v.id, v.record, v.appraisal.model_copy(update={"direction": d}), v.condition_id,
                         v.condition_name, v.related_ids) for v, d in items]
        hv = all(v.appraisal.population.healthy_volunteers for v, _ in items)
        animal = all(v.design == "animal" or v.appraisal.population.humans is False for v, _ in items)
        indirect = "healthy volunteers in an experimental pain model" if hv else ("animals" if animal else None)
        g = grade(sub, indirect_reason=indirect)
        note = None
        if hv:
            note = "experimental pain in healthy volunteers (indirect)"
        elif animal:
            note = "animal studies (indirect)"
        outcome = dimension_label(dim)
        if dim in (None, "other"):
            onames = {o.name for v, _ in items for o in v.appraisal.outcomes if o.pain_dimension == dim}
            if len(onames) == 1:
                outcome = onames.pop()
        rows.append(
            MatrixRow(
                condition=names[cid],
                condition_id=None if cid == "unspecified" else cid,
                outcome=outcome,
                designs=dict(sorted(designs.items())),
                total_n=sum(v.n or 0 for v, _ in items if not is_review(v.design)),
                directions=dict(sorted(directions.items())),
                certainty=g.certainty,
                study_ids=sorted(v.id for v, _ in items),
                note=note,
            )
        )
    return rows


def _fmt_counts(c: dict[str, int]) -> str:
    return ", ".join(f"{n} {design_name(d, n)}" for d, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def _fmt_directions(c: dict[str, int]) -> str:
    words = {"better": "favoured the drug", "worse": "favoured the comparator",
             "no difference": "found no difference", "mixed": "had mixed results", "unclear": "were unclear"}
    return "; ".join(f"{n} {words.get(d, d)}" for d, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


# ------------------------------------------------------------------ the brief


def synthesize(query: Query, ev: Evidence, *, facts: Facts) -> Brief:
    """Build the Brief for ``query`` from ``ev`` and ``facts``: the vocabulary, the starter pack and the
    label-facts index (which fills the drug panel and the US FDA row of drugs the pack does not cover).
    Pure: loads nothing, no store access, deterministic."""
    pack, vocab, label_facts = facts.pack, facts.vocab, facts.label_facts
    brief = Brief(query=query)
    sentences: list[Sentence] = []
    drugs = ev.drug_names
    cond = query.condition
    cname = cond.name if cond else None

    # ---- drug panel
    for m in query.drugs:
        members = m.members if m.is_class and m.members else [m.name]
        if m.is_class:
            panel = DrugPanel(name=m.name, classes=[m.name], indications=[], sources=[])
            in_pack = [x for x in members if pack.drug(x)]
            src = [pack.drug(x).fda.verified_url for x in in_pack if pack.drug(x).fda]  # type: ignore[union-attr]
            panel.indications = [f"members: {', '.join(members[:25])}" + (" …" if len(members) > 25 else "")]
            brief.drugs.append(panel)
            if src:
                sentences.append(Sentence(
                    text=f"The question names a class ({m.name}); this brief covers its members "
                         f"{', '.join(members[:12])}{' and others' if len(members) > 12 else ''}.",
                    citations=_cite(src[:3]), section="drug"))
            continue
        d = pack.drug(m.name)
        if d is not None:
            panel = DrugPanel(
                name=d.name,
                classes=list(d.classes),
                indications=list(d.fda.indications) if d.fda else [],
                mechanism=d.mechanism,
                sources=_cite([d.fda.verified_url if d.fda else None, d.mechanism_source]),
            )
            brief.drugs.append(panel)
            if d.fda:
                sentences.append(Sentence(
                    text=f"{d.name.capitalize()} is {_a(_acronyms(_and_list(list(d.classes))))}.",
                    citations=_cite([d.fda.verified_url]), section="drug"))
                if d.fda.approved and d.fda.indications:
                    prod = f" ({d.fda.product})" if d.fda.product else ""
                    sentences.append(Sentence(
                        text=f"Its US label{prod} covers: " + "; ".join(_strip(x) for x in d.fda.indications) + ".",
                        citations=_cite([d.fda.verified_url]), section="drug"))
                elif not d.fda.approved:
                    sentences.append(Sentence(text=f"{d.name.capitalize()} is not approved in the United States.",
                                              citations=_cite([d.fda.verified_url]), section="drug"))
            if d.mechanism and d.mechanism_source:
                sentences.append(Sentence(text=f"Mechanism: {d.mechanism}", citations=[d.mechanism_source],
                                          section="drug"))
        else:
            panel = DrugPanel(name=m.name, classes=list(m.classes))
            labels = [r for r in ev.labels if m.name in " ".join(map(str, r.extra.get("ingredients", []))).lower()
                      or m.name in (r.title or "").lower()]
            if labels:
                lab = labels[0]
                ind = lab.section("34067-9", "indications and usage", "indications & usage")
                mech = lab.section("43679-0", "mechanism of action")
                if ind:
                    panel.indications = [_clip(ind, 400)]
                    sentences.append(Sentence(text=f"The US label ({lab.title or lab.id}) states its indications as: "
                                                   f"“{_clip(ind, 300)}”", citations=[lab.id], section="drug"))
                if mech:
                    panel.mechanism = _clip(mech, 300)
                panel.sources = [lab.id]
            else:
                indexed, said = drug_panel(m.name, label_facts)
                if indexed is not None:
                    panel = indexed
                    sentences.extend(said)
            brief.drugs.append(panel)

    # ---- regulatory
    brief.regulatory = _regulatory(query, ev, pack, vocab, sentences, label_facts)

    # ---- studies
    included, excluded = select_studies(ev, vocab)
    brief.studies = [summarise_study(v) for v in included[:MAX_STUDIES_LISTED]]
    brief.excluded = [summarise_study(v) for v in excluded]
    for v in excluded:
        sentences.append(Sentence(text=f"{_study_label(v)} ({v.id}) is retracted and was left out of the synthesis.",
                                  citations=[v.id], section="evidence", claims=Claims(retracted=True)))

    # ---- matrix
    brief.matrix = build_matrix(included)
    for row in brief.matrix:
        text = (f"{row.condition.capitalize()} — {row.outcome}: {_fmt_counts(row.designs)}"
                + (f" (about {row.total_n:,} participants in primary studies)" if row.total_n else "")
                + f"; {_fmt_directions(row.directions)}"
                + (f" [{row.note}]" if row.note else "") + f". Certainty: {row.certainty}.")
        sentences.append(Sentence(text=text, citations=row.study_ids, section="evidence",
                                  claims=Claims(designs=row.designs, n_total=row.total_n)))

    # key studies, one sentence each (best evidence first)
    for v in included[:12]:
        a = v.appraisal
        desc = design_name(a.design)
        if is_review(a.design) and a.n_studies:
            desc += f" of {a.n_studies} studies"
        bits = [desc]
        if a.n:
            bits.append(f"{a.n:,} participants")
        if v.condition_name:
            bits.append(v.condition_name)
        finding = a.finding or ""
        if a.appraiser == "automatic" and finding:
            finding = f"the authors conclude: “{_clip(finding, 260)}”"
        dir_txt = {"better": "favoured the drug", "worse": "favoured the comparator",
                   "no difference": "found no difference", "mixed": "had mixed results",
                   "unclear": "reported no clear direction"}[a.direction]
        comp = f" vs {a.comparator}" if a.comparator else ""
        # a regimen of several drugs reads "A + B"; a review covering several drugs "A, B and C"
        tested = " + ".join(a.drugs) if is_combination(v) else _and_list(a.drugs)
        text = f"{_study_label(v)} ({', '.join(bits)}; {tested or 'drug'}{comp}) {dir_txt}"
        text += f": {finding}" if finding else "."
        if not text.endswith((".", "”")):
            text += "."
        claims = Claims(direction=a.direction, design=a.design, n=a.n)
        sentences.append(Sentence(text=text, citations=[v.id, *v.related_ids], section="evidence", claims=claims))

    # ---- combinations
    combos = [v for v in included if is_combination(v) and set(v.appraisal.drugs) & set(drugs)]
    if query.relation == "combination" or combos:
        for v in combos:
            a = v.appraisal
            combo_row = CombinationRow(combination=sorted(a.drugs), comparators=[a.comparator] if a.comparator else [],
                                       condition=v.condition_name, direction=a.direction, study_ids=[v.id],
                                       finding=a.finding)
            brief.combinations.append(combo_row)
            sentences.append(Sentence(
                text=f"Combination {' + '.join(sorted(a.drugs))}"
                     + (f" vs {a.comparator}" if a.comparator else "")
                     + (f" in {v.condition_name}" if v.condition_name else "")
                     + f" ({_study_label(v)}, {design_name(a.design)}"
                     + (f", {a.n} participants" if a.n else "") + f"): {a.direction}."
                     + (f" {a.finding}" if a.finding and a.appraiser == "curated" else ""),
                citations=[v.id], section="combination",
                claims=Claims(direction=a.direction, design=a.design, n=a.n)))
        if query.relation == "combination" and not any(_tests_all(v, query) for v in combos):
            named = " + ".join(m.name for m in query.drugs)
            brief.notes.append(f"No study of {named} together was found; the verdict and the evidence below are for "
                               "the drugs alone" + (" (other combinations are listed apart)." if combos else "."))

    # ---- harms
    for name in drugs:
        d = pack.drug(name)
        if d and d.fda and d.fda.boxed_warning:
            brief.harms.append(Harm(drug=name, kind="boxed warning", text=d.fda.boxed_warning,
                                    source=d.fda.verified_url, date=d.fda.label_date))
            sentences.append(Sentence(text=f"Boxed warning ({name}): {d.fda.boxed_warning}",
                                      citations=[d.fda.verified_url], section="harms"))
    for lab in ev.labels:
        if any(h.drug in " ".join(map(str, lab.extra.get("ingredients", []))).lower() for h in brief.harms):
            continue
        bw = lab.section("34066-1", "boxed warning")
        if bw:
            drug = next((n for n in drugs if n in (lab.title or "").lower()
                         or n in " ".join(map(str, lab.extra.get("ingredients", []))).lower()), drugs[0])
            brief.harms.append(Harm(drug=drug, kind="boxed warning", text=_clip(bw, 500), source=lab.id,
                                    date=lab.date))
            sentences.append(Sentence(text=f"Boxed warning on the {lab.title or 'label'}: “{_clip(bw, 300)}”",
                                      citations=[lab.id], section="harms"))

    # ---- bottom line
    direct = [v for v in included if is_direct(v) and tests_drug(v, drugs) and not efficacy_outcomes_only_harms(v)]
    indirect = [v for v in included if not is_direct(v)]
    head_to_head = [v for v in direct if comparator_kind(v) == "active" and not is_combination(v)]
    only_head_to_head = False
    alone = False
    no_h2h = False
    separate: list[Sentence] = []  # the second drug's own verdict in a comparison without a head-to-head study
    if query.relation == "comparison" and len(query.drugs) >= 2:
        h2h = _comparison_view(direct, query)
        first, second = query.drugs[0].name, query.drugs[1].name
        if h2h:
            direct = h2h
            brief.notes.append(f"A comparison: the verdict reads from {first}'s side against {second} "
                               f"(“effective” = {first} did better; “ineffective” = no better or worse).")
        else:
            others = [v for v in direct if tests_drug(v, query.drugs[1].members or [second])
                      and not tests_drug(v, query.drugs[0].members or [first])]
            direct = [v for v in direct if tests_drug(v, query.drugs[0].members or [first])]
            no_h2h = True
            brief.notes.append(f"No head-to-head study of {first} against {second} was found; the verdict is "
                               f"about {first} against placebo or other comparators.")
            if others:
                # side by side, not compared: the second drug's own evidence for the same condition
                g2 = grade(others)
                separate.append(Sentence(
                    text=f"Separately, for {second} against placebo or other comparators: “{g2.verdict}” "
                         f"({g2.certainty} certainty; {_fmt_counts(Counter(v.design for v in others))}); two "
                         "separate verdicts do not show which drug works better.",
                    citations=_cite(v.id for v in others), section="bottom-line",
                    claims=Claims(designs=dict(Counter(v.design for v in others)))))
    elif head_to_head and len(head_to_head) == len(direct):
        # only comparisons with other active drugs: "no difference" there means "as good as", not "no effect"
        only_head_to_head = True
        sentences.append(Sentence(
            text=f"The only {'study' if len(head_to_head) == 1 else 'studies'} found compared the drug with another "
                 "active drug; they say how it compares, not whether it works better than placebo, so no efficacy "
                 "verdict is drawn from them.",
            citations=_cite(v.id for v in head_to_head), section="bottom-line"))
    elif head_to_head and len(head_to_head) < len(direct):
        # an efficacy question is answered by placebo-controlled evidence; head-to-head results say how the
        # drug compares with another active drug, not whether it works
        direct = [v for v in direct if v not in head_to_head]
        sentences.append(Sentence(
            text=f"{len(head_to_head)} head-to-head {'study' if len(head_to_head) == 1 else 'studies'} against "
                 "another active drug are listed but not counted in the efficacy verdict.",
            citations=_cite(v.id for v in head_to_head), section="bottom-line"))
    no_results = [t.id for t in ev.trials if _completed_without_results(t)]
    if query.relation == "combination":
        combo_direct = [v for v in direct if _tests_all(v, query)]
        alone = not combo_direct
        direct = combo_direct or direct
    # curated appraisals win: automatic studies of a curated drug count only with a stronger design
    direct, aside = curated_precedence(direct, drugs)
    indirect, aside_indirect = curated_precedence(indirect, drugs)
    aside += aside_indirect
    broad = bool(cond and len(ev.condition_ids) > 3 and len({v.condition_id for v in direct}) > 1)
    if cond is None:
        g = Grade("insufficient evidence", "very low", [("no condition named in the question", [])], 0, 0, 0)
        brief.notes.append("Name a condition (e.g. 'for low back pain') to get a verdict; "
                           "the matrix shows the evidence across conditions.")
    elif direct and only_head_to_head:
        g = grade(direct, trials_without_results=no_results, broad=broad)
        g = Grade("insufficient evidence", g.certainty,
                  [("indirectness: only head-to-head comparisons with other active drugs, no placebo-controlled "
                    "study", _cite(v.id for v in direct)), *g.reasons], g.better, g.against, g.weight)
    elif direct:
        g = grade(direct, trials_without_results=no_results, broad=broad)
    elif indirect:
        g = grade(indirect, indirect_reason="only experimental, animal or healthy-volunteer studies",
                  trials_without_results=no_results)
        g = Grade("insufficient evidence", g.certainty, g.reasons, g.better, g.against, g.weight)
    elif included:
        g = Grade("insufficient evidence", "very low", [(
            "no study tested the drug itself for this condition (the studies found used it as background therapy "
            "or as a comparator)", [])], 0, 0, 0)
    else:
        g = Grade("insufficient evidence", "very low", [("no studies found", [])], 0, 0, 0)
    brief.verdict = g.verdict  # type: ignore[assignment]
    brief.certainty = g.certainty  # type: ignore[assignment]
    brief.reasons = [r for r, _ in g.reasons]
    used = direct if direct else indirect
    subject = (" versus " if query.relation == "comparison" else " + ").join(m.name for m in query.drugs) or "the drug"
    if query.relation == "combination" and alone:
        subject = _and_list([m.name for m in query.drugs]) + " (each alone: no study of them together)"
    if no_h2h:
        subject = f"{query.drugs[0].name} (no head-to-head study against {query.drugs[1].name})"
    if used:
        sentences.append(Sentence(
            text=f"Bottom line: for {subject} in {cname or 'the conditions studied'}, the verdict is "
                 f"“{g.verdict}” with {g.certainty} certainty, from {len(used)} "
                 f"{'study' if len(used) == 1 else 'studies'} ({_fmt_counts(Counter(v.design for v in used))}).",
            citations=_cite(v.id for v in used), section="bottom-line",
            claims=Claims(designs=dict(Counter(v.design for v in used)))))
        sentences.extend(separate)
        if aside:
            sentences.append(Sentence(
                text=f"{len(aside)} automatically appraised {'study is' if len(aside) == 1 else 'studies are'} "
                     "listed but not counted in the verdict: curated evidence of the same or a stronger design "
                     "covers the drug.",
                citations=_cite(v.id for v in aside), section="bottom-line"))
        by_cond: dict[str, list[StudyView]] = defaultdict(list)
        for v in used:
            by_cond[v.condition_id or "unspecified"].append(v)
        if len(by_cond) > 1:
            for cid, group in sorted(by_cond.items(), key=lambda kv: (-len(kv[1]), kv[0])):
                sub = grade(group)
                sentences.append(Sentence(
                    text=f"For {group[0].condition_name or cid} alone: “{sub.verdict}” ({sub.certainty} certainty; "
                         f"{_fmt_counts(Counter(v.design for v in group))}).",
                    citations=_cite(v.id for v in group), section="bottom-line",
                    claims=Claims(designs=dict(Counter(v.design for v in group)))))
        for reason, ids in g.reasons:
            if ids:
                sentences.append(Sentence(text=f"Rated down for {reason}.", citations=_cite(ids),
                                          section="bottom-line"))
        if indirect and direct:
            sentences.append(Sentence(
                text=f"{len(indirect)} experimental or animal "
                     f"{'study is' if len(indirect) == 1 else 'studies are'} shown apart and not counted in the verdict.",
                citations=_cite(v.id for v in indirect), section="bottom-line"))
    else:
        brief.notes.append(_nothing_found(query))
        sentences.append(Sentence(text=f"No evidence found in this store for {subject}"
                                       + (f" and {cname}" if cname else "") + ".",
                                  citations=[], section="bottom-line", claims=Claims(absence=True)))
    if _DOSE_QUESTION.search(query.text):
        brief.notes.append("This question is about a dose: rxevidence never suggests or judges doses. The product "
                           "label states the approved doses; a pharmacist or doctor can say what is right for you.")
    if query.intent == "safety" or query.population:
        brief.notes.append(
            "This question asks about safety" + (f" ({', '.join(query.population)})" if query.population else "")
            + ": the verdict grades benefit, not safety; see the harms section and the label, and ask a "
              "pharmacist.")
    brief.sentences = sentences
    brief.notes.extend(ev.notes)
    return brief


def _comparison_view(views: list[StudyView], query: Query) -> list[StudyView]:
    """Head-to-head studies of the first named drug against the second, directions from the first's side."""
    first = set(query.drugs[0].members or [query.drugs[0].name])
    second = set(query.drugs[1].members or [query.drugs[1].name])
    flip = {"better": "worse", "worse": "better"}
    out: list[StudyView] = []
    for v in views:
        comp = (v.appraisal.comparator or "").lower()
        tested = set(v.appraisal.drugs)
        # the tested regimen must be one side alone: a combination with a third drug compares something else
        if tested and tested <= first and any(d in comp for d in second):
            out.append(v)
        elif tested and tested <= second and any(d in comp for d in first):
            a = v.appraisal.model_copy(update={"direction": flip.get(v.appraisal.direction, v.appraisal.direction)})
            out.append(StudyView(v.id, v.record, a, v.condition_id, v.condition_name, v.related_ids))
    return out


def _completed_without_results(t: Record) -> bool:
    status = str(t.extra.get("status", "")).lower()
    return status in ("completed", "terminated") and t.extra.get("has_results") is False


def _nothing_found(query: Query) -> str:
    return ("Nothing in the store answers this question. What would help: ingest PubMed records "
            "(`rxevidence ingest FILE`), fetch them live (`rxevidence ask --online`), or ask about a drug "
            "and condition the starter pack covers (`rxevidence pack info`).")


def _strip(text: str) -> str:
    return text.strip().rstrip(".;")


def _clip(text: str, n: int) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1].rsplit(" ", 1)[0] + "…"


def _regulatory(query: Query, ev: Evidence, pack: Any, vocab: Any, sentences: list[Sentence],
                label_facts: Any = None) -> list[RegulatoryRow]:
    rows: list[RegulatoryRow] = []
    cond = query.condition
    scope = set(ev.condition_ids)
    cname = cond.name if cond else "this condition"
    ancestors = set(_vocab_call(vocab, "broader", cond.id, default=[]) or []) if cond else set()
    for jurisdiction in JURISDICTIONS:
        for name in ev.drug_names[:6]:
            d = pack.drug(name)
            indexed = fda_row(query, name, label_facts, vocab, labels=ev.labels) if jurisdiction == LABEL_JURISDICTION else None
            if d is None:
                if indexed is not None and indexed[0].source:
                    row = indexed[0]
                    if len(ev.drug_names) > 1:
                        row.note = f"[{name}] {row.note}"
                    rows.append(row)
                    sentences.append(Sentence(text=f"{jurisdiction}: {name} for {cname} — {row.status}. "
                                                   f"{_strip(row.note or '')}.", citations=[row.source],
                                              section="regulatory", claims=Claims(status=row.status)))
                continue
            exact = [p for p in d.positions if p.jurisdiction == jurisdiction and cond and p.condition == cond.id]
            narrower = [p for p in d.positions if p.jurisdiction == jurisdiction and cond
                        and p.condition in scope and p.condition != cond.id]
            broader = [p for p in d.positions if p.jurisdiction == jurisdiction and p.condition in ancestors]
            details = [RegulatoryDetail(condition=p.condition, condition_name=condition_name(vocab, p.condition),
                                        status=p.status, statement=p.statement, source=p.verified_url,
                                        source_name=p.source_name, date=p.date)
                       for p in sorted(narrower, key=lambda p: (p.condition, p.status))]
            main = exact[0] if exact else (broader[0] if broader else None)
            label = f"{name}" if len(ev.drug_names) > 1 else ""
            if main is not None:
                row = RegulatoryRow(jurisdiction=jurisdiction, status=main.status, source=main.verified_url,
                                    date=main.date, note=main.statement, condition=main.condition,
                                    source_name=main.source_name, details=details)
            elif jurisdiction == LABEL_JURISDICTION and d.fda is not None and d.fda.approved and cond is not None and (
                    listed := _label_lists(d.fda.indications, cond.id, vocab)):
                # no curated position, but the label's own indication names this condition
                row = RegulatoryRow(jurisdiction=jurisdiction, status="on-label", source=d.fda.verified_url,
                                    date=d.fda.label_date, note=f"The US label lists: {listed}", condition=cond.id,
                                    source_name=f"FDA label{' (' + d.fda.product + ')' if d.fda.product else ''}",
                                    details=details)
            elif (jurisdiction == LABEL_JURISDICTION and indexed is not None and indexed[0].source
                  and (indexed[0].status == "on-label" or d.fda is None)):
                row = indexed[0].model_copy(update={"details": details})  # the index's labels name this use
            elif jurisdiction == LABEL_JURISDICTION and d.fda is not None:
                status = "off-label" if d.fda.approved else "no position found"
                note = (f"The US label does not list {cname} as an indication." if d.fda.approved
                        else "Not approved in the United States.")
                if details:
                    note += " Narrower uses: " + "; ".join(f"{x.condition_name}: {x.status}" for x in details) + "."
                row = RegulatoryRow(jurisdiction=jurisdiction, status=status, source=d.fda.verified_url,
                                    date=d.fda.label_date, note=note, condition=cond.id if cond else None,
                                    source_name=f"FDA label{' (' + d.fda.product + ')' if d.fda.product else ''}",
                                    details=details)
            elif jurisdiction == NOTE_JURISDICTION and d.eu_note and d.eu_source:
                row = RegulatoryRow(jurisdiction=jurisdiction, status="no position found", source=d.eu_source,
                                    note=d.eu_note, details=details)
            elif details:
                worst = sorted(details, key=lambda x: STATUS_SEVERITY.index(x.status)
                               if x.status in STATUS_SEVERITY else 9)[0]
                row = RegulatoryRow(jurisdiction=jurisdiction, status="no position found", source=worst.source,
                                    date=worst.date,
                                    note=f"No position on {cname} as a whole; positions on narrower conditions below.",
                                    condition=cond.id if cond else None, details=details)
            else:
                row = RegulatoryRow(jurisdiction=jurisdiction, status="no position found",
                                    note=f"No {jurisdiction} position on {name} for {cname} in the starter pack.")
            if label:
                row.note = f"[{label}] " + (row.note or "")
            rows.append(row)
            if row.source:
                text = f"{jurisdiction}: {name} for {cname} — {row.status}"
                text += f" ({row.source_name})" if row.source_name else ""
                text += f". {_strip(row.note)}." if row.note else "."
                sentences.append(Sentence(text=text, citations=[row.source], section="regulatory",
                                          claims=Claims(status=row.status)))
                for det in details:
                    if det.source and det.source != row.source or det.statement:
                        sentences.append(Sentence(
                            text=f"{jurisdiction} on {det.condition_name}: {det.status}"
                                 + (f" — {_strip(det.statement)}" if det.statement else "") + ".",
                            citations=[det.source] if det.source else [row.source], section="regulatory"))
    if not rows:
        for j in JURISDICTIONS:
            rows.append(RegulatoryRow(jurisdiction=j, status="no position found",
                                      note="No regulatory facts for this drug in the starter pack or the store."))
    # labels in the store: on-label when the indications section names the condition
    if cond and ev.labels and not any(r.jurisdiction == LABEL_JURISDICTION and r.source for r in rows):
        terms = [cond.name.lower(), *[s.lower() for s in cond.synonyms]]
        for lab in ev.labels[:1]:
            ind = (lab.section("34067-9", "indications and usage", "indications & usage") or "").lower()
            on = any(t in ind for t in terms if len(t) > 3)
            rows = [r for r in rows if r.jurisdiction != LABEL_JURISDICTION]
            rows.insert(0, RegulatoryRow(jurisdiction=LABEL_JURISDICTION, status="on-label" if on else "off-label",
                                         source=lab.id, date=lab.date, source_name=lab.title,
                                         note=("The label's indications mention " if on else
                                               "The label's indications do not mention ") + cond.name + "."))
            sentences.append(Sentence(text=f"US FDA: {'on-label' if on else 'off-label'} — the label's indications "
                                           f"{'mention' if on else 'do not mention'} {cond.name}.",
                                      citations=[lab.id], section="regulatory"))
    return rows
