"""Moved to :mod:`rxevidence.pipeline.validate`; kept so existing imports work."""

from __future__ import annotations

from .pipeline.validate import brief_problems, validate_brief

__all__ = ["brief_problems", "validate_brief"]
