"""The bottom line: which studies answer the question, the verdict and the notes around it."""

from __future__ import annotations

import re

from ..models import Query, Record

DOSE_QUESTION = re.compile(r"\b\d+(\.\d+)?\s?(mg|mcg|µg|g|ml|milligrams?)\b|\b(dose|dosage|dosing|how much|how many|"
                            r"too much|maximum|max|overdose|how often)\b", re.I)


def completed_without_results(t: Record) -> bool:
    status = str(t.extra.get("status", "")).lower()
    return status in ("completed", "terminated") and t.extra.get("has_results") is False


def nothing_found(query: Query) -> str:
    return ("Nothing in the store answers this question. What would help: ingest PubMed records "
            "(`rxevidence ingest FILE`), fetch them live (`rxevidence ask --online`), or ask about a drug "
            "and condition the starter pack covers (`rxevidence pack info`).")
