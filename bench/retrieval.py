"""Benchmark: recall and precision of retrieval for drug-condition questions over the Cohen 2006 store (#15).

Data: the 14 drug-class review CSVs of Cohen et al. 2006 in ../shared/data/cohen2006_drug_class_reviews
(15,268 rows, 13,938 distinct PubMed records), ingested in place into a store built once (``--db``; built
with ``--no-appraise`` when missing, re-tagged when its concept index was tagged with another vocabulary). Queries: bench/data/retrieval_queries.yaml, one to six questions per
review naming its drug class (or its main members) and the conditions in its scope.

Relevance: a review's relevant set is its included articles (``label_included = 1``); its retrieved set is
the union of the article ids ``retrieve()`` returns for its questions, restricted to the review's own
records (the store holds all 14 reviews: an article of another review is counted neither way, since the
Cohen labels judge it only for its own review). Recall = relevant retrieved / relevant; precision =
relevant retrieved / retrieved. Micro (pooled) and macro (mean over reviews) figures, tune and held-out
reviews separately (every third review is held out).

Two retrievals, same questions, same store, one run:
  * full text: today's retrieval (drug terms AND condition terms, FTS5 BM25), the concept index unused;
  * concept: the concept index (drug concept AND the condition concept or a narrower one, from MeSH when
    the record has it, else title and abstract), full text only to rank and to reach untagged records.
Both run with a cap of ``--limit`` hits per search (default 5000: the retrieval sets, not the brief's cap).

Goal (#15): concept recall >= full-text recall, concept precision measurably higher.

Usage: python bench/retrieval.py [--db PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
COHEN = SHARED / "cohen2006_drug_class_reviews"
QUERIES = ROOT / "bench" / "data" / "retrieval_queries.yaml"
MAPPING = {"pmid": "pubmedID", "title": "title", "abstract": "abstract", "year": "year"}


class FullTextOnly:
    """The store as today's retrieval sees it: no concept index."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def concept_records(self, drugs: list[str], conditions: list[str]) -> None:
        return None

    def tagged_ids(self, ids: list[str]) -> set[str]:
        return set()


def labels() -> dict[str, tuple[set[str], set[str]]]:
    """review -> (all record ids, included record ids)."""
    out = {}
    for f in sorted(COHEN.glob("*.csv")):
        rows = list(csv.DictReader(f.open(encoding="utf-8")))
        ids = {f"pmid:{r['pubmedID']}" for r in rows if r.get("pubmedID")}
        inc = {f"pmid:{r['pubmedID']}" for r in rows if r.get("pubmedID") and r.get("label_included") == "1"}
        out[f.stem] = (ids, inc)
    return out


def build_store(path: Path) -> Any:
    from rxevidence.ingest import ingest_paths
    from rxevidence.store.sqlite import SQLiteStore

    fresh = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    store = SQLiteStore(str(path))
    if fresh:
        t0 = time.time()
        ingest_paths(store, sorted(COHEN.glob("*.csv")), fmt="mapped", options={"mapping": MAPPING},
                     appraise=False)
        print(f"  built {path} ({store.count('article'):,} articles) in {time.time() - t0:.0f} s")
    elif store.tags_stale():
        # tagged before a vocabulary (or tagger) change: the old tags would measure the old vocabulary
        t0 = time.time()
        n = store.retag()
        print(f"  re-tagged {n:,} records of {path} with today's vocabulary in {time.time() - t0:.0f} s")
    return store


def retrieved(store: Any, questions: list[str], vocab: Any, limit: int) -> set[str]:
    """The records ``ask`` retrieves for ``questions``: the pipeline's own retrieval step (no appraisal on
    read: which records are found does not depend on it)."""
    from rxevidence.pipeline import build_context, retrieve
    from rxevidence.question import parse

    context = build_context(store, install_pack=False, vocab=vocab, appraise_on_read=False)
    got: set[str] = set()
    for q in questions:
        ev = retrieve(context, parse(q, vocab=vocab), limit=limit)
        got.update(ev.scores)
    return got


