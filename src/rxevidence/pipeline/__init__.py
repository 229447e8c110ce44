"""The pipeline, as the data flows: a Context built once, then parse -> retrieve -> appraise -> synthesize ->
validate.

    >>> from rxevidence.pipeline import build_context, ask
    >>> ctx = build_context(store)                  # store, vocabulary, pack (installed once), appraiser
    >>> brief = ask("Does naproxen help period pain?", context=ctx)

- :mod:`.context`   ``Context``, ``build_context``, ``install_pack_into`` (the one step that writes the pack),
  ``store_with_pack`` (a read-only store gets the pack layered in memory), ``reset_caches``
- :mod:`.ask`       ``ask`` (and ``parse_question``, ``gather``, ``answer``)
- :mod:`.retrieve`  ``retrieve``: records and their stored appraisals for a query (reads only)
- :mod:`.appraise`  ``appraise_missing``: the explicit appraisal of records stored without one;
  ``appraise_store`` (``rxevidence appraise``): appraise stored records and store the appraisals
- :mod:`.records`   ``find_record``: one record by id (a cited label or application from the context's facts)
- :mod:`.validate`  ``validate_brief``: every citation exists, every claim matches its sources
"""

from __future__ import annotations

from .appraise import AppraiseSummary, appraise_missing, appraise_store
from .ask import answer, ask, gather, pack_drugs_for, parse_question
from .context import (
    Appraiser,
    Context,
    build_context,
    build_facts,
    default_appraiser,
    install_pack_into,
    reset_caches,
    store_with_pack,
)
from .records import FoundRecord, find_record
from .retrieve import MAX_HITS, condition_scope, drug_scope, minimal_phrases, retrieve
from .validate import brief_problems, validate_brief

__all__ = [
    "MAX_HITS",
    "AppraiseSummary",
    "Appraiser",
    "Context",
    "FoundRecord",
    "answer",
    "appraise_missing",
    "appraise_store",
    "ask",
    "brief_problems",
    "build_context",
    "build_facts",
    "condition_scope",
    "default_appraiser",
    "drug_scope",
    "find_record",
    "gather",
    "install_pack_into",
    "minimal_phrases",
    "pack_drugs_for",
    "parse_question",
    "reset_caches",
    "store_with_pack",
    "retrieve",
    "validate_brief",
]
