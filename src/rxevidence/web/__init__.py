"""The web app and JSON API: ``create_app(store_url)`` returns a FastAPI app (``rxevidence serve`` runs it)."""

from __future__ import annotations

from .app import create_app
from .settings import WebSettings

__all__ = ["WebSettings", "create_app"]
