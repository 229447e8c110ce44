"""Turn a question in the user's own words into a structured :class:`~rxevidence.models.Query`.

``parse("valium + ibuprofen for jaw pain?")`` finds the drugs (brands, misspellings and classes
resolved through :mod:`rxevidence.vocab`), the condition (lay wording mapped onto the concept
hierarchy), how the drugs relate (single, combination, comparison), what is asked (efficacy,
comparison, combination, safety) and population hints. It never raises on odd text: what it cannot
find is explained in ``messages`` with "did you mean" suggestions in ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .errors import InputError
from .models import DrugMention, Query, Suggestion
from .models.query import Intent, Relation
from .vocab import ConditionHit, DrugHit, Vocabulary, load_vocabulary, tokens

MAX_CHARS = 500

_COMPARISON = re.compile(
    r"\b(vs\.?|versus|compared (with|to)|comparison|better than|worse than|more effective than|"
    r"less effective than|instead of|rather than|or|than|over)\b|\bwhich is (better|best|more)\b|\bdifference between\b",
)
_COMBINATION = re.compile(
    r"\+|&|\b(with|and|plus|together|combin\w*|along with|on top of|mix\w*|at the same time|added to|add)\b"
)
_SAFETY = re.compile(
    r"\b(safe|safety|unsafe|dangerous|danger|side effects?|adverse|risks?|risky|harm\w*|toxic\w*|overdose|"
    r"interact\w*|addict\w*|dependen\w*|withdrawal|contraindicat\w*|warning|bleeding|liver damage|"
    r"pregnan\w*|breast ?feeding|while nursing|is it ok(ay)? to|can i (mix|combine)|can i take [\w-]+ (with|and|while)|mix(ing)?|"
    r"together with alcohol|with alcohol)\b"
)
_POPULATION = [
    ("children", re.compile(r"\b(child|children|childs|kid|kids|toddlers?|infants?|bab(y|ies)|paediatric|pediatric|"
                            r"teen|teens|teenagers?|adolescents?|my son|my daughter|\d{1,2}[- ]?(year|yr)s?[- ]old (boy|girl|son|daughter))\b")),
    ("older adults", re.compile(r"\b(elderly|older adults?|older people|older patients?|seniors?|geriatric|aged|"
                                r"over (65|70|75|80)|grandm\w+|grandf\w+|grandparents?)\b")),
    ("pregnancy", re.compile(r"\b(pregnant|pregnancy|expecting a baby|trimester|while expecting)\b")),
    ("breastfeeding", re.compile(r"\b(breast ?feeding|breast-feeding|nursing mother|while nursing|lactat\w*)\b")),
]


def parse(text: str, *, vocab: Vocabulary | None = None) -> Query:
    """Parse a question into a :class:`Query`. Raises :class:`InputError` for empty or over-long text."""
    if text is None or not str(text).strip():
        raise InputError("The question is empty. Ask e.g. 'How effective is ibuprofen for back pain?'")
    text = str(text).strip()
    if len(text) > MAX_CHARS:
        raise InputError(f"The question is too long ({len(text)} characters; at most {MAX_CHARS}).")
    v = vocab or load_vocabulary()
    low = text.lower().replace("’", "'")

    conditions = v.find_conditions(text, fuzzy=True)
    drugs = v.find_drugs(text)
    drugs, conditions = _resolve_overlaps(drugs, conditions)
    drugs = _drop_appositive_classes(drugs, low)
    if not drugs:
        drugs = _classes_named_by_condition(conditions, low, v)

    query = Query(text=text)
    query.drugs = _expand(drugs, v)
    conditions, described = _split_population_conditions(conditions, low)
    query.population_conditions = [v.condition_mention(c.id, c.text, c.score) for c in described]
    if conditions:
        best = _pick_condition(conditions)
        query.condition = v.condition_mention(best.id, best.text, best.score)
        alts = [c for c in v.alternatives(best.text) if c != best.id]
        alts += [c.id for c in conditions if c.id != best.id and c.id not in alts]
        for cid in alts:
            try:
                concept = v.condition(cid)
            except InputError:
                continue
            query.alternatives.append({"kind": "condition", "id": cid, "name": concept.name})

    unknown = _unknown_drug_words(text, drugs, conditions, v)
    query.unknown = [Suggestion(word=u.word, suggestions=u.suggestions) for u in unknown]
    mentions: list[DrugHit | _Unknown] = [*drugs, *unknown]
    query.relation, query.intent = _relation_intent(low, sorted(mentions, key=lambda h: h.start))
    if any(d.members and not d.is_class for d in drugs) and query.relation == "single":
        query.relation = "combination"  # a combination product named alone (Percocet)
    if query.relation == "combination" and query.intent == "efficacy":
        query.intent = "combination"
    query.population = [name for name, rx in _POPULATION if rx.search(low)]
    if "pregnancy" in query.population or "breastfeeding" in query.population:
        query.intent = "safety"

    _explain_missing(query, text, drugs, conditions, v)
    query.confidence = _confidence(query, drugs, conditions)
    if query.unknown and query.drugs:
        query.confidence = round(query.confidence * 0.5, 3)  # a drug of the question is not read
    return query


def _resolve_overlaps(
    drugs: list[DrugHit], conditions: list[ConditionHit]
) -> tuple[list[DrugHit], list[ConditionHit]]:
    """Where a drug and a condition mention overlap, the longer phrase wins ("pain medication" is a
    drug class, "vitamin d deficiency" a condition); on a tie the drug wins."""
    keep_d: list[DrugHit] = []
    drop_c: set[int] = set()
    for d in drugs:
        lost = False
        for i, c in enumerate(conditions):
            if d.start < c.end and c.start < d.end:
                if (c.end - c.start) > (d.end - d.start):
                    lost = True
                else:
                    drop_c.add(i)
        if lost:
            drop_c -= {i for i, c in enumerate(conditions) if d.start < c.end and c.start < d.end and
                       (c.end - c.start) <= (d.end - d.start)}
        else:
            keep_d.append(d)
    return keep_d, [c for i, c in enumerate(conditions) if i not in drop_c]


_CONTRAST = re.compile(r"\b(than|vs\.?|versus|or|other|others|instead|compared|rather|against|like|such)\b")


def _drop_appositive_classes(drugs: list[DrugHit], low: str) -> list[DrugHit]:
    """A class named right beside one of its own members describes it ("Lasix, the only diuretic", "Plavix
    and Xarelto blood thinners"): the member is the drug asked about. Kept when a contrast word links
    them ("ibuprofen or other NSAIDs", "better than other NSAIDs")."""
    out = []
    for c in drugs:
        if c.is_class and c.members:
            members = [d for d in drugs if not d.is_class and (d.name in c.members or c.name in d.classes)]
            near = [d for d in members if len(re.findall(r"\w+", low[min(d.end, c.end):max(d.start, c.start)])) <= 3
                    and not _CONTRAST.search(low[min(d.end, c.end):max(d.start, c.start)])]
            if near:
                continue
        out.append(c)
    return out


_MEDICINE = r"(?:medicines?|medications?|meds|pills?|tablets?|drugs?)"
_MEDICINE_AFTER = re.compile(rf"^\s*{_MEDICINE}\b")
_MEDICINE_BEFORE = re.compile(rf"\b{_MEDICINE}\s+(?:for\s+)?(?:my\s+|your\s+|the\s+)?$")


def _classes_named_by_condition(conditions: list[ConditionHit], low: str, v: Vocabulary) -> list[DrugHit]:
    """With no medicine named, a condition right beside a medicine word names the class that treats it ("how to
    take your medicine diabetes", "a high cholesteron pill"): the class whose lay name is that condition's
    ("diabetes medicine" -> antidiabetic), for the condition or a broader one. A medicine word further away
    ("the trichomoniasis ... after I take the medicine") names no class."""
    out: list[DrugHit] = []
    for c in conditions:
        if not (_MEDICINE_AFTER.match(low[c.end:]) or _MEDICINE_BEFORE.search(low[:c.start])):
            continue
        cname = v.class_for_condition(c.id)
        hit = v.resolve_drug(cname, fuzzy=False) if cname else None
        if hit is not None and all(h.name != hit.name for h in out):
            out.append(DrugHit(**{**hit.model_dump(), "text": c.text}, start=c.start, end=c.end))
    return out


def _expand(hits: list[DrugHit], v: Vocabulary) -> list[DrugMention]:
    """Query drugs: one mention per ingredient; a combination product becomes its ingredients."""
    out: list[DrugMention] = []
    seen: set[str] = set()
    for h in hits:
        if h.members and not h.is_class:
            parts = [v.resolve_drug(m, fuzzy=False) for m in h.members]
            items = [DrugMention(**{**p.model_dump(), "text": h.text}) for p in parts if p]
        else:
            items = [DrugMention(**h.model_dump(exclude={"start", "end"}))]
        for m in items:
            if m.name not in seen:
                seen.add(m.name)
                out.append(m)
    return out


def _pick_condition(conditions: list[ConditionHit]) -> ConditionHit:
    """The most specific mention: anything over bare "pain" ("gout pain" is gout), curated concepts over MeSH,
    then the longest phrase, then the first."""
    return max(
        conditions,
        key=lambda c: (c.id != "pain", not c.id.startswith("mesh:"), c.end - c.start, -c.start),
    )


_WHO = (r"(?:people|patients|persons|adults|children|kids|women|men|those|someone|anyone|individuals|survivors|"
        r"elderly|seniors|babies|infants|teens|teenagers|girls|boys|mothers|smokers|me|him|her|them)")
_PERSON_CUE = re.compile(rf"\b{_WHO}\s+(?:\w+\s+)?(?:with|who (?:have|had|has)|having|suffering from|living with)"
                         r"\s+(?:a |an |the |my |their |his |her |some |chronic |severe |mild )?$")
_CONTEXT_CUE = re.compile(r"\b(?:after|following|from|due to|caused by|secondary to|because of|in|with|during)"
                          r"\s+(?:a |an |the |my |their |his |her |some )?$")


def _split_population_conditions(
    conditions: list[ConditionHit], low: str
) -> tuple[list[ConditionHit], list[ConditionHit]]:
    """A condition that says who is treated ("in people with dementia", "hot flushes after breast cancer",
    "anaemia in kidney disease") is a population condition when another condition names what is treated:
    a person phrase ("people with X") anywhere, a context word ("in", "after", "from", "with") when the
    treated condition comes first. Bare "pain" never outranks the condition it describes."""
    if len(conditions) < 2:
        return conditions, []
    described: list[ConditionHit] = []
    for c in conditions:
        before = low[max(0, c.start - 60):c.start]
        person = bool(_PERSON_CUE.search(before))
        others = [o for o in conditions if o is not c and o not in described and o.id != c.id
                  and (o.end <= c.start or c.end <= o.start) and o.id != "pain"]
        if person and others:
            described.append(c)
        elif _CONTEXT_CUE.search(before) and any(o.end <= c.start for o in others):
            described.append(c)
    kept = [c for c in conditions if c not in described]
    return (kept, described) if kept else (conditions, [])


_THAN_ALONE = re.compile(r"\bthan\s+(?:(?:either|each|both)(?:\s+of\s+them)?|[\w-]+(?:\s+[\w-]+)?)\s+"
                         r"(?:alone|on (?:its|their) own|by (?:itself|themselves)|monotherapy)\b")


def _relation_intent(low: str, drugs: Sequence[DrugHit | _Unknown]) -> tuple[Relation, Intent]:
    safety = bool(_SAFETY.search(low))
    relation: Relation = "single"
    if len(drugs) >= 2:
        # the words between the first two drug mentions decide; else the whole question
        between = low[drugs[0].end : drugs[1].start]
        if _COMPARISON.search(between):
            relation = "comparison"
        elif _COMBINATION.search(between) or _COMBINATION.search(low):
            relation = "combination"
        elif _COMPARISON.search(low):
            relation = "comparison"
        else:
            relation = "combination"
    if re.search(r"\b(is|are) .* (better|worse|more effective|less effective) than\b", low) and len(drugs) >= 2:
        relation = "comparison"
    if len(drugs) >= 2 and _THAN_ALONE.search(low) and _COMBINATION.search(low[drugs[0].end : drugs[1].start]):
        relation = "combination"  # "A with B better than A alone": the combination against one of its drugs
    if safety:
        return relation, "safety"
    intents: dict[Relation, Intent] = {"single": "efficacy", "comparison": "comparison", "combination": "combination"}
    return relation, intents[relation]


@dataclass
class _Unknown:
    """A word in a drug's place that names no medicine the vocabulary knows."""

    word: str
    start: int
    end: int
    suggestions: list[str] = field(default_factory=list)


# words that link two drugs: a word on the other side of one of these from a drug is in a drug's place
_LINK = (r"(?:or|vs\.?|versus|(?:[a-z]+\s+){0,2}than|and|with|plus|instead of|rather than|compared (?:with|to)|over|against|"
         r"together with|combined with|on top of|to)")
# the verbs a drug is the subject of ("Does X help ...", "Is X better ...", "X for back pain")
_SUBJECT = re.compile(r"^\s*(?:does|do|is|are|can|will|would|should|could|how (?:effective|good|well|safe) (?:is|are))"
                      r"\s+(?:taking\s+|the\s+)?$", re.I)
_VERB_AFTER = re.compile(r"^\s*(?:help|helps|work|works|treat|treats|relieve|relieves|prevent|prevents|cure|cures|"
                         r"reduce|reduces|ease|eases|better|worse|safe|good|effective|for)\b", re.I)


def _unknown_drug_words(text: str, drugs: list[DrugHit], conds: list[ConditionHit], v: Vocabulary) -> list[_Unknown]:
    """Words that look like a medicine's name but name none the vocabulary knows ("zorblaxin"), with
    "did you mean" suggestions. They are reported, never replaced by a far look-alike; a close slip
    ("ibuprofin") was already read as its drug by the vocabulary.

    With no drug recognised, every such word is reported; beside recognised drugs only a word in a
    drug's place is (linked to a drug by "or", "versus", "than", "and", ..., or the subject of
    "does ... help"), so a misspelt condition word is not taken for a drug."""
    covered = [(c.start, c.end) for c in conds] + [(d.start, d.end) for d in drugs]
    cands: list[_Unknown] = []
    for word, start, end in tokens(text):
        if len(word) < 5 or not word.isalpha() or v.looks_like_word(word):
            continue
        if any(s <= start < e for s, e in covered):
            continue
        cands.append(_Unknown(word=text[start:end], start=start, end=end, suggestions=v.suggest(word)))
    if not drugs:
        return cands
    slots = [(d.start, d.end) for d in drugs] + [(c.start, c.end) for c in cands]
    out = []
    for c in cands:
        linked = any(
            re.fullmatch(rf"\s*{_LINK}\s*", text[e:c.start], re.I) or re.fullmatch(rf"\s*{_LINK}\s*", text[c.end:s], re.I)
            for s, e in slots if (s, e) != (c.start, c.end)
        )
        subject = bool(_SUBJECT.match(text[: c.start]) and _VERB_AFTER.match(text[c.end :]))
        if linked or subject:
            out.append(c)
    return out


def unknown_drugs(text: str, *, vocab: Vocabulary) -> list[Suggestion]:
    """The words of ``text`` in a drug's place that name no medicine the vocabulary knows (for the
    audit's "unknown agents": "diclofenac combined with zorblaxin"), each with suggestions."""
    conds = vocab.find_conditions(text, fuzzy=True)
    drugs, conds = _resolve_overlaps(vocab.find_drugs(text), conds)
    return [Suggestion(word=u.word, suggestions=u.suggestions) for u in _unknown_drug_words(text, drugs, conds, vocab)]


def _explain_missing(q: Query, text: str, drugs: list[DrugHit], conds: list[ConditionHit], v: Vocabulary) -> None:
    if q.unknown:
        named = " and ".join(repr(u.word) for u in q.unknown[:4])
        verb = "are not names of medicines" if len(q.unknown) > 1 else "is not the name of a medicine"
        msg = f"{named} {verb} rxevidence knows"
        if q.drugs:
            msg += f"; this reading covers {', '.join(d.name for d in q.drugs)} only"
        sugg = [f"{u.word!r}: {', '.join(u.suggestions)}" for u in q.unknown if u.suggestions]
        msg += (". Did you mean " + "; ".join(sugg[:3]) + "?") if sugg else ". Check the spelling or use the generic name."
        q.messages.append(msg)
    if not q.drugs:
        msg = "No drug or drug class was recognised in the question."
        if not q.unknown:
            msg += " Name a medicine, e.g. 'ibuprofen', 'Valium' or 'muscle relaxants'."
        q.messages.append(msg)
    else:
        for d in q.drugs:
            if d.score < 1.0:
                q.messages.append(f"Read {d.text!r} as {d.name} (spelling corrected).")
    if q.condition is None:
        q.messages.append(
            "No condition was recognised; the brief will cover every condition studied. "
            "Add one, e.g. 'for back pain' or 'for migraine'."
        )
    elif q.alternatives:
        names = ", ".join(a["name"] for a in q.alternatives if a.get("kind") == "condition")
        if names:
            q.messages.append(f"Read the condition as {q.condition.name}; it could also mean: {names}.")
    if q.condition is not None and q.population_conditions:
        who = ", ".join(c.name for c in q.population_conditions)
        q.messages.append(f"Read {who} as describing who is treated, not the condition treated ({q.condition.name}).")


def _confidence(q: Query, drugs: list[DrugHit], conds: list[ConditionHit]) -> float:
    c = 1.0
    if not q.drugs:
        c *= 0.3
    else:
        c *= min(d.score for d in q.drugs)
    if q.condition is None:
        c *= 0.7
    else:
        c *= q.condition.score
        if any(a.get("kind") == "condition" for a in q.alternatives):
            c *= 0.85
    return round(max(0.0, min(1.0, c)), 3)


__all__ = ["MAX_CHARS", "parse", "unknown_drugs"]
