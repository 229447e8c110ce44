"""What the pages and the API share: the store opened once, the brief cache, input limits, web errors."""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from ..errors import InputError, RxEvidenceError
from ..models import Brief, Query
from ..pipeline import Context, build_context, parse_question
from ..store import Store, default_db_path, open_store
from .cache import LRU, StoreState
from .http import Payload, weak_etag
from .settings import WebSettings

log = logging.getLogger("rxevidence.web")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rxevidence")
    except PackageNotFoundError:  # a source checkout without metadata
        return "0"


VERSION = _version()

MAX_QUESTION_CHARS = 500
MAX_AUDIT_CHARS = 200_000
MAX_BODY_BYTES = 1_000_000
MAX_SEARCH_CHARS = 200
MAX_SEARCH_LIMIT = 100
MAX_SEARCH_OFFSET = 900
SEARCH_TOTAL_LIMIT = 1000  # /api/search counts matches up to this many

EXAMPLES: tuple[str, ...] = (
    "How effective is diazepam for pain?",
    "Does cyclobenzaprine help low back pain?",
    "Is gabapentin effective for postherpetic neuralgia?",
    "Diazepam plus naproxen for acute low back pain",
    "Does ibuprofen work for migraine?",
    "Tramadol vs codeine for dental pain",
)


class WebError(Exception):
    """An error with an HTTP status and a message safe to show to the client."""

    def __init__(self, message: str, status: int, errors: list[str] | None = None, *,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors = errors
        self.headers = headers or {}


def status_of(exc: RxEvidenceError) -> int:
    return int(getattr(exc, "status", 500) or 500)


def clean_question(text: str | None) -> str:
    """Collapse whitespace and enforce the length limit.

    :raises InputError: empty question.
    :raises WebError: 422 when longer than :data:`MAX_QUESTION_CHARS`.
    """
    q = re.sub(r"\s+", " ", text or "").strip()
    if not q:
        raise InputError("Empty question. Try: How effective is diazepam for pain?")
    if len(q) > MAX_QUESTION_CHARS:
        raise WebError(f"Question too long ({len(q):,} characters; the limit is {MAX_QUESTION_CHARS}). "
                       "Ask about one drug (or two) and one condition.", 422)
    return q


@dataclass
class CachedBrief:
    brief: Brief
    json: Payload

    @property
    def json_bytes(self) -> bytes:
        return self.json.body


@dataclass
class Services:
    """Per-app state: settings, one store, its fingerprint, two small LRU caches (briefs; rendered pages),
    the audit pool and the audit archive."""

    store_url: str
    cache_size: int = 64
    settings: WebSettings = field(default_factory=WebSettings)
    pool: Any = None  # audits.AuditPool
    archive: Any = None  # audits.AuditArchive
    store: Store | None = None
    state: StoreState | None = None
    briefs: LRU[CachedBrief] = field(default_factory=LRU)
    pages: LRU[Payload] = field(default_factory=LRU)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _context: tuple[str, Context] | None = None  # (store state, the context built for it)

    def open(self) -> Store:
        """Open the store and install the starter pack once (idempotent, thread-safe)."""
        if self.store is not None:
            return self.store
        with self._lock:
            if self.store is None:
                from ..pack import with_pack

                store = with_pack(open_store(self.store_url))
                self.state = StoreState(store)
                self.state.current()
                if self.store_url != ":memory:":
                    self.state.start()
                self.briefs = LRU(self.cache_size)
                self.pages = LRU(self.cache_size * 4)
                self.store = store
        return self.store

    def close(self) -> None:
        with self._lock:
            if self.pool is not None:
                self.pool.close()
            if self.state is not None:
                self.state.stop()
            if self.store is not None:
                self.store.close()
                self.store = None

    def context(self) -> Context:
        """The context questions are answered from (store, vocabulary, pack, label facts), built once per store
        state: a store whose records changed gets a new one (with the vocabulary its new rows extend)."""
        store = self.open()
        state = self.state_key()
        built = self._context
        if built is None or built[0] != state:
            with self._lock:
                built = self._context
                if built is None or built[0] != state:
                    built = (state, build_context(store, install_pack=False))  # the pack is layered in open()
                    self._context = built
        return built[1]

    def state_key(self) -> str:
        self.open()
        assert self.state is not None
        return self.state.current()

    def etag(self, *parts: str, state: str | None = None) -> str | None:
        """The validator of a brief view: None when the store fingerprint is not fresh (no store query)."""
        state = state or (self.state.peek() if self.state is not None else None)
        if state is None:
            return None
        return weak_etag(VERSION, self.settings.base_url or "", *parts, state)

    def brief_etag(self, view: str, question: str, *extra: str) -> str | None:
        return self.etag(view, question, *extra)

    def cached_brief(self, question: str) -> CachedBrief | None:
        """The cached brief when the store fingerprint is fresh; never touches the store (event-loop safe)."""
        state = self.state.peek() if self.state is not None else None
        return self.briefs.get((question, state)) if state is not None else None

    def cached_page(self, key: tuple) -> Payload | None:
        state = self.state.peek() if self.state is not None else None
        return self.pages.get((*key, state)) if state is not None else None

    def brief(self, question: str) -> CachedBrief:
        """The brief for a cleaned question, from the cache when the store has not changed."""
        from ..ask import ask  # looked up on each call: tests replace rxevidence.ask.ask

        state = self.state_key()
        key = (question, state)
        hit = self.briefs.get(key)
        if hit is not None:
            return hit
        brief = ask(question, context=self.context(), online=False)
        body = json.dumps(brief.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
        etag = self.etag("json", question, state=state)
        assert etag is not None
        entry = CachedBrief(brief, Payload(body, etag, "application/json"))
        self.briefs.put(key, entry)
        return entry

    def parse(self, question: str) -> Query:
        return parse_question(question, self.context())


def services(request: Request) -> Services:
    return request.app.state.services


def make_services(store_url: str | None, *, cache_size: int = 64, settings: WebSettings | None = None,
                  audit_processes: bool = True) -> Services:
    from .audits import AuditArchive, AuditPool

    settings = settings or WebSettings.from_env()
    url = store_url or default_db_path()
    svc = Services(store_url=url, cache_size=cache_size, settings=settings)
    svc.pool = AuditPool(url, workers=settings.audit_workers, queue=settings.audit_queue, local_store=svc.open,
                         processes=audit_processes)
    svc.archive = AuditArchive(settings.audit_dir_for(url), keep=settings.audit_keep, days=settings.audit_days)
    return svc


def wants_json(path: str) -> bool:
    return path.startswith("/api/") or path == "/api" or path.endswith(".json")


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, default=str).encode("utf-8")
