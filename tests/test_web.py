"""The web app in-process (fastapi TestClient): every route, the one error shape, limits, headers, escaping."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from rxevidence.errors import ValidationFailed
from rxevidence.models import Appraisal, Brief, Record, Section, StudySummary

QUESTION = "How effective is diazepam for pain?"
HOSTILE = '<script>alert(1)</script>" onmouseover="alert(2)'
AUDIT_TEXT = ("Diazepam is effective for low back pain. The FDA approved diazepam for muscle spasm. "
              "Studies show diazepam did not help sciatica.")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("web") / "web.db")


BASE = "https://rx.example"


@pytest.fixture(scope="module")
def client(db, tmp_path_factory):
    from rxevidence.web import WebSettings, create_app

    settings = WebSettings(base_url=BASE, audit_dir=tmp_path_factory.mktemp("audits"))
    app = create_app(db, settings=settings, audit_processes=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def brief_json(client) -> dict:
    r = client.get("/api/ask", params={"q": QUESTION})
    assert r.status_code == 200
    return r.json()


def assert_canonical_error(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"ok", "error", "errors", "status"}, body
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], list) and all(isinstance(e, str) for e in body["errors"]) and body["errors"]
    assert "Traceback" not in r.text and 'File "' not in r.text
    return body


def assert_security_headers(r) -> None:
    csp = r.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert r.headers.get("x-content-type-options") == "nosniff"
    assert r.headers.get("referrer-policy")


# ------------------------------------------------------------------ pages


def test_home_has_labelled_question_box_and_examples(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert_security_headers(r)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp
    html = r.text
    assert re.search(r'<label for="q">[^<]+</label>', html) and 'id="q" name="q"' in html
    examples = re.findall(r'href="/ask\?q=([^"]+)"', html)
    assert len(examples) >= 3
    assert '<main id="main"' in html and 'class="skip-link" href="#main"' in html
    # CSP-compatible: no inline style or script
    assert "<style" not in html and "style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    # the examples are questions the app can answer
    first = client.get("/ask?q=" + examples[0])
    assert first.status_code == 200


def test_brief_page_sections_chart_and_citations(client, brief_json):
    r = client.get("/ask", params={"q": QUESTION})
    assert r.status_code == 200
    html = r.text
    for anchor in ('id="drug"', 'id="regulatory"', 'id="evidence"', 'id="harms"', 'id="studies"',
                   'id="bottom-line"', 'class="verdict-banner'):
        assert anchor in html, anchor
    # sections in the brief's order
    order = [html.index(f'id="{s}"') for s in ("drug", "regulatory", "evidence", "harms", "studies", "bottom-line")]
    assert order == sorted(order)
    assert f'<p class="verdict">{brief_json["verdict"]}</p>' in html
    assert brief_json["disclaimer"] in html
    # permalink: from the configured base URL, never from the Host header
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
    assert canonical == BASE + "/ask?q=How+effective+is+diazepam+for+pain%3F"
    assert f'class="copy-link" href="{canonical}"' in html
    spoofed = client.get("/ask", params={"q": QUESTION}, headers={"host": "evil.example"}).text
    assert "evil.example" not in spoofed and canonical in spoofed
    # the chart, in both layouts: one mark per study, each a link to its table row with the details
    for layout in ("wide", "narrow"):
        svg = re.search(rf'<svg class="chart-{layout}".*?</svg>', html, re.S).group(0)
        links = re.findall(r'<a class="mark-link" href="#(study-[^"]+)" aria-label="([^"]+)"', svg)
        assert len(links) == len(brief_json["studies"])
        assert {a for a, _ in links} == {"study-" + s["id"].replace(":", "-") for s in brief_json["studies"]}
        assert len(re.findall(r"<title>", svg)) == len(brief_json["studies"])
    # every study id appears in the table, linked to its public page
    for s in brief_json["studies"]:
        assert f'id="study-{s["id"].replace(":", "-")}"' in html
    hrefs = set(re.findall(r'class="cite" href="([^"]+)"', html))
    assert any(h.startswith("https://pubmed.ncbi.nlm.nih.gov/") for h in hrefs)
    assert any(h.startswith("https://dailymed.nlm.nih.gov/") for h in hrefs)
    nct = [s["id"] for s in brief_json["studies"] if s["id"].startswith("nct:")]
    for i in nct:
        assert f'https://clinicaltrials.gov/study/{i[4:]}' in hrefs


def test_study_filters_server_side(client, brief_json):
    studies = brief_json["studies"]
    design = studies[0]["design"]
    r = client.get("/ask", params={"q": QUESTION, "design": design})
    rows = re.findall(r'<tr id="study-([^"]+)"', r.text)
    assert sorted(rows) == sorted(s["id"].replace(":", "-") for s in studies if s["design"] == design)
    assert f"Showing {len(rows)} of {len(studies)}" in r.text
    r = client.get("/ask", params={"q": QUESTION, "direction": "better"})
    rows = re.findall(r'<tr id="study-([^"]+)"', r.text)
    assert len(rows) == sum(1 for s in studies if s["direction"] == "better")
    years = sorted(s["year"] for s in studies if s["year"])
    mid = years[len(years) // 2]
    r = client.get("/ask", params={"q": QUESTION, "year_from": str(mid)})
    assert len(re.findall(r'<tr id="study-', r.text)) == sum(1 for y in years if y >= mid)
    r = client.get("/ask", params={"q": QUESTION, "population": "healthy"})
    assert len(re.findall(r'<tr id="study-', r.text)) == sum(1 for s in studies if s["healthy_volunteers"])
    # bad filter values are a clear 4xx page, not a crash
    r = client.get("/ask", params={"q": QUESTION, "design": "astrology"})
    assert r.status_code == 400 and "Unknown design" in r.text
    r = client.get("/ask", params={"q": QUESTION, "year_from": "19x"})
    assert r.status_code == 400 and "year_from" in r.text


def test_ask_without_question_redirects_home(client):
    r = client.get("/ask", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_record_page_and_json(client, brief_json):
    sid = next(s["id"] for s in brief_json["studies"] if s["id"].startswith("pmid:"))
    r = client.get(f"/records/{sid}")
    assert r.status_code == 200 and "Appraisal" in r.text
    assert f'href="https://pubmed.ncbi.nlm.nih.gov/{sid[5:]}/"' in r.text
    j = client.get(f"/api/records/{sid}").json()
    assert j["id"] == sid and j["url"].startswith("https://pubmed") and j["appraisals"]
    assert j["appraisal"] == j["appraisals"][0]
    # a bare PMID is normalised
    assert client.get(f"/api/records/{sid[5:]}").json()["id"] == sid
    r = client.get("/records/pmid:1")
    assert r.status_code == 404 and "No record" in r.text and r.headers["content-type"].startswith("text/html")


def test_audit_page_highlights_each_claim(client):
    assert client.get("/audit").status_code == 200
    api = client.post("/api/audit", json={"text": AUDIT_TEXT, "format": "text"}).json()
    r = client.post("/audit", data={"text": AUDIT_TEXT, "format": "text"})
    assert r.status_code == 200
    marks = re.findall(r'<a class="claim v-([a-z-]+)"[^>]*><mark>([^<]+)</mark>', r.text)
    assert len(marks) == len(api["claims"]) >= 2
    for (cls, text), claim in zip(marks, sorted(api["claims"], key=lambda c: c["start"]), strict=True):
        assert cls == claim["verdict"].replace(" ", "-") and text == claim["text"]
    assert "Reporting checks" in r.text and "Contradictions" in r.text


# ------------------------------------------------------------------ API


def test_api_ask_equals_cli_json(client, db, brief_json):
    from typer.testing import CliRunner

    from rxevidence.cli import app

    res = CliRunner().invoke(app, ["ask", QUESTION, "--format", "json", "--db", db])
    assert res.exit_code == 0, res.output
    cli = json.loads(res.stdout)
    api = dict(brief_json)
    cli.pop("as_of")
    api.pop("as_of")
    assert api == cli
    assert api["verdict"] and api["studies"] and api["sentences"]
    twin = client.get("/ask.json", params={"q": QUESTION}).json()
    assert twin == brief_json


def test_api_parse(client):
    q = client.get("/api/parse", params={"q": "Does Valium help low back pain?"}).json()
    assert q["drugs"][0]["name"] == "diazepam"
    assert q["condition"]["id"] == "low-back-pain"


def test_api_search(client):
    r = client.get("/api/search", params={"q": "diazepam naproxen", "limit": 5})
    body = r.json()
    assert body["count"] == len(body["results"]) <= 5
    assert "pmid:28187918" in [h["id"] for h in body["results"]]
    assert all(h["url"] for h in body["results"] if h["id"].startswith("pmid:"))
    labels = client.get("/api/search", params={"q": "diazepam", "kind": "label"}).json()["results"]
    assert all(h["kind"] == "label" for h in labels)


def test_api_audit_json_raw_and_html(client):
    j = client.post("/api/audit", json={"text": AUDIT_TEXT}).json()
    verdicts = {c["verdict"] for c in j["claims"]}
    assert verdicts and verdicts <= {"supported", "partly supported", "contradicted", "unverifiable"}
    assert all({"text", "verdict", "evidence", "reason"} <= set(c) for c in j["claims"])
    assert isinstance(j["contradictions"], list)
    raw = client.post("/api/audit", content=AUDIT_TEXT, headers={"content-type": "text/plain"}).json()
    assert [c["text"] for c in raw["claims"]] == [c["text"] for c in j["claims"]]
    html = "<html><body><h1>News</h1><p>" + AUDIT_TEXT + "</p><script>evil()</script></body></html>"
    h = client.post("/api/audit", json={"text": html, "format": "html"}).json()
    assert h["title"] == "News" and "evil" not in h["text"]
    assert [c["verdict"] for c in h["claims"]] == [c["verdict"] for c in j["claims"]]


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/parse", "/api/ask", "/api/audit", "/api/search", "/api/records/{record_id}"):
        assert p in paths, p


# ------------------------------------------------------------------ errors, limits, headers


def test_error_shape_on_every_api_error_path(client, monkeypatch):
    big = "x" * 200_001
    cases = [
        ("GET", "/api/ask", None, 422),  # missing q
        ("GET", "/api/ask?q=%20", None, 422),  # blank question (the schema says: non-blank)
        ("GET", "/api/ask?q=" + "a" * 501, None, 422),  # too long
        ("GET", "/api/ask?q=How+effective+is+xyzzyq+for+pain", None, 400),  # no drug
        ("GET", "/api/parse", None, 422),
        ("GET", "/api/records/pmid:1", None, 404),
        ("GET", "/api/search?q=pain&limit=0", None, 422),
        ("GET", "/api/search?q=pain&kind=bogus", None, 422),
        ("GET", "/api/nope", None, 404),
        ("POST", "/api/ask?q=x", None, 405),
        ("POST", "/api/audit", {"json": {"text": big}}, 413),
        ("POST", "/api/audit", {"content": b"y" * 1_000_001}, 413),  # body limit
        ("POST", "/api/audit", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 400),
        ("POST", "/api/audit", {"json": {"text": 1}}, 422),
        ("POST", "/api/audit", {"json": {"text": "Diazepam helps.", "format": "pdf"}}, 422),
        ("POST", "/api/audit", {"json": {"text": "   "}}, 400),
        ("POST", "/api/audit", {"content": b"Diazepam helps.", "headers": {"content-type": "application/pdf"}}, 415),
        ("POST", "/api/audit", {"content": b"Diazepam helps.", "headers": {"content-type": "text/plain; charset=x-nope"}},
         415),
        ("POST", "/api/audit", {"content": b"\xff\xfe\xfa", "headers": {"content-type": "text/plain"}}, 400),
        ("POST", "/api/audit", {"data": {"format": "md"}}, 422),  # a form without text
        ("GET", "/api/audit/" + "0" * 32, None, 404),
        ("GET", "/api/audit/not-a-hash", None, 422),
        ("PUT", "/api/audit", None, 405),
    ]
    for method, url, kw, status in cases:
        r = client.request(method, url, **(kw or {}))
        assert_canonical_error(r, status)
        assert_security_headers(r)
        if status == 405:
            assert "GET" in r.headers["allow"] or "POST" in r.headers["allow"]
    assert "must not be blank" in client.get("/api/ask?q=%20").json()["error"]

    # 429: the audit pool is full
    pool = client.app.state.services.pool
    pool.inflight, saved = pool.capacity, pool.inflight
    try:
        r = client.post("/api/audit", json={"text": AUDIT_TEXT + " (busy)"})
        assert_canonical_error(r, 429)
        assert int(r.headers["retry-after"]) >= 1
    finally:
        pool.inflight = saved

    import importlib

    ask_mod = importlib.import_module("rxevidence.ask")  # the module (the package re-exports the function)

    def fail_validation(*a, **k):
        raise ValidationFailed("brief invalid", ["sentence 3 cites pmid:1 which is not in the store"])

    monkeypatch.setattr(ask_mod, "ask", fail_validation)
    body = assert_canonical_error(client.get("/api/ask", params={"q": "Is diazepam good for tmd?"}), 500)
    assert "validation" in body["error"] and "pmid:1" in body["errors"][0]

    def crash(*a, **k):
        raise RuntimeError("secret internals at /etc/shadow")

    monkeypatch.setattr(ask_mod, "ask", crash)
    r = client.get("/api/ask", params={"q": "Is diazepam good for sciatica?"})
    body = assert_canonical_error(r, 500)
    assert "secret" not in r.text and body["error"].startswith("Internal error")
    assert_security_headers(r)
    page = client.get("/ask", params={"q": "Is diazepam good for sciatica?"})
    assert page.status_code == 500 and "secret" not in page.text and "<h1" in page.text
    assert_security_headers(page)


def test_html_limits(client):
    r = client.get("/ask", params={"q": "a" * 501})
    assert r.status_code == 422 and "too long" in r.text and r.headers["content-type"].startswith("text/html")
    r = client.post("/audit", data={"text": "z" * 200_001})
    assert r.status_code == 413 and "too long" in r.text
    r = client.post("/audit", content=b"text=" + b"z" * 1_000_001,
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")


def test_security_headers_everywhere(client):
    for path in ("/", "/audit", "/static/app.css", "/static/app.js", "/nope", "/openapi.json"):
        assert_security_headers(client.get(path))
    docs = client.get("/docs")
    assert_security_headers(docs)  # docs page allows its CDN assets, still frame-ancestors 'none'


# ------------------------------------------------------------------ escaping


def test_hostile_record_text_is_escaped(client):
    store = client.app.state.services.open()
    rid = "pmid:99999991"
    store.upsert_record(Record(id=rid, kind="article", title=HOSTILE, journal=HOSTILE, year=2020,
                               sections=[Section(label=HOSTILE, text=HOSTILE)], authors=[HOSTILE]))
    store.put_appraisal(Appraisal(record_id=rid, design="rct", n=10, drugs=["diazepam"], finding=HOSTILE,
                                  comparator=HOSTILE, verified_url="javascript:alert(3)"))
    r = client.get(f"/records/{rid}")
    assert r.status_code == 200
    assert "<script>alert" not in r.text and '" onmouseover="' not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34; onmouseover=&#34;alert(2)" in r.text
    assert "javascript:" not in r.text
    hits = client.get("/api/search", params={"q": "onmouseover alert"}).json()["results"]
    assert rid in [h["id"] for h in hits]


def test_hostile_text_in_brief_and_question_is_escaped(client, brief_json):
    from rxevidence.render.html import render_html
    from rxevidence.web.chart import build_chart
    from rxevidence.web.filters import StudyFilter
    from rxevidence.web.pages import render

    brief = Brief.model_validate(brief_json)
    evil = StudySummary(id="pmid:99999992", title=HOSTILE, finding=HOSTILE, comparator=HOSTILE,
                        condition=HOSTILE, design="rct", n=12, direction="better", flags=[HOSTILE])
    brief.studies.append(evil)
    brief.sentences[0].text = HOSTILE
    brief.reasons.append(HOSTILE)
    for html in (render_html(brief),
                 render("brief.html", brief=brief, web=True, q=HOSTILE, permalink="/ask?q=x", filt=StudyFilter(),
                        studies=brief.studies, chart=build_chart(brief.studies), design_options=[],
                        population_options=[], direction_options=[], local_ids={"pmid:99999992"})):
        assert "<script>alert" not in html and '" onmouseover="' not in html
        assert "&lt;script&gt;alert(1)" in html
    # the question is echoed (title, hidden filter field, canonical link) escaped too
    r = client.get("/ask", params={"q": "How effective is diazepam for pain? " + HOSTILE})
    assert r.status_code == 200 and "<script>alert" not in r.text and '" onmouseover="' not in r.text
    r = client.post("/audit", data={"text": "Diazepam is effective for sciatica. " + HOSTILE})
    assert r.status_code == 200 and "<script>alert" not in r.text


# ------------------------------------------------------------------ cache


def test_brief_cache_hits_and_store_changes_invalidate(client):
    svc = client.app.state.services
    svc.state.every_s = 0.0  # see store changes at once
    q = "Does cyclobenzaprine help low back pain?"
    first = client.get("/api/ask", params={"q": q}).json()
    hits = svc.briefs.hits
    again = client.get("/api/ask", params={"q": q}).json()
    assert svc.briefs.hits == hits + 1
    assert again == first  # same object, same as_of
    svc.open().upsert_record(Record(id="pmid:99999993", kind="article", title="Unrelated record", year=2021))
    client.get("/api/ask", params={"q": q})
    assert svc.briefs.hits == hits + 1  # the store changed: recomputed


def test_serve_command_is_registered():
    from typer.testing import CliRunner

    from rxevidence.cli import app

    res = CliRunner().invoke(app, ["serve", "--help"])
    assert res.exit_code == 0 and "--port" in res.output and "--host" in res.output
