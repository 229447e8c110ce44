"""Streaming XML with per-record isolation and restart points, for files of many records (MEDLINE).

:func:`stream_records` reads the file in 1 MB blocks and feeds the hardened pull parser up to the
end of the last whole top-level record in each block (found by its end tag, e.g.
``</PubmedArticle>``). So after every feed it knows the exact byte where a record ended: a
:class:`~rxevidence.sources.registry.Checkpoint`. Resuming from one seeks there (a ``.gz`` is
decompressed up to it, nothing is parsed) and feeds the document's prolog first.

When libxml2 rejects a block (a malformed record, one invalid UTF-8 byte, a text node over 10 MB),
the block is parsed again record by record, each as its own small document: the bad records come
back as :class:`Broken` with their byte offset and reason, the good ones as usual, and parsing goes
on after them. A file that ends inside a record (cut short, or a truncated ``.gz``) ends with a
:class:`Broken` saying so.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO

from lxml import etree

from .registry import Checkpoint
from .xmlsafe import _GZ_ERRORS, _HARDENED, open_stream
from .xmlsafe import release as _release

BLOCK = 1 << 18  # 256 KB: a restart point every ~60 MEDLINE records, as fast as 1 MB
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)(?=[\s/>])[^>]*>")


@dataclass(frozen=True)
class Broken:
    """A stretch of the file that could not be read as a record (it is skipped and reported)."""

    reason: str
    offset: int  # byte offset (decompressed) where the stretch starts
    line: int | None = None  # line in the file, when known (not after a resume)
    ended_early: bool = False  # the file stopped here: whatever followed is missing


def read_block(f: IO[bytes], size: int = BLOCK) -> tuple[bytes, str | None]:
    """Up to ``size`` bytes, and why the stream stopped when it broke (a truncated ``.gz``): the bytes
    decompressed before the break are kept (``read`` would drop them with the exception)."""
    parts: list[bytes] = []
    n = 0
    read1 = getattr(f, "read1", f.read)
    while n < size:
        try:
            b = read1(size - n)
        except _GZ_ERRORS as e:
            return b"".join(parts), f"truncated or corrupt compressed file ({_err(e)})"
        except OSError as e:
            return b"".join(parts), f"read error ({_err(e)})"
        if not b:
            break
        parts.append(b)
        n += len(b)
    return b"".join(parts), None


def _prolog(head: bytes) -> tuple[bytes, str] | None:
    """(bytes up to the end of the root start tag, root tag) from the start of a document."""
    for m in _ROOT.finditer(head):
        before = head[: m.start()]
        if before.count(b"<!--") > before.count(b"-->"):
            continue  # inside a comment
        return head[: m.end()], m.group(1).decode("ascii", "replace")
    return None


class _Feeder:
    """One pull parser over a document; ``feed`` returns the elements of ``tags`` that ended."""

    def __init__(self, tags: tuple[str, ...], prolog: bytes | None) -> None:
        self.tags = tags
        self.parser = etree.XMLPullParser(events=("end",), tag=tags, remove_comments=True, **_HARDENED)
        if prolog:
            self.parser.feed(prolog)

    def feed(self, data: bytes) -> Iterator[etree._Element]:
        """Feed ``data`` (raises XMLSyntaxError now), then the elements that ended, lazily."""
        self.parser.feed(data)
        return (el for _e, el in self.parser.read_events())

    def close(self) -> Iterator[etree._Element]:
        self.parser.close()
        return (el for _e, el in self.parser.read_events())


def _is_top(el: etree._Element) -> bool:
    parent = el.getparent()
    return parent is not None and parent.getparent() is None


_LIBXML_POS = re.compile(r",? line \d+, column \d+$")


def _err(e: BaseException) -> str:
    """libxml2's message without its own line/column (relative to what was fed; we give our own)."""
    msg = " ".join(str(getattr(e, "msg", None) or e).split())
    return _LIBXML_POS.sub("", msg)[:200]


