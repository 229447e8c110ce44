"""``appraise``: recompute automatic appraisals and store them, stamped with the appraiser version."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import InputError, UsageError
from ..models import Record
from ..store import Store
from .common import DbOption, JsonOption, console, emit_json, err_console, get_store, handle_errors

_KINDS = ("article", "label", "approval", "trial")


@dataclass
class AppraiseSummary:
    appraiser_version: str
    appraised: int = 0
    not_appraisable: int = 0  # labels, approvals, records without text
    up_to_date: int = 0  # skipped by --stale-only
    missing: list[str] = field(default_factory=list)
    designs: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    records_per_s: float = 0.0


def _automatic_versions(store: Store, ids: list[str] | None) -> dict[str, str]:
    """record id -> version of its stored automatic appraisal."""
    fn = getattr(store, "appraised_versions", None)
    if fn is not None:
        return dict(fn("automatic"))
    out: dict[str, str] = {}
    for rid in ids or [r.id for r in store.iter_records()]:
        for a in store.get_appraisals(rid):
            if a.appraiser == "automatic":
                out[rid] = a.appraiser_version
    return out


def appraise_store(
    store: Store,
    *,
    ids: list[str] | None = None,
    kind: str | None = None,
    stale_only: bool = False,
    batch_size: int = 500,
    on_progress: Callable[[int], None] | None = None,
) -> AppraiseSummary:
    """Appraise the given records (or all, optionally of one kind) and store the appraisals."""
    from ..appraise import appraise_record, appraiser_version

    version = appraiser_version()
    summary = AppraiseSummary(appraiser_version=version)
    versions = _automatic_versions(store, ids) if stale_only else {}
    if ids is not None:
        present = store.has_records(ids)
        summary.missing = [i for i in ids if i not in present]
        records: Iterator[Record] = store.iter_records(ids=[i for i in ids if i in present])
    else:
        records = store.iter_records(kind)
    t0 = time.perf_counter()
    done = 0
    batch: list[Record] = []

    def flush() -> None:
        with store.transaction():
            for rec in batch:
                a = appraise_record(rec)
                if a is None:
                    summary.not_appraisable += 1
                    continue
                store.put_appraisal(a)
                summary.appraised += 1
                summary.designs[a.design] = summary.designs.get(a.design, 0) + 1
        batch.clear()

    for rec in records:
        if kind and rec.kind != kind:
            continue
        done += 1
        if stale_only and versions.get(rec.id) == version:
            summary.up_to_date += 1
        else:
            batch.append(rec)
            if len(batch) >= batch_size:
                flush()
        if on_progress and done % 50 == 0:
            on_progress(done)
    if batch:
        flush()
    if on_progress:
        on_progress(done)
    summary.seconds = round(time.perf_counter() - t0, 3)
    summary.records_per_s = round(summary.appraised / summary.seconds, 1) if summary.seconds else 0.0
    summary.designs = dict(sorted(summary.designs.items(), key=lambda kv: -kv[1]))
    return summary


def register(app: typer.Typer) -> None:
    @app.command()
    def appraise(
        ids: Annotated[list[str] | None, typer.Argument(metavar="[IDS]...", help="Record ids (pmid:..., nct:..., bare PMIDs).")] = None,
        all_: Annotated[bool, typer.Option("--all", help="Appraise every record in the store.")] = False,
        kind: Annotated[str | None, typer.Option("--kind", help="Only records of this kind: article or trial.")] = None,
        stale_only: Annotated[
            bool, typer.Option("--stale-only", help="Skip records whose automatic appraisal has the current version.")
        ] = False,
        model: Annotated[
            str,
            typer.Option(
                "--model",
                help="Effect-direction model: linear (default, fast) or minilm (fine-tuned cross-encoder; "
                "needs the 'embed' extra, several times slower).",
            ),
        ] = "linear",
        db: DbOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Recompute automatic appraisals (design, population, N, arms, outcomes, flags) and store them.

        Example: rxevidence appraise --all --stale-only
        """
        from ..ids import normalise_id

        with handle_errors(json_):
            if kind is not None and kind not in _KINDS:
                raise UsageError(f"--kind must be one of {', '.join(_KINDS)}, got {kind!r}")
            if not ids and not all_:
                raise UsageError("Give record ids, or --all (optionally with --kind article and --stale-only).")
            if ids and all_:
                raise UsageError("Give record ids or --all, not both.")
            from ..appraise import direction

            if model not in direction.BACKENDS:
                raise UsageError(f"unknown direction model {model!r}; choose one of {', '.join(direction.BACKENDS)}")
            store = get_store(db, read=True)
            wanted = [normalise_id(i) for i in ids] if ids else None
            total = len(wanted) if wanted is not None else store.count(kind)
            with Progress(
                TextColumn("[bold]appraise"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err_console,
                disable=json_ or not err_console.is_terminal,
            ) as progress:
                task = progress.add_task("appraise", total=total or None)
                with direction.using(model):
                    summary = appraise_store(
                        store, ids=wanted, kind=kind, stale_only=stale_only,
                        on_progress=lambda n: progress.update(task, completed=n),
                    )
            if wanted is not None and summary.missing and len(summary.missing) == len(wanted):
                raise InputError(
                    f"No record {', '.join(summary.missing[:5])} in the store {store.url}. Try: rxevidence search WORDS"
                )
            if json_:
                emit_json(asdict(summary))
                return
            console.print(
                f"[bold]{summary.appraised:,}[/] appraised (appraiser {summary.appraiser_version})"
                + (f", {summary.up_to_date:,} already up to date" if summary.up_to_date else "")
                + (f", {summary.not_appraisable:,} with nothing to appraise" if summary.not_appraisable else "")
                + f" in {summary.seconds:.1f}s"
            )
            if summary.designs:
                console.print("  " + ", ".join(f"{d} {n:,}" for d, n in summary.designs.items()))
            for m in summary.missing:
                err_console.print(f"  [yellow]![/] not in the store: {m}")
