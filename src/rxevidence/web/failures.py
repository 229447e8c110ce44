"""Errors at the web edge: every failure becomes the one JSON body (``errors.error_body``) under ``/api``
(and ``*.json``) or a plain page elsewhere, with the right status and headers (``Allow``, ``Retry-After``).
No stack trace ever reaches a client."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request

from ..errors import RxEvidenceError, ValidationFailed, error_body
from .core import WebError, dumps, status_of, wants_json
from .http import allowed_methods, request_is_head

log = logging.getLogger("rxevidence.web")

TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 413: "Too large",
          415: "Unsupported media type", 422: "Cannot use that input", 429: "Busy", 500: "Something went wrong",
          502: "A source failed", 503: "Unavailable"}


def error_response(path: str, message: str, status: int, errors: list[str] | None = None, *,
                   headers: dict[str, str] | None = None) -> Response:
    """The one error shape: JSON (``ok``/``error``/``errors``/``status``) for the API, a page otherwise."""
    if wants_json(path):
        return Response(dumps(error_body(message, status=status, errors=errors)), status_code=status,
                        media_type="application/json", headers=headers)
    from ..render.html import environment

    html = environment().get_template("error.html").render(standalone=False, status=status, message=message,
                                                           errors=errors or [], title=TITLES.get(status))
    return HTMLResponse(html, status_code=status, headers=headers)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        return error_response(request.url.path, exc.message, exc.status, exc.errors, headers=exc.headers)

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
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            msg = exc.detail if exc.detail and exc.detail != "Not Found" else f"Not found: {request.url.path}"
        elif exc.status_code == 405:
            method = "HEAD" if request_is_head(request.scope) else request.method
            allow = allowed_methods(request.app.router.routes, request.scope)
            headers["Allow"] = ", ".join(allow)
            msg = f"Method {method} not allowed on {request.url.path}; use {', '.join(allow)}."
        else:
            msg = str(exc.detail)
        return error_response(request.url.path, msg, exc.status_code, headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = []
        for e in exc.errors():
            loc = ".".join(str(p) for p in e.get("loc", ()) if p != "body" or len(e.get("loc", ())) == 1)
            msg = str(e.get("msg", "invalid"))
            if e.get("type") == "string_pattern_mismatch" and (e.get("ctx") or {}).get("pattern") == r"\S":
                msg = "must not be blank"
            errors.append(f"{loc}: {msg}" if loc else msg)
        return error_response(request.url.path, "Invalid request: " + "; ".join(errors), 422, errors)
