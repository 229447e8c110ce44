"""The on-label rule over label facts: does a labelled indication name the question's condition?"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from rxevidence.vocab import Vocabulary

    from . import DrugFacts, LabelUse

_ROUTES = [
    ("injection", r"\b(inject\w*|shots?|jabs?|intravenous|iv|intramuscular|subcutaneous|infusions?|auto-?injectors?)\b"),
    ("nasal", r"\b(nasal|nose spray|intranasal)\b"),
    ("inhalation", r"\b(inhal\w*|nebuli[sz]\w*|puffers?)\b"),
    ("ophthalmic", r"\b(eye drops?|ophthalmic)\b"),
    ("transdermal", r"\b(patch(es)?|transdermal)\b"),
    ("topical", r"\b(cream|gel|ointment|lotion|topical|foam|rub)\b"),
    ("rectal", r"\b(suppositor\w*|rectal|enema)\b"),
    ("oral", r"\b(tablets?|pills?|capsules?|caplets?|oral|by mouth|syrup|liquid)\b"),
]
_QUALIFIERS = [("prevention", r"\b(prevent\w*|prophyla\w*|preventive)\b"), ("acute", r"\bacute\b"),
               ("chronic", r"\bchronic\b")]
# "Is a" links MeSH 2015 does not make, each settled by a primary source: a label use named by the broader
# concept covers the narrower one. Back pain and neck pain are musculoskeletal pain (MeSH files them under Pain
# only); the duloxetine label's "chronic musculoskeletal pain" was established in chronic low back pain trials
# (DailyMed, CYMBALTA, 1.5 / 14.5: https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=CYMBALTA).
# Heartburn is the symptom a GERD indication treats ("treatment of heartburn and other symptoms associated with
# GERD", DailyMed, PRILOSEC 1.2: https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=PRILOSEC).
EXTRA_BROADER: dict[str, tuple[str, ...]] = {
    "D001416": ("D059352",),  # Back Pain -> Musculoskeletal Pain
    "D019547": ("D059352",),  # Neck Pain -> Musculoskeletal Pain
    "D006356": ("D005764",),  # Heartburn -> Gastroesophageal Reflux
}

SIBLING_DEPTH = 3  # tree levels two concepts must share to count as related ("C10.668.829")


def qualifiers_of(text: str) -> list[str]:
    """The kinds of use a wording names ("prevention of ..." -> ["prevention"])."""
    return [q for q, pat in _QUALIFIERS if re.search(pat, text, re.I)]


def route_in_text(text: str) -> str | None:
    """The route a question asks about ("sumatriptan injection for ..." -> "injection"), or None."""
    for name, pat in _ROUTES:
        if re.search(pat, text, re.I):
            return name
    return None


class ConditionTarget(BaseModel):
    """The question's condition as MeSH: primary descriptor, its tree numbers, and the kind of use asked."""

    id: str
    name: str
    mesh: str | None = None
    tree_numbers: list[str] = Field(default_factory=list)
    qualifiers: list[str] = Field(default_factory=list)
    also: list[str] = Field(default_factory=list)  # the disorder a mood or behaviour word also names
    also_trees: list[str] = Field(default_factory=list)


def _mesh_name_forms(text: str) -> list[str]:
    words = text.strip().split()
    forms = [text.strip()]
    if len(words) > 1:
        forms.append(f"{words[-1]}, {' '.join(words[:-1])}")  # "ankylosing spondylitis" -> "Spondylitis, Ankylosing"
        forms.append(f"{' '.join(words[1:])}, {words[0]}")
    return forms


def _reduced_mesh(facts_index: Any, words_text: str) -> str | None:
    """The descriptor of the phrase with one or two modifiers dropped, head kept ("pulmonary arterial hypertension"
    -> Hypertension, Pulmonary): how a newer, finer descriptor is read against an older MeSH."""
    from itertools import combinations

    words = words_text.lower().split()
    for drop in (d for d in (1, 2) if len(words) - 1 - d >= 1):
        for keep in combinations(range(len(words) - 1), len(words) - 1 - drop):
            cand = " ".join([words[i] for i in keep] + [words[-1]])
            if len(cand.split()) < 2:
                continue
            m = _lookup(facts_index, cand)
            if m:
                return m
    return None


