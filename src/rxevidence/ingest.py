"""``ingest``: read files of any registered format into the store, in resumable batches.

Each batch of records and the file's progress mark are written in one short transaction, so a
killed run leaves the store consistent and the next run resumes after the last batch. Records are
appraised *before* that transaction (appraisal is the slow part), so another writer waits for
the store at most the few seconds a batch write takes.

A file is ``done`` only when it was read to its end with no malformed record. A file with
malformed records is ``done-with-errors`` (a re-run reports them again, ``--restart`` re-reads
it); a file that ended early (cut short, truncated ``.gz``) stays ``partial`` at its last whole
record, so a re-run resumes there and meets the same end again. Either way the summary's
``exit_code`` is :data:`~rxevidence.errors.EXIT_DATA` (65).

Resuming a format that yields :class:`~rxevidence.sources.registry.Checkpoint` (MEDLINE XML)
seeks to the byte after the last committed record (a ``.gz`` is decompressed up to it without
parsing); other formats skip the records already done.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .appraise import appraise_record
from .errors import EXIT_DATA, InputError, ParseError, StoreError, UsageError
from .models import Deletion, Record, Skipped, VocabTerm
from .sources.registry import FORMATS, Checkpoint, FileUnreadable, detect, load_builtin
from .store.base import Store, UpsertCounts
from .store.failures import with_committed

Appraiser = Callable[[Record], Any]

DONE = "done"
DONE_WITH_ERRORS = "done-with-errors"
PARTIAL = "partial"
FINISHED = (DONE, DONE_WITH_ERRORS)
MAX_REPORTED = 200  # problems kept per file (the count is exact)


@dataclass
class FileSummary:
    path: str
    format: str
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    records: int = 0
    resumed_from: int = 0
    already_done: bool = False
    errors: list[str] = field(default_factory=list)  # every problem, "file (position): reason"
    problems: int = 0  # malformed records skipped + the file ending early (data errors)
    complete: bool = True  # read to its end
    vocab_terms: int = 0
    seconds: float = 0.0

    def problem(self, message: str) -> None:
        self.problems += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(message)

    @property
    def status(self) -> str:
        if not self.complete:
            return PARTIAL
        return DONE_WITH_ERRORS if self.problems else DONE


@dataclass
class IngestSummary:
    files: list[FileSummary] = field(default_factory=list)
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    vocab_terms: int = 0
    seconds: float = 0.0

    @property
    def problems(self) -> int:
        return sum(f.problems for f in self.files)

    @property
    def exit_code(self) -> int:
        """0, or 65 (EXIT_DATA) when any record was skipped as malformed or a file ended early."""
        return EXIT_DATA if self.problems else 0

    def as_dict(self) -> dict[str, Any]:
        d = self.counts.as_dict()
        d["vocab_terms"] = self.vocab_terms
        d["problems"] = self.problems
        d["ok"] = not self.problems
        done = sum(f.records for f in self.files)
        d["records_per_s"] = round(done / self.seconds, 1) if self.seconds > 0.001 else 0.0
        d["seconds"] = round(self.seconds, 3)
        d["files"] = [
            {
                "path": f.path,
                "format": f.format,
                "status": f.status,
                "records": f.records,
                "resumed_from": f.resumed_from,
                "already_done": f.already_done,
                "complete": f.complete,
                "problems": f.problems,
                "errors": f.errors,
                **f.counts.as_dict(),
            }
            for f in self.files
        ]
        return d


def file_key(path: str | Path, options: dict[str, Any] | None = None) -> str:
    p = Path(path).resolve()
    st = p.stat()
    opt = ",".join(f"{k}={v}" for k, v in sorted((options or {}).items()))
    return f"{p}|{st.st_size}|{st.st_mtime_ns}|{opt}"


def default_appraiser() -> Appraiser | None:
    """The automatic appraiser ingest stamps on new records."""
    return appraise_record


def skip_message(item: Skipped, path: str) -> str:
    return f"{item.path or path}{' (' + item.position + ')' if item.position else ''}: {item.reason}"


def reason_key(reason: str) -> str:
    """The summary's group for a skip reason: the part before any ``: detail``."""
    return reason.split(": ", 1)[0][:120]


