"""Label sources: DailyMed SPL XML and openFDA label JSON; Drugs@FDA approvals."""

from __future__ import annotations

import json

import pytest

from rxevidence.errors import ParseError
from rxevidence.models import Record, Skipped
from rxevidence.sources import drugsfda, openfda, spl
from rxevidence.sources.registry import detect
from rxevidence.sources.xmlsafe import parse_bytes


def spl_file(shared, name: str):
    return shared("openfda_repo_samples", "spl_xml", name)


def test_spl_lipitor_label(shared):
    p = spl_file(shared, "lipitor-orig.xml")
    assert detect(p).name == "spl-xml"
    [r] = list(spl.parse(str(p)))
    assert r.kind == "label" and r.id == "spl:c6e131fe-e7df-4876-83f7-9156fc4e8228"
    assert r.set_id == "c6e131fe-e7df-4876-83f7-9156fc4e8228" and r.version == "11" and r.date == "2014-01-13"
    assert r.title and r.title.startswith("LIPITOR") and "highlights" not in r.title
    codes = [s.code for s in r.sections]
    for code in ("34067-9", "34090-1", "43679-0", "34070-3", "43685-7", "34084-4", "34068-7"):
        assert code in codes, code
    ind = r.section("34067-9")
    assert ind and "lipid" in ind.lower()
    assert next(s for s in r.sections if s.code == "34067-9").label == "INDICATIONS & USAGE SECTION"
    assert r.extra["ingredients"] == ["atorvastatin calcium trihydrate"]
    assert r.extra["manufacturer"] == "Parke-Davis Div of Pfizer Inc"
    assert {"name": "Lipitor", "generic_name": "atorvastatin calcium", "form": "TABLET, FILM COATED"} in r.extra["products"]


def test_spl_nested_sections_flattened_without_duplicate_text(shared):
    [r] = list(spl.parse(str(spl_file(shared, "humira.xml"))))
    boxed = r.section("34066-1")
    assert boxed and "infection" in boxed.lower()
    # warnings and precautions keeps its unclassified subsections (5.1, 5.2...) in its own text
    wp = r.section("43685-7")
    assert wp and len(wp) > 1000
    # the mechanism of action subsection (nested in clinical pharmacology) is its own section,
    # and its text is not repeated inside the parent
    moa = r.section("43679-0")
    cp = r.section("34090-1") or ""
    assert moa and moa[40:120] not in cp


def test_spl_without_title_uses_product_names(shared):
    [r] = list(spl.parse(str(spl_file(shared, "no-title.xml"))))
    assert r.title == "Haloperidol"
    assert r.extra["ingredients"] == ["haloperidol"]


def test_spl_otc_drug_facts(shared):
    [r] = list(spl.parse(str(spl_file(shared, "cough.xml"))))
    assert set(r.extra["ingredients"]) == {"diphenhydramine hydrochloride", "phenylephrine hydrochloride"}
    assert r.section("34067-9")


def test_spl_field_functions_on_snippet():
    doc = parse_bytes(b"""<document xmlns="urn:hl7-org:v3"><setId root="abc"/><versionNumber value="3"/>
      <effectiveTime value="20200102"/><title>Invented label</title>
      <component><structuredBody><component><section><code code="34067-9" displayName="INDICATIONS"/>
      <title>1 INDICATIONS</title><text><paragraph>Made-up <content>text</content>.</paragraph></text>
      <component><section><code code="42229-5" displayName="SPL UNCLASSIFIED SECTION"/>
      <text><paragraph>Sub text.</paragraph></text></section></component>
      </section></component></structuredBody></component></document>""")
    assert spl.parse_set_id(doc) == "abc" and spl.parse_version(doc) == "3"
    assert spl.parse_effective_date(doc) == "2020-01-02"
    [s] = spl.parse_sections(doc)
    assert s.code == "34067-9" and s.text == "1 INDICATIONS Made-up text. Sub text."
    assert spl.parse_hl7_date("1999") == "1999" and spl.parse_hl7_date("") is None


def test_spl_external_entity_not_resolved(tmp_path):
    p = tmp_path / "x.xml"
    p.write_bytes(b"""<?xml version="1.0"?><!DOCTYPE document [<!ENTITY x SYSTEM "file:///etc/passwd">]>
      <document xmlns="urn:hl7-org:v3"><setId root="s1"/><title>T &x;</title></document>""")
    [r] = list(spl.parse(str(p)))
    assert "root:" not in (r.title or "")


def test_spl_malformed_names_file_and_line(tmp_path, shared):
    data = spl_file(shared, "cough.xml").read_bytes()
    p = tmp_path / "cut.xml"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParseError) as ei:
        list(spl.parse(str(p)))
    assert str(p) in str(ei.value) and "line" in str(ei.value)


