"""Label facts: what US labels say each ingredient is for, shipped offline, with provenance.

The index (``label_facts.json.gz``) is built by ``scripts/build_label_facts.py`` from Drugs@FDA (2019-07-02;
public domain), DrugCentral (2016; CC BY 4.0, Ursu et al. 2017), LabeledIn (DailyMed labels of 2012; NLM,
public domain) and MeSH 2015 tree numbers. Callers load it once (:func:`load_label_facts`) and hand it down
(the pipeline Context); nothing here reads it behind a caller's back.

:func:`fda_finding` applies the on-label rule: a use is on-label only when a labelled indication names the
question's condition or a MeSH concept that contains it (same descriptor or a tree ancestor), with the same
kind of use (prevention is never covered by a treatment indication), for the route asked about.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from .match import ConditionTarget, Finding, fda_finding, finding_for_query, route_in_text, target_for

__all__ = [
    "snapshot_note",
    "ConditionTarget",
    "DrugFacts",
    "Finding",
    "LabelFacts",
    "LabelUse",
    "Product",
    "drugsfda_url",
    "cfr_url",
    "dailymed_url",
    "fda_finding",
    "finding_for_query",
    "load_label_facts",
    "reset_label_facts_cache",
    "route_in_text",
    "target_for",
]

SNAPSHOT_NOTE = ("label-derived index (Drugs@FDA 2019, DrugCentral 2016, DailyMed labels of 2012 via LabeledIn): "
                 "check the current label with `rxevidence fetch labels {drug}`")
# for a drug whose uses come from the DailyMed label sections of 2023 (approved or first indexed after 2016)
SPL_SNAPSHOT_NOTE = ("label-derived index (Drugs@FDA 2019, DailyMed label sections of 2023): check the current "
                     "label with `rxevidence fetch labels {drug}`")


def snapshot_note(facts: DrugFacts | None, drug: str) -> str:
    """Where the offline facts about ``drug`` come from and how to check them."""
    newer = facts is not None and any("spl" in u.sources for u in facts.uses)
    return (SPL_SNAPSHOT_NOTE if newer else SNAPSHOT_NOTE).format(drug=drug)


def drugsfda_url(appl: str) -> str:
    digits = "".join(ch for ch in appl if ch.isdigit())
    return f"https://www.accessdata.fda.gov/scripts/cder/daf/index.cfm?event=overview.process&ApplNo={digits}"


def cfr_url(section: str) -> str:
    """The FDA's page for an OTC monograph part of 21 CFR ("336.10" -> part 336)."""
    return f"https://www.accessdata.fda.gov/scripts/cdrh/cfdocs/cfcfr/CFRSearch.cfm?CFRPart={section.split('.')[0]}"


def dailymed_url(set_id: str) -> str:
    return f"https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={set_id}"


class LabelUse(BaseModel):
    text: str  # the indication as the source names it ("Migraine Prevention")
    mesh: str | None = None  # MeSH descriptor id ("D008881")
    mesh_name: str | None = None
    tree_numbers: list[str] = Field(default_factory=list)
    qualifiers: list[str] = Field(default_factory=list)  # prevention, acute, chronic, adjunct
    sources: list[str] = Field(default_factory=list)  # "dc" DrugCentral, "li" LabeledIn
    set_ids: list[str] = Field(default_factory=list)  # DailyMed labels that list it (LabeledIn)
    routes: list[str] | None = None  # only these routes' labels list it; None: not route-specific
    approx: bool = False  # only the head of the wording maps ("E. coli UTI" -> UTI): matches that concept only
    cfr: str | None = None  # OTC monograph section that labels it ("336.10"), source "otc"


class Product(BaseModel):
    appl: str  # "NDA020080"
    brand: str
    route: str
    form: str
    status: Literal["rx", "otc", "discontinued", "tentative", "unknown"]
    rld: bool = False  # reference listed drug
    combo: bool = False
    approved: str | None = None  # original approval date of the application


class DrugFacts(BaseModel):
    name: str
    classes: list[str] = Field(default_factory=list)
    uses: list[LabelUse] = Field(default_factory=list)
    products: list[Product] = Field(default_factory=list)
    status: Literal["marketed", "discontinued", "unknown", "absent"] = "absent"  # in Drugs@FDA
    first_approved: str | None = None
    otc_monograph: list[str] = Field(default_factory=list)  # 21 CFR sections naming it as an active ingredient

    @property
    def combination_only(self) -> bool:
        """Every Drugs@FDA product of this ingredient combines it with another ingredient."""
        return bool(self.products) and all(p.combo for p in self.products)

    @property
    def reference_product(self) -> Product | None:
        """The product whose label settles a labelled use: a marketed single-ingredient NDA/BLA, the RLD first; a
        combination product when the ingredient is marketed only in combinations."""
        single = [p for p in self.products if not p.combo] or self.products
        for want in (lambda p: p.rld and p.status in ("rx", "otc"),
                     lambda p: p.appl[:3] in ("NDA", "BLA") and p.status in ("rx", "otc"),
                     lambda p: p.status in ("rx", "otc"),
                     lambda p: True):
            hit = [p for p in single if want(p)]
            if hit:
                return hit[0]
        return None

    def source_url(self, use: LabelUse | None = None) -> str | None:
        """Primary page for a fact: the DailyMed label that lists the use, the OTC monograph, else Drugs@FDA."""
        if use is not None and use.set_ids:
            return dailymed_url(use.set_ids[0])
        if use is not None and use.cfr:
            return cfr_url(use.cfr)
        ref = self.reference_product
        if ref is None and self.otc_monograph:
            return cfr_url(self.otc_monograph[0])
        return drugsfda_url(ref.appl) if ref else None


