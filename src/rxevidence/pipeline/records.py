"""One record by id, as ``rxevidence show ID`` and ``/api/records/ID`` give it.

A record is read from the store; a DailyMed label (``spl:``) or Drugs@FDA application (``fda:``) that a brief
cites but the store has not fetched is built from the context's label facts and starter pack
(:func:`rxevidence.labelfacts.records.cited_record`), so no cited id leads nowhere. Nothing is loaded here:
the pack and label facts come from the :class:`~rxevidence.pipeline.context.Context`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..ids import normalise_id
from ..labelfacts.records import cited_record
from ..models import Appraisal, Record
from ..store.base import Store
from .context import Context, build_context

MAX_ID_CHARS = 300  # longer text names no record (and is not sent to the store)


@dataclass
class FoundRecord:
    """A record and its appraisals (best first, as the store orders them)."""

    record: Record
    appraisals: list[Appraisal] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The JSON of ``show ID --json`` and ``/api/records/ID``: the record's fields, ``url``, ``appraisals``
        and ``appraisal`` (the first, or null)."""
        d = self.record.model_dump(mode="json", exclude_defaults=True)
        d["url"] = self.record.url
        d["appraisals"] = [a.model_dump(mode="json", exclude_defaults=True) for a in self.appraisals]
        d["appraisal"] = d["appraisals"][0] if d["appraisals"] else None
        return d


def find_record(store: Store, record_id: str, *,
                context: Context | Callable[[], Context] | None = None) -> FoundRecord | None:
    """The record ``record_id`` names (``pmid:…``, a bare PMID or NCT number, ``spl:…``, ``fda:…``), or None.

    :param context: where a cited label or application the store lacks is built from: a Context, or a function
        returning the one built once (called only when needed); default: a context built for ``store`` (the
        pack not installed) when the store lacks the record.
    """
    rid = normalise_id(record_id)
    if not rid or len(rid) > MAX_ID_CHARS:
        return None
    rec = store.get_record(rid)
    if rec is None:  # a label or application a brief cites, not fetched
        ctx = _resolve(store, context)
        rec = cited_record(rid, ctx.label_facts, ctx.pack)
    if rec is None:
        return None
    return FoundRecord(rec, store.get_appraisals(rid))


def _resolve(store: Store, context: Context | Callable[[], Context] | None) -> Context:
    if isinstance(context, Context):
        return context
    if context is not None:
        return context()
    return build_context(store, install_pack=False, appraise_on_read=False)


__all__ = ["MAX_ID_CHARS", "FoundRecord", "find_record"]
