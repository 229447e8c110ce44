"""Live clients against a loopback fake server: recovery, clear failures, cache, offline, rate limits."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
from fake_api import EFETCH_FILES, FakeApis, shared_root
from lxml import etree

from rxevidence.errors import OfflineError, SourceError
from rxevidence.ingest import default_appraiser
from rxevidence.live import ClientOptions, fetch_for_query, fetch_labels, fetch_pubmed, fetch_trials
from rxevidence.models import ConditionMention, DrugMention, Query
from rxevidence.sources.ctgov_api import CTGovClient
from rxevidence.sources.http import make_http_client
from rxevidence.sources.openfda_api import OpenFDAClient
from rxevidence.sources.pubmed_api import PubMedClient, build_pubmed_term, parse_esearch
from rxevidence.sources.rxnav_api import RxNavClient

FAST = {"pubmed": 1000.0, "openfda": 1000.0, "ctgov": 1000.0, "rxnav": 1000.0}


@pytest.fixture(scope="module")
def apis():
    root = shared_root()
    if root is None:
        pytest.skip("needs ../shared/data/biomcp_api_fixtures and biopython_entrez_medline_samples (not in a fresh clone)")
    a = FakeApis(root)
    yield a
    a.close()


@pytest.fixture
def fake(apis, monkeypatch):
    apis.reset()
    for var in ("NCBI_API_KEY", "OPENFDA_API_KEY", "RXEVIDENCE_OFFLINE", "RXEVIDENCE_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    return apis


@pytest.fixture
def http():
    c = make_http_client()
    yield c
    c.close()


def opts(fake: FakeApis, **kw) -> ClientOptions:
    base = dict(timeout=2.0, max_attempts=3, backoff_base=0.01, rates=dict(FAST), base_urls=fake.base_urls())
    base.update(kw)
    return ClientOptions(**base)


def pmids_of(path) -> list[str]:
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)).getroot()
    return [f"pmid:{p.text}" for p in root.iterfind("PubmedArticle/MedlineCitation/PMID")]


def entrez(name: str):
    return shared_root() / "biopython_entrez_medline_samples" / name


# --------------------------------------------------------------------------- PubMed


def test_pubmed_history_batches_stored_and_appraised(fake, http, store):
    s = fetch_pubmed(store, "diazepam", http=http, max_articles=4, batch_size=2, options=opts(fake))
    expected = pmids_of(entrez(EFETCH_FILES[0])) + pmids_of(entrez(EFETCH_FILES[1]))
    assert s.ids == expected and s.counts.added == 4 and not s.errors
    assert s.total_available == 42249
    search = parse_esearch(entrez("esearch2.xml").read_bytes())
    fetches = fake.pubmed.requests("efetch")
    assert [f.query["retstart"] for f in fetches] == ["0", "2"]
    assert all(f.query["WebEnv"] == search.webenv and f.query["query_key"] == search.query_key for f in fetches)
    es = fake.pubmed.requests("esearch")[0].query
    assert es["usehistory"] == "y" and es["tool"] == "rxevidence" and es["term"] == "diazepam"
    for rid in expected:
        rec = store.get_record(rid)
        assert rec is not None and rec.kind == "article" and rec.provenance.retrieved_at
    if default_appraiser() is not None:
        assert s.appraised == 4 and all(store.get_appraisals(rid) for rid in expected)


def test_pubmed_truncated_batch_stores_nothing_from_it(fake, http, store):
    fake.pubmed.fail("efetch", truncate=True, after=1)  # the second batch comes back cut
    s = fetch_pubmed(store, "x", http=http, max_articles=4, batch_size=2, appraise=False,
                     options=opts(fake), strict=False)
    first, second = pmids_of(entrez(EFETCH_FILES[0])), pmids_of(entrez(EFETCH_FILES[1]))
    assert s.ids == first and store.count("article") == len(first)
    assert not store.has_records(second)
    assert s.errors and "truncated or malformed" in s.errors[0] and "nothing was stored" in s.errors[0]
    # the bad body was not cached: a second run asks again and now stores the batch
    s2 = fetch_pubmed(store, "x", http=http, max_articles=4, batch_size=2, appraise=False, options=opts(fake))
    assert s2.ids == first + second and s2.stats["cache_hits"] == 2  # esearch + first batch
    assert len(fake.pubmed.requests("efetch")) == 3


def test_pubmed_strict_truncation_raises(fake, http, store):
    fake.pubmed.fail("efetch", truncate=True)
    with pytest.raises(SourceError, match="truncated or malformed response from 127.0.0.1"):
        fetch_pubmed(store, "x", http=http, max_articles=2, batch_size=2, appraise=False, options=opts(fake))
    assert store.count() == 0


def test_connection_cut_mid_body_is_retried(fake, http, store):
    fake.pubmed.fail("efetch", cut=True)
    s = fetch_pubmed(store, "x", http=http, max_articles=2, batch_size=2, appraise=False, options=opts(fake))
    assert s.ids == pmids_of(entrez(EFETCH_FILES[0])) and s.stats["retries"] == 1
    assert len(fake.pubmed.requests("efetch")) == 2


def test_pubmed_api_key_raises_rate_and_stays_out_of_messages(fake, http, store, monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", "SECRET123")
    monkeypatch.setenv("RXEVIDENCE_EMAIL", "dev@example.org")
    c = PubMedClient(http, store, base_url=fake.pubmed.url, backoff_base=0.01)
    assert c.rate == 10.0 and c.limiter.rate == pytest.approx(10.0)
    c.esearch("diazepam")
    q = fake.pubmed.requests("esearch")[0].query
    assert q["api_key"] == "SECRET123" and q["email"] == "dev@example.org"
    fake.pubmed.fail("esearch", status=400)
    with pytest.raises(SourceError) as e:
        c.esearch("other")
    assert "SECRET123" not in str(e.value) and "HTTP 400" in str(e.value)
    monkeypatch.delenv("NCBI_API_KEY")
    assert PubMedClient(http, store, base_url=fake.pubmed.url).rate == 3.0


# --------------------------------------------------------------------------- retries


def test_429_retry_after_is_honoured(fake, http, store):
    fake.openfda.fail("label", status=429, headers={"Retry-After": "1"})
    c = OpenFDAClient(http, store, base_url=fake.openfda.url, rate=1000, backoff_base=0.01)
    labels = c.labels("pembrolizumab", limit=5)
    assert len(labels) == 2
    seen = fake.openfda.requests("label")
    assert len(seen) == 2 and seen[1].t - seen[0].t >= 0.95
    assert c.stats.retries == 1


def test_retry_after_too_long_gives_up_clearly(fake, http, store):
    fake.openfda.fail("label", status=503, headers={"Retry-After": "3600"})
    c = OpenFDAClient(http, store, base_url=fake.openfda.url, rate=1000, backoff_base=0.01)
    with pytest.raises(SourceError, match="retry after 3600s"):
        c.labels("pembrolizumab")
    assert len(fake.openfda.requests()) == 1


def test_500_then_success(fake, http, store):
    fake.ctgov.fail("studies", status=500)
    s = fetch_trials(store, condition="Phelan-McDermid Syndrome", http=http, max_pages=1, appraise=False,
                     options=opts(fake))
    assert len(s.ids) == 5 and s.stats["retries"] == 1 and not s.errors


def test_persistent_500_fails_with_clear_error_and_stores_nothing(fake, http, store):
    for _ in range(3):
        fake.ctgov.fail("studies", status=500)
    with pytest.raises(SourceError, match=r"answered HTTP 500 \(gave up after 3 attempts") as e:
        fetch_trials(store, condition="x", http=http, max_pages=1, appraise=False, options=opts(fake))
    assert e.value.http_status == 500
    assert store.count() == 0


def test_timeout_then_success_and_all_timeouts(fake, http, store):
    fake.openfda.fail("label", delay=1.0)
    c = OpenFDAClient(http, store, base_url=fake.openfda.url, rate=1000, timeout=0.3, max_attempts=2,
                      backoff_base=0.01)
    assert len(c.labels("pembrolizumab")) == 2
    fake.openfda.fail("drugsfda", delay=1.0)
    fake.openfda.fail("drugsfda", delay=1.0)
    t0 = time.monotonic()
    with pytest.raises(SourceError, match="timed out after 0.3s") as e:
        c.approvals("imatinib")
    assert "2 attempts" in str(e.value) and time.monotonic() - t0 < 2.5


def test_unreachable_host_fails_fast_with_clear_message(http, store):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = RxNavClient(http, store, base_url=f"http://127.0.0.1:{port}", backoff_base=0.01, max_attempts=5)
    with pytest.raises(SourceError, match="cannot reach 127.0.0.1") as e:
        c.rxcui("diazepam")
    assert "2 attempts" in str(e.value) and c.stats.requests == 2


# --------------------------------------------------------------------------- cache and offline


def test_second_call_served_from_cache_with_age(fake, http, store):
    s1 = fetch_labels(store, "pembrolizumab", http=http, appraise=False, options=opts(fake))
    time.sleep(0.2)
    s2 = fetch_labels(store, "pembrolizumab", http=http, appraise=False, options=opts(fake))
    assert len(fake.openfda.requests("label.json")) == 1 and len(fake.openfda.requests("drugsfda")) == 1
    assert s1.ids == s2.ids and len(s1.ids) == 3
    assert s1.stats["cache_hits"] == 0 and s2.stats["cache_hits"] == 2 and s2.stats["requests"] == 0
    assert 0.2 <= s2.stats["max_cache_age_s"] < 60
    assert s2.counts.unchanged == 3
    # an expired entry is fetched again
    fetch_labels(store, "pembrolizumab", http=http, appraise=False, options=opts(fake, cache_max_age_s=0.05))
    assert len(fake.openfda.requests("label.json")) == 2


def test_not_found_is_an_empty_result(fake, http, store):
    c = OpenFDAClient(http, store, base_url=fake.openfda.url, rate=1000)
    assert c.labels("nosuchdrug") == [] and c.approvals("nosuchdrug") == []


def test_offline_forbids_the_network_but_serves_the_cache(fake, http, store, monkeypatch):
    c = CTGovClient(http, store, base_url=fake.ctgov.url, offline=True)
    with pytest.raises(OfflineError, match="offline mode"):
        next(c.study_pages(condition="x"))
    monkeypatch.setenv("RXEVIDENCE_OFFLINE", "1")
    with pytest.raises(OfflineError):
        RxNavClient(http, store, base_url=fake.rxnav.url).rxcui("diazepam")
    with pytest.raises(OfflineError):
        fetch_pubmed(store, "x", http=http, options=opts(fake))  # offline from the environment
    assert fake.total_requests() == 0
    monkeypatch.delenv("RXEVIDENCE_OFFLINE")
    online = RxNavClient(http, store, base_url=fake.rxnav.url, rate=1000)
    assert online.rxcui("diazepam") == ["3322"]
    cached = RxNavClient(http, store, base_url=fake.rxnav.url, offline=True)
    assert cached.rxcui("diazepam") == ["3322"] and cached.stats.cache_hits == 1
    assert fake.total_requests() == 1


# --------------------------------------------------------------------------- rate limits


def test_rate_limiter_proven_by_server_timestamps(fake, http):
    """7 requests at 3/s from two threads sharing the host limiter take >= 2 s at the server, and no two arrive
    together. (The server stamps arrival, which on a loaded machine lags the granted slot by a varying delay, so
    single gaps are checked against a loose floor; the exact spacing of slots is test_live_term's job.)"""
    clients = [PubMedClient(http, None, base_url=fake.pubmed.url) for _ in range(2)]  # no cache
    assert clients[0].limiter is clients[1].limiter and clients[0].rate == 3.0
    errors: list[BaseException] = []

    def run(c: PubMedClient, n: int) -> None:
        try:
            for k in range(n):
                c.esearch(f"term {k}")
        except BaseException as e:  # surfaced by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(clients[0], 4)), threading.Thread(target=run, args=(clients[1], 3))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    stamps = sorted(s.t for s in fake.pubmed.requests("esearch"))
    assert len(stamps) == 7
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert stamps[-1] - stamps[0] >= 2.0 - 0.05
    assert min(gaps) >= 0.15, gaps


def test_rxnav_resolve_and_classes(fake, http, store):
    c = RxNavClient(http, store, base_url=fake.rxnav.url, rate=1000)
    assert c.resolve("diazepam") == "3322"
    assert c.resolve("diazepan") == "3322"  # approximate match after no exact hit
    assert c.resolve("zzzz") is None
    names = [k.class_name for k in c.classes("diazepam")]
    assert "Benzodiazepine" in names and "Benzodiazepine derivatives" in names


# --------------------------------------------------------------------------- the question entry point


def _query() -> Query:
    return Query(
        text="How effective is Valium for low back pain?",
        drugs=[DrugMention(text="Valium", name="diazepam", synonyms=["Valium"])],
        condition=ConditionMention(text="low back pain", id="low-back-pain", name="low back pain"),
    )


def test_fetch_for_query_end_to_end(fake, http, store):
    q = _query()
    r = fetch_for_query(store, q, client=http, max_articles=2, options=opts(fake))
    assert r.ok, r.errors
    assert r.rxcuis == {"diazepam": "3322"} and "Benzodiazepine" in r.classes["diazepam"]
    assert r.counts["pubmed"] == 2 and r.counts["openfda"] == 3 and r.counts["ctgov"] > 0
    assert store.has_records(r.ids) == set(r.ids)
    es = fake.pubmed.requests("esearch")[0].query
    assert es["term"] == build_pubmed_term(q) == r.pubmed_term
    trials = fake.ctgov.requests("studies")[0].query
    assert trials["query.cond"] == "low back pain" and trials["query.intr"] == "diazepam"
    assert fake.openfda.requests("label")[0].query["search"] == 'openfda.generic_name:"diazepam"'


def test_fetch_for_query_isolates_a_failing_source(fake, http, store):
    for _ in range(3):
        fake.openfda.fail("label", status=502)
    r = fetch_for_query(store, _query(), client=http, max_articles=2, options=opts(fake))
    assert len(r.errors) == 1
    assert r.errors[0].startswith("openfda: 127.0.0.1 answered HTTP 502")
    assert r.errors[0].endswith("answering from the local store")
    assert r.counts["pubmed"] == 2 and r.counts["ctgov"] > 0 and r.counts["openfda"] == 0


def test_fetch_for_query_unreachable_and_offline_never_raise(fake, store):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    o = opts(fake, base_urls=dict.fromkeys(FAST, dead))
    t0 = time.monotonic()
    r = fetch_for_query(store, _query(), client=httpx.Client(), options=o)
    assert time.monotonic() - t0 < 10
    assert {e.split(":")[0] for e in r.errors} == {"rxnav", "pubmed", "openfda", "ctgov"}
    assert all("cannot reach 127.0.0.1" in e and "answering from the local store" in e for e in r.errors)
    r2 = fetch_for_query(store, _query(), client=httpx.Client(), offline=True, options=opts(fake))
    assert r2.offline and len(r2.errors) == 4 and all("offline mode" in e for e in r2.errors)
    assert fake.total_requests() == 0 and store.count() == 0
