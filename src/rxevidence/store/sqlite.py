"""SQLite store: one file, WAL mode, FTS5 with BM25, named migrations."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import RxEvidenceError, StoreError, StoreMissing, StoreReadOnly
from ..models import Appraisal, Record
from . import concepts
from .base import (
    SearchHit,
    Store,
    UpsertCounts,
    appraisal_json,
    boolean_query,
    is_older,
    normalise_record,
    record_payload,
    same_content,
    search_text,
)
from .failures import _sqlite_kind, store_error
from .schema import check_versions
from .sqlite_migrations import MIGRATIONS


def _can_write(path: Path) -> bool:
    """Whether SQLite could write ``path``: the file and its directory (WAL and journal files) writable.
    ``os.access`` also sees read-only mounts (EROFS), also for root."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)

_WORD = re.compile(r"[\w][\w'-]*", re.UNICODE)


def fts_phrase(text: str) -> str | None:
    """A user phrase as a safe FTS5 phrase (quoted tokens), or None when it has no words."""
    words = _WORD.findall(text.lower())
    words = [w.replace("'", "").strip("-") for w in words]
    words = [w for w in words if w]
    if not words:
        return None
    return '"' + " ".join(words) + '"'


def busy_timeout_s() -> float:
    """How long a writer waits for another one (``$RXEVIDENCE_BUSY_TIMEOUT`` seconds, default 30)."""
    try:
        return max(0.0, float(os.environ.get("RXEVIDENCE_BUSY_TIMEOUT", "30")))
    except ValueError:
        return 30.0


