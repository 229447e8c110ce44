"""The question as read, for the page: what the parser understood and the other readings it considered.

A pure function of the :class:`~rxevidence.models.Query` in the brief's JSON (``query``): nothing here
looks anything up. Each alternative comes with a question that re-asks with that reading: the user's own
words with the condition swapped where they can be found, else a plain question from the resolved names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Query

RELATIONS = {"single": "one drug", "combination": "a combination (taken together)",
             "comparison": "a comparison (one against the other)"}
_JOIN = {"single": " and ", "combination": " plus ", "comparison": " vs "}
_PAREN = re.compile(r"\s*\([^)]*\)\s*$")


@dataclass(frozen=True)
class Alternative:
    kind: str  # "condition" | "relation" | "drug"
    label: str  # what the link says
    question: str  # the question to ask instead


@dataclass(frozen=True)
class DrugRead:
    name: str
    words: str | None  # the user's words when they differ from the name (brand, misspelling)
    is_class: bool = False


@dataclass
class Reading:
    drugs: list[DrugRead]
    relation: str
    relation_label: str
    condition: str | None
    condition_words: str | None
    population: list[str]
    intent: str
    messages: list[str]
    alternatives: list[Alternative] = field(default_factory=list)


def heading_of(query: Query) -> str:
    """``diazepam for sciatica``: the resolved names, never the user's spelling."""
    joiner = " vs " if query.relation == "comparison" else " + "
    drugs = joiner.join(d.name for d in query.drugs) or "no drug recognised"
    return f"{drugs} for {query.condition.name if query.condition else 'any condition'}"


def _names(query: Query, relation: str) -> str:
    names = [d.name for d in query.drugs]
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + _JOIN[relation] + names[-1]


def plain_question(query: Query, *, relation: str | None = None, condition: str | None = None) -> str:
    """A question from the resolved parts: "How effective is A plus B for C in children?"."""
    rel = relation or query.relation
    cond = condition or (query.condition.name if query.condition else None)
    drugs = _names(query, rel)
    if rel == "comparison":
        q = (f"{drugs} for {cond}" if cond else drugs) + "?"
    else:
        q = f"How effective is {drugs}" + (f" for {cond}" if cond else "") + "?"
    if query.population:
        q = q[:-1] + f" in {query.population[0]}?"
    return q


def swap_words(text: str, old: str, new: str) -> str | None:
    """``text`` with the first whole-word ``old`` (any case) replaced by ``new``, or None when absent."""
    if not old:
        return None
    pattern = re.compile(r"(?<!\w)" + re.escape(old) + r"(?!\w)", re.I)
    return pattern.sub(new, text, count=1) if pattern.search(text) else None


def alternatives(query: Query) -> list[Alternative]:
    out: list[Alternative] = []
    seen: set[str] = set()
    for alt in query.alternatives:
        name = str(alt.get("name") or "")
        kind = str(alt.get("kind") or "")
        if kind == "condition" and name:
            words = query.condition.text if query.condition else ""
            q = swap_words(query.text, words, name) or plain_question(query, condition=name)
            out.append(Alternative("condition", f"{name} (instead of {query.condition.name})"
                                   if query.condition else name, q))
        elif kind == "relation" and alt.get("relation") in RELATIONS and len(query.drugs) > 1:
            rel = str(alt["relation"])
            out.append(Alternative("relation", f"as {RELATIONS[rel]}", plain_question(query, relation=rel)))
        elif kind == "drug" and name and alt.get("text"):
            swapped = swap_words(query.text, str(alt["text"]), name)
            if swapped:
                out.append(Alternative("drug", f"{name} (for “{alt['text']}”)", swapped))
        seen.add(kind + ":" + name)
    if len(query.drugs) > 1 and not any(a.kind == "relation" for a in out):
        for rel in ("combination", "comparison"):
            if rel != query.relation:
                out.append(Alternative("relation", f"as {RELATIONS[rel]}", plain_question(query, relation=rel)))
    for s in query.unknown:
        for sugg in s.suggestions[:3]:
            name = _PAREN.sub("", sugg).strip()
            swapped = swap_words(query.text, s.word, name)
            if swapped and ("drug:" + name) not in seen:
                seen.add("drug:" + name)
                out.append(Alternative("drug", f"{sugg} (for “{s.word}”)", swapped))
    return out


def reading_of(query: Query) -> Reading:
    return Reading(
        drugs=[DrugRead(d.name, d.text if d.text.strip().lower() != d.name.lower() else None, d.is_class)
               for d in query.drugs],
        relation=query.relation,
        relation_label=RELATIONS.get(query.relation, query.relation),
        condition=query.condition.name if query.condition else None,
        condition_words=(query.condition.text if query.condition
                         and query.condition.text.strip().lower() != query.condition.name.lower() else None),
        population=list(query.population),
        intent=query.intent,
        messages=list(query.messages),
        alternatives=alternatives(query),
    )
