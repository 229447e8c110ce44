"""Build the shipped label-facts index (``src/rxevidence/labelfacts/label_facts.json.gz``).

Reads public data in place (nothing is copied into the repository except the facts below):

- Drugs@FDA database export, 2019-07-02 (``openfda_repo_samples/drugsfda``; FDA data, public domain; repository
  CC0): applications, products, dosage forms and routes, marketing status (prescription / OTC / discontinued),
  reference-listed-drug flags, original approval dates.
- DrugCentral 2016 (``drugcentral_2016_drugtarget``; CC BY 4.0, Ursu et al., Nucleic Acids Res 2017): labelled
  indications per ingredient (names with UMLS ids) and FDA established pharmacologic classes.
- LabeledIn (``labeledin``; NLM, public domain; Khare et al., J Biomed Inform 2014): indications annotated in
  500 DailyMed labels (2012) with their SPL set ids, disease MeSH names and dose forms.
- MeSH 2015 descriptors (``mesh_2015_dhimmel``; CC0; NLM MeSH): descriptor ids and tree numbers.

Shipped facts: ingredient names, class names, indication names mapped to MeSH descriptor ids (with tree
numbers), application numbers, brand names, routes, marketing status, dates and DailyMed set ids. No label
text. Run: ``python scripts/build_label_facts.py [--data ../shared/data]``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import sys
import zipfile
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from otc_monographs import MONOGRAPHS, combination_uses, monograph_uses  # noqa: E402
from spl_indications import SOURCE as SPL_SOURCE  # noqa: E402
from spl_indications import spl_sections  # noqa: E402

OUT = ROOT / "src" / "rxevidence" / "labelfacts" / "label_facts.json.gz"
SCHEMA = 1

# words in an indication that qualify the use of a condition
_PREVENT = re.compile(r"\b(prevent\w*|prophyla\w*|reduc\w* the (risk|frequency|incidence)|reduce the risk)\b", re.I)
_ACUTE = re.compile(r"\bacute(ly)?\b", re.I)
_CHRONIC = re.compile(r"\bchronic\b", re.I)
_ADJUNCT = re.compile(r"\b(adjunct\w*|add-on)\b", re.I)

_ROUTE_WORDS = [
    ("injection", ("injectable", "injection", "intravenous", "intramuscular", "subcutaneous", "auto-injector",
                   "prefilled syringe", "cartridge", "infusion")),
    ("inhalation", ("inhal", "nebuli", "metered dose")),
    ("nasal", ("nasal",)),
    ("ophthalmic", ("ophthalmic",)),
    ("otic", ("otic",)),
    ("transdermal", ("transdermal", "patch")),
    ("topical", ("topical", "cream", "ointment", "gel", "lotion", "foam", "shampoo", "cutaneous")),
    ("rectal", ("rectal", "suppositor", "enema")),
    ("vaginal", ("vaginal",)),
    ("buccal", ("buccal", "sublingual")),
    ("oral", ("oral", "tablet", "capsule", "chewable", "syrup", "elixir", "suspension", "lozenge")),
]


def route_of(form: str) -> str | None:
    """The route family of a dose form or a Drugs@FDA ``FORM;ROUTE`` string ("INJECTABLE;SUBCUTANEOUS" -> injection)."""
    f = form.lower()
    if ";" in f:
        f = f.split(";", 1)[1] + " " + f.split(";", 1)[0]
    for name, words in _ROUTE_WORDS:
        if any(w in f for w in words):
            return name
    return None


def qualifiers(text: str) -> list[str]:
    q = []
    if _PREVENT.search(text):
        q.append("prevention")
    if _ACUTE.search(text):
        q.append("acute")
    if _CHRONIC.search(text):
        q.append("chronic")
    if _ADJUNCT.search(text):
        q.append("adjunct")
    return q


def split_ingredients(text: str) -> list[str]:
    """Drugs@FDA ``ActiveIngredient``: ';'-separated, but not inside parentheses."""
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == ";" and depth <= 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [x.strip() for x in out if x.strip()]


_SALTS = {
    "hydrochloride", "hcl", "dihydrochloride", "sodium", "potassium", "calcium", "magnesium", "succinate", "tartrate",
    "bitartrate", "maleate", "dimaleate", "malate", "phosphate", "sulfate", "bisulfate", "acetate", "citrate",
    "besylate", "besilate", "mesylate", "dimesylate", "bromide", "hydrobromide", "fumarate", "hemifumarate",
    "monohydrate", "dihydrate", "trihydrate", "hemihydrate", "anhydrous", "nitrate", "lactate", "gluconate",
    "tosylate", "benzoate", "valerate", "propionate", "dipropionate", "furoate", "xinafoate", "pamoate", "stearate",
    "palmitate", "decanoate", "enanthate", "cypionate", "disodium", "dipotassium", "meglumine", "tromethamine",
    "trifenatate", "kamedoxomil", "medoxomil", "axetil", "pivoxil", "proxetil", "mofetil", "saccharate",
    "aspartate", "oxalate", "hyclate", "mono", "sesquihydrate", "ethylsuccinate", "estolate", "hydrate",
    "chloride", "polistirex", "zinc", "s", "pentahydrate", "hexahydrate", "methylbromide",
    "epolamine", "olamine", "ethanolate", "strontium", "difumarate", "diacetate", "heptahydrate", "dibasic",
    "monobasic", "triflutate", "iodide", "sulfosalicylate",
    # counterions of US salt names (USAN): the moiety is the ingredient ("lapatinib ditosylate" is lapatinib)
    "edisylate", "isethionate", "erbumine", "esylate", "methylsulfate", "hippurate", "ditosylate", "dimeglumine",
    "diolamine", "diphosphate", "diaspartate", "napsylate", "camsylate", "teoclate", "ion", "cation",
}
# how a product is made or milled, not what it is ("insulin lispro recombinant", "griseofulvin, microsize")
_MAKING = {"recombinant", "synthetic", "macrocrystalline", "microcrystalline", "microsize", "ultramicrosize",
           "micronized", "[rdna", "origin]"}


class Names:
    """Canonical ingredient names through the shipped vocabulary (no fuzzy guessing)."""

    def __init__(self) -> None:
        from rxevidence.vocab import load_vocabulary

        self.vocab = load_vocabulary()
        self.cache: dict[str, str | None] = {}

    def _known(self, name: str) -> bool:
        m = self.vocab.resolve_drug(name, fuzzy=False)
        return m is not None and not m.is_class and m.name == name

    def canonical(self, text: str) -> str | None:
        key = text.lower().strip()
        if key in self.cache:
            return self.cache[key]
        name = None
        words = key.replace(",", " ").replace("/", " ").replace("-", " ").split() if "/" in key or " s-" in key \
            else key.replace(",", " ").split()
        words = list(dict.fromkeys(words))  # "ampicillin/ampicillin trihydrate" -> ampicillin
        if len(words) > 1 and set(words) & _MAKING:
            made = [w for w in words if w not in _MAKING]
            if len(made) > 1 and made[-1] == "human" and not self._known(" ".join(made)) \
                    and self._known(" ".join(made[:-1])):
                made = made[:-1]  # "teriparatide recombinant human" -> teriparatide; "insulin human" stays
            words = made
        for cand in (" ".join(w for w in words if w not in _SALTS), key, words[0] if words else ""):
            if not cand:
                continue
            m = self.vocab.resolve_drug(cand, fuzzy=False)
            if m is not None and not m.is_class and " + " not in m.name:
                extra = set(words) - set(m.name.split()) - _SALTS
                if extra and set(m.name.split()) < set(words):
                    break  # "gabapentin enacarbil" is its own ingredient, not gabapentin
                name = m.name
                break
        if name is None and words and all(w not in _SALTS for w in words[1:]) and len(words) <= 3:
            name = " ".join(words)  # a substance the vocabulary does not know yet: keep its own name
        elif name is None and words:
            name = " ".join(w for w in words if w not in _SALTS) or " ".join(words)  # "sodium chloride" stays
        self.cache[key] = name
        return name


def read_tsv(path: Path | io.TextIOBase, **kw: Any) -> list[dict[str, str]]:
    fh = path.open(encoding="utf-8", newline="") if isinstance(path, Path) else path
    return [{k.strip().strip('"'): (v if isinstance(v, str) else "").strip().strip('"')
             for k, v in r.items() if k is not None}
            for r in csv.DictReader(fh, delimiter="\t", **kw)]


# ------------------------------------------------------------------ MeSH


def load_mesh(data: Path) -> tuple[dict[str, str], dict[str, list[str]], dict[str, str]]:
    names: dict[str, str] = {}
    trees: dict[str, list[str]] = defaultdict(list)
    for r in read_tsv(data / "mesh_2015_dhimmel" / "tree-numbers.tsv"):
        names[r["mesh_id"]] = r["mesh_name"]
        trees[r["mesh_id"]].append(r["mesh_tree_number"])
    by_name = {v.lower(): k for k, v in names.items()}
    return names, trees, by_name


_GENERIC_HEADS = {"pain", "infection", "disease", "disorder", "syndrome", "symptom", "inflammation", "lesion",
                  "condition", "cancer", "tumor", "tumour", "carcinoma", "neoplasm", "deficiency", "poisoning",
                  "reaction", "injury", "wound", "ulcer", "edema", "bleeding", "hemorrhage", "spasm", "irritation"}


_QUALIFIED = re.compile(r"\s+(?:of|due to|from|associated with|secondary to|caused by|resulting from|induced by|"
                        r"related to)\s+", re.I)
_FILLER = {"of", "the", "and", "or", "with", "in", "for", "to", "due", "associated", "treatment", "prevention",
           "prophylaxi", "acute", "chronic", "severe", "mild", "moderate", "symptom", "disorder", "disease",
           "syndrome", "adjunct", "management", "relief", "a", "an", "by", "on", "type", "condition", "episode",
           "recurrent", "maintenance", "therapy", "sign"}
_INFECTION_TREES = {"C01", "C02", "C03"}  # MeSH 2015: bacterial infections and mycoses, virus, parasitic diseases
_POPULATION = re.compile(r"\bin (?:patients?|adults|children|people|women|men)\b", re.I)


class MeshMapper:
    """Indication wording or UMLS id -> one MeSH descriptor id (disease or symptom trees only)."""

    def __init__(self, names: Names, trees: dict[str, list[str]], by_name: dict[str, str],
                 mesh_names: dict[str, str] | None = None) -> None:
        self.vocab = names.vocab
        self.names = mesh_names or {}
        self.wordings: dict[str, set[str]] = defaultdict(set)  # label wording -> descriptors it mapped to exactly
        self.trees = trees
        self.by_name = by_name
        self.by_cui: dict[str, str] = {}

    def under(self, narrow: str, broad: str) -> bool:
        """True when ``narrow`` is a tree descendant of ``broad``."""
        return narrow != broad and any(n.startswith(b + ".") for n in self.trees.get(narrow, [])
                                       for b in self.trees.get(broad, []))

    def ok(self, mesh: str | None) -> bool:
        return bool(mesh) and any(t[0] in "CF" for t in self.trees.get(mesh or "", []))

    def from_name(self, text: str) -> str | None:
        t = text.strip()
        base = re.sub(r"\b(disorders?|treatment|adjunct|symptoms?|attacks?|prevention|prophylaxis|acute|chronic|"
                      r"severe|mild|moderate|recurrent|episodes?)\b", " ", t, flags=re.I)
        base = " ".join(base.split())
        words = base.split()
        inverted = f"{words[-1]}, {' '.join(words[:-1])}" if len(words) > 1 else base
        post = f"{base}, Postoperative" if re.search(r"postoperative", t, re.I) else base
        cands = [t, base, inverted, post, re.sub(r"^(acute|chronic|severe|mild|moderate|adjunct(ive)? (therapy|treatment) (of|for|in)|"
                           r"treatment of|prevention of|prophylaxis of|management of)\s+", "", t, flags=re.I),
                 re.sub(r"\s+(prevention|prophylaxis|treatment|adjunct|attacks?|symptoms?)$", "", t, flags=re.I)]
        for c in cands:
            mesh = self.by_name.get(c.lower())
            if self.ok(mesh):
                return mesh
        from rxevidence.vocab import norm

        for c in cands:
            m = self.vocab.resolve_condition(c)
            if m is None or getattr(m, "score", 1.0) < 0.95:
                continue
            try:
                terms = {norm(t) for t in self.vocab.condition_terms(m.id, include_narrower=False)}
            except (KeyError, LookupError):
                terms = set()
            if norm(c) not in terms | {norm(m.name)}:
                continue  # only an exact name or synonym of the concept, never a partial reading
            if m.id.startswith("mesh:"):
                mesh = self.by_name.get(m.name.lower())  # by name: the vocabulary's own ids may lag behind
            else:
                ids = list(self.vocab.condition(m.id).mesh_ids)
                mesh = ids[0] if len(ids) == 1 else None  # a curated concept lumping several descriptors: no
            if self.ok(mesh):
                return mesh
        return None

    def head(self, text: str) -> str | None:
        """The MeSH descriptor of the phrase's head ("Streptococcal Pneumonia" -> Pneumonia, "E. Coli Urinary Tract
        Infection" -> Urinary Tract Infections); never a bare generic head such as "pain" or "infection"."""
        words = re.sub(r"[()']", " ", text).split()
        if len(words) > 6:
            return None
        for n in range(len(words) - 1, 0, -1):
            tail = " ".join(words[-n:])
            if n == 1 and tail.lower().rstrip("s") in _GENERIC_HEADS:
                return None
            for cand in (tail, tail + "s", re.sub(r"s$", "", tail)):
                mesh = self.by_name.get(cand.lower())
                if self.ok(mesh):
                    return mesh
            if n > 1 or tail.lower() not in _GENERIC_HEADS:
                mesh = self.from_name(tail)
                if mesh:
                    return mesh
        return None

    def narrower_wording(self, wording: str, mesh: str) -> bool:
        """True when the wording adds content words to the descriptor's name ("Chemotherapy-induced nausea and
        vomiting" -> Vomiting): the use is that qualified form, not every narrower concept of the descriptor."""
        name = self.names.get(mesh, "")
        def words(t: str) -> set[str]:
            return {w.rstrip("s") for w in re.findall(r"[a-z0-9]+", t.lower())} - _FILLER
        return bool(name) and bool(words(wording) - words(name))

    def reduced(self, text: str) -> str | None:
        """The descriptor of the phrase with one or two modifiers dropped, the head kept ("pulmonary arterial
        hypertension" -> Hypertension, Pulmonary); never a bare generic head."""
        words = re.sub(r"[()']", " ", text).split()
        if not 2 < len(words) <= 6:
            return None
        for drop in (1, 2):
            for keep in combinations(range(len(words) - 1), len(words) - 1 - drop):
                cand = [words[i] for i in keep] + [words[-1]]
                if len(cand) < 2:
                    continue
                mesh = self.from_name(" ".join(cand))
                if mesh:
                    return mesh
        return None

    def pathogen(self, name: str, disease: str | None) -> str | None:
        """The infection a use names as the cause of a disease that is not itself an infection ("Duodenal Ulcer due
        to H. Pylori" -> Helicobacter Infections: the label treats that infection); None otherwise. A site's
        infection due to an organism ("Pneumonia due to S. aureus") stays that site's infection, and a symptom due
        to one ("Diarrhea due to E. coli") stays that symptom."""
        parts = re.split(r"\s+(?:due to|caused by|associated with)\s+", name, maxsplit=1, flags=re.I)
        if len(parts) < 2 or not disease or any(t[:3] in _INFECTION_TREES or t.startswith("C23")
                                                for t in self.trees.get(disease, [])):
            return None
        germ = self.from_name(parts[1].strip())
        trees = self.trees.get(germ or "", [])
        return germ if trees and all(t[:3] in _INFECTION_TREES for t in trees) else None

    def map(self, name: str, cui: str | None) -> str | None:
        """A MeSH id; ``~D...`` when only part of the phrase maps (the use is narrower than that concept):
        its head, the phrase without a modifier, or the condition before a qualifier ("Cachexia due to HIV")."""
        if _POPULATION.search(name):
            return None  # "osteoarthritis in patients at high ulcer risk": the use is not the disease named
        if cui and cui.startswith("mesh:"):  # the caller read the concept already (DailyMed sections, vocabulary)
            exact = cui[5:]
            return f"~{exact}" if self.narrower_wording(name, exact) else exact
        named = self.from_name(name)  # the wording itself is a descriptor's name or a vocabulary synonym
        by_concept = None if named else self.by_cui.get(cui or "")  # else the annotator's concept: a synonym
        exact = named or by_concept
        if exact:
            if not by_concept and self.narrower_wording(name, exact):
                return f"~{exact}"
            self.wordings[name.strip().lower()].add(exact)
            return exact
        base = _QUALIFIED.split(name, maxsplit=1)[0].strip()
        m = (self.from_name(base) or self.reduced(base) or self.head(base)) if base and base != name.strip() else None
        m = m or self.reduced(name) or self.head(name)
        return f"~{m}" if m else None


