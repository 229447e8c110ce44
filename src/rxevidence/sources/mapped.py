"""Any CSV/TSV/JSONL of records, read through an explicit column mapping.

``rxevidence ingest --map pmid=pubmedID,title=title,abstract=abstract data.csv`` sets
``options["mapping"] = {record field: column}``. Fields: pmid, id, title, abstract, year, date,
journal, authors (split on ";"), doi, pmcid, nct, kind (default article), publication_types (";"),
keywords (";"). A row with neither id nor pmid, or with a non-numeric pmid, is skipped and counted.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, get_args

from ..errors import InputError, ParseError
from ..models import Provenance, Record, RecordKind, Section, Skipped
from .registry import SourceFormat, bad_text, open_text, register
from .xmlsafe import clean, dedupe, read_errors

FORMAT = "mapped"
FIELDS = (
    "pmid", "id", "title", "abstract", "year", "date", "journal", "authors", "doi", "pmcid", "nct",
    "kind", "publication_types", "keywords",
)
KINDS: tuple[str, ...] = get_args(RecordKind)
_YEAR_RE = re.compile(r"^\s*(\d{4})(?:\.0+)?\s*$")
_NCT_RE = re.compile(r"NCT\d{8}", re.IGNORECASE)

# CSV cells can be long (abstracts, label sections); allow up to 16 MB per field.
csv.field_size_limit(min(sys.maxsize, 16 * 1024 * 1024))


def parse_year(value: str | None) -> int | None:
    """"1999", "1999.0" (spreadsheet exports) or the year of an ISO date -> 1999."""
    if not value:
        return None
    m = _YEAR_RE.match(value) or re.match(r"^\s*(\d{4})-\d\d", value)
    if not m:
        return None
    y = int(m.group(1))
    return y if 1800 <= y <= 2100 else None


def split_list(value: str | None, sep: str = ";") -> list[str]:
    if not value:
        return []
    return dedupe(clean(v) or "" for v in value.split(sep))


def check_mapping(mapping: Mapping[str, str] | None) -> dict[str, str]:
    if not mapping:
        raise InputError(
            "The mapped format needs a column mapping, e.g. --map pmid=PMID,title=Title,abstract=Abstract"
        )
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise InputError(f"--map: unknown record field(s) {', '.join(unknown)}; known: {', '.join(FIELDS)}")
    if "pmid" not in mapping and "id" not in mapping:
        raise InputError("--map must name an identifier column: pmid=<column> or id=<column>")
    return dict(mapping)


def row_to_record(
    row: Mapping[str, Any],
    mapping: Mapping[str, str],
    *,
    path: str,
    line: int,
    fmt: str = FORMAT,
    default_kind: str = "article",
    author_sep: str = ";",
) -> Record | Skipped:
    """One row (dict of column -> value) -> Record, or Skipped with the reason."""

    def get(field: str) -> str | None:
        col = mapping.get(field)
        if col is None:
            return None
        v = row.get(col)
        if v is None:
            return None
        if isinstance(v, list):
            v = ";".join(str(x) for x in v)
        return clean(str(v))

    pos = f"row {line}"
    pmid = get("pmid")
    rid = get("id")
    if pmid is not None:
        if pmid.endswith(".0"):  # spreadsheet-mangled integer
            pmid = pmid[:-2]
        if not pmid.isdigit():
            return Skipped(reason=f"non-numeric PMID {pmid[:40]!r}", path=path, position=pos)
        rid = rid if rid and ":" in rid else f"pmid:{pmid}"
    if not rid:
        return Skipped(reason="no identifier", path=path, position=pos)
    if ":" not in rid:
        rid = f"ext:{rid}"
    kind = (get("kind") or default_kind).lower()
    if kind not in KINDS:
        return Skipped(reason=f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})", path=path, position=pos)
    abstract = get("abstract")
    date = get("date")
    year = parse_year(get("year")) or parse_year(date)
    nct = get("nct")
    return Record(
        id=rid,
        kind=kind,
        title=get("title"),
        sections=[Section(text=abstract)] if abstract else [],
        pmid=pmid,
        doi=get("doi"),
        pmcid=get("pmcid"),
        nct_ids=dedupe(m.upper() for m in _NCT_RE.findall(nct or "")),
        journal=get("journal"),
        year=year,
        date=date,
        authors=split_list(get("authors"), author_sep),
        publication_types=split_list(get("publication_types")),
        keywords=split_list(get("keywords")),
        provenance=Provenance(source=path, format=fmt, position=pos),
    )


def iter_csv_rows(path: str, *, delimiter: str | None = None) -> Iterator[tuple[int, dict[str, str] | None, str | None]]:
    """(line number, row dict or None, problem) for each data row of a CSV/TSV file.

    A row with the wrong number of cells comes back as (line, None, reason); a broken quote at the
    end of the file raises ParseError with the line where the bad record starts.
    """
    if delimiter is None:
        delimiter = "\t" if Path(path).name.lower().removesuffix(".gz").endswith((".tsv", ".tab")) else ","
    with read_errors(path), open_text(path) as f:
        reader = csv.reader(f, delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise ParseError(f"malformed CSV header: {e}", path=path, position="line 1") from e
        header = [h.strip() for h in header]
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise ParseError(f"malformed CSV: {e}", path=path, position=f"line {start}") from e
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != len(header):
                yield start, None, f"expected {len(header)} cells, found {len(cells)}"
                continue
            yield start, dict(zip(header, cells, strict=True)), None


def csv_header(path: str, *, delimiter: str | None = None) -> list[str]:
    if delimiter is None:
        delimiter = "\t" if Path(path).name.lower().removesuffix(".gz").endswith((".tsv", ".tab")) else ","
    with read_errors(path), open_text(path) as f:
        try:
            return [h.strip() for h in next(csv.reader(f, delimiter=delimiter))]
        except (StopIteration, csv.Error):
            return []


def iter_jsonl_rows(path: str) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(line number, object or None, problem) for each non-blank line of a JSON Lines file."""
    with read_errors(path), open_text(path) as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                yield n, None, f"invalid JSON at column {e.colno}: {e.msg}"
                continue
            if not isinstance(obj, dict):
                yield n, None, "not a JSON object"
                continue
            yield n, obj, None


