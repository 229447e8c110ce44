"""``ingest``, ``search`` and ``show``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, get_args

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import InputError, UsageError
from ..ingest import ingest_paths
from ..models import RecordKind
from .common import DbOption, JsonOption, console, emit_json, err_console, get_store, handle_errors

RECORD_KINDS: tuple[str, ...] = get_args(RecordKind)


def _print_formats(as_json: bool) -> None:
    from ..sources.registry import FORMATS, load_builtin

    load_builtin()
    rows = sorted(FORMATS.values(), key=lambda f: (f.priority, f.name))
    if as_json:
        emit_json([{"name": f.name, "description": f.description, "resumable": f.resumable} for f in rows])
        return
    t = Table(title="Record formats (ingest detects them; force one with --format NAME)", show_edge=False)
    t.add_column("format", no_wrap=True)
    t.add_column("what it reads", overflow="fold")
    for f in rows:
        t.add_row(f.name, escape(f.description))
    console.print(t)


RATE_MIN_RECORDS = 100  # a rate over fewer records (or under half a second) measures start-up, not ingest


def _rate_is_meaningful(d: dict) -> bool:
    """Whether the summary's records/s says something: enough records over enough time."""
    done = sum(f["records"] for f in d["files"])
    return bool(d["records_per_s"]) and d["seconds"] >= 0.5 and done >= RATE_MIN_RECORDS


def progress_rate(n: int, n0: int, seconds: float) -> str:
    """Records per second of this run: records read since the file started (or resumed) at ``n0``,
    over at least half a second ("" before that: no 893,181,802 rec/s from a resumed count)."""
    return f"{(n - n0) / seconds:,.0f} rec/s" if seconds >= 0.5 and n > n0 else ""


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


def _seconds(s: float) -> str:
    """``0.04 s``, ``3.2 s``, ``1 min 05 s``: never ``0.0s`` for a run that took time."""
    if s < 10:
        return f"{s:.2f} s"
    if s < 60:
        return f"{s:.1f} s"
    return f"{int(s // 60)} min {int(s % 60):02d} s"


def _print_summary(d: dict[str, Any]) -> None:
    """Each file's full name on its own line (never cut: long names wrap), then its counts."""
    console.print("[bold]Ingest summary[/]")
    for f in d["files"]:
        note = " (already done)" if f["already_done"] else (
            f" (resumed at {f['resumed_from']:,})" if f["resumed_from"] else "")
        if f["problems"]:
            note += " (incomplete)" if not f["complete"] else " (with errors)"
        console.print(f"  {escape(f['path'])}  [dim]{escape(f['format'])}{note}[/]", soft_wrap=True)
        console.print("      " + "  ".join(f"{k} {f[k]:,}" for k in
                      ("records", "added", "updated", "deleted", "unchanged", "skipped")))
    console.print(
        f"[bold]{d['added']:,}[/] added, {d['updated']:,} updated, {d['deleted']:,} deleted, "
        f"{d['unchanged']:,} unchanged, {d['skipped']:,} skipped"
        + (f", {d['vocab_terms']:,} vocabulary terms" if d["vocab_terms"] else "")
        + f" in {_seconds(d['seconds'])}" + (f" ({d['records_per_s']:,.0f} records/s)"
                                               if _rate_is_meaningful(d) else "")
    )
    for reason, n in d["skipped_reasons"].items():
        console.print(f"  skipped {n:,}: {escape(reason)}")
    for reason, n in d["warnings"].items():
        console.print(f"  [yellow]note[/] {n:,} record{'' if n == 1 else 's'}: {escape(reason)}")
    problems = [e for f in d["files"] for e in f["errors"]]
    for e in problems[:20]:
        err_console.print(f"  [yellow]![/] {escape(e)}", soft_wrap=True)
    if len(problems) > 20:
        err_console.print(f"  ... and {len(problems) - 20:,} more (see --json for all)")
    if d["problems"]:
        err_console.print(f"[bold yellow]{d['problems']:,} problem(s)[/]: malformed records were skipped or a file "
                          "ended early (exit code 65); the rest is stored. Fix the files and re-run, or --restart.")


def _check_ingest_args(paths: list[str], fmt: str | None) -> None:
    """A bad ``--format`` is a usage error and a path that does not exist an error, both before any
    store is opened or created."""
    from ..sources.registry import FORMATS, load_builtin

    load_builtin()
    if fmt and fmt not in FORMATS:
        raise UsageError(f"Unknown --format {fmt!r}; known: {', '.join(sorted(FORMATS))} (see --list-formats)")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(f"{missing[0]}: no such file{more}; nothing was ingested")


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


def register(app: typer.Typer) -> None:
    @app.command()
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
                _print_formats(json_)
                return
            if not paths:
                raise UsageError("Give files or directories to ingest (or --list-formats).")
            options: dict = {}
            mapping = parse_map(map_)
            if mapping:
                options["mapping"] = mapping
                fmt = fmt or "mapped"
            _check_ingest_args(paths, fmt)  # before the store is opened: a typo creates nothing
            store = get_store(db)
            if workers or scheduler:
                from ..bulk import ingest_parallel

                summary = ingest_parallel(
                    store, paths, workers=workers or 2, scheduler=scheduler, fmt=fmt, options=options,
                    appraise=not no_appraise,
                )
            else:
                with _progress(json_) as on_progress:
                    summary = ingest_paths(
                        store, paths, fmt=fmt, options=options, batch_size=batch_size,
                        appraise=not no_appraise, on_progress=on_progress, restart=restart,
                    )
            if json_:
                emit_json(summary.as_dict())
            else:
                _print_summary(summary.as_dict())
            if summary.exit_code:
                raise typer.Exit(summary.exit_code)

    @app.command()
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
                return
            if not hits:
                console.print(f"No records match {escape(repr(text))}.")
                return
            t = Table(show_edge=False)
            for c in ("id", "kind", "year", "title", "score"):
                t.add_column(c)
            for h in hits:
                t.add_row(escape(h.id), h.kind, str(h.year or ""), escape((h.title or "")[:90]), f"{h.score:.2f}")
            console.print(t)

    @app.command()
    def show(
        record_id: Annotated[str, typer.Argument(metavar="ID", help="pmid:..., nct:..., spl:..., fda:... or a bare PMID/NCT id.")],
        db: DbOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Print one record with its appraisals.

        Example: rxevidence show pmid:28187918
        """
        from ..ids import normalise_id
        from ..render.record import render_record_terminal

        with handle_errors(json_):
            store = get_store(db, read=True)
            rid = normalise_id(record_id)
            rec = store.get_record(rid)
            if rec is None:  # a label or application a brief cites but the store has not fetched
                from ..labelfacts import load_label_facts
                from ..labelfacts.records import cited_record
                from ..pack import load_pack

                rec = cited_record(rid, load_label_facts(), load_pack())
            if rec is None:
                raise InputError(f"No record {rid} in the store {store.url}. Try: rxevidence search WORDS")
            appraisals = store.get_appraisals(rid)
            if json_:
                d = rec.model_dump(mode="json", exclude_defaults=True)
                d["url"] = rec.url
                d["appraisals"] = [a.model_dump(mode="json", exclude_defaults=True) for a in appraisals]
                d["appraisal"] = d["appraisals"][0] if d["appraisals"] else None
                emit_json(d)
                return
            render_record_terminal(console, rec, appraisals)
