"""The regulatory rows: one per jurisdiction and drug, from the starter pack, the label-facts index and the
labels in the store."""

from __future__ import annotations

from typing import Any

from ..domain import JURISDICTIONS, LABEL_JURISDICTION, NOTE_JURISDICTION, STATUS_SEVERITY
from ..labelfacts.brief import fda_row
from ..models import Claims, Query, RegulatoryDetail, RegulatoryRow, Sentence
from ..models.evidence import Evidence
from .select import condition_name, vocab_call
from .wording import strip_end


def _label_lists(indications: list[str], condition_id: str, vocab: Any) -> str | None:
    """The first labelled indication that names ``condition_id`` itself (not a narrower or broader one)."""
    for text in indications:
        found = vocab_call(vocab, "find_conditions", text, default=[]) or []
        # "painful musculoskeletal conditions" describes what is treated, it does not name pain as the use
        if any(c.id == condition_id and not c.text.lower().endswith("ful") for c in found):
            return text
    return None


def regulatory_rows(query: Query, ev: Evidence, pack: Any, vocab: Any, sentences: list[Sentence],
                label_facts: Any = None) -> list[RegulatoryRow]:
    rows: list[RegulatoryRow] = []
    cond = query.condition
    scope = set(ev.condition_ids)
    cname = cond.name if cond else "this condition"
    ancestors = set(vocab_call(vocab, "broader", cond.id, default=[]) or []) if cond else set()
    for jurisdiction in JURISDICTIONS:
        for name in ev.drug_names[:6]:
            d = pack.drug(name)
            indexed = fda_row(query, name, label_facts, vocab, labels=ev.labels) if jurisdiction == LABEL_JURISDICTION else None
            if d is None:
                if indexed is not None and indexed[0].source:
                    row = indexed[0]
                    if len(ev.drug_names) > 1:
                        row.note = f"[{name}] {row.note}"
                    rows.append(row)
                    sentences.append(Sentence(text=f"{jurisdiction}: {name} for {cname} — {row.status}. "
                                                   f"{strip_end(row.note or '')}.", citations=[row.source],
                                              section="regulatory", claims=Claims(status=row.status)))
                continue
            exact = [p for p in d.positions if p.jurisdiction == jurisdiction and cond and p.condition == cond.id]
            narrower = [p for p in d.positions if p.jurisdiction == jurisdiction and cond
                        and p.condition in scope and p.condition != cond.id]
            broader = [p for p in d.positions if p.jurisdiction == jurisdiction and p.condition in ancestors]
            details = [RegulatoryDetail(condition=p.condition, condition_name=condition_name(vocab, p.condition),
                                        status=p.status, statement=p.statement, source=p.verified_url,
                                        source_name=p.source_name, date=p.date)
                       for p in sorted(narrower, key=lambda p: (p.condition, p.status))]
            main = exact[0] if exact else (broader[0] if broader else None)
            label = f"{name}" if len(ev.drug_names) > 1 else ""
            if main is not None:
                row = RegulatoryRow(jurisdiction=jurisdiction, status=main.status, source=main.verified_url,
                                    date=main.date, note=main.statement, condition=main.condition,
                                    source_name=main.source_name, details=details)
            elif jurisdiction == LABEL_JURISDICTION and d.fda is not None and d.fda.approved and cond is not None and (
                    listed := _label_lists(d.fda.indications, cond.id, vocab)):
                # no curated position, but the label's own indication names this condition
                row = RegulatoryRow(jurisdiction=jurisdiction, status="on-label", source=d.fda.verified_url,
                                    date=d.fda.label_date, note=f"The US label lists: {listed}", condition=cond.id,
                                    source_name=f"FDA label{' (' + d.fda.product + ')' if d.fda.product else ''}",
                                    details=details)
            elif (jurisdiction == LABEL_JURISDICTION and indexed is not None and indexed[0].source
                  and (indexed[0].status == "on-label" or d.fda is None)):
                row = indexed[0].model_copy(update={"details": details})  # the index's labels name this use
            elif jurisdiction == LABEL_JURISDICTION and d.fda is not None:
                status = "off-label" if d.fda.approved else "no position found"
                note = (f"The US label does not list {cname} as an indication." if d.fda.approved
                        else "Not approved in the United States.")
                if details:
                    note += " Narrower uses: " + "; ".join(f"{x.condition_name}: {x.status}" for x in details) + "."
                row = RegulatoryRow(jurisdiction=jurisdiction, status=status, source=d.fda.verified_url,
                                    date=d.fda.label_date, note=note, condition=cond.id if cond else None,
                                    source_name=f"FDA label{' (' + d.fda.product + ')' if d.fda.product else ''}",
                                    details=details)
            elif jurisdiction == NOTE_JURISDICTION and d.eu_note and d.eu_source:
                row = RegulatoryRow(jurisdiction=jurisdiction, status="no position found", source=d.eu_source,
                                    note=d.eu_note, details=details)
            elif details:
                worst = sorted(details, key=lambda x: STATUS_SEVERITY.index(x.status)
                               if x.status in STATUS_SEVERITY else 9)[0]
                row = RegulatoryRow(jurisdiction=jurisdiction, status="no position found", source=worst.source,
                                    date=worst.date,
                                    note=f"No position on {cname} as a whole; positions on narrower conditions below.",
                                    condition=cond.id if cond else None, details=details)
            else:
                row = RegulatoryRow(jurisdiction=jurisdiction, status="no position found",
                                    note=f"No {jurisdiction} position on {name} for {cname} in the starter pack.")
            if label:
                row.note = f"[{label}] " + (row.note or "")
            rows.append(row)
            if row.source:
                text = f"{jurisdiction}: {name} for {cname} — {row.status}"
                text += f" ({row.source_name})" if row.source_name else ""
                text += f". {strip_end(row.note)}." if row.note else "."
                sentences.append(Sentence(text=text, citations=[row.source], section="regulatory",
                                          claims=Claims(status=row.status)))
                for det in details:
                    if det.source and det.source != row.source or det.statement:
                        sentences.append(Sentence(
                            text=f"{jurisdiction} on {det.condition_name}: {det.status}"
                                 + (f" — {strip_end(det.statement)}" if det.statement else "") + ".",
                            citations=[det.source] if det.source else [row.source], section="regulatory"))
    if not rows:
        for j in JURISDICTIONS:
            rows.append(RegulatoryRow(jurisdiction=j, status="no position found",
                                      note="No regulatory facts for this drug in the starter pack or the store."))
    # labels in the store: on-label when the indications section names the condition
    if cond and ev.labels and not any(r.jurisdiction == LABEL_JURISDICTION and r.source for r in rows):
        terms = [cond.name.lower(), *[s.lower() for s in cond.synonyms]]
        for lab in ev.labels[:1]:
            ind = (lab.section("34067-9", "indications and usage", "indications & usage") or "").lower()
            on = any(t in ind for t in terms if len(t) > 3)
            rows = [r for r in rows if r.jurisdiction != LABEL_JURISDICTION]
            rows.insert(0, RegulatoryRow(jurisdiction=LABEL_JURISDICTION, status="on-label" if on else "off-label",
                                         source=lab.id, date=lab.date, source_name=lab.title,
                                         note=("The label's indications mention " if on else
                                               "The label's indications do not mention ") + cond.name + "."))
            sentences.append(Sentence(text=f"US FDA: {'on-label' if on else 'off-label'} — the label's indications "
                                           f"{'mention' if on else 'do not mention'} {cond.name}.",
                                      citations=[lab.id], section="regulatory"))
    return rows
