"""Streaming JSON for files of many records (CT.gov pages, openFDA bulk files), one record at a time.

:func:`iter_json_records` finds the array of records (a top-level array, or the value of a key
such as ``"studies"`` / ``"results"``) and decodes its elements one by one with the standard
library's C decoder, reading 1 MB at a time: memory stays at about one block and one record however
large the file is. Each element comes back on its own (:class:`JsonRecord`): one that is not valid
JSON, holds bytes that are not UTF-8, is larger than :data:`MAX_RECORD_CHARS` or has a text value
over :data:`MAX_TEXT_CHARS` (libxml2's limit for an XML text node) is reported with its position
and the reason, and the next element is read. A document that is a single record is decoded whole.
A file that ends inside the array raises :class:`~rxevidence.errors.ParseError` after everything
before it; with ``checkpoints`` a :class:`~rxevidence.sources.registry.Checkpoint` follows every
record, and ``resume`` restarts just after one.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import IO, Any

from ..errors import ParseError
from ..models import Record, Skipped
from .registry import Checkpoint
from .xmlsafe import open_stream
from .xmlstream import BLOCK, read_block

MAX_TEXT_CHARS = 10_000_000  # the XML limit (libxml2 without huge_tree: 10,000,000 per text node)
MAX_RECORD_CHARS = 64 * 1024 * 1024  # one record, raw
WRAPPER_KEYS = ("meta", "nextPageToken", "totalCount", "$schema")
_WS = re.compile(r"[ \t\r\n]*")
_BAD = re.compile("[\udc80-\udcff]")
_KEY = re.compile(r'\{[ \t\r\n]*("[^"\\]*(?:\\.[^"\\]*)*")')
_TOK = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|"')
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class JsonRecord:
    """Element ``index`` (1-based) of the records array: ``value`` or, when unreadable, ``problem``."""

    index: int
    value: Any = None
    problem: str | None = None
    offset: int = 0  # byte offset (decompressed) where the element starts

    @property
    def position(self) -> str:
        return f"record {self.index}, byte {self.offset:,}"


class _Text:
    """A decoded window on the file: ``buf`` from byte ``base``; bytes that are not UTF-8 are kept
    as lone surrogates so the record holding them can be reported."""

    def __init__(self, f: IO[bytes], base: int, path: str) -> None:
        self.f, self.base, self.path = f, base, path
        self.dec = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self.buf = ""
        self.eof = False
        self.broken: str | None = None  # why reading stopped early (a truncated .gz)
        self._mark = (0, base)  # (index, byte offset) of a known place, for offset()
        self.lines = 0 if base == 0 else None  # newlines before buf[0] (unknown after a resume)

    def fill(self, keep_from: int) -> int:
        """Read one more block, dropping ``buf[:keep_from]``; the new index of ``keep_from``."""
        if self.eof:
            return keep_from
        block, self.broken = read_block(self.f)
        self.eof = not block or self.broken is not None
        text = self.dec.decode(block, final=self.eof)
        if self.base == 0 and not self.buf and text.startswith("\ufeff"):
            text = text[1:]  # a byte-order mark
            self.base, self._mark = 3, (0, 3)
        if keep_from:
            if self.lines is not None:
                self.lines += self.buf.count("\n", 0, keep_from)
            self.base = self.offset(keep_from)
            self._mark = (0, self.base)
            self.buf = self.buf[keep_from:]
        self.buf += text
        return 0

    def offset(self, i: int) -> int:
        """The byte offset of ``buf[i]`` (incremental: linear over a pass through the buffer)."""
        j, b = self._mark
        if i < j:
            j, b = 0, self.base
        b += len(self.buf[j:i].encode("utf-8", "surrogateescape"))
        self._mark = (i, b)
        return b

    def skip_ws(self, i: int) -> int:
        """Index of the next non-blank character (reading more as needed)."""
        while True:
            m = _WS.match(self.buf, i)
            assert m is not None  # _WS matches the empty string
            i = m.end()
            if i < len(self.buf) or self.eof:
                return i
            i = self.fill(i)

    def char(self, i: int) -> tuple[str, int]:
        i = self.skip_ws(i)
        return (self.buf[i] if i < len(self.buf) else ""), i

    def fail(self, i: int, what: str) -> ParseError:
        i = min(i, len(self.buf))
        at = f"byte {self.offset(i):,}"
        if self.lines is not None:
            at = f"line {self.lines + self.buf.count(chr(10), 0, i) + 1}, {at}"
        if self.broken:
            return ParseError(f"{self.broken}: the rest of the file is missing", path=self.path, position=at)
        if i >= len(self.buf):
            return ParseError("file ended early: the rest of the file is missing", path=self.path, position=at)
        return ParseError(f"malformed JSON: {what}", path=self.path, position=at)

    def decode(self, i: int) -> tuple[Any, int, int, str | None]:
        """The JSON value at ``i``: (value, start, end, problem). Reading on may move the window, so
        ``start`` is where ``i`` is now. An unreadable value whose end is known comes back as (None,
        start, end, problem); the file ending inside it raises ParseError."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, i)
                return value, i, end, None
            except json.JSONDecodeError as e:
                close = _close(self.buf, i)
                if close is not None:  # complete but not valid JSON: this record only
                    return None, i, close, f"malformed JSON: {e.msg}"
                if self.eof:
                    raise self.fail(len(self.buf), e.msg) from None
                if len(self.buf) - i > MAX_RECORD_CHARS:
                    end = self._skip_huge(i)
                    return None, 0, end, f"record larger than {MAX_RECORD_CHARS:,} characters"
                i = self.fill(i)

    def _skip_huge(self, i: int) -> int:
        """Consume an oversized value without keeping it; the index after it."""
        depth, j = 0, i
        while True:
            for m in _TOK.finditer(self.buf, j):
                t = m.group()
                if t == '"':  # a string running past the window
                    j = m.start()
                    break
                if t[0] == '"':
                    continue
                depth += 1 if t in "[{" else -1
                if depth == 0:
                    return m.end()
            else:
                j = len(self.buf)
            if self.eof:
                raise self.fail(len(self.buf), "unterminated value")
            j = self.fill(j)


