"""Pure parts of the live clients: the PubMed term builder, Retry-After, the limiter, body parsers."""

from __future__ import annotations

import email.utils
import json
import threading
import time

import pytest

from rxevidence.errors import InputError, ParseError, SourceError
from rxevidence.models import ConditionMention, DrugMention, Query
from rxevidence.sources.ctgov_api import parse_page, study_converter
from rxevidence.sources.http import RateLimiter, limiter_for, parse_retry_after, safe_url
from rxevidence.sources.openfda_api import label_converter, parse_results
from rxevidence.sources.pubmed_api import (
    HUMANS_FILTER,
    build_pubmed_term,
    parse_efetch,
    parse_esearch,
)
from rxevidence.sources.rxnav_api import parse_approximate, parse_classes, parse_rxcui


def _query(**kw) -> Query:
    base = dict(
        text="How effective is Valium for low back pain?",
        drugs=[DrugMention(text="Valium", name="diazepam", synonyms=["Valium", "diazepam", 'Stesolid"'])],
        condition=ConditionMention(
            text="low back pain", id="low-back-pain", name="low back pain",
            synonyms=["lumbago"], narrower=["acute-low-back-pain", "sciatica", "mesh:D012585"],
        ),
    )
    base.update(kw)
    return Query(**base)


def _balanced(term: str) -> bool:
    depth = 0
    for ch in term:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0 and term.count('"') % 2 == 0


def test_term_has_drug_synonyms_condition_mesh_and_filters():
    term = build_pubmed_term(_query())
    drug, _, rest = term.partition(" AND ")
    assert '"diazepam"[tiab]' in drug and '"Valium"[tiab]' in drug and '"diazepam"[MeSH Terms]' in drug
    assert drug.count('"diazepam"[tiab]') == 1  # synonyms deduplicated case-insensitively
    assert '"Stesolid"[tiab]' in drug  # a stray quote in user data cannot break the query
    assert '"low back pain"[MeSH Terms]' in rest and '"lumbago"[tiab]' in rest
    assert '"acute low back pain"[tiab]' in rest and '"sciatica"[tiab]' in rest
    assert "D012585" not in rest  # MeSH-id concepts are not text words
    assert "randomized controlled trial[pt]" in rest and "meta-analysis[pt]" in rest
    assert term.endswith(HUMANS_FILTER)
    assert _balanced(term)


def test_term_caps_long_synonym_lists():
    cond = ConditionMention(text="low back pain", id="low-back-pain", name="low back pain",
                            narrower=["sciatica"], synonyms=[f"synonym {i}" for i in range(60)])
    term = build_pubmed_term(_query(condition=cond), humans=False, studies=False)
    assert '"sciatica"[tiab]' in term  # narrower concepts come before the long tail of synonyms
    assert '"synonym 5"[tiab]' in term and '"synonym 40"' not in term
    assert len(term) < 1000


def test_term_filters_can_be_dropped_and_condition_is_optional():
    term = build_pubmed_term(_query(condition=None), humans=False, studies=False)
    assert term == '("diazepam"[tiab] OR "Valium"[tiab] OR "Stesolid"[tiab] OR "diazepam"[MeSH Terms])'


def test_term_combination_ands_the_drugs_single_ors_them():
    drugs = [DrugMention(text="diazepam", name="diazepam"), DrugMention(text="ibuprofen", name="ibuprofen")]
    combo = build_pubmed_term(_query(drugs=drugs, relation="combination"), humans=False, studies=False)
    single = build_pubmed_term(_query(drugs=drugs, relation="single"), humans=False, studies=False)
    assert ') AND ("ibuprofen"[tiab]' in combo
    assert ') OR ("ibuprofen"[tiab]' in single
    assert _balanced(combo) and _balanced(single)


def test_term_class_uses_members():
    cls = DrugMention(text="benzodiazepines", name="benzodiazepine", is_class=True, members=["diazepam", "lorazepam"])
    term = build_pubmed_term(_query(drugs=[cls]), humans=False, studies=False)
    assert '"lorazepam"[tiab]' in term and '"benzodiazepine"[MeSH Terms]' in term


def test_term_without_drug_is_an_input_error():
    with pytest.raises(InputError, match="names no drug"):
        build_pubmed_term(_query(drugs=[]))


