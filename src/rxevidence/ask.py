"""Moved to :mod:`rxevidence.pipeline`; kept so existing imports work.

``ask`` is :func:`rxevidence.pipeline.ask`. ``parse_question(text, store=...)`` and ``load_vocab(store)`` keep
their old signatures for callers that have a store but no Context.
"""

from __future__ import annotations

from .models import Query
from .pipeline.ask import ask
from .question import parse
from .store.base import Store
from .vocab import Vocabulary, load_vocabulary


def load_vocab(store: Store | None = None) -> Vocabulary:
    """The shipped vocabulary extended with ``store``'s ingested terms."""
    return load_vocabulary(store)


def parse_question(text: str, *, store: Store | None = None) -> Query:
    """The question as read with ``store``'s vocabulary (see :func:`rxevidence.pipeline.parse_question`)."""
    return parse(text, vocab=load_vocabulary(store))


__all__ = ["ask", "load_vocab", "parse_question"]
