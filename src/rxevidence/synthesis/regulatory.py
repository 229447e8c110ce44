"""The regulatory rows: one per jurisdiction and drug, from the starter pack, the label-facts index and the
labels in the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain import JURISDICTIONS, LABEL_JURISDICTION, NOTE_JURISDICTION, STATUS_SEVERITY
from ..labelfacts.brief import fda_row
from ..models import Claims, ConditionMention, Query, Record, RegulatoryDetail, RegulatoryRow, Sentence
from ..models.evidence import Evidence
from ..vocab import vocab_call
from .select import condition_name
from .wording import strip_end

if TYPE_CHECKING:
    from rxevidence.vocab import Vocabulary

    from ..pack import Pack
    from ..pack.schema import Drug


def _label_lists(indications: list[str], condition_id: str, vocab: Vocabulary) -> str | None:
    """The first labelled indication that names ``condition_id`` itself (not a narrower or broader one)."""
    for text in indications:
        found = vocab_call(vocab, "find_conditions", text, default=[]) or []
        # "painful musculoskeletal conditions" describes what is treated, it does not name pain as the use
        if any(c.id == condition_id and not c.text.lower().endswith("ful") for c in found):
            return text
    return None


@dataclass(frozen=True)
class _Scope:
    """What every row of one brief is judged against: the question's condition and its neighbours."""

    cond: ConditionMention | None
    cname: str  # the condition's name, or "this condition"
    narrower: set[str]  # the condition ids in scope (the condition and everything narrower)
    ancestors: set[str]  # the conditions broader than it
    vocab: Vocabulary


def regulatory_rows(query: Query, ev: Evidence, pack: Pack, vocab: Vocabulary,
                    label_facts: Any = None) -> tuple[list[RegulatoryRow], list[Sentence]]:
    """One row per jurisdiction and drug (at most six drugs), and the regulatory section's sentences."""
    rows: list[RegulatoryRow] = []
    sentences: list[Sentence] = []
    cond = query.condition
    scope = _Scope(cond, cond.name if cond else "this condition", set(ev.condition_ids),
                   set(vocab_call(vocab, "broader", cond.id, default=[]) or []) if cond else set(), vocab)
    for jurisdiction in JURISDICTIONS:
        for name in ev.drug_names[:6]:
            d = pack.drug(name)
            indexed = (fda_row(query, name, label_facts, vocab, labels=ev.labels)
                       if jurisdiction == LABEL_JURISDICTION else None)
            if d is None:
                if indexed is not None and indexed[0].source:
                    row = indexed[0]
                    if len(ev.drug_names) > 1:
                        row.note = f"[{name}] {row.note}"
                    rows.append(row)
                    sentences.append(Sentence(text=f"{jurisdiction}: {name} for {scope.cname} — {row.status}. "
                                                   f"{strip_end(row.note or '')}.", citations=[row.source],
                                              section="regulatory", claims=Claims(status=row.status)))
                continue
            details = _narrower_details(d, jurisdiction, scope)
            row = _pack_row(jurisdiction, name, d, scope, details, indexed[0] if indexed is not None else None)
            if len(ev.drug_names) > 1 and name:
                row.note = f"[{name}] " + (row.note or "")
            rows.append(row)
            if row.source:
                sentences.extend(_row_sentences(jurisdiction, name, scope.cname, row, row.source, details))
    if not rows:
        for j in JURISDICTIONS:
            rows.append(RegulatoryRow(jurisdiction=j, status="no position found",
                                      note="No regulatory facts for this drug in the starter pack or the store."))
    if cond and ev.labels and not any(r.jurisdiction == LABEL_JURISDICTION and r.source for r in rows):
        row, said = _store_label_row(cond, ev.labels[0])
        rows = [row, *(r for r in rows if r.jurisdiction != LABEL_JURISDICTION)]
        sentences.append(said)
    return rows, sentences


def _narrower_details(d: Drug, jurisdiction: str, scope: _Scope) -> list[RegulatoryDetail]:
    """The drug's positions in ``jurisdiction`` on conditions narrower than the question's."""
    cond = scope.cond
    narrower = [p for p in d.positions if p.jurisdiction == jurisdiction and cond
                and p.condition in scope.narrower and p.condition != cond.id]
    return [RegulatoryDetail(condition=p.condition, condition_name=condition_name(scope.vocab, p.condition),
                             status=p.status, statement=p.statement, source=p.verified_url,
                             source_name=p.source_name, date=p.date)
            for p in sorted(narrower, key=lambda p: (p.condition, p.status))]