def _close(buf: str, i: int) -> int | None:
    """The index after the value starting at ``buf[i]`` (an object or array), or None when it does not
    end within ``buf``."""
    if i >= len(buf) or buf[i] not in "[{":
        return None
    depth = 0
    for m in _TOK.finditer(buf, i):
        t = m.group()
        if t == '"':
            return None
        if t[0] == '"':
            continue
        depth += 1 if t in "[{" else -1
        if depth == 0:
            return m.end()
    return None


def _too_long(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) > MAX_TEXT_CHARS
    if isinstance(value, list):
        return any(_too_long(v) for v in value)
    if isinstance(value, dict):
        return any(_too_long(v) for v in value.values())
    return False


def _check(t: _Text, start: int, end: int, value: Any) -> str | None:
    m = _BAD.search(t.buf, start, end)
    if m:
        byte = ord(m.group(0)) - 0xDC00
        return f"invalid UTF-8 (byte 0x{byte:02X} at byte {t.offset(m.start()):,})"
    if end - start > MAX_TEXT_CHARS and _too_long(value):
        return f"a text value longer than {MAX_TEXT_CHARS:,} characters (the XML limit)"
    return None


def iter_json_records(
    path: str, *, array_keys: Sequence[str], checkpoints: bool = False, resume: Checkpoint | None = None,
) -> Iterator[JsonRecord | Checkpoint]:
    """The records of a JSON file: the elements of a top-level array or of ``array_keys``' array, or
    the document itself when it is one record. See the module docstring."""
    with ExitStack() as stack:
        f = stack.enter_context(open_stream(path))
        if resume is not None:
            f.seek(resume.offset)
        t = _Text(f, resume.offset if resume else 0, path)
        t.fill(0)
        if resume is not None:
            k, wrapped = int(resume.state.get("k", 0)), bool(resume.state.get("wrapped"))
            yield from _array(t, 0, k, wrapped, checkpoints, after_element=True)
            return
        c, i = t.char(0)
        if c == "[":
            yield from _array(t, i + 1, 0, False, checkpoints)
            return
        if c != "{":
            raise t.fail(i, "expected a JSON object or array")
        yield from _object(t, i, array_keys, checkpoints)


