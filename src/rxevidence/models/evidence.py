"""What retrieval hands to synthesis: the records and appraisals that bear on one query."""

from __future__ import annotations

from dataclasses import dataclass, field

from .appraisal import Appraisal
from .query import Query
from .record import Record


@dataclass
class Evidence:
    """What retrieval found for a query: records with their best appraisals, labels, trials."""

    query: Query
    drug_names: list[str]  # canonical ingredients in scope (class members expanded)
    condition_ids: list[str]  # the query condition and everything narrower
    records: dict[str, Record] = field(default_factory=dict)
    appraisals: dict[str, Appraisal] = field(default_factory=dict)  # best (curated beats automatic)
    scores: dict[str, float] = field(default_factory=dict)  # retrieval relevance
    labels: list[Record] = field(default_factory=list)
    approvals: list[Record] = field(default_factory=list)
    trials: list[Record] = field(default_factory=list)
    curated_ids: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
