"""``ingest``, ``search`` and ``show``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import InputError
from ..ingest import ingest_paths
from .common import DbOption, JsonOption, console, emit_json, err_console, get_store, handle_errors


def parse_map(spec: str | None) -> dict[str, str] | None:
    """``pmid=pubmedID,title=title`` -> {"pmid": "pubmedID", "title": "title"}."""
    if not spec:
        return None
    out: dict[str, str] = {}
    for part in spec.split(","):
        if "=" not in part:
            raise InputError(f"--map expects field=column pairs separated by commas, got {part!r}")
        k, v = part.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        paths: Annotated[list[str], typer.Argument(help="Files or directories (.gz read transparently).")],
        db: DbOption = None,
        json_: JsonOption = False,
        fmt: Annotated[str | None, typer.Option("--format", help="Force a format (see --list-formats).")] = None,
        map_: Annotated[
            str | None, typer.Option("--map", help="Column mapping for CSV/JSONL, e.g. pmid=pmid,title=title.")
        ] = None,
        no_appraise: Annotated[bool, typer.Option("--no-appraise", help="Store records without appraising.")] = False,
        restart: Annotated[bool, typer.Option("--restart", help="Ignore earlier progress; re-read files.")] = False,
        batch_size: Annotated[int, typer.Option(help="Records per transaction.")] = 1000,
        workers: Annotated[int, typer.Option("--workers", help="Parallel workers (Dask LocalCluster).")] = 0,
        scheduler: Annotated[str | None, typer.Option("--scheduler", help="Existing Dask scheduler address.")] = None,
    ) -> None:
        """Read record files into the store; idempotent and resumable.

        Example: rxevidence ingest pubmed24n0001.xml.gz
        """
        with handle_errors(json_):
            options: dict = {}
            mapping = parse_map(map_)
            if mapping:
                options["mapping"] = mapping
                fmt = fmt or "mapped"
            store = get_store(db)
            if workers or scheduler:
                from ..bulk import ingest_parallel

                summary = ingest_parallel(
                    store, paths, workers=workers or 2, scheduler=scheduler, fmt=fmt, options=options,
                    appraise=not no_appraise,
                )
            else:
                with Progress(
                    TextColumn("[bold]{task.description}"),
                    BarColumn(),
                    TextColumn("{task.completed:,} records"),
                    TextColumn("{task.fields[rate]}"),
                    TimeElapsedColumn(),
                    console=err_console,
                    disable=json_ or not err_console.is_terminal,
                ) as progress:
                    tasks: dict[str, int] = {}
                    import time as _time

                    starts: dict[str, float] = {}

                    def on_progress(path: str, n: int) -> None:
                        if path not in tasks:
                            tasks[path] = progress.add_task(path.rsplit("/", 1)[-1], total=None, rate="")
                            starts[path] = _time.perf_counter()
                        el = _time.perf_counter() - starts[path]
                        rate = f"{n / el:,.0f} rec/s" if el > 0 else ""
                        progress.update(tasks[path], completed=n, rate=rate)

                    summary = ingest_paths(
                        store, paths, fmt=fmt, options=options, batch_size=batch_size,
                        appraise=not no_appraise, on_progress=on_progress, restart=restart,
                    )
            d = summary.as_dict()
            if json_:
                emit_json(d)
                return
            t = Table(title="Ingest summary", show_edge=False)
            for col in ("file", "format", "records", "added", "updated", "deleted", "unchanged", "skipped"):
                t.add_column(col, justify="left" if col in ("file", "format") else "right")
            for f in d["files"]:
                note = " (already done)" if f["already_done"] else (
                    f" (resumed at {f['resumed_from']})" if f["resumed_from"] else "")
                t.add_row(f["path"] + note, f["format"], *(f"{f[k]:,}" for k in
                          ("records", "added", "updated", "deleted", "unchanged", "skipped")))
            console.print(t)
            console.print(
                f"[bold]{d['added']:,}[/] added, {d['updated']:,} updated, {d['deleted']:,} deleted, "
                f"{d['unchanged']:,} unchanged, {d['skipped']:,} skipped"
                + (f", {d['vocab_terms']:,} vocabulary terms" if d["vocab_terms"] else "")
                + f" in {d['seconds']:.1f}s ({d['records_per_s']:,.0f} records/s)"
            )
            for reason, n in d["skipped_reasons"].items():
                console.print(f"  skipped {n:,}: {reason}")
            problems = [e for f in d["files"] for e in f["errors"][:5]]
            for e in problems[:10]:
                err_console.print(f"  [yellow]![/] {e}", soft_wrap=True)
            if len(problems) > 10:
                err_console.print(f"  ... and {len(problems) - 10} more (see --json for all)")

    @app.command()
    def search(
        text: Annotated[str, typer.Argument(help="Words to search for.")],
        db: DbOption = None,
        json_: JsonOption = False,
        kind: Annotated[str | None, typer.Option(help="article, label, approval or trial.")] = None,
        limit: Annotated[int, typer.Option(help="Maximum results.")] = 20,
    ) -> None:
        """Full-text search over titles, abstracts and label sections, ranked by BM25.

        Example: rxevidence search "diazepam low back pain"
        """
        with handle_errors(json_):
            if not text.strip():
                raise InputError("Empty search: give some words, e.g. rxevidence search diazepam")
            hits = get_store(db).search(text, kind=kind, limit=limit)
            if json_:
                emit_json({"query": text, "results": [h.__dict__ for h in hits]})
                return
            if not hits:
                console.print(f"No records match {text!r}.")
                return
            t = Table(show_edge=False)
            for c in ("id", "kind", "year", "title", "score"):
                t.add_column(c)
            for h in hits:
                t.add_row(h.id, h.kind, str(h.year or ""), (h.title or "")[:90], f"{h.score:.2f}")
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
            store = get_store(db)
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
