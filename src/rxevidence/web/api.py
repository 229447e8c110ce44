"""The JSON API under ``/api``: parse, ask, audit (and shared audits), search, records.

Every 200 body is one of the documented response models; every error is ``errors.error_body``
(``ErrorBody`` in the spec). Limits in the spec are the constants the handlers enforce.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..ids import normalise_id
from ..models import Brief
from ..models import Query as ParsedQuery
from ..pipeline.records import FoundRecord, find_record
from .audit_input import AUDIT_FORMATS, FORM_TYPES, read_audit_input
from .audits import AUDIT_ID_PATTERN, KeptAudit, audit_id
from .core import (
    MAX_AUDIT_CHARS,
    MAX_QUESTION_CHARS,
    MAX_SEARCH_CHARS,
    MAX_SEARCH_LIMIT,
    MAX_SEARCH_OFFSET,
    Services,
    WebError,
    clean_question,
    dumps,
    services,
)
from .http import cached_response, not_modified
from .schemas import CACHE_HEADERS, AuditResult, RecordPage, SearchPage, error_responses

router = APIRouter(prefix="/api", tags=["api"])

NON_BLANK = r"\S"
QuestionParam = Annotated[str, Query(
    description="The question, e.g. 'How effective is diazepam for pain?' (whitespace is collapsed).",
    min_length=1, max_length=MAX_QUESTION_CHARS, pattern=NON_BLANK,
    openapi_examples={"single": {"value": "How effective is diazepam for pain?"},
                      "comparison": {"value": "Tramadol vs codeine for dental pain"},
                      "combination": {"value": "Diazepam plus naproxen for acute low back pain"}})]
COMMON_ERRORS = (405, 422, 500)


def _json(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(obj), status_code=status, media_type="application/json", headers=headers)


@router.get("/parse", summary="Parse a question into a Query", response_model=ParsedQuery,
            responses=error_responses(400, *COMMON_ERRORS))
def api_parse(request: Request, q: QuestionParam) -> Response:
    """The question as read: drugs (canonical names), relation, condition concept, population, intent,
    the alternatives considered and messages. Always 200 for a non-empty question."""
    query = services(request).parse(clean_question(q))
    return _json(query.model_dump(mode="json"))


@router.get("/ask", summary="The evidence brief (same JSON as `rxevidence ask --format json`)",
            response_model=Brief,
            responses={200: {"headers": CACHE_HEADERS}, 304: {"description": "Not modified (If-None-Match)."},
                       **error_responses(400, *COMMON_ERRORS)})
async def api_ask(request: Request, q: QuestionParam) -> Response:
    """The Brief: query, verdict, certainty, reasons, regulatory, matrix, studies, sentences with citations.

    400 when the question names no drug the vocabulary knows (the message suggests names). Briefs are
    deterministic for a store state: ``ETag`` changes when the store changes; send ``If-None-Match``."""
    return await brief_json_response(request, q)


async def brief_json_response(request: Request, q: str) -> Response:
    """304 / cached briefs are served on the event loop; a miss runs ``ask`` in the thread pool."""
    svc = services(request)
    question = clean_question(q)
    etag = svc.brief_etag("json", question)
    if etag and (hit := not_modified(request, etag)) is not None:
        return hit
    entry = svc.cached_brief(question)
    if entry is None:
        entry = await run_in_threadpool(svc.brief, question)
    return cached_response(request, entry.json)


# ------------------------------------------------------------------ audit

# A raw text body is any text (no value of it has a "wrong type"), so its schema constrains nothing;
# the limit is stated here and enforced (413), as for the JSON and form fields' maxLength.
_TEXT_BODY = {"schema": {"description": f"The article as raw text, at most {MAX_AUDIT_CHARS:,} characters "
                                        "(413 beyond); the charset parameter is honoured (UTF-8 by default).",
                         "x-max-characters": MAX_AUDIT_CHARS}}
_FORMAT = {"type": "string", "enum": list(AUDIT_FORMATS), "default": "text"}
_TEXT_FIELD = {"type": "string", "minLength": 1, "maxLength": MAX_AUDIT_CHARS, "pattern": NON_BLANK}
AUDIT_BODY = {
    "required": True,
    "description": "The article: raw text (charset honoured), JSON, form fields or an uploaded file.",
    "content": {
        "application/json": {"schema": {"type": "object", "required": ["text"],
                                        "properties": {"text": _TEXT_FIELD, "format": _FORMAT}},
                             "example": {"text": "Diazepam is effective for low back pain.", "format": "text"}},
        "text/plain": _TEXT_BODY,
        "text/markdown": _TEXT_BODY,
        "text/html": _TEXT_BODY,
        FORM_TYPES[0]: {"schema": {"type": "object", "required": ["text"],
                                   "properties": {"text": _TEXT_FIELD, "format": _FORMAT}}},
        FORM_TYPES[1]: {"schema": {"type": "object", "required": ["file"],
                                   "properties": {"file": {"type": "string", "format": "binary"},
                                                  "format": _FORMAT}}},
    },
}


@router.post("/audit", summary="Audit an article's claims against the evidence", response_model=AuditResult,
             openapi_extra={"requestBody": AUDIT_BODY},
             responses=error_responses(400, 413, 415, 429, *COMMON_ERRORS))
async def api_audit(request: Request) -> Response:
    """The AuditReport (``claims`` [{text, start, end, verdict, evidence, reason}], ``contradictions``
    [{a, b, reason}], ``checks``, ``summary``) plus ``id``, ``url`` and ``page``: the same article always
    gets the same id, and ``url`` re-opens the result later (see retention in the docs)."""
    kept = await audit_entry(request)
    url = services(request).settings.absolute(f"/api/audit/{kept.id}")
    return Response(shared_audit(services(request), kept), media_type="application/json",
                    headers={"Content-Location": url})


async def audit_entry(request: Request) -> KeptAudit:
    """Read the body, reuse a kept result for the same article and store state, else audit in the pool."""
    svc = services(request)
    art = await read_audit_input(request)
    aid = audit_id(art.text, art.format)
    state = await run_in_threadpool(svc.state_key)
    meta = await run_in_threadpool(svc.archive.meta, aid)
    if meta is not None and meta.get("store_state") == state:
        kept = await run_in_threadpool(svc.archive.load, aid)
        if kept is not None:
            return kept
    report = await svc.pool.run(art.text, art.kind)
    return await run_in_threadpool(partial(svc.archive.save, aid, fmt=art.format, store_state=state,
                                           report_json=report))


def shared_audit(svc: Services, kept: KeptAudit) -> bytes:
    return kept.shared_json(url=svc.settings.absolute(f"/api/audit/{kept.id}"),
                            page=svc.settings.absolute(f"/audit/{kept.id}"))


def kept_audit(svc: Services, aid: str) -> KeptAudit:
    """:raises WebError: 404 once past retention (or never audited here)."""
    kept = svc.archive.load(aid)
    if kept is None:
        raise WebError(f"No audit {aid!r} is kept here (results are kept {svc.settings.audit_days} days). "
                       "Send the article again.", 404)
    return kept


AuditIdParam = Annotated[str, Path(description="The audit's id (32 hex digits).", pattern=AUDIT_ID_PATTERN)]


@router.get("/audit/{audit_id}", summary="A shared audit result", response_model=AuditResult,
            responses=error_responses(404, *COMMON_ERRORS))
def api_audit_get(request: Request, audit_id: AuditIdParam) -> Response:
    """The kept result of an earlier ``POST /api/audit`` (404 once past retention)."""
    svc = services(request)
    return Response(shared_audit(svc, kept_audit(svc, audit_id)), media_type="application/json")


# ------------------------------------------------------------------ search, records


@router.get("/search", summary="Full-text search of the store", response_model=SearchPage,
            responses=error_responses(*COMMON_ERRORS))
def api_search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=MAX_SEARCH_CHARS, pattern=NON_BLANK,
                            description="Words to search for (all must match).",
                            openapi_examples={"words": {"value": "diazepam back pain"}})],
    kind: Annotated[Literal["article", "label", "approval", "trial"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_SEARCH_LIMIT, description="Results per page.")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_SEARCH_OFFSET, description="Results to skip.")] = 0,
) -> Response:
    """A page of records ranked by BM25: ``total`` (matches, counted up to ``total_limit``), ``offset``,
    ``limit``, ``next``/``prev`` page URLs and ``results`` [{id, kind, title, year, score, snippet, url,
    record}]."""
    from .search import search_page

    page = search_page(services(request).open(), q, kind=kind, limit=limit, offset=offset)
    return _json(page.model_dump(mode="json"))


@router.get("/records/{record_id:path}", summary="One record with its appraisals", response_model=RecordPage,
            responses=error_responses(404, *COMMON_ERRORS))
def api_record(request: Request, record_id: Annotated[str, Path(
        description="A record id (`pmid:…`, `nct:…`, `spl:…`, `fda:…`, `doi:…`) or a bare PMID / NCT number.",
        openapi_examples={"article": {"value": "pmid:28187918"}, "bare PMID": {"value": "28187918"},
                          "trial": {"value": "nct:NCT00533286"}})]) -> Response:
    """The record (as ``rxevidence show ID --json``): its fields, ``url``, ``appraisals`` and ``appraisal``.
    Ids may be given bare (``28187918``, ``NCT01234567``)."""
    found = find_record_or_404(services(request), record_id)
    return _json(found.as_json())


def find_record_or_404(svc: Services, record_id: str) -> FoundRecord:
    """The record and its appraisals (a cited label or application the store lacks is built from the app's
    context). :raises WebError: 404 when the store has no such record (or the id cannot name one)."""
    found = find_record(svc.open(), record_id, context=svc.context)
    if found is None:
        raise WebError(f"No record {normalise_id(record_id)[:100]!r} in this store. Try /api/search?q=WORDS", 404)
    return found


def load_record(svc: Services, record_id: str) -> tuple[Any, list[Any]]:
    """The record and its appraisals (see :func:`find_record_or_404`)."""
    found = find_record_or_404(svc, record_id)
    return found.record, found.appraisals
