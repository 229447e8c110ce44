"""ClinicalTrials.gov API v2: ``/studies`` for a condition and an intervention, following
``nextPageToken`` for a bounded number of pages (about 1 request/s).

Each study becomes a trial record (:func:`rxevidence.sources.ctgov.parse_ctgov_study` when present,
else the minimal private converter below). ``extra.status`` and ``extra.has_results`` feed the
brief's publication-bias signal (completed trials with no posted results).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..errors import InputError, ParseError
from ..models import Provenance, Record, Section, Skipped
from .http import ApiClient, call_converter

DEFAULT_URL = "https://clinicaltrials.gov/api/v2"

Converter = Callable[..., Record]


def _trial_record(study: dict[str, Any], *, source: str) -> Record:
    """Minimal CT.gov v2 converter (used while ``sources.ctgov.parse_ctgov_study`` is missing)."""
    ps = study.get("protocolSection") or {}
    ident = ps.get("identificationModule") or {}
    nct = ident.get("nctId")
    if not nct:
        raise ParseError("CT.gov study without nctId", path=source)
    status = ps.get("statusModule") or {}
    desc = ps.get("descriptionModule") or {}
    design = ps.get("designModule") or {}
    arms = ps.get("armsInterventionsModule") or {}
    sections = []
    if desc.get("briefSummary"):
        sections.append(Section(label="Brief Summary", text=desc["briefSummary"]))
    if desc.get("detailedDescription"):
        sections.append(Section(label="Detailed Description", text=desc["detailedDescription"]))
    start = (status.get("startDateStruct") or {}).get("date")
    first = (status.get("studyFirstPostDateStruct") or {}).get("date")
    date = first or start
    return Record(
        id=f"nct:{nct}",
        kind="trial",
        title=ident.get("briefTitle") or ident.get("officialTitle"),
        sections=sections,
        nct_ids=[nct],
        date=date,
        year=int(date[:4]) if date and date[:4].isdigit() else None,
        extra={
            "status": status.get("overallStatus"),
            "has_results": bool(study.get("hasResults", False)),
            "study_type": design.get("studyType"),
            "phases": design.get("phases") or [],
            "enrollment": (design.get("enrollmentInfo") or {}).get("count"),
            "conditions": (ps.get("conditionsModule") or {}).get("conditions") or [],
            "interventions": [i.get("name") for i in arms.get("interventions") or [] if i.get("name")],
            "start_date": start,
            "completion_date": (status.get("completionDateStruct") or {}).get("date"),
            "sponsor": ((ps.get("sponsorCollaboratorsModule") or {}).get("leadSponsor") or {}).get("name"),
        },
        provenance=Provenance(source=source, format="ctgov-v2"),
    )


def study_converter() -> Converter:
    """``ctgov.parse_ctgov_study`` when present, else the minimal converter above."""
    try:
        from . import ctgov
    except ImportError:
        return _trial_record
    fn = getattr(ctgov, "parse_ctgov_study", None)
    return fn or _trial_record


@dataclass
class StudyPage:
    records: list[Record | Skipped] = field(default_factory=list)
    next_token: str | None = None
    total: int | None = None


def parse_page(body: bytes, convert: Converter, *, source: str) -> StudyPage:
    """One ``/studies`` page (or a single ``/studies/{nct}``); ParseError when truncated or malformed."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ParseError(f"malformed or truncated CT.gov JSON: {e}", path=source) from e
    if not isinstance(data, dict):
        raise ParseError("CT.gov response is not a JSON object", path=source)
    studies = data["studies"] if "studies" in data else [data] if "protocolSection" in data else None
    if not isinstance(studies, list):
        raise ParseError("CT.gov response without 'studies'", path=source)
    records: list[Record | Skipped] = []
    for i, s in enumerate(studies):
        if not isinstance(s, dict):
            raise ParseError(f"study {i} is not an object", path=source)
        try:
            records.append(call_converter(convert, s, source=source, position=i))
        except ParseError as e:  # one unusable item (e.g. no id): skip it, keep the page
            records.append(Skipped(reason=e.message, path=source, position=f"study {i}"))
        except (KeyError, TypeError, ValueError) as e:
            raise ParseError(f"study {i}: {e}", path=source) from e
    total = data.get("totalCount")
    return StudyPage(records, data.get("nextPageToken") or None, int(total) if isinstance(total, int) else None)


class CTGovClient(ApiClient):
    """ClinicalTrials.gov v2 client."""

    name = "ctgov"
    env_url = "RXEVIDENCE_CTGOV_URL"
    default_url = DEFAULT_URL
    default_rate = 1.0

    def study_pages(
        self,
        *,
        condition: str | None = None,
        intervention: str | None = None,
        term: str | None = None,
        page_size: int = 50,
        max_pages: int = 5,
    ) -> Iterator[StudyPage]:
        """Pages of studies matching the condition and intervention, at most ``max_pages``."""
        if not (condition or intervention or term):
            raise InputError("A trial search needs a condition, an intervention or a term")
        convert = study_converter()
        token: str | None = None
        url = self.url("studies")
        for k in range(max_pages):
            params = {
                "query.cond": condition,
                "query.intr": intervention,
                "query.term": term,
                "pageSize": page_size,
                "countTotal": "true" if k == 0 else None,
                "pageToken": token,
                "format": "json",
            }
            page, _ = self.fetch("studies", params, partial(parse_page, convert=convert, source=url))
            yield page
            token = page.next_token
            if not token:
                break

    def study(self, nct_id: str) -> Record:
        """One study by NCT id."""
        nct = nct_id.removeprefix("nct:").upper()
        url = self.url(f"studies/{nct}")
        page, _ = self.fetch(f"studies/{nct}", {"format": "json"},
                             lambda b: parse_page(b, study_converter(), source=url))
        rec = page.records[0] if page.records else None
        if not isinstance(rec, Record):
            raise ParseError(f"no readable study {nct} in the response", path=url)
        return rec


__all__ = ["CTGovClient", "StudyPage", "parse_page", "study_converter"]