def _pack_row(jurisdiction: str, name: str, d: Drug, scope: _Scope, details: list[RegulatoryDetail],
              indexed: RegulatoryRow | None) -> RegulatoryRow:
    """The row for a drug the starter pack covers: its curated position on the condition (or a broader one),
    else what its US label says, else the index's label, else its EU note, else its narrower positions."""
    cond, cname = scope.cond, scope.cname
    exact = [p for p in d.positions if p.jurisdiction == jurisdiction and cond and p.condition == cond.id]
    broader = [p for p in d.positions if p.jurisdiction == jurisdiction and p.condition in scope.ancestors]
    main = exact[0] if exact else (broader[0] if broader else None)
    on_label_rules = jurisdiction == LABEL_JURISDICTION
    if main is not None:
        return RegulatoryRow(jurisdiction=jurisdiction, status=main.status, source=main.verified_url,
                             date=main.date, note=main.statement, condition=main.condition,
                             source_name=main.source_name, details=details)
    if on_label_rules and d.fda is not None and d.fda.approved and cond is not None and (
            listed := _label_lists(d.fda.indications, cond.id, scope.vocab)):
        # no curated position, but the label's own indication names this condition
        return RegulatoryRow(jurisdiction=jurisdiction, status="on-label", source=d.fda.verified_url,
                             date=d.fda.label_date, note=f"The US label lists: {listed}", condition=cond.id,
                             source_name=f"FDA label{' (' + d.fda.product + ')' if d.fda.product else ''}",
                             details=details)
    if (on_label_rules and indexed is not None and indexed.source
            and (indexed.status == "on-label" or d.fda is None)):
        return indexed.model_copy(update={"details": details})  # the index's labels name this use
    if on_label_rules and d.fda is not None:
        status = "off-label" if d.fda.approved else "no position found"
        note = (f"The US label does not list {cname} as an indication." if d.fda.approved
                else "Not approved in the United States.")
        if details:
            note += " Narrower uses: " + "; ".join(f"{x.condition_name}: {x.status}" for x in details) + "."
        return RegulatoryRow(jurisdiction=jurisdiction, status=status, source=d.fda.verified_url,
                             date=d.fda.label_date, note=note, condition=cond.id if cond else None,
                             source_name=f"FDA label{' (' + d.fda.product + ')' if d.fda.product else ''}",
                             details=details)
    if jurisdiction == NOTE_JURISDICTION and d.eu_note and d.eu_source:
        return RegulatoryRow(jurisdiction=jurisdiction, status="no position found", source=d.eu_source,
                             note=d.eu_note, details=details)
    if details:
        worst = sorted(details, key=lambda x: STATUS_SEVERITY.index(x.status)
                       if x.status in STATUS_SEVERITY else 9)[0]
        return RegulatoryRow(jurisdiction=jurisdiction, status="no position found", source=worst.source,
                             date=worst.date,
                             note=f"No position on {cname} as a whole; positions on narrower conditions below.",
                             condition=cond.id if cond else None, details=details)
    return RegulatoryRow(jurisdiction=jurisdiction, status="no position found",
                         note=f"No {jurisdiction} position on {name} for {cname} in the starter pack.")


def _row_sentences(jurisdiction: str, name: str, cname: str, row: RegulatoryRow, source: str,
                   details: list[RegulatoryDetail]) -> list[Sentence]:
    """The row's sentence (citing ``source``, the row's), then one for each narrower position it lists."""
    text = f"{jurisdiction}: {name} for {cname} — {row.status}"
    text += f" ({row.source_name})" if row.source_name else ""
    text += f". {strip_end(row.note)}." if row.note else "."
    sentences = [Sentence(text=text, citations=[source], section="regulatory",
                          claims=Claims(status=row.status))]
    for det in details:
        if det.source and det.source != row.source or det.statement:
            sentences.append(Sentence(
                text=f"{jurisdiction} on {det.condition_name}: {det.status}"
                     + (f" — {strip_end(det.statement)}" if det.statement else "") + ".",
                citations=[det.source] if det.source else [source],
                section="regulatory"))
    return sentences


def _store_label_row(cond: ConditionMention, lab: Record) -> tuple[RegulatoryRow, Sentence]:
    """The US row from a label in the store: on-label when its indications section names the condition."""
    terms = [cond.name.lower(), *[s.lower() for s in cond.synonyms]]
    ind = (lab.section("34067-9", "indications and usage", "indications & usage") or "").lower()
    on = any(t in ind for t in terms if len(t) > 3)
    row = RegulatoryRow(jurisdiction=LABEL_JURISDICTION, status="on-label" if on else "off-label",
                        source=lab.id, date=lab.date, source_name=lab.title,
                        note=("The label's indications mention " if on else
                              "The label's indications do not mention ") + cond.name + ".")
    said = Sentence(text=f"US FDA: {'on-label' if on else 'off-label'} — the label's indications "
                         f"{'mention' if on else 'do not mention'} {cond.name}.",
                    citations=[lab.id], section="regulatory")
    return row, said
