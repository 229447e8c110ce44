"""Records for the labels and applications briefs cite but the store does not hold.

A regulatory row cites a DailyMed label (``spl:<set id>``) or a Drugs@FDA application (``fda:NDA020080``) from the
curated pack or from the label-facts index; ``rxevidence show`` and ``/api/records/...`` resolve those ids through
:func:`cited_record` when the store has no fetched copy, so no cited id leads nowhere. The record says what it is
(facts the pack or the index holds about that label, with their source) and how to fetch the full label.
"""

from __future__ import annotations

import re
from typing import Any

from ..models import Provenance, Record, Section

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def _pack_label(set_id: str, pack: Any) -> Record | None:
    for d in (pack.drugs.values() if pack is not None else []):
        cited = {(d.fda.set_id or "").lower()} if d.fda else set()
        urls = ([d.fda.verified_url] if d.fda else []) + [p.verified_url for p in d.positions]
        cited |= {m.group(0).lower() for u in urls for m in _UUID.finditer(u)}
        if set_id.lower() not in cited:
            continue
        sections = []
        if d.fda and d.fda.indications:
            sections.append(Section(label="Indications and Usage (curated summary)", code="34067-9",
                                    text="\n".join(d.fda.indications)))
        if d.fda and d.fda.boxed_warning:
            sections.append(Section(label="Boxed warning (curated summary)", code="34066-1", text=d.fda.boxed_warning))
        rows = [f"{p.jurisdiction} / {p.condition}: {p.status} - {p.statement}" for p in d.positions
                if set_id.lower() in p.verified_url.lower()]
        if rows:
            sections.append(Section(label="Positions citing this label (curated)", text="\n".join(rows)))
        product = (d.fda.product if d.fda else None) or d.name
        return Record(id=f"spl:{set_id}", kind="label", set_id=set_id, title=f"{product} - US label (DailyMed)",
                      application=d.fda.application if d.fda else None, sections=sections,
                      date=d.fda.label_date if d.fda else None,
                      extra={"stub": True, "ingredients": [d.name], "facts": "starter pack, curated",
                             "fetch": f"rxevidence fetch labels {d.name}"},
                      provenance=Provenance(source="rxevidence starter pack", format="pack-yaml",
                                            retrieved_at=d.fda.verified_date if d.fda else None))
    return None


def _index_label(set_id: str, index: Any) -> Record | None:
    for name in (index.names() if index is not None else []):
        facts = index.drug(name)
        uses = [u for u in facts.uses if set_id.lower() in (s.lower() for s in u.set_ids)]
        if not uses:
            continue
        return Record(id=f"spl:{set_id}", kind="label", set_id=set_id,
                      title=f"{name} - US label (DailyMed of 2012, indications annotated by NLM LabeledIn)",
                      sections=[Section(label="Labelled uses (label-facts index)", code="34067-9",
                                        text="\n".join(sorted({u.text for u in uses})))],
                      date="2012-08-28",
                      extra={"stub": True, "ingredients": [name], "facts": index.provenance(),
                             "fetch": f"rxevidence fetch labels {name}"},
                      provenance=Provenance(source="rxevidence label-facts index (LabeledIn)", format="label-facts"))
    return None


def _index_application(appl: str, index: Any) -> Record | None:
    want = appl.upper()
    for name in (index.names() if index is not None else []):
        facts = index.drug(name)
        prods = [p for p in facts.products if p.appl.upper() == want]
        if not prods:
            continue
        lines = sorted({f"{p.brand} ({p.form}, {p.route}): {p.status}{' - reference listed drug' if p.rld else ''}"
                        for p in prods})
        return Record(id=f"fda:{want}", kind="approval", application=want, title=f"{prods[0].brand} ({want})",
                      date=prods[0].approved, sections=[Section(label="Products (Drugs@FDA 2019-07-02)",
                                                                text="\n".join(lines))],
                      extra={"stub": True, "ingredients": [name], "first_approved": prods[0].approved,
                             "fetch": f"rxevidence fetch labels {name}"},
                      provenance=Provenance(source="Drugs@FDA database export 2019-07-02 (label-facts index)",
                                            format="label-facts"))
    return None


def cited_record(record_id: str, index: Any = None, pack: Any = None) -> Record | None:
    """A record for a cited ``spl:`` label or ``fda:`` application the store lacks, from the pack or the index."""
    prefix, _, value = record_id.partition(":")
    if prefix == "spl" and _UUID.fullmatch(value):
        return _pack_label(value, pack) or _index_label(value, index)
    if prefix == "fda" and re.fullmatch(r"(NDA|ANDA|BLA)\d{6}", value, re.I):
        return _index_application(value, index)
    return None
