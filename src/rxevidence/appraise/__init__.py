"""Automatic appraisal: turn a record into a structured :class:`~rxevidence.models.Appraisal`.

    >>> from rxevidence.appraise import appraise_record
    >>> appraisal = appraise_record(record)   # None for labels and approvals

The pieces, one module per idea: ``design`` (study design from PublicationType, MeSH,
registry fields or the words), ``population``, ``size`` (N, arms, doses as stated),
``outcomes`` (outcomes, effect direction, effect sizes, the conclusion sentence), ``flags``
and ``text`` (sentences and sections). The learned direction classifier lives in
``direction`` (used when present). Everything is rules and compiled regular expressions, fast
enough for bulk ingest (see ``bench/appraise_speed.py``).
"""

from __future__ import annotations

import re

from ..domain import is_comparative, is_review
from ..models import Appraisal, Arm, Population, Record
from .design import DesignResult, classify_design, rct_score
from .flags import appraise_flags
from .outcomes import extract_outcomes
from .population import appraise_population
from .size import extract_arms, extract_n
from .text import Part, record_parts, split_sentences

#: Bump when the rules change; ``rxevidence appraise --stale-only`` recomputes older appraisals.
APPRAISER_VERSION = "auto-1.0"


def appraiser_version() -> str:
    """The version stamped on new appraisals: :data:`APPRAISER_VERSION`, plus ``+minilm`` when the
    optional cross-encoder reads the effect directions (``direction.use_backend("minilm")``)."""
    from . import direction

    return APPRAISER_VERSION if direction.backend() == "linear" else f"{APPRAISER_VERSION}+{direction.backend()}"


_NOT_APPRAISED = ("label", "approval")


def _trial_n(record: Record) -> int | None:
    v = record.extra.get("enrollment")
    if isinstance(v, dict):
        v = v.get("count") or v.get("value")
    try:
        n = int(str(v).replace(",", "")) if v not in (None, "") else None
    except ValueError:
        return None
    return n if n and n > 0 else None


_INTERVENTION_PREFIX = re.compile(r"^(?:drug|biological|dietary supplement|combination product|other|device|procedure|behavioral)\s*:\s*", re.I)


def _arm_role(kind: str) -> str:
    k = kind.lower().replace("_", " ")
    if "placebo" in k or "sham" in k:
        return "placebo"
    if "comparator" in k or "no intervention" in k or "control" in k:
        return "comparator"
    if "experimental" in k or not k:
        return "intervention"
    return "other"


def _trial_drug(name: str) -> str | None:
    from .size import canonical_drug

    plain = _INTERVENTION_PREFIX.sub("", name).strip()
    if not plain or re.match(r"^placebo\b", plain, re.I):
        return None
    return canonical_drug(plain)


def _trial_arms(record: Record) -> tuple[list[Arm], list[str]]:
    """Arms (with their drugs) and studied drugs from a registration's structured fields."""
    drug_names: dict[str, str | None] = {}
    for i in record.extra.get("interventions") or []:
        if isinstance(i, dict) and i.get("name"):
            kind = str(i.get("type") or "").lower()
            if kind in ("", "drug", "biological", "combination product", "dietary supplement"):
                drug_names[str(i["name"])] = _trial_drug(str(i["name"]))
    arms: list[Arm] = []
    for a in record.extra.get("arms") or []:
        if isinstance(a, dict):
            name = str(a.get("label") or a.get("name") or "arm")
            role = _arm_role(str(a.get("type") or ""))
            drugs: list[str] = []
            for iv in a.get("interventions") or []:
                d = drug_names.get(_INTERVENTION_PREFIX.sub("", str(iv)).strip()) or _trial_drug(str(iv))
                if d and d not in drugs:
                    drugs.append(d)
            if role == "intervention" and len(drugs) > 1:
                role = "combination"
            arms.append(Arm(name=name, role=role, drugs=drugs))  # type: ignore[arg-type]
        elif isinstance(a, str):
            arms.append(Arm(name=a, role="placebo" if "placebo" in a.lower() else "intervention"))
    drugs_all = list(dict.fromkeys(d for d in drug_names.values() if d))
    return arms, drugs_all


def _method_sentences(parts: list[Part]) -> list[str]:
    labelled = [p for p in parts if p.label in ("METHODS", "RESULTS")]
    if labelled:
        return [s for p in labelled for s in split_sentences(p.text)]
    return [s for p in parts for s in split_sentences(p.text)]


def appraise_record(record: Record) -> Appraisal | None:
    """The automatic appraisal of one record; None for kinds with nothing to appraise (labels, approvals)."""
    if record.kind in _NOT_APPRAISED:
        return None
    parts = record_parts(record)
    title = record.title or ""
    abstract = " ".join(p.text for p in parts)
    if not title and not abstract and record.kind != "trial":
        return None
    text = f"{title}\n{abstract}"
    d: DesignResult = classify_design(record)
    a = Appraisal(
        record_id=record.id,
        appraiser="automatic",
        appraiser_version=appraiser_version(),
        design=d.design,
        design_detail=d.detail,
        design_source=d.source,  # type: ignore[arg-type]
        design_confidence=d.confidence,
    )
    a.population = appraise_population(record, text, d.design) if text.strip() else Population()
    all_sentences = [s for p in parts for s in split_sentences(p.text)]
    size = extract_n(all_sentences, review=is_review(d.design))
    a.n, a.n_studies = size.n, size.n_studies
    if record.kind == "trial":
        a.n = _trial_n(record) or a.n
    arms = extract_arms(title, _method_sentences(parts) if not is_review(d.design) else all_sentences[:6])
    a.drugs = arms.drugs
    a.arms = arms.arms
    a.comparator = arms.comparator
    if record.kind == "trial":
        t_arms, t_drugs = _trial_arms(record)
        if t_arms:
            a.arms = t_arms
            comps = [x for x in t_arms if x.role in ("placebo", "comparator")]
            if comps:
                a.comparator = "placebo" if comps[0].role == "placebo" else (
                    comps[0].drugs[0] if comps[0].drugs else comps[0].name)
        if t_drugs:
            a.drugs = t_drugs
    res = extract_outcomes(parts, intervention=a.drugs[0] if a.drugs else None, comparator=a.comparator)
    a.outcomes = res.outcomes
    a.direction = res.direction  # type: ignore[assignment]
    a.finding = res.finding
    if not is_comparative(d.design):  # compares nothing itself: no N, no overall direction (finding kept)
        a.direction = "unclear"
        a.n = None if d.design != "case report" else a.n
    if record.kind == "trial" and not record.extra.get("has_results"):
        a.direction = "unclear"
        a.finding = None
        a.outcomes = [o for o in a.outcomes if o.direction == "unclear"]
    a.flags = appraise_flags(record, a, text)
    if re.search(r"\bwithdrawn\b|\bterminated\b", str(record.extra.get("status", "")), re.I):
        a.flags.append(str(record.extra["status"]).lower())
    return a


__all__ = ["APPRAISER_VERSION", "appraise_record", "appraiser_version", "classify_design", "rct_score"]