# ------------------------------------------------------------------ sources


def drugsfda(data: Path, names: Names) -> dict[str, dict[str, Any]]:
    zpath = next((data / "openfda_repo_samples" / "drugsfda").glob("drugsatfda_*.zip"))
    z = zipfile.ZipFile(zpath)

    def table(name: str) -> list[dict[str, str]]:
        return read_tsv(io.TextIOWrapper(z.open(name), encoding="latin-1"), quoting=csv.QUOTE_NONE)

    apps = {r["ApplNo"]: r for r in table("Applications.txt")}
    status = {(r["ApplNo"], r["ProductNo"]): r["MarketingStatusID"] for r in table("MarketingStatus.txt")}
    first: dict[str, str] = {}
    for r in table("Submissions.txt"):
        if r["SubmissionType"].strip() == "ORIG" and r["SubmissionStatus"].strip() == "AP":
            d = r["SubmissionStatusDate"][:10]
            if d and (r["ApplNo"] not in first or d < first[r["ApplNo"]]):
                first[r["ApplNo"]] = d
    out: dict[str, dict[str, Any]] = {}
    for r in table("Products.txt"):
        ings = split_ingredients(r["ActiveIngredient"])
        canon = [names.canonical(i) for i in ings]
        st = {"1": "rx", "2": "otc", "3": "discontinued", "4": "tentative"}.get(status.get((r["ApplNo"], r["ProductNo"]),
                                                                                          ""), "unknown")
        appl = apps.get(r["ApplNo"], {})
        kind = (appl.get("ApplType") or "").strip()
        for raw, c in zip(ings, canon, strict=True):
            if c is None:
                continue
            d = out.setdefault(c, {"products": {}, "raw": set()})
            d["raw"].add(raw.lower())
            key = (kind + r["ApplNo"], route_of(r["Form"]) or r["Form"].lower(), len(ings) > 1)
            p = d["products"].setdefault(key, {"appl": kind + r["ApplNo"], "brand": r["DrugName"].strip(),
                                               "route": key[1], "form": r["Form"].split(";")[0].lower(),
                                               "status": st, "rld": False, "combo": len(ings) > 1,
                                               "approved": first.get(r["ApplNo"])})
            order = ["rx", "otc", "tentative", "discontinued", "unknown"]
            if order.index(st) < order.index(p["status"]):
                p["status"] = st
            p["rld"] = p["rld"] or r["ReferenceDrug"].strip() == "1"
    return out


