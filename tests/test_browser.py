"""The web app in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

A uvicorn server runs in a thread on a free loopback port over a temporary SQLite store; every request
the browser makes off the machine is intercepted (citations are fulfilled with a stub, anything else
aborted). Screenshots are kept in test-artifacts/ (gitignored).
"""

from __future__ import annotations

import re

import pytest
from browser_support import guarded_page, launched, running_server, shot, skip_without_browser

QUESTION = "How effective is diazepam for pain?"

pytestmark = pytest.mark.browser
sync_api = skip_without_browser()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("web")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with launched(sync_api) as b:
        yield b


@pytest.fixture
def page(browser, server):
    p = guarded_page(browser, server)
    yield p
    p.context.close()


def test_home_ask_brief_and_follow_citation(page, server):
    page.goto("/")
    assert page.title().startswith("rxevidence")
    box = page.get_by_label("Your question")
    assert box.is_visible()
    assert page.locator("section.examples a").count() >= 3
    shot(page, "home")

    box.fill(QUESTION)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/ask\?q=How\+effective\+is\+diazepam"))
    for heading in ("Verdict", "The drug", "Regulatory status", "Evidence matrix", "Harms that matter",
                    "Studies", "Bottom line"):
        assert page.get_by_role("heading", name=heading, exact=True).is_visible(), heading
    verdict = page.locator(".verdict-banner .verdict").inner_text().strip().lower()
    assert verdict in {"effective", "probably effective", "mixed/uncertain", "probably ineffective",
                       "ineffective", "insufficient evidence"}
    # the regulatory panel names its sources, linked to DailyMed / NICE
    reg_links = page.locator("#regulatory a").evaluate_all("els => els.map(e => e.href)")
    assert any(h.startswith("https://dailymed.nlm.nih.gov/") for h in reg_links)
    # the chart: one mark per study in the (unfiltered) table, each a link with the details
    rows = page.locator("table.studies tbody tr").count()
    assert rows >= 1
    assert page.locator("figure.chart svg.chart-wide a.mark-link").count() == rows
    assert page.locator("figure.chart svg.chart-wide path.mark title").first.text_content()
    assert page.locator("figure.chart svg.chart-narrow").is_hidden()
    # permalink: canonical link tag and the copy-link anchor point to this question
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical.startswith(server + "/ask?q=") and "diazepam" in canonical
    assert page.locator("a.copy-link").get_attribute("href") == canonical
    shot(page, "brief")

    cite = page.locator("a.cite[href^='https://pubmed.ncbi.nlm.nih.gov/']").first
    href = cite.get_attribute("href")
    assert re.fullmatch(r"https://pubmed\.ncbi\.nlm\.nih\.gov/\d+/", href)
    cite.click()
    page.wait_for_url(href)
    assert page.locator("h1").inner_text() == "PubMed stub"  # intercepted: never left the machine
    assert not page.problems, page.problems  # no CSP violations or script errors on our pages
    assert not page.offsite, page.offsite


def test_filters_work_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False, base_url=server)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server) else r.abort())
    p = context.new_page()
    try:
        p.goto("/ask?q=" + QUESTION.replace(" ", "+"))
        total = p.locator("table.studies tbody tr").count()
        designs = p.locator("table.studies tbody tr td:nth-child(3)").all_inner_texts()
        wanted = designs[0]
        p.get_by_label("Design", exact=True).select_option(wanted)
        p.get_by_role("button", name="Filter").click()
        p.wait_for_url(re.compile(r"design="))
        rows = p.locator("table.studies tbody tr")
        assert rows.count() == designs.count(wanted) <= total
        assert set(rows.locator("td:nth-child(3)").all_inner_texts()) == {wanted}
        assert p.locator("figure.chart svg.chart-wide a.mark-link").count() == rows.count()
        assert f"Showing {rows.count()} of {total}" in p.locator("p.count").inner_text()
        shot(p, "brief-filtered")
    finally:
        context.close()


def test_keyboard_skip_link_and_focus(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent]")
    assert focused == ["skip-link", "Skip to content"]
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_audit_highlights_claims(page):
    page.goto("/audit")
    article = ("Diazepam for back pain\n\nDiazepam is effective for low back pain, a new report says. "
               "The FDA approved diazepam for muscle spasm. Studies show diazepam did not help sciatica.")
    page.get_by_label("Article text").fill(article)
    page.get_by_role("button", name="Check the claims").click()
    page.wait_for_url(re.compile(r"/audit/[0-9a-f]{32}$"))  # redirected to the shareable result
    marks = page.locator(".article-text a.claim mark")
    assert marks.count() >= 2
    cards = page.locator("ol.claims li.claim-card")
    assert cards.count() == page.locator(".article-text a.claim").count()
    verdicts = {t.strip() for t in page.locator("ol.claims li .chip").all_inner_texts()}
    assert verdicts <= {"supported", "partly supported", "contradicted", "unverifiable"} and verdicts
    assert page.get_by_role("heading", name="Reporting checks").is_visible()
    shot(page, "audit")
    assert not page.problems, page.problems
    # the link re-opens the same result
    shared = page.url
    page.goto("/")
    page.goto(shared)
    assert page.locator("ol.claims li.claim-card").count() == cards.count()
