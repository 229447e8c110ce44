"""The US FDA row from a label in the store (``rxevidence fetch labels DRUG``, ``ask --online``, ingested SPL).

The current label wins over the offline index when it lists the use; a use the index finds on another product's
label (a generic's carve-out, a second brand) is not hidden by one fetched label that lacks it. Of several labels
the brand or reference label (NDA/BLA, single ingredient) is read first, then the newest version. The row cites the
label's DailyMed set id, version and effective date; the record page of that id resolves because the label is in
the store.
"""

from __future__ import annotations

import re

from ..ids import record_url
from ..models import Record
from . import DrugFacts, LabelFacts, LabelUse
from .match import ConditionTarget, Finding, fda_finding, qualifiers_of

_NEGATED = re.compile(r"\b(not (been )?(indicated|intended|recommended|established|approved|shown|found effective)|"
                      r"limitations? of use|has not been (studied|evaluated|established))\b", re.I)
_SENTENCE = re.compile(r"(?<=[.;:])\s+|\n+|•|\u2022")
_ASSOC = re.compile(r"^\s*(?:\([^)]{0,20}\)\s*)?(associated with|due to|caused by|secondary to)\s+", re.I)


def _ingredients(rec: Record) -> list[str]:
    ing = rec.extra.get("ingredients") or rec.extra.get("active_moieties") or []
    if not ing:
        ofda = rec.extra.get("openfda") or {}
        ing = ofda.get("generic_name") or []
        ing = [x for g in ing for x in re.split(r"\s+and\s+|,\s*", str(g))]
    return [str(x).lower().strip() for x in ing if str(x).strip()]


def _application(rec: Record) -> str:
    ofda = rec.extra.get("openfda") or {}
    appl = rec.application or next(iter(ofda.get("application_number") or []), "") or ""
    return str(appl).upper()


def label_rank(rec: Record, drug: str) -> tuple:
    """Sort key: the drug's own single-ingredient label first, brand/reference (NDA, BLA) before generics (ANDA),
    then the newest effective date and version."""
    ing = _ingredients(rec)
    single = ing == [drug] or (len(ing) == 1 and drug in ing[0])
    appl = _application(rec)
    brand = appl.startswith(("NDA", "BLA")) or (not appl and rec.extra.get("document_type", "").startswith("HUMAN"))
    version = int(rec.version) if rec.version and rec.version.isdigit() else 0
    return (not single, not brand, tuple(-ord(c) for c in (rec.date or "")), -version)


def preferred_labels(labels: list[Record], drug: str) -> list[Record]:
    """The store's labels for ``drug`` (its own or naming it as an ingredient), the one to read first first."""
    mine = [r for r in labels if r.kind == "label" and any(drug in i for i in _ingredients(r) or [""])]
    return sorted(mine, key=lambda r: label_rank(r, drug))


def _phrases(index: LabelFacts) -> dict[str, str]:
    cache = getattr(index, "_phrase_cache", None)
    if cache is None:
        cache = {}
        for mesh, (name, trees) in index._mesh.items():
            if not any(t[0] in "CF" for t in trees):
                continue
            words = name.lower()
            if ", " in words:  # "Hypertension, Pulmonary" -> "pulmonary hypertension"
                head, _, mods = words.partition(", ")
                cache.setdefault(" ".join(reversed(mods.split(", "))) + " " + head, mesh)
            cache.setdefault(words, mesh)
        for w, mesh in index._wordings.items():
            cache.setdefault(w, mesh)
        index._phrase_cache = cache
    return cache


def label_uses(rec: Record, index: LabelFacts) -> list[LabelUse]:
    """The uses the label's Indications and Usage section names, as MeSH descriptors (longest phrases first)."""
    text = rec.section("34067-9", "indications and usage", "indications & usage section", "uses") or ""
    phrases = _phrases(index)
    out: list[LabelUse] = []
    for sentence in _SENTENCE.split(text):
        if not sentence.strip() or _NEGATED.search(sentence):
            continue
        tokens = re.findall(r"[a-z0-9-]+", re.sub(r"['\u2019]s\b", "", sentence.lower()))
        i = 0
        found: list[tuple[int, int, str]] = []
        while i < len(tokens):
            for n in range(min(7, len(tokens) - i), 0, -1):
                cand = " ".join(tokens[i:i + n])
                mesh = phrases.get(cand) or (phrases.get(cand[:-1]) if cand.endswith("s") else None)
                if mesh and not (n == 1 and cand in {"pain", "disease", "infection", "infections", "syndrome"}
                                 and i + 1 < len(tokens)):
                    found.append((i, i + n, mesh))
                    i += n - 1
                    break
            i += 1
        quals = qualifiers_of(sentence)
        for k, (a, b, mesh) in enumerate(found):
            rest = " ".join(tokens[b:b + 4])
            if k + 1 < len(found) and _ASSOC.match(" " + rest + " ") and found[k + 1][0] <= b + 3:
                continue  # "neuropathic pain associated with diabetic peripheral neuropathy": the latter
            name, trees = index._mesh.get(mesh, [mesh, []])
            out.append(LabelUse(text=" ".join(tokens[a:b]), mesh=mesh, mesh_name=name, tree_numbers=trees,
                                qualifiers=quals, sources=["label"], set_ids=[rec.set_id] if rec.set_id else []))
    return out


def live_finding(labels: list[Record], drug: str, target: ConditionTarget, index: LabelFacts,
                 route: str | None = None) -> tuple[Finding, Record] | None:
    """The finding from the first preferred label that names the use; else from the preferred label (not listed)."""
    ordered = preferred_labels(labels, drug)
    if not ordered or index is None:
        return None
    results = []
    for rec in ordered[:5]:
        facts = DrugFacts(name=drug, uses=label_uses(rec, index), status="marketed")
        f = fda_finding(facts, target, route=route, drug=drug)
        if f.status == "no position found":  # the label names none of the index's conditions
            f = Finding(status="off-label", note=f"The US label does not list {target.name}.")
        results.append((f, rec))
        if f.status == "on-label":
            break
    f, rec = next(((f, r) for f, r in results if f.status == "on-label"), results[0])
    title = re.split(r"\s+(?:Initial U\.S\. Approval|tablets?, for|injection, for|capsules?, for)\b",
                     rec.title or drug)[0].strip()[:80]
    version = f", version {rec.version}" if rec.version else ""
    date = f", effective {rec.date}" if rec.date else ""
    f.source = record_url(rec.id) if rec.set_id else f.source
    f.source_name = f"FDA label ({title}; DailyMed set id {rec.set_id}{version}{date})"
    f.date = rec.date
    f.note = f.note.replace("The US label", "The current US label", 1) + (
        f" (read from the label in the store: DailyMed set id {rec.set_id}{version}{date}.)")
    return f, rec


__all__ = ["label_rank", "label_uses", "live_finding", "preferred_labels"]
