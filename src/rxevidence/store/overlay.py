"""A read-only view of a store with a second, in-memory store layered over it.

Used when a store cannot be written but the answer needs something it lacks, such as the current
starter pack (``rxevidence.pack.with_pack``): the pack goes into an in-memory SQLite store and this
view reads both. Records of the base win (a full PubMed record over the pack's stub); appraisals
of both are returned, the top layer's first for the same appraiser (the current curated ones);
search merges both rankings. Every write raises :class:`~rxevidence.errors.StoreReadOnly`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, NoReturn

from ..errors import StoreReadOnly
from ..models import Appraisal, Record
from .base import SearchHit, Store, UpsertCounts


class LayeredStore(Store):
    def __init__(self, base: Store, top: Store) -> None:
        self.base, self.top = base, top
        self.url = base.url

    @property
    def writable(self) -> bool:
        return False

    def close(self) -> None:
        self.top.close()
        self.base.close()

    def _refuse(self, *_a: Any, **_k: Any) -> NoReturn:
        raise StoreReadOnly(f"The store {self.url} is read-only; nothing was changed. Use a writable --db.")

    def transaction(self) -> AbstractContextManager[None]:
        self._refuse()

    def upsert_record(self, record: Record, counts: UpsertCounts | None = None) -> str:
        self._refuse()

    def delete_record(self, record_id: str) -> bool:
        self._refuse()

    def put_appraisal(self, appraisal: Appraisal) -> None:
        self._refuse()

    def meta_set(self, key: str, value: str) -> None:
        self._refuse()

    def cache_put(self, key: str, body: bytes, *, content_type: str | None = None) -> None:
        self._refuse()

    def progress_set(self, file_key: str, *, status: str, done: int, info: dict[str, Any] | None = None) -> None:
        self._refuse()

    def vocab_add(self, rows: Iterable[tuple[str, str, str, str]]) -> int:
        self._refuse()

    # -- reads
    def get_record(self, record_id: str) -> Record | None:
        return self.base.get_record(record_id) or self.top.get_record(record_id)

    def get_records(self, ids: Iterable[str]) -> dict[str, Record]:
        ids = list(dict.fromkeys(ids))
        out = self.base.get_records(ids)
        missing = [i for i in ids if i not in out]
        if missing:
            out.update(self.top.get_records(missing))
        return out

    def has_records(self, ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(ids))
        return self.base.has_records(ids) | self.top.has_records(ids)

    def iter_records(self, kind: str | None = None, *, ids: Iterable[str] | None = None) -> Iterator[Record]:
        if ids is not None:
            yield from self.get_records(ids).values()
            return
        seen: set[str] = set()
        for r in self.base.iter_records(kind):
            seen.add(r.id)
            yield r
        for r in self.top.iter_records(kind):
            if r.id not in seen:
                yield r

    def count(self, kind: str | None = None) -> int:
        extra = [r.id for r in self.top.iter_records(kind)]
        return self.base.count(kind) + len(set(extra) - self.base.has_records(extra))

    def _merge(self, a: list[SearchHit], b: list[SearchHit], limit: int) -> list[SearchHit]:
        best: dict[str, SearchHit] = {}
        for h in a + b:
            if h.id not in best or h.score > best[h.id].score:
                best[h.id] = h
        return sorted(best.values(), key=lambda h: (-h.score, h.id))[:limit]

    def search(self, text: str, *, kind: str | None = None, limit: int = 20) -> list[SearchHit]:
        return self._merge(self.base.search(text, kind=kind, limit=limit),
                           self.top.search(text, kind=kind, limit=limit), limit)

    def search_terms(self, groups: list[list[str]], *, kind: str | None = None, limit: int = 200) -> list[SearchHit]:
        return self._merge(self.base.search_terms(groups, kind=kind, limit=limit),
                           self.top.search_terms(groups, kind=kind, limit=limit), limit)

    def get_appraisals(self, record_id: str) -> list[Appraisal]:
        return self._combine(self.top.get_appraisals(record_id), self.base.get_appraisals(record_id))

    def appraisals_for(self, ids: Iterable[str]) -> dict[str, list[Appraisal]]:
        ids = list(dict.fromkeys(ids))
        top, base = self.top.appraisals_for(ids), self.base.appraisals_for(ids)
        return {i: self._combine(top.get(i, []), base.get(i, [])) for i in ids}

    @staticmethod
    def _combine(top: list[Appraisal], base: list[Appraisal]) -> list[Appraisal]:
        have = {a.appraiser for a in top}
        out = top + [a for a in base if a.appraiser not in have]
        out.sort(key=lambda a: a.appraiser, reverse=True)  # as the backends order them
        return out

    def appraised_versions(self, appraiser: str = "automatic") -> dict[str, str]:
        out: dict[str, str] = {}
        for s in (self.base, self.top):
            fn = getattr(s, "appraised_versions", None)
            if fn is not None:
                out.update(fn(appraiser))
        return out

    def meta_get(self, key: str) -> str | None:
        v = self.top.meta_get(key)
        return v if v is not None else self.base.meta_get(key)

    def cache_get(self, key: str, *, max_age_s: float | None = None) -> tuple[bytes, float] | None:
        return self.base.cache_get(key, max_age_s=max_age_s)

    def progress_get(self, file_key: str) -> dict[str, Any] | None:
        return self.base.progress_get(file_key)

    def vocab_rows(self) -> list[tuple[str, str, str, str]]:
        return list(dict.fromkeys(self.base.vocab_rows() + self.top.vocab_rows()))


__all__ = ["LayeredStore"]
