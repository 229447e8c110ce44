"""Terminal views of ``ingest`` (the run's summary, the record formats) and ``search`` (the hits)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

RATE_MIN_RECORDS = 100  # a rate over fewer records (or under half a second) measures start-up, not ingest


def rate_is_meaningful(d: dict) -> bool:
    """Whether the summary's records/s says something: enough records over enough time."""
    done = sum(f["records"] for f in d["files"])
    return bool(d["records_per_s"]) and d["seconds"] >= 0.5 and done >= RATE_MIN_RECORDS


def progress_rate(n: int, n0: int, seconds: float) -> str:
    """Records per second of this run: records read since the file started (or resumed) at ``n0``,
    over at least half a second ("" before that: no 893,181,802 rec/s from a resumed count)."""
    return f"{(n - n0) / seconds:,.0f} rec/s" if seconds >= 0.5 and n > n0 else ""


def seconds_text(s: float) -> str:
    """``0.04 s``, ``3.2 s``, ``1 min 05 s``: never ``0.0s`` for a run that took time."""
    if s < 10:
        return f"{s:.2f} s"
    if s < 60:
        return f"{s:.1f} s"
    return f"{int(s // 60)} min {int(s % 60):02d} s"


def render_ingest_summary(console: Console, err_console: Console, d: dict[str, Any]) -> None:
    """Each file's full name on its own line (never cut: long names wrap), then its counts; problems on
    ``err_console``. ``d`` is :meth:`rxevidence.ingest.IngestSummary.as_dict`."""
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
        + f" in {seconds_text(d['seconds'])}" + (f" ({d['records_per_s']:,.0f} records/s)"
                                                   if rate_is_meaningful(d) else "")
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


def render_formats(console: Console, rows: Iterable[Any]) -> None:
    """The record formats ingest reads (:data:`rxevidence.sources.registry.FORMATS` values)."""
    t = Table(title="Record formats (ingest detects them; force one with --format NAME)", show_edge=False)
    t.add_column("format", no_wrap=True)
    t.add_column("what it reads", overflow="fold")
    for f in rows:
        t.add_row(f.name, escape(f.description))
    console.print(t)


def render_search_terminal(console: Console, text: str, hits: list[Any]) -> None:
    """Search hits as a table (id, kind, year, title, score); a line saying so when there are none."""
    if not hits:
        console.print(f"No records match {escape(repr(text))}.")
        return
    t = Table(show_edge=False)
    for c in ("id", "kind", "year", "title", "score"):
        t.add_column(c)
    for h in hits:
        t.add_row(escape(h.id), h.kind, str(h.year or ""), escape((h.title or "")[:90]), f"{h.score:.2f}")
    console.print(t)


__all__ = ["RATE_MIN_RECORDS", "progress_rate", "rate_is_meaningful", "render_formats", "render_ingest_summary",
           "render_search_terminal", "seconds_text"]
