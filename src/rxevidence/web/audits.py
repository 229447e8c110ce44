"""Audits on the web: a bounded pool that runs them apart from the event loop, and an archive of results.

**Pool.** At most ``audit_workers`` audits run at once, each in a worker *process* (a 200,000-character
audit is seconds of CPU; in a thread it would hold the GIL and slow every cached ask); at most
``audit_queue`` more wait. Beyond that the request gets 429 with ``Retry-After`` (an estimate from the
recent audit times). An in-memory store cannot be shared with a process, so its audits run in threads.

**Archive.** Each result is kept as ``<id>.json`` (the report's JSON, written by the worker and never
parsed again to be sent) and ``<id>.meta.json`` in the audit directory, where ``id`` is the SHA-256 of
the article's format and text (the same article always gets the same URL). Re-posting an article the
store has not changed since returns the kept result; after a store change it is audited again and the
file replaced. Retention: the newest ``audit_keep`` results, none older than ``audit_days`` days; pruned
when results are written. Nothing else about the request (no IP, no headers) is kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import os
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from ..errors import RxEvidenceError
from ..store import Store
from .core import WebError

log = logging.getLogger("rxevidence.web")

AUDIT_ID = re.compile(r"^[0-9a-f]{32}$")
AUDIT_ID_PATTERN = AUDIT_ID.pattern


def audit_id(text: str, fmt: str | None) -> str:
    """The content hash naming an audit: format and text (32 hex digits)."""
    return hashlib.sha256(f"{fmt or 'auto'}\0{text}".encode()).hexdigest()[:32]


# ------------------------------------------------------------------ archive


@dataclass(frozen=True)
class KeptAudit:
    """A kept result: small metadata and the report's JSON exactly as the audit wrote it."""

    id: str
    format: str | None
    store_state: str
    audited_at: str
    report_json: bytes

    def shared_json(self, *, url: str, page: str) -> bytes:
        """The API body: ``id``, ``url``, ``page``, ``audited_at`` and then the report's own fields."""
        head = json.dumps({"id": self.id, "url": url, "page": page, "audited_at": self.audited_at},
                          ensure_ascii=False).encode("utf-8")
        return head[:-1] + b", " + self.report_json.lstrip()[1:]


