"""Reliability of ingest on bad input (#19): per-record isolation in every parser, typed JSON, size
caps, broken files that are not "done", resume by byte offset, and the same records in SQLite and
PostgreSQL from the same bad files. Every case runs on both backends."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest
from faults import ctgov_page, medline_xml, run_cli, store_url, trial_study

from rxevidence.ingest import ingest_file, ingest_paths
from rxevidence.sources import medline
from rxevidence.store import open_store
from rxevidence.store.base import INDEX_TEXT_MAX


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request):
    return request.param


@pytest.fixture
def url(backend, tmp_path):
    return store_url(backend, tmp_path)


def ids(url: str) -> list[str]:
    s = open_store(url)
    try:
        return sorted(r.id for r in s.iter_records())
    finally:
        s.close()


# ------------------------------------------------------------------ CT.gov JSON, typed


WRONG_SHAPES = {
    "identificationModule": [],  # a list where an object is expected
    "armsInterventionsModule.interventions": "Diazepam",  # a text where a list of objects is expected
    "designModule.enrollmentInfo": "60 participants",
    "outcomesModule.primaryOutcomes": {"measure": "Pain"},
    "descriptionModule.briefSummary": {"text": "x"},
    "referencesModule.references": [{"pmid": {"id": 1}}],
    "statusModule.startDateStruct": ["2015"],
    "conditionsModule.keywords": [{"k": "pain"}],
}


def test_ctgov_wrong_typed_fields_skip_that_study_only(url, tmp_path):
    good = [trial_study("NCT01000001"), trial_study("NCT01000002")]
    bad = [trial_study(f"NCT0200000{k}", **{path: value}) for k, (path, value) in enumerate(WRONG_SHAPES.items())]
    f = ctgov_page(tmp_path / "page.json", [good[0], *bad, good[1]])
    r = run_cli("ingest", str(f), "--db", url, "--no-appraise", "--json")
    assert r.returncode == 65, r.stderr[-1500:]
    d = json.loads(r.stdout)
    assert d["added"] == 2 and d["problems"] == len(WRONG_SHAPES) and "Traceback" not in r.stderr
    errors = d["files"][0]["errors"]
    assert all("page.json (study " in e and "invalid field" in e for e in errors), errors
    assert ids(url) == ["nct:NCT01000001", "nct:NCT01000002"]


def test_ctgov_a_text_where_a_list_is_expected_is_a_one_item_list(url, tmp_path):
    f = ctgov_page(tmp_path / "page.json", [trial_study("NCT01000003", **{
        "conditionsModule.conditions": "Pain", "designModule.phases": "PHASE3",
        "armsInterventionsModule.interventions": [{"name": "Diazepam", "otherNames": "Valium"}]})])
    s = open_store(url)
    ingest_file(s, f, appraiser=None)
    rec = s.get_record("nct:NCT01000003")
    assert rec.extra["conditions"] == ["Pain"]  # not ["P", "a", "i", "n"]
    assert rec.extra["phase"] == "Phase 3" and rec.extra["interventions"][0]["other_names"] == ["Valium"]
    s.close()


def test_json_text_over_the_xml_limit_is_skipped(url, tmp_path):
    huge = trial_study("NCT01000005", **{"descriptionModule.briefSummary": "pain " * 2_100_000})
    f = ctgov_page(tmp_path / "page.json", [trial_study("NCT01000004"), huge, trial_study("NCT01000006")])
    s = open_store(url)
    fs = ingest_file(s, f, appraiser=None)
    s.close()
    assert fs.counts.added == 2 and fs.problems == 1 and "10,000,000 characters" in fs.errors[0]
    assert ids(url) == ["nct:NCT01000004", "nct:NCT01000006"]


def test_json_with_a_byte_order_mark_is_detected(url, tmp_path):
    f = tmp_path / "bom.json"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps({"studies": [trial_study("NCT01000007")]}).encode())
    r = run_cli("ingest", str(f), "--db", url, "--no-appraise", "--json")
    assert r.returncode == 0, r.stderr[-1500:]
    assert json.loads(r.stdout)["files"][0]["format"] == "ctgov-v2"


def test_big_ctgov_json_streams_in_flat_memory(tmp_path):
    """A 60 MB CT.gov page is parsed one study at a time: peak memory of the parse stays far below
    the file's size (json.load of it took ~10x the size)."""
    studies = [trial_study(f"NCT{30000000 + k}", **{"descriptionModule.detailedDescription": "word " * 4000})
               for k in range(3000)]
    f = ctgov_page(tmp_path / "big.json", studies)
    size_mb = f.stat().st_size / 1e6
    code = ("import resource, sys\nfrom rxevidence.sources import ctgov\n"
            "n = sum(1 for _ in ctgov.parse_v2(sys.argv[1]))\n"
            "print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, text=True, timeout=600)
    n, rss_kb = map(int, out.stdout.split())
    base = subprocess.run([sys.executable, "-c", "import resource\nfrom rxevidence.sources import ctgov\n"
                           "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                          capture_output=True, text=True).stdout
    grew_mb = (rss_kb - int(base)) / 1024
    assert n == 3000 and size_mb > 55
    assert grew_mb < 40, f"parsing {size_mb:.0f} MB grew memory by {grew_mb:.0f} MB"


# ------------------------------------------------------------------ broken files are not "done"


def test_file_truncated_mid_record_exits_65_and_a_rerun_reports_it_again(url, tmp_path):
    data = medline_xml(list(range(1, 41)))
    f = tmp_path / "cut.xml"
    f.write_bytes(data[: data.index(b'<PMID Version="1">31</PMID>') + 20])
    for attempt in range(2):
        r = run_cli("ingest", str(f), "--db", url, "--no-appraise", "--json")
        assert r.returncode == 65, (attempt, r.stderr[-1500:])
        d = json.loads(r.stdout)
        assert d["files"][0]["status"] == "partial" and d["problems"] == 1
        assert "ended mid-record" in d["files"][0]["errors"][0] and "cut.xml" in d["files"][0]["errors"][0]
    assert len(ids(url)) == 30


def test_truncated_gz_keeps_every_whole_record_and_exits_65(url, tmp_path):
    data = gzip.compress(medline_xml(list(range(1, 212))))
    f = tmp_path / "cut.xml.gz"
    f.write_bytes(data[: len(data) - 40])  # the last few records and the gzip trailer are gone
    r = run_cli("ingest", str(f), "--db", url, "--no-appraise", "--json")
    assert r.returncode == 65, r.stderr[-1500:]
    d = json.loads(r.stdout)
    assert "truncated or corrupt compressed file" in d["files"][0]["errors"][0]
    n = len(ids(url))
    assert 200 <= n < 211 and d["added"] == n


@pytest.mark.parametrize("fmt", ["medline-xml", "ctgov-v2", "jsonl", "csv", "medline-text", "ris"])
def test_one_invalid_utf8_byte_skips_that_record_only(url, tmp_path, fmt):
    """XML, JSON and the text formats treat a byte that is not UTF-8 the same: the record holding it
    is skipped and reported; every other record, before and after, is stored; nothing is replaced."""
    bad = b"Diazepam \xff trial"
    opts: list[str] = []
    if fmt == "medline-xml":
        data, expect = medline_xml([1, 2, 3], corrupt={2: bad}), ["pmid:1", "pmid:3"]
        name = "f.xml"
    elif fmt == "ctgov-v2":
        page = json.dumps({"studies": [trial_study("NCT01000011"), trial_study("NCT01000012"),
                                       trial_study("NCT01000013")]}).encode()
        data = page.replace(b"trial NCT01000012", b"trial \xff NCT01000012")
        expect, name = ["nct:NCT01000011", "nct:NCT01000013"], "f.json"
    elif fmt == "jsonl":
        data = b"".join(json.dumps({"pmid": str(p), "title": f"Diazepam {p}"}).encode().replace(
            b"Diazepam 2", bad) + b"\n" for p in (1, 2, 3))
        expect, name, opts = ["pmid:1", "pmid:3"], "f.jsonl", ["--map", "pmid=pmid,title=title"]
    elif fmt == "csv":
        data = b"pmid,title\n1,Diazepam one\n2," + bad + b"\n3,Diazepam three\n"
        expect, name, opts = ["pmid:1", "pmid:3"], "f.csv", ["--map", "pmid=pmid,title=title"]
    elif fmt == "medline-text":
        data = b"".join(b"PMID- %d\nTI  - %s\nAB  - Pain.\n\n" % (p, bad if p == 2 else b"Diazepam") for p in (1, 2, 3))
        expect, name = ["pmid:1", "pmid:3"], "f.nbib"
    else:
        data = b"".join(b"TY  - JOUR\nAN  - %d\nTI  - %s\nER  - \n\n" % (p, bad if p == 2 else b"Diazepam")
                        for p in (1, 2, 3))
        expect, name = ["pmid:1", "pmid:3"], "f.ris"
    f = tmp_path / name
    f.write_bytes(data)
    r = run_cli("ingest", str(f), "--db", url, "--no-appraise", "--json", *opts)
    assert r.returncode == 65, r.stderr[-1500:]
    d = json.loads(r.stdout)
    assert d["problems"] == 1 and any("UTF-8" in e for e in d["files"][0]["errors"]), d["files"][0]["errors"]
    assert ids(url) == expect


def test_a_rerun_of_a_file_with_skipped_records_reports_them_again(url, tmp_path):
    f = tmp_path / "f.xml"
    f.write_bytes(medline_xml([1, 2, 3], corrupt={2: b"<b>unclosed"}))
    first = run_cli("ingest", str(f), "--db", url, "--no-appraise", "--json")
    again = run_cli("ingest", str(f), "--db", url, "--no-appraise", "--json")
    assert first.returncode == again.returncode == 65
    d1, d2 = json.loads(first.stdout), json.loads(again.stdout)
    assert d2["files"][0]["already_done"] and d2["files"][0]["errors"] == d1["files"][0]["errors"]
    assert "record 2" in d1["files"][0]["errors"][0]
    assert ids(url) == ["pmid:1", "pmid:3"]


# ------------------------------------------------------------------ resume seeks


@pytest.mark.parametrize("gz", [False, True])
def test_resume_does_not_parse_the_records_already_done(url, tmp_path, monkeypatch, gz):
    """Resuming at 77% of a MEDLINE file parses (almost) only the rest: a plain file seeks to the
    byte after the last committed record, a .gz is decompressed up to it without parsing."""
    n = 3000
    data = medline_xml(list(range(1, n + 1))).replace(b"Diazepam and pain,", b"Diazepam and pain " * 60 + b",")
    f = tmp_path / ("m.xml.gz" if gz else "m.xml")
    f.write_bytes(gzip.compress(data) if gz else data)
    s = open_store(url)

    class Stop(Exception):
        pass

    def stop_at(position: int) -> None:
        if position >= 2310:  # 77 %
            raise Stop

    with pytest.raises(Stop):
        ingest_file(s, f, appraiser=None, batch_size=210, on_progress=stop_at)
    parsed = {"n": 0}
    real = medline.parse_citation

    def counting(*a, **k):
        parsed["n"] += 1
        return real(*a, **k)

    monkeypatch.setattr(medline, "parse_citation", counting)
    fs = ingest_file(s, f, appraiser=None, batch_size=210)
    assert fs.resumed_from == 2310 and fs.counts.added == n - 2310 and s.count() == n
    # at most one 256 KB block (~200 of these records) before the restart point is parsed again,
    # not the 3,000 a re-parse from the start costs
    assert parsed["n"] < (n - 2310) + 250, parsed
    s.close()


# ------------------------------------------------------------------ both stores keep the same records


def test_sqlite_and_postgres_store_the_same_records_from_bad_input(tmp_path):
    """NUL characters and a text too long for PostgreSQL's tsvector: both stores keep all four
    records, with the same content (NUL removed, the index text cut, both counted as warnings)."""
    from faults import fresh_pg

    rows = [
        {"pmid": "1", "title": "Diazepam\u0000 and pain", "abstract": "NUL\u0000inside"},
        {"pmid": "2", "title": "Long", "abstract": " ".join(f"w{k}x{k * 7919 % 100003}" for k in range(150_000))},
        {"pmid": "3", "title": "Plain diazepam", "abstract": "Nothing odd."},
        {"pmid": "4", "title": "\u0000", "abstract": "only a NUL title"},
    ]
    f = tmp_path / "odd.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    mapping = {"pmid": "pmid", "title": "title", "abstract": "abstract"}
    out = {}
    for backend in ("sqlite", "postgres"):
        u = str(tmp_path / "s.db") if backend == "sqlite" else fresh_pg()
        s = open_store(u)
        summary = ingest_paths(s, [f], fmt="mapped", options={"mapping": mapping}, appraise=False)
        assert summary.counts.added == 4, (backend, summary.as_dict())
        assert summary.counts.warnings.get("NUL characters removed") == 2
        assert any("indexed text cut" in w for w in summary.counts.warnings)
        out[backend] = {r.id: r.model_dump(exclude={"provenance"}) for r in s.iter_records()}
        assert s.search("diazepam")
        s.close()
    assert out["sqlite"] == out["postgres"]
    assert "\u0000" not in json.dumps(out["sqlite"]) and len(out["sqlite"]["pmid:2"]["sections"][0]["text"]) > INDEX_TEXT_MAX
