"""``serve``: the web app and JSON API (FastAPI on uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import DbOption, err_console, handle_errors


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="Interface to listen on (loopback by default).")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port.", min=0, max=65535)] = 8000,
        db: DbOption = None,
        log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
        base_url: Annotated[str | None, typer.Option(
            "--base-url", help="Public origin for canonical and copy-link URLs, e.g. https://rx.example "
                               "(default $RXEVIDENCE_BASE_URL; unset: root-relative links).")] = None,
    ) -> None:
        """Serve the web pages and the JSON API (OpenAPI docs at /docs).

        Example: rxevidence serve --port 8000   (then open http://127.0.0.1:8000/)
        """
        from ..web.app import create_app, run
        from ..web.settings import WebSettings

        with handle_errors():
            app_ = create_app(db, settings=WebSettings.from_env(base_url=base_url))
            err_console.print(f"rxevidence on http://{host}:{port}/  (API docs: /docs; Ctrl-C to stop)")
            run(app_, host=host, port=port, log_level=log_level)
