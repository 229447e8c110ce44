"""``/api/search``: BM25 full-text search with a total, paging and a real snippet for every result."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from ..models import Record, record_url
from ..store import Store
from .core import SEARCH_TOTAL_LIMIT
from .schemas import SearchPage, SearchResult

_WORD = re.compile(r"[\w][\w'-]*", re.UNICODE)  # the stores' own tokeniser
SNIPPET_CHARS = 240


def words(text: str) -> list[str]:
    return [w for w in (t.replace("'", "").strip("-") for t in _WORD.findall(text.lower())) if w]


def snippet(text: str, terms: list[str], *, width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around the first of ``terms``, cut at spaces, with ellipses."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= width:
        return text
    hits = [m.start() for t in terms if (m := re.search(r"\b" + re.escape(t), text, re.I))]
    at = min(hits) if hits else 0
    start = max(0, at - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > at else end
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")


def record_text(store: Store, rec: Record | None, rid: str) -> str:
    """What a snippet is cut from: the record's text, else its appraisal's finding, else its title."""
    if rec is not None and rec.abstract.strip():
        return rec.abstract
    for a in store.get_appraisals(rid):
        if a.finding:
            return a.finding
    return (rec.title if rec is not None else None) or ""


def search_page(store: Store, q: str, *, kind: str | None, limit: int, offset: int) -> SearchPage:
    """One page of results ranked by BM25; ``total`` counts matches up to :data:`SEARCH_TOTAL_LIMIT`."""
    terms = words(q)
    hits = store.search_terms([[w] for w in terms], kind=kind, limit=SEARCH_TOTAL_LIMIT + 1) if terms else []
    exact = len(hits) <= SEARCH_TOTAL_LIMIT
    hits = hits[:SEARCH_TOTAL_LIMIT]
    page = hits[offset:offset + limit]
    records = store.get_records([h.id for h in page])
    results = [SearchResult(id=h.id, kind=h.kind, title=h.title, year=h.year, score=round(h.score, 4),
                            snippet=snippet(record_text(store, records.get(h.id), h.id), terms),
                            url=record_url(h.id), record=f"/api/records/{h.id}") for h in page]

    def link(off: int) -> str:
        params = {"q": q, **({"kind": kind} if kind else {}), "limit": limit, "offset": off}
        return "/api/search?" + urlencode(params)

    return SearchPage(query=q, kind=kind, total=len(hits), total_is_exact=exact,
                      total_limit=SEARCH_TOTAL_LIMIT, offset=offset, limit=limit, count=len(results),
                      next=link(offset + limit) if offset + limit < len(hits) else None,
                      prev=link(max(0, offset - limit)) if offset > 0 else None, results=results)
