"""Evidence stores: SQLite (embedded default) and PostgreSQL (server), one interface."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from ..errors import StoreError
from .base import SearchHit, Store, UpsertCounts
from .sqlite import SQLiteStore


def default_db_path() -> str:
    """``$RXEVIDENCE_DB`` or ``<user data dir>/rxevidence/rxevidence.db``."""
    env = os.environ.get("RXEVIDENCE_DB")
    if env:
        return env
    return str(Path(user_data_dir("rxevidence", appauthor=False)) / "rxevidence.db")


def store_exists(url: str) -> bool:
    """Whether ``url`` names an existing store (a PostgreSQL URL always counts: the server says)."""
    if url.startswith(("postgresql://", "postgres://")) or url == ":memory:":
        return True
    return Path(url.removeprefix("sqlite:///")).exists()


def open_store(url: str | None = None, *, must_exist: bool = False, readonly: bool = False) -> Store:
    """Open a store from a path, ``:memory:``, or a ``postgresql://`` URL (default: :func:`default_db_path`).

    :param must_exist: raise :class:`~rxevidence.errors.StoreMissing` (creating nothing) when the
        SQLite file does not exist; read commands use it so a mistyped ``--db`` is an error.
    :param readonly: open read-only (SQLite); a store that cannot be written opens read-only anyway.
    :raises StoreError: the store cannot be opened (SchemaTooNew, StoreBusy, StoreReadOnly, ...).
    """
    url = url or default_db_path()
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from .postgres import PostgresStore
        except ImportError as e:  # pragma: no cover - depends on extras
            raise StoreError(
                f"PostgreSQL support needs psycopg: pip install 'rxevidence[server]' ({e})"
            ) from e
        return PostgresStore(url)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///") :]
    return SQLiteStore(url, create=not must_exist, readonly=readonly)


__all__ = ["SQLiteStore", "SearchHit", "Store", "UpsertCounts", "default_db_path", "open_store", "store_exists"]
