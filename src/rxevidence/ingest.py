"""``ingest``: read files of any registered format into the store, in resumable batches.

Each batch of records and the file's progress mark are written in one transaction, so a
killed run leaves the store consistent and the next run resumes after the last batch.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .appraise import appraise_record
from .errors import InputError, ParseError
from .models import Deletion, Record, Skipped, VocabTerm
from .sources.registry import detect
from .store.base import Store, UpsertCounts

Appraiser = Callable[[Record], Any]


@dataclass
class FileSummary:
    path: str
    format: str
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    records: int = 0
    resumed_from: int = 0
    already_done: bool = False
    errors: list[str] = field(default_factory=list)
    vocab_terms: int = 0
    seconds: float = 0.0


@dataclass
class IngestSummary:
    files: list[FileSummary] = field(default_factory=list)
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    vocab_terms: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        d = self.counts.as_dict()
        d["vocab_terms"] = self.vocab_terms
        d["records_per_s"] = round(sum(f.records for f in self.files) / self.seconds, 1) if self.seconds else 0.0
        d["seconds"] = round(self.seconds, 3)
        d["files"] = [
            {
                "path": f.path,
                "format": f.format,
                "records": f.records,
                "resumed_from": f.resumed_from,
                "already_done": f.already_done,
                "errors": f.errors[:20],
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
    """Ingest one file; resumable; returns what happened to its records."""
    path = str(path)
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    source = detect(path, fmt=fmt)
    options = dict(options or {})
    key = file_key(path, {"format": source.name, **options})
    summary = FileSummary(path=path, format=source.name)
    t0 = time.perf_counter()
    prog = None if restart else store.progress_get(key)
    if prog and prog["status"] == "done":
        summary.already_done = True
        summary.records = 0
        return summary
    start_at = int(prog["done"]) if prog else 0
    summary.resumed_from = start_at

    batch: list[Record | Deletion | Skipped | VocabTerm] = []
    position = 0

    def flush(final: bool) -> None:
        nonlocal batch
        counts = UpsertCounts()
        vocab: list[tuple[str, str, str, str]] = []
        records: list[Record] = []

        def write_records() -> None:
            # consecutive records go to the store as one batch (a deletion in between keeps its place)
            outcomes = store.upsert_many(records, counts)
            if appraiser is not None:
                for rec, outcome in zip(records, outcomes, strict=True):
                    if outcome in ("added", "updated"):
                        a = appraiser(rec)
                        if a is not None:
                            store.put_appraisal(a)
            records.clear()

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
                    vocab.append((item.term, item.kind, item.canonical, item.source or source.name))
                elif isinstance(item, Skipped):
                    counts.skip(item.reason)
                    summary.errors.append(
                        f"{item.path or path}{' (' + item.position + ')' if item.position else ''}: {item.reason}"
                    )
            if records:
                write_records()
            if vocab:
                summary.vocab_terms += store.vocab_add(vocab)
            store.progress_set(key, status="done" if final else "partial", done=position)
        summary.counts.merge(counts)
        batch = []
        if on_progress:
            on_progress(position)

    try:
        for item in source.parse(path, **options):
            position += 1
            if position <= start_at:
                continue
            summary.records += 1
            batch.append(item)
            if len(batch) >= batch_size:
                flush(False)
    except ParseError as e:
        # the rest of the file is unreadable: keep what was read, report where it broke
        summary.counts.skip("malformed input")
        summary.errors.append(str(e))
        flush(True)
        summary.seconds = time.perf_counter() - t0
        return summary
    flush(True)
    summary.seconds = time.perf_counter() - t0
    return summary


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
    """Ingest files (directories are walked); returns the summary."""
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
        if walked and fmt is None:
            # a directory may hold files that are not records (READMEs, FAERS counts): skip and report them
            try:
                detect(f)
            except InputError:
                fs = FileSummary(path=f, format="unknown")
                fs.counts.skip("unrecognised format")
                fs.errors.append(f"{f}: not a known record format; skipped (name one with --format)")
                total.files.append(fs)
                total.counts.merge(fs.counts)
                continue
        cb = (lambda n, _f=f: on_progress(_f, n)) if on_progress else None
        fs = ingest_file(
            store, f, fmt=fmt, options=options, batch_size=batch_size, appraiser=appraiser, on_progress=cb,
            restart=restart,
        )
        total.vocab_terms += fs.vocab_terms
        total.files.append(fs)
        total.counts.merge(fs.counts)
    total.seconds = time.perf_counter() - t0
    return total
