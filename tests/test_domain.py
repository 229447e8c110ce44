"""Domain words and record ids: one table each, consistent with the JSON contract."""

from __future__ import annotations

from typing import get_args

import pytest

from rxevidence import domain, ids
from rxevidence.models import Brief, RegulatoryRow


def test_design_table_covers_every_design_and_keeps_the_documented_order():
    assert set(domain.DESIGN) == set(domain.DESIGNS)
    assert domain.DESIGNS[0] == "meta-analysis" and domain.DESIGNS[-1] == "other"
    ranks = [domain.design_rank(d) for d in domain.DESIGN]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert domain.design_rank("no such design") == domain.UNRANKED


@pytest.mark.parametrize("design", ["meta-analysis", "systematic review"])
def test_reviews(design):
    assert domain.is_review(design) and domain.is_randomised(design) and domain.is_effect_design(design)


def test_predicates_on_primary_designs():
    assert not domain.is_review("rct") and domain.is_randomised("rct")
    assert domain.is_effect_design("cohort") and not domain.is_randomised("cohort")
    assert not domain.is_effect_design("animal") and not domain.is_effect_design(None)
    assert not domain.is_comparative("narrative review") and domain.is_comparative("rct")
    assert domain.is_comparative("unknown design")  # unknown designs are not silenced
    assert domain.design_weight("rct") == 2.0 and domain.design_weight("animal") == 0.0


def test_design_names_and_plurals():
    assert domain.design_name("rct") == "randomised controlled trial"
    assert domain.design_name("rct", 2) == "randomised controlled trials"
    assert domain.design_name("meta-analysis", 3) == "meta-analyses"
    assert domain.design_name("cohort", 2) == "cohorts"


def test_case_series_plural_is_case_series():
    """Bug fix: two case series were "case seriess"."""
    assert domain.design_name("case series", 2) == "case series"


def test_json_contract_values():
    assert domain.VERDICTS == ("effective", "probably effective", "mixed/uncertain", "probably ineffective",
                               "ineffective", "insufficient evidence")
    assert domain.CERTAINTIES == ("high", "moderate", "low", "very low")
    assert domain.REGULATORY_STATUSES == ("on-label", "off-label", "recommended", "not recommended",
                                          "no position found")
    assert list(domain.JURISDICTIONS) == ["US FDA", "UK NICE/NHS", "EU EMA"]
    assert domain.AUDIT_VERDICTS == ("supported", "partly supported", "contradicted", "unverifiable")
    # the models use the same types
    assert set(get_args(Brief.model_fields["verdict"].annotation)) == set(domain.VERDICTS)
    assert set(get_args(RegulatoryRow.model_fields["status"].annotation)) == set(domain.REGULATORY_STATUSES)


def test_jurisdictions_named_in_text():
    assert domain.jurisdictions_named("The FDA and NICE disagree") == ["US FDA", "UK NICE/NHS"]
    assert domain.jurisdictions_named("nothing here") == []


def test_pain_dimension_labels():
    assert set(domain.PAIN_DIMENSION) == set(domain.PAIN_DIMENSIONS)
    assert domain.dimension_label("unpleasantness") == "pain unpleasantness (affective)"
    assert domain.dimension_label(None) == "main outcome"
    assert domain.dimension_label("something new") == "something new"


@pytest.mark.parametrize("text,expected", [
    ("pmid:28187918", "pmid:28187918"),
    ("PMID 28187918", "pmid:28187918"),
    ("PMID:28187918", "pmid:28187918"),
    ("28187918", "pmid:28187918"),
    ("NCT01234567", "nct:NCT01234567"),
    ("nct:nct01234567", "nct:NCT01234567"),
    ("SPL:abc-def", "spl:abc-def"),
    ("fda:NDA013263", "fda:NDA013263"),
    (" doi:10.1000/x ", "doi:10.1000/x"),
    ("something else", "something else"),
])
def test_normalise_id(text, expected):
    assert ids.normalise_id(text) == expected


def test_record_urls_and_labels():
    assert ids.record_url("nct:NCT01234567") == "https://clinicaltrials.gov/study/NCT01234567"
    assert ids.record_url("fda:NDA013263").endswith("ApplNo=013263")
    assert ids.record_url("https://nice.org.uk/x") == "https://nice.org.uk/x"
    assert ids.record_url("ext:abc") is None and ids.record_url("nothing") is None
    assert ids.citation_label("pmid:1") == "PMID 1" and ids.citation_label("zzz") == "zzz"
    assert ids.is_record_id("spl:x") and not ids.is_record_id("https://x")
    assert set(ids.RECORD_PREFIXES) == {f"{p}:" for p in ids.PREFIXES}


def test_old_homes_still_export_the_names():
    from rxevidence.models import DESIGNS, DIRECTIONS, record_url
    from rxevidence.retrieve import normalise_id

    assert DESIGNS == domain.DESIGNS and DIRECTIONS == domain.DIRECTIONS
    assert record_url is ids.record_url and normalise_id is ids.normalise_id


def test_sentence_claims_are_typed_and_serialise_only_what_is_set():
    from rxevidence.models import Claims, Sentence

    s = Sentence(text="x", citations=["pmid:1"], claims={"direction": "better", "design": "rct", "n": 60})
    assert isinstance(s.claims, Claims) and s.claims.n == 60
    assert s.model_dump(mode="json")["claims"] == {"direction": "better", "design": "rct", "n": 60}
    assert list(s.model_dump(mode="json")["claims"]) == ["direction", "design", "n"]
    assert Sentence(text="y").model_dump()["claims"] == {}
    assert Claims(designs={"rct": 2}, n_total=0).model_dump() == {"designs": {"rct": 2}, "n_total": 0}
    # the old dict-style reads keep working
    assert "n" in s.claims and s.claims["n"] == 60 and s.claims.get("absence", False) is False
    assert "status" not in s.claims
    # a brief read back from its JSON is the same brief
    again = Sentence.model_validate_json(s.model_dump_json())
    assert again == s


def test_models_package_keeps_every_public_name():
    import rxevidence.models as m

    for name in ["Appraisal", "Arm", "Brief", "CombinationRow", "ConditionMention", "DESIGNS", "DIRECTIONS",
                 "Deletion", "Direction", "DrugMention", "DrugPanel", "Harm", "MatrixRow", "MeshHeading",
                 "OutcomeResult", "PainDimension", "Population", "Provenance", "Query", "Record", "RecordKind",
                 "RegulatoryDetail", "RegulatoryRow", "Section", "Sentence", "Skipped", "StudySummary",
                 "Suggestion", "VocabTerm", "record_url"]:
        assert hasattr(m, name), name
    assert sorted(m.__all__) == sorted(set(m.__all__))
    from rxevidence.audit import AuditReport, Claim

    assert AuditReport is m.AuditReport and Claim is m.Claim
