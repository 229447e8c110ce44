"""The SQLite store's schema: named migrations, applied in order by :class:`~rxevidence.store.sqlite.SQLiteStore`.

The PostgreSQL twin is :mod:`rxevidence.store.postgres_migrations`; how to add one is in
:mod:`rxevidence.store.schema`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from . import concepts


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run statements one by one (``executescript`` would commit the open transaction)."""
    for stmt in script.split(";"):
        if stmt.strip():
            db.execute(stmt)


def _m001_initial(db: sqlite3.Connection) -> None:
    run_script(
        db,
        """
        CREATE TABLE records (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            title TEXT,
            year INTEGER,
            version TEXT,
            hash TEXT NOT NULL,
            data TEXT NOT NULL,
            source TEXT,
            updated_at REAL NOT NULL
        );
        CREATE INDEX records_kind ON records(kind);
        CREATE VIRTUAL TABLE records_fts USING fts5(
            title, body, terms, tokenize = 'porter unicode61 remove_diacritics 2'
        );
        CREATE TABLE appraisals (
            record_id TEXT NOT NULL,
            appraiser TEXT NOT NULL,
            version TEXT NOT NULL,
            data TEXT NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (record_id, appraiser)
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE http_cache (
            key TEXT PRIMARY KEY, body BLOB NOT NULL, content_type TEXT, stored_at REAL NOT NULL
        );
        CREATE TABLE ingest_progress (
            file_key TEXT PRIMARY KEY, status TEXT NOT NULL, done INTEGER NOT NULL,
            info TEXT, updated_at REAL NOT NULL
        );
        CREATE TABLE vocab_terms (
            term TEXT NOT NULL, kind TEXT NOT NULL, canonical TEXT NOT NULL, source TEXT,
            PRIMARY KEY (term, kind, canonical)
        );
        """
    )


def _m002_rank(db: sqlite3.Connection) -> None:
    """Make FTS5's ``rank`` the weighted BM25 (title 10, body 1, terms 3), so ``ORDER BY rank`` is optimised."""
    db.execute("INSERT INTO records_fts(records_fts, rank) VALUES('rank', 'bm25(10.0, 1.0, 3.0)')")


def _m003_concept_index(db: sqlite3.Connection) -> None:
    """The concept index (:mod:`rxevidence.store.concepts`), with the records already stored tagged."""
    for stmt in concepts.SCHEMA:
        db.execute(stmt)
    concepts.backfill(db, "?", db.execute("SELECT id, kind, data FROM records ORDER BY rowid"),
                      (r[0] for r in db.execute("SELECT data FROM appraisals ORDER BY appraiser DESC")))
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (concepts.META_KEY, concepts.tagging_version()))


# Append new migrations at the end (see rxevidence.store.schema); the store's version is their count.
MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("001_initial", _m001_initial),
    ("002_rank", _m002_rank),
    ("003_concept_index", _m003_concept_index),
]


__all__ = ["MIGRATIONS", "run_script"]
