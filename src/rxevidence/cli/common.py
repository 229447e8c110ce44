"""Options and helpers shared by every command: ``--db``, ``--json``, error translation."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..errors import InputError, RxEvidenceError, error_body
from ..store import Store, default_db_path, open_store

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store path or postgresql:// URL (default: $RXEVIDENCE_DB or the user data dir)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
OUTPUT_FORMATS = ("terminal", "md", "json", "html")
FormatOption = Annotated[str, typer.Option("--format", "-f", help="terminal, md, json or html.")]
OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="Write the output to this file.")]


_FORMAT_ALIASES = {"markdown": "md", "text": "terminal", "htm": "html"}


def check_format(fmt: str) -> str:
    """The canonical output format for ``fmt`` (``markdown`` -> ``md``); an InputError when unknown."""
    fmt = _FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
    if fmt not in OUTPUT_FORMATS:
        raise InputError(f"Unknown --format {fmt!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
    return fmt


def emit_json(obj: Any) -> None:
    """Print one JSON document to stdout."""
    if hasattr(obj, "model_dump"):
        obj = obj.model_dump(mode="json")
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def write_output(
    obj: Any,
    *,
    fmt: str,
    out: Path | None,
    renderers: dict[str, Callable[[Any], str]],
    terminal: Callable[[Console, Any], None],
) -> None:
    """Render ``obj`` as ``fmt`` ("terminal" or a key of ``renderers``) to ``out`` or to stdout."""
    if out is not None:
        if fmt in renderers:
            out.write_text(renderers[fmt](obj), encoding="utf-8")
        else:
            with open(out, "w", encoding="utf-8") as fh:
                terminal(Console(file=fh, width=110, highlight=False), obj)
        err_console.print(f"Wrote {out}")
    elif fmt == "json":
        emit_json(obj)
    elif fmt in renderers:
        sys.stdout.write(renderers[fmt](obj).rstrip("\n") + "\n")
    else:
        terminal(console, obj)


def get_store(db: str | None) -> Store:
    return open_store(db or default_db_path())


@contextmanager
def handle_errors(as_json: bool = False) -> Iterator[None]:
    """Turn domain errors into ``Error: ...`` (exit 1; usage errors exit 2), or the JSON error body."""
    try:
        yield
    except RxEvidenceError as e:
        code = 2 if type(e) is InputError and getattr(e, "usage", False) else 1
        if as_json:
            emit_json(error_body(e.message, status=e.status, errors=getattr(e, "problems", None) or None))
        else:
            err_console.print(f"[bold red]Error:[/] {e.message}", markup=True, soft_wrap=True)
        raise typer.Exit(code) from None
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        raise typer.Exit(130) from None
