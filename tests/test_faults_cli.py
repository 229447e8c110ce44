"""The CLI on bad input and bad options (#19): exit codes scripts can trust, messages printed as
they are, no tracebacks without --debug. Store-backed cases run on SQLite and PostgreSQL."""

from __future__ import annotations

import builtins
import json

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

    monkeypatch.setattr(records, "ingest_paths", boom)
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