def _object(t: _Text, i: int, array_keys: Sequence[str], checkpoints: bool) -> Iterator[JsonRecord | Checkpoint]:
    """A top-level object: a wrapper around the records array, or one record."""
    while not t.eof and len(t.buf) - i < 65536:
        i = t.fill(i)
    m = _KEY.match(t.buf, i)
    if m and _DECODER.decode(m.group(1)) not in (*array_keys, *WRAPPER_KEYS):  # the document is one record
        value, start, end, problem = t.decode(i)
        problem = problem or _check(t, start, end, value)
        yield JsonRecord(1, None if problem else value, problem, t.offset(start))
        _end_of_document(t, end)
        return
    yield from _wrapper(t, i + 1, array_keys, checkpoints, first=True)


def _wrapper(t: _Text, i: int, array_keys: Sequence[str], checkpoints: bool, *,
             first: bool) -> Iterator[JsonRecord | Checkpoint]:
    """Keys of the wrapper object from ``i`` (at a key, a comma or the closing brace)."""
    while True:
        c, i = t.char(i)
        if c == "}":
            _end_of_document(t, i + 1)
            return
        if c == "," and not first:
            c, i = t.char(i + 1)
        first = False
        if c != '"':
            raise t.fail(i, "expected a key")
        key, _, i, problem = t.decode(i)
        c, i = t.char(i)
        if problem or c != ":":
            raise t.fail(i, "expected ':' after a key")
        c, i = t.char(i + 1)
        if key in array_keys and c == "[":
            yield from _array(t, i + 1, 0, True, checkpoints, array_keys=array_keys)
            return
        _, _, i, problem = t.decode(i)
        if problem:
            raise t.fail(i, problem)


def _array(t: _Text, i: int, k: int, wrapped: bool, checkpoints: bool, *, after_element: bool = False,
           array_keys: Sequence[str] = ()) -> Iterator[JsonRecord | Checkpoint]:
    """Elements of the records array from ``i`` (just after ``[``, or after element ``k``)."""
    c, i = t.char(i)
    if not after_element and c == "]":
        i += 1
    else:
        while True:
            if after_element:
                if c == "]":
                    i += 1
                    break
                if c != ",":
                    raise t.fail(i, "expected ',' or ']' between records")
                c, i = t.char(i + 1)
            value, start, end, problem = t.decode(i)
            k += 1
            problem = problem or _check(t, start, end, value)
            yield JsonRecord(k, None if problem else value, problem, t.offset(start))
            if checkpoints:
                yield Checkpoint(t.offset(end), {"k": k, "wrapped": wrapped})
            after_element = True
            # drop what is done so the window does not grow
            if end > BLOCK:
                end = t.fill(end) if not t.eof else end
            c, i = t.char(end)
    if wrapped:
        yield from _wrapper(t, i, array_keys, checkpoints, first=False)
    else:
        _end_of_document(t, i)


def _end_of_document(t: _Text, i: int) -> None:
    c, i = t.char(i)
    if c:
        raise t.fail(i, "unexpected text after the end of the document")
    if t.broken:
        raise t.fail(i, "")


def records_from_json(
    path: str, *, array_keys: Sequence[str], to_record: Callable[[Any, int], Record | Skipped], noun: str,
    checkpoints: bool = False, resume: Checkpoint | None = None,
) -> Iterator[Record | Skipped | Checkpoint]:
    """``to_record(value, index)`` for each record of a JSON file, each in isolation: an unreadable
    element or one ``to_record`` fails on becomes a Skipped naming the file, the position and why."""
    for item in iter_json_records(path, array_keys=array_keys, checkpoints=checkpoints, resume=resume):
        if isinstance(item, Checkpoint):
            yield item
            continue
        pos = f"{noun} {item.index}, byte {item.offset:,}"
        if item.problem:
            yield Skipped(reason=item.problem, path=path, position=pos)
            continue
        try:
            yield to_record(item.value, item.index)
        except Exception as e:  # a shape the field functions did not expect: this record only
            yield Skipped(reason=f"unreadable {noun}: {type(e).__name__}: {e}"[:300], path=path, position=pos)


__all__ = ["MAX_RECORD_CHARS", "MAX_TEXT_CHARS", "JsonRecord", "iter_json_records", "records_from_json"]