class AuditArchive:
    """Audit results in one directory: ``<id>.json`` (the report) and ``<id>.meta.json`` (the rest)."""

    def __init__(self, directory: Path, *, keep: int = 1000, days: int = 30) -> None:
        self.directory = directory
        self.keep = keep
        self.days = days
        self._pruned_at = 0.0
        self._lock = threading.Lock()

    def _paths(self, aid: str) -> tuple[Path, Path] | None:
        if not AUDIT_ID.match(aid):
            return None
        return self.directory / f"{aid}.json", self.directory / f"{aid}.meta.json"

    def meta(self, aid: str) -> dict[str, Any] | None:
        """The small metadata of a kept result (``id``, ``format``, ``store_state``, ``audited_at``), or None."""
        paths = self._paths(aid)
        if paths is None or not paths[0].is_file():
            return None
        try:
            meta = json.loads(paths[1].read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) and meta.get("id") == aid else None

    def load(self, aid: str) -> KeptAudit | None:
        meta = self.meta(aid)
        paths = self._paths(aid)
        if meta is None or paths is None:
            return None
        try:
            report = paths[0].read_bytes()
        except OSError as e:
            log.warning("unreadable audit file %s: %s", paths[0], e)
            return None
        return KeptAudit(aid, meta.get("format"), str(meta.get("store_state")), str(meta.get("audited_at")), report)

    def save(self, aid: str, *, fmt: str | None, store_state: str, report_json: bytes) -> KeptAudit:
        kept = KeptAudit(aid, fmt, store_state,
                         datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"), report_json)
        paths = self._paths(aid)
        assert paths is not None
        meta = {"id": aid, "format": fmt, "store_state": store_state, "audited_at": kept.audited_at}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for path, data in ((paths[0], report_json), (paths[1], json.dumps(meta).encode("utf-8"))):
                tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
                tmp.write_bytes(data)
                os.replace(tmp, path)
        except OSError as e:  # the result is still returned; only the shared link will not re-open
            log.warning("could not keep audit %s in %s: %s", aid, self.directory, e)
        self.prune()
        return kept

    def prune(self, *, force: bool = False) -> int:
        """Remove results beyond ``keep`` or older than ``days`` (at most once a minute unless forced)."""
        now = time.time()
        with self._lock:
            if not force and now - self._pruned_at < 60:
                return 0
            self._pruned_at = now
        try:
            reports = [f for f in self.directory.glob("*.json") if not f.name.endswith(".meta.json")]
            reports.sort(key=lambda f: f.stat().st_mtime, reverse=True)
        except OSError:
            return 0
        removed = 0
        for i, f in enumerate(reports):
            try:
                if i >= self.keep or now - f.stat().st_mtime > self.days * 86400:
                    f.unlink()
                    f.with_name(f.name[:-5] + ".meta.json").unlink(missing_ok=True)
                    removed += 1
            except OSError:
                continue
        return removed


# ------------------------------------------------------------------ pool

_PROCESS_STORE: dict[str, Store] = {}


def _worker_init() -> None:
    """Audits are batch work: run the worker below the server's priority, so asks keep their CPU."""
    try:
        os.nice(10)
    except OSError:  # pragma: no cover - not permitted here
        pass


def _audit_in_process(store_url: str, text: str, kind: str | None) -> tuple[str, Any]:
    """Worker-process entry: open the store once per process, audit, return plain data (picklable)."""
    store = _PROCESS_STORE.get(store_url)
    if store is None:
        from ..store import open_store

        store = _PROCESS_STORE[store_url] = open_store(store_url)
    return run_audit(store, text, kind)


def _warm(store_url: str) -> bool:
    """Import the audit code and open the store in a fresh worker, so the first audit is not slower."""
    return _audit_in_process(store_url, "Warm-up.", None)[0] in ("ok", "error")


def run_audit(store: Store, text: str, kind: str | None) -> tuple[str, Any]:
    """``("ok", report JSON bytes)`` or ``("error", (status, message))``: errors cross processes as data."""
    from ..audit import audit

    try:
        report = audit(text, store=store, kind=kind, install_pack=False)  # the app installed it at startup
    except RxEvidenceError as e:
        return "error", (int(getattr(e, "status", 500) or 500), e.message)
    return "ok", report.model_dump_json().encode("utf-8")


class AuditPool:
    """At most ``workers`` audits at once plus ``queue`` waiting; more raise 429 with ``Retry-After``."""

    def __init__(self, store_url: str, *, workers: int = 1, queue: int = 4,
                 local_store: Callable[[], Store] | None = None, processes: bool = True) -> None:
        self.store_url = store_url
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, queue)
        self.local_store = local_store
        self.processes = processes and store_url != ":memory:"
        self.inflight = 0
        self.mean_s = 2.0  # running estimate of one audit's duration
        self._executor: Executor | None = None
        self._lock = threading.Lock()

    def executor(self) -> Executor:
        with self._lock:
            if self._executor is None:
                if self.processes:
                    self._executor = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"),
                                                         initializer=_worker_init)
                else:
                    self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="rxevidence-audit")
            return self._executor

    def warm(self) -> None:
        """Start the worker processes now (called at startup; a no-op for threads)."""
        if self.processes:
            for _ in range(self.workers):
                self.executor().submit(_warm, self.store_url)

    def retry_after(self) -> int:
        waiting = max(1, self.inflight - self.workers + 1)
        return max(1, min(300, math.ceil(self.mean_s * waiting / self.workers)))

    async def run(self, text: str, kind: str | None) -> bytes:
        """The audit report's JSON.  :raises WebError: 429 when full, or the audit's own 4xx."""
        if self.inflight >= self.capacity:
            secs = self.retry_after()
            raise WebError(f"Too many audits in progress ({self.inflight}); try again in {secs} s.", 429,
                           headers={"Retry-After": str(secs)})
        self.inflight += 1
        t0 = time.monotonic()
        loop = asyncio.get_running_loop()
        try:
            if self.processes:
                try:
                    status, value = await loop.run_in_executor(self.executor(), _audit_in_process,
                                                               self.store_url, text, kind)
                except BrokenProcessPool:
                    log.error("an audit worker process died; starting a new one")
                    self.close()
                    raise WebError("The audit worker stopped; please try again.", 503) from None
            else:
                assert self.local_store is not None
                status, value = await loop.run_in_executor(self.executor(), run_audit, self.local_store(), text,
                                                           kind)
        finally:
            self.inflight -= 1
            self.mean_s = 0.8 * self.mean_s + 0.2 * (time.monotonic() - t0)
        if status == "error":
            code, message = value
            raise WebError(message, code)
        return value

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None