def stream_records(
    f: IO[bytes],
    tags: Iterable[str],
    *,
    boundaries: Mapping[str, tuple[str, ...]],
    checkpoints: bool = False,
    resume: Checkpoint | None = None,
    prolog_source: IO[bytes] | None = None,
) -> Iterator[etree._Element | Checkpoint | Broken]:
    """Elements named ``tags`` (end events, in order; the caller handles each before asking for the
    next), :class:`Broken` stretches and, with ``checkpoints``, a Checkpoint after each fed block.

    ``boundaries`` maps a root tag to the top-level record tags whose end tags mark safe cuts
    (``{"PubmedArticleSet": ("PubmedArticle", "PubmedBookArticle", "DeleteCitation")}``); a root
    not in it is fed without cuts (no checkpoints, no isolation). ``resume`` restarts at a
    checkpoint of the same file; ``prolog_source`` is then the same file opened again, to read the
    document's prolog from its start.
    """
    tags = tuple(tags)
    base = 0
    line: int | None = 1
    if resume is not None:
        head, _ = read_block(prolog_source or f)
        found = _prolog(head)
        if found is None:
            yield Broken("no XML root element at the start of the file", 0, ended_early=True)
            return
        prolog, root = found
        f.seek(resume.offset)
        base, line = resume.offset, None
        pending = b""
    else:
        pending, first_error = read_block(f)
        found = _prolog(pending)
        prolog, root = found if found else (b"", "")
    ends = [f"</{t}>".encode() for t in boundaries.get(root, ())]
    feeder = _Feeder(tags, prolog if resume is not None else None)
    eof = False
    tail_reason: str | None = None
    while not eof:
        if resume is None and first_error:  # a .gz cut short within its first block
            block, tail_reason = b"", first_error
        else:
            block, tail_reason = read_block(f)
        eof = not block or tail_reason is not None
        pending += block
        cut = len(pending) if eof else max((pending.rfind(t) + len(t) for t in ends if t in pending), default=0)
        if not eof and cut == 0:
            if len(pending) < 16 * BLOCK:
                continue  # a record longer than the block: read on
            cut = len(pending)  # no end tag in 16 MB: feed it anyway (no restart point here)
        chunk, pending = pending[:cut], pending[cut:]
        try:
            els = feeder.feed(chunk)
            if eof:
                els = itertools.chain(list(els), feeder.close())
        except etree.XMLSyntaxError as e:
            if not ends:
                yield Broken(tail_reason or f"malformed XML: {_err(e)}", base, line, ended_early=True)
                return
            yield from _isolate(chunk, base, line, tags, ends, prolog, root, checkpoints, eof, tail_reason)
            base, line = base + len(chunk), (line + chunk.count(b"\n")) if line is not None else None
            feeder = _Feeder(tags, prolog)
            continue
        last_top = None
        for el in els:
            if _is_top(el):
                last_top = el.tag
            yield el
            _release(el, tags)
        base, line = base + len(chunk), (line + chunk.count(b"\n")) if line is not None else None
        if tail_reason:
            yield Broken(tail_reason, base, line, ended_early=True)
        elif checkpoints and not eof and last_top is not None and chunk.endswith(f"</{last_top}>".encode()):
            yield Checkpoint(base, {})


def _utf8_problem(data: bytes, base: int) -> str | None:
    """The same words as the JSON reader for a byte that is not UTF-8, or None."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"invalid UTF-8 (byte 0x{data[e.start]:02X} at byte {base + e.start:,})"
    return None


def _isolate(
    chunk: bytes, base: int, line: int | None, tags: tuple[str, ...], ends: list[bytes], prolog: bytes,
    root: str, checkpoints: bool, eof: bool, tail_reason: str | None,
) -> Iterator[etree._Element | Checkpoint | Broken]:
    """Parse ``chunk`` (starting at a record boundary) one record at a time, each as a document."""
    closing = f"</{root}>".encode()
    pat = re.compile(b"|".join(re.escape(t) for t in ends))
    pieces: list[tuple[int, int]] = []
    start = 0
    for m in pat.finditer(chunk):
        pieces.append((start, m.end()))
        start = m.end()
    if start < len(chunk):
        pieces.append((start, len(chunk)))
    ended = False
    for a, b in pieces:
        piece = chunk[a:b]
        a0 = a + len(piece) - len(piece.lstrip())  # where the record's own text starts
        at_line = (line + chunk.count(b"\n", 0, a0)) if line is not None else None
        is_tail = b == len(chunk) and not piece.endswith(tuple(ends))
        if is_tail and not piece.replace(closing, b"").strip():
            break  # only the end of the document (or nothing) after the last record
        if base + a == 0 and prolog and piece.startswith(prolog):
            piece = piece[len(prolog):]  # the document's own start
        doc = (prolog or f"<{root}>".encode()) + piece + (b"" if closing in piece else closing)
        try:
            feeder = _Feeder(tags, None)
            els = list(feeder.feed(doc))
            els += list(feeder.close())
        except etree.XMLSyntaxError as e:
            if is_tail and eof:
                reason = tail_reason or "file ended mid-record: the rest of the file is missing"
                yield Broken(reason, base + a0, at_line, ended_early=True)
                ended = True
            else:
                yield Broken(_utf8_problem(piece, base + a) or f"malformed XML: {_err(e)}", base + a0, at_line)
            continue
        for el in els:
            yield el
            _release(el, tags)
        if checkpoints and not is_tail and not eof:
            yield Checkpoint(base + b, {})
    if eof and not ended and (tail_reason or closing not in chunk):
        yield Broken(tail_reason or f"file ended early: no closing </{root}>", base + len(chunk), None,
                     ended_early=True)


__all__ = ["BLOCK", "Broken", "open_stream", "stream_records"]
