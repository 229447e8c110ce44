"""openFDA: drug labels (``/drug/label.json``) and Drugs@FDA approvals (``/drug/drugsfda.json``).

Limit: 240 requests/minute per IP (4/s); an ``OPENFDA_API_KEY`` raises the daily quota. openFDA
answers HTTP 404 with ``{"error": {"code": "NOT_FOUND"}}`` when nothing matches: that is an empty
result, not an error.

Results are converted by :func:`rxevidence.sources.openfda.parse_openfda_label` and
:func:`rxevidence.sources.drugsfda.parse_drugsfda_result` when those modules are present, else by
the minimal private converters below.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import partial
from typing import Any

from ..errors import ParseError, SourceError
from ..models import Provenance, Record, Section, Skipped
from .http import ApiClient, call_converter

DEFAULT_URL = "https://api.fda.gov"
MAX_LIMIT = 100  # per page; openFDA allows up to 1000, smaller pages fail less

Converter = Callable[..., Record]

# openFDA label fields kept as sections, with their LOINC codes
_LABEL_SECTIONS: list[tuple[str, str, str]] = [
    ("boxed_warning", "Boxed Warning", "34066-1"),
    ("indications_and_usage", "Indications and Usage", "34067-9"),
    ("dosage_and_administration", "Dosage and Administration", "34068-7"),
    ("contraindications", "Contraindications", "34070-3"),
    ("warnings_and_cautions", "Warnings and Precautions", "43685-7"),
    ("warnings", "Warnings", "34071-1"),
    ("adverse_reactions", "Adverse Reactions", "34084-4"),
    ("clinical_studies", "Clinical Studies", "34092-7"),
    ("mechanism_of_action", "Mechanism of Action", "43679-0"),
    ("description", "Description", "34089-3"),
]


def _iso_date(yyyymmdd: str | None) -> str | None:
    if not yyyymmdd or len(yyyymmdd) < 8 or not yyyymmdd[:8].isdigit():
        return None
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:8]}"


def _first(v: Any) -> str | None:
    if isinstance(v, list):
        return str(v[0]) if v else None
    return str(v) if v is not None else None


def _label_record(result: dict[str, Any], *, source: str) -> Record:
    """Minimal label converter (used while ``sources.openfda.parse_openfda_label`` is missing)."""
    set_id = result.get("set_id") or _first((result.get("openfda") or {}).get("spl_set_id"))
    if not set_id:
        raise ParseError("openFDA label without set_id", path=source)
    ofda = result.get("openfda") or {}
    sections = []
    for key, label, code in _LABEL_SECTIONS:
        texts = result.get(key)
        if isinstance(texts, list) and texts:
            sections.append(Section(label=label, code=code, text="\n".join(str(t) for t in texts)))
    brand, generic = _first(ofda.get("brand_name")), _first(ofda.get("generic_name"))
    title = " ".join(x for x in (brand, f"({generic.lower()})" if generic and brand else generic) if x) or None
    date = _iso_date(result.get("effective_time"))
    return Record(
        id=f"spl:{set_id}",
        kind="label",
        title=title,
        sections=sections,
        set_id=set_id,
        version=str(result["version"]) if result.get("version") is not None else None,
        date=date,
        year=int(date[:4]) if date else None,
        extra={"openfda": ofda, "spl_id": result.get("id")},
        provenance=Provenance(source=source, format="openfda-label-json"),
    )


def _drugsfda_record(result: dict[str, Any], *, source: str) -> Record:
    """Minimal Drugs@FDA converter (used while ``sources.drugsfda.parse_drugsfda_result`` is missing)."""
    appl = result.get("application_number")
    if not appl:
        raise ParseError("Drugs@FDA result without application_number", path=source)
    products = result.get("products") or []
    subs = result.get("submissions") or []
    orig = [s for s in subs if s.get("submission_type") == "ORIG" and s.get("submission_status") == "AP"]
    date = _iso_date(min((s.get("submission_status_date") or "99999999") for s in orig)) if orig else None
    brands = sorted({p.get("brand_name") for p in products if p.get("brand_name")})
    return Record(
        id=f"fda:{appl}",
        kind="approval",
        title=(", ".join(brands) + f" ({appl})") if brands else appl,
        application=appl,
        date=date,
        year=int(date[:4]) if date else None,
        extra={
            "sponsor": result.get("sponsor_name"),
            "products": products,
            "submissions": subs,
            "openfda": result.get("openfda") or {},
        },
        provenance=Provenance(source=source, format="openfda-drugsfda-json"),
    )


def label_converter() -> Converter:
    """The label parser of :mod:`.openfda` (``parse_openfda_label`` or ``parse_label_result``), else ours."""
    try:
        from . import openfda
    except ImportError:
        return _label_record
    fn = getattr(openfda, "parse_openfda_label", None) or getattr(openfda, "parse_label_result", None)
    return fn or _label_record


def drugsfda_converter() -> Converter:
    """``drugsfda.parse_drugsfda_result`` when present, else ours."""
    try:
        from .drugsfda import parse_drugsfda_result
    except ImportError:
        return _drugsfda_record
    return parse_drugsfda_result


def parse_results(body: bytes, convert: Converter, *, source: str) -> tuple[list[Record | Skipped], int]:
    """An openFDA JSON page -> (records, total). ``NOT_FOUND`` -> ([], 0). Any bad result fails the page."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ParseError(f"malformed or truncated openFDA JSON: {e}", path=source) from e
    if not isinstance(data, dict):
        raise ParseError("openFDA response is not a JSON object", path=source)
    err = data.get("error")
    if isinstance(err, dict):
        if err.get("code") == "NOT_FOUND":
            return [], 0
        raise SourceError(f"openFDA error {err.get('code')}: {err.get('message')} ({source})", url=source)
    results = data.get("results")
    if not isinstance(results, list):
        raise ParseError("openFDA response without 'results'", path=source)
    total = (((data.get("meta") or {}).get("results") or {}).get("total")) or len(results)
    records: list[Record | Skipped] = []
    for i, r in enumerate(results):
        if not isinstance(r, dict):
            raise ParseError(f"result {i} is not an object", path=source)
        try:
            records.append(call_converter(convert, r, source=source, position=i))
        except ParseError as e:  # one unusable item (e.g. no id): skip it, keep the page
            records.append(Skipped(reason=e.message, path=source, position=f"result {i}"))
        except (KeyError, TypeError, ValueError) as e:
            raise ParseError(f"result {i}: {e}", path=source) from e
    return records, int(total)


