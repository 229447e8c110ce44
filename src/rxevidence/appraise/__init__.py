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
from ..models import Appraisal, Arm, DrugRole, FieldSource, Population, Record
from . import direction
from .design import DesignResult, classify_design, rct_score
from .effect import DirectionResult, read_direction
from .flags import appraise_flags
from .kind import _OWN_STUDY, _PEOPLE_N, read_kind
from .outcomes import extract_outcomes
from .population import appraise_population
from .roles import RolesResult, read_roles
from .size import canonical_drug, dose_after, extract_n
from .structure import AbstractView, view
from .text import record_parts

#: Bump when the rules change; ``rxevidence appraise --stale-only`` recomputes older appraisals.
#: 2.0: study kind, population kind, drug roles, comparator type, direction from conclusions and results,
#: per-field sources and confidences.
APPRAISER_VERSION = "auto-2.0"
#: Kinds whose direction answers "does it work" (the others keep their reading in ``sources`` only).
EFFICACY_KINDS = ("efficacy", "secondary analysis", "extension", "mechanism")
# kinds whose abstract reports no comparison of treatments to read outcomes from
_NO_RESULTS_KINDS = ("narrative review", "guideline", "protocol", "methods")


def appraiser_version() -> str:
    """The version stamped on new appraisals: :data:`APPRAISER_VERSION`, plus ``+minilm`` when the
    optional cross-encoder reads the effect directions (``direction.use_backend("minilm")``)."""
    return APPRAISER_VERSION if direction.backend() == "linear" else f"{APPRAISER_VERSION}+{direction.backend()}"


_NOT_APPRAISED = ("label", "approval")
_CASE = re.compile(r"\b(?:a|one|two|three)\s+(?:\w+\s+)?cases?\s+(?:of|with|in)\b|\b\d+-(?:year|month)-old\b", re.I)


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
            arms.append(Arm(name=name, role=role, drugs=drugs))
        elif isinstance(a, str):
            arms.append(Arm(name=a, role="placebo" if "placebo" in a.lower() else "intervention"))
    drugs_all = list(dict.fromkeys(d for d in drug_names.values() if d))
    return arms, drugs_all


def _trial_roles(record: Record, arms: list[Arm]) -> RolesResult:
    """Roles and comparator type from a registration's arms: drugs of every arm are background."""
    res = RolesResult()
    drug_arms = [a for a in arms if a.drugs or a.role == "placebo"]
    everywhere = set.intersection(*(set(a.drugs) for a in drug_arms)) if len(drug_arms) > 1 else set()
    order: list[tuple[str, str]] = []
    for a in arms:
        for d in a.drugs:
            role = "background" if d in everywhere else (
                "comparator" if a.role in ("comparator", "placebo") else "studied")
            if all(d != x for x, _ in order):
                order.append((d, role))
    res.roles = [DrugRole(drug=d, role=r, confidence=0.9) for d, r in order]
    res.studied = [d for d, r in order if r == "studied"]
    res.background = [d for d, r in order if r == "background"]
    res.comparators = [d for d, r in order if r == "comparator"]
    model = str(record.extra.get("intervention_model") or record.extra.get("model") or "").lower()
    if any(a.role == "placebo" for a in arms):
        kind = "add-on" if res.background else "placebo"
    elif any(re.search(r"no\s+intervention|usual|standard\s+of\s+care", a.name, re.I) for a in arms):
        kind = "no treatment"
    elif res.comparators:
        kind = "active"
    elif "single" in model or len(arms) == 1:
        kind = "uncontrolled"
    else:
        kind = "unclear"
    res.comparator_type = kind
    res.type_source = FieldSource(value=kind, sentence=None, confidence=0.9 if kind != "unclear" else 0.0)
    return res


def _arms_from_roles(roles: RolesResult, v: AbstractView) -> list[Arm]:
    """Arms as the roles describe them, with doses copied as stated (never computed)."""
    text = v.title + "\n" + "\n".join(s.text for s in v.sentences)
    doses: dict[str, str] = {}
    for h in roles.hits:
        if h.name not in doses:
            d = dose_after(text, h.end) if h.end <= len(text) else None
            if d:
                doses[h.name] = d
    arms: list[Arm] = []
    tested = roles.studied + [d for d in roles.background if d not in roles.studied]
    if tested:
        dose = (doses.get(tested[0]) if len(tested) == 1 else
                "; ".join(f"{d} {doses[d]}" for d in tested if d in doses) or None)
        arms.append(Arm(name=" + ".join(tested), role="combination" if len(tested) > 1 else "intervention",
                        drugs=tested, dose=dose))
    for c in roles.comparators:
        drugs = [c, *roles.background]
        arms.append(Arm(name=" + ".join(drugs), role="comparator", drugs=drugs, dose=doses.get(c)))
    if roles.placebo:
        arms.append(Arm(name=" + ".join([*roles.background, "placebo"]), role="placebo", drugs=list(roles.background)))
    elif roles.comparator_type in ("no treatment", "add-on") and roles.comparator:
        arms.append(Arm(name=roles.comparator, role="comparator", drugs=list(roles.background)))
    return arms


