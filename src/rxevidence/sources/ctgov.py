"""ClinicalTrials.gov -> ``trial`` records: API v2 JSON (a single study or a search page
``{"studies": [...], "nextPageToken": ...}``) and the legacy XML (``clinical_study``).

Both shapes give the same fields; enumerations are normalised (phase "Phase 2", allocation
"randomized", masking "double", status "Completed"), ``extra["has_results"]`` says whether
results were posted, ``extra["references"]`` holds the PMIDs the registration cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TypedDict

from lxml import etree

from ..errors import ParseError
from ..models import Provenance, Record, Section, Skipped
from .ctgov_model import DateStruct, DesignInfo, Enrollment, Outcome, validate_study
from .jsonstream import records_from_json
from .registry import Checkpoint, SourceFormat, register
from .xmlsafe import clean, dedupe, parse_file, text_of

FORMAT_V2 = "ctgov-v2"
FORMAT_XML = "ctgov-xml"
NCT_RE = re.compile(r"^NCT\d{8}$")

_PHASES = {"EARLY_PHASE1": "Early Phase 1", "PHASE1": "Phase 1", "PHASE2": "Phase 2", "PHASE3": "Phase 3",
           "PHASE4": "Phase 4", "NA": "N/A"}


# ------------------------------------------------------------------ shared normalisers


class _Intervention(TypedDict):
    """One intervention as stored in a trial record's ``extra["interventions"]``."""

    type: str | None
    name: str | None
    description: str | None
    other_names: list[str]
    arm_labels: list[str]


def norm_phase(values: list[str]) -> str | None:
    """["PHASE1", "PHASE2"] or ["Phase 1/Phase 2"] -> "Phase 1/Phase 2"."""
    out = [_PHASES.get(v.strip().upper(), v.strip()) for v in values if v and v.strip()]
    return "/".join(out) or None


def norm_status(value: str | None) -> str | None:
    """"ACTIVE_NOT_RECRUITING" / "Active, not recruiting" -> "Active, not recruiting"."""
    if not value:
        return None
    v = value.strip()
    if v.isupper():
        v = v.replace("_", " ").lower().capitalize()
        v = v.replace("Active not recruiting", "Active, not recruiting")
    return v


