"""``parse``: show how a question is understood (drugs, condition, relation, intent, population)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..render.query import render_query_terminal
from .common import DbOption, JsonOption, console, emit_json, get_store, handle_errors


def register(app: typer.Typer) -> None:
    @app.command()
    def parse(
        question: Annotated[str, typer.Argument(help="The question, in your own words.")],
        db: DbOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Parse a question into a structured query.

        Uses the shipped vocabulary, extended with vocabulary files ingested into the store
        (RxNorm, DrugBank open vocabulary, ATC) when --db or $RXEVIDENCE_DB names a store.

        Example: rxevidence parse "does Lyrica help sciatica?" --json
        """
        from ..ask import parse_question

        with handle_errors(json_):
            q = parse_question(question, store=_store_if_any(db))  # the shipped vocabulary + the store's
            if json_:
                emit_json(q)
                return
            render_query_terminal(console, q)


def _store_if_any(db: str | None):
    """The store named by --db / $RXEVIDENCE_DB, or None when none is named (parse works without one)."""
    import os

    if not db and not os.environ.get("RXEVIDENCE_DB"):
        return None
    from ..store import store_exists

    if not db and not store_exists(os.environ["RXEVIDENCE_DB"]):
        return None  # $RXEVIDENCE_DB not created yet: parse needs no store (a mistyped --db is an error)
    return get_store(db, read=True)
