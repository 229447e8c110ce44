"""The web app and JSON API: ``create_app(store_url)`` returns a FastAPI app (``rxevidence serve`` runs it)."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