def test_retry_after_seconds_date_and_garbage():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 0 ") == 0.0
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert 28.0 <= parse_retry_after(date, now=now) <= 31.0
    assert parse_retry_after(email.utils.formatdate(now - 100, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_safe_url_hides_secrets_and_sorts():
    u = safe_url("https://x/y", {"term": "a b", "api_key": "SECRET", "email": "me@x", "db": "pubmed", "n": None})
    assert u == "https://x/y?db=pubmed&term=a+b"


def test_rate_limiter_spaces_threads():
    """The slots the limiter grants are one interval apart, in order, and no caller goes on before its slot.
    (Checked on the granted slots, not on when each thread got the CPU back afterwards: on a loaded machine a
    thread may resume late, which says nothing about the limiter.)"""

    class Recording(RateLimiter):
        def __init__(self, rate: float) -> None:
            super().__init__(rate)
            self.slots: list[float] = []
            self.mine = threading.local()

        def _reserve(self) -> tuple[float, float]:
            slot, now = super()._reserve()
            self.slots.append(slot)
            self.mine.slot = slot
            return slot, now

    lim = Recording(20.0)  # 50 ms apart
    early: list[float] = []

    def worker() -> None:
        for _ in range(4):
            lim.acquire()
            went_on = time.monotonic()
            if went_on < lim.mine.slot:
                early.append(lim.mine.slot - went_on)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slots = sorted(lim.slots)
    gaps = [b - a for a, b in zip(slots, slots[1:], strict=False)]
    assert len(slots) == 12
    assert min(gaps) >= 0.05 - 1e-9
    assert slots[-1] - slots[0] >= 11 * 0.05 - 1e-9
    assert not early, early  # nobody proceeds before the slot it was given


def test_rate_limiter_defer_holds_everyone_back():
    lim = RateLimiter(1000.0)
    lim.acquire()
    lim.defer(0.3)
    t0 = time.monotonic()
    lim.acquire()
    assert time.monotonic() - t0 >= 0.28


def test_limiter_registry_is_per_host():
    a = limiter_for("unit-test-host-a:1", 5.0)
    assert limiter_for("unit-test-host-a:1", 5.0) is a
    assert limiter_for("unit-test-host-b:1", 5.0) is not a
    limiter_for("unit-test-host-a:1", 10.0)
    assert a.rate == pytest.approx(10.0)


# --------------------------------------------------------------------------- parsers on real bodies


def test_parse_esearch_xml_history(shared):
    body = shared("biopython_entrez_medline_samples", "esearch2.xml").read_bytes()
    r = parse_esearch(body)
    assert r.count == 42249 and r.query_key == "1" and r.webenv and r.webenv.startswith("MCID_")
    assert len(r.ids) == 100 and r.ids[0] == "41297076"


def test_parse_esearch_json(shared):
    r = parse_esearch(shared("biomcp_api_fixtures", "pubmed", "esearch_braf.json").read_bytes())
    assert r.count == 2 and r.ids == ["123", "456"] and r.webenv is None


def test_parse_esearch_error_and_garbage():
    with pytest.raises(SourceError, match="Invalid"):
        parse_esearch(b'{"esearchresult": {"ERROR": "Invalid query syntax"}}')
    with pytest.raises(ParseError):
        parse_esearch(b"<eSearchResult><Count>3</Count><IdList><Id>1")


def test_parse_efetch_whole_and_truncated(shared):
    body = shared("biomcp_api_fixtures", "pubmed", "efetch_citation_22663011.xml").read_bytes()
    items = parse_efetch(body, source="test")
    assert [i.id for i in items] == ["pmid:22663011"]
    assert items[0].title
    with pytest.raises(ParseError, match="truncated"):
        parse_efetch(body[: len(body) // 2], source="test")
    with pytest.raises(ParseError, match="PubmedArticleSet"):
        parse_efetch(b"<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>", source="t")


def test_parse_efetch_does_not_resolve_entities():
    evil = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b"<PubmedArticleSet>&e;</PubmedArticleSet>")
    try:
        items = parse_efetch(evil, source="t")
    except ParseError:
        return
    assert items == []


def test_openfda_page_and_not_found(shared):
    body = shared("biomcp_api_fixtures", "openfda", "label_keytruda_20260811.json").read_bytes()
    records, total = parse_results(body, label_converter(), source="t")
    assert total == 2
    assert [r.id for r in records] == [
        "spl:097d166f-b73b-41d3-9b37-7653cd2a0c41", "spl:9333c79b-d487-4538-a9f0-71b91a02b287"]
    assert parse_results(b'{"error": {"code": "NOT_FOUND", "message": "No matches found!"}}',
                         label_converter(), source="t") == ([], 0)
    with pytest.raises(ParseError):
        parse_results(body[:-40], label_converter(), source="t")
    with pytest.raises(SourceError, match="BAD_REQUEST"):
        parse_results(b'{"error": {"code": "BAD_REQUEST", "message": "Invalid search"}}', label_converter(), source="t")


def test_ctgov_page_with_token(shared):
    body = shared("biomcp_api_fixtures", "ctgov", "search_phelan_limit5_20260811.json").read_bytes()
    page = parse_page(body, study_converter(), source="t")
    assert page.total == 21 and page.next_token and len(page.records) == 5
    first = page.records[0]
    assert first.id == "nct:NCT02710084" and first.kind == "trial"
    with pytest.raises(ParseError):
        parse_page(body[: len(body) // 2], study_converter(), source="t")


def test_rxnav_parsers():
    assert parse_rxcui(b'{"idGroup": {"name": "diazepam", "rxnormId": ["3322"]}}') == ["3322"]
    assert parse_rxcui(b'{"idGroup": {"name": "nothing"}}') == []
    m = parse_approximate(b'{"approximateGroup": {"candidate": [{"rxcui": "3322", "score": "9.1", "rank": "1"},'
                          b' {"rxcui": "3322", "score": "9.1", "rank": "1"}]}}')
    assert len(m) == 1 and m[0].rxcui == "3322" and m[0].score == pytest.approx(9.1)
    c = parse_classes(b'{"rxclassDrugInfoList": {"rxclassDrugInfo": [{"minConcept": {"rxcui": "3322"},'
                      b' "rxclassMinConceptItem": {"classId": "N05BA", "className": "Benzodiazepine derivatives",'
                      b' "classType": "ATC1-4"}, "rela": "", "relaSource": "ATCPROD"}]}}')
    assert c[0].class_name == "Benzodiazepine derivatives" and c[0].rela is None and c[0].rxcui == "3322"
    assert parse_classes(b"{}") == []
    with pytest.raises(ParseError):
        parse_rxcui(b'{"idGroup": ')


def test_ctgov_study_without_id_is_skipped_not_fatal(shared):
    body = json.loads(shared("biomcp_api_fixtures", "ctgov", "search_phelan_limit5_20260811.json").read_bytes())
    del body["studies"][1]["protocolSection"]["identificationModule"]["nctId"]
    page = parse_page(json.dumps(body).encode(), study_converter(), source="t")
    kinds = [type(r).__name__ for r in page.records]
    assert kinds == ["Record", "Skipped", "Record", "Record", "Record"]
