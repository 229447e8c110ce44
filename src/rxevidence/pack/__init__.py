"""The starter evidence pack: curated, verified facts bundled with the package.

``load_pack()`` reads the YAML files under ``pack/data`` (validated by :mod:`.schema`);
``validate_pack()`` lists every problem; ``install_pack(store)`` puts the studies into the store
as records with ``curated`` appraisals beside the automatic ones.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..domain import is_review
from ..errors import ValidationFailed
from ..ids import kind_of
from ..models import Appraisal, Arm, OutcomeResult, Population, Provenance, Record
from ..store.base import Store, UpsertCounts
from ..vocab import load_vocabulary
from .schema import PACK_SCHEMA_VERSION, Drug, DrugFile, Study, StudyFile

PACK_VERSION_KEY = "pack_version"


@dataclass
class Pack:
    drugs: dict[str, Drug] = field(default_factory=dict)
    studies: list[Study] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    digest: str = ""

    def drug(self, name: str) -> Drug | None:
        return self.drugs.get(name.lower())

    def studies_for(self, drug: str) -> list[Study]:
        return [s for s in self.studies if drug in s.drugs]


_FileT = TypeVar("_FileT", bound=BaseModel)


def data_dir() -> Path:
    return Path(str(resources.files("rxevidence.pack") / "data"))


def _yaml_files(sub: str) -> list[Path]:
    d = data_dir() / sub
    return sorted(d.glob("*.yaml")) if d.exists() else []


def _load_file(path: Path, model: type[_FileT], problems: list[str]) -> _FileT | None:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        problems.append(f"{path.name}: not valid YAML ({e})")
        return None
    if raw is None:
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        for err in e.errors():
            loc = ".".join(str(x) for x in err["loc"])
            item = _describe_loc(raw, err["loc"])
            problems.append(f"{path.parent.name}/{path.name}: {loc}{item}: {err['msg']}")
        return None


def _describe_loc(raw: object, loc: tuple) -> str:
    """Name the study/drug an error location points into (its id or name)."""
    try:
        node = raw
        for part in loc[:2]:
            node = node[part]  # type: ignore[index]
        if isinstance(node, dict):
            label = node.get("id") or node.get("name")
            if label:
                return f" ({label})"
    except (KeyError, IndexError, TypeError):
        pass
    return ""


def load_pack(*, strict: bool = False) -> Pack:
    """Read every pack file. Invalid files are reported in ``Pack.problems`` (or raise when strict)."""
    return _load_pack_cached(strict)


def reset_pack_cache() -> None:
    """Forget the parsed pack: the next :func:`load_pack` reads the files again."""
    _load_pack_cached.cache_clear()


@lru_cache(maxsize=2)
def _load_pack_cached(strict: bool) -> Pack:
    pack = Pack()
    h = hashlib.sha1()
    for path in _yaml_files("drugs"):
        h.update(path.read_bytes())
        pack.files.append(f"drugs/{path.name}")
        drug_file = _load_file(path, DrugFile, pack.problems)
        if drug_file is None:
            continue
        for d in drug_file.drugs:
            if d.name in pack.drugs:
                pack.problems.append(f"drugs/{path.name}: drug {d.name!r} defined twice")
                continue
            pack.drugs[d.name] = d
    seen: dict[str, str] = {}
    for path in _yaml_files("studies"):
        h.update(path.read_bytes())
        pack.files.append(f"studies/{path.name}")
        study_file = _load_file(path, StudyFile, pack.problems)
        if study_file is None:
            continue
        for s in study_file.studies:
            if s.id in seen:
                pack.problems.append(f"studies/{path.name}: {s.id} duplicates an entry in {seen[s.id]}")
                continue
            seen[s.id] = f"studies/{path.name}"
            pack.studies.append(s)
    pack.digest = f"{PACK_SCHEMA_VERSION}-{h.hexdigest()[:12]}"
    if strict and pack.problems:
        raise ValidationFailed("The starter pack is invalid", pack.problems)
    return pack


# The drugs the starter pack must cover (issue: starter evidence pack, scope).
SCOPE = (
    "diazepam clonazepam lorazepam alprazolam cyclobenzaprine carisoprodol methocarbamol metaxalone tizanidine "
    "baclofen orphenadrine thiocolchicoside ibuprofen naproxen diclofenac celecoxib aspirin acetaminophen tramadol "
    "codeine oxycodone hydrocodone morphine tapentadol gabapentin pregabalin amitriptyline nortriptyline "
    "duloxetine venlafaxine milnacipran sumatriptan topiramate propranolol ropinirole pramipexole rotigotine quinine "
    "magnesium prednisone methylprednisolone naltrexone lidocaine capsaicin"
).split() + ["gabapentin enacarbil"]


def validate_pack(pack: Pack | None = None) -> list[str]:
    """Every problem with the pack: schema errors, duplicates, missing drug facts, unknown names."""
    pack = pack or load_pack()
    problems = list(pack.problems)
    known_conditions = _known_condition_ids()
    for name in SCOPE:
        if name not in pack.drugs:
            problems.append(f"drug {name}: in scope but missing from the pack")
    for name, d in sorted(pack.drugs.items()):
        if not d.classes:
            problems.append(f"drug {name}: no class")
        if d.fda is None:
            problems.append(f"drug {name}: no FDA label facts")
        elif d.fda.approved and not d.fda.indications:
            problems.append(f"drug {name}: FDA-approved but no label indications")
        elif d.fda.approved and not (d.fda.set_id or d.fda.application):
            problems.append(f"drug {name}: FDA label facts without a set id or application number")
        for p in d.positions:
            if known_conditions and p.condition not in known_conditions and not p.condition.startswith("mesh:"):
                problems.append(f"drug {name}: position for unknown condition id {p.condition!r}")
    for s in pack.studies:
        if known_conditions and s.condition not in known_conditions and not s.condition.startswith("mesh:"):
            problems.append(f"{s.id}: unknown condition id {s.condition!r}")
        for dname in s.drugs:
            if dname not in pack.drugs and not _known_drug(dname):
                problems.append(f"{s.id}: unknown drug {dname!r}")
        if is_review(s.design) and s.n_studies is None and s.n is None:
            problems.append(f"{s.id}: a review without n or n_studies")
        if s.healthy_volunteers and s.condition != "experimental-pain":
            problems.append(f"{s.id}: healthy volunteers but condition is {s.condition!r} (use experimental-pain)")
    return problems


def _known_condition_ids() -> set[str]:
    return set(load_vocabulary().condition_ids)


def _known_drug(name: str) -> bool:
    return load_vocabulary().resolve_drug(name) is not None


# ------------------------------------------------------------------ loading into the store

PACK_SOURCE = "rxevidence starter pack"


def study_record(s: Study) -> Record:
    """A minimal bibliographic record for a curated study (no abstract text)."""
    return Record(
        id=s.id,
        kind="trial" if kind_of(s.id) == "trial" else "article",
        title=s.title,
        pmid=s.pmid or (s.id[5:] if s.id.startswith("pmid:") else None),
        doi=s.doi,
        nct_ids=[s.nct] if s.nct else ([s.id[4:]] if s.id.startswith("nct:") else []),
        journal=s.journal,
        year=s.year,
        extra={"curated_only": True},
        provenance=Provenance(source=f"{PACK_SOURCE} ({s.verified_url})", format="pack"),
    )


def study_appraisal(s: Study) -> Appraisal:
    arms = [Arm(name=" + ".join(s.drugs), role="combination" if len(s.drugs) > 1 else "intervention", drugs=s.drugs)]
    if s.comparator:
        arms.append(
            Arm(name=s.comparator, role="placebo" if "placebo" in s.comparator.lower() else "comparator")
        )
    flags = list(s.flags)
    if s.n is not None and s.n < 50 and not is_review(s.design) and "small" not in flags:
        flags.append("small")
    return Appraisal(
        record_id=s.id,
        appraiser="curated",
        appraiser_version=f"pack-{PACK_SCHEMA_VERSION}",
        design=s.design,
        design_detail=s.design_detail,
        design_source="curated",
        design_confidence=1.0,
        population=Population(
            humans=s.humans,
            healthy_volunteers=s.healthy_volunteers,
            condition=s.condition_text,
            condition_ids=[s.condition],
            age_group=s.age_group,
        ),
        n=s.n,
        n_studies=s.n_studies,
        arms=arms,
        drugs=list(s.drugs),
        comparator=s.comparator,
        outcomes=[
            OutcomeResult(
                name=o.name, pain_dimension=o.pain_dimension, phase=o.phase, direction=o.direction, effect=o.effect
            )
            for o in s.outcomes
        ],
        direction=s.direction,
        flags=flags,
        finding=s.finding,
        verified_url=s.verified_url,
        verified_date=s.verified_date,
    )


def install_pack(store: Store, *, force: bool = False, pack: Pack | None = None) -> UpsertCounts:
    """Load the pack's studies into ``store`` (records only where missing; curated appraisals always).

    A record already in the store (e.g. the full PubMed record) is kept; the curated appraisal is
    added beside its automatic one. Skipped when the same pack version is already installed.
    """
    pack = pack if pack is not None else load_pack()
    counts = UpsertCounts()
    if not force and store.meta_get(PACK_VERSION_KEY) == pack.digest:
        counts.unchanged = len(pack.studies)
        return counts
    with store.transaction():
        present = store.has_records(s.id for s in pack.studies)
        for s in pack.studies:
            if s.id not in present:
                store.upsert_record(study_record(s), counts)
            else:
                counts.unchanged += 1
            store.put_appraisal(study_appraisal(s))
        store.meta_set(PACK_VERSION_KEY, pack.digest)
    return counts


def ensure_pack(store: Store, pack: Pack | None = None) -> bool:
    """Install the pack when this store has not got the current version; True when it installed.
    A read-only store is left alone (False): answer from :func:`with_pack` instead."""
    pack = pack if pack is not None else load_pack()
    if store.meta_get(PACK_VERSION_KEY) == pack.digest or not store.writable:
        return False
    install_pack(store, pack=pack)
    return True


def with_pack(store: Store, pack: Pack | None = None) -> Store:
    """The store to answer from, holding the current starter pack.

    A writable store gets the pack installed (once per pack version) and is returned itself. A
    read-only one (file, directory, mount or role) is never written: the pack is read from the
    package into an in-memory store layered over it (:class:`~rxevidence.store.overlay.LayeredStore`).
    """
    pack = pack if pack is not None else load_pack()
    if store.meta_get(PACK_VERSION_KEY) == pack.digest:
        return store
    if store.writable:
        install_pack(store, pack=pack)
        return store
    from ..store.overlay import LayeredStore
    from ..store.sqlite import SQLiteStore

    top = SQLiteStore(":memory:")
    install_pack(top, pack=pack)
    return LayeredStore(store, top)


def pack_info(pack: Pack | None = None) -> dict:
    pack = pack or load_pack()
    pairs: dict[str, int] = {}
    for s in pack.studies:
        for d in s.drugs:
            key = f"{d} / {s.condition}"
            pairs[key] = pairs.get(key, 0) + 1
    designs: dict[str, int] = {}
    for s in pack.studies:
        designs[s.design] = designs.get(s.design, 0) + 1
    return {
        "version": pack.digest,
        "schema_version": PACK_SCHEMA_VERSION,
        "drugs": len(pack.drugs),
        "studies": len(pack.studies),
        "positions": sum(len(d.positions) for d in pack.drugs.values()),
        "conditions": len({s.condition for s in pack.studies}),
        "designs": dict(sorted(designs.items())),
        "files": pack.files,
        "pairs": dict(sorted(pairs.items())),
    }


def coverage_table(pack: Pack | None = None) -> str:
    """Markdown table: drugs x conditions, number of studies per cell."""
    pack = pack or load_pack()
    conds = sorted({s.condition for s in pack.studies})
    drugs = sorted(pack.drugs)
    counts: dict[tuple[str, str], int] = {}
    for s in pack.studies:
        for d in s.drugs:
            counts[(d, s.condition)] = counts.get((d, s.condition), 0) + 1
    lines = [
        "| drug | " + " | ".join(conds) + " | total |",
        "|---|" + "---|" * (len(conds) + 1),
    ]
    for d in drugs:
        row = [str(counts.get((d, c), "")) for c in conds]
        total = sum(counts.get((d, c), 0) for c in conds)
        lines.append(f"| {d} | " + " | ".join(row) + f" | {total} |")
    return "\n".join(lines) + "\n"


__all__ = [
    "Pack",
    "coverage_table",
    "ensure_pack",
    "with_pack",
    "install_pack",
    "load_pack",
    "pack_info",
    "reset_pack_cache",
    "study_appraisal",
    "study_record",
    "validate_pack",
]
