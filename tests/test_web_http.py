"""HTTP conventions, in-process: HEAD, OPTIONS and 405 + Allow, ETag / 304 / Cache-Control, gzip, the
audit body in every accepted media type (415 otherwise), shared audit URLs that survive a restart,
the bounded audit pool, search paging and snippets, and URLs from configuration (never the Host header)."""

from __future__ import annotations

import json
import os
import time

import pytest
from fastapi.testclient import TestClient

from rxevidence.models import Record
from rxevidence.web import WebSettings, create_app

QUESTION = "How effective is diazepam for pain?"
ARTICLE = "Diazepam is effective for low back pain. Studies show diazepam did not help sciatica."


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    return tmp_path_factory.mktemp("http")


def make_client(dirs, **settings) -> TestClient:
    s = WebSettings(audit_dir=dirs / "audits", **settings)
    return TestClient(create_app(str(dirs / "web.db"), settings=s, audit_processes=False),
                      raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(dirs):
    with make_client(dirs, base_url="https://rx.example/sub") as c:
        yield c


GETS = ["/", "/ask?q=" + QUESTION, "/ask.json?q=" + QUESTION, "/audit", "/api/parse?q=" + QUESTION,
        "/api/ask?q=" + QUESTION, "/api/search?q=diazepam", "/api/records/pmid:28187918",
        "/records/pmid:28187918", "/docs", "/redoc", "/openapi.json", "/static/app.css"]


def test_head_wherever_get_works(client):
    for url in GETS:
        g = client.get(url)
        h = client.head(url)
        assert g.status_code == 200 and h.status_code == 200, url
        assert h.content == b"" and h.headers["content-type"] == g.headers["content-type"], url
        if "etag" in g.headers:
            assert h.headers["etag"] == g.headers["etag"]


def test_405_lists_allowed_methods_and_options_answers(client):
    cases = {"/api/ask": "GET, HEAD, OPTIONS", "/api/audit": "POST, OPTIONS", "/audit": "GET, HEAD, POST, OPTIONS",
             "/api/records/pmid:28187918": "GET, HEAD, OPTIONS", "/static/app.css": "GET, HEAD, OPTIONS"}
    for url, allow in cases.items():
        r = client.request("DELETE", url)
        assert r.status_code == 405 and r.headers["allow"] == allow, url
        o = client.options(url)
        assert o.status_code == 204 and o.headers["allow"] == allow, url
    r = client.put("/api/ask")
    assert r.json()["error"].startswith("Method PUT not allowed on /api/ask")
    assert client.head("/api/audit").headers["allow"] == "POST, OPTIONS"
    assert client.options("/no/such/page").status_code == 404


def test_brief_etag_304_cache_control_and_store_changes(client):
    svc = client.app.state.services
    for url in ("/api/ask", "/ask", "/ask.json"):
        r = client.get(url, params={"q": QUESTION})
        etag = r.headers["etag"]
        assert etag.startswith('W/"') and r.headers["cache-control"] == "public, max-age=60"
        again = client.get(url, params={"q": QUESTION}, headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        assert client.get(url, params={"q": QUESTION}, headers={"if-none-match": '"other", ' + etag}).status_code == 304
        assert client.get(url, params={"q": QUESTION}, headers={"if-none-match": '"other"'}).status_code == 200
    # deterministic per store: the same tag from a second app over the same store ...
    before = client.get("/api/ask", params={"q": QUESTION}).headers["etag"]
    page_before = client.get("/ask", params={"q": QUESTION, "design": "rct"}).headers["etag"]
    assert page_before != client.get("/ask", params={"q": QUESTION}).headers["etag"]  # filters are part of it
    # ... and a new one once the store changes
    svc.state.every_s = 0.0
    svc.open().upsert_record(Record(id="pmid:99999981", kind="article", title="Store change", year=2022))
    time.sleep(0.05)
    after = client.get("/api/ask", params={"q": QUESTION})
    assert after.headers["etag"] != before
    assert client.get("/api/ask", params={"q": QUESTION}, headers={"if-none-match": before}).status_code == 200


def test_etag_is_the_same_after_a_restart(dirs, client):
    first = client.get("/api/ask", params={"q": "Does Lyrica help sciatica?"}).headers["etag"]
    with make_client(dirs, base_url="https://rx.example/sub") as other:
        assert other.get("/api/ask", params={"q": "Does Lyrica help sciatica?"}).headers["etag"] == first


def test_gzip_when_accepted(client):
    r = client.get("/api/ask", params={"q": QUESTION}, headers={"accept-encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and "accept-encoding" in r.headers["vary"].lower()
    assert r.json()["verdict"]
    raw = client.get("/api/ask", params={"q": QUESTION}, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in raw.headers
    css = client.get("/static/app.css", headers={"accept-encoding": "gzip"})
    assert css.headers["content-encoding"] == "gzip" and css.headers["cache-control"].startswith("public")


# ------------------------------------------------------------------ audit bodies


def test_audit_accepts_every_documented_media_type(client):
    base = client.post("/api/audit", json={"text": ARTICLE}).json()
    claims = [c["text"] for c in base["claims"]]
    assert claims
    latin = ("Café news\n\n" + ARTICLE).encode("latin-1")
    r = client.post("/api/audit", content=latin, headers={"content-type": "text/plain; charset=ISO-8859-1"})
    assert r.status_code == 200 and r.json()["text"].startswith("Café news")
    assert [c["text"] for c in r.json()["claims"]] == claims
    form = client.post("/api/audit", data={"text": ARTICLE, "format": "text"}).json()
    assert [c["text"] for c in form["claims"]] == claims and not form["text"].startswith("text=")
    html = f"<html><head><title>T</title></head><body><h1>News</h1><p>{ARTICLE}</p></body></html>"
    up = client.post("/api/audit", files={"file": ("story.html", html.encode("utf-16"), "text/html; charset=utf-16")})
    assert up.status_code == 200, up.text
    assert up.json()["title"] == "News" and [c["text"] for c in up.json()["claims"]] == claims
    assert "boundary" not in (up.json()["title"] or "")
    md = client.post("/api/audit", content=("# Heading\n\n" + ARTICLE).encode(), headers={"content-type": "text/markdown"})
    assert md.status_code == 200 and md.json()["title"] == "Heading"
    for bad in ("application/pdf", "image/png", "application/octet-stream"):
        r = client.post("/api/audit", content=ARTICLE.encode(), headers={"content-type": bad})
        assert r.status_code == 415 and "text/plain" in r.json()["error"], bad
    r = client.post("/api/audit", content=ARTICLE.encode(), headers={"content-type": ""})
    assert r.status_code == 415


def test_audit_results_have_a_stable_url_that_survives_a_restart(dirs, client):
    r = client.post("/api/audit", json={"text": ARTICLE + " Ibuprofen works for migraine."})
    body = r.json()
    aid = body["id"]
    assert len(aid) == 32 and body["url"] == f"https://rx.example/sub/api/audit/{aid}"
    assert body["page"] == f"https://rx.example/sub/audit/{aid}" and r.headers["content-location"] == body["url"]
    again = client.post("/api/audit", content=(ARTICLE + " Ibuprofen works for migraine.").encode(),
                        headers={"content-type": "text/plain"}).json()
    assert again["id"] == aid and again["audited_at"] == body["audited_at"]  # kept result reused
    assert client.post("/api/audit", json={"text": ARTICLE, "format": "md"}).json()["id"] != aid
    with make_client(dirs, base_url="https://rx.example/sub") as restarted:
        shared = restarted.get(f"/api/audit/{aid}")
        assert shared.status_code == 200 and shared.json() == body
        page = restarted.get(f"/audit/{aid}")
        assert page.status_code == 200 and f'<link rel="canonical" href="https://rx.example/sub/audit/{aid}">' in page.text
    assert client.get("/api/audit/" + "f" * 32).status_code == 404


def test_audit_form_post_redirects_to_the_shared_page_and_keeps_text_on_errors(client):
    r = client.post("/audit", data={"text": ARTICLE}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/audit/")
    pool = client.app.state.services.pool
    saved, pool.inflight = pool.inflight, pool.capacity
    try:
        busy = client.post("/audit", data={"text": "Naproxen helps period pain. (unique busy text)"})
    finally:
        pool.inflight = saved
    assert busy.status_code == 429 and busy.headers["retry-after"]
    assert "Naproxen helps period pain. (unique busy text)</textarea>" in busy.text  # nothing lost


def test_archive_retention(tmp_path):
    from rxevidence.web.audits import AuditArchive, audit_id

    arch = AuditArchive(tmp_path, keep=2, days=1)
    ids = [audit_id(f"article {i}", "text") for i in range(4)]
    for i, aid in enumerate(ids):
        kept = arch.save(aid, fmt="text", store_state="s", report_json=b'{"text": "%d"}' % i)
        os.utime(tmp_path / f"{aid}.json", (time.time() - 10 + i, time.time() - 10 + i))
    assert json.loads(kept.shared_json(url="u", page="p")) == {"id": ids[3], "url": "u", "page": "p",
                                                               "audited_at": kept.audited_at, "text": "3"}
    assert arch.prune(force=True) == 2
    assert [arch.load(a) is not None for a in ids] == [False, False, True, True]
    os.utime(tmp_path / f"{ids[3]}.json", (time.time() - 3 * 86400,) * 2)
    arch.prune(force=True)
    assert arch.load(ids[3]) is None and arch.load(ids[2]) is not None
    assert arch.load("../../etc/passwd") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{ids[2]}.json", f"{ids[2]}.meta.json"])


def test_audits_run_in_a_worker_process(tmp_path):
    s = WebSettings(audit_dir=tmp_path / "audits")
    with TestClient(create_app(str(tmp_path / "p.db"), settings=s), raise_server_exceptions=False) as c:
        r = c.post("/api/audit", json={"text": ARTICLE})
        assert r.status_code == 200 and r.json()["claims"]
        assert c.app.state.services.pool.processes
        bad = c.post("/api/audit", json={"text": "   "})
        assert bad.status_code == 400


# ------------------------------------------------------------------ search, URLs


def test_search_total_paging_and_snippets(client):
    first = client.get("/api/search", params={"q": "pain", "limit": 3}).json()
    assert first["total"] > 3 and first["count"] == 3 and first["offset"] == 0 and first["prev"] is None
    assert all(h["snippet"] for h in first["results"])
    assert any("pain" in h["snippet"].lower() for h in first["results"])
    nxt = client.get(first["next"]).json()
    assert nxt["offset"] == 3 and nxt["total"] == first["total"]
    assert not {h["id"] for h in nxt["results"]} & {h["id"] for h in first["results"]}
    assert nxt["prev"] is not None and client.get(nxt["prev"]).json()["results"] == first["results"]
    last = client.get("/api/search", params={"q": "pain", "limit": 3, "offset": first["total"] - 1}).json()
    assert last["count"] == 1 and last["next"] is None
    for h in first["results"]:
        assert client.get(h["record"]).status_code == 200
    assert client.get("/api/search", params={"q": "zzqqxx"}).json()["total"] == 0


def test_snippet_is_cut_around_the_first_match():
    from rxevidence.web.search import snippet

    text = "word " * 100 + "naproxen helped " + "tail " * 100
    s = snippet(text, ["naproxen"])
    assert "naproxen" in s and s.startswith("… ") and s.endswith(" …") and len(s) <= 250
    assert snippet("short text", ["x"]) == "short text"


def test_links_come_from_configuration_not_the_host_header(dirs, monkeypatch):
    monkeypatch.setenv("RXEVIDENCE_BASE_URL", "https://evidence.example.org/")
    s = WebSettings.from_env(audit_dir=dirs / "audits")
    assert s.base_url == "https://evidence.example.org"
    with TestClient(create_app(str(dirs / "web.db"), settings=s), raise_server_exceptions=False) as c:
        html = c.get("/ask", params={"q": QUESTION}, headers={"host": "attacker.example"}).text
        assert '<link rel="canonical" href="https://evidence.example.org/ask?q=' in html
        assert "attacker.example" not in html
    with make_client(dirs) as c:  # no base URL configured: root-relative links
        html = c.get("/ask", params={"q": QUESTION}, headers={"host": "attacker.example"}).text
        assert '<link rel="canonical" href="/ask?q=' in html and "attacker.example" not in html
    from rxevidence.errors import InputError

    for bad in ("ftp://x", "https://", "rx.example", "https://a/?q=1"):
        with pytest.raises(InputError):
            WebSettings(base_url=bad)