def test_openfda_label_page(shared):
    p = shared("biomcp_api_fixtures", "openfda", "label_keytruda_20260811.json")
    assert detect(p).name == "openfda-label"
    recs = list(openfda.parse(str(p)))
    assert [r.id for r in recs] == ["spl:097d166f-b73b-41d3-9b37-7653cd2a0c41", "spl:9333c79b-d487-4538-a9f0-71b91a02b287"]
    assert recs[1].extra["generic_name"] == ["PEMBROLIZUMAB"] and recs[1].extra["brand_name"] == ["KEYTRUDA"]
    assert recs[1].kind == "label"


def test_openfda_label_fields_map_to_loinc_codes():
    result = {
        "set_id": "s-1", "version": "4", "effective_time": "20210315",
        "indications_and_usage": ["1 INDICATIONS Invented indication text."],
        "boxed_warning": ["WARNING: invented."],
        "mechanism_of_action": ["Invented mechanism."],
        "warnings_and_cautions": ["Invented warning."],
        "contraindications": ["None invented."],
        "openfda": {"generic_name": ["DIAZEPAM"], "brand_name": ["VALIUM"], "rxcui": ["197589"]},
    }
    r = openfda.parse_label_result(result)
    assert isinstance(r, Record)
    assert r.version == "4" and r.date == "2021-03-15" and r.title == "VALIUM (diazepam)"
    assert {s.code for s in r.sections} == {"34067-9", "34066-1", "43679-0", "43685-7", "34070-3"}
    assert r.extra["rxcui"] == ["197589"] and r.extra["ingredients"] == ["diazepam"]
    assert isinstance(openfda.parse_label_result({"openfda": {}}), Skipped)


def test_openfda_malformed_json_names_line_and_column(tmp_path):
    p = tmp_path / "label.json"
    p.write_text('{"meta": {}, "results": [{"set_id": "a", "version": "1"},\n {"set_id": ')
    with pytest.raises(ParseError) as ei:
        list(openfda.parse(str(p)))
    assert ei.value.position and ei.value.position.startswith("line 2")


def test_drugsfda_zip_valium(shared):
    p = shared("openfda_repo_samples", "drugsfda", "drugsatfda_2019-07-02.zip")
    assert detect(p).name == "drugsfda"
    n = 0
    valium = None
    for r in drugsfda.parse_zip(str(p)):
        n += 1
        if r.id == "fda:NDA013263":
            valium = r
    assert n == 23267  # Applications.txt rows (23,268 lines with the header)
    assert valium is not None and valium.kind == "approval" and valium.application == "NDA013263"
    assert valium.date == "1963-11-15" and valium.title == "ROCHE - VALIUM"
    assert valium.extra["sponsor"] == "ROCHE" and valium.extra["ingredients"] == ["diazepam"]
    assert {p["strength"] for p in valium.extra["products"]} == {"2MG", "5MG", "10MG"}
    assert all(p["marketing_status"] == "Prescription" for p in valium.extra["products"])
    orig = [s for s in valium.extra["submissions"] if s["type"] == "ORIG"]
    assert orig == [{"type": "ORIG", "number": "1", "status": "AP", "status_date": "1963-11-15",
                     "class": "Type 1 - New Molecular Entity", "review_priority": "STANDARD"}]


def test_drugsfda_json(shared):
    p = shared("biomcp_api_fixtures", "openfda", "drugsfda_imatinib_20260811.json")
    assert detect(p).name == "openfda-drugsfda"
    [r] = list(drugsfda.parse_json(str(p)))
    assert r.id == "fda:NDA021588" and r.extra["sponsor"] == "NOVARTIS" and r.date == "2003-04-18"
    assert r.extra["products"][0]["active_ingredient"] == "IMATINIB MESYLATE"


def test_drugsfda_helpers():
    assert drugsfda.application_id("NDA", "13263") == "NDA013263"
    assert drugsfda.iso_date("1963-11-15 00:00:00") == "1963-11-15" and drugsfda.iso_date("20030418") == "2003-04-18"
    subs = [{"type": "SUPPL", "status": "AP", "status_date": "1960-01-01"},
            {"type": "ORIG", "status": "TA", "status_date": "1961-01-01"},
            {"type": "ORIG", "status": "AP", "status_date": "1962-05-05"}]
    assert drugsfda.original_approval_date(subs) == "1962-05-05"
    assert json.dumps(drugsfda.original_approval_date([])) == "null"


def test_drugsfda_bad_zip(tmp_path):
    p = tmp_path / "drugsatfda.zip"
    p.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ParseError):
        list(drugsfda.parse_zip(str(p)))
