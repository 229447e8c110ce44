"""The table of record formats that ``ingest`` can read, keyed by name.

A source module registers a :class:`SourceFormat` at import time. ``detect`` picks a format
from the file name and its first bytes (decompressed when gzip), so adding a source means
adding a module to ``rxevidence/sources/`` that calls :func:`register` (every module of the package is
imported by :func:`load_builtin`), not editing a chain of ``if``s.
"""

from __future__ import annotations

import gzip
import importlib
import io
import pkgutil
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..models import Deletion, Record, Skipped, VocabTerm


@dataclass(frozen=True)
class Checkpoint:
    """A place a parser can restart from: ``offset`` bytes into the (decompressed) file, just after a
    whole record, and the parser's own counters there (``state``, JSON-serialisable).

    Parsers of a ``resumable`` format yield one after each record (or group of records) when called
    with ``checkpoints=True``, and accept ``resume=Checkpoint(...)`` to start from one: a plain file
    seeks there, a ``.gz`` one is decompressed up to it without parsing anything. ``ingest`` saves the
    latest checkpoint with each batch, so a resumed run neither re-reads nor re-parses what was done.
    """

    offset: int
    state: dict[str, Any]


Item = Record | Deletion | Skipped | VocabTerm
Parser = Callable[..., Iterator[Item | Checkpoint]]  # Checkpoint only when asked for (checkpoints=True)


@dataclass(frozen=True)
class SourceFormat:
    name: str  # "medline-xml"
    description: str
    sniff: Callable[[str, bytes], bool]  # (file name lower-cased, first 8 KB decompressed) -> bool
    parse: Parser  # parse(path, **options) -> records, deletions and skipped items, in file order
    priority: int = 50  # lower wins when several sniff true
    resumable: bool = False  # parse() takes checkpoints=True and resume=Checkpoint (see Checkpoint)


FORMATS: dict[str, SourceFormat] = {}

def _source_modules() -> list[str]:
    """Every module of the ``rxevidence.sources`` package (the format modules register themselves)."""
    package = __name__.rpartition(".")[0]
    found = pkgutil.iter_modules([str(Path(__file__).parent)])
    return [f"{package}.{m.name}" for m in sorted(found, key=lambda m: m.name)]


_loaded = False


def register(fmt: SourceFormat) -> SourceFormat:
    FORMATS[fmt.name] = fmt
    return fmt


def load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    for mod in _source_modules():
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as e:
            if e.name != mod:
                raise
    _loaded = True


def listed_formats() -> list[SourceFormat]:
    """Every registered record format, in detection order (priority, then name)."""
    load_builtin()
    return sorted(FORMATS.values(), key=lambda f: (f.priority, f.name))


def open_binary(path: str | Path) -> IO[bytes]:
    """Open a file for reading bytes, transparently un-gzipping ``.gz`` (by magic number)."""
    p = Path(path)
    f = open(p, "rb")
    magic = f.read(2)
    f.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=f, mode="rb")  # type: ignore[return-value]
    return f


def open_text(path: str | Path, encoding: str = "utf-8-sig") -> IO[str]:
    """A text stream; bytes that are not valid UTF-8 come through as lone surrogates
    (``surrogateescape``) so parsers can report the record they spoil (:func:`bad_text`) instead of
    replacing them silently."""
    return io.TextIOWrapper(open_binary(path), encoding=encoding, errors="surrogateescape", newline="")


_BAD_TEXT = re.compile("[\udc80-\udcff]")


def bad_text(*values: object) -> str | None:
    """A reason when any of ``values`` (strings, or lists/dicts of them) holds bytes that were not
    valid UTF-8 (see :func:`open_text`), else None."""
    for v in values:
        if isinstance(v, str):
            m = _BAD_TEXT.search(v)
            if m:
                byte = ord(m.group(0)) - 0xDC00
                return f"invalid UTF-8 (byte 0x{byte:02X} at character {m.start() + 1} of a value)"
        elif isinstance(v, (list, tuple)):
            r = bad_text(*v)
            if r:
                return r
        elif isinstance(v, dict):
            r = bad_text(*v.keys(), *v.values())
            if r:
                return r
    return None


def head_bytes(path: str | Path, n: int = 8192) -> bytes:
    """The first ``n`` bytes (decompressed: a ``.gz`` cut short still shows its start), without a
    UTF-8 byte-order mark; FileUnreadable when the file cannot be read (permission denied, I/O error)."""
    p = Path(path)
    try:
        if zipfile.is_zipfile(p):
            return b"PK\x03\x04"
        with open(p, "rb") as f:
            raw = f.read(max(n, 65536))
    except PermissionError as e:
        raise FileUnreadable(f"{p}: permission denied") from e
    except IsADirectoryError as e:
        raise FileUnreadable(f"{p}: is a directory") from e
    except OSError as e:
        raise FileUnreadable(f"{p}: cannot read ({e.strerror or e})") from e
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = zlib.decompressobj(wbits=31).decompress(raw, n)
        except zlib.error as e:
            raise FileUnreadable(f"{p}: corrupt compressed file ({e})") from e
    return raw[:n].removeprefix(b"\xef\xbb\xbf")


class FileUnreadable(InputError):
    """A file that exists but cannot be read (permission denied, I/O error)."""


def detect(path: str | Path, *, fmt: str | None = None) -> SourceFormat:
    """The format of ``path`` (or the one named by ``fmt``); InputError when unknown."""
    load_builtin()
    if fmt:
        if fmt not in FORMATS:
            raise InputError(f"Unknown format {fmt!r}; known: {', '.join(sorted(FORMATS))}")
        return FORMATS[fmt]
    head = head_bytes(path)
    name = Path(path).name.lower()
    matches = [f for f in FORMATS.values() if _safe_sniff(f, name, head)]
    if not matches:
        raise InputError(
            f"{path}: unrecognised format. Known formats: {', '.join(sorted(FORMATS))}. "
            "Name one with --format, or give a column mapping with --map for CSV/JSONL."
        )
    matches.sort(key=lambda f: (f.priority, f.name))
    return matches[0]


def _safe_sniff(f: SourceFormat, name: str, head: bytes) -> bool:
    try:
        return bool(f.sniff(name, head))
    except Exception:  # a sniffer must never break detection
        return False


def parse_path(path: str | Path, *, fmt: str | None = None, **options: Any) -> Iterator[Item | Checkpoint]:
    return detect(path, fmt=fmt).parse(str(path), **options)
