"""Read the article out of a ``POST /api/audit`` (or ``POST /audit``) body, whatever way it was sent.

=====================================  ===================================================================
``text/plain``, ``text/markdown``,     the body is the article, decoded with the declared ``charset``
``text/html``                          (UTF-8 when none); the media type gives the format
``application/json``                   ``{"text": "...", "format": "text|md|html"}``
``application/x-www-form-urlencoded``  fields ``text`` and ``format`` (the web form)
``multipart/form-data``                a ``file`` upload (its charset, its name's extension or media type
                                       give the format) or a ``text`` field; optional ``format``
=====================================  ===================================================================

Anything else is 415. Errors: 400 undecodable / invalid JSON, 413 too long, 422 a missing or wrong field.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from .core import MAX_AUDIT_CHARS, MAX_BODY_BYTES, WebError

AUDIT_FORMATS: tuple[str, ...] = ("text", "md", "html")
TEXT_TYPES: dict[str, str] = {"text/plain": "text", "text/markdown": "md", "text/x-markdown": "md",
                              "text/html": "html"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
ACCEPTED = (*TEXT_TYPES, "application/json", *FORM_TYPES)
_EXTENSIONS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".txt": "text"}


@dataclass(frozen=True)
class AuditInput:
    text: str
    format: str  # one of AUDIT_FORMATS

    @property
    def kind(self) -> str | None:
        """The ``kind`` argument of ``audit()``: None lets it detect plain text."""
        return None if self.format == "text" else self.format


def media_type(header: str | None) -> tuple[str, dict[str, str]]:
    """``("text/plain", {"charset": "latin-1"})`` from a Content-Type header."""
    main, *params = (header or "").split(";")
    out: dict[str, str] = {}
    for p in params:
        k, sep, v = p.partition("=")
        if sep:
            out[k.strip().lower()] = v.strip().strip('"')
    return main.strip().lower(), out


def decode(raw: bytes, charset: str | None) -> str:
    """:raises WebError: 415 for an unknown charset, 400 when the bytes are not in it."""
    name = charset or "utf-8"
    try:
        codecs.lookup(name)
    except LookupError:
        raise WebError(f"Unsupported charset {name!r}; send UTF-8 (or name a standard charset).", 415) from None
    try:
        text = raw.decode(name)
    except UnicodeDecodeError:
        raise WebError(f"The body is not valid {name} text.", 400) from None
    return text.removeprefix("\ufeff")


_MISSING: Any = object()


def check_format(value: Any = _MISSING) -> str:
    """The format field's value; ``text`` when the field is absent.  :raises WebError: 422 otherwise."""
    if value is _MISSING:
        return "text"
    if value not in AUDIT_FORMATS:
        raise WebError(f"Unknown format {str(value)[:40]!r}; use one of {', '.join(AUDIT_FORMATS)}.", 422)
    return str(value)


def check_text(text: str) -> str:
    """:raises WebError: 413 above :data:`MAX_AUDIT_CHARS`, 400 when there is nothing but whitespace."""
    if len(text) > MAX_AUDIT_CHARS:
        raise WebError(f"Article too long ({len(text):,} characters; the limit is {MAX_AUDIT_CHARS:,}). "
                       "Paste the part with the claims.", 413)
    if not text.strip():
        raise WebError("Empty article: paste the text to audit.", 400)
    return text


async def read_audit_input(request: Request) -> AuditInput:
    """The article and its format from any accepted body.  :raises WebError: 400/413/415/422."""
    ctype, params = media_type(request.headers.get("content-type"))
    if ctype in TEXT_TYPES:
        text = decode(await request.body(), params.get("charset"))
        return AuditInput(check_text(text), TEXT_TYPES[ctype])
    if ctype == "application/json" or (ctype.startswith("application/") and ctype.endswith("+json")):
        return _from_json(await request.body())
    if ctype in FORM_TYPES:
        return await _from_form(request)
    shown = ctype or "no Content-Type"
    raise WebError(f"Unsupported media type ({shown}); send one of: {', '.join(ACCEPTED)}.", 415)


def _from_json(raw: bytes) -> AuditInput:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise WebError(f"Invalid JSON body: {e}", 400) from None
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        raise WebError('Expected a JSON object {"text": "...", "format": "text|md|html"}.', 422,
                       ["text: a string is required"])
    return AuditInput(check_text(body["text"]), check_format(body.get("format", _MISSING)))


async def _from_form(request: Request) -> AuditInput:
    try:
        form = await request.form(max_files=1, max_fields=10, max_part_size=MAX_BODY_BYTES)
    except Exception as e:  # noqa: BLE001 - python-multipart raises several types for a malformed body
        status = getattr(e, "status_code", 400)
        raise WebError(f"Malformed form body: {getattr(e, 'detail', e)}", 400 if status >= 500 else status) from None
    fmt = form.get("format", _MISSING)
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        raw = await upload.read()
        ptype, pparams = media_type(upload.content_type)
        guess = next((f for ext, f in _EXTENSIONS.items() if (upload.filename or "").lower().endswith(ext)), None)
        text = decode(raw, pparams.get("charset"))
        if fmt is _MISSING:
            fmt = guess or TEXT_TYPES.get(ptype) or "text"
        return AuditInput(check_text(text), check_format(fmt))
    field = form.get("text")
    if not isinstance(field, str):
        raise WebError("The form needs a 'text' field (or a 'file' upload) with the article.", 422,
                       ["text: required (or upload a file as 'file')"])
    return AuditInput(check_text(field), check_format(fmt))
