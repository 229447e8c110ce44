"""The live label wins: a label in the store (ingested real SPL, or fetched from openFDA) settles the US FDA row,
the brand or reference label is read first, the row cites its DailyMed set id, version and date, and that id
resolves."""

from __future__ import annotations

import pytest
from fake_api import FakeApis, shared_root

from rxevidence.ask import ask
from rxevidence.ingest import ingest_paths
from rxevidence.labelfacts.live import preferred_labels
from rxevidence.live import ClientOptions, fetch_labels
from rxevidence.sources.http import make_http_client
from rxevidence.store import SQLiteStore

HUMIRA = "608d4f0d-b19f-46d3-749a-7159aa5f933d"
VIAGRA = "0b0be196-0c62-461c-94f4-9a35339b4501"


@pytest.fixture(scope="module")
def labelled_store(tmp_path_factory):
    root = shared_root()
    if root is None:
        pytest.skip("needs ../shared/data (real SPL labels are read in place)")
    spl = root / "openfda_repo_samples" / "spl_xml"
    s = SQLiteStore(str(tmp_path_factory.mktemp("live") / "s.db"))
    ingest_paths(s, [spl / "humira.xml", spl / "viagra-64f8040f-938d-4236-8e22-c838c9b5f8da.xml"])
    yield s
    s.close()


def fda(store, question):
    return next(r for r in ask(question, store=store).regulatory if r.jurisdiction == "US FDA")


def test_the_label_in_the_store_settles_the_row_and_cites_set_id_version_and_date(labelled_store):
    row = fda(labelled_store, "How effective is adalimumab for Crohn disease?")
    assert row.status == "on-label", row.note
    assert row.source.endswith(f"setid={HUMIRA}")
    assert "version 1560" in row.source_name and "2013-09-30" in row.source_name and row.date == "2013-09-30"
    assert labelled_store.get_record(f"spl:{HUMIRA}") is not None  # the cited id resolves


def test_a_use_the_current_label_does_not_list_is_off_label_citing_it(labelled_store):
    row = fda(labelled_store, "How effective is adalimumab for asthma?")
    assert row.status == "off-label" and row.source.endswith(f"setid={HUMIRA}"), row.note
    assert "does not list" in row.note


def test_another_products_label_is_not_hidden_by_the_fetched_one(labelled_store):
    # the store holds Viagra (erectile dysfunction); Revatio's label lists pulmonary arterial hypertension
    row = fda(labelled_store, "How effective is sildenafil for pulmonary arterial hypertension?")
    assert row.status == "on-label", row.note
    assert f"set id {VIAGRA}" in row.note and "does not list it" in row.note
    assert fda(labelled_store, "How effective is sildenafil for erectile dysfunction?").source.endswith(VIAGRA)


def test_fetched_openfda_labels_prefer_the_drugs_own_brand_label(tmp_path, monkeypatch):
    root = shared_root()
    if root is None:
        pytest.skip("needs ../shared/data/biomcp_api_fixtures")
    apis = FakeApis(root)
    monkeypatch.delenv("OPENFDA_API_KEY", raising=False)
    http = make_http_client()
    try:
        store = SQLiteStore(str(tmp_path / "s.db"))
        fetch_labels(store, "pembrolizumab", http=http, appraise=False, approvals=False,
                     options=ClientOptions(timeout=2.0, max_attempts=2, backoff_base=0.01,
                                           rates={"openfda": 1000.0}, base_urls=apis.base_urls()))
        labels = [store.get_record(h.id) for h in store.search_terms([["pembrolizumab"]], kind="label", limit=10)]
        first = preferred_labels([r for r in labels if r], "pembrolizumab")[0]
        # the recorded response holds KEYTRUDA and KEYTRUDA QLEX (pembrolizumab with berahyaluronidase alfa)
        assert first.set_id == "9333c79b-d487-4538-a9f0-71b91a02b287", [r.title for r in labels if r]
    finally:
        http.close()
        apis.close()
