"""Phone and desktop widths in Chromium: no sideways scrolling, stacked tables, a chart drawn for the width
whose marks work by keyboard and tap, axe-core with no violations, and /docs with the network off.

axe-core comes from the ``axe-playwright-python`` package (it ships ``axe.min.js``; installed by the
``test`` extra) and is evaluated in the page; nothing is fetched at test time. Screenshots of every page at
every width are written to test-artifacts/.
"""

from __future__ import annotations

import re
from importlib import resources
from urllib.parse import quote_plus

import pytest
from browser_support import guarded_page, launched, running_server, shot, skip_without_browser

from rxevidence.web.core import EXAMPLES

pytestmark = pytest.mark.browser
sync_api = skip_without_browser()

NO_STUDIES = "Does ibuprofen help tinnitus?"
ALTERNATIVES = "tylenol or advil for a headache"
WIDTHS = (320, 390, 1280)
AXE_WIDTHS = (390, 1280)
AUDIT_ARTICLE = ("Valium and back pain: what a new report says\n\n"
                 "Diazepam is effective for low back pain, a new report says. The FDA approved diazepam for "
                 "muscle spasm. Studies show diazepam did not help sciatica. Read more at "
                 "https://www.example.org/a/very/long/address/that/should/wrap/on/a/phone/screen/and/not/scroll")


