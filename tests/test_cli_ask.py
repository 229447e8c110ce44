"""`rxevidence ask` and `pack` through the real CLI (in-process), contract fields and exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rxevidence.cli import app

runner = CliRunner()


def test_ask_json_contract(db_path):
    r = runner.invoke(app, ["ask", "How effective is diazepam for pain?", "--db", db_path, "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    for key in ("query", "verdict", "certainty", "reasons", "regulatory", "studies", "sentences"):
        assert key in d
    assert d["verdict"] in ("effective", "probably effective", "mixed/uncertain", "probably ineffective",
                            "ineffective", "insufficient evidence")
    assert d["certainty"] in ("high", "moderate", "low", "very low")
    assert all({"jurisdiction", "status", "source"} <= set(x) for x in d["regulatory"])
    assert all({"id", "design", "n", "direction"} <= set(x) for x in d["studies"])
    assert any(s["id"] == "pmid:28187918" for s in d["studies"])
    assert all({"text", "citations"} <= set(x) for x in d["sentences"])


def test_ask_formats_and_out_file(db_path, tmp_path):
    md = runner.invoke(app, ["ask", "Does Flexeril help back pain?", "--db", db_path, "--format", "md"])
    assert md.exit_code == 0 and md.stdout.startswith("# Flexeril for back pain")
    out = tmp_path / "brief.html"
    h = runner.invoke(app, ["ask", "Does Flexeril help back pain?", "--db", db_path, "--format", "html", "--out", str(out)])
    assert h.exit_code == 0
    html = out.read_text()
    assert "<html" in html and "Verdict" in html and "pubmed.ncbi.nlm.nih.gov" in html and "<style>" in html


def test_ask_errors(db_path):
    r = runner.invoke(app, ["ask", "", "--db", db_path])
    assert r.exit_code == 2 and "Empty question" in r.output
    r = runner.invoke(app, ["ask", "what helps my back pain?", "--db", db_path, "--format", "json"])
    assert r.exit_code == 1
    err = json.loads(r.stdout)
    assert err["ok"] is False and err["status"] == 400 and "No drug" in err["error"]
    r = runner.invoke(app, ["ask", "diazepam for pain", "--db", db_path, "--format", "pdf"])
    assert r.exit_code == 2 and "Unknown --format" in r.output
    md = runner.invoke(app, ["ask", "diazepam for pain", "--db", db_path, "--format", "md"])
    alias = runner.invoke(app, ["ask", "diazepam for pain", "--db", db_path, "--format", "Markdown"])
    assert alias.exit_code == 0 and alias.stdout.startswith("#")
    assert alias.stdout.split("\n")[:3] == md.stdout.split("\n")[:3]


def test_pack_commands(db_path):
    info = runner.invoke(app, ["pack", "info", "--json"])
    assert info.exit_code == 0
    d = json.loads(info.stdout)
    assert isinstance(d["drugs"], int) and isinstance(d["studies"], int) and d["drugs"] >= 40
    load = runner.invoke(app, ["pack", "load", "--db", db_path, "--json"])
    assert load.exit_code == 0 and json.loads(load.stdout)["added"] == d["studies"]
    again = runner.invoke(app, ["pack", "load", "--db", db_path, "--json"])
    assert json.loads(again.stdout)["added"] == 0
