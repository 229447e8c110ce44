"""``ask`` answers anything online (#20 item 4): when the store has nothing for a pair it fetches it from the
live sources (replayed by the loopback fake), stores, appraises and answers; ``--offline`` forbids it; an
unreachable network gives the offline brief with a note, fast; once stored the answer needs no network."""

from __future__ import annotations

import json
import socket
import time

import pytest
from fake_api import FakeApis, shared_root
from typer.testing import CliRunner

from rxevidence.ask import ask, parse_question
from rxevidence.autofetch import fetch_when_missing, probe
from rxevidence.cli import app
from rxevidence.store import SQLiteStore

runner = CliRunner()
QUESTION = "How effective is diazepam for low back pain?"


@pytest.fixture(scope="module")
def apis():
    root = shared_root()
    if root is None:
        pytest.skip("needs ../shared/data/biomcp_api_fixtures and biopython_entrez_medline_samples (not in a fresh clone)")
    a = FakeApis(root)
    yield a
    a.close()


@pytest.fixture
def fake(apis, monkeypatch):
    apis.reset()
    for var in ("NCBI_API_KEY", "OPENFDA_API_KEY", "RXEVIDENCE_OFFLINE", "RXEVIDENCE_CACHE_MAX_AGE"):
        monkeypatch.delenv(var, raising=False)
    for k, v in apis.env().items():
        monkeypatch.setenv(k, v)
    return apis


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def empty_store(tmp_path) -> SQLiteStore:
    return SQLiteStore(str(tmp_path / "empty.db"))


def test_probe_reports_unreachable_host_quickly():
    t0 = time.monotonic()
    reason = probe(f"http://127.0.0.1:{closed_port()}")
    assert reason and "cannot reach 127.0.0.1" in reason
    assert time.monotonic() - t0 < 1.0
    assert "cannot resolve" in (probe("https://no-such-host.invalid") or "")


def test_empty_store_is_fetched_stored_and_answered(fake, tmp_path):
    store = empty_store(tmp_path)
    seen: list[tuple[str, int, int | None]] = []
    brief = ask(QUESTION, store=store, install_pack=False, online="auto",
                progress=lambda s, d, t: seen.append((s, d, t)))
    assert fake.pubmed.requests("esearch") and fake.openfda.requests("label") and fake.ctgov.requests("studies")
    assert store.count() > 0  # the replayed responses are real records (not about this pair)
    assert any("fetched" in n and "later answers use them offline" in n for n in brief.notes)
    assert {s for s, _, _ in seen} >= {"pubmed"}
    # deterministic once stored: the same question is answered from the store, with no request at all
    before = fake.total_requests()
    again = ask(QUESTION, store=store, install_pack=False, online="auto")
    assert fake.total_requests() == before
    assert (again.verdict, again.certainty, [s.id for s in again.studies]) == \
        (brief.verdict, brief.certainty, [s.id for s in brief.studies])
    assert any("were searched for this question" in n for n in again.notes)
    store.close()


def test_store_with_evidence_is_not_fetched(fake, tmp_path):
    store = empty_store(tmp_path)
    ask(QUESTION, store=store, online="auto")  # the starter pack has diazepam studies for low back pain
    assert fake.total_requests() == 0
    store.close()


def test_offline_forbids_fetching(fake, tmp_path, monkeypatch):
    store = empty_store(tmp_path)
    ask(QUESTION, store=store, install_pack=False, online="auto", offline=True)
    assert fake.total_requests() == 0
    monkeypatch.setenv("RXEVIDENCE_OFFLINE", "1")
    ask(QUESTION, store=store, install_pack=False, online="auto")
    assert fake.total_requests() == 0 and store.count() == 0
    store.close()


def test_unreachable_network_gives_offline_brief_with_note_fast(tmp_path, monkeypatch):
    port = closed_port()
    for var in ("RXEVIDENCE_PUBMED_URL", "RXEVIDENCE_OPENFDA_URL", "RXEVIDENCE_CTGOV_URL", "RXEVIDENCE_RXNAV_URL"):
        monkeypatch.setenv(var, f"http://127.0.0.1:{port}")
    monkeypatch.delenv("RXEVIDENCE_OFFLINE", raising=False)
    store = empty_store(tmp_path)
    t0 = time.monotonic()
    brief = ask(QUESTION, store=store, install_pack=False, online="auto")
    assert time.monotonic() - t0 < 5.0
    assert brief.verdict == "insufficient evidence" and store.count() == 0
    assert any("unreachable" in n and "local store" in n for n in brief.notes)
    store.close()


def test_failed_fetch_keeps_the_offline_brief_and_says_why(fake, tmp_path):
    store = empty_store(tmp_path)
    for _ in range(4):
        fake.pubmed.fail("esearch", status=500)
    query = parse_question(QUESTION, store=store)
    result = fetch_when_missing(store, query, check_network=False)
    assert result.attempted and any("pubmed" in n for n in result.notes)
    store.close()


def test_cli_ask_fetches_with_a_progress_line_on_stderr(fake, tmp_path):
    db = str(tmp_path / "cli.db")
    # an unknown pair for the pack: the pack has no diazepam study for cluster headache
    r = runner.invoke(app, ["ask", "Does diazepam help cluster headache?", "--db", db, "--format", "json"])
    assert r.exit_code == 0, r.output
    brief = json.loads(r.stdout)
    assert brief["verdict"]
    assert fake.pubmed.requests("esearch")
    assert "live sources" in r.stderr.lower()
    r2 = runner.invoke(app, ["ask", "Does diazepam help cluster headache?", "--db", db, "--offline",
                             "--format", "json"])
    assert r2.exit_code == 0 and json.loads(r2.stdout)["verdict"]