def synonym_groups(data: Path) -> dict[str, set[str]]:
    """Name -> every name of the same substance (INN, USAN, BAN...) from the DrugBank open vocabulary (CC0), used only
    to join DrugCentral's INN names to Drugs@FDA's US names ("aciclovir" -> acyclovir); nothing from it is shipped."""
    path = data / "drugbank_open_vocabulary" / "drugbank_vocabulary_semicolon.csv"
    out: dict[str, set[str]] = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        rows = csv.reader(fh, delimiter=";")
        next(rows, None)
        next(rows, None)
        for r in rows:
            if len(r) < 6:
                continue
            group = {n.strip().lower() for n in [r[2], *r[5].split(" | ")] if n.strip() and len(n) < 40}
            for n in group:
                out.setdefault(n, set()).update(group)
    return out


def join_names(dc: dict[str, list[dict]], classes: dict[str, list[str]], known: set[str], names: Names,
               groups: dict[str, set[str]]) -> None:
    """Move DrugCentral facts filed under a name Drugs@FDA does not use to the US name of the same substance."""
    for name in [n for n in set(dc) | set(classes) if n not in known]:
        syns = sorted(set().union(*(groups.get(n, set()) for n in {name} | RAW_NAMES.get(name, set()))))
        target = next((c for syn in syns if (c := names.canonical(syn)) in known), None)
        if target is None:
            continue
        if name in dc:
            dc.setdefault(target, []).extend(dc.pop(name))
        if name in classes:
            for c in classes.pop(name):
                if c not in classes.setdefault(target, []):
                    classes[target].append(c)


