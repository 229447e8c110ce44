"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) served from this machine: no CDN, works offline.

The assets come from the PyPI package ``fastapi-offline`` (MIT; it bundles the Swagger UI and ReDoc
builds) and are mounted at ``/docs-assets``; the pages start them from our own ``/static/docs.js``, so no
inline script is needed.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"
DOCS_PATHS = ("/docs", "/redoc")

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
{head}
</head>
<body>
<noscript><p>The interactive docs need JavaScript; the spec itself is at <a href="{spec}">{spec}</a>.</p></noscript>
{body}
</body>
</html>
"""


def assets_dir() -> Path:
    return Path(str(resources.files("fastapi_offline") / "static"))


def swagger_page(spec: str, title: str) -> str:
    return _PAGE.format(
        title=f"{title} — API (Swagger UI)", spec=spec,
        head=f'<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">',
        body=(f'<main id="swagger-ui" data-spec="{spec}"></main>\n'
              f'<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>\n'
              '<script src="/static/docs.js"></script>'))


def redoc_page(spec: str, title: str) -> str:
    return _PAGE.format(
        title=f"{title} — API (ReDoc)", spec=spec, head="",
        body=(f'<redoc spec-url="{spec}" hide-download-button="false"></redoc>\n'
              f'<script src="{ASSETS_URL}/redoc.standalone.js"></script>'))


def install_docs(app: FastAPI) -> None:
    """Mount the assets and add ``/docs`` and ``/redoc`` (create the app with ``docs_url=None``)."""
    spec = app.openapi_url or "/openapi.json"
    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger_page(spec, app.title))

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(redoc_page(spec, app.title))
