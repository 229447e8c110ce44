"""The FastAPI app: pages and the JSON API on the same core, behind one guard (limits, headers, errors).

``create_app(store_url)`` opens the store once, installs the starter pack at startup and keeps a small
in-memory cache of briefs keyed by (question, store state). Layers, outermost first: ``Guard`` (body size
limit, security headers, last-resort 500), ``Conventions`` (HEAD, OPTIONS, static caching), gzip, routes.
Every error is the one JSON shape (``errors.error_body``) under ``/api`` and a plain page elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .core import MAX_BODY_BYTES, VERSION, make_services
from .docs import ASSETS_URL, DOCS_PATHS, install_docs
from .failures import error_response, install_handlers
from .http import GZIP_MIN_BYTES, Conventions
from .settings import WebSettings

log = logging.getLogger("rxevidence.web")

STATIC_DIR = Path(__file__).parent / "static"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI and ReDoc (served from /docs-assets) set inline styles and ReDoc starts a blob: worker;
# scripts stay 'self' only and nothing may load from another host.
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def security_headers(path: str) -> dict[str, str]:
    return {
        "content-security-policy": DOCS_CSP if path in DOCS_PATHS or path.startswith(ASSETS_URL) else CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    }


class BodyTooLarge(StarletteHTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body too large; the limit is {limit:,} bytes.")


class Guard:
    """Outermost ASGI layer: body size limit, security headers on every response, last-resort 500."""

    def __init__(self, app: ASGIApp, *, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        started = False
        extra = security_headers(path)

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for k, v in extra.items():
                    headers[k] = v
            await send(message)

        length = Headers(scope=scope).get("content-length")
        if length and length.isdigit() and int(length) > self.max_body:
            resp = error_response(path, f"Request body too large ({int(length):,} bytes; the limit is "
                                        f"{self.max_body:,}).", 413)
            await resp(scope, receive, send_with_headers)
            return
        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        try:
            await self.app(scope, receive_limited, send_with_headers)
        except Exception:
            log.exception("unhandled error on %s", path)
            if started:
                raise
            resp = error_response(path, "Internal error: the request could not be completed.", 500)
            await resp(scope, receive, send_with_headers)


def create_app(store_url: str | None = None, *, cache_size: int = 64, settings: WebSettings | None = None,
               audit_processes: bool = True) -> FastAPI:
    """Build the app over the store at ``store_url`` (default ``$RXEVIDENCE_DB`` / user data dir).

    The store is opened and the starter pack installed at startup (or on the first request when the
    app runs without its lifespan); ``cache_size`` bounds the in-memory brief cache; ``settings``
    default to :meth:`WebSettings.from_env`; ``audit_processes=False`` runs audits in threads.

    Example: ``uvicorn.run(create_app("rx.db", settings=WebSettings(base_url="https://rx.example")))``
    """
    from . import api, pages

    svc = make_services(store_url, cache_size=cache_size, settings=settings, audit_processes=audit_processes)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(svc.open)
        svc.pool.warm()
        try:
            yield
        finally:
            svc.close()

    app = FastAPI(
        title="rxevidence",
        summary="Evidence briefs for 'How effective is <drug> for <condition>?', every sentence cited.",
        description=API_DESCRIPTION,
        version=VERSION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        separate_input_output_schemas=False,
    )
    app.state.services = svc
    install_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_docs(app)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=6)
    app.add_middleware(Conventions, routes=lambda: app.router.routes)
    app.add_middleware(Guard, max_body=MAX_BODY_BYTES)
    return app


API_DESCRIPTION = """JSON API and pages over the same core as the `rxevidence` CLI. Not medical advice.

* Every error is `{"ok": false, "error": "...", "errors": ["..."], "status": N}`.
* `HEAD` works wherever `GET` does; `OPTIONS` answers with `Allow`; a wrong method is 405 with `Allow`.
* Briefs carry a weak `ETag` (it changes when the store changes) and `Cache-Control`; send `If-None-Match`
  for a 304. Bodies are gzip-compressed when the client accepts it.
* `POST /api/audit` takes `text/plain` (charset honoured), `text/markdown`, `text/html`, JSON `{"text"}`,
  form fields or a multipart `file`; anything else is 415. Audits run in a bounded pool: 429 with
  `Retry-After` when it is full. Each result has a stable URL (`/api/audit/{id}`, a content hash).
"""


def run(app: Any, *, host: str, port: int, log_level: str = "info") -> None:
    import sys

    import uvicorn

    # A brief computed in a worker thread holds the GIL; hand it back to the event loop every 0.5 ms
    # (default 5 ms) so cached answers are not queued behind it.
    sys.setswitchinterval(0.0005)
    uvicorn.run(app, host=host, port=port, log_level=log_level)