def _dc_names(base: Path, names: Names) -> dict[str, str]:
    """DrugCentral drug id -> canonical ingredient, through RxNorm ids (INN "aciclovir" -> "acyclovir")."""
    by_rx = {v[1]: k for k, v in getattr(names.vocab, "_drugs", {}).items() if v and v[1]}
    out: dict[str, str] = {}
    for r in read_tsv(base / "identifiers.tsv"):
        if r["ID_TYPE"] == "RXNORM" and r["IDENTIFIER"] in by_rx and r["DRUG_ID"] not in out:
            out[r["DRUG_ID"]] = by_rx[r["IDENTIFIER"]]
    return out


RAW_NAMES: dict[str, set[str]] = defaultdict(set)  # canonical -> DrugCentral's own names (INN, with salt)


def drugcentral(data: Path, names: Names, mesh: MeshMapper) -> tuple[dict[str, list[dict]], dict[str, list[str]]]:
    base = data / "drugcentral_2016_drugtarget"
    by_id: dict[str, str] = {}  # _dc_names(base, names) mis-joins combination RxNorm ids; names are safer
    uses: dict[str, list[dict]] = defaultdict(list)
    for r in read_tsv(base / "drug_indication.tsv"):
        c = by_id.get(r["DRUG_ID"]) or names.canonical(r["DRUG_NAME"])
        if c is None or not r["INDICATION_FDB"]:
            continue
        RAW_NAMES[c].add(r["DRUG_NAME"].lower())
        m = mesh.map(r["INDICATION_FDB"], r.get("UMLS_CUI") or None)
        uses[c].append({"text": r["INDICATION_FDB"], "mesh": (m or "").lstrip("~") or None, "approx": bool(m and m[0] == "~"),
                        "q": qualifiers(r["INDICATION_FDB"]), "src": "dc"})
        if (germ := mesh.pathogen(r["INDICATION_FDB"], (m or "").lstrip("~") or None)):
            uses[c].append({"text": r["INDICATION_FDB"], "mesh": germ, "approx": True,
                            "q": qualifiers(r["INDICATION_FDB"]), "src": "dc"})
    classes: dict[str, list[str]] = defaultdict(list)
    # where FDA gives no established class: MeSH pharmacological action, then FDA mechanism of action, ChEBI
    # application role (what the drug is used as: "anticonvulsant"), FDA physiologic effect
    fallback: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in read_tsv(base / "pharm_class.tsv"):
        c = by_id.get(r["DRUG_ID"]) or names.canonical(r["DRUG_NAME"])
        if not c:
            continue
        RAW_NAMES[c].add(r["DRUG_NAME"].lower())
        kind = _CLASS_KINDS.get((r["SOURCE"], r["TYPE"]))
        if r["SOURCE"] == "FDA" and r["TYPE"] == "EPC" and r["CLASS"] not in classes[c]:
            classes[c].append(r["CLASS"])
        elif kind and r["CLASS"] not in fallback[c][kind] and not _NOT_A_CLASS.search(r["CLASS"]):
            fallback[c][kind].append(r["CLASS"])
    for c, kinds in fallback.items():
        if not classes.get(c):
            kind = next((k for k in _CLASS_KINDS.values() if kinds.get(k)), None)
            if kind:
                classes[c] = [f"{n} ({kind})" for n in kinds[kind][:4]]
    return uses, classes


