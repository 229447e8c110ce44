"""``rxevidence appraise`` and the appraisal shown by ``rxevidence show``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from rxevidence.appraise import APPRAISER_VERSION
from rxevidence.cli import app
from rxevidence.models import Record, Section
from rxevidence.store import SQLiteStore

runner = CliRunner()

RECORDS = [
    Record(
        id="pmid:111", kind="article", title="Diazepam versus placebo for acute low back pain: a randomised trial",
        sections=[Section(label="METHODS", code="METHODS",
                          text="We randomly assigned 40 patients to diazepam 5 mg or placebo."),
                  Section(label="RESULTS", code="RESULTS",
                          text="Pain intensity did not differ between groups (p = 0.6)."),
                  Section(label="CONCLUSIONS", code="CONCLUSIONS", text="Diazepam was not effective.")],
    ),
    Record(id="pmid:222", kind="article", title="Cold pressor pain and codeine in healthy volunteers",
           sections=[Section(text="Twelve healthy volunteers took codeine 60 mg; pain tolerance was measured.")]),
    Record(id="spl:abc", kind="label", title="Diazepam tablets", sections=[Section(text="Indications: anxiety.")]),
]


def make_db(path: str) -> None:
    with SQLiteStore(path) as s, s.transaction():
        for r in RECORDS:
            s.upsert_record(r)


def test_appraise_all_then_stale_only(db_path):
    make_db(db_path)
    r = runner.invoke(app, ["appraise", "--all", "--db", db_path, "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert (d["appraised"], d["not_appraisable"], d["appraiser_version"]) == (2, 1, APPRAISER_VERSION)
    assert d["designs"] == {"rct": 1, "experimental pain model": 1}
    again = json.loads(runner.invoke(app, ["appraise", "--all", "--stale-only", "--db", db_path, "--json"]).stdout)
    assert (again["appraised"], again["up_to_date"]) == (0, 2)
    only = json.loads(runner.invoke(app, ["appraise", "--all", "--kind", "article", "--db", db_path, "--json"]).stdout)
    assert (only["appraised"], only["not_appraisable"]) == (2, 0)


def test_appraise_ids_and_show(db_path):
    make_db(db_path)
    r = runner.invoke(app, ["appraise", "111", "pmid:999", "--db", db_path, "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["appraised"] == 1 and d["missing"] == ["pmid:999"]
    shown = json.loads(runner.invoke(app, ["show", "pmid:111", "--db", db_path, "--json"]).stdout)
    a = shown["appraisal"]
    assert a["appraiser_version"] == APPRAISER_VERSION and a["design"] == "rct" and a["n"] == 40
    assert a["direction"] == "no difference" and "small" in a["flags"]
    text = runner.invoke(app, ["show", "pmid:111", "--db", db_path])
    assert text.exit_code == 0 and f"automatic {APPRAISER_VERSION}" in text.stdout and "rct" in text.stdout


def test_appraise_errors(db_path):
    make_db(db_path)
    r = runner.invoke(app, ["appraise", "--db", db_path])
    assert r.exit_code == 2 and "--all" in r.output
    r = runner.invoke(app, ["appraise", "pmid:999", "--db", db_path, "--json"])
    assert r.exit_code == 1 and json.loads(r.stdout)["ok"] is False
    r = runner.invoke(app, ["appraise", "--all", "--kind", "book", "--db", db_path])
    assert r.exit_code == 2


def test_show_prints_square_brackets_and_roles_literally():
    from rich.console import Console

    from rxevidence.appraise import appraise_record
    from rxevidence.render.record import render_record_terminal

    rec = Record(id="pmid:5", kind="article", title="Diazepam [review]", sections=[Section(
        text="Patients were randomized to diazepam 5 mg or placebo. In conclusion, pain was lower [329079] "
             "with diazepam than placebo (p < 0.01).")])
    console = Console(record=True, width=200)
    render_record_terminal(console, rec, [appraise_record(rec)])
    out = console.export_text()
    assert "Diazepam [review]" in out and "lower [329079] with" in out
    assert "diazepam (intervention): 5 mg" in out and "placebo (placebo)" in out
