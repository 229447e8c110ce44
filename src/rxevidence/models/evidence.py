"""What synthesis receives: the Evidence retrieval found for one query, and the Facts it is read against."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .appraisal import Appraisal
from .query import Query
from .record import Record

if TYPE_CHECKING:
    from ..labelfacts import LabelFacts
    from ..pack import Pack
    from ..vocab import Vocabulary


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


@dataclass
class Facts:
    """The read-only knowledge a brief is built from besides the evidence: the vocabulary, the starter pack,
    and label facts when an index of them is available. Built by ``pipeline.build_facts`` (or as part of a
    ``pipeline.Context``); synthesis reads it and never loads data itself."""

    vocab: Vocabulary
    pack: Pack
    label_facts: LabelFacts | None = None  # the label-facts index (rxevidence.labelfacts)