def target_for(vocab: Vocabulary, condition: Any, facts_index: Any = None) -> ConditionTarget:
    """A :class:`ConditionTarget` for a ``ConditionMention`` (or concept), read through the vocabulary by MeSH id."""
    cid, name = condition.id, condition.name
    concept = None
    if vocab is not None:
        try:
            concept = vocab.condition(cid)
        except (KeyError, LookupError, AttributeError):
            concept = None
    # by MeSH name first: the user's words, then the concept's name (survives vocabulary id changes), then its id
    mesh = None
    if facts_index is not None:
        for words in (getattr(condition, "text", "") or "", name):
            mesh = next((m for f in _mesh_name_forms(words) if (m := facts_index.mesh_by_name(f))), None)
            if mesh:
                break
    if mesh is None:
        mesh = getattr(condition, "mesh_id", None) or (concept.mesh_id if concept is not None else None)
        if mesh is None and cid.startswith("mesh:"):
            mesh = cid[5:]
    trees: list[str] = facts_index.mesh_trees(mesh) if (mesh and facts_index is not None) else []
    if mesh and not trees and facts_index is not None:  # a descriptor newer than the index's MeSH (2015)
        mesh = _reduced_mesh(facts_index, getattr(condition, "text", "") or name) or mesh
        trees = facts_index.mesh_trees(mesh)
    if not trees:
        trees = list(getattr(condition, "tree_numbers", []) or (concept.tree_numbers if concept else []))
    words = f"{cid.replace('-', ' ')} {name}"
    quals = [q for q, pat in _QUALIFIERS if re.search(pat, words, re.I)]
    also: list[str] = []
    if facts_index is not None and trees and all(t.startswith("F01") for t in trees):
        # a mood or behaviour word ("depression") names the disorders the vocabulary gives as its synonyms
        syns = list(getattr(condition, "synonyms", None) or getattr(concept, "synonyms", None) or [])
        cands = list(concept.mesh_ids[1:] if concept is not None else []) + [
            m for s in syns if (m := facts_index.mesh_by_name(s)) or
            (m := next((x for f in _mesh_name_forms(s) if (x := facts_index.mesh_by_name(f))), None))]
        also = list(dict.fromkeys(m for m in cands if m != mesh and any(
            t.startswith(("C", "F03")) for t in facts_index.mesh_trees(m))))
    also_trees = [t for m in also for t in facts_index.mesh_trees(m)] if also else []
    if facts_index is not None and mesh:
        also += _extra_broader(facts_index, mesh, trees)
    return ConditionTarget(id=cid, name=name, mesh=mesh, tree_numbers=trees, qualifiers=quals, also=also,
                           also_trees=also_trees)


def _extra_broader(facts_index: Any, mesh: str, trees: list[str]) -> list[str]:
    """Broader concepts from :data:`EXTRA_BROADER` for a descriptor that is, or sits under, a listed one."""
    out: list[str] = []
    for narrower, broader in EXTRA_BROADER.items():
        n_trees = facts_index.mesh_trees(narrower)
        if mesh == narrower or any(t == n or t.startswith(n + ".") for t in trees for n in n_trees):
            out += [b for b in broader if b != mesh and b not in out]
    return out


class Finding(BaseModel):
    """What the label facts say about one drug for one condition."""

    status: Literal["on-label", "off-label", "no position found"]
    condition_id: str | None = None  # the condition judged (the query's, or "mesh:D..." read from its words)
    note: str
    source: str | None = None
    source_name: str | None = None
    date: str | None = None
    matched: list[str] = Field(default_factory=list)  # labelled uses that settle it
    related: list[str] = Field(default_factory=list)  # narrower or sibling labelled uses


def _contains(use: LabelUse, t: ConditionTarget) -> bool:
    if use.mesh is None or t.mesh is None:
        return False
    if use.mesh == t.mesh or use.mesh in t.also:
        return True
    if use.approx:
        return False  # "E. coli urinary tract infection" names UTI, not every narrower kind of it
    return any(q.startswith(u + ".") for q in t.tree_numbers + t.also_trees for u in use.tree_numbers)