@dataclass
class _Run:
    """One file being ingested: where it is, what it found, how to write a batch."""

    store: Store
    path: str
    key: str
    fmt: str
    summary: FileSummary
    appraiser: Appraiser | None
    position: int = 0
    checkpoint: tuple[int, Checkpoint] | None = None  # (position at the checkpoint, checkpoint)

    def appraise_ahead(self, records: list[Record]) -> dict[str, Any]:
        """Appraisals of the records the store does not hold as they are (outside any transaction)."""
        if self.appraiser is None or not records:
            return {}
        changed = self.store.changed_ids(records)
        out: dict[str, Any] = {}
        for r in records:
            if r.id in changed:
                out[r.id] = self.appraiser(r)
        return out

    def write(self, batch: list[Record | Deletion | Skipped | VocabTerm], status: str) -> None:
        """One transaction: the batch, its appraisals (computed before) and the progress mark."""
        summary, store = self.summary, self.store
        ahead = self.appraise_ahead([i for i in batch if isinstance(i, Record)])
        counts = UpsertCounts()
        vocab: list[tuple[str, str, str, str]] = []
        records: list[Record] = []

        def write_records() -> None:
            # consecutive records go to the store as one batch (a deletion in between keeps its place)
            outcomes = store.upsert_many(records, counts)
            if self.appraiser is not None:
                for rec, outcome in zip(records, outcomes, strict=True):
                    if outcome in ("added", "updated"):
                        a = ahead[rec.id] if rec.id in ahead else self.appraiser(rec)  # changed meanwhile
                        if a is not None:
                            store.put_appraisal(a)
            records.clear()

        info: dict[str, Any] = {}
        if self.checkpoint is not None:
            pos, cp = self.checkpoint
            info = {"offset": cp.offset, "offset_position": pos, "state": cp.state}
        if status != DONE and summary.errors:
            info["problems"] = summary.problems
            info["errors"] = summary.errors[:MAX_REPORTED]
        with store.transaction():
            for item in batch:
                if isinstance(item, Record):
                    records.append(item)
                    continue
                if records:
                    write_records()
                if isinstance(item, Deletion):
                    if store.delete_record(item.id):
                        counts.deleted += 1
                    else:
                        counts.skip("deletion of a record not in the store")
                elif isinstance(item, VocabTerm):
                    vocab.append((item.term, item.kind, item.canonical, item.source or self.fmt))
            if records:
                write_records()
            if vocab:
                summary.vocab_terms += store.vocab_add(vocab)
            store.progress_set(self.key, status=status, done=self.position, info=info)
        summary.counts.merge(counts)


def ingest_file(
    store: Store,
    path: str | Path,
    *,
    fmt: str | None = None,
    options: dict[str, Any] | None = None,
    batch_size: int = 1000,
    appraiser: Appraiser | None = None,
    on_progress: Callable[[int], None] | None = None,
    restart: bool = False,
) -> FileSummary:
    """Ingest one file; resumable; returns what happened to its records.

    :raises InputError: the file does not exist, or its format is unknown.
    :raises StoreError: the store could not be written (busy, disk full, read-only); its
        ``committed`` says how many records of this file were stored before (a re-run resumes).
    """
    path = str(path)
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    source = detect(path, fmt=fmt)
    options = dict(options or {})
    key = file_key(path, {"format": source.name, **options})
    summary = FileSummary(path=path, format=source.name)
    t0 = time.perf_counter()
    prog = None if restart else store.progress_get(key)
    if prog and prog["status"] in FINISHED:
        summary.already_done = True
        info = prog.get("info") or {}
        for e in info.get("errors", []):  # a re-run reports the file's problems again
            summary.problem(e)
        summary.problems = int(info.get("problems", summary.problems))
        return summary
    start_at = int(prog["done"]) if prog else 0
    summary.resumed_from = start_at
    run = _Run(store, path, key, source.name, summary, appraiser)
    parse_opts: dict[str, Any] = dict(options)
    info = (prog or {}).get("info") or {}
    if source.resumable:
        parse_opts["checkpoints"] = True
        if start_at and "offset" in info and int(info.get("offset_position", 0)) <= start_at:
            parse_opts["resume"] = Checkpoint(int(info["offset"]), dict(info.get("state") or {}))
            run.position = int(info["offset_position"])
            run.checkpoint = (run.position, parse_opts["resume"])
    if on_progress:
        on_progress(start_at)

    batch: list[Record | Deletion | Skipped | VocabTerm] = []

    def flush(status: str) -> None:
        nonlocal batch
        run.write(batch, status)
        batch = []
        if on_progress:
            on_progress(run.position)

    try:
        with store.durable():  # each batch commit reaches the disk before the next (synchronous=FULL)
            try:
                for item in source.parse(path, **parse_opts):
                    if isinstance(item, Checkpoint):
                        run.checkpoint = (run.position, item)
                        continue
                    run.position += 1
                    if run.position <= start_at:
                        continue
                    summary.records += 1
                    if isinstance(item, Skipped):
                        summary.counts.skip(reason_key(item.reason))
                        if not item.unsupported:
                            summary.problem(skip_message(item, path))
                        continue
                    batch.append(item)
                    if len(batch) >= batch_size:
                        flush(PARTIAL)
            except ParseError as e:
                # the rest of the file is unreadable: keep what was read, report where it broke
                summary.counts.skip("malformed input")
                summary.problem(str(e))
                summary.complete = False
            except OSError as e:  # the file went away or became unreadable while being read
                summary.counts.skip("unreadable file")
                summary.problem(f"{path}: cannot read ({e.strerror or e}) after record {run.position}")
                summary.complete = False
            flush(summary.status)
    except StoreError as e:
        raise with_committed(e, _committed(summary.counts)) from e.__cause__
    summary.seconds = time.perf_counter() - t0
    return summary