_CLASS_KINDS = {("MeSH", "PA"): "MeSH", ("FDA", "MoA"): "FDA mechanism of action",
                ("CHEBI", "has role"): "ChEBI role", ("FDA", "PE"): "FDA physiologic effect"}
# ChEBI roles that say what a molecule is to the body or to chemists, not what the drug is used as
_NOT_A_CLASS = re.compile(r"^(prodrug|drug allergen|allergen|xenobiotic|environmental contaminant|epitope|hapten|"
                          r"mutagen|carcinogen|teratogen|.*\bmetabolite)$", re.I)


def _rxnorm_names(data: Path, wanted: set[str]) -> dict[str, str]:
    out = {}
    with gzip.open(data / "labeledin" / "download" / "RXNORM.csv.gz", "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rx = r["Class ID"].rsplit("/", 1)[-1]
            if rx in wanted:
                out[rx] = r["Preferred Label"]
    return out


_NEGATED = re.compile(r"\b(not|no|nor)\b[^.]{0,60}\b(indicated|intended|recommended|established|approved|"
                      r"shown|studied|demonstrated)\b|\b(not|nor) (for|in|to)\b|limitations? of use", re.I)
_ASSOC = re.compile(r"^\s*(?:\([^)]{0,20}\)\s*)?(associated with|due to|caused by|secondary to|resulting from)\s*$",
                    re.I)
_RESTRICTED = re.compile(r"^\s*(?:\)\s*)?(associated with|due to|caused by|secondary to|resulting from|induced by|in "
                         r"patients (with|receiving|undergoing)|postoperatively|after surgery)\b", re.I)
_COORD = re.compile(r"^\s*(?:,|and|or|and/or|and or|/)\s*$", re.I)
_CLAUSE_RESTRICTED = re.compile(r"\b(postoperatively|after surgery)\b", re.I)


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html).strip()


