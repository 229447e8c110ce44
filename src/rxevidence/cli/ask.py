"""``ask``: the evidence brief for a question."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import UsageError
from .common import (
    DbOption,
    FormatOption,
    JsonOption,
    OutOption,
    check_format,
    err_console,
    get_store,
    handle_errors,
    write_output,
)
from .fetch import _progress


def register(app: typer.Typer) -> None:
    @app.command()
    def ask(
        question: Annotated[str, typer.Argument(help="A question such as 'How effective is diazepam for pain?'")],
        db: DbOption = None,
        json_: JsonOption = False,
        fmt: FormatOption = "terminal",
        out: OutOption = None,
        online: Annotated[bool, typer.Option("--online", help="Always fetch fresh records from PubMed, openFDA, "
                                             "ClinicalTrials.gov first (by default they are fetched only when "
                                             "the store has nothing for the question).")] = False,
        offline: Annotated[bool, typer.Option("--offline", help="Never use the network (also "
                                              "RXEVIDENCE_OFFLINE=1).")] = False,
        full: Annotated[bool, typer.Option("--full", help="Terminal: print every cited sentence.")] = False,
    ) -> None:
        """Answer 'How effective is <drug> for <condition>?' with a graded, cited brief.

        When the store has nothing for the question and the network is there, the records are fetched
        from the live sources first (a progress line on stderr), stored and appraised; --offline forbids it.

        Example: rxevidence ask "How effective is diazepam for pain?"
        """
        from ..ask import ask as ask_fn
        from ..render.brief import render_terminal

        if json_:
            fmt = "json"
        with handle_errors(fmt == "json"):
            fmt = check_format(fmt, "brief")
            if not question.strip():
                raise UsageError('Empty question. Try: rxevidence ask "How effective is diazepam for pain?"')
            store = get_store(db, answer=not online)
            with _progress(err_console.is_terminal) as progress:
                brief = ask_fn(question, store=store, online=True if online else "auto", offline=offline,
                               progress=progress, notify=lambda m: err_console.print(m, highlight=False))
            write_output(brief, fmt=fmt, out=out, terminal=lambda c, b: render_terminal(c, b, all_sentences=full))
