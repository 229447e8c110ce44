"""The JSON API under ``/api``: parse, ask, audit, search, records. Errors use ``errors.error_body``."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from .core import (
    MAX_AUDIT_CHARS,
    MAX_QUESTION_CHARS,
    MAX_SEARCH_CHARS,
    MAX_SEARCH_LIMIT,
    WebError,
    clean_question,
    dumps,
    services,
)

router = APIRouter(prefix="/api", tags=["api"])

QuestionParam = Annotated[str, Query(description="The question, e.g. 'How effective is diazepam for pain?'",
                                     max_length=MAX_QUESTION_CHARS * 4)]
AUDIT_FORMATS = ("text", "md", "html")


def _json(obj: Any, status: int = 200) -> Response:
    return Response(dumps(obj), status_code=status, media_type="application/json")


@router.get("/parse", summary="Parse a question into a Query")
def api_parse(request: Request, q: QuestionParam) -> Response:
    """The parsed question (drugs with canonical names, condition concept, relation, intent) as JSON."""
    query = services(request).parse(clean_question(q))
    return _json(query.model_dump(mode="json"))


@router.get("/ask", summary="The evidence brief (same JSON as `rxevidence ask --format json`)")
async def api_ask(request: Request, q: QuestionParam) -> Response:
    """The Brief: query, verdict, certainty, reasons, regulatory, matrix, studies, sentences with citations."""
    return await brief_json_response(request, q)


async def brief_json_response(request: Request, q: str) -> Response:
    """Cached briefs are served on the event loop; a miss runs ``ask`` in the thread pool."""
    svc = services(request)
    question = clean_question(q)
    entry = svc.cached_brief(question) or await run_in_threadpool(svc.brief, question)
    return Response(entry.json_bytes, media_type="application/json")


@router.post(
    "/audit",
    summary="Audit an article's claims against the evidence",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {
                    "type": "object", "required": ["text"],
                    "properties": {"text": {"type": "string", "maxLength": MAX_AUDIT_CHARS},
                                   "format": {"type": "string", "enum": list(AUDIT_FORMATS)}}}},
                "text/plain": {"schema": {"type": "string"}},
                "text/markdown": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            },
        }
    },
)
async def api_audit(request: Request) -> Response:
    """JSON ``{"text": ..., "format": "text|md|html"}`` or the raw article as the body.

    Returns the AuditReport: ``claims`` [{text, start, end, verdict, evidence, reason}], ``contradictions``
    [{a, b, reason}], ``checks`` and ``summary``.
    """
    raw = await request.body()
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt: str | None = None
    if ctype == "application/json" or ctype.endswith("+json"):
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise WebError(f"Invalid JSON body: {e}", 400) from None
        if isinstance(body, str):
            text = body
        elif isinstance(body, dict) and isinstance(body.get("text"), str):
            text = body["text"]
            fmt = body.get("format")
        else:
            raise WebError('Expected a JSON object {"text": "...", "format": "text|md|html"}.', 422)
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise WebError("The body is not UTF-8 text.", 400) from None
        fmt = {"text/html": "html", "text/markdown": "md", "text/x-markdown": "md"}.get(ctype)
    report = await run_in_threadpool(_audit, request, text, fmt)
    return _json(report)


def _audit(request: Request, text: str, fmt: str | None) -> dict[str, Any]:
    from ..audit import audit

    if fmt is not None and fmt not in AUDIT_FORMATS:
        raise WebError(f"Unknown format {fmt!r}; use one of {', '.join(AUDIT_FORMATS)}.", 422)
    check_audit_text(text)
    report = audit(text, store=services(request).open(), kind=None if fmt in (None, "text") else fmt)
    return report.model_dump(mode="json")


def check_audit_text(text: str) -> None:
    """:raises WebError: 413 above :data:`MAX_AUDIT_CHARS`.  :raises InputError: empty text."""
    if len(text) > MAX_AUDIT_CHARS:
        raise WebError(f"Article too long ({len(text):,} characters; the limit is {MAX_AUDIT_CHARS:,}). "
                       "Paste the part with the claims.", 413)
    if not text.strip():
        raise InputError("Empty article: paste the text to audit.")


@router.get("/search", summary="Full-text search of the store")
def api_search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=MAX_SEARCH_CHARS, description="Words to search for")],
    kind: Annotated[Literal["article", "label", "approval", "trial"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_SEARCH_LIMIT)] = 20,
) -> Response:
    """``{"query", "kind", "count", "results": [{id, kind, title, year, score, snippet, url}]}``."""
    from ..models import record_url

    if not q.strip():
        raise InputError("Empty search: give some words.")
    hits = services(request).open().search(q, kind=kind, limit=limit)
    results = [{**h.__dict__, "url": record_url(h.id)} for h in hits]
    return _json({"query": q, "kind": kind, "count": len(results), "results": results})


@router.get("/records/{record_id:path}", summary="One record with its appraisals")
def api_record(request: Request, record_id: str) -> Response:
    """The record (as ``rxevidence show ID --json``): its fields, ``url``, ``appraisals`` and ``appraisal``."""
    from ..retrieve import normalise_id

    store = services(request).open()
    rid = normalise_id(record_id)
    rec = store.get_record(rid)
    if rec is None:
        raise WebError(f"No record {rid!r} in this store. Try /api/search?q=WORDS", 404)
    d = rec.model_dump(mode="json", exclude_defaults=True)
    d["url"] = rec.url
    d["appraisals"] = [a.model_dump(mode="json", exclude_defaults=True) for a in store.get_appraisals(rid)]
    d["appraisal"] = d["appraisals"][0] if d["appraisals"] else None
    return _json(d)
