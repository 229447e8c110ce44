"""The HTML pages, rendered on the server: home, brief (with filters and chart), audit, record, JSON twin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..models import DESIGNS, DIRECTIONS, StudySummary
from .api import AUDIT_FORMATS, brief_json_response, check_audit_text
from .chart import build_chart
from .core import EXAMPLES, MAX_AUDIT_CHARS, MAX_QUESTION_CHARS, Services, WebError, clean_question, services
from .filters import POPULATIONS, StudyFilter

router = APIRouter(include_in_schema=False)

HTML = "text/html; charset=utf-8"


def render(name: str, **ctx: Any) -> str:
    from ..render.html import environment

    return environment().get_template(name).render(standalone=False, **ctx)


def _page(html: str | bytes, status: int = 200) -> Response:
    return Response(html, status_code=status, media_type=HTML)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return _page(render("index.html", examples=EXAMPLES, max_question=MAX_QUESTION_CHARS, page="home"))


@router.get("/ask", response_class=HTMLResponse)
async def ask_page(
    request: Request,
    q: Annotated[str | None, Query(max_length=MAX_QUESTION_CHARS * 4)] = None,
    design: str | None = None,
    population: str | None = None,
    direction: str | None = None,
    year_from: str | None = None,
    year_to: str | None = None,
) -> Response:
    if q is None or not q.strip():
        return RedirectResponse("/", status_code=303)
    question = clean_question(q)
    filt = StudyFilter.from_params(design=design, population=population, direction=direction,
                                   year_from=year_from, year_to=year_to)
    svc = services(request)
    base = str(request.base_url).rstrip("/")
    key = ("ask", question, filt.key(), base)
    cached = svc.cached_page(key)
    if cached is None:
        cached = await run_in_threadpool(_render_brief_page, svc, question, filt, base, key)
    return _page(cached)


def _render_brief_page(svc: Services, question: str, filt: StudyFilter, base: str, key: tuple) -> bytes:
    entry = svc.brief(question)
    state = svc.state_key()
    hit = svc.pages.get((*key, state))
    if hit is not None:
        return hit
    brief = entry.brief
    studies = filt.apply(brief.studies)
    permalink = f"{base}/ask?{urlencode({'q': question})}"
    years = [s.year for s in brief.studies if s.year]
    html = render(
        "brief.html",
        brief=brief,
        web=True,
        q=question,
        permalink=permalink,
        filt=filt,
        studies=studies,
        chart=build_chart(studies),
        design_options=[d for d in DESIGNS if d == filt.design or any(s.design == d for s in brief.studies)],
        population_options=POPULATIONS,
        direction_options=DIRECTIONS,
        year_min=min(years) if years else None,
        year_max=max(years) if years else None,
        local_ids=_local_ids(svc, brief.studies),
        page="ask",
    ).encode("utf-8")
    svc.pages.put((*key, state), html)
    return html


@router.get("/ask.json")
async def ask_json(request: Request, q: Annotated[str, Query(max_length=MAX_QUESTION_CHARS * 4)]) -> Response:
    """The JSON twin of /ask (same body as /api/ask)."""
    return await brief_json_response(request, q)


def _local_ids(svc: Any, studies: list[StudySummary]) -> set[str]:
    return set(svc.open().has_records([s.id for s in studies]))


# ------------------------------------------------------------------ audit


@dataclass
class Segment:
    text: str
    claim: int | None = None  # index into report.claims
    verdict: str | None = None


def segments(text: str, claims: list[Any]) -> list[Segment]:
    """The article cut into plain runs and claim runs (claims sorted, overlaps dropped)."""
    out: list[Segment] = []
    pos = 0
    for i, c in sorted(enumerate(claims), key=lambda ic: (ic[1].start, ic[1].end)):
        start, end = max(c.start, 0), min(c.end, len(text))
        if start < pos or end <= start:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], i, c.verdict))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


@router.get("/audit", response_class=HTMLResponse)
def audit_form(request: Request) -> Response:
    return _page(render("audit.html", report=None, text="", fmt="text", formats=AUDIT_FORMATS,
                        max_chars=MAX_AUDIT_CHARS, page="audit"))


@router.post("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    text: Annotated[str, Form()] = "",
    format: Annotated[str, Form()] = "text",  # noqa: A002 - the form field's public name
) -> Response:
    from ..audit import audit

    if format not in AUDIT_FORMATS:
        raise WebError(f"Unknown format {format!r}; use one of {', '.join(AUDIT_FORMATS)}.", 422)
    check_audit_text(text)
    store = services(request).open()
    report = audit(text, store=store, kind=None if format == "text" else format)
    local = set(store.has_records([e.id for c in report.claims for e in c.evidence]))
    return _page(render("audit.html", report=report, text=text, fmt=format, formats=AUDIT_FORMATS,
                        max_chars=MAX_AUDIT_CHARS, segments=segments(report.text, report.claims),
                        local_ids=local, page="audit"))


# ------------------------------------------------------------------ records


@router.get("/records/{record_id:path}", response_class=HTMLResponse)
def record_page(request: Request, record_id: str) -> Response:
    from ..retrieve import normalise_id

    store = services(request).open()
    rid = normalise_id(record_id)
    rec = store.get_record(rid)
    if rec is None:
        raise WebError(f"No record {rid!r} in this store.", 404)
    return _page(render("record.html", record=rec, appraisals=store.get_appraisals(rid), page="record"))
