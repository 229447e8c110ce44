"""Options and helpers shared by every command: ``--db``, ``--json``, error translation."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import EXIT_ERROR, EXIT_USAGE, InputError, RxEvidenceError, error_body
from ..models import Brief
from ..models.audit import AuditReport
from ..render.formats import FORMATS, output_format, render_text
from ..store import Store, default_db_path, open_store, store_exists
from ..store.failures import is_driver_error, store_error

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store path or postgresql:// URL (default: $RXEVIDENCE_DB or the user data dir)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
OUTPUT_FORMATS = tuple(FORMATS)  # rxevidence.render.formats.FORMATS: the one table of output formats
FormatOption = Annotated[str, typer.Option("--format", "-f", help=f"{', '.join(OUTPUT_FORMATS[:-1])} or "
                                           f"{OUTPUT_FORMATS[-1]}.")]
OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="Write the output to this file.")]


def check_format(fmt: str, kind: str | None = None) -> str:
    """The canonical output format for ``fmt`` (``markdown`` -> ``md``); a UsageError (exit 2) when unknown (or
    when it cannot render ``kind``, "brief" or "audit")."""
    return output_format(fmt, kind).name


def emit_json(obj: Any) -> None:
    """Print one JSON document to stdout."""
    if hasattr(obj, "model_dump"):
        obj = obj.model_dump(mode="json")
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def write_output(obj: Brief | AuditReport, *, fmt: str, out: Path | None,
                 terminal: Callable[[Console, Any], None]) -> None:
    """Render ``obj`` as ``fmt`` (a name of :data:`~rxevidence.render.formats.FORMATS`) to ``out`` or to stdout;
    the terminal format is drawn by ``terminal(console, obj)``."""
    f = output_format(fmt)
    if out is not None:
        if not f.terminal:
            out.write_text(render_text(obj, f), encoding="utf-8")
        else:
            with open(out, "w", encoding="utf-8") as fh:
                terminal(Console(file=fh, width=110, highlight=False), obj)
        err_console.print(f"Wrote {out}")
    elif not f.terminal:
        sys.stdout.write(render_text(obj, f).rstrip("\n") + "\n")
    else:
        terminal(console, obj)


def get_store(db: str | None, *, read: bool = False, answer: bool = False) -> Store:
    """The store named by ``--db`` (else $RXEVIDENCE_DB, else the user data dir).

    ``read=True`` (search, show, parse, appraise): a store that does not exist is an error with a
    hint to ``ingest``, and nothing is created. ``answer=True`` (ask, audit): a named store that does
    not exist answers from the starter pack alone, in memory, creating nothing (the default store
    is created on first use, with the pack)."""
    url = db or default_db_path()
    named = bool(db or os.environ.get("RXEVIDENCE_DB"))
    if answer and named and not store_exists(url):
        err_console.print(f"[yellow]Note:[/] no store at {escape(url)}; answering from the starter pack alone "
                          "(nothing was created; rxevidence ingest FILE --db ... creates it).", soft_wrap=True)
        return open_store(":memory:")
    return open_store(url, must_exist=read)


DEBUG = {"on": bool(os.environ.get("RXEVIDENCE_DEBUG"))}  # set by ``rxevidence --debug``


def print_error(message: str) -> None:
    """``Error: message`` on stderr, the message printed as is (no rich markup: ``[draft]`` stays)."""
    err_console.print(f"[bold red]Error:[/] {escape(message)}", markup=True, soft_wrap=True)


@contextmanager
def handle_errors(as_json: bool = False) -> Iterator[None]:
    """The one translation of errors into output and exit codes.

    Domain errors print ``Error: ...`` (or the JSON error body) and exit with their ``exit_code``
    (1 errors, 2 usage, 65 data, 75 store busy); driver errors (sqlite3, psycopg) become the same
    one-line store errors; anything else prints one line and exits 1 (``--debug``: the traceback).
    """
    try:
        yield
    except RxEvidenceError as e:
        _fail(e, as_json)
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        raise typer.Exit(130) from None
    except typer.Exit:
        raise
    except Exception as e:  # noqa: BLE001 - the last line of defence: no traceback for users
        if DEBUG["on"]:
            raise
        if is_driver_error(e):
            _fail(store_error(e, "the store"), as_json)
        _fail(RxEvidenceError(f"unexpected {type(e).__name__}: {e} (run with --debug for the traceback)"), as_json)


def _fail(e: RxEvidenceError, as_json: bool) -> NoReturn:
    code = e.exit_code
    if code == EXIT_ERROR and type(e) is InputError and getattr(e, "usage", False):
        code = EXIT_USAGE
    if as_json:
        emit_json(error_body(e.message, status=e.status, errors=getattr(e, "problems", None) or None))
    else:
        print_error(e.message)
    raise typer.Exit(code) from None
