"""``appraise``: recompute automatic appraisals and store them (:func:`rxevidence.pipeline.appraise.appraise_store`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..domain import RECORD_KINDS
from ..errors import InputError, UsageError
from ..pipeline.appraise import appraise_store
from .common import DbOption, JsonOption, console, emit_json, err_console, get_store, handle_errors


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
            if kind is not None and kind not in RECORD_KINDS:
                raise UsageError(f"--kind must be one of {', '.join(RECORD_KINDS)}, got {kind!r}")
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
