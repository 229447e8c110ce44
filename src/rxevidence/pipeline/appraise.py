"""The explicit appraisal steps.

- :func:`appraise_missing` (in ``ask``): stores ingested with ``--no-appraise`` (or records fetched by a client
  that does not appraise) hold records with no appraisal; this step appraises the ones a question retrieved,
  with the context's appraiser, and adds them to the Evidence. Nothing is written to the store.
- :func:`appraise_store` (``rxevidence appraise``): appraise stored records and store the appraisals, stamped
  with the appraiser version.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..models import Record
from ..models.evidence import Evidence
from ..store.base import Store
from .context import Context


def appraise_missing(context: Context, ev: Evidence) -> int:
    """Appraise every retrieved record that has no appraisal yet; the number appraised.

    The Evidence keeps its appraisals in retrieval order (sorted record ids). With no appraiser in the
    context, such records stay unappraised (and are left out of the brief).
    """
    appraiser = context.appraiser
    missing = [rid for rid in sorted(ev.scores) if rid in ev.records and rid not in ev.appraisals]
    if appraiser is None or not missing:
        return 0
    added = 0
    new = dict(ev.appraisals)
    for rid in missing:
        a = appraiser(ev.records[rid])
        if a is not None:
            new[rid] = a
            added += 1
    ev.appraisals = {rid: new[rid] for rid in sorted(ev.scores) if rid in new}
    return added


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


__all__ = ["AppraiseSummary", "appraise_missing", "appraise_store"]
