"""The evidence behind each claim, through the same validated path as ``ask``.

For a claim the audit asks :func:`rxevidence.ask.ask` (retrieve -> synthesize with the label facts ->
validate) for the briefs it needs: the claim's drugs as the claim relates them (single, combination,
comparison), each drug alone, each use a regulatory claim names. A brief that fails validation is never
used. The audit then reads the records behind those briefs once (titles, abstracts, curated findings, label
sections) and hands everything to the judges as :class:`Facts`; judges never query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rxevidence.vocab import Vocabulary

import re
from dataclasses import dataclass, field

from ..errors import ValidationFailed
from ..models import Brief, ConditionMention, DrugMention, Query
from ..models.audit import Claim
from ..pipeline import Context, ask

# label sections that speak about harms, abuse and mechanism (LOINC): boxed warning, warnings and precautions,
# warnings, precautions, adverse reactions, drug abuse and dependence, contraindications, mechanism of action,
# clinical pharmacology
LABEL_SECTIONS = ("34066-1", "43685-7", "34071-1", "42227-9", "34084-4", "34070-3", "42228-7", "43679-0", "34090-1")


@dataclass
class Facts:
    """Everything a judge may look at for one claim (gathered by the audit, never by the judge)."""

    brief: Brief | None = None  # the claim's drugs as the claim relates them, in its condition
    per_drug: dict[str, Brief] = field(default_factory=dict)  # each drug alone, in the claim's condition
    per_use: dict[tuple[str, str], Brief] = field(default_factory=dict)  # (drug, use) for regulatory claims
    texts: dict[str, str] = field(default_factory=dict)  # record id -> title, abstract and curated finding
    labels: list[tuple[str, str]] = field(default_factory=list)  # (source id, text) of label facts
    notes: list[str] = field(default_factory=list)
    widened: dict[str, str] = field(default_factory=dict)  # drug -> the wider condition its studies were read for

    def briefs(self) -> list[Brief]:
        seen: list[Brief] = []
        for b in [self.brief, *self.per_drug.values(), *self.per_use.values()]:
            if b is not None and all(b is not s for s in seen):
                seen.append(b)
        return seen


class BriefPath:
    """Briefs for (drugs, condition, relation), cached for one audit, through ``ask``."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.store, self.vocab = context.store, context.vocab
        self._cache: dict[tuple, Brief | None] = {}
        self._texts: dict[str, str] = {}

    def brief(self, drugs: list[str], condition_id: str | None, relation: str = "single") -> Brief | None:
        key = (tuple(drugs), condition_id, relation)
        if key not in self._cache:
            self._cache[key] = self._ask(drugs, condition_id, relation)
        return self._cache[key]

    def _mentions(self, drugs: list[str]) -> list[DrugMention]:
        out = []
        for name in drugs:
            m = self.vocab.resolve_drug(name)
            if m is not None:
                out.append(DrugMention(**{**m.model_dump(), "text": name}))
        return out

    def _ask(self, drugs: list[str], condition_id: str | None, relation: str) -> Brief | None:
        mentions = self._mentions(drugs)
        if not mentions:
            return None
        cond = None
        if condition_id:
            try:
                c = self.vocab.condition(condition_id)
                cond = ConditionMention(text=c.name, id=c.id, name=c.name, narrower=self.vocab.narrower(c.id))
            except (KeyError, LookupError, AttributeError):
                cond = None
        intent = {"combination": "combination", "comparison": "comparison"}.get(relation, "efficacy")
        q = Query(text=" + ".join(drugs) + (f" for {cond.name}" if cond else ""), drugs=mentions,
                  relation=relation if len(mentions) > 1 else "single", condition=cond, intent=intent)
        try:
            return ask(q, context=self.context, offline=True)
        except ValidationFailed:
            return None

    def widened(self, drugs: list[str], condition_id: str | None, relation: str = "single") -> tuple[Brief | None, str | None]:
        """The brief for the condition, or for the nearest broader condition with studies of these drugs."""
        b = self.brief(drugs, condition_id, relation)
        if b is None or _studies_of(b, drugs) or not condition_id:
            return b, None
        for sib in _siblings(self.vocab, condition_id):  # "back muscle spasm" -> back pain before all pain
            sb = self.brief(drugs, sib, relation)
            if sb is not None and _studies_of(sb, drugs):
                return sb, (sb.query.condition.name if sb.query.condition else sib)
        frontier = [condition_id]
        for _ in range(2):
            nxt: list[str] = []
            for cid in frontier:
                for up in _broader(self.vocab, cid):
                    wb = self.brief(drugs, up, relation)
                    if wb is not None and _studies_of(wb, drugs):
                        name = wb.query.condition.name if wb.query.condition else up
                        return wb, name
                    nxt.append(up)
            frontier = nxt
        return b, None

    def texts(self, ids: list[str]) -> dict[str, str]:
        missing = [i for i in ids if i not in self._texts]
        if missing:
            for rid, rec in self.store.get_records(missing).items():
                self._texts[rid] = " ".join(x for x in [rec.title or "", rec.abstract] if x)
            for rid in missing:
                self._texts.setdefault(rid, "")
        return {i: self._texts.get(i, "") for i in ids}

    def labels(self, drugs: list[str]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for drug in drugs:
            try:
                hits = self.store.search_terms([[drug]], kind="label", limit=5)
            except Exception:  # noqa: BLE001 - a search problem must not stop an audit
                hits = []
            for rec in self.store.get_records([h.id for h in hits]).values():
                names = (rec.title or "").lower() + " " + " ".join(map(str, rec.extra.get("ingredients", []))).lower()
                if drug not in names:
                    continue
                out += [(rec.id, sec.text) for sec in rec.sections if sec.code in LABEL_SECTIONS and sec.text]
        return out


def _studies_of(brief: Brief, drugs: list[str]) -> bool:
    """The brief holds a usable study of these drugs (a class's members, for a class; the combination for
    several): one that says what the drug does, not only how it compares with another."""
    from .judges.evidence import tested

    if len(drugs) > 1:
        return any(all(d in s.drugs or d in (s.comparator or "") for d in drugs) for s in brief.studies)
    return bool(tested(brief, drugs[0])) or bool(tested(brief, drugs[0], experimental=True))


_GENERIC = {"pain", "pains", "spasm", "spasms", "syndrome", "disease", "disorder", "disorders", "chronic", "acute",
            "muscle", "muscles"}


def _siblings(vocab: Vocabulary, condition_id: str) -> list[str]:
    """Concepts next to this one (children of its parents) whose names share a specific word with it."""
    try:
        me = vocab.condition(condition_id)
    except (KeyError, LookupError, ValueError, AttributeError):
        return []
    words = {w for w in re.findall(r"[a-z]{4,}", " ".join([me.name, *me.synonyms[:20]]).lower()) if w not in _GENERIC}
    out: list[str] = []
    for parent in _broader(vocab, condition_id)[:1]:
        try:
            kids = vocab.condition(parent).children
        except (KeyError, LookupError, ValueError, AttributeError):
            continue
        for kid in kids:
            if kid == condition_id:
                continue
            try:
                name = vocab.condition(kid).name.lower()
            except (KeyError, LookupError, ValueError, AttributeError):
                continue
            if words & set(re.findall(r"[a-z]{4,}", name)):
                out.append(kid)
    return out


def _broader(vocab: Vocabulary, condition_id: str) -> list[str]:
    fn = getattr(vocab, "broader", None)
    if fn is None:
        return []
    try:
        return [c for c in (fn(condition_id) or []) if c]
    except (KeyError, LookupError, ValueError):
        return []


def _subjects(claim: Claim) -> list[str]:
    return list(dict.fromkeys(claim.drugs))


def gather(claim: Claim, path: BriefPath) -> Facts:
    """The briefs, record texts and label facts a claim's judge needs."""
    f = Facts()
    drugs = _subjects(claim)
    if not drugs:
        return f
    cond = claim.condition_id
    if claim.kind == "regulatory":
        uses = claim.conditions or ([cond] if cond else [])
        for d in drugs:
            for u in uses or [""]:
                b = path.brief([d], u or None)
                if b is not None:
                    f.per_use[(d, u)] = b
        f.brief = next(iter(f.per_use.values()), None)
    else:
        general = claim.kind in ("safety", "mechanism", "description")
        for d in drugs:
            b, wider = path.widened([d], cond) if not general else (path.brief([d], None), None)
            if b is not None:
                f.per_drug[d] = b
                if wider:
                    f.widened.setdefault(d, wider)
                    f.notes.append(f"{d}: no studies for {claim.condition}; read for {wider}")
        if claim.kind in ("combination", "comparison") and len(drugs) >= 2:
            f.brief, _ = path.widened(drugs, cond, claim.kind)
        else:
            f.brief = f.per_drug.get(drugs[0])
        if claim.kind == "description" and cond:  # "used as preventive therapy for migraines": the use's label rows
            for d in drugs:
                ub = path.brief([d], cond)
                if ub is not None:
                    f.per_use[(d, cond)] = ub
    ids = [s.id for b in f.briefs() for s in b.studies]
    texts = path.texts(list(dict.fromkeys(ids)))
    for b in f.briefs():
        for s in b.studies:
            extra = " ".join(x for x in (s.finding, s.effect) if x)
            texts[s.id] = (texts.get(s.id, "") + " " + extra + " " + " ".join(
                o.evidence_sentence or "" for o in s.outcomes)).strip()
    f.texts = texts
    if claim.kind in ("safety", "mechanism", "description") or claim.numbers:
        from .judges.evidence import names_of

        members: list[str] = []  # a class claim ("triptans should not be taken by …"): its members' labels
        if claim.kind == "safety":
            for k in claim.classes:
                members += sorted(names_of(f.per_drug.get(k) or f.brief, k) - {k})[:8]
        f.labels = path.labels([d for d in drugs if d not in claim.classes] + members)
        for b in f.briefs():
            f.labels += [(h.source or "", f"{h.kind.capitalize()}: {h.text}") for h in b.harms
                         if (h.drug in drugs or h.drug in members) and h.source]
            for p in b.drugs:
                if p.name in drugs:
                    src = p.sources[0] if p.sources else ""
                    f.labels += [(src, i) for i in p.indications]
                    if p.mechanism:
                        f.labels.append((src, p.mechanism))
        f.labels = [(s, t) for s, t in dict.fromkeys(f.labels) if s and t]
    return f


def sentences_with(text: str, pattern: re.Pattern[str]) -> list[str]:
    """The sentences of ``text`` where ``pattern`` matches."""
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if pattern.search(s)]