def _population_kind(a: Appraisal, design: str) -> tuple[str, float]:
    p = a.population
    if design == "in vitro":
        return "in vitro", 0.85
    if p.humans is False or design == "animal":
        return "animals", 0.85
    if p.healthy_volunteers:
        return "healthy volunteers", 0.8
    if p.humans:
        return "patients", 0.75 if p.healthy_volunteers is False or p.condition else 0.6
    return "unclear", 0.0


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
        design_source=d.source,
        design_confidence=d.confidence,
    )
    v = view(record, parts)
    a.population = appraise_population(record, text, d.design) if text.strip() else Population()
    size = extract_n([s.text for s in v.sentences], review=is_review(d.design))
    a.n, a.n_studies = size.n, size.n_studies
    if record.kind == "trial":
        a.n = _trial_n(record) or a.n
    roles = read_roles(v, design=d.design)
    if record.kind == "trial":
        t_arms, t_drugs = _trial_arms(record)
        if t_arms:
            roles = _trial_roles(record, t_arms)
            a.arms = t_arms
            comps = [x for x in t_arms if x.role in ("placebo", "comparator")]
            if comps:
                a.comparator = "placebo" if comps[0].role == "placebo" else (
                    comps[0].drugs[0] if comps[0].drugs else comps[0].name)
        elif t_drugs:
            roles.studied = t_drugs
    else:
        a.arms = _arms_from_roles(roles, v)
        a.comparator = roles.comparator
    a.roles = roles.roles
    tested = set(roles.studied) | set(roles.background)
    a.drugs = [r.drug for r in roles.roles if r.drug in tested] or list(roles.studied)
    a.comparator_type = roles.comparator_type  # type: ignore[assignment]
    _read_kind_and_direction(record, a, v, roles, size.evidence)
    if a.kind == "narrative review" and a.design in ("other", "rct", "non-randomised trial") and (
            a.design_source in ("text", None)) and not _OWN_STUDY.search(v.text) and not _PEOPLE_N.search(v.text) and not _CASE.search(v.text):
        # the text reads as a review with no study of its own: its design is that, whatever its words suggested
        a.design = "narrative review"
        a.design_source = "text"
        a.design_confidence = a.sources["kind"].confidence
        a.sources["design"] = FieldSource(value=a.design, sentence=a.sources["kind"].sentence,
                                          confidence=a.design_confidence)
        a.direction = "unclear"
    if not is_comparative(a.design):  # compares nothing itself: no N, no overall direction (finding kept)
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


def _mentions(roles: RolesResult, v: AbstractView) -> dict[str, list[str]]:
    """Drug -> the words the record names it by (the drug finder's matches, e.g. "valproate" for valproic acid)."""
    text = v.title + "\n" + "\n".join(s.text for s in v.sentences)
    out: dict[str, list[str]] = {}
    for h in roles.hits:
        if h.end <= len(text):
            form = text[h.start:h.end].strip().lower()
            if form and form != h.name and form not in out.setdefault(h.name, []):
                out[h.name].append(form)
    return out


def _read_kind_and_direction(record: Record, a: Appraisal, v: AbstractView, roles: RolesResult,
                             n_sentence: str | None) -> None:
    """Study kind, population kind, outcomes, the direction and where each was read."""
    k = read_kind(v, design=a.design, n_drugs=len(roles.studied), publication_types=record.publication_types,
                  healthy_volunteers=bool(a.population.healthy_volunteers),
                  title_drug_spans=[(h.start, h.end) for h in roles.hits if h.end <= len(v.title)])
    a.kind = k.kind  # type: ignore[assignment]
    a.parent = k.parent
    a.trial_ids = [f"nct:{n}" for n in record.nct_ids] + k.trial_names[:3]
    pk, pconf = _population_kind(a, a.design)
    a.population.kind = pk  # type: ignore[assignment]
    if a.kind not in _NO_RESULTS_KINDS:
        res = extract_outcomes(v.parts, intervention=roles.studied[0] if roles.studied else None,
                               comparator=a.comparator, overall=False)
        a.outcomes = res.outcomes
    dres = DirectionResult()
    if a.kind in EFFICACY_KINDS or a.kind == "unclear":
        # only where it answers "does it work": the other kinds keep direction "unclear"
        dres = read_direction(v, studied=roles.studied, comparators=roles.comparators,
                              comparator_type=roles.comparator_type, mentions=_mentions(roles, v))
        a.direction = dres.direction if a.kind != "unclear" else "unclear"  # type: ignore[assignment]
    a.primary_outcome = dres.primary_outcome
    conclusions = v.conclusions
    a.finding = dres.finding or (conclusions[0].text if conclusions else None)
    a.sources = {
        "design": FieldSource(value=a.design, sentence=None, confidence=a.design_confidence or 0.0),
        "kind": k.source,
        "population": FieldSource(value=pk, sentence=None, confidence=pconf),
        "comparator_type": roles.type_source,
        "direction": dres.source,
        "n": FieldSource(value=a.n, sentence=n_sentence, confidence=0.8 if a.n is not None else 0.0),
    }
    if dres.primary_outcome:
        a.sources["primary_outcome"] = FieldSource(value=dres.primary_outcome, sentence=dres.primary_sentence,
                                                   confidence=0.8)


__all__ = ["APPRAISER_VERSION", "EFFICACY_KINDS", "appraise_record", "appraiser_version", "classify_design", "rct_score"]
