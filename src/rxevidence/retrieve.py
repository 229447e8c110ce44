"""Retrieval: from a Query to the records and appraisals that bear on it."""

from __future__ import annotations

import re

_PMID = re.compile(r"^\d{1,9}$")
_NCT = re.compile(r"^NCT\d{8}$", re.I)


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
    if sep and prefix.lower() in ("pmid", "nct", "spl", "fda", "doi", "ext"):
        prefix = prefix.lower()
        if prefix == "nct":
            rest = rest.upper()
        return f"{prefix}:{rest.strip()}"
    return t
