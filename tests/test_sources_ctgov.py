"""ClinicalTrials.gov API v2 JSON and legacy XML parsers."""

from __future__ import annotations

import json

import pytest

from rxevidence.errors import ParseError
from rxevidence.models import Record, Skipped
from rxevidence.sources import ctgov
from rxevidence.sources.registry import detect


def test_v2_single_study(shared):
    p = shared("biomcp_api_fixtures", "ctgov", "get_nct02576665_20260811.json")
    assert detect(p).name == "ctgov-v2"
    [r] = list(ctgov.parse_v2(str(p)))
    raw = json.loads(p.read_text())["protocolSection"]
    assert r.id == "nct:NCT02576665" and r.kind == "trial" and r.nct_ids == ["NCT02576665"]
    assert r.title == raw["identificationModule"]["briefTitle"]
    assert r.date == "2016-07" and r.year == 2016
    assert r.extra["status"] == "Terminated" and r.extra["phase"] == "Phase 1"
    assert r.extra["enrollment"] == 21 and r.extra["has_results"] is False
    assert r.extra["conditions"] == raw["conditionsModule"]["conditions"]
    assert r.extra["sponsor"] == "Tocagen Inc." and r.extra["completion_date"] == "2019-12-20"
    assert r.section("brief_summary")


def test_v2_search_page_counts_every_study(shared):
    p = shared("biomcp_api_fixtures", "ctgov", "search_phelan_next_20260811.json")
    raw = json.loads(p.read_text())
    recs = list(ctgov.parse_v2(str(p)))
    assert [r.id for r in recs] == [f"nct:{s['protocolSection']['identificationModule']['nctId']}" for s in raw["studies"]]


def test_v2_full_study_fields():
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT01234567", "briefTitle": "Invented trial"},
            "statusModule": {"overallStatus": "ACTIVE_NOT_RECRUITING", "studyFirstPostDateStruct": {"date": "2019-02-01"}},
            "designModule": {"phases": ["PHASE2", "PHASE3"], "enrollmentInfo": {"count": 120, "type": "ACTUAL"},
                             "designInfo": {"allocation": "RANDOMIZED", "maskingInfo": {"masking": "QUADRUPLE"}}},
            "armsInterventionsModule": {
                "armGroups": [{"label": "Drug X", "type": "EXPERIMENTAL", "interventionNames": ["Drug: X"]},
                              {"label": "Placebo", "type": "PLACEBO_COMPARATOR", "interventionNames": ["Drug: Placebo"]}],
                "interventions": [{"type": "DRUG", "name": "X", "description": "Invented."}]},
            "outcomesModule": {"primaryOutcomes": [{"measure": "Pain intensity", "timeFrame": "2 weeks"}]},
            "referencesModule": {"references": [{"pmid": "99000001", "type": "RESULT"}, {"citation": "no pmid"}]},
        },
        "resultsSection": {"participantFlowModule": {}},
    }
    r = ctgov.parse_v2_study(study)
    assert isinstance(r, Record)
    assert r.date == "2019-02-01"  # no start date: first posted
    assert r.extra["phase"] == "Phase 2/Phase 3" and r.extra["status"] == "Active, not recruiting"
    assert r.extra["allocation"] == "randomized" and r.extra["masking"] == "quadruple"
    assert r.extra["enrollment"] == 120 and r.extra["enrollment_type"] == "actual"
    assert r.extra["has_results"] is True and r.extra["references"] == ["99000001"]
    assert [a["type"] for a in r.extra["arms"]] == ["EXPERIMENTAL", "PLACEBO_COMPARATOR"]
    assert r.section("primary_outcomes") == "Pain intensity [time frame: 2 weeks]"
    assert isinstance(ctgov.parse_v2_study({"protocolSection": {}}), Skipped)
    with pytest.raises(ParseError):
        ctgov.parse_ctgov_study({"protocolSection": {"identificationModule": {"nctId": "bad"}}})


def test_legacy_xml_with_results_and_arms(shared):
    p = shared("clinicaltrials_dhimmel", "sample_xml_legacy", "NCT00708305.xml")
    assert detect(p).name == "ctgov-xml"
    [r] = list(ctgov.parse_xml(str(p)))
    assert r.id == "nct:NCT00708305" and r.extra["has_results"] is True
    assert r.extra["phase"] == "Phase 3" and r.extra["enrollment"] == 65 and r.extra["enrollment_type"] == "actual"
    assert r.extra["allocation"] == "randomized" and r.extra["masking"] == "double"
    assert r.extra["intervention_model"] == "Crossover Assignment"
    assert len(r.extra["arms"]) == 4 and r.extra["arms"][0]["interventions"] == ["Sodium Fluoride (NaF)"]
    assert "Natural Log Transformed" in (r.section("primary_outcomes") or "")
    assert r.extra["first_posted"] == "2008-07-01"


def test_legacy_xml_references_and_dates(shared):
    p = shared("clinicaltrials_dhimmel", "sample_xml_legacy", "NCT00004983.xml")
    [r] = list(ctgov.parse_xml(str(p)))
    assert r.date == "1999-09" and r.extra["completion_date"] == "2006-12"
    assert r.extra["references"][:3] == ["7758387", "1448572", "10531848"]
    assert r.extra["allocation"] == "non-randomized" and r.extra["has_results"] is False


def test_all_legacy_samples_parse(shared):
    d = shared("clinicaltrials_dhimmel", "sample_xml_legacy")
    files = sorted(d.glob("NCT*.xml"))
    recs = [next(iter(ctgov.parse_xml(str(f)))) for f in files]
    assert [r.id for r in recs] == [f"nct:{f.stem}" for f in files]
    assert sum(r.extra["has_results"] for r in recs) == sum(b"<clinical_results>" in f.read_bytes() for f in files)


def test_normalisers():
    assert ctgov.parse_loose_date("July 1, 2008") == "2008-07-01"
    assert ctgov.parse_loose_date("September 1999") == "1999-09"
    assert ctgov.norm_masking("None (Open Label)") == "none"
    assert ctgov.norm_phase(["NA"]) == "N/A"


def test_truncated_v2_json_is_a_parse_error(tmp_path, shared):
    data = shared("biomcp_api_fixtures", "ctgov", "search_phelan_limit5_20260811.json").read_bytes()
    p = tmp_path / "page.json"
    p.write_bytes(data[:-200])
    with pytest.raises(ParseError) as ei:
        list(ctgov.parse_v2(str(p)))
    assert "line" in (ei.value.position or "")