def is_jsonl(path: str) -> bool:
    name = Path(path).name.lower().removesuffix(".gz")
    return name.endswith((".jsonl", ".ndjson", ".json"))


def parse_rows(
    path: str,
    rows: Iterator[tuple[int, Mapping[str, Any] | None, str | None]],
    to_record: Callable[[Mapping[str, Any], int], Record | Skipped],
) -> Iterator[Record | Skipped]:
    for line, row, problem in rows:
        if row is None:
            yield Skipped(reason=problem or "unreadable row", path=path, position=f"row {line}")
            continue
        bad = bad_text(row)
        if bad:
            yield Skipped(reason=bad, path=path, position=f"row {line}")
            continue
        try:
            yield to_record(row, line)
        except Exception as e:  # this row only
            yield Skipped(reason=f"unreadable row: {type(e).__name__}: {e}"[:300], path=path, position=f"row {line}")


def parse(path: str, *, mapping: Mapping[str, str] | None = None, delimiter: str | None = None,
          kind: str = "article", **_options: Any) -> Iterator[Record | Skipped]:
    """Records from a CSV/TSV/JSONL file through ``mapping`` ({record field: column})."""
    m = check_mapping(mapping)
    if is_jsonl(path):
        rows: Iterator[tuple[int, Mapping[str, Any] | None, str | None]] = iter_jsonl_rows(path)
    else:
        header = csv_header(path, delimiter=delimiter)
        missing = [c for c in m.values() if c not in header]
        if missing:
            raise InputError(
                f"{path}: column(s) {', '.join(missing)} not in the header. Columns: {', '.join(header[:30])}"
            )
        rows = iter_csv_rows(path, delimiter=delimiter)
    yield from parse_rows(
        path, rows, lambda row, line: row_to_record(row, m, path=path, line=line, default_kind=kind)
    )


def sniff(name: str, head: bytes) -> bool:
    return False  # chosen with --map (or --format mapped), never guessed


register(
    SourceFormat(
        name=FORMAT,
        description="Any CSV/TSV/JSONL of records through --map field=column (pmid, id, title, abstract, ...)",
        sniff=sniff,
        parse=parse,
        priority=90,
    )
)
