"""The store interface shared by the SQLite (embedded) and PostgreSQL (server) backends."""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from ..models import Appraisal, Record


@dataclass
class SearchHit:
    id: str
    kind: str
    title: str | None
    year: int | None
    score: float
    snippet: str | None = None


@dataclass
class UpsertCounts:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)  # records stored, with something to say

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def warn(self, reason: str) -> None:
        self.warnings[reason] = self.warnings.get(reason, 0) + 1

    def merge(self, other: UpsertCounts) -> None:
        self.added += other.added
        self.updated += other.updated
        self.deleted += other.deleted
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        for k, v in other.reasons.items():
            self.reasons[k] = self.reasons.get(k, 0) + v
        for k, v in other.warnings.items():
            self.warnings[k] = self.warnings.get(k, 0) + v

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "skipped_reasons": dict(sorted(self.reasons.items())),
            "warnings": dict(sorted(self.warnings.items())),
        }


def boolean_query(
    groups: list[list[str]], phrase: Callable[[str], str | None], *, any_of: str, all_of: str
) -> str | None:
    """A full-text query: the phrases of each group joined by ``any_of``, the groups by ``all_of``.

    ``phrase`` turns user text into one safely quoted phrase of the backend's syntax (None when it has no
    words); groups with no phrase are dropped, and None comes back when nothing is left.
    """
    parts = []
    for g in groups:
        phrases = sorted({p for p in (phrase(t) for t in g) if p})
        if phrases:
            parts.append("(" + any_of.join(phrases) + ")")
    return all_of.join(parts) if parts else None


def record_json(record: Record) -> str:
    return record.model_dump_json(exclude_defaults=True)


def content_hash(record: Record) -> str:
    """Hash of a record's content, ignoring when and where it was retrieved.

    The first scheme (40 hex digits of a sorted-key dump); stores written with it stay comparable
    through :func:`same_content`. The SQLite write path uses the cheaper :func:`record_payload`.
    """
    data = record.model_dump(exclude_defaults=True, exclude={"provenance"})
    return hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


HASH_V2 = "v2:"


def record_payload(record: Record) -> tuple[str, str]:
    """(stored JSON, content hash) of a record from a single serialisation.

    The JSON equals :func:`record_json`; the hash (``"v2:"`` + SHA-1) covers the same JSON
    without ``provenance`` (the last field), so a re-read of the same content is ``unchanged``
    wherever and whenever it was retrieved.
    """
    body = record.model_dump_json(exclude_defaults=True, exclude={"provenance"})
    h = HASH_V2 + hashlib.sha1(body.encode()).hexdigest()
    if record.provenance is None:
        return body, h
    prov = record.provenance.model_dump_json(exclude_defaults=True)
    return f'{body[:-1]},"provenance":{prov}}}', h


def same_content(stored_hash: str, record: Record, new_hash: str) -> bool:
    """Whether a stored hash (either scheme) matches ``record`` whose v2 hash is ``new_hash``."""
    if stored_hash.startswith(HASH_V2):
        return stored_hash == new_hash
    return stored_hash == content_hash(record)  # written before v2 hashes


# Text indexed for full-text search, per record, in characters (title + terms + body; the body is cut
# first). Both backends index the same text: PostgreSQL's tsvector holds at most 1 MB, which 100k
# characters cannot exceed (at most ~5 bytes of tsvector per input byte, 3 bytes per character).
INDEX_TEXT_MAX = 100_000
WARN_INDEX_TRUNCATED = f"indexed text cut to {INDEX_TEXT_MAX:,} characters (the record is stored whole)"
WARN_NUL_REMOVED = "NUL characters removed"


def search_text(record: Record, counts: UpsertCounts | None = None) -> tuple[str, str, str]:
    """(title, body, terms) as indexed for full-text search, at most :data:`INDEX_TEXT_MAX` characters
    in all (a cut is counted in ``counts.warnings``)."""
    title = record.title or ""
    body = record.abstract
    terms = " ".join(
        [m.descriptor for m in record.mesh]
        + record.chemicals
        + record.keywords
        + record.publication_types
        + [str(v) for v in record.extra.get("index_terms", [])]
    )
    if len(title) + len(body) + len(terms) > INDEX_TEXT_MAX:
        title = title[:INDEX_TEXT_MAX]
        terms = terms[: INDEX_TEXT_MAX - len(title)]
        body = body[: INDEX_TEXT_MAX - len(title) - len(terms)]
        if counts is not None:
            counts.warn(WARN_INDEX_TRUNCATED)
    return title, body, terms