def axe_source() -> str:
    try:
        return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        pytest.skip("needs axe-core (pip install 'rxevidence[test]' installs axe-playwright-python)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("web")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with launched(sync_api) as b:
        yield b


@pytest.fixture(scope="module")
def audit_path(browser, server) -> str:
    p = guarded_page(browser, server)
    try:
        p.goto("/audit")
        p.get_by_label("Article text").fill(AUDIT_ARTICLE)
        p.get_by_role("button", name="Check the claims").click()
        p.wait_for_url(re.compile(r"/audit/[0-9a-f]{32}$"))
        return p.url[len(server):]
    finally:
        p.context.close()


def pages(audit_path: str) -> dict[str, str]:
    out = {f"brief-{i}": "/ask?q=" + quote_plus(q) for i, q in enumerate(EXAMPLES)}
    out |= {"brief-none": "/ask?q=" + quote_plus(NO_STUDIES), "brief-alternatives": "/ask?q=" + quote_plus(ALTERNATIVES),
            "unread": "/ask?q=" + quote_plus("Does valuim help back pain?"), "home": "/", "audit-form": "/audit",
            "audit-report": audit_path, "record-article": "/records/pmid:28187918",
            "record-trial": "/records/nct:NCT00533286"}
    return out


def overflow(p) -> list[str]:  # noqa: ANN001
    """What sticks out sideways: the document wider than the viewport, a visible element past its right
    edge (clipped ones, e.g. the visually hidden table headers, excepted) or a region that scrolls sideways."""
    return p.evaluate("""() => {
      const w = document.documentElement.clientWidth, out = [];
      if (document.documentElement.scrollWidth > w) out.push('document ' + document.documentElement.scrollWidth + ' > ' + w);
      const clipped = el => { for (let a = el.parentElement; a; a = a.parentElement) {
        const s = getComputedStyle(a); if (s.overflowX !== 'visible' || s.clip !== 'auto') return true; } return false; };
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect(), s = getComputedStyle(el);
        if (r.width && r.right > w + 1 && !clipped(el)) out.push(el.tagName.toLowerCase() + '.' + el.className + ' right=' + Math.round(r.right));
        if (['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'TEXTAREA')
          out.push('scrolls: ' + el.tagName.toLowerCase() + '.' + el.className);
      }
      return out.slice(0, 10);
    }""")


def test_no_horizontal_scrolling_at_phone_and_desktop_widths(browser, server, audit_path):
    for width in WIDTHS:
        p = guarded_page(browser, server, width=width, height=800)
        try:
            for name, path in pages(audit_path).items():
                p.goto(path)
                assert overflow(p) == [], (width, name)
                shot(p, f"{name}-{width}")
            # the only console error allowed: the "no drug recognised" page's own 400 status
            assert [m for m in p.problems if "status of 400" not in m] == [], p.problems
            assert not p.offsite, p.offsite
        finally:
            p.context.close()


def test_axe_core_reports_no_violations(browser, server, audit_path):
    source = axe_source()
    for width in AXE_WIDTHS:
        p = guarded_page(browser, server, width=width, height=800)
        try:
            for name, path in pages(audit_path).items():
                p.goto(path)
                p.evaluate(source)  # evaluated through the DevTools protocol: our CSP stays on
                result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
                found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
                assert found == [], (width, name, found)
        finally:
            p.context.close()


def test_tables_become_cards_on_a_phone(browser, server):
    p = guarded_page(browser, server, width=390, height=800)
    try:
        p.goto("/ask?q=" + quote_plus(EXAMPLES[0]))
        for table in ("table.matrix", "table.regulatory", "table.studies"):
            assert p.locator(f"{table} > thead").evaluate("e => e.getBoundingClientRect().width") <= 1
            row = p.locator(f"{table} > tbody > tr").first
            assert row.evaluate("e => getComputedStyle(e).display") == "block"
            label = p.locator(f"{table} > tbody > tr > td[data-label]").first
            assert label.evaluate("e => getComputedStyle(e, '::before').content") not in ("none", "normal", "")
    finally:
        p.context.close()


def test_chart_redraws_for_the_width_and_marks_work_by_keyboard_and_tap(browser, server):
    url = "/ask?q=" + quote_plus(EXAMPLES[0])
    wide = guarded_page(browser, server, width=1280)
    try:
        wide.goto(url)
        assert wide.locator("svg.chart-wide").is_visible() and wide.locator("svg.chart-narrow").is_hidden()
    finally:
        wide.context.close()
    p = guarded_page(browser, server, width=390, height=800, has_touch=True, is_mobile=True)
    try:
        p.goto(url)
        svg = p.locator("svg.chart-narrow")
        assert svg.is_visible() and p.locator("svg.chart-wide").is_hidden()
        # labels stay legible: 11-unit text drawn at >= 10 CSS px
        scale = svg.evaluate("e => e.getBoundingClientRect().width / e.viewBox.baseVal.width")
        assert scale * 11 >= 10, scale
        marks = svg.locator("a.mark-link")
        rows = p.locator("table.studies > tbody > tr")
        assert marks.count() == rows.count() >= 1
        # keyboard: Tab reaches the marks; focus shows the details; Enter goes to the study's row
        marks.first.focus()
        assert p.evaluate("() => document.activeElement.classList.contains('mark-link')")
        detail = p.locator("figure.chart .chart-detail")
        assert detail.is_visible() and detail.inner_text() == marks.first.get_attribute("aria-label")
        target = marks.first.get_attribute("href")
        p.keyboard.press("Enter")
        p.wait_for_url(re.compile(re.escape(target) + "$"))
        assert p.locator(target).evaluate("e => e.matches(':target')")
        shot(p, "chart-keyboard-390")
        # tap: the last mark goes to its row too
        p.goto(url)
        last = svg.locator("a.mark-link").last
        href = last.get_attribute("href")
        last.tap()
        p.wait_for_url(re.compile(re.escape(href) + "$"))
        assert not p.problems, p.problems
    finally:
        p.context.close()


def test_no_studies_state_and_question_as_read(browser, server):
    p = guarded_page(browser, server, width=390, height=800)
    try:
        p.goto("/ask?q=" + quote_plus(NO_STUDIES))
        assert p.get_by_role("heading", name="No studies found").is_visible()
        for absent in (".verdict-banner", ".meter", "figure.chart", "#studies", "form.filters"):
            assert p.locator(absent).count() == 0, absent
        text = p.locator("main").inner_text()
        assert "Rated down for" not in text and "rxevidence " not in text and "`" not in text
        assert p.locator("dl.read-as").inner_text().count("ibuprofen") >= 1
        shot(p, "no-studies-390")
        p.goto("/ask?q=" + quote_plus(ALTERNATIVES))
        assert p.locator("h1").inner_text() == "acetaminophen vs ibuprofen for headache"
        alt = p.locator("ul.alternatives a").first
        assert "combination" in alt.inner_text()
        alt.click()
        p.wait_for_url(re.compile(r"/ask\?q=.*plus"))
        assert p.locator("h1").inner_text() == "acetaminophen + ibuprofen for headache"
    finally:
        p.context.close()


def test_docs_render_with_the_network_off(browser, server):
    p = guarded_page(browser, server)  # every request to another host is aborted (and listed)
    try:
        p.goto("/docs")
        p.wait_for_selector(".swagger-ui .opblock", timeout=20000)
        assert p.locator(".swagger-ui .opblock").count() >= 6
        assert "rxevidence" in p.locator(".swagger-ui .info").inner_text()
        shot(p, "docs")
        p.goto("/redoc")
        p.wait_for_selector(".api-content", timeout=20000)
        assert "/api/search" in p.locator(".api-content").inner_text()
        shot(p, "redoc")
        assert not p.offsite, p.offsite  # nothing even tried the network
        # ReDoc's footer logo points at its CDN: our CSP blocks it (no request is made); nothing else is blocked
        blocked = [m for m in p.problems if "Content Security Policy" in m and "img-src" not in m]
        assert blocked == [], p.problems
    finally:
        p.context.close()
