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


def _bad_files(d):
    """One directory of every kind of bad file #19 names, each beside good records."""
    d.mkdir()
    data = medline_xml(list(range(1, 41)))
    (d / "cut.xml").write_bytes(data[: data.index(b'<PMID Version="1">31</PMID>') + 20])  # ends mid-record
    gz = gzip.compress(medline_xml(list(range(100, 311))))
    (d / "cut.xml.gz").write_bytes(gz[: len(gz) - 40])  # truncated .gz
    (d / "utf8.xml").write_bytes(medline_xml([400, 401, 402], corrupt={401: b"Diazepam \xff trial"}))
    (d / "markup.xml").write_bytes(medline_xml([500, 501, 502], corrupt={501: b"<b>unclosed"}))
    page = json.dumps({"studies": [
        trial_study("NCT01000011"),
        trial_study("NCT01000012", **{"designModule.enrollmentInfo": "60 people"}),  # wrong-typed field
        trial_study("NCT01000013", **{"descriptionModule.briefSummary": "NUL\u0000inside"}),
        trial_study("NCT01000014"),
        trial_study("NCT01000015", **{"conditionsModule.conditions": "Pain"}),  # a text for a list
        trial_study("NCT01000016", **{"descriptionModule.detailedDescription":  # too long for a tsvector
                                      " ".join(f"w{k}x{k * 7919 % 100003}" for k in range(150_000))}),
    ]}).encode().replace(b"trial NCT01000014", b"trial \xff NCT01000014")  # invalid UTF-8
    (d / "trials.json").write_bytes(b"\xef\xbb\xbf" + page)  # with a byte order mark
    return d


def test_both_stores_keep_the_same_records_from_the_same_bad_files(tmp_path):
    """The same directory of bad files (ended mid-record, truncated .gz, invalid UTF-8 in XML and JSON,
    broken markup, a wrong-typed and a string-for-list CT.gov field, NUL characters, a text too long for
    PostgreSQL's tsvector, a BOM) through ``rxevidence ingest`` into SQLite and PostgreSQL: both exit 65,
    the summary names every bad file, a re-run reports the same problems again and exits 65 again, and
    the two stores hold exactly the same records with the same content."""
    from faults import fresh_pg

    d = _bad_files(tmp_path / "bad")
    bad_names = ["cut.xml", "cut.xml.gz", "utf8.xml", "markup.xml", "trials.json"]
    out, problems = {}, {}
    for backend in ("sqlite", "postgres"):
        u = str(tmp_path / "s.db") if backend == "sqlite" else fresh_pg()
        runs = []
        for _ in range(2):
            r = run_cli("ingest", str(d), "--db", u, "--no-appraise")
            assert r.returncode == 65, (backend, r.stderr[-1500:])
            assert "Traceback" not in r.stderr
            listed = [ln for ln in r.stderr.splitlines() if ln.strip().startswith("!")]
            assert all(any(f"{d}/{n} " in ln for ln in listed) for n in bad_names), (backend, listed)
            runs.append(listed)
        assert runs[0] == runs[1], backend  # the re-run reports every problem again
        j = json.loads(run_cli("ingest", str(d), "--db", u, "--no-appraise", "--json").stdout)
        assert {f["path"].rsplit("/", 1)[1]: f["status"] for f in j["files"]} == {
            "cut.xml": "partial", "cut.xml.gz": "partial", "utf8.xml": "done-with-errors",
            "markup.xml": "done-with-errors", "trials.json": "done-with-errors"}
        problems[backend] = [e.replace(u, "") for f in j["files"] for e in f["errors"]]
        s = open_store(u)
        out[backend] = {r.id: r.model_dump(exclude={"provenance"}) for r in s.iter_records()}
        assert [h.id for h in s.search("w5x39595")] == ["nct:NCT01000016"]  # indexed (the first 100,000 chars)
        s.close()
    assert problems["sqlite"] == problems["postgres"]
    assert out["sqlite"].keys() == out["postgres"].keys()
    for rid in out["sqlite"]:
        assert out["sqlite"][rid] == out["postgres"][rid], rid
    got = set(out["sqlite"])
    assert {"pmid:30", "pmid:400", "pmid:402", "pmid:500", "pmid:502", "nct:NCT01000011", "nct:NCT01000013",
            "nct:NCT01000015", "nct:NCT01000016"} <= got
    assert not got & {"pmid:31", "pmid:401", "pmid:501", "nct:NCT01000012", "nct:NCT01000014"}
    assert out["sqlite"]["nct:NCT01000015"]["extra"]["conditions"] == ["Pain"]
    assert "\u0000" not in json.dumps(out["sqlite"])