def _restricted(text: str, anns: list[re.Match], i: int) -> bool:
    """True when a qualifier after the mention (or after the mentions coordinated with it: "nausea and vomiting
    associated with chemotherapy") restricts it, or its clause says "postoperatively"."""
    while True:
        mt = anns[i]
        nxt = anns[i + 1] if i + 1 < len(anns) else None
        if nxt is not None and _ASSOC.match(text[mt.end(): nxt.start()]):
            return False  # "pain associated with diabetic neuropathy": the use is the second concept
        after = re.sub(r"<[^>]+>", " ", text[mt.end(): mt.end() + 120])
        if _RESTRICTED.match(after) or _CLAUSE_RESTRICTED.search(re.split(r"[.;,]\s|</li>", after)[0]):
            return True
        if nxt is None or not _COORD.match(text[mt.end(): nxt.start()]) or len(_plain(mt.group(2)).split()) > 1:
            return False  # only a bare head shares its partner's qualifier ("nausea and vomiting associated ...")
        i += 1


_ANNOT = re.compile(r'<annotation cui="([^"]+)">(.*?)</annotation>', re.S)


def _own_ingredient(c: str, text: str, names: Names, known: set[str]) -> str:
    """The ingredient a label is about: a distinct derivative the text names ("HORIZANT (gabapentin enacarbil)" is
    gabapentin enacarbil, not gabapentin) when Drugs@FDA lists it as an ingredient of its own."""
    for m in re.finditer(rf"\b{re.escape(c)}\s+([a-z]+)", text, re.I):
        longer = names.canonical(f"{c} {m.group(1)}")
        if longer and longer != c and longer in known:
            return longer
    return c


def annotated_uses(text: str, mesh: MeshMapper, *, src: str, set_id: str | None,
                   routes: list[str]) -> list[dict]:
    """The uses an indications text names, from its ``<annotation cui="...">`` condition mentions: negated ones
    dropped ("not indicated for ..."), qualified ones narrowed ("vomiting associated with chemotherapy"), a
    mention "associated with" another read as the second, each with its qualifiers (prevention, acute, ...)."""
    out: list[dict] = []
    seen = set()
    anns = list(_ANNOT.finditer(text))
    for i, mt in enumerate(anns):
        cui, mention = mt.group(1), re.sub(r"<[^>]+>", " ", mt.group(2)).strip()
        if i + 1 < len(anns) and _ASSOC.match(text[mt.end(): anns[i + 1].start()]):
            continue  # "neuropathic pain associated with diabetic neuropathy": the use is the second concept
        before = re.sub(r"<[^>]+>", " ", text[max(0, mt.start() - 120): mt.start()])
        if _NEGATED.search(re.split(r"[.;:]\s|\)\s", before)[-1]):
            continue  # "not indicated for the prophylactic therapy of migraine"
        m = mesh.map(mention, cui)
        if m and m[0] != "~" and _restricted(text, anns, i):
            m = "~" + m  # "vomiting associated with emetogenic chemotherapy": that vomiting, not all kinds of it
        if m and i and _COORD.match(text[anns[i - 1].end(): mt.start()]) and len(mention.split()) == 1 \
                and len(_plain(anns[i - 1].group(2)).split()) > 1:
            prev = mesh.map(re.sub(r"<[^>]+>", " ", anns[i - 1].group(2)).strip(), anns[i - 1].group(1))
            prev = (prev or "").lstrip("~")
            if prev and mesh.under(prev, m.lstrip("~")):
                m = prev  # "postoperative nausea and/or vomiting": the vomiting is the postoperative kind
        if i and _ASSOC.match(text[anns[i - 1].end(): mt.start()]):
            first = re.sub(r"<[^>]+>", " ", anns[i - 1].group(2)).strip()
            mention = f"{first} {text[anns[i - 1].end(): mt.start()].strip()} {mention}"
        ctx = re.sub(r"<[^>]+>", " ", text[max(0, mt.start() - 90): mt.start()])
        ctx = re.split(r"[.;:]\s", ctx)[-1]
        key = ((m or mention.lower()).lstrip("~"), tuple(qualifiers(ctx + " " + mention)))
        if key in seen:
            continue
        seen.add(key)
        out.append({"text": mention, "mesh": (m or "").lstrip("~") or None, "approx": bool(m and m[0] == "~"),
                    "q": list(key[1]), "src": src, "set": set_id, "routes": routes})
    return out