def _strip_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_strip_nul(v) for v in value]
    if isinstance(value, dict):
        return {_strip_nul(k): _strip_nul(v) for k, v in value.items()}
    return value


def normalise_record(record: Record, counts: UpsertCounts | None = None, *, data: str | None = None) -> Record:
    """The record as both backends store it: NUL characters removed (PostgreSQL text and JSONB cannot
    hold them; SQLite would keep them), counted in ``counts.warnings``. Unchanged records are
    returned as they are (the check is one search of the serialised JSON, ``data`` when the caller
    has it already)."""
    if data is None:
        data = record.model_dump_json(exclude_defaults=True)
    if "\\u0000" not in data:
        return record
    clean_data = _strip_nul(record.model_dump(exclude_defaults=True))
    if clean_data == record.model_dump(exclude_defaults=True):
        return record  # an escaped backslash followed by "u0000", not a NUL
    if counts is not None:
        counts.warn(WARN_NUL_REMOVED)
    return Record.model_validate(clean_data)


def appraisal_json(appraisal: Appraisal) -> str:
    """An appraisal as both backends store it (NUL characters removed, as in :func:`normalise_record`)."""
    data = appraisal.model_dump_json(exclude_defaults=True)
    if "\\u0000" in data:
        data = json.dumps(_strip_nul(json.loads(data)), ensure_ascii=False)
    return data


def _version_key(v: str | None) -> tuple:
    if v is None:
        return ()
    parts: list[Any] = []
    for p in v.replace("-", ".").split("."):
        parts.append((0, int(p)) if p.isdigit() else (1, p))
    return tuple(parts)


def is_older(new: Record, old: Record) -> bool:
    """True when ``new`` is an older version of ``old`` (labels, versioned citations)."""
    if new.version and old.version and new.version != old.version:
        return _version_key(new.version) < _version_key(old.version)
    if new.kind == "label" and new.date and old.date and new.date != old.date:
        return new.date < old.date
    return False


