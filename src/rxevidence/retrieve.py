"""Moved to :mod:`rxevidence.pipeline.retrieve`; kept so existing imports work.

:func:`retrieve` here keeps the old signature (a store and a vocabulary): it builds a context for the store
(without installing the pack) and appraises records stored without an appraisal, as retrieval used to.
New code builds a :class:`~rxevidence.pipeline.Context` once and calls :func:`rxevidence.pipeline.retrieve`.
"""

from __future__ import annotations

from .ids import normalise_id
from .models import Query
from .models.evidence import Evidence
from .pipeline import MAX_HITS, appraise_missing, build_context, condition_scope, drug_scope, minimal_phrases
from .pipeline import retrieve as _retrieve
from .pipeline.retrieve import by_concept, indexed_scope
from .store.base import Store
from .vocab import Vocabulary


def retrieve(store: Store, query: Query, *, vocab: Vocabulary | None = None, limit: int = MAX_HITS) -> Evidence:
    """The evidence for ``query`` in ``store`` (records without an appraisal are appraised on the way)."""
    context = build_context(store, install_pack=False, vocab=vocab)
    ev = _retrieve(context, query, limit=limit)
    appraise_missing(context, ev)
    return ev


__all__ = ["MAX_HITS", "Evidence", "by_concept", "condition_scope", "drug_scope", "indexed_scope", "minimal_phrases",
           "normalise_id", "retrieve"]
