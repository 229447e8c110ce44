"""The PostgreSQL store's schema: named migrations, applied in order by
:class:`~rxevidence.store.postgres.PostgresStore`.

The SQLite twin is :mod:`rxevidence.store.sqlite_migrations`; how to add one is in :mod:`rxevidence.store.schema`.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg

from . import concepts


def _m001_initial(cur: psycopg.Cursor) -> None:
    cur.execute(
        """
        CREATE TABLE IF NOT EXISTS records (
            rid BIGSERIAL PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            title TEXT,
            year INTEGER,
            version TEXT,
            hash TEXT NOT NULL,
            data JSONB NOT NULL,
            source TEXT,
            updated_at DOUBLE PRECISION NOT NULL,
            tsv TSVECTOR NOT NULL
        );
        CREATE INDEX IF NOT EXISTS records_kind ON records(kind);
        CREATE INDEX IF NOT EXISTS records_tsv ON records USING GIN (tsv);
        CREATE TABLE IF NOT EXISTS appraisals (
            record_id TEXT NOT NULL,
            appraiser TEXT NOT NULL,
            version TEXT NOT NULL,
            data JSONB NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (record_id, appraiser)
        );
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE IF NOT EXISTS http_cache (
            key TEXT PRIMARY KEY, body BYTEA NOT NULL, content_type TEXT, stored_at DOUBLE PRECISION NOT NULL
        );
        CREATE TABLE IF NOT EXISTS ingest_progress (
            file_key TEXT PRIMARY KEY, status TEXT NOT NULL, done INTEGER NOT NULL, info JSONB,
            updated_at DOUBLE PRECISION NOT NULL
        );
        CREATE TABLE IF NOT EXISTS vocab_terms (
            term TEXT NOT NULL, kind TEXT NOT NULL, canonical TEXT NOT NULL, source TEXT,
            PRIMARY KEY (term, kind, canonical)
        );
        """
    )


# Append new migrations at the end (see rxevidence.store.schema); the store's version is their count.
def _m002_concept_index(cur: psycopg.Cursor) -> None:
    """The concept index (:mod:`rxevidence.store.concepts`), with the records already stored tagged."""
    for stmt in concepts.SCHEMA:
        cur.execute(stmt)
    rows = cur.connection.cursor().execute("SELECT id, kind, data::text FROM records ORDER BY id").fetchall()
    apps = [r[0] for r in cur.connection.cursor().execute("SELECT data::text FROM appraisals ORDER BY appraiser DESC")]
    concepts.backfill(cur, "%s", rows, apps)
    cur.execute("INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (concepts.META_KEY, concepts.tagging_version()))


MIGRATIONS: list[tuple[str, Callable[[psycopg.Cursor], None]]] = [
    ("001_initial", _m001_initial),
    ("002_concept_index", _m002_concept_index),
]


__all__ = ["MIGRATIONS"]
