"""PubMed's CSV export (Save -> CSV): PMID, Title, Authors, Citation, First Author, Journal/Book,
Publication Year, Create Date, PMCID, NIHMS ID, DOI. No abstracts in this export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import InputError
from ..models import Record, Skipped
from .mapped import csv_header, iter_csv_rows, parse_rows, row_to_record
from .registry import SourceFormat, register
from .xmlsafe import clean, dedupe

FORMAT = "pubmed-csv"
MAPPING = {
    "pmid": "PMID",
    "title": "Title",
    "journal": "Journal/Book",
    "year": "Publication Year",
    "pmcid": "PMCID",
    "doi": "DOI",
}


def split_authors(value: str | None) -> list[str]:
    """"Smith J, Doe AB." -> ["Smith J", "Doe AB"]."""
    if not value:
        return []
    return dedupe((clean(a) or "").rstrip(".") for a in value.split(","))


def to_record(row: Mapping[str, Any], line: int, *, path: str) -> Record | Skipped:
    r = row_to_record(row, MAPPING, path=path, line=line, fmt=FORMAT)
    if isinstance(r, Record):
        r.authors = split_authors(row.get("Authors"))
        citation = clean(row.get("Citation"))
        if citation:
            r.extra["citation"] = citation
        created = clean(row.get("Create Date"))
        if created:
            r.extra["create_date"] = created
    return r


def parse(path: str, **_options: Any) -> Iterator[Record | Skipped]:
    header = csv_header(path)
    if "PMID" not in header:
        raise InputError(f"{path}: no PMID column; is this a PubMed CSV export? Columns: {', '.join(header[:12])}")
    yield from parse_rows(path, iter_csv_rows(path, delimiter=","), lambda row, line: to_record(row, line, path=path))


def sniff(name: str, head: bytes) -> bool:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return first.startswith(b"PMID,Title,Authors") or first.startswith(b'"PMID","Title","Authors"')


register(SourceFormat(name=FORMAT, description="PubMed CSV export (PMID, Title, Authors, Citation, ...)",
                      sniff=sniff, parse=parse, priority=15))
