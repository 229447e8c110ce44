"""``ingest``, ``search`` and ``show``: parse the command line, make one library call, render."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..domain import RECORD_KINDS
from ..errors import InputError, UsageError
from ..ids import normalise_id
from ..ingest import check_inputs, ingest_files
from ..pipeline.records import find_record
from ..render.ingest import progress_rate, render_formats, render_ingest_summary, render_search_terminal
from ..render.record import render_record_terminal
from ..sources.registry import listed_formats
from .common import DbOption, JsonOption, console, emit_json, err_console, get_store, handle_errors


@contextmanager
def _progress(disabled: bool) -> Iterator[Callable[[str, int], None]]:
    """A progress bar per file on stderr (terminals only); the rate counts this run's records."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} records"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=err_console,
        disable=disabled or not err_console.is_terminal,
    ) as progress:
        tasks: dict[str, tuple[Any, float, int]] = {}  # path -> (task, start time, start position)

        def on_progress(path: str, n: int) -> None:
            now = time.perf_counter()
            if path not in tasks:  # called first with the position the file starts (or resumes) at
                tasks[path] = (progress.add_task(escape(Path(path).name), total=None, rate=""), now, n)
            task, t0, n0 = tasks[path]
            progress.update(task, completed=n, rate=progress_rate(n, n0, now - t0))

        yield on_progress


def parse_map(spec: str | None) -> dict[str, str] | None:
    """``pmid=pubmedID,title=title`` -> {"pmid": "pubmedID", "title": "title"}."""
    if not spec:
        return None
    out: dict[str, str] = {}
    for part in spec.split(","):
        if "=" not in part:
            raise UsageError(f"--map expects field=column pairs separated by commas, got {part!r}")
        k, v = part.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def ingest(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files or directories (.gz read transparently).", show_default=False)
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
    fmt: Annotated[str | None, typer.Option("--format", help="Force a format (see --list-formats).")] = None,
    map_: Annotated[
        str | None, typer.Option("--map", help="Column mapping for CSV/JSONL, e.g. pmid=pmid,title=title.")
    ] = None,
    no_appraise: Annotated[bool, typer.Option("--no-appraise", help="Store records without appraising.")] = False,
    restart: Annotated[bool, typer.Option("--restart", help="Ignore earlier progress; re-read files.")] = False,
    batch_size: Annotated[int, typer.Option(help="Records per transaction.", min=1)] = 1000,
    workers: Annotated[int, typer.Option("--workers", help="Parallel workers (Dask LocalCluster).", min=0)] = 0,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Existing Dask scheduler address.")] = None,
    list_formats: Annotated[bool, typer.Option("--list-formats", help="List the record formats and exit.")] = False,
) -> None:
    """Read record files into the store; idempotent and resumable.

    Exits 65 when records were skipped as malformed or a file ended early (the summary lists
    them; a re-run reports them again), 75 when another writer held the store too long.

    Example: rxevidence ingest pubmed24n0001.xml.gz
    """
    with handle_errors(json_):
        if list_formats:
            rows = listed_formats()
            if json_:
                emit_json([{"name": f.name, "description": f.description, "resumable": f.resumable} for f in rows])
            else:
                render_formats(console, rows)
            return
        if not paths:
            raise UsageError("Give files or directories to ingest (or --list-formats).")
        options: dict = {}
        mapping = parse_map(map_)
        if mapping:
            options["mapping"] = mapping
            fmt = fmt or "mapped"
        check_inputs(paths, fmt)  # before the store is opened: a typo creates nothing
        store = get_store(db)
        with _progress(json_ or bool(workers or scheduler)) as on_progress:
            summary = ingest_files(store, paths, fmt=fmt, options=options, batch_size=batch_size,
                                   appraise=not no_appraise, on_progress=on_progress, restart=restart,
                                   workers=workers, scheduler=scheduler)
        if json_:
            emit_json(summary.as_dict())
        else:
            render_ingest_summary(console, err_console, summary.as_dict())
        if summary.exit_code:
            raise typer.Exit(summary.exit_code)


def search(
    text: Annotated[str, typer.Argument(help="Words to search for.")],
    db: DbOption = None,
    json_: JsonOption = False,
    kind: Annotated[str | None, typer.Option(help="article, label, approval or trial.")] = None,
    limit: Annotated[int, typer.Option(help="Maximum results (1 or more).")] = 20,
) -> None:
    """Full-text search over titles, abstracts and label sections, ranked by BM25.

    Example: rxevidence search "diazepam low back pain"
    """
    with handle_errors(json_):
        if not text.strip():
            raise UsageError("Empty search: give some words, e.g. rxevidence search diazepam")
        if kind is not None and kind not in RECORD_KINDS:
            raise UsageError(f"Unknown --kind {kind!r}; choose one of {', '.join(RECORD_KINDS)}")
        if limit < 1:
            raise UsageError(f"--limit must be 1 or more, got {limit}")
        hits = get_store(db, read=True).search(text, kind=kind, limit=limit)
        if json_:
            emit_json({"query": text, "results": [h.__dict__ for h in hits]})
        else:
            render_search_terminal(console, text, hits)


def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="pmid:..., nct:..., spl:..., fda:... or a bare PMID/NCT id.")],
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """Print one record with its appraisals.

    Example: rxevidence show pmid:28187918
    """
    with handle_errors(json_):
        store = get_store(db, read=True)
        found = find_record(store, record_id)  # a label or application a brief cites is found without a fetch
        if found is None:
            raise InputError(f"No record {normalise_id(record_id)} in the store {store.url}. "
                             "Try: rxevidence search WORDS")
        if json_:
            emit_json(found.as_json())
        else:
            render_record_terminal(console, found.record, found.appraisals)


def register(app: typer.Typer) -> None:
    for command in (ingest, search, show):
        app.command()(command)


__all__ = ["ingest", "parse_map", "progress_rate", "register", "search", "show"]