def _relation(use: LabelUse, t: ConditionTarget) -> str | None:
    """'contains', 'narrower', 'sibling' or None."""
    if _contains(use, t):
        return "contains"
    if use.mesh is None or not t.tree_numbers:
        return None
    if any(u.startswith(q + ".") for q in t.tree_numbers for u in use.tree_numbers):
        return "narrower"
    for q in t.tree_numbers:
        for u in use.tree_numbers:
            qa, ua = q.split("."), u.split(".")
            n = 0
            while n < min(len(qa), len(ua)) and qa[n] == ua[n]:
                n += 1
            if n >= SIBLING_DEPTH:
                return "sibling"
    return None


def _kind_ok(use: LabelUse, t: ConditionTarget) -> bool:
    """Prevention questions need a prevention indication; acute and chronic ones must not meet the other."""
    uq, tq = set(use.qualifiers), set(t.qualifiers)
    if "prevention" in tq and "prevention" not in uq:
        return False
    if ("acute" in tq and "chronic" in uq) or ("chronic" in tq and "acute" in uq):
        return False
    return True


def _describe(use: LabelUse) -> str:
    text = " ".join(w if (w.isupper() and len(w) > 1) else w.lower() for w in use.text.split())
    extra = []
    if "prevention" in use.qualifiers and not re.search(r"prevent|prophyla", use.text, re.I):
        extra.append("prevention")
    if use.routes:
        extra.append(f"{'/'.join(use.routes)} only")
    return text + (f" ({', '.join(extra)})" if extra else "")


def fda_finding(facts: DrugFacts | None, target: ConditionTarget, *, route: str | None = None,
                drug: str | None = None) -> Finding:
    """The US FDA row for ``facts`` (one ingredient) and ``target``, from the label-facts index."""
    name = drug or (facts.name if facts else "this drug")
    if facts is None:
        return Finding(status="no position found", note=f"No US label facts for {name} in the offline index.")
    ref = facts.reference_product
    src_name = f"FDA label facts ({ref.brand.title()}, {ref.appl})" if ref else "FDA label facts"
    if facts.status == "discontinued":
        return Finding(status="no position found", source=facts.source_url(), source_name="Drugs@FDA",
                       date=facts.first_approved,
                       note=f"No marketed US product: every {name} product in Drugs@FDA (2019) is discontinued "
                            f"(first approved {facts.first_approved or 'date unknown'}).")
    if facts.status == "absent" and not facts.otc_monograph:
        return Finding(status="no position found", source="https://www.accessdata.fda.gov/scripts/cder/daf/",
                       source_name="Drugs@FDA",
                       note=f"No US approval found: {name} has no application in Drugs@FDA (2019) and is not an "
                            f"ingredient of an FDA OTC monograph.")
    if not facts.uses:
        return Finding(status="no position found", source=facts.source_url(), source_name=src_name,
                       note=f"The offline index has no labelled uses for {name}: check the current label with "
                            f"`rxevidence fetch labels {name}`.")
    covering = [u for u in facts.uses if _contains(u, target) and _kind_ok(u, target)]
    by_route = [u for u in covering if not (route and u.routes and route not in u.routes)]
    related = [u for u in facts.uses if u not in covering and _relation(u, target) in ("narrower", "sibling",
                                                                                       "contains")]
    related_txt = sorted({_describe(u) for u in related})
    tail = (f" Marketed under the FDA OTC monograph (21 CFR {', '.join(facts.otc_monograph)}), not under an application."
            if facts.status == "absent" else "")
    if by_route:
        best = sorted(by_route, key=lambda u: (u.mesh != target.mesh, not (u.set_ids or u.cfr), u.text))[0]
        notes = [f"The US label lists {_describe(best)}"]
        if best.mesh != target.mesh and best.mesh_name:
            notes[0] += f", which includes {target.name}"
        if "prevention" in best.qualifiers and "prevention" not in target.qualifiers:
            notes.append("labelled to prevent it, not to treat attacks")
        if best.routes and not route:
            notes.append(f"only the {'/'.join(best.routes)} form is labelled for this use")
        return Finding(status="on-label", note="; ".join(notes) + "." + tail, source=facts.source_url(best),
                       source_name=src_name, date=facts.first_approved, matched=[_describe(u) for u in by_route])
    if covering:  # labelled for this use, but only in another route's product
        u = covering[0]
        return Finding(status="off-label", source=facts.source_url(u), source_name=src_name,
                       date=facts.first_approved, related=[_describe(u)],
                       note=f"Only the {'/'.join(u.routes or [])} form is labelled for {target.name}; the {route} "
                            f"form is not.")
    note = f"The US label does not list {target.name}"
    if related_txt:
        note = f"Labelled for {'; '.join(related_txt[:6])}; {target.name} is not a labelled use"
    wrong_kind = [u for u in facts.uses if _contains(u, target) and not _kind_ok(u, target)]
    if wrong_kind:
        note = (f"Labelled for {'; '.join(sorted({_describe(u) for u in wrong_kind}))}, not for "
                f"{target.name}")
    return Finding(status="off-label", note=note + "." + tail, source=facts.source_url(), source_name=src_name,
                   date=facts.first_approved, related=related_txt)


