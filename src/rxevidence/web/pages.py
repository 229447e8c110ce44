"""The HTML pages, rendered on the server: home, brief (with filters and chart), audit (shared by a
content-hash URL), record, and the JSON twins. Each page renders the same object its JSON twin returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from ..models import DESIGNS, DIRECTIONS, StudySummary
from .api import AuditIdParam, audit_entry, brief_json_response, load_record
from .audit_input import AUDIT_FORMATS, AuditInput
from .chart import build_chart
from .core import EXAMPLES, MAX_AUDIT_CHARS, MAX_QUESTION_CHARS, Services, WebError, clean_question, services
from .filters import POPULATIONS, StudyFilter
from .http import Payload, cached_response, not_modified

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


QuestionText = Annotated[str | None, Query(max_length=MAX_QUESTION_CHARS * 4)]  # then "too long" from clean_question


@router.get("/ask", response_class=HTMLResponse)
async def ask_page(
    request: Request,
    q: QuestionText = None,
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
    key = ("page", question, *[f"{k}={v}" for k, v in filt.params().items()])
    etag = svc.etag(*key)
    if etag and (hit := not_modified(request, etag)) is not None:
        return hit
    payload = svc.cached_page(key)
    if payload is None:
        try:
            payload = await run_in_threadpool(_render_brief_page, svc, question, filt, key)
        except InputError as e:
            return await run_in_threadpool(_unreadable_question, svc, question, e)
    return cached_response(request, payload)


def brief_links(svc: Services, question: str) -> dict[str, str]:
    """Canonical / copy-link URL (from the configured base URL, never the Host header) and the JSON twin."""
    qs = urlencode({"q": question})
    return {"permalink": svc.settings.absolute(f"/ask?{qs}"), "json_url": f"/ask.json?{qs}"}


def _render_brief_page(svc: Services, question: str, filt: StudyFilter, key: tuple) -> Payload:
    entry = svc.brief(question)
    state = svc.state_key()
    hit = svc.pages.get((*key, state))
    if hit is not None:
        return hit
    brief = entry.brief
    studies = filt.apply(brief.studies)
    years = [s.year for s in brief.studies if s.year]
    html = render(
        "brief.html",
        brief=brief,
        web=True,
        q=question,
        **brief_links(svc, question),
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
    etag = svc.etag(*key, state=state)
    assert etag is not None
    payload = Payload(html, etag, HTML)
    svc.pages.put((*key, state), payload)
    return payload


def _unreadable_question(svc: Services, question: str, error: InputError) -> Response:
    """A question with no drug the vocabulary knows: the reading, and did-you-mean links (400)."""
    query = svc.parse(question)
    if query.drugs:  # some other input error
        raise error
    return _page(render("unread.html", query=query, q=question, page="ask"), 400)


@router.get("/ask.json")
async def ask_json(request: Request, q: Annotated[str, Query(min_length=1, max_length=MAX_QUESTION_CHARS)]) -> Response:
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


def _audit_form(*, text: str = "", fmt: str = "text", error: str | None = None, status: int = 200) -> Response:
    return _page(render("audit.html", report=None, text=text, fmt=fmt, formats=AUDIT_FORMATS,
                        max_chars=MAX_AUDIT_CHARS, error=error, page="audit"), status)


@router.get("/audit", response_class=HTMLResponse)
def audit_form(request: Request) -> Response:
    return _audit_form()


@router.post("/audit", response_class=HTMLResponse)
async def audit_post(request: Request) -> Response:
    """Audit the posted article, keep the result, and redirect (303) to its shareable page."""
    try:
        entry = await audit_entry(request)
    except WebError as e:
        if e.status in (413, 415):
            raise
        art = await _posted_text(request)  # give the text back with the message: nothing is lost
        resp = _audit_form(text=art.text, fmt=art.format, error=e.message, status=e.status)
        resp.headers.update(e.headers)
        return resp
    return RedirectResponse(f"/audit/{entry.id}", status_code=303)


async def _posted_text(request: Request) -> AuditInput:
    try:
        form = await request.form()
        text, fmt = form.get("text"), form.get("format")
        return AuditInput(text if isinstance(text, str) else "", fmt if fmt in AUDIT_FORMATS else "text")
    except Exception:  # noqa: BLE001 - not a form: nothing to give back
        return AuditInput("", "text")


@router.get("/audit/{audit_id}", response_class=HTMLResponse)
def audit_page(request: Request, audit_id: AuditIdParam) -> Response:
    from .api import kept_audit, shared_audit
    from .schemas import AuditResult

    svc = services(request)
    kept = kept_audit(svc, audit_id)
    report = AuditResult.model_validate_json(shared_audit(svc, kept))
    local = set(svc.open().has_records([e.id for c in report.claims for e in c.evidence]))
    return _page(render("audit.html", report=report, text="", fmt=kept.format or "text",
                        formats=AUDIT_FORMATS, max_chars=MAX_AUDIT_CHARS, error=None,
                        segments=segments(report.text, report.claims), local_ids=local,
                        permalink=svc.settings.absolute(f"/audit/{audit_id}"), json_url=f"/api/audit/{audit_id}",
                        page="audit"))


# ------------------------------------------------------------------ records


@router.get("/records/{record_id:path}", response_class=HTMLResponse)
def record_page(request: Request, record_id: str) -> Response:
    rec, appraisals = load_record(services(request), record_id)
    return _page(render("record.html", record=rec, appraisals=appraisals, page="record"))
