"""Response models of the JSON API: what OpenAPI documents is what the handlers build and send.

The brief (:class:`~rxevidence.models.Brief`), the parse result (:class:`~rxevidence.models.Query`) and
the audit report are the library's own models; this module adds the envelopes only the web has (search
page, record page, shared audit, error body) and the table of documented error statuses.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from ..models import Appraisal, AuditReport, Record


class ErrorBody(BaseModel):
    """The one error shape (``rxevidence.errors.error_body``), for every 4xx and 5xx."""

    ok: Literal[False] = False
    error: str = Field(description="What went wrong and what to do next.")
    errors: list[str] = Field(description="Each problem found (at least one; the first is `error` when alone).")
    status: int = Field(description="The HTTP status, repeated.")


class SearchResult(BaseModel):
    id: str = Field(description="Record id, e.g. `pmid:28187918`, `nct:NCT01234567`, `spl:<set id>`.")
    kind: Literal["article", "label", "approval", "trial"]
    title: str | None = None
    year: int | None = None
    score: float = Field(description="BM25 relevance (higher is better).")
    snippet: str = Field(description="A passage of the record around the first word searched for "
                                     "(abstract, label text or appraisal finding; the title when that is all).")
    url: str | None = Field(description="The record's public page (PubMed, ClinicalTrials.gov, DailyMed, "
                                        "Drugs@FDA).")
    record: str = Field(description="This API's URL of the record.")


class SearchPage(BaseModel):
    query: str
    kind: Literal["article", "label", "approval", "trial"] | None = None
    total: int = Field(description="Records matching (counted up to `total_limit`).")
    total_is_exact: bool = Field(description="False when more than `total_limit` records match.")
    total_limit: int
    offset: int
    limit: int
    count: int = Field(description="Results on this page (`len(results)`).")
    next: str | None = Field(description="URL of the next page, or null on the last.")
    prev: str | None = Field(description="URL of the previous page, or null on the first.")
    results: list[SearchResult]


_RECORD_FIELDS: dict[str, Any] = {name: (f.annotation, f) for name, f in Record.model_fields.items()}
RecordPage = create_model(  # Record's fields (its ``url`` property becomes a field) plus the appraisals
    "RecordPage",
    __doc__="A record as ``rxevidence show ID --json``: its fields, its public ``url`` and its appraisals.",
    **_RECORD_FIELDS,
    url=(str | None, None),
    appraisals=(list[Appraisal], Field(default_factory=list)),
    appraisal=(Appraisal | None, Field(default=None, description="The first of `appraisals` (curated first).")),
)


class AuditResult(AuditReport):
    """The audit report plus where it can be shared and re-opened."""

    id: str = Field(description="Content hash of the article and its format: the same article, the same id.")
    url: str = Field(description="GET this URL for the same JSON (kept as documented under retention).")
    page: str = Field(description="The audit as a web page.")
    audited_at: str = Field(description="When the audit ran (UTC, ISO 8601).")


ERROR_TITLES: dict[int, str] = {
    400: "Bad input (empty question, no drug recognised, undecodable body); the message says what to change.",
    404: "No such record, audit or route.",
    405: "Method not allowed; the `Allow` header lists the methods that work.",
    413: "Body or article too long.",
    415: "Unsupported media type or charset.",
    422: "A parameter or field outside its schema (missing, too long, wrong type or value).",
    429: "Too many audits running; retry after `Retry-After` seconds.",
    500: "Internal error (no details are ever sent).",
}
_HEADERS: dict[int, dict[str, Any]] = {
    405: {"Allow": {"description": "Methods this path supports.", "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for ``statuses``, each the real error body (:class:`ErrorBody`)."""
    out: dict[int | str, dict[str, Any]] = {}
    for s in statuses:
        entry: dict[str, Any] = {"model": ErrorBody, "description": ERROR_TITLES[s]}
        if s in _HEADERS:
            entry["headers"] = _HEADERS[s]
        out[s] = entry
    return out


CACHE_HEADERS: dict[str, Any] = {
    "ETag": {"description": "Weak validator: changes when the store changes.", "schema": {"type": "string"}},
    "Cache-Control": {"description": "Caching policy.", "schema": {"type": "string"}},
}