class Store(ABC):
    """A place that keeps records, appraisals, caches and ingest progress.

    Open one with :func:`rxevidence.store.open_store`. Writes happen inside
    :meth:`transaction`; a batch either lands whole or not at all.
    """

    url: str

    # -- lifecycle
    @abstractmethod
    def close(self) -> None: ...

    @property
    def writable(self) -> bool:
        """False for a read-only store (read-only file, directory, mount, role or transaction):
        reads work, writes raise :class:`~rxevidence.errors.StoreReadOnly`, nothing is installed."""
        return True

    def durable(self) -> AbstractContextManager[None]:
        """Commits inside are flushed to disk before they return (SQLite ``synchronous=FULL``);
        a no-op where every commit is durable already (PostgreSQL)."""
        return nullcontext()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]: ...

    # -- records
    @abstractmethod
    def upsert_record(self, record: Record, counts: UpsertCounts | None = None) -> str:
        """Insert or replace one record; return ``added``, ``updated``, ``unchanged`` or ``skipped``."""

    def upsert_many(self, records: Sequence[Record], counts: UpsertCounts | None = None) -> list[str]:
        """Upsert records in order, in one transaction; the outcome of each (as :meth:`upsert_record`).

        Backends override this to write a whole batch with a few statements.
        """
        with self.transaction():
            return [self.upsert_record(r, counts) for r in records]

    def upsert_records(self, records: Iterable[Record], *, batch_size: int = 1000) -> UpsertCounts:
        counts = UpsertCounts()
        batch: list[Record] = []
        with self.transaction():
            for r in records:
                batch.append(r)
                if len(batch) >= batch_size:
                    self.upsert_many(batch, counts)
                    batch = []
            if batch:
                self.upsert_many(batch, counts)
        return counts

    def changed_ids(self, records: Sequence[Record]) -> set[str]:
        """Ids of ``records`` the store does not hold with the same content (new or changed): the
        ones an upsert would add or update. A read only, so it can run outside a write transaction."""
        return {r.id for r in records}

    @abstractmethod
    def delete_record(self, record_id: str) -> bool: ...

    # -- concept index (rxevidence.store.concepts); a store without one returns None / nothing
    def concept_records(self, drugs: list[str], conditions: list[str]) -> dict[str, float] | None:
        """Ids of records tagged with any of ``drugs`` and any of ``conditions`` (all when none), each with
        the strength of the weaker tag (3 MeSH or registry, 2 title, 1 abstract); None without an index."""
        return None

    def tagged_ids(self, ids: list[str]) -> set[str]:
        """Which of ``ids`` the concept index has tagged."""
        return set()

    def tags_of(self, ids: list[str]) -> dict[str, set[tuple[str, str, str]]]:
        """(kind, concept, source) tags of each tagged one of ``ids`` (the marker is ("tagged", "", ""))."""
        return {}

    def tags_stale(self) -> bool:
        """Whether the concept index holds tags from another vocabulary or tagger than today's (a store
        tagged before a vocabulary change keeps its old tags until :meth:`retag`); False without an index."""
        from .concepts import META_KEY, tagging_version

        return type(self)._retag_all is not Store._retag_all and self.meta_get(META_KEY) != tagging_version()

    def retag(self) -> int:
        """Tag every stored article and trial afresh with today's vocabulary (roles from the stored
        appraisals) and record the tags' version; returns the number of records tagged (0 without an index)."""
        from .concepts import META_KEY, tagging_version

        if type(self)._retag_all is Store._retag_all:
            return 0
        with self.transaction():
            n = self._retag_all()
            self.meta_set(META_KEY, tagging_version())
        return n

    def _retag_all(self) -> int:
        """Backend part of :meth:`retag`, inside its transaction."""
        return 0

    @abstractmethod
    def get_record(self, record_id: str) -> Record | None: ...

    def get_records(self, ids: Iterable[str]) -> dict[str, Record]:
        out: dict[str, Record] = {}
        for i in ids:
            r = self.get_record(i)
            if r is not None:
                out[i] = r
        return out

    @abstractmethod
    def has_records(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` present in the store."""

    @abstractmethod
    def iter_records(self, kind: str | None = None, *, ids: Iterable[str] | None = None) -> Iterator[Record]: ...

    @abstractmethod
    def count(self, kind: str | None = None) -> int: ...

    @abstractmethod
    def search(self, text: str, *, kind: str | None = None, limit: int = 20) -> list[SearchHit]:
        """Free-text search (words ANDed), ranked by BM25."""

    @abstractmethod
    def search_terms(
        self, groups: list[list[str]], *, kind: str | None = None, limit: int = 200
    ) -> list[SearchHit]:
        """Structured search: each group is a list of phrases ORed together; groups are ANDed."""

    # -- appraisals
    @abstractmethod
    def put_appraisal(self, appraisal: Appraisal) -> None: ...

    @abstractmethod
    def get_appraisals(self, record_id: str) -> list[Appraisal]: ...

    def appraisals_for(self, ids: Iterable[str]) -> dict[str, list[Appraisal]]:
        return {i: self.get_appraisals(i) for i in ids}

    def best_appraisal(self, record_id: str) -> Appraisal | None:
        """Curated beats automatic."""
        items = self.get_appraisals(record_id)
        items.sort(key=lambda a: 0 if a.appraiser == "curated" else 1)
        return items[0] if items else None

    # -- key/value: metadata, HTTP cache, ingest progress, vocabulary extensions
    @abstractmethod
    def meta_get(self, key: str) -> str | None: ...

    @abstractmethod
    def meta_set(self, key: str, value: str) -> None: ...

    @abstractmethod
    def cache_get(self, key: str, *, max_age_s: float | None = None) -> tuple[bytes, float] | None:
        """Cached body and its age in seconds, or None."""

    @abstractmethod
    def cache_put(self, key: str, body: bytes, *, content_type: str | None = None) -> None: ...

    @abstractmethod
    def progress_get(self, file_key: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def progress_set(self, file_key: str, *, status: str, done: int, info: dict[str, Any] | None = None) -> None: ...

    @abstractmethod
    def vocab_add(self, rows: Iterable[tuple[str, str, str, str]]) -> int:
        """Add (term, kind, canonical, source) rows; kind is 'drug', 'brand', 'class:<name>', 'condition'."""

    @abstractmethod
    def vocab_rows(self) -> list[tuple[str, str, str, str]]: ...
