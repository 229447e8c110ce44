"""Shared, lazily loaded resources of the appraiser (the project vocabulary), with :func:`reset`.

The appraiser reads the shipped vocabulary (not a store-extended one) so that an appraisal depends only
on the record and the appraiser version. It loads on first use; a failure is remembered for a minute.
Caches derived from it register with :func:`on_reset`, so :func:`reset` forgets them too.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..vocab import Vocabulary, load_vocabulary

_state: dict[str, Vocabulary | float | None] = {"vocab": None, "failed_at": None}
RETRY_AFTER_S = 60.0
_on_reset: list[Callable[[], None]] = []  # caches derived from the vocabulary (cleared by reset)


def vocabulary() -> Vocabulary | None:
    """The shipped vocabulary once it loads; None while it is missing or broken.

    A failure is remembered for a minute (so bulk appraisal does not retry on every record),
    then retried: the vocabulary files may be rebuilt while a long job runs.
    """
    v = _state["vocab"]
    if isinstance(v, Vocabulary):
        return v
    failed = _state["failed_at"]
    if isinstance(failed, float) and time.monotonic() - failed < RETRY_AFTER_S:
        return None
    try:
        v = load_vocabulary()
    except Exception:  # noqa: BLE001 - vocabulary data absent or unreadable: built-in fallbacks are used
        _state["failed_at"] = time.monotonic()
        return None
    _state["vocab"] = v
    return v


def on_reset(clear: Callable[[], None]) -> None:
    """Have :func:`reset` call ``clear`` (a cache built from the vocabulary, e.g. an ``lru_cache``'s ``cache_clear``)."""
    _on_reset.append(clear)


def reset() -> None:
    """Forget the loaded vocabulary, any remembered failure and the caches built from it."""
    _state["vocab"] = None
    _state["failed_at"] = None
    for clear in _on_reset:
        clear()
