"""The main job: ``ask("How effective is diazepam for pain?") -> Brief``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from .errors import InputError
from .models import Brief, Query
from .retrieve import retrieve
from .store.base import Store
from .synthesize import synthesize
from .validate import validate_brief


def load_vocab(store: Store | None = None) -> Any:
    from .vocab import load_vocabulary

    return load_vocabulary(store)


def parse_question(text: str, *, store: Store | None = None) -> Query:
    from .question import parse

    return parse(text, vocab=load_vocab(store))


def _pack_drugs_for(query: Query, limit: int = 8) -> list[str]:
    """Drugs with curated studies for the question's condition (or a narrower one), most studied first."""
    if query.condition is None:
        return []
    from collections import Counter

    from .pack import load_pack

    ids = {query.condition.id, *query.condition.narrower}
    counts = Counter(d for st in load_pack().studies if st.condition in ids for d in st.drugs)
    return [d for d, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def ask(
    text: str | Query,
    *,
    store: Store,
    online: bool | Literal["auto"] = False,
    offline: bool = False,
    install_pack: bool = True,
    live_client: Any = None,
    progress: Callable[[str, int, int | None], None] | None = None,
    notify: Callable[[str], None] | None = None,
) -> Brief:
    """Answer a question from the store (and the starter pack, and live sources when ``online``).

    ``online=True`` fetches from the live sources first, always; ``online="auto"`` (what ``rxevidence
    ask`` does) fetches only when the store has no study for the pair (:mod:`rxevidence.autofetch`), with
    ``notify(message)`` told once before and ``progress(source, done, total)`` as records arrive; nothing is
    printed here. ``offline=True`` (or ``RXEVIDENCE_OFFLINE=1``) forbids the network.

    :raises InputError: the question is empty or names no drug.
    :raises ValidationFailed: the brief could not be validated (it is never shown then).
    """
    if install_pack:
        from .pack import with_pack

        store = with_pack(store)  # installs it when the store is writable, else layers it in memory
    query = text if isinstance(text, Query) else parse_question(text, store=store)
    if not query.drugs:
        hint = ""  # the parser's messages name the unknown words and their suggestions
        msgs = " ".join(query.messages)
        covered = _pack_drugs_for(query)
        if covered and query.condition is not None:
            msgs += (f" For {query.condition.name} the starter pack has studies of: {', '.join(covered)}. Try: "
                     f"rxevidence ask \"How effective is {covered[0]} for {query.condition.name}?\"")
        raise InputError(f"No drug recognised in {query.text!r}.{hint} {msgs}".strip())
    notes: list[str] = []
    if online and not offline and not store.writable:  # nothing fetched could be kept: do not fetch
        notes.append(f"The store {store.url} is read-only, so the live sources were not searched; this brief is "
                     "answered from what it holds (use a writable --db to fetch records).")
        online = False
    if online is True and not offline:
        from .live import fetch_for_query

        result = fetch_for_query(store, query, client=live_client)
        for e in getattr(result, "errors", []) or []:
            notes.append(f"Live sources: {e}")
    vocab = load_vocab(store)
    from .labelfacts import load_label_facts

    facts = load_label_facts()
    brief, ev = _answer(store, query, vocab, facts, notes)
    if online == "auto" and not brief.studies:
        from .autofetch import auto_allowed, fetch_when_missing

        if auto_allowed(offline=offline):
            if notify is not None:
                notify("Nothing stored for this question: looking in the live sources (PubMed, openFDA, "
                       "ClinicalTrials.gov)...")
            got = fetch_when_missing(store, query, client=live_client, progress=progress)
            if got.fetched:
                brief, ev = _answer(store, query, vocab, facts, notes)
            brief.notes.extend(got.notes)
    validate_brief(brief, store, ev.appraisals)
    return brief


def _answer(store: Store, query: Query, vocab: Any, facts: Any, notes: list[str]) -> tuple[Brief, Any]:
    """Retrieve and synthesise from the store (trying the other readings of the condition when nothing
    matches)."""
    ev = retrieve(store, query, vocab=vocab)
    ev.notes.extend(notes)
    brief = synthesize(query, ev, vocab=vocab, label_facts=facts)
    if not brief.studies and query.condition is not None:
        brief, ev = _try_alternatives(store, query, brief, ev, vocab, facts)
    if query.unknown:
        brief.notes.insert(0, _unknown_note(query))
    return brief, ev


def _unknown_note(query: Query) -> str:
    """What the brief leaves out: drugs of the question the vocabulary does not know (never swapped for a
    look-alike)."""
    words = " and ".join(f"“{u.word}”" for u in query.unknown)
    known = ", ".join(d.name for d in query.drugs)
    what = {"comparison": f"the comparison with {words} is not answered",
            "combination": f"the combination with {words} is not answered"}.get(query.relation, f"{words} is left out")
    sugg = [f"“{u.word}”: {', '.join(u.suggestions)}" for u in query.unknown if u.suggestions]
    tail = (" Did you mean " + "; ".join(sugg) + "?") if sugg else ""
    verb = "are not names of medicines" if len(query.unknown) > 1 else "is not the name of a medicine"
    return (f"{words} {verb} rxevidence knows, so {what}: this brief covers {known} "
            f"only.{tail}")


def _try_alternatives(store: Store, query: Query, brief: Brief, ev: Any, vocab: Any,
                      facts: Any = None) -> tuple[Brief, Any]:
    """When the condition as read finds no studies, try the other readings the parser offered."""
    from .models import ConditionMention

    for alt in query.alternatives:
        if alt.get("kind") != "condition" or not alt.get("id"):
            continue
        try:
            narrower = vocab.narrower(alt["id"])
        except (KeyError, LookupError):
            narrower = []
        cond = ConditionMention(text=query.condition.text, id=alt["id"], name=alt.get("name") or alt["id"],
                                narrower=narrower)
        q2 = query.model_copy(update={"condition": cond})
        ev2 = retrieve(store, q2, vocab=vocab)
        b2 = synthesize(q2, ev2, vocab=vocab, label_facts=facts)
        if b2.studies:
            b2.notes.insert(0, f"No studies matched “{query.condition.name}”; this brief reads "
                               f"“{query.condition.text}” as {cond.name}, which the question may also mean.")
            return b2, ev2
    return brief, ev