def labeledin(data: Path, names: Names, mesh: MeshMapper, mesh_by_name: dict[str, str],
              known: set[str] | None = None) -> dict[str, list[dict]]:
    """Per ingredient: uses annotated in its single-ingredient DailyMed labels, with set id and route."""
    base = data / "labeledin"
    for r in read_tsv(base / "data" / "indications.tsv"):
        m = mesh_by_name.get((r["disease_mesh_name"] or "").lower())
        if m and mesh.ok(m):
            mesh.by_cui.setdefault(r["disease_cui"], m)
    struct = {}
    for line in (base / "download" / "LabeledIn_Structured_Results.txt").read_text(encoding="utf-8").splitlines():
        f = line.split("|")
        if len(f) >= 6:
            struct[f[1]] = {"in": [x for x in f[3].split(";") if x.strip()],
                            "scdf": [x for x in f[5].split(";") if x.strip()]}
    rx_in: dict[str, str] = {}
    for r in read_tsv(base / "data" / "indications.tsv"):
        rx_in[r["rxnorm_id"]] = r["rxnorm_name"]
    wanted = {x for s in struct.values() for x in s["scdf"]}
    scdf_names = _rxnorm_names(data, wanted)
    uses: dict[str, list[dict]] = defaultdict(list)
    for line in (base / "download" / "LabeledIn_annotated_XML.txt").read_text(encoding="utf-8").splitlines():
        f = line.split("|")
        if len(f) < 3 or f[1] not in struct:
            continue
        set_id, text = f[1], f[2]
        s = struct[set_id]
        if len(s["in"]) != 1 or s["in"][0] not in rx_in:
            continue  # combination labels say nothing about one ingredient alone
        c = names.canonical(rx_in[s["in"][0]])
        if c is None:
            continue
        c = _own_ingredient(c, re.sub(r"<[^>]+>", " ", text), names, known or set())
        routes = sorted({r for x in s["scdf"] if (r := route_of(scdf_names.get(x, ""))) is not None})
        uses[c].extend(annotated_uses(text, mesh, src="li", set_id=set_id, routes=routes))
    return uses


# ------------------------------------------------------------------ merge


def _drop_derivative_uses(dc: dict[str, list[dict]], li: dict[str, list[dict]]) -> None:
    """A DrugCentral use of an ingredient that only a distinct derivative's labels list (gabapentin: restless legs,
    from gabapentin enacarbil) is that derivative's use, when the ingredient's own labels are known and lack it."""
    for c in list(dc):
        own = {u["mesh"] for u in li.get(c, []) if u["mesh"]}
        if not own:
            continue
        derived = {u["mesh"] for d, us in li.items() if d.startswith(c + " ") for u in us if u["mesh"]} - own
        if derived:
            dc[c] = [u for u in dc[c] if u["mesh"] not in derived]


def merge_uses(dc: list[dict], li: list[dict]) -> list[dict]:
    """One entry per (MeSH id or wording, qualifiers); route-restricted when the ingredient has labels of several
    routes in LabeledIn and only some of them list the use."""
    li_routes = sorted({r for u in li for r in u.get("routes", [])})
    by_key: dict[tuple, dict] = {}
    for u in li + dc:
        key = (u["mesh"] or u["text"].lower(), tuple(sorted(u["q"])))
        e = by_key.setdefault(key, {"text": u["text"], "mesh": u["mesh"], "q": sorted(u["q"]), "src": [],
                                    "sets": [], "routes": set(), "approx": True})
        e["approx"] = e["approx"] and u.get("approx", False)
        if u["src"] not in e["src"]:
            e["src"].append(u["src"])
        if u.get("set") and u["set"] not in e["sets"]:
            e["sets"].append(u["set"])
        if u.get("cfr"):
            e["cfr"] = u["cfr"]
        e["routes"].update(u.get("routes", []))
    mesh_routes: dict[str, set[str]] = defaultdict(set)
    for e in by_key.values():
        if e["mesh"]:
            mesh_routes[e["mesh"]].update(e["routes"])
    out = []
    for e in by_key.values():
        routes = sorted(mesh_routes[e["mesh"]] if e["mesh"] else e["routes"])
        e.pop("routes")
        if not e["approx"]:
            e.pop("approx")
        if len(li_routes) > 1 and routes and set(routes) < set(li_routes):
            e["routes"] = routes
        out.append(e)
    out.sort(key=lambda e: (e["text"].lower(), e["q"]))
    return out


