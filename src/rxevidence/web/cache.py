"""A small thread-safe LRU and a cheap fingerprint of the store's contents (the cache key's "state")."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Generic, TypeVar

from ..store.base import Store

V = TypeVar("V")
log = logging.getLogger("rxevidence.web")


class LRU(Generic[V]):
    """Least-recently-used mapping with at most ``maxsize`` entries; safe to share between threads."""

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = max(0, maxsize)
        self._data: OrderedDict[tuple, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple) -> V | None:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            self.misses += 1
            return None

    def put(self, key: tuple, value: V) -> None:
        if self.maxsize == 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class StoreState:
    """A fingerprint that changes when records or appraisals are added, updated or deleted.

    Recomputed at most every ``every_s`` seconds, so a cached answer costs no store query.
    """

    def __init__(self, store: Store, *, every_s: float = 1.0) -> None:
        self.store = store
        self.every_s = every_s
        self._value = ""
        self._at = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def peek(self) -> str | None:
        """The fingerprint when it is fresh (no store query), else None: safe to call on the event loop."""
        if self._value and time.monotonic() - self._at < 3 * self.every_s:
            return self._value
        return None

    def start(self) -> None:
        """Keep the fingerprint fresh from a background thread, so cached answers never wait for it."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._refresh_loop, name="rxevidence-store-state", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _refresh_loop(self) -> None:
        while not self._stop.wait(max(self.every_s / 2, 0.05)):
            try:
                value = self._compute()
            except Exception as e:  # noqa: BLE001 - a transient store error must not stop the refresher
                log.warning("store state refresh failed: %s", e)
                continue
            with self._lock:
                self._value, self._at = value, time.monotonic()

    def current(self) -> str:
        now = time.monotonic()
        if self._value and now - self._at < self.every_s:
            return self._value
        with self._lock:
            if not self._value or now - self._at >= self.every_s:
                self._value = self._compute()
                self._at = time.monotonic()
        return self._value

    def _compute(self) -> str:
        from ..store.sqlite import SQLiteStore

        if isinstance(self.store, SQLiteStore):
            row = self.store.conn.execute(
                "SELECT (SELECT count(*) || ':' || coalesce(max(updated_at), 0) FROM records),"
                " (SELECT count(*) || ':' || coalesce(max(updated_at), 0) FROM appraisals)"
            ).fetchone()
            return f"{row[0]}|{row[1]}"
        # other backends: counts are a coarser but still cheap fingerprint
        return f"{self.store.count()}|{self.store.meta_get('pack_version') or ''}"