class LabelFacts:
    """The loaded index. ``facts.drug("sumatriptan")`` -> :class:`DrugFacts` or ``None``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.sources: dict[str, dict[str, str]] = data.get("sources", {})
        self._mesh: dict[str, list[Any]] = data.get("mesh", {})
        self._wordings: dict[str, str] = data.get("wordings", {})
        self._drugs: dict[str, dict[str, Any]] = data.get("drugs", {})
        self._cache: dict[str, DrugFacts | None] = {}
        self._by_name: dict[str, str] | None = None
        self._phrase_cache: dict[str, str] | None = None  # labelfacts.live: phrase -> MeSH id
        # a biologic's FDA name carries a four-letter suffix ("erenumab-aooe"): its plain name finds it when only
        # one product name has that stem
        stems: dict[str, list[str]] = {}
        for k in self._drugs:
            if re.fullmatch(r"[a-z0-9 ]+-[a-z]{4}", k):
                stems.setdefault(k.rsplit("-", 1)[0], []).append(k)
        self._suffixed = {b: ks[0] for b, ks in stems.items() if len(ks) == 1 and b not in self._drugs}

    def _key(self, name: str) -> str:
        key = name.lower().strip()
        return self._suffixed.get(key, key)

    def __contains__(self, name: str) -> bool:
        return self._key(name) in self._drugs

    def __len__(self) -> int:
        return len(self._drugs)

    def names(self) -> list[str]:
        return sorted(self._drugs)

    def mesh_trees(self, mesh_id: str) -> list[str]:
        return list(self._mesh.get(mesh_id, [None, []])[1])

    def mesh_by_name(self, name: str) -> str | None:
        """The MeSH 2015 descriptor id of a disease or symptom name ("Hypertension" -> "D006973"), or of a wording
        labels use for one ("shingles" -> Herpes Zoster)."""
        if self._by_name is None:
            self._by_name = {v[0].lower(): k for k, v in self._mesh.items()}
        key = name.lower().strip()
        return self._by_name.get(key) or self._wordings.get(key)

    def drug(self, name: str) -> DrugFacts | None:
        key = self._key(name)
        if key not in self._cache:
            raw = self._drugs.get(key)
            self._cache[key] = None if raw is None else self._parse(key, raw)
        return self._cache[key]

    def _parse(self, name: str, raw: dict[str, Any]) -> DrugFacts:
        uses = []
        for u in raw.get("uses", []):
            mesh = self._mesh.get(u.get("mesh") or "", [None, []])
            uses.append(LabelUse(text=u["text"], mesh=u.get("mesh"), mesh_name=mesh[0], tree_numbers=mesh[1],
                                 qualifiers=u.get("q", []), sources=u.get("src", []), set_ids=u.get("sets", []),
                                 routes=u.get("routes"), approx=u.get("approx", False), cfr=u.get("cfr")))
        prods = [Product(**p) for p in raw.get("products", [])]
        status = raw.get("status") or ("absent" if not prods else "unknown")
        return DrugFacts(name=name, classes=raw.get("classes", []), uses=uses, products=prods, status=status,
                         first_approved=raw.get("first_approved"), otc_monograph=raw.get("otc_monograph", []))

    def provenance(self) -> str:
        parts = [f"{s['name']} ({s['snapshot']}; {s['licence']})" for s in self.sources.values()]
        return "; ".join(parts)


@lru_cache(maxsize=4)
def _read(path: str | None) -> dict[str, Any]:
    if path is None:
        ref = resources.files("rxevidence") / "labelfacts" / "label_facts.json.gz"
        with ref.open("rb") as raw, gzip.GzipFile(fileobj=raw) as fh:
            return json.loads(fh.read())
    with gzip.open(path, "rb") as fh:
        return json.loads(fh.read())


def load_label_facts(path: str | Path | None = None) -> LabelFacts:
    """Load the shipped index (or one at ``path``). The caller keeps it and passes it on."""
    return LabelFacts(_read(str(path) if path is not None else None))


def reset_label_facts_cache() -> None:
    """Forget the parsed index files: the next :func:`load_label_facts` reads them again."""
    _read.cache_clear()