def _quote(value: str) -> str:
    return '"' + value.replace('"', " ").strip() + '"'


class OpenFDAClient(ApiClient):
    """openFDA drug label and Drugs@FDA client."""

    name = "openfda"
    env_url = "RXEVIDENCE_OPENFDA_URL"
    default_url = DEFAULT_URL
    default_rate = 4.0  # 240/min

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.api_key = os.environ.get("OPENFDA_API_KEY") or None

    def default_params(self) -> dict[str, str]:
        return {"api_key": self.api_key} if self.api_key else {}

    def _search(
        self, path: str, search: str, convert: Converter, *, limit: int, sort: str | None
    ) -> list[Record | Skipped]:
        out: list[Record | Skipped] = []
        skip = 0
        while len(out) < limit:
            page = min(MAX_LIMIT, limit - len(out))
            params: dict[str, str | int | None] = {"search": search, "limit": page, "skip": skip or None, "sort": sort}
            url = self.url(path)
            (records, total), _ = self.fetch(
                path, params, partial(parse_results, convert=convert, source=url), accept=(404,)
            )
            out.extend(records)
            skip += len(records)
            if len(records) < page or skip >= total:  # a short page is the last one
                break
        return out[:limit]

    @staticmethod
    def label_search(generic_name: str | None = None, *, rxcui: str | None = None) -> str:
        if rxcui:
            return f"openfda.rxcui:{_quote(rxcui)}"
        if not generic_name or not generic_name.strip():
            raise SourceError("openFDA label search needs a generic name or an RxCUI")
        return f"openfda.generic_name:{_quote(generic_name)}"

    def labels(
        self, generic_name: str | None = None, *, rxcui: str | None = None, limit: int = 10
    ) -> list[Record | Skipped]:
        """Current labels whose ``openfda.generic_name`` (or ``openfda.rxcui``) matches, newest first."""
        return self._search(
            "drug/label.json", self.label_search(generic_name, rxcui=rxcui), label_converter(),
            limit=limit, sort="effective_time:desc",
        )

    def approvals(self, generic_name: str, *, limit: int = 20) -> list[Record | Skipped]:
        """Drugs@FDA applications whose ``openfda.generic_name`` matches."""
        return self._search(
            "drug/drugsfda.json", f"openfda.generic_name:{_quote(generic_name)}", drugsfda_converter(),
            limit=limit, sort=None,
        )


__all__ = ["OpenFDAClient", "drugsfda_converter", "label_converter", "parse_results"]