class SQLiteStore(Store):
    """One SQLite file (or ``:memory:``).

    :param readonly: open read-only even when the file could be written.
    :param create: create the file (and its directory) when missing; with ``create=False`` a missing
        file raises :class:`~rxevidence.errors.StoreMissing` and nothing is created.

    A file, directory or mount that cannot be written opens read-only (``writable`` is False):
    reads work, writes raise :class:`~rxevidence.errors.StoreReadOnly`. A store in a read-only
    directory is opened ``immutable`` (SQLite cannot create its WAL index there).
    """

    def __init__(self, path: str | Path = ":memory:", *, readonly: bool = False, create: bool = True) -> None:
        self.url = str(path)
        self._local = threading.local()
        self._memory_conn: sqlite3.Connection | None = None
        self._busy_s = busy_timeout_s()
        self._immutable = False
        memory = self.url == ":memory:"
        exists = memory or Path(self.url).exists()
        if not memory and Path(self.url).is_dir():
            raise StoreError(f"Cannot open store {self.url}: it is a directory; give the store's file, e.g. "
                             f"--db {Path(self.url) / 'rxevidence.db'}")
        if not exists and (readonly or not create):
            raise StoreMissing(
                f"No store at {self.url}. Create one by ingesting records: rxevidence ingest FILE --db {self.url}"
            )
        if not memory and not exists:
            try:
                Path(self.url).parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise store_error(e, self.url) from e
        self._readonly = readonly or (not memory and exists and not _can_write(Path(self.url)))
        try:
            self._migrate(self.conn)
        except RxEvidenceError:
            self.close()
            raise
        except sqlite3.Error as e:
            self.close()
            if _sqlite_kind(e) in ("busy", "full", "readonly", "permission"):
                raise store_error(e, self.url, busy_wait=self._busy_s) from e
            raise StoreError(f"Cannot open store {self.url}: {e}") from e

    @property
    def writable(self) -> bool:
        return not self._readonly

    # one connection per thread (the web server runs handlers in threads)
    @property
    def conn(self) -> sqlite3.Connection:
        if self.url == ":memory:":
            if self._memory_conn is None:
                self._memory_conn = self._connect()
            return self._memory_conn
        c = getattr(self._local, "conn", None)
        if c is None:
            c = self._connect()
            self._local.conn = c
        return c

    def _connect(self) -> sqlite3.Connection:
        if self._readonly:
            return self._connect_readonly()
        c = sqlite3.connect(self.url, isolation_level=None, check_same_thread=False, timeout=self._busy_s)
        if self.url != ":memory:":
            c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=NORMAL")
        self._pragmas(c)
        return c

    def _connect_readonly(self) -> sqlite3.Connection:
        uri = Path(self.url).resolve().as_uri()
        try:
            c = sqlite3.connect(uri + "?mode=ro" + ("&immutable=1" if self._immutable else ""), uri=True,
                                isolation_level=None, check_same_thread=False, timeout=self._busy_s)
            c.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            if self._immutable:
                raise
            # a WAL store in a directory that cannot be written: SQLite cannot create the -shm index
            self._immutable = True
            return self._connect_readonly()
        self._pragmas(c)
        return c

    @staticmethod
    def _pragmas(c: sqlite3.Connection) -> None:
        c.execute("PRAGMA foreign_keys=ON")
        c.execute("PRAGMA cache_size=-65536")
        c.execute("PRAGMA temp_store=MEMORY")

    def _migrate(self, db: sqlite3.Connection) -> None:
        has_table = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").fetchone()
        applied = [r[0] for r in db.execute("SELECT name FROM schema_migrations")] if has_table else []
        user_version = db.execute("PRAGMA user_version").fetchone()[0]
        todo = check_versions(self.url, [n for n, _ in MIGRATIONS], applied, user_version)
        if not todo:
            return
        if self._readonly:
            what = "is empty" if not applied else f"has schema version {len(applied)} of {len(MIGRATIONS)}"
            raise StoreReadOnly(
                f"The store {self.url} {what} and is read-only, so it cannot be "
                + ("created" if not applied else "upgraded")
                + "; nothing was changed. Open it once with write access (e.g. rxevidence pack load --db "
                f"{self.url}) or use another --db."
            )
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at REAL)")
            # re-read under the write lock: another process may have migrated meanwhile
            applied = [r[0] for r in db.execute("SELECT name FROM schema_migrations")]
            todo = check_versions(self.url, [n for n, _ in MIGRATIONS], applied)
            for name, fn in MIGRATIONS:
                if name in todo:
                    fn(db)
                    db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, time.time()))
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def migrations_applied(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM schema_migrations ORDER BY name")]

    def close(self) -> None:
        c = getattr(self._local, "conn", None)
        if c is not None:
            c.close()
            self._local.conn = None
        if self._memory_conn is not None:
            self._memory_conn.close()
            self._memory_conn = None

    @contextmanager
    def durable(self) -> Iterator[None]:
        c = self.conn
        c.execute("PRAGMA synchronous=FULL")
        try:
            yield
        finally:
            c.execute("PRAGMA synchronous=NORMAL")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._readonly:
            raise StoreReadOnly(f"The store {self.url} is read-only; nothing was changed. Use a writable --db.")
        c = self.conn
        if c.in_transaction:
            sp = f"sp{id(object())}"
            c.execute(f"SAVEPOINT {sp}")
            try:
                yield
                c.execute(f"RELEASE {sp}")
            except BaseException:
                if c.in_transaction:  # SQLite rolls back on its own after some errors (disk full)
                    c.execute(f"ROLLBACK TO {sp}")
                    c.execute(f"RELEASE {sp}")
                raise
            return
        try:
            c.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise store_error(e, self.url, busy_wait=self._busy_s) from e
        try:
            yield
            c.execute("COMMIT")
        except BaseException as e:
            if c.in_transaction:
                try:
                    c.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the error that matters is ``e``
            if isinstance(e, sqlite3.Error):
                raise store_error(e, self.url, busy_wait=self._busy_s) from e
            raise

    # ------------------------------------------------------------ records
    def upsert_record(self, record: Record, counts: UpsertCounts | None = None) -> str:
        if not self.conn.in_transaction:
            with self.transaction():
                return self._upsert_unique([record], counts if counts is not None else UpsertCounts())[0]
        return self._upsert_unique([record], counts if counts is not None else UpsertCounts())[0]

    def upsert_many(self, records: Sequence[Record], counts: UpsertCounts | None = None) -> list[str]:
        """Upsert a batch with a handful of statements: one lookup of the ids already stored, then
        bulk inserts (records, FTS rows) and the few updates. An id repeated in the batch starts a
        new segment, so the later copy is compared with the earlier one as in a one-by-one upsert."""
        counts = counts if counts is not None else UpsertCounts()
        out: list[str] = []
        with self.transaction():
            start = 0
            while start < len(records):
                seen: set[str] = set()
                end = start
                while end < len(records) and records[end].id not in seen:
                    seen.add(records[end].id)
                    end += 1
                out.extend(self._upsert_unique(records[start:end], counts))
                start = end
        return out

    def _upsert_unique(self, records: Sequence[Record], counts: UpsertCounts) -> list[str]:
        """Upsert records with distinct ids inside the caller's transaction."""
        c = self.conn
        stored: dict[str, tuple[int, str]] = {}
        ids = [r.id for r in records]
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = "SELECT id, rowid, hash FROM records WHERE id IN (%s)" % ",".join("?" * len(chunk))
            stored.update((rid, (rowid, h)) for rid, rowid, h in c.execute(q, chunk))
        now = time.time()
        outcomes: list[str] = []
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        rehash: list[tuple[str, int]] = []
        fts: list[tuple[Any, ...]] = []
        next_rowid: int | None = None
        for r in records:
            data, h = record_payload(r)
            if "\\u0000" in data:
                r = normalise_record(r, counts, data=data)
                data, h = record_payload(r)
            source = r.provenance.source if r.provenance else None
            row = stored.get(r.id)
            if row is None:
                # rowids assigned here (max + 1, as SQLite would) so the FTS rows can go in bulk;
                # safe because the write transaction holds the lock
                if next_rowid is None:
                    next_rowid = (c.execute("SELECT max(rowid) FROM records").fetchone()[0] or 0) + 1
                rowid = next_rowid
                next_rowid += 1
                inserts.append((rowid, r.id, r.kind, r.title, r.year, r.version, h, data, source, now))
                fts.append((rowid, *search_text(r, counts)))
                outcome = "added"
            elif same_content(row[1], r, h):
                if row[1] != h:
                    rehash.append((h, row[0]))  # same content, older hash scheme: store the new hash
                outcome = "unchanged"
            else:
                old = Record.model_validate_json(
                    c.execute("SELECT data FROM records WHERE rowid = ?", (row[0],)).fetchone()[0]
                )
                if is_older(r, old):
                    counts.skip("older version than stored")
                    outcomes.append("skipped")
                    continue
                updates.append((r.kind, r.title, r.year, r.version, h, data, source, now, row[0]))
                fts.append((row[0], *search_text(r, counts)))
                outcome = "updated"
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            outcomes.append(outcome)
        if inserts:
            c.executemany(
                "INSERT INTO records (rowid, id, kind, title, year, version, hash, data, source, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                inserts,
            )
        if updates:
            c.executemany(
                "UPDATE records SET kind=?, title=?, year=?, version=?, hash=?, data=?, source=?, updated_at=?"
                " WHERE rowid=?",
                updates,
            )
            c.executemany("DELETE FROM records_fts WHERE rowid = ?", [(u[-1],) for u in updates])
            # an automatic appraisal of the old content is stale
            c.executemany(
                "DELETE FROM appraisals WHERE record_id = ? AND appraiser = 'automatic'",
                [(r.id,) for r, o in zip(records, outcomes, strict=True) if o == "updated"],
            )
        if rehash:
            c.executemany("UPDATE records SET hash = ? WHERE rowid = ?", rehash)
        if fts:
            c.executemany("INSERT INTO records_fts (rowid, title, body, terms) VALUES (?,?,?,?)", fts)
        concepts.replace_tags(c, "?", [r for r, o in zip(records, outcomes, strict=True) if o in ("added", "updated")])
        return outcomes

    def changed_ids(self, records: Sequence[Record]) -> set[str]:
        stored: dict[str, str] = {}
        ids = [r.id for r in records]
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = "SELECT id, hash FROM records WHERE id IN (%s)" % ",".join("?" * len(chunk))
            stored.update(self.conn.execute(q, chunk).fetchall())
        out: set[str] = set()
        for r in records:
            h = stored.get(r.id)
            if h is None or not same_content(h, r, record_payload(r)[1]):
                out.add(r.id)
        return out

    def delete_record(self, record_id: str) -> bool:
        c = self.conn
        row = c.execute("SELECT rowid FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            return False
        c.execute("DELETE FROM records_fts WHERE rowid = ?", (row[0],))
        c.execute("DELETE FROM records WHERE rowid = ?", (row[0],))
        c.execute("DELETE FROM appraisals WHERE record_id = ? AND appraiser = 'automatic'", (record_id,))
        concepts.delete_tags(c, "?", record_id)
        return True

    def get_record(self, record_id: str) -> Record | None:
        row = self.conn.execute("SELECT data FROM records WHERE id = ?", (record_id,)).fetchone()
        return Record.model_validate_json(row[0]) if row else None

    def get_records(self, ids: Iterable[str]) -> dict[str, Record]:
        ids = list(dict.fromkeys(ids))
        out: dict[str, Record] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = "SELECT id, data FROM records WHERE id IN (%s)" % ",".join("?" * len(chunk))
            for rid, data in self.conn.execute(q, chunk):
                out[rid] = Record.model_validate_json(data)
        return out

    def has_records(self, ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(ids))
        out: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = "SELECT id FROM records WHERE id IN (%s)" % ",".join("?" * len(chunk))
            out.update(r[0] for r in self.conn.execute(q, chunk))
        return out

    def iter_records(self, kind: str | None = None, *, ids: Iterable[str] | None = None) -> Iterator[Record]:
        if ids is not None:
            yield from self.get_records(ids).values()
            return
        last = 0
        while True:
            if kind:
                rows = self.conn.execute(
                    "SELECT rowid, data FROM records WHERE rowid > ? AND kind = ? ORDER BY rowid LIMIT 1000",
                    (last, kind),
                ).fetchall()
            else:
                rows = self.conn.execute(
                    "SELECT rowid, data FROM records WHERE rowid > ? ORDER BY rowid LIMIT 1000", (last,)
                ).fetchall()
            if not rows:
                return
            for rowid, data in rows:
                last = rowid
                yield Record.model_validate_json(data)

    def count(self, kind: str | None = None) -> int:
        if kind:
            return self.conn.execute("SELECT count(*) FROM records WHERE kind = ?", (kind,)).fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM records").fetchone()[0]

    def _has_kind(self, kind: str) -> bool:
        return self.conn.execute("SELECT 1 FROM records WHERE kind = ? LIMIT 1", (kind,)).fetchone() is not None

    def _few(self, kind: str, most: int = 20_000) -> bool:
        """Whether the store holds at most ``most`` records of ``kind`` (counted on the kind index, bounded)."""
        row = self.conn.execute("SELECT count(*) FROM (SELECT 1 FROM records WHERE kind = ? LIMIT ?)",
                                (kind, most + 1)).fetchone()
        return bool(row[0] <= most)

    def _fts(self, match: str, kind: str | None, limit: int, *, snippets: bool = False) -> list[SearchHit]:
        """Top ``limit`` matches by weighted BM25. The ranking runs inside FTS5 (``ORDER BY rank``) and only
        the winners are joined to the records table; a kind with no records costs nothing."""
        if kind and not self._has_kind(kind):
            return []
        snip = ", snippet(records_fts, 1, '[', ']', ' … ', 16)" if snippets else ", NULL"
        if kind and kind != "article":
            # rare kinds: filter before ranking so articles do not crowd them out; when the kind has few
            # records, only they are matched (rowid lookups), not every article the words are in
            few = (" AND records_fts.rowid IN (SELECT rowid FROM records WHERE kind = ?)"
                   if self._few(kind) else "")
            if few and self.conn.execute("SELECT 1 FROM records_fts WHERE records_fts MATCH ?" + few + " LIMIT 1",
                                         (match, kind)).fetchone() is None:
                return []  # none of them matches: no ranking (BM25 counts every phrase over the whole index)
            sql = ("SELECT r.id, r.kind, r.title, r.year, rank" + snip +
                   " FROM records_fts JOIN records r ON r.rowid = records_fts.rowid"
                   " WHERE records_fts MATCH ?" + few + " AND r.kind = ? ORDER BY rank LIMIT ?")
            args: list[Any] = [match] + ([kind] if few else []) + [kind, limit]
        else:
            over = limit * 2 if kind else limit
            sql = ("SELECT r.id, r.kind, r.title, r.year, f.score" + (
                ", snippet(records_fts, 1, '[', ']', ' … ', 16)" if snippets else ", NULL") +
                " FROM (SELECT rowid AS rid, rank AS score FROM records_fts WHERE records_fts MATCH ?"
                " ORDER BY rank LIMIT ?) f JOIN records r ON r.rowid = f.rid"
                + (" JOIN records_fts ON records_fts.rowid = f.rid AND records_fts MATCH ?" if snippets else "")
                + (" WHERE r.kind = ?" if kind else "") + " ORDER BY f.score LIMIT ?")
            args = [match, over] + ([match] if snippets else []) + ([kind] if kind else []) + [limit]
        try:
            rows = self.conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError as e:
            raise StoreError(f"Search failed: {e}") from e
        return [SearchHit(r[0], r[1], r[2], r[3], -float(r[4]), r[5]) for r in rows]

    def search(self, text: str, *, kind: str | None = None, limit: int = 20) -> list[SearchHit]:
        match = boolean_query([[w] for w in _WORD.findall(text)], fts_phrase, any_of=" OR ", all_of=" AND ")
        return self._fts(match, kind, limit, snippets=True) if match else []

    def search_terms(self, groups: list[list[str]], *, kind: str | None = None, limit: int = 200) -> list[SearchHit]:
        match = boolean_query(groups, fts_phrase, any_of=" OR ", all_of=" AND ")
        return self._fts(match, kind, limit) if match else []

    def concept_records(self, drugs: list[str], conditions: list[str]) -> dict[str, float]:
        return concepts.concept_records(self.conn, "?", drugs, conditions)

    def tagged_ids(self, ids: list[str]) -> set[str]:
        return concepts.tagged_ids(self.conn, "?", ids)

    def tags_of(self, ids: list[str]) -> dict[str, set[tuple[str, str, str]]]:
        return concepts.tags_of(self.conn, "?", ids)

    def _retag_all(self) -> int:
        c = self.conn
        return concepts.backfill(c, "?", c.execute("SELECT id, kind, data FROM records ORDER BY rowid"),
                                 (r[0] for r in c.execute("SELECT data FROM appraisals ORDER BY appraiser DESC")))

    # ------------------------------------------------------------ appraisals
    def put_appraisal(self, appraisal: Appraisal) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO appraisals (record_id, appraiser, version, data, updated_at) VALUES (?,?,?,?,?)",
            (
                appraisal.record_id,
                appraisal.appraiser,
                appraisal.appraiser_version,
                appraisal_json(appraisal),
                time.time(),
            ),
        )
        concepts.set_roles(self.conn, "?", appraisal)

    def get_appraisals(self, record_id: str) -> list[Appraisal]:
        rows = self.conn.execute(
            "SELECT data FROM appraisals WHERE record_id = ? ORDER BY appraiser DESC", (record_id,)
        ).fetchall()
        return [Appraisal.model_validate_json(r[0]) for r in rows]

    def appraisals_for(self, ids: Iterable[str]) -> dict[str, list[Appraisal]]:
        ids = list(dict.fromkeys(ids))
        out: dict[str, list[Appraisal]] = {i: [] for i in ids}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = "SELECT record_id, data FROM appraisals WHERE record_id IN (%s) ORDER BY appraiser DESC" % ",".join(
                "?" * len(chunk)
            )
            for rid, data in self.conn.execute(q, chunk):
                out[rid].append(Appraisal.model_validate_json(data))
        return out

    def appraised_versions(self, appraiser: str = "automatic") -> dict[str, str]:
        return dict(self.conn.execute("SELECT record_id, version FROM appraisals WHERE appraiser = ?", (appraiser,)))

    # ------------------------------------------------------------ key/value
    def meta_get(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def meta_set(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def cache_get(self, key: str, *, max_age_s: float | None = None) -> tuple[bytes, float] | None:
        row = self.conn.execute("SELECT body, stored_at FROM http_cache WHERE key = ?", (key,)).fetchone()
        if not row:
            return None
        age = time.time() - row[1]
        if max_age_s is not None and age > max_age_s:
            return None
        return bytes(row[0]), age

    def cache_put(self, key: str, body: bytes, *, content_type: str | None = None) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO http_cache (key, body, content_type, stored_at) VALUES (?,?,?,?)",
            (key, body, content_type, time.time()),
        )

    def progress_get(self, file_key: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT status, done, info FROM ingest_progress WHERE file_key = ?", (file_key,)
        ).fetchone()
        if not row:
            return None
        return {"status": row[0], "done": row[1], "info": json.loads(row[2]) if row[2] else {}}

    def progress_set(self, file_key: str, *, status: str, done: int, info: dict[str, Any] | None = None) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO ingest_progress (file_key, status, done, info, updated_at) VALUES (?,?,?,?,?)",
            (file_key, status, done, json.dumps(info or {}), time.time()),
        )

    def vocab_add(self, rows: Iterable[tuple[str, str, str, str]]) -> int:
        n = 0
        with self.transaction():
            for row in rows:
                cur = self.conn.execute("INSERT OR IGNORE INTO vocab_terms VALUES (?,?,?,?)", row)
                n += cur.rowcount
        return n

    def vocab_rows(self) -> list[tuple[str, str, str, str]]:
        return [tuple(r) for r in self.conn.execute("SELECT term, kind, canonical, source FROM vocab_terms")]
