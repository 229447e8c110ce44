"""``rxevidence parse``: the JSON contract and the human view."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rxevidence.cli import app

runner = CliRunner()


def test_parse_json_contract(monkeypatch):
    monkeypatch.delenv("RXEVIDENCE_DB", raising=False)
    r = runner.invoke(app, ["parse", "is Flexeril better than Valium for back spasms?", "--json"])
    assert r.exit_code == 0, r.output
    q = json.loads(r.output)
    assert [d["name"] for d in q["drugs"]] == ["cyclobenzaprine", "diazepam"]
    assert q["drugs"][0]["text"] == "Flexeril"
    assert q["relation"] == "comparison" and q["intent"] == "comparison"
    assert q["condition"]["id"] == "muscle-spasm"
    assert isinstance(q["confidence"], float)


def test_parse_human_output(monkeypatch):
    monkeypatch.delenv("RXEVIDENCE_DB", raising=False)
    r = runner.invoke(app, ["parse", "does Lyrica help sciatica?"])
    assert r.exit_code == 0, r.output
    assert "pregabalin" in r.output and "sciatica" in r.output and "gabapentinoid" in r.output


def test_parse_empty_is_an_error(monkeypatch):
    monkeypatch.delenv("RXEVIDENCE_DB", raising=False)
    r = runner.invoke(app, ["parse", "  ", "--json"])
    assert r.exit_code == 1
    body = json.loads(r.output)
    assert body["ok"] is False and "empty" in body["error"]


def test_parse_uses_the_store_vocabulary(db_path, tmp_path):
    (tmp_path / "voc.csv").write_text(
        "DrugBank ID,Accession Numbers,Common name,CAS,UNII,Synonyms,Standard InChI Key\n"
        "DBX9,,Wombatrelaxin,,,Wombix,\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["ingest", str(tmp_path / "voc.csv"), "--db", db_path, "--json", "--no-appraise"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["parse", "is Wombix good for neck pain", "--db", db_path, "--json"])
    assert r.exit_code == 0, r.output
    q = json.loads(r.output)
    assert [d["name"] for d in q["drugs"]] == ["wombatrelaxin"] and q["condition"]["id"] == "neck-pain"
