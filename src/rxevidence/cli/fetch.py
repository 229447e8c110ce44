"""``fetch pubmed|labels|trials``: pull records from the live APIs into the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ..errors import SourceError, UsageError
from ..live import ProgressFn, SourceSummary, fetch_labels, fetch_pubmed, fetch_trials
from ..sources.http import env_offline, make_http_client
from .common import DbOption, JsonOption, console, emit_json, err_console, get_store, handle_errors

OfflineOption = Annotated[
    bool,
    typer.Option("--offline", help="Forbid the network (also RXEVIDENCE_OFFLINE=1); only cached responses are used."),
]
TimeoutOption = Annotated[float, typer.Option("--timeout", help="Seconds per request.")]
NoAppraiseOption = Annotated[bool, typer.Option("--no-appraise", help="Store records without appraising.")]


@contextmanager
def _progress(enabled: bool) -> Iterator[ProgressFn]:
    """A rich progress bar on stderr (only on a terminal and without --json)."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("records"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not enabled,
        transient=True,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def update(source: str, done: int, total: int | None) -> None:
            if source not in tasks:
                tasks[source] = progress.add_task(source, total=total)
            progress.update(tasks[source], completed=done, total=total)

        yield update


def _run(json_: bool, db: str | None, offline: bool, timeout: float,
         fetch: Callable[..., SourceSummary]) -> None:
    with handle_errors(json_):
        store = get_store(db)
        offline = offline or env_offline()
        http = make_http_client(timeout=timeout)
        try:
            with _progress(not json_ and err_console.is_terminal) as progress:
                summary = fetch(store, http, offline, progress)
        finally:
            http.close()
            store.close()
        d = summary.as_dict()
        if json_:
            emit_json(d)
        else:
            _print_summary(summary)
        if summary.errors:
            if json_:
                raise typer.Exit(1)
            raise SourceError("; ".join(summary.errors))


def _print_summary(s: SourceSummary) -> None:
    c = s.counts
    avail = f" of {s.total_available:,} found" if s.total_available is not None else ""
    console.print(
        f"[bold]{s.source}[/]: fetched {s.fetched:,}{avail}; {c.added:,} added, {c.updated:,} updated, "
        f"{c.unchanged:,} unchanged, {c.skipped:,} skipped, {s.appraised:,} appraised "
        f"in {s.seconds:.1f}s"
    )
    st = s.stats
    cache = ""
    if st.get("cache_hits"):
        cache = f", {st['cache_hits']} from cache (oldest {st.get('max_cache_age_s') or 0:.0f}s old)"
    console.print(f"  {st.get('requests', 0)} requests, {st.get('retries', 0)} retries{cache}")
    if s.ids:
        more = f" (+{len(s.ids) - 10} more)" if len(s.ids) > 10 else ""
        console.print("  " + ", ".join(s.ids[:10]) + more)


def register(app: typer.Typer) -> None:
    fetch_app = typer.Typer(
        name="fetch",
        help="Pull records from PubMed, openFDA or ClinicalTrials.gov into the store.",
        no_args_is_help=True,
    )

    @fetch_app.command("pubmed")
    def pubmed(
        query: Annotated[str, typer.Argument(help="A PubMed search, e.g. 'diazepam AND low back pain'.")],
        db: DbOption = None,
        json_: JsonOption = False,
        offline: OfflineOption = False,
        max_: Annotated[int, typer.Option("--max", help="Maximum articles to fetch.")] = 200,
        batch_size: Annotated[int, typer.Option(help="Articles per efetch request (at most 200).")] = 200,
        timeout: TimeoutOption = 30.0,
        no_appraise: NoAppraiseOption = False,
    ) -> None:
        """Search PubMed (E-utilities) and store the articles, appraised.

        Example: rxevidence fetch pubmed "diazepam AND low back pain[mh]" --max 50
        """
        if not query.strip():
            with handle_errors(json_):
                raise UsageError('Empty PubMed search: e.g. rxevidence fetch pubmed "diazepam back pain"')
        if max_ < 1 or not 1 <= batch_size <= 200:
            with handle_errors(json_):
                raise UsageError("--max must be at least 1 and --batch-size between 1 and 200")
        _run(json_, db, offline, timeout, lambda store, http, off, progress: fetch_pubmed(
            store, query, http=http, offline=off, max_articles=max_, batch_size=batch_size,
            appraise=not no_appraise, progress=progress, strict=False))

    @fetch_app.command("labels")
    def labels(
        drug: Annotated[str, typer.Argument(help="Generic name, e.g. diazepam.")],
        db: DbOption = None,
        json_: JsonOption = False,
        offline: OfflineOption = False,
        limit: Annotated[int, typer.Option(help="Maximum labels (and approvals) to fetch.")] = 10,
        approvals: Annotated[bool, typer.Option("--approvals/--no-approvals", help="Also fetch Drugs@FDA.")] = True,
        timeout: TimeoutOption = 30.0,
        no_appraise: NoAppraiseOption = False,
    ) -> None:
        """Fetch the openFDA drug labels (and Drugs@FDA approvals) of a drug and store them.

        Example: rxevidence fetch labels diazepam
        """
        _run(json_, db, offline, timeout, lambda store, http, off, progress: fetch_labels(
            store, drug, http=http, offline=off, limit=limit, approvals=approvals,
            appraise=not no_appraise, progress=progress, strict=False))

    @fetch_app.command("trials")
    def trials(
        condition: Annotated[str | None, typer.Option("--condition", "-c", help="Condition, e.g. 'low back pain'.")] = None,
        intervention: Annotated[str | None, typer.Option("--intervention", "-i", help="Drug, e.g. diazepam.")] = None,
        db: DbOption = None,
        json_: JsonOption = False,
        offline: OfflineOption = False,
        page_size: Annotated[int, typer.Option(help="Studies per page (at most 1000).")] = 50,
        max_pages: Annotated[int, typer.Option(help="Pages to follow at most.")] = 5,
        timeout: TimeoutOption = 30.0,
        no_appraise: NoAppraiseOption = False,
    ) -> None:
        """Fetch ClinicalTrials.gov (API v2) studies for a condition and/or an intervention.

        Example: rxevidence fetch trials --condition "low back pain" --intervention diazepam
        """
        if not (condition or intervention):
            with handle_errors(json_):
                raise UsageError("Give --condition and/or --intervention, e.g. --condition 'low back pain'")
        _run(json_, db, offline, timeout, lambda store, http, off, progress: fetch_trials(
            store, condition=condition, intervention=intervention, http=http, offline=off,
            page_size=page_size, max_pages=max_pages, appraise=not no_appraise, progress=progress,
            strict=False))

    app.add_typer(fetch_app)
