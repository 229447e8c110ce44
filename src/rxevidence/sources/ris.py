"""RIS (reference managers, PubMed's "Citation manager" export) -> ``article`` records.

PubMed puts the PMID in ``AN`` or in a ``UR`` link; without a PMID the id is ``doi:<DOI>``,
else ``ext:<sha1 of the title>``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

from ..models import Provenance, Record, Section, Skipped
from .medline import NCT_RE
from .registry import SourceFormat, bad_text, open_text, register
from .xmlsafe import clean, dedupe, read_errors

FORMAT = "ris"
_LINE = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")
_PMID_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d+)")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def ext_id(title: str) -> str:
    return "ext:" + hashlib.sha1(title.strip().lower().encode()).hexdigest()


def ris_author(value: str) -> str | None:
    """"Smith, John A." -> "Smith JA"; "Smith JA" stays."""
    v = clean(value)
    if not v:
        return None
    if "," not in v:
        return v
    last, _, given = v.partition(",")
    initials = "".join(w[0].upper() for w in re.split(r"[\s.\-]+", given) if w)
    return f"{last.strip()} {initials}".strip()


def iter_entries(lines: Iterator[str]) -> Iterator[tuple[int, dict[str, list[str]], str]]:
    """(first line, {tag: [values]}, how it ended: "ER", "TY" (next entry began) or "EOF") per entry."""
    fields: dict[str, list[str]] = {}
    tag: str | None = None
    start = 0
    for n, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n").lstrip("\ufeff")
        m = _LINE.match(line)
        if m:
            tag, value = m.group(1), m.group(2).strip()
            if tag == "TY":
                if fields:
                    yield start, fields, "TY"
                fields, start = {}, n
            if tag == "ER":
                if fields:
                    yield start, fields, "ER"
                fields, tag = {}, None
                continue
            fields.setdefault(tag, []).append(value)
        elif line.strip() and tag is not None and fields:
            fields[tag][-1] += " " + line.strip()  # wrapped value
    if fields:
        yield start, fields, "EOF"


def entry_to_record(f: dict[str, list[str]], *, path: str, line: int, closed: bool) -> Record | Skipped:
    pos = f"entry at line {line}"

    def one(*tags: str) -> str | None:
        for t in tags:
            if f.get(t):
                v = clean(f[t][0])
                if v:
                    return v
        return None

    title = one("TI", "T1", "CT")
    pmid = None
    for v in f.get("AN", []) + f.get("ID", []):
        if v.strip().isdigit():
            pmid = v.strip()
            break
    if pmid is None:
        for v in f.get("UR", []) + f.get("L2", []):
            m = _PMID_URL.search(v)
            if m:
                pmid = m.group(1)
                break
    doi = one("DO")
    if doi:
        doi = re.sub(r"^https?://(dx\.)?doi\.org/", "", doi)
    if pmid:
        rid = f"pmid:{pmid}"
    elif doi:
        rid = f"doi:{doi}"
    elif title:
        rid = ext_id(title)
    else:
        return Skipped(reason="RIS entry with no PMID, DOI or title", path=path, position=pos)
    abstract = " ".join(clean(v) or "" for v in f.get("AB", []) + f.get("N2", [])).strip() or None
    ym = _YEAR.search(one("PY", "Y1", "DA") or "")
    authors = [a for a in (ris_author(v) for v in f.get("AU", []) + f.get("A1", [])) if a]
    extra: dict[str, Any] = {}
    if one("TY"):
        extra["ris_type"] = one("TY")
    if not closed:
        extra["incomplete"] = True
    return Record(
        id=rid,
        kind="article",
        title=title,
        sections=[Section(text=abstract)] if abstract else [],
        pmid=pmid,
        doi=doi,
        nct_ids=dedupe(NCT_RE.findall(abstract or "")),
        journal=one("JO", "JF", "T2", "JA", "J2"),
        year=int(ym.group(1)) if ym else None,
        date=ym.group(1) if ym else None,
        authors=dedupe(authors),
        language=one("LA"),
        keywords=dedupe(clean(v) or "" for v in f.get("KW", [])),
        extra=extra,
        provenance=Provenance(source=path, format=FORMAT, position=pos),
    )


def parse(path: str, **_options: Any) -> Iterator[Record | Skipped]:
    with read_errors(path), open_text(path) as fh:
        for line, fields, end in iter_entries(iter(fh)):
            if end == "EOF":
                yield Skipped(reason="truncated RIS entry (file ends before its ER line)", path=path,
                              position=f"entry at line {line}")
                continue
            bad = bad_text(fields)
            if bad:
                yield Skipped(reason=bad, path=path, position=f"entry at line {line}")
                continue
            try:
                yield entry_to_record(fields, path=path, line=line, closed=end == "ER")
            except Exception as e:  # this entry only
                yield Skipped(reason=f"unreadable entry: {type(e).__name__}: {e}"[:300], path=path,
                              position=f"entry at line {line}")


def sniff(name: str, head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf\r\n ").startswith(b"TY  -") or (name.endswith((".ris", ".ris.gz"))
                                                                       and b"TY  -" in head)


register(SourceFormat(name=FORMAT, description="RIS citations (PubMed citation-manager export, reference managers)",
                      sniff=sniff, parse=parse, priority=15))
