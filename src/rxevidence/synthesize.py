"""Kept for callers: synthesis lives in :mod:`rxevidence.synthesis` (one module per section of the brief)."""

from .synthesis import *  # noqa: F403
from .synthesis import __all__  # noqa: F401
