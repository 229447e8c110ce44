"""The main job: ``ask("How effective is diazepam for pain?") -> Brief``.

    parse ──► retrieve ──► appraise_missing ──► synthesize ──► validate
      (each reads the Context built once by :func:`~rxevidence.pipeline.context.build_context`)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, Literal

from .. import autofetch, live
from ..errors import InputError
from ..models import Brief, ConditionMention, Query
from ..models.evidence import Evidence
from ..pack import Pack
from ..question import parse
from ..store.base import Store
from ..synthesis import synthesize
from .appraise import appraise_missing
from .context import Context, build_context
from .retrieve import retrieve
from .validate import validate_brief


def parse_question(text: str, context: Context) -> Query:
    """The question as read, with the context's vocabulary."""
    return parse(text, vocab=context.vocab)


def gather(context: Context, query: Query) -> Evidence:
    """Retrieve the evidence for ``query`` and appraise what was stored without an appraisal."""
    ev = retrieve(context, query)
    appraise_missing(context, ev)
    return ev


def answer(context: Context, query: Query, notes: list[str] | None = None) -> tuple[Brief, Evidence]:
    """The brief for an already parsed query (not validated), and the evidence it was built from;
    ``notes`` (from live fetches) join the evidence's notes before synthesis."""
    ev = gather(context, query)
    ev.notes.extend(notes or [])
    brief = synthesize(query, ev, facts=context.facts)
    return brief, ev


def ask(
    text: str | Query,
    *,
    store: Store | None = None,
    context: Context | None = None,
    online: bool | Literal["auto"] = False,
    offline: bool = False,
    install_pack: bool = True,
    live_client: Any = None,
    progress: Callable[[str, int, int | None], None] | None = None,
    notify: Callable[[str], None] | None = None,
) -> Brief:
    """Answer a question from the store (and the starter pack, and live sources when ``online``).

    Give ``store`` (a context is built for it, installing the pack unless ``install_pack=False``) or a
    ``context`` built once with :func:`~rxevidence.pipeline.context.build_context`.

    ``online=True`` fetches from the live sources first, always; ``online="auto"`` (what ``rxevidence
    ask`` does) fetches only when the store has no study for the pair (:mod:`rxevidence.autofetch`), with
    ``notify(message)`` told once before and ``progress(source, done, total)`` as records arrive; nothing is
    printed here. ``offline=True`` (or ``RXEVIDENCE_OFFLINE=1``) forbids the network.

    :raises InputError: the question is empty or names no drug.
    :raises ValidationFailed: the brief could not be validated (it is never shown then).
    """
    if context is None:
        if store is None:
            raise TypeError("ask() needs store= or context=")
        context = build_context(store, install_pack=install_pack)
    query = text if isinstance(text, Query) else parse_question(text, context)
    if not query.drugs:
        raise _no_drug_error(query, context.pack)
    notes: list[str] = []
    if online and not offline and not context.store.writable:  # nothing fetched could be kept: do not fetch
        notes.append(f"The store {context.store.url} is read-only, so the live sources were not searched; this "
                     "brief is answered from what it holds (use a writable --db to fetch records).")
        online = False
    if online is True and not offline:
        result = live.fetch_for_query(context.store, query, client=live_client)
        for e in getattr(result, "errors", []) or []:
            notes.append(f"Live sources: {e}")
    brief, ev = _answer(context, query, notes)
    if online == "auto" and not brief.studies and autofetch.auto_allowed(offline=offline):
        if notify is not None:
            notify("Nothing stored for this question: looking in the live sources (PubMed, openFDA, "
                   "ClinicalTrials.gov)...")
        got = autofetch.fetch_when_missing(context.store, query, client=live_client, progress=progress)
        if got.fetched:
            brief, ev = _answer(context, query, notes)
        brief.notes.extend(got.notes)
    validate_brief(brief, context.store, ev.appraisals)
    return brief


def _answer(context: Context, query: Query, notes: list[str]) -> tuple[Brief, Evidence]:
    """The brief from the store as it is (trying the other readings of the condition when nothing matches);
    ``notes`` (from live fetches) end the brief's notes."""
    brief, ev = answer(context, query, notes)
    if not brief.studies and query.condition is not None:
        brief, ev = _try_alternatives(context, query, brief, ev)
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


def _no_drug_error(query: Query, pack: Pack) -> InputError:
    msgs = " ".join(query.messages)  # the parser's messages name the unknown words and their suggestions
    covered = pack_drugs_for(query, pack)
    if covered and query.condition is not None:
        msgs += (f" For {query.condition.name} the starter pack has studies of: {', '.join(covered)}. Try: "
                 f"rxevidence ask \"How effective is {covered[0]} for {query.condition.name}?\"")
    return InputError(f"No drug recognised in {query.text!r}. {msgs}".strip())


def pack_drugs_for(query: Query, pack: Pack, limit: int = 8) -> list[str]:
    """Drugs with curated studies for the question's condition (or a narrower one), most studied first."""
    if query.condition is None:
        return []
    ids = {query.condition.id, *query.condition.narrower}
    counts = Counter(d for st in pack.studies if st.condition in ids for d in st.drugs)
    return [d for d, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def _try_alternatives(context: Context, query: Query, brief: Brief, ev: Evidence) -> tuple[Brief, Evidence]:
    """When the condition as read finds no studies, try the other readings the parser offered."""
    assert query.condition is not None
    for alt in query.alternatives:
        if alt.get("kind") != "condition" or not alt.get("id"):
            continue
        try:
            narrower = context.vocab.narrower(alt["id"])
        except (KeyError, LookupError):
            narrower = []
        cond = ConditionMention(text=query.condition.text, id=alt["id"], name=alt.get("name") or alt["id"],
                                narrower=narrower)
        q2 = query.model_copy(update={"condition": cond})
        b2, ev2 = answer(context, q2)
        if b2.studies:
            b2.notes.insert(0, f"No studies matched “{query.condition.name}”; this brief reads "
                               f"“{query.condition.text}” as {cond.name}, which the question may also mean.")
            return b2, ev2
    return brief, ev


__all__ = ["answer", "ask", "gather", "pack_drugs_for", "parse_question"]
