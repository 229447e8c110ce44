"""The question as read on the page, its alternatives (each re-asks with that reading), the heading from
the resolved names, and the distinct "no studies found" state."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from rxevidence.ask import parse_question
from rxevidence.web import WebSettings, create_app
from rxevidence.web.reading import heading_of, reading_of


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    d = tmp_path_factory.mktemp("reading")
    app = create_app(str(d / "web.db"), settings=WebSettings(audit_dir=d / "audits"), audit_processes=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def store(client):
    return client.app.state.services.open()


# questions whose parse offers other readings (condition, relation, a drug spelling)
QUESTIONS = ["Does gabapentin help nerve pain?", "tylenol or advil for a headache",
             "Diazepam plus naproxen for acute low back pain", "Tramadol vs codeine for dental pain",
             "Does valuim help back pain?"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_alternative_re_asks_with_that_reading(question, store):
    query = parse_question(question, store=store)
    reading = reading_of(query)
    assert reading.alternatives, question
    for alt in reading.alternatives:
        again = parse_question(alt.question, store=store)
        if alt.kind == "relation":
            assert again.relation != query.relation and {d.name for d in again.drugs} == {d.name for d in query.drugs}
            assert (again.condition and again.condition.id) == (query.condition and query.condition.id)
        elif alt.kind == "condition":
            assert again.condition is not None and again.condition.name in alt.label
            assert [d.name for d in again.drugs] == [d.name for d in query.drugs]
        else:  # a drug suggestion for an unknown word
            assert again.drugs, alt


def test_heading_uses_resolved_names_not_the_spelling(client, store):
    q = parse_question("Does diazepan help sciatica?", store=store)
    assert heading_of(q) == "diazepam for sciatica"
    html = client.get("/ask", params={"q": "Does diazepan help sciatica?"}).text
    assert "<h1 id=\"brief-title\">diazepam for sciatica</h1>" in html
    assert "(you wrote “diazepan”)" in unescape(html)
    html = client.get("/ask", params={"q": "tylenol or advil for a headache"}).text
    assert "acetaminophen vs ibuprofen for headache</h1>" in html


def test_the_reading_is_on_the_page_with_links(client):
    html = client.get("/ask", params={"q": "tylenol or advil for a headache"}).text
    block = re.search(r'<section class="reading".*?</section>', html, re.S).group(0)
    for word in ("acetaminophen", "ibuprofen", "a comparison", "headache"):
        assert word in block
    links = re.findall(r'<ul class="alternatives">.*?</ul>', block, re.S)[0]
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]+)"', links)]
    assert hrefs and all(h.startswith("/ask?q=") for h in hrefs)
    asked = parse_qs(urlsplit(hrefs[0]).query)["q"][0]
    assert "plus" in asked
    r = client.get(hrefs[0])
    assert r.status_code == 200 and "a combination (taken together)" in r.text
    html = client.get("/ask", params={"q": "Is ibuprofen good for pain in kids?"}).text
    assert "<dt>Population</dt><dd>children</dd>" in html


def test_no_studies_is_its_own_state(client):
    r = client.get("/ask", params={"q": "Does ibuprofen help tinnitus?"})
    assert r.status_code == 200
    html = r.text
    assert "<h2 id=\"h-none\">No studies found</h2>" in html
    for absent in ('class="verdict-banner', 'class="meter"', "Rated down for", "no studies found</li>",
                   "<figure class=\"chart\"", 'id="studies"', "form class=\"filters", "`rxevidence", "rxevidence ask",
                   "rxevidence ingest", "study table"):
        assert absent not in html, absent
    assert "ibuprofen for Tinnitus — rxevidence" not in html  # the title says what happened
    assert re.search(r"<title>ibuprofen for Tinnitus: no studies found", html)
    # the JSON twin still says what it said
    j = client.get("/ask.json", params={"q": "Does ibuprofen help tinnitus?"}).json()
    assert j["verdict"] == "insufficient evidence" and j["studies"] == []


def test_no_drug_recognised_page_offers_the_suggestions(client):
    r = client.get("/ask", params={"q": "Does valuim help back pain?"})
    assert r.status_code == 400 and "No drug recognised" in r.text
    hrefs = [unescape(h) for h in re.findall(r'<ul class="alternatives">.*?</ul>', r.text, re.S)[0].split('href="')[1:]]
    asked = [parse_qs(urlsplit(h.split('"')[0]).query)["q"][0] for h in hrefs]
    assert "Does valium help back pain?" in asked
    assert "rxevidence ask" not in r.text  # no command-line advice to a web reader
