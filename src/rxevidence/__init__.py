"""rxevidence: evidence briefs for "How effective is <drug> for <condition>?", every sentence cited.

    >>> from rxevidence import ask, open_store
    >>> brief = ask("How effective is diazepam for pain?", store=open_store(":memory:"))
    >>> brief.verdict in ("mixed/uncertain", "probably ineffective", "insufficient evidence")
    True
"""

from __future__ import annotations

from .ask import ask
from .audit import AuditReport, audit
from .errors import (
    InputError,
    OfflineError,
    ParseError,
    RxEvidenceError,
    SourceError,
    StoreError,
    UnknownDrug,
    ValidationFailed,
)
from .models import Appraisal, Brief, Query, Record
from .store import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "Appraisal",
    "AuditReport",
    "Brief",
    "InputError",
    "OfflineError",
    "ParseError",
    "Query",
    "Record",
    "RxEvidenceError",
    "SourceError",
    "Store",
    "StoreError",
    "UnknownDrug",
    "ValidationFailed",
    "ask",
    "audit",
    "open_store",
]
