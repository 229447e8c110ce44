"""The CLI on bad input and bad options (#19): exit codes scripts can trust, messages printed as
they are, no tracebacks without --debug. Store-backed cases run on SQLite and PostgreSQL."""

from __future__ import annotations

import builtins
import json
import re

import pytest
from faults import assert_one_clean_line, medline_xml, run_cli, store_url
from typer.testing import CliRunner

from rxevidence.cli import app


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    u = store_url(request.param, tmp_path)
    f = tmp_path / "seed.xml"
    f.write_bytes(medline_xml([1, 2]))
    r = run_cli("ingest", str(f), "--db", u, "--no-appraise")
    assert r.returncode == 0, r.stderr
    return u


def test_list_formats(url):
    r = run_cli("ingest", "--list-formats")
    assert r.returncode == 0 and "medline-xml" in r.stdout and "ctgov-v2" in r.stdout
    d = json.loads(run_cli("ingest", "--list-formats", "--json").stdout)
    assert {"medline-xml", "openfda-label", "mapped"} <= {f["name"] for f in d}
    r = run_cli("ingest", "--db", url)
    assert r.returncode == 2 and "--list-formats" in r.stderr


@pytest.mark.parametrize("args", [("--kind", "bogus"), ("--limit", "0"), ("--limit", "-3")])
def test_bad_search_options_are_usage_errors(url, args):
    r = run_cli("search", "diazepam", "--db", url, *args)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "No records match" not in r.stdout
    assert_one_clean_line(r.stderr)


def test_markup_in_names_is_printed_as_is(url, tmp_path):
    d = tmp_path / "bad" / "[draft]"
    d.mkdir(parents=True)
    f = d / "x.xml"
    f.write_bytes(medline_xml([5, 6])[:-60])  # cut inside the last record
    r = run_cli("ingest", str(f), "--db", url, "--no-appraise")
    assert r.returncode == 65
    assert "bad/[draft]/x.xml" in r.stderr and "bad//x.xml" not in r.stderr
    r = run_cli("ingest", str(tmp_path / "[nope].xml"), "--db", url)
    assert r.returncode == 1
    assert_one_clean_line(r.stderr, "[nope].xml: no such file")


def test_file_names_are_never_cut_in_the_summary(url, tmp_path):
    d = tmp_path / ("a-rather-long-directory-name-" * 3)
    d.mkdir()
    f = d / "pubmed-baseline-file-with-a-long-name-0001.xml"
    f.write_bytes(medline_xml([7]))
    r = run_cli("ingest", str(f), "--db", url, "--no-appraise", env={"COLUMNS": "80"})
    assert r.returncode == 0, r.stderr
    assert str(f) in r.stdout  # whole, on one (soft-wrapped) line


def test_unreadable_file_in_a_directory_says_permission_denied(url, tmp_path, monkeypatch):
    """Tests run as root, where chmod does not stop reads: the read itself is made to fail."""
    d = tmp_path / "dir"
    d.mkdir()
    (d / "ok.xml").write_bytes(medline_xml([8]))
    locked = d / "locked.xml"
    locked.write_bytes(medline_xml([9]))
    real_open = builtins.open

    def guarded(file, *a, **k):
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **k)

    monkeypatch.setattr(builtins, "open", guarded)
    r = CliRunner().invoke(app, ["ingest", str(d), "--db", url, "--no-appraise", "--json"])
    assert r.exit_code == 65, r.output
    out = json.loads(r.stdout)
    errs = [e for f in out["files"] for e in f["errors"]]
    assert any("locked.xml: permission denied" in e for e in errs), errs
    assert not any("not a known record format" in e for e in errs)
    assert out["added"] == 1


def test_no_traceback_without_debug(url, monkeypatch):
    import rxevidence.cli.records as records

    def boom(*a, **k):
        raise ValueError("something unexpected")

    monkeypatch.setattr(records, "ingest_files", boom)
    r = CliRunner().invoke(app, ["ingest", __file__, "--db", url])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "unexpected ValueError: something unexpected" in r.output and "--debug" in r.output
    r = CliRunner().invoke(app, ["--debug", "ingest", __file__, "--db", url])
    assert isinstance(r.exception, ValueError)


def test_progress_rate_counts_this_runs_records():
    from rxevidence.cli.records import progress_rate

    assert progress_rate(78_000, 77_000, 2.0) == "500 rec/s"  # resumed at 77,000: only this run's records
    assert progress_rate(77_000, 77_000, 0.01) == ""  # no rate from the first call
    assert progress_rate(1_000, 0, 0.001) == ""  # nor from a fraction of a second


def test_summary_time_and_rate_print_correctly(url, tmp_path):
    """A short run prints its time as it was (never "0.0s") and no rate from a fraction of a second or from
    fewer than RATE_MIN_RECORDS records (a slow, loaded machine can take over half a second for one record);
    a warning counted once reads "1 record"."""
    f = tmp_path / "one.json"
    f.write_text(json.dumps({"studies": [{"protocolSection": {
        "identificationModule": {"nctId": "NCT01000099", "briefTitle": "NUL\u0000 in a title"}}}]}), encoding="utf-8")
    r = run_cli("ingest", str(f), "--db", url, "--no-appraise")
    assert r.returncode == 0, r.stderr[-1500:]
    assert "0.0s" not in r.stdout and "records/s" not in r.stdout, r.stdout
    assert re.search(r" in \d+\.\d\d s$", r.stdout, re.M), r.stdout
    assert "1 record: NUL characters removed" in r.stdout, r.stdout


@pytest.mark.parametrize("args", [
    ("ingest", "{dir}", "--format", "bogus"),
    ("ingest", "{dir}", "--map", "no-equals-sign"),
    ("ingest", "{dir}", "--batch-size", "0"),
    ("ingest", "{dir}", "--workers", "-1"),
    ("ask", "diazepam for pain", "--format", "pdf"),
    ("ask", "  "),
    ("audit", "{file}", "--format", "pdf"),
    ("audit", "{file}", "--input", "pdf"),
    ("appraise", "--all", "--kind", "book"),
    ("appraise", "pmid:1", "--all"),
    ("appraise", "--all", "--model", "nonsense"),
    ("fetch", "pubmed", "diazepam", "--max", "0"),
    ("fetch", "pubmed", "diazepam", "--batch-size", "500"),
    ("fetch", "trials"),
    ("search", "diazepam", "--limit", "0"),
    ("serve", "--port", "70000"),
])
def test_bad_option_values_are_usage_errors_and_create_nothing(tmp_path, monkeypatch, args):
    """Exit code 2 for every bad option value or combination, one line, no traceback, and the store the
    command names is not created (nor its directory)."""
    monkeypatch.setenv("RXEVIDENCE_OFFLINE", "1")
    db = tmp_path / "new" / "s.db"
    (tmp_path / "a.txt").write_text("Diazepam helps back pain.", encoding="utf-8")
    argv = [a.replace("{dir}", str(tmp_path)).replace("{file}", str(tmp_path / "a.txt")) for a in args]
    r = CliRunner().invoke(app, [*argv, *([] if argv[0] == "serve" else ["--db", str(db)])])
    assert r.exit_code == 2, (r.exit_code, r.output)
    assert "Traceback" not in r.output
    assert not (tmp_path / "new").exists()


def test_ingest_of_a_missing_file_creates_no_store(tmp_path):
    db = tmp_path / "new" / "s.db"
    r = CliRunner().invoke(app, ["ingest", str(tmp_path / "typo.xml"), "--db", str(db)])
    assert r.exit_code == 1 and "typo.xml: no such file" in r.output
    assert not (tmp_path / "new").exists()
