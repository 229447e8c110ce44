"""The table of record formats that ``ingest`` can read, keyed by name.

A source module registers a :class:`SourceFormat` at import time. ``detect`` picks a format
from the file name and its first bytes (decompressed when gzip), so adding a source means
adding a module and listing it in ``_BUILTIN``, not editing a chain of ``if``s.
"""

from __future__ import annotations

import gzip
import importlib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..models import Deletion, Record, Skipped, VocabTerm

Item = Record | Deletion | Skipped | VocabTerm
Parser = Callable[..., Iterator[Item]]


@dataclass(frozen=True)
class SourceFormat:
    name: str  # "medline-xml"
    description: str
    sniff: Callable[[str, bytes], bool]  # (file name lower-cased, first 8 KB decompressed) -> bool
    parse: Parser  # parse(path, **options) -> records, deletions and skipped items, in file order
    priority: int = 50  # lower wins when several sniff true


FORMATS: dict[str, SourceFormat] = {}

_BUILTIN = [
    "rxevidence.sources.medline",
    "rxevidence.sources.medline_text",
    "rxevidence.sources.ris",
    "rxevidence.sources.pubmed_csv",
    "rxevidence.sources.mapped",
    "rxevidence.sources.spl",
    "rxevidence.sources.openfda",
    "rxevidence.sources.drugsfda",
    "rxevidence.sources.ctgov",
    "rxevidence.sources.vocab_files",
]
_loaded = False


def register(fmt: SourceFormat) -> SourceFormat:
    FORMATS[fmt.name] = fmt
    return fmt


def load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    for mod in _BUILTIN:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as e:
            if e.name != mod:
                raise
    _loaded = True


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
    return io.TextIOWrapper(open_binary(path), encoding=encoding, errors="replace", newline="")


def head_bytes(path: str | Path, n: int = 8192) -> bytes:
    p = Path(path)
    if zipfile.is_zipfile(p):
        return b"PK\x03\x04"
    try:
        with open_binary(p) as f:
            return f.read(n)
    except (OSError, EOFError) as e:
        raise InputError(f"{p}: cannot read ({e})") from e


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


def parse_path(path: str | Path, *, fmt: str | None = None, **options: Any) -> Iterator[Item]:
    return detect(path, fmt=fmt).parse(str(path), **options)
