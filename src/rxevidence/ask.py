"""The main job: ``ask("How effective is diazepam for pain?") -> Brief``."""

from __future__ import annotations

from typing import Any

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


def ask(
    text: str | Query,
    *,
    store: Store,
    online: bool = False,
    offline: bool = False,
    install_pack: bool = True,
    live_client: Any = None,
) -> Brief:
    """Answer a question from the store (and the starter pack, and live sources when ``online``).

    :raises InputError: the question is empty or names no drug.
    :raises ValidationFailed: the brief could not be validated (it is never shown then).
    """
    if install_pack:
        from .pack import ensure_pack

        ensure_pack(store)
    query = text if isinstance(text, Query) else parse_question(text, store=store)
    if not query.drugs:
        hint = ""
        if query.unknown:
            sugg = [s for u in query.unknown for s in u.suggestions]
            if sugg:
                hint = " Did you mean: " + ", ".join(dict.fromkeys(sugg[:5])) + "?"
        msgs = " ".join(query.messages)
        raise InputError(f"No drug recognised in {query.text!r}.{hint} {msgs}".strip())
    notes: list[str] = []
    if online and not offline:
        from .live import fetch_for_query

        result = fetch_for_query(store, query, client=live_client)
        for e in getattr(result, "errors", []) or []:
            notes.append(f"Live sources: {e}")
    vocab = load_vocab(store)
    ev = retrieve(store, query, vocab=vocab)
    ev.notes.extend(notes)
    brief = synthesize(query, ev, vocab=vocab)
    validate_brief(brief, store, ev.appraisals)
    return brief
