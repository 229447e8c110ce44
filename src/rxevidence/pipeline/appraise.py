"""The explicit appraisal step of ``ask``: records retrieved without a stored appraisal get one now.

Stores ingested with ``--no-appraise`` (or records fetched by a client that does not appraise) hold records
with no appraisal; this step appraises the ones a question retrieved, with the context's appraiser, and adds
them to the Evidence. Nothing is written to the store (``rxevidence appraise`` stores appraisals).
"""

from __future__ import annotations

from ..models.evidence import Evidence
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


__all__ = ["appraise_missing"]
