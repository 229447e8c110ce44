"""The JSON API under ``/api``: parse, ask, audit (and shared audits), search, records.

Every 200 body is one of the documented response models; every error is ``errors.error_body``
(``ErrorBody`` in the spec). Limits in the spec are the constants the handlers enforce.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..models import Brief
from ..models import Query as ParsedQuery
from .audit_input import AUDIT_FORMATS, FORM_TYPES, read_audit_input
from .audits import AUDIT_ID_PATTERN, audit_id
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
    min_length=1, max_length=MAX_QUESTION_CHARS, pattern=NON_BLANK)]
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
    entry = svc.cached_brief(question) or await run_in_threadpool(svc.brief, question)
    return cached_response(request, entry.json)


# ------------------------------------------------------------------ audit

_TEXT_BODY = {"schema": {"type": "string", "minLength": 1, "maxLength": MAX_AUDIT_CHARS, "pattern": NON_BLANK}}
_FORMAT = {"type": "string", "enum": list(AUDIT_FORMATS), "default": "text"}
_TEXT_FIELD = {"type": "string", "minLength": 1, "maxLength": MAX_AUDIT_CHARS, "pattern": NON_BLANK}
AUDIT_BODY = {
    "required": True,
    "description": "The article: raw text (charset honoured), JSON, form fields or an uploaded file.",
    "content": {
        "application/json": {"schema": {"type": "object", "required": ["text"],
                                        "properties": {"text": _TEXT_FIELD, "format": _FORMAT}}},
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
    entry = await audit_entry(request)
    body = shared_audit(services(request), entry)
    return _json(body, headers={"Content-Location": body["url"]})


async def audit_entry(request: Request) -> dict[str, Any]:
    """Read the body, reuse a kept result for the same article and store state, else audit in the pool."""
    svc = services(request)
    art = await read_audit_input(request)
    aid = audit_id(art.text, art.format)
    state = await run_in_threadpool(svc.state_key)
    kept = svc.archive.load(aid)
    if kept is not None and kept.get("store_state") == state:
        return kept
    report = await svc.pool.run(art.text, art.kind)
    return svc.archive.save(aid, fmt=art.format, store_state=state, report=report)


def shared_audit(svc: Services, entry: dict[str, Any]) -> dict[str, Any]:
    aid = entry["id"]
    return {**entry["report"], "id": aid, "url": svc.settings.absolute(f"/api/audit/{aid}"),
            "page": svc.settings.absolute(f"/audit/{aid}"), "audited_at": entry["audited_at"]}


AuditIdParam = Annotated[str, Path(description="The audit's id (32 hex digits).", pattern=AUDIT_ID_PATTERN)]


@router.get("/audit/{audit_id}", summary="A shared audit result", response_model=AuditResult,
            responses=error_responses(404, *COMMON_ERRORS))
def api_audit_get(request: Request, audit_id: AuditIdParam) -> Response:
    """The kept result of an earlier ``POST /api/audit`` (404 once past retention)."""
    svc = services(request)
    entry = svc.archive.load(audit_id)
    if entry is None:
        raise WebError(f"No audit {audit_id!r} is kept here (results are kept {svc.settings.audit_days} days). "
                       "POST the article to /api/audit again.", 404)
    return _json(shared_audit(svc, entry))


# ------------------------------------------------------------------ search, records


@router.get("/search", summary="Full-text search of the store", response_model=SearchPage,
            responses=error_responses(*COMMON_ERRORS))
def api_search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=MAX_SEARCH_CHARS, pattern=NON_BLANK,
                            description="Words to search for (all must match).")],
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
def api_record(request: Request, record_id: str) -> Response:
    """The record (as ``rxevidence show ID --json``): its fields, ``url``, ``appraisals`` and ``appraisal``.
    Ids may be given bare (``28187918``, ``NCT01234567``)."""
    rec, appraisals = load_record(services(request), record_id)
    d = rec.model_dump(mode="json", exclude_defaults=True)
    d["url"] = rec.url
    d["appraisals"] = [a.model_dump(mode="json", exclude_defaults=True) for a in appraisals]
    d["appraisal"] = d["appraisals"][0] if d["appraisals"] else None
    return _json(d)


def load_record(svc: Services, record_id: str) -> tuple[Any, list[Any]]:
    """:raises WebError: 404 when the store has no such record (or the id cannot name one)."""
    from ..retrieve import normalise_id

    store = svc.open()
    try:
        rid = normalise_id(record_id)
    except Exception:  # noqa: BLE001 - an id that cannot be normalised names no record
        rid = record_id
    rec = store.get_record(rid) if rid and len(rid) <= 300 else None
    if rec is None:
        raise WebError(f"No record {rid[:100]!r} in this store. Try /api/search?q=WORDS", 404)
    return rec, store.get_appraisals(rid)
