"""Benchmark: `ask` latency (warm) on a store of at least 100k records.

The store holds the real Cohen 2006 PubMed records (../shared/data/cohen2006_drug_class_reviews, read in place,
ingested and appraised once) plus a synthetic scale-up (copies of those records and their appraisals under fresh
ids) up to --records, plus the starter pack. The store is cached under bench/out/ between runs.

    python bench/ask.py                 # 100k records
    python bench/ask.py --records 20000 --rounds 2   # quick

Ends with one JSON line: {"records": ..., "p50_ms": ..., "p95_ms": ..., ...}
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "bench" / "out"

QUESTIONS = [
    "How effective is diazepam for pain?",
    "Does Lyrica help sciatica?",
    "valium + ibuprofen for jaw pain?",
    "Is cyclobenzaprine effective for back pain?",
    "Does sumatriptan work for migraine?",
    "Are NSAIDs effective for osteoarthritis?",
    "How effective is oxycodone for chronic low back pain?",
    "tramadol vs hydrocodone for pain",
    "Does amitriptyline help fibromyalgia?",
    "Is paracetamol effective for acute low back pain?",
]
MAPPING = {"pmid": "pubmedID", "title": "title", "abstract": "abstract", "year": "year", "authors": "authors"}


def build_store(path: Path, target: int) -> None:
    from rxevidence.ingest import ingest_paths
    from rxevidence.pack import install_pack
    from rxevidence.store import SQLiteStore

    csvs = sorted((SHARED / "cohen2006_drug_class_reviews").glob("*.csv"))
    if not csvs:
        sys.exit(f"needs the Cohen 2006 CSVs under {SHARED} (../shared/data)")
    path.parent.mkdir(parents=True, exist_ok=True)
    store = SQLiteStore(str(path))
    t0 = time.perf_counter()
    summary = ingest_paths(store, csvs, fmt="mapped", options={"mapping": MAPPING})
    real = store.count()
    print(f"ingested + appraised {real:,} real records in {time.perf_counter() - t0:.0f}s "
          f"({summary.as_dict()['records_per_s']:.0f} records/s)")
    t0 = time.perf_counter()
    originals = list(store.iter_records())
    apps = store.appraisals_for([r.id for r in originals])
    copy = 0
    batch = 5000
    while store.count() < target:
        copy += 1
        with store.transaction():
            for i, r in enumerate(originals):
                if i % batch == 0 and store.count() >= target:
                    break
                new_id = f"pmid:{90_000_000 + copy * 1_000_000 + i}"
                store.upsert_record(r.model_copy(update={"id": new_id, "pmid": new_id[5:]}))
                for a in apps.get(r.id, []):
                    store.put_appraisal(a.model_copy(update={"record_id": new_id}))
    install_pack(store)
    print(f"scaled up to {store.count():,} records in {time.perf_counter() - t0:.0f}s")
    store.meta_set("bench_target", str(target))
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    from rxevidence.ask import ask
    from rxevidence.store import SQLiteStore

    path = OUT / f"ask-{args.records}.db"
    if not path.exists():
        build_store(path, args.records)
    store = SQLiteStore(str(path))
    n = store.count()
    for q in QUESTIONS:  # warm: vocabulary, pack, page cache
        ask(q, store=store)
    times: dict[str, list[float]] = {q: [] for q in QUESTIONS}
    for _ in range(args.rounds):
        for q in QUESTIONS:
            t = time.perf_counter()
            b = ask(q, store=store)
            times[q].append((time.perf_counter() - t) * 1000)
            assert b.verdict
    all_ms = sorted(x for v in times.values() for x in v)
    p50 = statistics.median(all_ms)
    p95 = all_ms[min(len(all_ms) - 1, int(round(0.95 * (len(all_ms) - 1))))]
    print(f"\nask latency, warm, on {n:,} records (SQLite, {args.rounds} rounds x {len(QUESTIONS)} questions)")
    for q, v in times.items():
        print(f"  {statistics.median(v):8.1f} ms  {q}")
    print(f"\np50 {p50:.1f} ms   p95 {p95:.1f} ms   max {all_ms[-1]:.1f} ms   (target p95 <= 300 ms)")
    print(json.dumps({"benchmark": "ask", "records": n, "questions": len(QUESTIONS), "rounds": args.rounds,
                      "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "max_ms": round(all_ms[-1], 1),
                      "target_p95_ms": 300, "meets_target": p95 <= 300}))


if __name__ == "__main__":
    main()
