"""MEDLINE text ("PubMed format", .nbib/.txt as saved from a PubMed search) -> ``article`` records.

Each line is ``TAG - value`` with the tag padded to four characters; a line starting with six
spaces continues the previous value; a blank line ends a record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..models import MeshHeading, Provenance, Record, Section, Skipped
from .medline import NCT_RE
from .registry import SourceFormat, bad_text, open_text, register
from .xmlsafe import clean, dedupe, read_errors

FORMAT = "medline-text"
_LINE = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*- ?(.*)$")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ID_SUFFIX = re.compile(r"^(.*?)\s*\[(\w+)\]\s*$")
_PMID_IN = re.compile(r"PMID:\s*(\d+)")

Fields = dict[str, list[str]]


def iter_blocks(lines: Iterator[str]) -> Iterator[tuple[int, Fields]]:
    """(first line number, {tag: [values]}) for each record; continuation lines are joined."""
    fields: Fields = {}
    tag: str | None = None
    start = 0
    for n, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if fields:
                yield start, fields
            fields, tag = {}, None
            continue
        if line.startswith("      ") and tag is not None:
            fields[tag][-1] += " " + line.strip()
            continue
        m = _LINE.match(line)
        if not m:
            continue  # stray line: ignored (counted nowhere, like PubMed's own readers)
        if not fields:
            start = n
        tag = m.group(1)
        fields.setdefault(tag, []).append(m.group(2).strip())
    if fields:
        yield start, fields


def parse_dp(value: str | None) -> str | None:
    """"2002 Sep", "2015 Oct-Dec", "2002 Sep 15", "2019" -> ISO "2002-09" / "2015-10" / "2002-09-15" / "2019"."""
    if not value:
        return None
    parts = value.split()
    if not parts or not parts[0][:4].isdigit():
        return None
    out = parts[0][:4]
    if len(parts) > 1:
        mon = _MONTHS.get(parts[1][:3].lower())
        if mon:
            out += f"-{mon:02d}"
            if len(parts) > 2 and parts[2].isdigit() and 1 <= int(parts[2]) <= 31:
                out += f"-{int(parts[2]):02d}"
    return out


def parse_mh(value: str) -> MeshHeading:
    """"*Back Pain/drug therapy/*prevention & control" -> MeshHeading (stars mark major topics)."""
    parts = [p.strip() for p in value.split("/")]
    desc = parts[0]
    quals = [q.lstrip("*") for q in parts[1:] if q]
    return MeshHeading(
        descriptor=desc.lstrip("*"),
        major=desc.startswith("*"),
        qualifiers=quals,
        major_qualifiers=[q.lstrip("*") for q in parts[1:] if q.startswith("*")],
    )


def parse_rn(value: str) -> str | None:
    """"Q3JTX2Q7TU (Diazepam)" -> "Diazepam"; a bare name stays as is."""
    m = re.search(r"\((.+)\)\s*$", value)
    return clean(m.group(1) if m else value)


def parse_ids(values: list[str]) -> dict[str, str]:
    """LID/AID values "10.1/x [doi]" -> {"doi": "10.1/x"}."""
    out: dict[str, str] = {}
    for v in values:
        m = _ID_SUFFIX.match(v)
        if m and m.group(2).lower() not in out:
            out[m.group(2).lower()] = m.group(1).strip()
    return out


def fields_to_record(f: Fields, *, path: str, line: int, position: int) -> Record | Skipped:
    pos = f"record {position} (line {line})"
    pmid = (f.get("PMID") or [""])[0].strip()
    if not pmid.isdigit():
        return Skipped(reason="record without a numeric PMID", path=path, position=pos)

    def one(tag: str) -> str | None:
        vals = f.get(tag)
        return clean(vals[0]) if vals else None

    ab = one("AB")
    ids = parse_ids(f.get("LID", []) + f.get("AID", []))
    pts = dedupe(clean(v) or "" for v in f.get("PT", []))
    notices = dedupe(f"pmid:{m}" for v in f.get("RIN", []) for m in _PMID_IN.findall(v))
    date = parse_dp(one("DP"))
    sections = [Section(text=ab)] if ab else []
    si_ncts = [m for v in f.get("SI", []) for m in NCT_RE.findall(v)]
    pmc = one("PMC")
    authors = [clean(a) or "" for a in f.get("AU", [])] or [clean(a) or "" for a in f.get("FAU", [])]
    authors += [clean(c) or "" for c in f.get("CN", [])]
    return Record(
        id=f"pmid:{pmid}",
        kind="article",
        title=one("TI") or one("BTI"),
        sections=sections,
        pmid=pmid,
        doi=ids.get("doi"),
        pmcid=pmc,
        nct_ids=dedupe(si_ncts + (NCT_RE.findall(ab) if ab else [])),
        journal=one("JT") or one("TA"),
        year=int(date[:4]) if date else None,
        date=date,
        authors=[a for a in authors if a],
        language=one("LA"),
        publication_types=pts,
        mesh=[parse_mh(v) for v in f.get("MH", []) if v.strip()],
        chemicals=dedupe(parse_rn(v) or "" for v in f.get("RN", [])),
        keywords=dedupe(clean(v) or "" for v in f.get("OT", [])),
        retracted=bool(notices) or "Retracted Publication" in pts,
        retraction_notices=notices,
        extra={"journal_abbrev": one("TA")} if one("TA") else {},
        provenance=Provenance(source=path, format=FORMAT, position=pos),
    )


def parse(path: str, **_options: Any) -> Iterator[Record | Skipped]:
    with read_errors(path), open_text(path) as fh:
        for k, (line, fields) in enumerate(iter_blocks(iter(fh)), start=1):
            bad = bad_text(fields)
            if bad:
                yield Skipped(reason=bad, path=path, position=f"record {k}, line {line}")
                continue
            try:
                yield fields_to_record(fields, path=path, line=line, position=k)
            except Exception as e:  # this record only
                yield Skipped(reason=f"unreadable record: {type(e).__name__}: {e}"[:300], path=path,
                              position=f"record {k}, line {line}")


def sniff(name: str, head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf\r\n ").startswith(b"PMID-")


register(SourceFormat(name=FORMAT, description='MEDLINE text ("PubMed format", .nbib/.txt)', sniff=sniff,
                      parse=parse, priority=15))
