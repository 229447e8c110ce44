"""Retrieval: from a Query to the records and appraisals that bear on it (reads the store, writes nothing)."""

from __future__ import annotations

import re

from ..models import DrugMention, Query, Record
from ..models.evidence import Evidence
from ..store.base import Store
from ..vocab import Vocabulary
from .context import Context

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


def _drug_terms(vocab: Vocabulary, mention: DrugMention) -> list[str]:
    names = mention.members if mention.is_class and mention.members else [mention.name]
    terms: list[str] = []
    for n in names:
        terms.append(n)
        try:
            names_of = vocab.synonyms(n)
        except (KeyError, LookupError):
            names_of = []
        # a class has many members: their main brand names are enough to find the studies
        terms.extend(names_of[:4] if mention.is_class else names_of)
    terms.extend(mention.synonyms)
    if mention.is_class:
        terms.append(mention.name)
    # very short names make poor search phrases (e.g. "LDN" is fine, "A" is not)
    return minimal_phrases([t for t in terms if t and len(t) >= 3])


def _condition_terms(vocab: Vocabulary, query: Query) -> list[str]:
    c = query.condition
    if c is None:
        return []
    terms = [c.name, *c.synonyms]
    try:
        terms.extend(vocab.condition_terms(c.id, include_narrower=True))
    except (KeyError, LookupError):
        pass
    return minimal_phrases([t for t in terms if t and len(t) >= 3])


def condition_scope(vocab: Vocabulary, query: Query) -> list[str]:
    """The query's condition and every narrower concept id (the vocabulary's hierarchy)."""
    c = query.condition
    if c is None:
        return []
    ids = [c.id, *c.narrower]
    try:
        ids.extend(vocab.narrower(c.id))
    except (KeyError, LookupError):
        pass
    return list(dict.fromkeys(ids))


def retrieve(context: Context, query: Query, *, limit: int = MAX_HITS) -> Evidence:
    """Gather the records bearing on ``query``: curated pack studies, matching articles and trials,
    the drugs' labels and approvals, each record with its best stored appraisal (curated beats automatic).
    Records stored without an appraisal are left for :func:`~rxevidence.pipeline.appraise_missing`.
    Deterministic for a given store."""
    store, vocab, pack = context.store, context.vocab, context.pack
    drugs = drug_scope(query)
    conds = condition_scope(vocab, query)
    ev = Evidence(query=query, drug_names=drugs, condition_ids=conds)
    if not drugs:
        return ev

    # 1. curated studies from the starter pack (by drug and condition concept)
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
    found: dict[str, float] = {}
    for kind in ("article", "trial"):
        for hit in store.search_terms(groups, kind=kind, limit=limit):
            found.setdefault(hit.id, hit.score)
    if query.relation == "combination" and len(drug_groups) > 1:
        combo = [g for g in drug_groups if g] + ([cond_terms] if cond_terms else [])
        for hit in store.search_terms(combo, kind="article", limit=limit):
            found[hit.id] = max(found.get(hit.id, 0.0), hit.score) + 1.0
    if any(not d.members and not vocab.is_drug(d.name) for d in query.drugs):
        concept_hits = found  # a class without known members has no ingredient tags to join on
    else:
        # records about a form of a drug (salt, ester, preparation, combination) or the class itself
        forms = [f for n in drugs for f in vocab.drug_forms(n)]
        concept = list(dict.fromkeys(forms + [d.name.lower() for d in query.drugs if d.is_class]))
        concept_hits = by_concept(store, concept, indexed_scope(vocab, query, conds), found, limit=limit)
    for rid, score in concept_hits.items():
        ev.scores.setdefault(rid, score)

    ids = sorted(ev.scores)
    ev.records = store.get_records(ids)
    all_apps = store.appraisals_for(ids)
    for rid in ids:
        apps = sorted(all_apps.get(rid, []), key=lambda a: 0 if a.appraiser == "curated" else 1)
        if apps:
            ev.appraisals[rid] = apps[0]
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


def indexed_scope(vocab: Vocabulary, query: Query, conds: list[str]) -> list[str]:
    """The condition concepts to look up in the concept index: the question's scope plus the concept
    that owns its MeSH descriptor when that is broader (MeSH indexes "migraine prevention" as Migraine
    Disorders, "chronic low back pain" as Low Back Pain: a record can be tagged no finer)."""
    c = query.condition
    if c is None or not c.mesh_id:
        return conds
    owner = vocab.concept_for_mesh(c.mesh_id)
    return conds + [owner] if owner and owner not in conds else conds


def by_concept(store: Store, drugs: list[str], conds: list[str], found: dict[str, float], *,
               limit: int = MAX_HITS) -> dict[str, float]:
    """Articles and trials for the question through the concept index: records tagged with one of the
    drugs and one of the conditions (the question's concept and every narrower one), ranked by their
    full-text score where the text search found them too. One side must be what the record is about and
    the other at least named (see :func:`rxevidence.store.concepts.concept_records`); a drug named only as
    background ("patients taking aspirin were excluded") is no match. A full-text hit (``found``) is
    dropped when the index tagged it with drugs or conditions but not so; a hit the index has not tagged
    on that side is kept (full text reaches what the index does not). A store without an index returns
    ``found`` as it is."""
    tagged_hits = store.concept_records(drugs, conds)
    if tagged_hits is None:
        return dict(found)
    want_d, want_c = set(drugs), set(conds)
    tags = store.tags_of(list(found)) if found else {}
    out: dict[str, float] = {}
    for rid, score in found.items():
        t = tags.get(rid)
        if rid in tagged_hits or t is None:
            out[rid] = score
            continue
        # a side the index found nothing on is left to full text; otherwise the concept index's rule
        d = {c for k, c, _s in t if k == "drug"}
        c = {c for k, c, _s in t if k == "condition"}
        d_named = {c for k, c, s in t if k == "drug" and s != "background"}
        d_strong = {c for k, c, s in t if k == "drug" and s not in ("passing", "background")}
        c_strong = {c for k, c, s in t if k == "condition" and s != "passing"}
        d_ok = bool(d_strong & want_d) or bool(d_named & want_d and (not want_c or not c or c_strong & want_c))
        if (not d or d_ok) and (not want_c or not c or c & want_c):
            out[rid] = score
    extra = sorted((rid for rid in tagged_hits if rid not in out), key=lambda r: (-tagged_hits[r], r))
    for rid in extra[:limit]:
        out[rid] = tagged_hits[rid]  # below any text score: the tags' strength (1-3)
    return out


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