def score(rows: list[dict[str, Any]], mode: str) -> dict[str, float]:
    tp = sum(r[mode]["tp"] for r in rows)
    ret = sum(r[mode]["retrieved"] for r in rows)
    rel = sum(r["relevant"] for r in rows)
    recalls = [r[mode]["tp"] / r["relevant"] for r in rows if r["relevant"]]
    precs = [r[mode]["tp"] / r[mode]["retrieved"] if r[mode]["retrieved"] else 0.0 for r in rows]
    return {"recall": tp / rel if rel else 0.0, "precision": tp / ret if ret else 0.0,
            "macro_recall": sum(recalls) / len(recalls) if recalls else 0.0,
            "macro_precision": sum(precs) / len(precs) if precs else 0.0, "retrieved": ret}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="/tmp/rxevidence-bench/cohen.db")
    ap.add_argument("--limit", type=int, default=5000)
    args = ap.parse_args(argv)
    if not COHEN.exists():
        print(f"needs {COHEN} (../shared/data is not in a fresh clone)")
        return 0
    from rxevidence.vocab import load_vocabulary

    print("Retrieval benchmark - Cohen 2006 drug-class reviews (relevance: review inclusion labels)")
    store = build_store(Path(args.db))
    vocab = load_vocabulary()
    lab = labels()
    sets = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    rows = []
    timing = {"full_text": 0.0, "concept": 0.0}
    for item in sets:
        ids, inc = lab[item["review"]]
        row: dict[str, Any] = {"review": item["review"], "split": item["split"], "relevant": len(inc)}
        for mode, s in (("full_text", FullTextOnly(store)), ("concept", store)):
            t0 = time.perf_counter()
            got = retrieved(s, item["questions"], vocab, args.limit) & ids
            timing[mode] += time.perf_counter() - t0
            row[mode] = {"retrieved": len(got), "tp": len(got & inc)}
        rows.append(row)
    print(f"\n  {'review':24} {'split':8} {'rel':>4}   {'full text R / P':>18}   {'concept R / P':>18}")
    for r in rows:
        cells = []
        for mode in ("full_text", "concept"):
            m = r[mode]
            rec = m["tp"] / r["relevant"] if r["relevant"] else 0.0
            prec = m["tp"] / m["retrieved"] if m["retrieved"] else 0.0
            cells.append(f"{rec:5.2f} / {prec:4.2f} ({m['retrieved']:>4})")
        print(f"  {r['review']:24} {r['split']:8} {r['relevant']:>4}   {cells[0]:>18}   {cells[1]:>18}")
    out: dict[str, Any] = {}
    for part, subset in (("all", rows), ("tune", [r for r in rows if r["split"] == "tune"]),
                         ("heldout", [r for r in rows if r["split"] == "heldout"])):
        f, c = score(subset, "full_text"), score(subset, "concept")
        print(f"\n  {part:8} full text: recall {f['recall']:.3f} precision {f['precision']:.3f} "
              f"(macro {f['macro_recall']:.3f} / {f['macro_precision']:.3f}; {f['retrieved']} retrieved)")
        print(f"  {part:8} concept:   recall {c['recall']:.3f} precision {c['precision']:.3f} "
              f"(macro {c['macro_recall']:.3f} / {c['macro_precision']:.3f}; {c['retrieved']} retrieved)")
        sfx = "" if part == "all" else f"_{part}"
        for mode, d in (("full_text", f), ("concept", c)):
            for k in ("recall", "precision", "macro_recall", "macro_precision"):
                out[f"{mode}_{k}{sfx}"] = round(d[k], 4)
    ok = out["concept_recall"] >= out["full_text_recall"] and out["concept_precision"] > out["full_text_precision"]
    print(f"\n  goal: concept recall >= full-text recall and precision higher: {'met' if ok else 'not met'}")
    print(f"  time: full text {timing['full_text']:.1f} s, concept {timing['concept']:.1f} s for "
          f"{sum(len(i['questions']) for i in sets)} questions")
    out.update({"reviews": len(rows), "questions": sum(len(i["questions"]) for i in sets),
                "relevant": sum(r["relevant"] for r in rows), "goal_met": ok,
                "full_text_seconds": round(timing["full_text"], 2), "concept_seconds": round(timing["concept"], 2)})
    store.close()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