def _committed(counts: UpsertCounts) -> int:
    return counts.added + counts.updated + counts.unchanged + counts.deleted


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    fmt: str | None = None,
    options: dict[str, Any] | None = None,
    batch_size: int = 1000,
    appraise: bool = True,
    on_progress: Callable[[str, int], None] | None = None,
    restart: bool = False,
) -> IngestSummary:
    """Ingest files (directories are walked); returns the summary (see ``exit_code``).

    A file in a directory that is not a known record format is reported and skipped; one that
    cannot be read (permission denied) is a problem (exit code 65), and the rest are ingested.
    """
    files: list[tuple[str, bool]] = []  # (path, found by walking a directory)
    for p in paths:
        pp = Path(p)
        if pp.is_dir():
            files.extend(
                (str(x), True) for x in sorted(pp.rglob("*")) if x.is_file() and not x.name.startswith(".")
            )
        else:
            files.append((str(pp), False))
    appraiser = default_appraiser() if appraise else None
    total = IngestSummary()
    t0 = time.perf_counter()
    for f, walked in files:
        try:
            if walked and fmt is None:
                detect(f)
            cb = (lambda n, _f=f: on_progress(_f, n)) if on_progress else None
            fs = ingest_file(
                store, f, fmt=fmt, options=options, batch_size=batch_size, appraiser=appraiser, on_progress=cb,
                restart=restart,
            )
        except StoreError as e:  # the whole run stops: say how much of it is safely stored
            raise with_committed(e, _committed(total.counts) + (e.committed or 0)) from e.__cause__
        except FileUnreadable as e:
            fs = FileSummary(path=f, format="unknown", complete=False)
            fs.counts.skip("unreadable file")
            fs.problem(f"{e.message}; skipped")
        except InputError as e:
            if not walked or fmt is not None:
                raise
            # a directory may hold files that are not records (READMEs, FAERS counts): skip and report them
            del e
            fs = FileSummary(path=f, format="unknown")
            fs.counts.skip("unrecognised format")
            fs.errors.append(f"{f}: not a known record format; skipped (name one with --format)")
        total.vocab_terms += fs.vocab_terms
        total.files.append(fs)
        total.counts.merge(fs.counts)
    total.seconds = time.perf_counter() - t0
    return total


def check_inputs(paths: Iterable[str | Path], fmt: str | None = None) -> None:
    """Refuse a run before any store is opened or created: an unknown ``fmt`` is a UsageError, a path that does
    not exist an InputError."""
    load_builtin()
    if fmt and fmt not in FORMATS:
        raise UsageError(f"Unknown --format {fmt!r}; known: {', '.join(sorted(FORMATS))} (see --list-formats)")
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(f"{missing[0]}: no such file{more}; nothing was ingested")


def ingest_files(
    store: Store,
    paths: list[str],
    *,
    fmt: str | None = None,
    options: dict[str, Any] | None = None,
    batch_size: int = 1000,
    appraise: bool = True,
    on_progress: Callable[[str, int], None] | None = None,
    restart: bool = False,
    workers: int = 0,
    scheduler: str | None = None,
) -> IngestSummary:
    """What ``rxevidence ingest`` runs: :func:`ingest_paths` in this process, or, with ``workers`` or a Dask
    ``scheduler`` address, :func:`rxevidence.bulk.ingest_parallel` (``workers`` default 2 there; it reports no
    per-file progress and uses its own batch size)."""
    if workers or scheduler:
        from .bulk import ingest_parallel  # Dask is an optional extra

        return ingest_parallel(store, paths, workers=workers or 2, scheduler=scheduler, fmt=fmt, options=options,
                               appraise=appraise)
    return ingest_paths(store, paths, fmt=fmt, options=options, batch_size=batch_size, appraise=appraise,
                        on_progress=on_progress, restart=restart)


__all__ = ["FileSummary", "IngestSummary", "check_inputs", "file_key", "ingest_file", "ingest_files", "ingest_paths"]
