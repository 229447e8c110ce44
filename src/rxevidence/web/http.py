"""HTTP conventions in one place: validators (ETag / 304), caching headers, gzip of cached bodies, HEAD,
OPTIONS and the ``Allow`` list of a path.

Briefs are deterministic for a store state, so their ETag is a hash of what the body depends on (the
route, the question, the filters, the store fingerprint, the base URL and the app version): a cached
answer is validated without computing anything, and any change to the store changes the tag.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BRIEF_CACHE_CONTROL = "public, max-age=60"  # then revalidate with If-None-Match (cheap: 304)
STATIC_CACHE_CONTROL = "public, max-age=86400"
GZIP_MIN_BYTES = 1024


def weak_etag(*parts: str) -> str:
    return 'W/"' + hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2) of ``If-None-Match`` against ``etag``."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    want = etag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == want for t in if_none_match.split(","))


@dataclass
class Payload:
    """A cached body with its validator and, made once on first use, its gzip form."""

    body: bytes
    etag: str
    media_type: str
    _gz: bytes | None = field(default=None, repr=False)

    def gz(self) -> bytes:
        if self._gz is None:
            self._gz = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gz


def wants_gzip(request: Request) -> bool:
    return any(p.split(";")[0].strip().lower() == "gzip"
               for p in request.headers.get("accept-encoding", "").split(","))


def cached_response(request: Request, payload: Payload, *, cache_control: str = BRIEF_CACHE_CONTROL) -> Response:
    """200 with the body (gzip when accepted), or 304 when ``If-None-Match`` matches."""
    headers = {"ETag": payload.etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if etag_matches(request.headers.get("if-none-match"), payload.etag):
        return Response(status_code=304, headers=headers)
    if len(payload.body) >= GZIP_MIN_BYTES and wants_gzip(request):
        headers["Content-Encoding"] = "gzip"
        return Response(payload.gz(), media_type=payload.media_type, headers=headers)
    return Response(payload.body, media_type=payload.media_type, headers=headers)


def not_modified(request: Request, etag: str) -> Response | None:
    """A 304 when the client already holds ``etag`` (checked before any work), else None."""
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": BRIEF_CACHE_CONTROL,
                                                  "Vary": "Accept-Encoding"})
    return None


PROBE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route serves at this path (HEAD with GET; OPTIONS always), or [] for no route.

    Found by asking each route whether it fully matches the path with each method (mounted static
    directories count as GET only), so nested routers are covered without looking inside them."""
    methods: set[str] = set()
    scope = {**scope, "root_path": scope.get("app_root_path", "")}  # from the top, also inside a Mount
    for route in routes:
        for m in PROBE_METHODS:
            if m in methods:
                continue
            match, _ = route.matches({**scope, "type": "http", "method": m})
            if match == Match.FULL and (m == "GET" or not isinstance(route, Mount)):
                methods.add(m)
    if not methods:
        return []
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return sorted(methods, key=order.index)


class Conventions:
    """HEAD served as GET without a body; OPTIONS answered with ``Allow``; long cache for static files."""

    def __init__(self, app: ASGIApp, *, routes: Callable[[], Sequence[BaseRoute]]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "OPTIONS":
            allow = allowed_methods(self.routes(), scope)
            if allow:
                await Response(status_code=204, headers={"Allow": ", ".join(allow)})(scope, receive, send)
                return
        static = scope.get("path", "").startswith("/static/")

        async def send_tweaked(message: Message) -> None:
            if message["type"] == "http.response.start" and static and message["status"] in (200, 304):
                MutableHeaders(scope=message)["cache-control"] = STATIC_CACHE_CONTROL
            if method == "HEAD" and message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        if method == "HEAD":
            scope = {**scope, "method": "GET", "rxevidence.head": True}
        await self.app(scope, receive, send_tweaked)


def request_is_head(scope: Scope) -> bool:
    return bool(scope.get("rxevidence.head"))


__all__ = ["BRIEF_CACHE_CONTROL", "Conventions", "Payload", "allowed_methods", "cached_response",
           "etag_matches", "not_modified", "weak_etag"]