def norm_allocation(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip().lower().replace("_", "-")
    return {"na": "n/a", "n/a": "n/a"}.get(v, v)


def norm_masking(value: str | None) -> str | None:
    """"DOUBLE" / "Double Blind (Subject, Investigator)" / "None (Open Label)" -> "double" / "none"."""
    if not value:
        return None
    v = value.strip().lower()
    for word in ("quadruple", "triple", "double", "single", "none"):
        if v.startswith(word):
            return word
    if "open label" in v:
        return "none"
    return v


def parse_loose_date(value: str | None) -> str | None:
    """"2016-07", "July 1, 2008", "September 1999" -> ISO ("2016-07", "2008-07-01", "1999-09")."""
    v = clean(value)
    if not v:
        return None
    if re.match(r"^\d{4}(-\d\d){0,2}$", v):
        return v
    for fmt, out in (("%B %d, %Y", "%Y-%m-%d"), ("%B %Y", "%Y-%m"), ("%b %d, %Y", "%Y-%m-%d"), ("%b %Y", "%Y-%m")):
        try:
            return datetime.strptime(v, fmt).strftime(out)
        except ValueError:
            continue
    m = re.search(r"\b(19|20)\d\d\b", v)
    return m.group(0) if m else None


def _outcomes_text(items: list[tuple[str | None, str | None, str | None]]) -> str | None:
    lines = []
    for measure, time_frame, desc in items:
        if not measure:
            continue
        line = measure
        if time_frame:
            line += f" [time frame: {time_frame}]"
        if desc:
            line += f" - {desc}"
        lines.append(line)
    return "\n".join(lines) or None


def _record(nct: str, *, title: str | None, sections: list[Section], start: str | None, first_posted: str | None,
            extra: dict[str, Any], path: str, fmt: str, position: str | None = None) -> Record:
    date = start or first_posted
    return Record(
        id=f"nct:{nct}",
        kind="trial",
        title=title,
        sections=[s for s in sections if s.text],
        nct_ids=[nct],
        date=date,
        year=int(date[:4]) if date else None,
        extra={k: v for k, v in extra.items() if v not in (None, "", [])},
        provenance=Provenance(source=path, format=fmt, position=position),
    )


# ------------------------------------------------------------------ API v2 JSON


def _date(d: DateStruct | None) -> str | None:
    return parse_loose_date(d.date) if d is not None else None


def _enrollment(count: int | float | str | None) -> int | None:
    if isinstance(count, (int, float)) and count >= 0:
        return int(count)
    if isinstance(count, str) and count.strip().isdigit():
        return int(count.strip())
    return None


def parse_v2_study(study: Any, *, path: str = "", position: int | str | None = None) -> Record | Skipped:
    """One v2 study object (``{"protocolSection": ..., "resultsSection"?: ...}``) -> trial Record, or
    Skipped with the reason (no valid nctId, or a field of the wrong type: see :mod:`.ctgov_model`)."""
    pos = f"study {position}" if isinstance(position, int) else position
    typed = validate_study(study)
    if isinstance(typed, str):
        return Skipped(reason=typed, path=path or None, position=pos)
    ps = typed.protocolSection
    nct = clean(ps.identificationModule.nctId)
    if not nct or not NCT_RE.match(nct.upper()):
        return Skipped(reason="study without a valid nctId", path=path or None, position=pos)
    nct = nct.upper()
    ident, status, design = ps.identificationModule, ps.statusModule, ps.designModule
    arms_mod, outcomes, desc = ps.armsInterventionsModule, ps.outcomesModule, ps.descriptionModule
    info = design.designInfo or DesignInfo()
    enroll = design.enrollmentInfo or Enrollment()

    def outs(items: list[Outcome]) -> str | None:
        return _outcomes_text([(clean(o.measure), clean(o.timeFrame), clean(o.description)) for o in items])

    sections = [
        Section(label="Brief Summary", code="brief_summary", text=clean(desc.briefSummary) or ""),
        Section(label="Detailed Description", code="detailed_description",
                text=clean(desc.detailedDescription) or ""),
        Section(label="Primary Outcomes", code="primary_outcomes", text=outs(outcomes.primaryOutcomes) or ""),
        Section(label="Secondary Outcomes", code="secondary_outcomes", text=outs(outcomes.secondaryOutcomes) or ""),
    ]
    interventions: list[_Intervention] = [
        {"type": i.type, "name": clean(i.name), "description": clean(i.description),
         "other_names": dedupe(clean(n) or "" for n in i.otherNames),
         "arm_labels": dedupe(clean(n) or "" for n in i.armGroupLabels)}
        for i in arms_mod.interventions
    ]
    arms = [
        {"label": clean(a.label), "type": a.type, "description": clean(a.description),
         "interventions": dedupe(clean(n) or "" for n in a.interventionNames)}
        for a in arms_mod.armGroups
    ]
    refs = dedupe((r.pmid or "").strip() for r in ps.referencesModule.references)
    sponsor = ps.sponsorCollaboratorsModule.leadSponsor
    extra: dict[str, Any] = {
        "official_title": clean(ident.officialTitle),
        "study_type": design.studyType,
        "phase": norm_phase(design.phases),
        "status": norm_status(status.overallStatus),
        "enrollment": _enrollment(enroll.count),
        "enrollment_type": (enroll.type or "").lower() or None,
        "conditions": dedupe(clean(c) or "" for c in ps.conditionsModule.conditions),
        "condition_keywords": dedupe(clean(c) or "" for c in ps.conditionsModule.keywords),
        "interventions": interventions,
        "arms": arms,
        "has_results": bool(typed.resultsSection) or bool(typed.hasResults),
        "allocation": norm_allocation(info.allocation),
        "masking": norm_masking(info.maskingInfo.masking if info.maskingInfo else None),
        "intervention_model": info.interventionModel,
        "primary_purpose": info.primaryPurpose,
        "sponsor": clean(sponsor.name) if sponsor else None,
        "completion_date": _date(status.completionDateStruct),
        "first_posted": _date(status.studyFirstPostDateStruct),
        "references": refs,
        "index_terms": dedupe([i["name"] or "" for i in interventions]
                              + [n for i in interventions for n in i["other_names"]]),
    }
    return _record(
        nct, title=clean(ident.briefTitle) or clean(ident.officialTitle), sections=sections,
        start=_date(status.startDateStruct), first_posted=extra["first_posted"],
        extra=extra, path=path, fmt=FORMAT_V2, position=pos,
    )


def parse_ctgov_study(study: Any, *, source: str = "") -> Record:
    """Adapter for the live API client: a v2 study -> Record; ParseError when it has no NCT id."""
    r = parse_v2_study(study, path=source)
    if isinstance(r, Skipped):
        raise ParseError(r.reason, path=source or None)
    return r


def parse_v2(path: str, *, checkpoints: bool = False, resume: Checkpoint | None = None,
             **_options: Any) -> Iterator[Record | Skipped | Checkpoint]:
    """Trial records from a v2 study, a search page ``{"studies": [...]}`` or a list of studies,
    streamed one study at a time (see :mod:`.jsonstream`); a bad study is skipped with its reason."""
    yield from records_from_json(
        path, array_keys=("studies",), noun="study", checkpoints=checkpoints, resume=resume,
        to_record=lambda v, k: parse_v2_study(v, path=path, position=f"study {k}"),
    )


# ------------------------------------------------------------------ legacy XML


def _design_field(design: str | None, name: str) -> str | None:
    if not design:
        return None
    m = re.search(rf"{name}:\s*([^,]+(?:\([^)]*\))?)", design)
    return m.group(1).strip() if m else None


def parse_legacy_study(cs: etree._Element, *, path: str = "") -> Record | Skipped:
    """A ``clinical_study`` element -> trial Record."""
    nct = clean(cs.findtext("id_info/nct_id"))
    if not nct or not NCT_RE.match(nct.upper()):
        return Skipped(reason="clinical_study without a valid nct_id", path=path or None)
    nct = nct.upper()

    def tb(p: str) -> str:
        return text_of(cs.find(p)) or ""

    def outs(tag: str) -> str | None:
        return _outcomes_text([(clean(o.findtext("measure")), clean(o.findtext("time_frame")),
                                clean(o.findtext("description"))) for o in cs.iterfind(tag)])

    sections = [
        Section(label="Brief Summary", code="brief_summary", text=tb("brief_summary/textblock")),
        Section(label="Detailed Description", code="detailed_description", text=tb("detailed_description/textblock")),
        Section(label="Primary Outcomes", code="primary_outcomes", text=outs("primary_outcome") or ""),
        Section(label="Secondary Outcomes", code="secondary_outcomes", text=outs("secondary_outcome") or ""),
    ]
    interventions: list[_Intervention] = [
        {"type": clean(i.findtext("intervention_type")), "name": clean(i.findtext("intervention_name")),
         "description": clean(i.findtext("description")),
         "other_names": dedupe(clean(o.text) or "" for o in i.iterfind("other_name")),
         "arm_labels": dedupe(clean(a.text) or "" for a in i.iterfind("arm_group_label"))}
        for i in cs.iterfind("intervention")
    ]
    arms = []
    for a in cs.iterfind("arm_group"):
        label = clean(a.findtext("arm_group_label"))
        arms.append({"label": label, "type": clean(a.findtext("arm_group_type")),
                     "description": clean(a.findtext("description")),
                     "interventions": [i["name"] for i in interventions if label and label in i["arm_labels"]]})
    design = clean(cs.findtext("study_design"))
    enroll_el = cs.find("enrollment")
    enroll_txt = clean(enroll_el.text) if enroll_el is not None else None
    refs = dedupe(clean(p.text) or "" for p in cs.iterfind("reference/PMID"))
    result_refs = dedupe(clean(p.text) or "" for p in cs.iterfind("results_reference/PMID"))
    first = parse_loose_date(cs.findtext("firstreceived_date")) or parse_loose_date(cs.findtext("study_first_submitted"))
    phase = clean(cs.findtext("phase"))
    extra: dict[str, Any] = {
        "official_title": clean(cs.findtext("official_title")),
        "study_type": clean(cs.findtext("study_type")),
        "phase": phase,
        "status": norm_status(clean(cs.findtext("overall_status"))),
        "enrollment": int(enroll_txt) if enroll_txt and enroll_txt.isdigit() else None,
        "enrollment_type": (enroll_el.get("type") or "").lower() or None if enroll_el is not None else None,
        "conditions": dedupe(clean(c.text) or "" for c in cs.iterfind("condition")),
        "condition_keywords": dedupe(clean(c.text) or "" for c in cs.iterfind("keyword")),
        "interventions": interventions,
        "arms": arms,
        "has_results": cs.find("clinical_results") is not None,
        "allocation": norm_allocation(_design_field(design, "Allocation")),
        "masking": norm_masking(_design_field(design, "Masking")),
        "intervention_model": _design_field(design, "Intervention Model"),
        "primary_purpose": _design_field(design, "Primary Purpose"),
        "sponsor": clean(cs.findtext("sponsors/lead_sponsor/agency")),
        "completion_date": parse_loose_date(cs.findtext("completion_date")),
        "first_posted": first,
        "references": dedupe(refs + result_refs),
        "results_references": result_refs,
        "index_terms": dedupe([i["name"] or "" for i in interventions]
                              + [n for i in interventions for n in i["other_names"]]),
    }
    return _record(
        nct, title=clean(cs.findtext("brief_title")) or extra["official_title"], sections=sections,
        start=parse_loose_date(cs.findtext("start_date")), first_posted=first, extra=extra, path=path,
        fmt=FORMAT_XML,
    )


def parse_xml(path: str, **_options: Any) -> Iterator[Record | Skipped]:
    root = parse_file(path)
    if root.tag == "clinical_study":
        yield parse_legacy_study(root, path=path)
        return
    studies = list(root.iter("clinical_study"))
    if not studies:
        raise ParseError("no clinical_study element: not a ClinicalTrials.gov legacy XML record", path=path)
    for s in studies:
        yield parse_legacy_study(s, path=path)


def sniff_v2(name: str, head: bytes) -> bool:
    return head.lstrip().startswith((b"{", b"[")) and (b'"protocolSection"' in head or (
        b'"studies"' in head and b'"nctId"' in head))


def sniff_xml(name: str, head: bytes) -> bool:
    return b"<clinical_study" in head


register(SourceFormat(name=FORMAT_V2, description="ClinicalTrials.gov API v2 JSON (study or search page)",
                      sniff=sniff_v2, parse=parse_v2, priority=25, resumable=True))
register(SourceFormat(name=FORMAT_XML, description="ClinicalTrials.gov legacy XML (clinical_study)",
                      sniff=sniff_xml, parse=parse_xml, priority=25))
