"""Record identifiers: prefixed strings, stable across runs, defined once.

- article:  ``pmid:28187918`` (no PMID: ``doi:10.1000/x`` or ``ext:<sha1 of title>``)
- label:    ``spl:<set id>`` (DailyMed SPL set id; openFDA ``set_id``)
- approval: ``fda:NDA013263`` (Drugs@FDA application type + 6-digit number)
- trial:    ``nct:NCT01234567``

A new id namespace (say a trial registry's ``isrctn:``) is one entry in :data:`PREFIXES`: its public page,
citation label, the kind of record it names and, for ids a curated pack study may have, the value's pattern.

    >>> normalise_id("PMID 28187918"), normalise_id("nct01234567")
    ('pmid:28187918', 'nct:NCT01234567')
    >>> record_url("pmid:28187918")
    'https://pubmed.ncbi.nlm.nih.gov/28187918/'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


@dataclass(frozen=True)
class IdPrefix:
    prefix: str  # "pmid"
    source: str  # the public site it names ("PubMed")
    url: Callable[[str], str] | None = None  # value -> public page of the record
    upper: bool = False  # the value is upper-cased when normalised (NCT ids)
    label: Callable[[str], str] | None = None  # value -> short citation label ("PMID 123")
    kind: str | None = None  # the RecordKind it names ("article", "trial", "label", "approval")
    curated: re.Pattern[str] | None = None  # a well-formed value when a pack study may have such an id


#: Every record-id namespace, with the public page of a record.
PREFIXES: dict[str, IdPrefix] = {
    "pmid": IdPrefix("pmid", "PubMed", lambda v: f"https://pubmed.ncbi.nlm.nih.gov/{v}/", label=lambda v: f"PMID {v}",
                     kind="article", curated=re.compile(r"\d{1,9}")),
    "nct": IdPrefix("nct", "ClinicalTrials.gov", lambda v: f"https://clinicaltrials.gov/study/{v}", upper=True,
                    label=lambda v: v, kind="trial", curated=re.compile(r"NCT\d{8}")),
    "spl": IdPrefix("spl", "DailyMed", lambda v: f"https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={v}",
                    label=lambda v: "DailyMed label", kind="label"),
    "fda": IdPrefix("fda", "Drugs@FDA", lambda v: "https://www.accessdata.fda.gov/scripts/cder/daf/index.cfm?"
                    f"event=overview.process&ApplNo={_digits(v)}", label=lambda v: f"Drugs@FDA {v}", kind="approval"),
    "doi": IdPrefix("doi", "doi.org", lambda v: f"https://doi.org/{v}", label=lambda v: f"doi:{v}", kind="article"),
    "ext": IdPrefix("ext", "this store", kind="article"),
}
#: ``("pmid:", "nct:", ...)``: what a citation that is a record id (not a URL) starts with.
RECORD_PREFIXES: tuple[str, ...] = tuple(f"{p}:" for p in PREFIXES)

_PMID = re.compile(r"^\d{1,9}$")
_NCT = re.compile(r"^NCT\d{8}$", re.I)


def is_record_id(text: str) -> bool:
    """``pmid:...``, ``nct:...``, ... (a URL is not a record id)."""
    prefix, sep, _ = text.partition(":")
    return bool(sep) and prefix in PREFIXES  # read from the table on each call


def kind_of(record_id: str) -> str | None:
    """The kind of record an id names ("article", "trial", "label", "approval"); None for an unknown prefix."""
    info = PREFIXES.get(record_id.partition(":")[0])
    return info.kind if info is not None else None


def is_study_id(record_id: str) -> bool:
    """An id of a study (an article or a trial registration), not of a label or an approval."""
    return kind_of(record_id) in ("article", "trial")


def is_curated_study_id(record_id: str) -> bool:
    """An id a curated pack study may have: a study prefix with a ``curated`` pattern the value matches."""
    prefix, sep, value = record_id.partition(":")
    info = PREFIXES.get(prefix)
    return bool(sep and info is not None and info.curated is not None and info.kind in ("article", "trial")
                and info.curated.fullmatch(value))


def is_url(text: str) -> bool:
    return text.startswith(("https://", "http://"))


def normalise_id(text: str) -> str:
    """Accept ``pmid:123``, ``PMID 123``, ``123``, ``NCT01234567``, ``spl:...``, ``fda:NDA013263``."""
    t = text.strip()
    low = t.lower()
    if low.startswith("pmid") and not low.startswith("pmid:"):
        t = "pmid:" + t[4:].strip(" :")
    if _PMID.match(t):
        return f"pmid:{t}"
    if _NCT.match(t):
        return f"nct:{t.upper()}"
    prefix, sep, rest = t.partition(":")
    info = PREFIXES.get(prefix.lower()) if sep else None
    if info is not None:
        return f"{info.prefix}:{(rest.upper() if info.upper else rest).strip()}"
    return t


def record_url(record_id: str) -> str | None:
    """The public page of a record id (a URL is its own page); None when the record has none."""
    prefix, _, value = record_id.partition(":")
    if prefix in ("http", "https"):
        return record_id
    info = PREFIXES.get(prefix)
    return info.url(value) if info is not None and info.url is not None else None


def citation_label(record_id: str) -> str:
    """A short label for a cited record id ("PMID 123", "NCT01234567"); the id itself when unknown."""
    prefix, _, value = record_id.partition(":")
    info = PREFIXES.get(prefix)
    return info.label(value) if info is not None and info.label is not None else record_id


__all__ = ["PREFIXES", "RECORD_PREFIXES", "IdPrefix", "citation_label", "is_curated_study_id", "is_record_id",
           "is_study_id", "is_url", "kind_of", "normalise_id", "record_url"]
