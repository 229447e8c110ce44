"""Retrieval: from a Query to the records and appraisals that bear on it."""

from __future__ import annotations

import re
from typing import Any

from .ids import normalise_id  # noqa: F401 - re-exported: its home is rxevidence.ids
from .models import Appraisal, DrugMention, Query, Record
from .models.evidence import Evidence
from .store.base import Store

MAX_HITS = 200


def drug_scope(query: Query) -> list[str]:
    """Canonical ingredient names the question is about (a class expands to its members)."""
    names: list[str] = []
    for d in query.drugs:
        names.extend(d.members if d.is_class and d.members else [d.name])
    return list(dict.fromkeys(n.lower() for n in names))


def minimal_phrases(terms: list[str]) -> list[str]:
    """Drop phrases that a shorter phrase in the same OR group already covers.

    In a full-text OR group, "low back pain" adds nothing when "back pain" is there (every document with the
    longer phrase has the shorter one), so the search gives the same hits with far fewer phrases.
    """
    kept: list[tuple[str, ...]] = []
    for t in sorted({" ".join(re.findall(r"\w+", x.lower())) for x in terms if x}, key=lambda x: (len(x.split()), x)):
        words = tuple(t.split())
        if not words:
            continue
        if any(_contains(words, k) for k in kept):
            continue
        kept.append(words)
    return [" ".join(k) for k in kept]


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


def _drug_terms(vocab: Any, mention: DrugMention) -> list[str]:
    names = mention.members if mention.is_class and mention.members else [mention.name]
    terms: list[str] = []
    for n in names:
        terms.append(n)
        syn = getattr(vocab, "synonyms", None)
        if syn is not None:
            try:
                names_of = syn(n)
            except (KeyError, LookupError):
                names_of = []
            # a class has many members: their main brand names are enough to find the studies
            terms.extend(names_of[:4] if mention.is_class else names_of)
    terms.extend(mention.synonyms)
    if mention.is_class:
        terms.append(mention.name)
    # very short names make poor search phrases (e.g. "LDN" is fine, "A" is not)
    return minimal_phrases([t for t in terms if t and len(t) >= 3])


def _condition_terms(vocab: Any, query: Query) -> list[str]:
    c = query.condition
    if c is None:
        return []
    terms = [c.name, *c.synonyms]
    fn = getattr(vocab, "condition_terms", None)
    if fn is not None:
        try:
            terms.extend(fn(c.id, include_narrower=True))
        except (KeyError, LookupError):
            pass
    return minimal_phrases([t for t in terms if t and len(t) >= 3])


def condition_scope(vocab: Any, query: Query) -> list[str]:
    c = query.condition
    if c is None:
        return []
    ids = [c.id, *c.narrower]
    fn = getattr(vocab, "narrower", None)
    if fn is not None:
        try:
            ids.extend(fn(c.id))
        except (KeyError, LookupError):
            pass
    return list(dict.fromkeys(ids))


def retrieve(store: Store, query: Query, *, vocab: Any = None, limit: int = MAX_HITS) -> Evidence:
    """Gather the records bearing on ``query``: curated pack studies, matching articles and trials,
    the drugs' labels and approvals. Deterministic for a given store."""
    from .pack import load_pack

    drugs = drug_scope(query)
    conds = condition_scope(vocab, query)
    ev = Evidence(query=query, drug_names=drugs, condition_ids=conds)
    if not drugs:
        return ev

    # 1. curated studies from the starter pack (by drug and condition concept)
    pack = load_pack()
    cond_set = set(conds)
    for s in pack.studies:
        if not set(s.drugs) & set(drugs):
            continue
        if cond_set and s.condition not in cond_set:
            continue
        ev.curated_ids.add(s.id)
        ev.scores[s.id] = 1000.0

    # 2. full-text search for articles and trials (drug terms AND condition terms)
    drug_groups = [_drug_terms(vocab, m) for m in query.drugs]
    all_drug_terms = sorted({t for g in drug_groups for t in g})
    cond_terms = _condition_terms(vocab, query)
    groups = [all_drug_terms] + ([cond_terms] if cond_terms else [])
    for kind in ("article", "trial"):
        for hit in store.search_terms(groups, kind=kind, limit=limit):
            ev.scores.setdefault(hit.id, hit.score)
    if query.relation == "combination" and len(drug_groups) > 1:
        combo = [g for g in drug_groups if g] + ([cond_terms] if cond_terms else [])
        for hit in store.search_terms(combo, kind="article", limit=limit):
            ev.scores[hit.id] = max(ev.scores.get(hit.id, 0.0), hit.score) + 1.0

    ids = sorted(ev.scores)
    ev.records = store.get_records(ids)
    all_apps = store.appraisals_for(ids)
    for rid in ids:
        apps = sorted(all_apps.get(rid, []), key=lambda a: 0 if a.appraiser == "curated" else 1)
        if apps:
            ev.appraisals[rid] = apps[0]
        elif rid in ev.records:
            a = _appraise_now(ev.records[rid])
            if a is not None:
                ev.appraisals[rid] = a
    for rid in ids:
        r = ev.records.get(rid)
        if r is not None and r.kind == "trial":
            ev.trials.append(r)

    # 3. labels and approvals for the drugs
    label_terms = sorted({t for t in all_drug_terms})
    for hit in store.search_terms([label_terms], kind="label", limit=50):
        r = store.get_record(hit.id)
        if r is not None and _record_is_for(r, drugs):
            ev.labels.append(r)
    for hit in store.search_terms([label_terms], kind="approval", limit=50):
        r = store.get_record(hit.id)
        if r is not None and _record_is_for(r, drugs):
            ev.approvals.append(r)
    ev.labels.sort(key=lambda r: (r.date or "", r.id), reverse=True)
    ev.approvals.sort(key=lambda r: r.id)
    return ev


def _record_is_for(r: Record, drugs: list[str]) -> bool:
    ingredients = [str(x).lower() for x in r.extra.get("ingredients", [])]
    for p in r.extra.get("products", []) or []:
        if isinstance(p, dict):
            for k in ("active_ingredient", "generic_name", "name", "drug_name"):
                if p.get(k):
                    ingredients.append(str(p[k]).lower())
    gen = r.extra.get("generic_name")
    if isinstance(gen, list):
        ingredients.extend(str(g).lower() for g in gen)
    elif gen:
        ingredients.append(str(gen).lower())
    text = " ".join(ingredients) or (r.title or "").lower()
    return any(d in text for d in drugs)


def _appraise_now(record: Record) -> Appraisal | None:
    try:
        from .appraise import appraise_record
    except ImportError:
        return None
    return appraise_record(record)
