"""The FastAPI app: pages and the JSON API on the same core, behind one guard (limits, headers, errors).

``create_app(store_url)`` opens the store once, installs the starter pack at startup and keeps a small
in-memory cache of briefs keyed by (question, store state). Every response carries the security headers;
every error is the one JSON shape (``errors.error_body``) under ``/api`` and a plain page elsewhere; no
stack trace ever reaches a client.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import RxEvidenceError, ValidationFailed, error_body
from .core import MAX_BODY_BYTES, WebError, dumps, make_services, status_of, wants_json

log = logging.getLogger("rxevidence.web")

STATIC_DIR = Path(__file__).parent / "static"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# FastAPI's default Swagger UI / ReDoc pages load their assets from a CDN and start with an inline script;
# only those pages get a policy that allows it (everything else stays 'self' only).
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
            "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
            "font-src 'self' https://fonts.gstatic.com; worker-src 'self' blob:; "
            "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")


def security_headers(path: str) -> dict[str, str]:
    return {
        "content-security-policy": DOCS_CSP if path in DOCS_PATHS else CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    }


class BodyTooLarge(StarletteHTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body too large; the limit is {limit:,} bytes.")


def error_response(path: str, message: str, status: int, errors: list[str] | None = None) -> Response:
    """The one error shape: JSON (``ok``/``error``/``errors``/``status``) for the API, a page otherwise."""
    if wants_json(path):
        return Response(dumps(error_body(message, status=status, errors=errors)), status_code=status,
                        media_type="application/json")
    from ..render.html import environment

    html = environment().get_template("error.html").render(standalone=False, status=status, message=message,
                                                           errors=errors or [], title=_TITLES.get(status))
    return HTMLResponse(html, status_code=status)


_TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 413: "Too large",
           422: "Cannot use that input", 500: "Something went wrong", 502: "A source failed",
           503: "Unavailable"}


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


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        return error_response(request.url.path, exc.message, exc.status, exc.errors)

    @app.exception_handler(ValidationFailed)
    async def _validation_failed(request: Request, exc: ValidationFailed) -> Response:
        log.warning("brief failed validation: %s", exc.message)
        return error_response(request.url.path, "The brief failed its own validation, so it is not shown. "
                              "Please report this question.", 500, exc.problems or None)

    @app.exception_handler(RxEvidenceError)
    async def _domain_error(request: Request, exc: RxEvidenceError) -> Response:
        return error_response(request.url.path, exc.message, status_of(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            msg = exc.detail if exc.detail and exc.detail != "Not Found" else f"Not found: {request.url.path}"
        elif exc.status_code == 405:
            msg = f"Method {request.method} not allowed on {request.url.path}."
        else:
            msg = str(exc.detail)
        return error_response(request.url.path, msg, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = []
        for e in exc.errors():
            loc = ".".join(str(p) for p in e.get("loc", ()) if p != "body" or len(e.get("loc", ())) == 1)
            errors.append(f"{loc}: {e.get('msg', 'invalid')}" if loc else str(e.get("msg", "invalid")))
        return error_response(request.url.path, "Invalid request: " + "; ".join(errors), 422, errors)


def create_app(store_url: str | None = None, *, cache_size: int = 64) -> FastAPI:
    """Build the app over the store at ``store_url`` (default ``$RXEVIDENCE_DB`` / user data dir).

    The store is opened and the starter pack installed at startup (or on the first request when the
    app runs without its lifespan); ``cache_size`` bounds the in-memory brief cache.

    Example: ``uvicorn.run(create_app("rx.db"))``
    """
    from . import api, pages

    svc = make_services(store_url, cache_size=cache_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(svc.open)
        try:
            yield
        finally:
            svc.close()

    app = FastAPI(
        title="rxevidence",
        summary="Evidence briefs for 'How effective is <drug> for <condition>?', every sentence cited.",
        description="JSON API and pages over the same core as the `rxevidence` CLI. Not medical advice.",
        version=_version(),
        lifespan=lifespan,
    )
    app.state.services = svc
    _install_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(Guard, max_body=MAX_BODY_BYTES)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rxevidence")
    except PackageNotFoundError:  # a source checkout without metadata
        return "0"


def run(app: Any, *, host: str, port: int, log_level: str = "info") -> None:
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level=log_level)
