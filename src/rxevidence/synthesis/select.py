"""Which studies count: selection from the evidence (retractions apart, one view per trial), the condition
each sits in, curated precedence and the head-to-head view of a comparison."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rxevidence.vocab import Vocabulary

from collections import defaultdict
from collections.abc import Iterable

from ..domain import UNRANKED, design_rank, is_effect_design, is_review
from ..models import Appraisal, Query
from ..models.evidence import Evidence
from ..vocab import vocab_call
from .study import StudyView, evidence_design

MAX_STUDIES_LISTED = 60


def condition_name(vocab: Vocabulary, cid: str | None) -> str | None:
    if cid is None:
        return None
    c = vocab_call(vocab, "condition", cid)
    name = getattr(c, "name", None) if c is not None else None
    return name or cid.replace("-", " ")


def _specificity(vocab: Vocabulary, cid: str) -> int:
    return len(vocab_call(vocab, "narrower", cid, default=[]) or [])


def _assign_condition(vocab: Vocabulary, ev: Evidence, rid: str, a: Appraisal) -> str | None:
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


def select_studies(ev: Evidence, vocab: Vocabulary) -> tuple[list[StudyView], list[StudyView]]:
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


def _design_tier(v: StudyView) -> int:
    """How strong a study's design is for the precedence rule: every review (meta-analysis, systematic review)
    is one tier, the other designs keep their rank (lower is stronger); a trial of experimental pain ranks as
    an experimental pain study (:func:`.study.evidence_design`)."""
    design = evidence_design(v)
    return 0 if is_review(design) else design_rank(design)


def _tested_drugs(v: StudyView, drugs: Iterable[str]) -> set[str]:
    """Which of ``drugs`` the study tested (its studied drugs, else its drugs). A study with no drug read was
    retrieved for the asked drugs and is counted for them (:func:`.study.tests_drug`), so it is taken as testing
    all of them."""
    drugs = set(drugs)
    studied = {r.drug for r in v.appraisal.roles if r.role == "studied"} or set(v.appraisal.drugs)
    return studied & drugs if studied else drugs


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
                best[d] = min(best.get(d, UNRANKED), _design_tier(v))
    if not best:
        return views, []
    counted: list[StudyView] = []
    aside: list[StudyView] = []
    for v in views:
        tested = _tested_drugs(v, drugs)
        if v.curated or not tested or any(_design_tier(v) < best.get(d, UNRANKED + 1) for d in tested):
            counted.append(v)
        else:
            aside.append(v)
    return counted, aside


def comparison_view(views: list[StudyView], query: Query) -> list[StudyView]:
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
