"""Bulk appraisal speed: abstracts appraised per second on one core.

Figure: records_per_s = records / CPU seconds of this single-threaded process (process_time, so
other jobs on the machine do not count against it); wall-clock rate and per-record p95 are
printed too. Goal (issue 4): >= 200 abstracts/s per core without sentence embeddings. Anchor:
none published; the goal is the issue's.

Data: the Cohen 2006 drug-class review abstracts (../shared/data/cohen2006_drug_class_reviews/*.csv,
read in place), turned into article Records (title + one unlabelled abstract section, as a CSV
import gives them). Two runs over the same records after a warm-up (vocabulary, model loading):
  full         appraise_record as used by ingest (with the learned direction classifier when
               rxevidence.appraise.direction is importable)
  rules-only   the same with outcomes.USE_LEARNED = False
No split: nothing is trained or tuned here.

    python bench/appraise_speed.py           # all 14 files (~13,600 abstracts)
    python bench/appraise_speed.py --quick   # 3 files
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from rxevidence.appraise import APPRAISER_VERSION, appraise_record
from rxevidence.appraise import outcomes as outcomes_mod
from rxevidence.models import Record, Section

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
GOAL = 200.0


def load(quick: bool) -> list[Record]:
    files = sorted((SHARED / "cohen2006_drug_class_reviews").glob("*.csv"))
    if quick:
        files = [f for f in files if f.stem in ("NSAIDS", "Opiods", "SkeletalMuscleRelaxants")]
    recs: list[Record] = []
    for f in files:
        with open(f, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if not (row.get("abstract") or "").strip():
                    continue
                recs.append(Record(
                    id=f"pmid:{row['pubmedID']}", kind="article", title=row.get("title") or None,
                    sections=[Section(text=row["abstract"])],
                ))
    return recs


def run(recs: list[Record]) -> dict[str, float]:
    per: list[float] = []
    c0, w0 = time.process_time(), time.perf_counter()
    for r in recs:
        t = time.perf_counter()
        appraise_record(r)
        per.append(time.perf_counter() - t)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    per.sort()
    return {
        "records_per_s": len(recs) / cpu,
        "wall_records_per_s": len(recs) / wall,
        "p95_ms": per[int(0.95 * (len(per) - 1))] * 1000,
        "cpu_s": cpu,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="3 files instead of 14")
    ap.add_argument("--embed", action="store_true",
                    help="also the optional MiniLM cross-encoder (appraise --model minilm) on 300 records")
    args = ap.parse_args()
    if not (SHARED / "cohen2006_drug_class_reviews").exists():
        print(f"needs the public datasets at {SHARED}", file=sys.stderr)
        sys.exit(2)
    recs = load(args.quick)
    t = time.perf_counter()
    for r in recs[:200]:  # warm-up: vocabulary, drug dictionary, model weights
        appraise_record(r)
    warm = time.perf_counter() - t
    learned = outcomes_mod._learned_classifier() is not None
    full = run(recs)
    outcomes_mod.USE_LEARNED = False
    rules = run(recs)
    outcomes_mod.USE_LEARNED = True
    designs = Counter(a.design for a in (appraise_record(r) for r in recs[:2000]) if a)
    print(f"Bulk appraisal speed ({APPRAISER_VERSION}), one process, one core")
    print(f"Data: Cohen 2006 abstracts, {len(recs):,} records ({'quick: 3 files' if args.quick else 'all 14 files'}); "
          f"warm-up {warm:.1f}s. Goal >= {GOAL:.0f} abstracts/s per core (issue 4); no published anchor.")
    print(f"  full (learned direction classifier {'ON' if learned else 'not installed: rules'}): "
          f"{full['records_per_s']:,.0f} records/CPU-s, {full['wall_records_per_s']:,.0f}/wall-s, p95 {full['p95_ms']:.1f} ms")
    print(f"  rules only: {rules['records_per_s']:,.0f} records/CPU-s, {rules['wall_records_per_s']:,.0f}/wall-s, "
          f"p95 {rules['p95_ms']:.1f} ms")
    print("  designs found in the first 2,000: " + ", ".join(f"{d} {n}" for d, n in designs.most_common()))
    met = full["records_per_s"] >= GOAL
    print(f"Goal {'met' if met else 'NOT met'} with the full appraiser; "
          f"{'met' if rules['records_per_s'] >= GOAL else 'NOT met'} with rules only.")
    extra: dict[str, float] = {}
    if args.embed:
        from rxevidence.appraise import crossenc, direction

        if not crossenc.available(direction.CROSSENC_NAME):
            print("  minilm: skipped (pip install 'rxevidence[embed]')")
        else:
            with direction.using("minilm"):
                for r in recs[:20]:
                    appraise_record(r)  # warm-up: load the network
                mini = run(recs[:300])
            print(f"  minilm cross-encoder (optional, 300 records): {mini['records_per_s']:,.1f} records/CPU-s "
                  f"(all torch threads counted), {mini['wall_records_per_s']:,.1f}/wall-s, p95 {mini['p95_ms']:.0f} ms")
            extra = {"minilm_records_per_s": round(mini["records_per_s"], 1),
                     "minilm_wall_records_per_s": round(mini["wall_records_per_s"], 1)}
    print(json.dumps({
        **extra,
        "records_per_s": round(full["records_per_s"], 1),
        "wall_records_per_s": round(full["wall_records_per_s"], 1),
        "p95_ms": round(full["p95_ms"], 2),
        "rules_only_records_per_s": round(rules["records_per_s"], 1),
        "learned_direction": learned,
        "records": len(recs),
    }))


if __name__ == "__main__":
    main()