def build(data: Path, spl: Path | None = None) -> dict[str, Any]:
    names = Names()
    mesh_names, trees, by_name = load_mesh(data)
    mapper = MeshMapper(names, trees, by_name, mesh_names)
    fda = drugsfda(data, names)
    li = labeledin(data, names, mapper, by_name, set(fda))  # before DrugCentral: it teaches the mapper UMLS -> MeSH
    dc, classes = drugcentral(data, names, mapper)
    join_names(dc, classes, set(fda), names, synonym_groups(data))
    _drop_derivative_uses(dc, li)
    spl_uses: dict[str, list[dict]] = defaultdict(list)
    if spl is not None:  # DailyMed sections of 2023: only for ingredients the older sources give no use or class
        sections, spl_classes = spl_sections(spl, names.vocab, mapper.ok, set(fda))
        for c, subject, annotated in sections:
            route = route_of(subject)
            spl_uses[c].extend(annotated_uses(annotated, mapper, src="spl", set_id=None,
                                              routes=[route] if route else []))
        for name, cls in spl_classes.items():
            if not classes.get(name):
                classes[name] = cls[:1]
    drugs: dict[str, Any] = {}
    used_mesh: set[str] = set()
    monograph = {i for m in MONOGRAPHS for i in m["ingredients"]}
    for name in sorted(set(fda) | set(dc) | set(li) | set(classes) | monograph):
        otc_sold = name in monograph or any(p["status"] == "otc" for p in fda.get(name, {}).get("products", {}).values())
        own = {u["mesh"] for u in li.get(name, [])}
        combo = combination_uses(name, classes.get(name, [])) - own if otc_sold else set()
        newer = spl_uses.get(name, []) if not (dc.get(name) or li.get(name)) else []
        uses = merge_uses([u for u in dc.get(name, []) if u["mesh"] not in combo],
                          li.get(name, []) + newer + monograph_uses(name))
        prods = sorted(fda.get(name, {}).get("products", {}).values(),
                       key=lambda p: (p["combo"], p["appl"][:3] != "NDA", p["appl"], p["route"]))
        entry: dict[str, Any] = {}
        if classes.get(name):
            entry["classes"] = classes[name]
        if name in monograph:
            entry["otc_monograph"] = sorted(m["section"] for m in MONOGRAPHS if name in m["ingredients"])
        if uses:
            entry["uses"] = uses
            used_mesh.update(u["mesh"] for u in uses if u["mesh"])
        if prods:
            entry["products"] = prods[:40]
            entry["status"] = _status(prods)
            dates = [p["approved"] for p in prods if p["approved"]]
            if dates:
                entry["first_approved"] = min(dates)
        drugs[name] = entry
    keep = {m for m, ts in trees.items() if any(t[0] in "CF" for t in ts)} | used_mesh
    mesh_out = {m: [mesh_names.get(m, m), sorted(trees.get(m, []))] for m in sorted(keep)}
    # the wordings labels use for a descriptor ("shingles" -> Herpes Zoster), when they always map to the same one
    wordings = {w: next(iter(ms)) for w, ms in mapper.wordings.items()
                if len(ms) == 1 and len(w.split()) <= 5 and len(w) >= 4 and w != mesh_names.get(next(iter(ms)), "").lower()
                and next(iter(ms)) in mesh_out and not re.search(r"[^a-z0-9 ,'-]", w)}
    return {
        "schema": SCHEMA,
        "sources": {
            "drugsfda": {"name": "Drugs@FDA database export", "snapshot": "2019-07-02",
                         "licence": "US Government work, public domain"},
            "dc": {"name": "DrugCentral (labelled indications, FDA pharmacologic classes)", "snapshot": "2016-11-15",
                   "licence": "CC BY 4.0", "credit": "DrugCentral, Ursu O et al., Nucleic Acids Res 2017"},
            "li": {"name": "LabeledIn (indications annotated in DailyMed labels)", "snapshot": "2012-08-28",
                   "licence": "US Government work (NLM), public domain",
                   "credit": "Khare R, Li J, Lu Z. J Biomed Inform 2014;52:448-56"},
            "otc": {"name": "FDA OTC drug monographs (21 CFR parts 336, 338, 341)", "snapshot": "2026-12-03",
                    "licence": "US Government work, public domain"},
            "mesh": {"name": "MeSH 2015 descriptors and tree numbers", "snapshot": "2015",
                     "licence": "NLM MeSH, free use (dhimmel/mesh, CC0)"},
            **({"spl": SPL_SOURCE} if spl is not None else {}),
        },
        "mesh": mesh_out,
        "wordings": dict(sorted(wordings.items())),
        "drugs": drugs,
    }


def _status(prods: list[dict]) -> str:
    single = [p for p in prods if not p["combo"]] or prods
    st = {p["status"] for p in single}
    for s in ("rx", "otc"):
        if s in st:
            return "marketed"
    return "discontinued" if "discontinued" in st else "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--spl-indications", type=Path, default=None,
                    help="JSON lines of DailyMed INDICATIONS & USAGE sections (see scripts/spl_indications.py)")
    a = ap.parse_args(argv)
    if not (a.data / "openfda_repo_samples").is_dir():
        print(f"error: {a.data} has no openfda_repo_samples; pass --data PATH", file=sys.stderr)
        return 2
    if a.spl_indications is not None and not a.spl_indications.is_file():
        print(f"error: {a.spl_indications} not found", file=sys.stderr)
        return 2
    facts = build(a.data, a.spl_indications)
    raw = json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    with a.out.open("wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(raw)
    n = len(facts["drugs"])
    with_uses = sum(1 for d in facts["drugs"].values() if d.get("uses"))
    print(f"{a.out}: {n} ingredients, {with_uses} with labelled uses, {len(facts['mesh'])} MeSH concepts, "
          f"{a.out.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
