"""Appraisal fields against hand-checked records: what a study is, who, which drug in which role, against what,
which way, and how many.

    python bench/appraise_fields.py [--set dev] [--errors N] [--model linear|minilm]

Sets (``bench/data/``; ids and hand-checked fields only, the abstracts are read in place from
``../shared/data/cohen2006_drug_class_reviews``):

  dev   ``engine_dev_appraisals.jsonl`` — 139 Cohen 2006 records checked by hand by the engine helper (#20),
        chosen by a fixed seed per drug class (5 included + 5 excluded records per class) among records whose
        ``sha1(pmid)[-1]`` is in "89abcdef". This is the development set: rules were written while looking at
        its misses, so its figures are optimistic. The held-out records (``sha1(pmid)[-1]`` in "01234567") belong
        to ``bench/unseen.py`` and are never used here.

Fields scored (each against the label or one of its listed alternatives):
  kind             efficacy, safety, pharmacokinetics, mechanism, methods, diagnosis, economics, narrative review,
                   protocol, secondary analysis, extension, other
  population       patients, healthy volunteers, animals, in vitro
  comparator_type  placebo (or no treatment), active, dose, add-on, uncontrolled
  direction        better / worse / no difference / mixed on the primary efficacy outcome, for the studied drug;
                   scored on efficacy records with a directional label ("direction_efficacy") and on every record
                   ("direction_all", where non-efficacy records should read "unclear")
  n                randomised N within 10% (records with a labelled N)
  studied          the studied drugs found (any overlap with the label) and the comparator not read as studied
"unclear" answers are counted apart (coverage) and as wrong in accuracy.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
COHEN = SHARED / "cohen2006_drug_class_reviews"
SETS = {"dev": ROOT / "bench" / "data" / "engine_dev_appraisals.jsonl"}
EFFICACY_KINDS = {"efficacy", "secondary analysis", "extension"}


def load_labels(name: str) -> list[dict]:
    with open(SETS[name], encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_records(labels: list[dict]):  # type: ignore[no-untyped-def]
    from rxevidence.models import Record, Section

    wanted = {lab["pmid"]: lab["source"].split("/", 1)[1] for lab in labels}
    rows: dict[str, dict] = {}
    for cls in sorted(set(wanted.values())):
        with open(COHEN / f"{cls}.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["pubmedID"] in wanted:
                    rows[row["pubmedID"]] = row
    out = {}
    for pmid, row in rows.items():
        year = row.get("year") or ""
        out[pmid] = Record(
            id=f"pmid:{pmid}", kind="article", title=row.get("title") or None,
            sections=[Section(text=row["abstract"])] if row.get("abstract") else [],
            year=int(float(year)) if year.strip() else None,
            authors=[a.strip() for a in (row.get("authors") or "").split(";") if a.strip()],
        )
    return out


def _ok(pred: object, lab: dict, field: str) -> bool:
    want = [lab.get(field)] + list(lab.get(f"{field}_alt") or [])
    if field == "comparator_type":
        pred = {"no treatment": "placebo"}.get(str(pred), pred)
        want = [{"none": "uncontrolled", "no treatment": "placebo"}.get(str(w), w) for w in want]
    return pred in want


def _n_ok(pred: int | None, lab: dict) -> bool:
    want = [lab.get("n")] + list(lab.get("n_alt") or [])
    if pred is None:
        return want[0] is None
    return any(w is not None and abs(pred - w) <= 0.1 * w for w in want)


def evaluate(labels: list[dict], records: dict) -> tuple[dict[str, list[bool]], list[tuple[str, str, object, object]]]:
    from rxevidence.appraise import appraise_record

    scores: dict[str, list[bool]] = defaultdict(list)
    misses: list[tuple[str, str, object, object]] = []
    for lab in labels:
        rec = records.get(lab["pmid"])
        if rec is None:
            continue
        a = appraise_record(rec)
        assert a is not None
        pred = {
            "kind": getattr(a, "kind", None),
            "population": getattr(a.population, "kind", None),
            "comparator_type": getattr(a, "comparator_type", None),
            "design": a.design,
        }
        for field in ("kind", "population", "comparator_type", "design"):
            if field == "comparator_type" and lab["comparator_type"] == "unclear":
                continue
            if field == "population" and lab["population"] == "unclear":
                continue
            ok = _ok(pred[field], lab, field)
            scores[field].append(ok)
            if not ok:
                misses.append((lab["pmid"], field, pred[field], lab.get(field)))
        ok = _ok(a.direction, lab, "direction")
        scores["direction_all"].append(ok)
        if lab["kind"] in EFFICACY_KINDS and lab["direction"] != "unclear":
            scores["direction_efficacy"].append(ok)
            scores["direction_efficacy_answered"].append(a.direction != "unclear")
        if not ok:
            misses.append((lab["pmid"], "direction", a.direction, lab["direction"]))
        if lab.get("n") is not None:
            ok = _n_ok(a.n, lab)
            scores["n"].append(ok)
            if not ok:
                misses.append((lab["pmid"], "n", a.n, lab["n"]))
        if lab.get("studied"):
            studied = set(getattr(a, "drugs", []) or [])
            want = {d.lower() for d in lab["studied"]}
            ok = bool(studied & want)
            scores["studied_found"].append(ok)
            comps = {d.lower() for d in lab.get("comparators") or []} - want
            if comps:
                ok2 = not (studied & comps)
                scores["comparator_not_studied"].append(ok2)
                if not ok2:
                    misses.append((lab["pmid"], "comparator read as studied", sorted(studied), sorted(comps)))
            if not ok:
                misses.append((lab["pmid"], "studied", sorted(studied), sorted(want)))
    return scores, misses


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", default="dev", choices=sorted(SETS))
    ap.add_argument("--errors", type=int, default=15, help="misses to print per field")
    ap.add_argument("--model", default="linear", choices=["linear", "minilm"])
    args = ap.parse_args()
    if not COHEN.exists():
        print(f"needs the public datasets at {SHARED}", file=sys.stderr)
        sys.exit(2)
    if args.model == "minilm":
        from rxevidence.appraise import direction

        direction.use_backend("minilm")
    from rxevidence.appraise import appraiser_version

    labels = load_labels(args.set)
    records = load_records(labels)
    scores, misses = evaluate(labels, records)
    print(f"Appraisal fields vs hand-checked records — set: {args.set} ({len(labels)} records; DEVELOPMENT set, "
          f"rules were written looking at its misses), appraiser {appraiser_version()}")
    print(f"data: {COHEN} (read in place)")
    figures: dict[str, float] = {}
    for field, vals in scores.items():
        acc = sum(vals) / len(vals) if vals else 0.0
        figures[f"{field}_accuracy"] = round(acc, 3)
        print(f"  {field:30s} {acc:6.1%}  ({sum(vals)}/{len(vals)})")
    by_field: dict[str, list] = defaultdict(list)
    for m in misses:
        by_field[m[1]].append(m)
    for field, ms in sorted(by_field.items()):
        print(f"\nmisses — {field} ({len(ms)}):")
        c = Counter((str(p), str(w)) for _, _, p, w in ms)
        print("  most common (predicted -> label): " + "; ".join(f"{p} -> {w} x{n}" for (p, w), n in c.most_common(6)))
        for pmid, _, p, w in ms[: args.errors]:
            print(f"    pmid:{pmid}  predicted {p!r}  label {w!r}")
    figures["records"] = len(labels)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
