"""Formats users download from PubMed (MEDLINE text, RIS, CSV export) and mapped CSV/JSONL."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rxevidence.errors import InputError, ParseError
from rxevidence.models import Record, Skipped
from rxevidence.sources import mapped, medline_text, pubmed_csv, ris
from rxevidence.sources.registry import detect

FIX = Path(__file__).parent / "fixtures" / "sources"
COHEN_MAP = {"pmid": "pubmedID", "title": "title", "abstract": "abstract", "year": "year", "authors": "authors"}


# ------------------------------------------------------------------ MEDLINE text


def test_medline_text_samples(shared):
    p = shared("biopython_entrez_medline_samples", "pubmed_result1.txt")
    assert detect(p).name == "medline-text"
    [r] = list(medline_text.parse(str(p)))
    assert r.id == "pmid:12230038" and r.title == "The Bio* toolkits--a brief overview."
    assert r.date == "2002-09" and r.authors == ["Mangalam H"] and r.journal == "Briefings in bioinformatics"
    assert r.abstract.startswith("Bioinformatics research is often difficult") and "  " not in r.abstract
    majors = [m.descriptor for m in r.mesh if m.major]
    assert majors == ["Computational Biology", "Programming Languages", "Software"]


def test_medline_text_multi_record_file(shared):
    p = shared("biopython_entrez_medline_samples", "pubmed_result2.txt")
    recs = list(medline_text.parse(str(p)))
    assert len(recs) == p.read_text().count("\nPMID- ") + p.read_text().startswith("PMID- ")
    first = recs[0]
    assert first.pmcid == "PMC1373603" and first.doi == "10.1186/1471-2105-7-10"
    info = next(m for m in first.mesh if m.descriptor == "Information Storage and Retrieval")
    assert info.qualifiers == ["methods"] and info.major_qualifiers == ["methods"] and not info.major


def test_medline_text_fields_on_snippet(tmp_path):
    p = tmp_path / "x.nbib"
    p.write_text(
        "PMID- 99000201\nTI  - An invented title that wraps onto\n      a second line.\n"
        "AB  - Invented abstract (NCT01234567).\nDP  - 2015 Oct-Dec\nAU  - Example A\nCN  - Invented Group\n"
        "PT  - Journal Article\nPT  - Retracted Publication\nRN  - Q3JTX2Q7TU (Diazepam)\n"
        "OT  - spasm\nLA  - eng\nSI  - ClinicalTrials.gov/NCT07654321\nLID - 10.5555/x.1 [doi]\n"
        "RIN - J Invented. 2016;1:2. PMID: 99000299\n\n"
        "PMID- notanumber\nTI  - Broken\n"
    )
    r, bad = list(medline_text.parse(str(p)))
    assert isinstance(r, Record) and isinstance(bad, Skipped)
    assert r.title == "An invented title that wraps onto a second line."
    assert r.date == "2015-10" and r.authors == ["Example A", "Invented Group"]
    assert r.chemicals == ["Diazepam"] and r.keywords == ["spasm"] and r.doi == "10.5555/x.1"
    assert r.nct_ids == ["NCT07654321", "NCT01234567"]
    assert r.retracted and r.retraction_notices == ["pmid:99000299"]


# ------------------------------------------------------------------ RIS and PubMed CSV


def test_ris_fixture():
    p = FIX / "pubmed_export.ris"
    assert detect(p).name == "ris"
    items = list(ris.parse(str(p)))
    recs = [i for i in items if isinstance(i, Record)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [r.id for r in recs] == ["pmid:99000001", "pmid:99000002", "doi:10.5555/invented.2020.777"]
    assert recs[0].authors == ["Example AB", "Sample C"] and recs[0].nct_ids == ["NCT01234567"]
    assert "randomised to drug or placebo" in recs[0].abstract
    assert recs[1].journal == "Imaginary Reviews" and recs[1].year == 2021
    assert len(skipped) == 1 and "truncated" in skipped[0].reason


def test_pubmed_csv_fixture():
    p = FIX / "pubmed_export.csv"
    assert detect(p).name == "pubmed-csv"
    items = list(pubmed_csv.parse(str(p)))
    recs = [i for i in items if isinstance(i, Record)]
    assert [r.id for r in recs] == ["pmid:99000101", "pmid:99000102"]
    assert recs[0].authors == ["Example A", "Sample CB"] and recs[0].pmcid == "PMC9900101"
    assert recs[0].year == 2018 and recs[0].doi == "10.5555/inv.2018.1"
    reasons = [i.reason for i in items if isinstance(i, Skipped)]
    assert len(reasons) == 2 and "non-numeric PMID" in reasons[0] and "expected 11 cells" in reasons[1]


# ------------------------------------------------------------------ mapped CSV / JSONL


def test_mapped_cohen_csv(shared):
    p = shared("cohen2006_drug_class_reviews", "SkeletalMuscleRelaxants.csv")
    with open(p, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    items = list(mapped.parse(str(p), mapping=COHEN_MAP))
    assert len(items) == len(rows) and all(isinstance(i, Record) for i in items)
    r = items[0]
    assert r.id == f"pmid:{rows[0]['pubmedID']}" and r.year == int(float(rows[0]["year"]))
    assert r.authors == [a.strip() for a in rows[0]["authors"].split(";")]
    assert sum(1 for i in items if "diazepam" in (i.title or "").lower() + i.abstract.lower()) > 10


def test_mapped_rows_without_usable_id_are_skipped(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("id_col,pm,title\nA1,123,One\n,,Two\n,abc,Three\nB2,,Four\n,123,Dup\n")
    items = list(mapped.parse(str(p), mapping={"id": "id_col", "pmid": "pm", "title": "title"}))
    kinds = [(i.id if isinstance(i, Record) else i.reason) for i in items]
    assert kinds == ["pmid:123", "no identifier", "non-numeric PMID 'abc'", "ext:B2", "pmid:123"]
    assert items[1].position == "row 3"


def test_mapped_jsonl_with_a_bad_line(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"pm": "7", "t": "Seven", "k": "trial"}\n{"pm": "8", "t": \n[1, 2]\n{"pm": "9", "t": "Nine"}\n')
    items = list(mapped.parse(str(p), mapping={"pmid": "pm", "title": "t", "kind": "k"}))
    assert [getattr(i, "id", None) for i in items] == ["pmid:7", None, None, "pmid:9"]
    assert items[0].kind == "trial"
    assert "invalid JSON" in items[1].reason and items[1].position == "row 2"


def test_mapped_bad_mapping_and_missing_column(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="unknown record field"):
        list(mapped.parse(str(p), mapping={"pmid": "a", "colour": "b"}))
    with pytest.raises(InputError, match="not in the header"):
        list(mapped.parse(str(p), mapping={"pmid": "nope"}))
    with pytest.raises(InputError, match="identifier"):
        list(mapped.parse(str(p), mapping={"title": "a"}))


def test_malformed_csv_quote_names_the_line(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text('pm,title\n1,ok\n2,"unterminated quote\n')
    got = []
    with pytest.raises(ParseError) as ei:
        for i in mapped.parse(str(p), mapping={"pmid": "pm", "title": "title"}):
            got.append(i.id)
    assert got == ["pmid:1"] and ei.value.position == "line 3" and str(p) in str(ei.value)


def test_gzip_is_transparent_and_a_cut_gzip_is_a_parse_error(tmp_path, shared):
    import gzip

    raw = shared("cohen2006_drug_class_reviews", "Triptans.csv").read_bytes()
    whole = tmp_path / "t.csv.gz"
    whole.write_bytes(gzip.compress(raw))
    n_rows = len(list(csv.DictReader(raw.decode("utf-8").splitlines())))
    assert sum(isinstance(i, Record) for i in mapped.parse(str(whole), mapping=COHEN_MAP)) == n_rows
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(gzip.compress(raw)[: len(raw) // 8])
    got = 0
    with pytest.raises(ParseError) as ei:
        for _ in mapped.parse(str(cut), mapping=COHEN_MAP):
            got += 1
    assert 0 < got < n_rows and "cut.csv.gz" in str(ei.value)