class _Phrase(BaseModel):
    id: str
    name: str
    text: str


def _lookup(facts_index: Any, text: str) -> str | None:
    """A descriptor for a phrase: MeSH name or label wording, singular or plural, inverted or not."""
    for cand in (text, text + "s", text[:-1] if text.endswith("s") else text):
        m = next((m for f in _mesh_name_forms(cand) if (m := facts_index.mesh_by_name(f))), None)
        if m and facts_index.mesh_trees(m):
            return m
    return None


def condition_phrase(query_text: str) -> str | None:
    """The words after the last "for" of a question ("... for helicobacter pylori infection?")."""
    m = re.search(r"\bfor\s+(?:my |the |a |an |people with |patients with )?([a-z0-9' ,-]+?)\s*[?.!]*\s*$",
                  query_text.strip(), re.I)
    if not m or len(m.group(1).split()) > 6:
        return None
    return m.group(1).lower().strip(" ,")


def phrase_condition(query: Any, facts_index: Any) -> Any:
    """The condition to judge: the query's, or a MeSH descriptor read from the question's own words when they
    say more than the vocabulary recognised ("helicobacter pylori infection", not "infection") or when it
    recognised none ("angina")."""
    cond = query.condition
    phrase = condition_phrase(getattr(query, "text", "") or "")
    said = (getattr(cond, "text", "") or "").lower() if cond is not None else ""
    if phrase is None or facts_index is None or (cond is not None and (not said or said == phrase
                                                                       or said not in phrase)):
        return cond
    mesh = _lookup(facts_index, phrase) or _reduced_mesh(facts_index, phrase)
    if mesh is None or (cond is not None and mesh == getattr(cond, "mesh_id", None)):
        return cond
    name = facts_index._mesh.get(mesh, [phrase])[0]
    return _Phrase(id=f"mesh:{mesh}", name=name, text=phrase)


def query_target(query: Any, drug: str, facts_index: Any, vocab: Vocabulary) -> tuple[Any, ConditionTarget, str | None] | None:
    """(condition judged, its MeSH target, route asked) for one drug of a ``Query``; None without a condition."""
    if facts_index is None:
        return None
    cond = phrase_condition(query, facts_index)
    if cond is None:
        return None
    mention = next((m for m in query.drugs if m.name == drug), None)
    route = route_in_text(mention.text) if mention is not None else None
    route = route or route_in_text(query.text.split(" for ")[0]) if " for " in query.text else route
    return cond, target_for(vocab, cond, facts_index), route


def finding_for_query(query: Any, drug: str, facts_index: Any, vocab: Vocabulary) -> Finding | None:
    """The US FDA finding for one drug of a parsed ``Query`` (None when the question names no condition)."""
    qt = query_target(query, drug, facts_index, vocab)
    if qt is None:
        return None
    cond, target, route = qt
    f = fda_finding(facts_index.drug(drug), target, route=route, drug=drug)
    f.condition_id = cond.id
    return f
