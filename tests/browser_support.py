"""Shared by the browser tests: a uvicorn server in a thread over a temporary store, Chromium via Playwright,
and pages whose every request off the machine is intercepted (citations answered by a stub, the rest
aborted and recorded). Screenshots go to test-artifacts/ (gitignored)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


def skip_without_browser():
    """The Playwright sync API, or skip the module with the reason (call at module level)."""
    if not CHROMIUM.exists():
        pytest.skip("needs Chromium at /usr/bin/chromium (.ci/run installs it: apt-get install -y chromium)",
                    allow_module_level=True)
    return pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install 'rxevidence[test]')")


@contextmanager
def running_server(tmp: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of the app over a fresh store in ``tmp`` (pack installed at startup)."""
    import uvicorn

    from rxevidence.web import WebSettings, create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = WebSettings(base_url=f"http://127.0.0.1:{port}", audit_dir=tmp / "audits")
    app = create_app(str(tmp / "browser.db"), settings=settings, audit_processes=False)
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def launched(sync_api) -> Iterator:  # noqa: ANN001 - the playwright module
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def guarded_page(browser, server: str, *, width: int = 1280, height: int = 900, **context_args):  # noqa: ANN001
    """A page in a new context; requests off ``server`` are stubbed (PubMed) or aborted and listed in
    ``page.offsite``; console errors and page errors are listed in ``page.problems``."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=server, **context_args)
    offsite: list[str] = []

    def guard(route):  # noqa: ANN001
        url = route.request.url
        if url.startswith(server):
            route.continue_()
        elif url.startswith("https://pubmed.ncbi.nlm.nih.gov/"):
            route.fulfill(status=200, content_type="text/html",
                          body="<!doctype html><title>stub</title><h1>PubMed stub</h1>")
        else:
            offsite.append(url)
            route.abort()

    context.route("**/*", guard)
    p = context.new_page()
    problems: list[str] = []
    p.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: problems.append(str(e)))
    p.problems = problems
    p.offsite = offsite
    return p


def shot(p, name: str) -> None:  # noqa: ANN001
    p.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
