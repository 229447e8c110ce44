"""Store behaviour: upserts, versions, FTS ranking, appraisals, cache, progress, migrations."""

from __future__ import annotations

import sqlite3

import pytest

from rxevidence.models import Appraisal, MeshHeading, Record, Section
from rxevidence.store import SQLiteStore, open_store


def art(pmid: str, title: str, abstract: str = "", **kw) -> Record:
    return Record(id=f"pmid:{pmid}", kind="article", pmid=pmid, title=title,
                  sections=[Section(text=abstract)] if abstract else [], **kw)


def test_upsert_is_idempotent_and_updates(anystore):
    store = anystore
    c1 = store.upsert_records([art("1", "Diazepam for back pain", "Randomised trial of diazepam.")])
    assert (c1.added, c1.updated, c1.unchanged) == (1, 0, 0)
    c2 = store.upsert_records([art("1", "Diazepam for back pain", "Randomised trial of diazepam.")])
    assert (c2.added, c2.updated, c2.unchanged) == (0, 0, 1)
    c3 = store.upsert_records([art("1", "Diazepam for low back pain", "Randomised trial of diazepam.")])
    assert c3.updated == 1
    assert store.count() == 1
    assert store.get_record("pmid:1").title == "Diazepam for low back pain"
    # the FTS index follows the update: the old title word is gone, the new one is found
    assert [h.id for h in store.search("low")] == ["pmid:1"]


def test_older_label_version_is_skipped(anystore):
    store = anystore
    new = Record(id="spl:abc", kind="label", title="Valium", version="12", date="2023-01-01")
    old = Record(id="spl:abc", kind="label", title="Valium (old)", version="9", date="2019-01-01")
    store.upsert_records([new])
    c = store.upsert_records([old])
    assert c.skipped == 1 and c.reasons == {"older version than stored": 1}
    assert store.get_record("spl:abc").version == "12"
    newer = Record(id="spl:abc", kind="label", title="Valium", version="13", date="2024-01-01")
    assert store.upsert_records([newer]).updated == 1


def test_search_ranks_by_bm25_and_terms(anystore):
    store = anystore
    store.upsert_records([
        art("1", "Diazepam in acute low back pain", "diazepam diazepam placebo back pain"),
        art("2", "Naproxen for back pain", "A trial mentioning diazepam once."),
        art("3", "Migraine and triptans", "sumatriptan"),
        art("4", "Muscle relaxants", "", mesh=[MeshHeading(descriptor="Diazepam", major=True)]),
    ])
    ids = [h.id for h in store.search("diazepam")]
    assert ids[0] == "pmid:1" and set(ids) == {"pmid:1", "pmid:2", "pmid:4"}
    hits = store.search_terms([["valium", "diazepam"], ["low back pain", "lumbago"]])
    assert [h.id for h in hits] == ["pmid:1"]
    # hostile FTS syntax is neutralised, not an error
    assert store.search('diazepam" OR * NEAR(') is not None
    assert store.search("   ") == []


def test_delete_and_appraisals(anystore):
    store = anystore
    store.upsert_records([art("5", "A trial", "text")])
    store.put_appraisal(Appraisal(record_id="pmid:5", appraiser="automatic", design="rct", n=40))
    store.put_appraisal(Appraisal(record_id="pmid:5", appraiser="curated", design="rct", n=42))
    assert store.best_appraisal("pmid:5").n == 42
    assert {a.appraiser for a in store.get_appraisals("pmid:5")} == {"automatic", "curated"}
    assert store.delete_record("pmid:5") is True
    assert store.get_record("pmid:5") is None
    # curated appraisals survive a deletion; automatic ones go with the record
    assert [a.appraiser for a in store.get_appraisals("pmid:5")] == ["curated"]
    assert store.delete_record("pmid:5") is False


def test_transaction_rolls_back_on_error(anystore):
    store = anystore
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.upsert_record(art("7", "x"))
            raise RuntimeError("boom")
    assert store.count() == 0


def test_cache_progress_meta_vocab(anystore):
    store = anystore
    store.cache_put("GET https://x", b"body", content_type="text/plain")
    body, age = store.cache_get("GET https://x")
    assert body == b"body" and age >= 0
    assert store.cache_get("GET https://x", max_age_s=-1) is None
    store.progress_set("f|1", status="partial", done=10)
    assert store.progress_get("f|1") == {"status": "partial", "done": 10, "info": {}}
    store.meta_set("k", "v")
    assert store.meta_get("k") == "v"
    assert store.vocab_add([("Valium", "brand", "diazepam", "test")]) == 1
    assert store.vocab_add([("Valium", "brand", "diazepam", "test")]) == 0
    assert ("Valium", "brand", "diazepam", "test") in store.vocab_rows()


def test_file_store_uses_wal_and_migrations(tmp_path):
    path = tmp_path / "s.db"
    s = open_store(str(path))
    assert isinstance(s, SQLiteStore)
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.migrations_applied() == ["001_initial", "002_rank", "003_concept_index"]
    s.upsert_records([art("9", "t")])
    s.close()
    s2 = open_store(str(path))  # re-opening applies nothing twice and keeps data
    assert s2.count() == 1 and s2.migrations_applied() == ["001_initial", "002_rank", "003_concept_index"]
    s2.close()


def test_corrupt_store_gives_clear_error(tmp_path):
    from rxevidence.errors import StoreError

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="Cannot open store"):
        open_store(str(bad))


def test_env_var_selects_store(tmp_path, monkeypatch):
    from rxevidence.store import default_db_path

    monkeypatch.setenv("RXEVIDENCE_DB", str(tmp_path / "env.db"))
    assert default_db_path() == str(tmp_path / "env.db")
    assert sqlite3.sqlite_version_info >= (3, 9)
