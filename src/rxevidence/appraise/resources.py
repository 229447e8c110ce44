"""Shared, lazily loaded resources of the appraiser (the project vocabulary)."""

from __future__ import annotations

import time
from typing import Any

_state: dict[str, Any] = {"vocab": None, "failed_at": None}
RETRY_AFTER_S = 60.0


def vocabulary() -> Any | None:
    """``rxevidence.vocab.load_vocabulary()`` once it loads; None while it is missing or broken.

    A failure is remembered for a minute (so bulk appraisal does not retry on every record),
    then retried: the vocabulary files may be rebuilt while a long job runs.
    """
    if _state["vocab"] is not None:
        return _state["vocab"]
    failed = _state["failed_at"]
    if failed is not None and time.monotonic() - failed < RETRY_AFTER_S:
        return None
    try:
        from .. import vocab  # type: ignore[attr-defined]

        _state["vocab"] = vocab.load_vocabulary()
    except ImportError:
        _state["failed_at"] = time.monotonic()
        return None
    except Exception:  # noqa: BLE001 - vocabulary data absent or unreadable: built-in fallbacks are used
        _state["failed_at"] = time.monotonic()
        return None
    return _state["vocab"]
