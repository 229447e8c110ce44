"""Regulatory benchmark: the US FDA row and the drug panel.

- FDA-row accuracy over the drug-condition pairs in ``bench/data/regulatory.yaml`` (expected answers written
  from the US labels before the tool ran, each then checked on a label recorded under ``sources``; every fourth
  pair held out from tuning), overall, on the held-out part and on the pairs settled on a recorded label.
- Drug-panel coverage: share of ingredients with an active prescription or OTC product in Drugs@FDA (the
  2019-07-02 export, read in place from ../shared/data) for which the shipped label-facts index gives a class
  and labelled uses with a source.

Run: ``python bench/regulatory.py [--data ../shared/data] [--misses]``. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
GOAL_ACCURACY, GOAL_COVERAGE = 0.99, 0.95


def load_pairs() -> tuple[list[dict], dict]:
    doc = yaml.safe_load((ROOT / "bench" / "data" / "regulatory.yaml").read_text(encoding="utf-8"))
    pairs = []
    for i, line in enumerate(x for x in doc["pairs"].strip().splitlines() if x.strip()):
        drug, cond, status, because, kind, source = (f.strip() for f in line.split(" | "))
        if source != "-" and source not in (doc.get("sources") or {}):
            raise SystemExit(f"bench/data/regulatory.yaml pair {i}: source {source!r} is not in `sources`")
        pairs.append({"i": i, "drug": drug, "condition": cond, "expected": status, "because": because, "kind": kind,
                      "heldout": i % 4 == 3, "source": source, "verified": source != "-"})
    return pairs, doc


def fda_rows(pairs: list[dict]) -> list[dict]:
    from rxevidence.labelfacts import finding_for_query, load_label_facts
    from rxevidence.question import parse
    from rxevidence.vocab import load_vocabulary

    vocab, facts = load_vocabulary(), load_label_facts()
    for p in pairs:
        q = parse(f"How effective is {p['drug']} for {p['condition']}?", vocab=vocab)
        f = finding_for_query(q, q.drugs[0].name, facts, vocab) if q.drugs else None
        if f is None:
            p.update(got="unparsed", note=f"parse: drugs={[d.name for d in q.drugs]} condition={q.condition}")
            continue
        p.update(got=f.status, note=f.note, read_as=f"{q.drugs[0].name} / {f.condition_id}"
                 + (f" (vocabulary: {q.condition.id})" if q.condition and q.condition.id != f.condition_id else ""))
    return pairs


def active_ingredients(data: Path) -> set[str]:
    """Canonical ingredients with a prescription or OTC product in the Drugs@FDA export."""
    from build_label_facts import Names, drugsfda

    rows = drugsfda(data, Names())
    return {n for n, d in rows.items() if any(p["status"] in ("rx", "otc") for p in d["products"].values())}


def coverage(data: Path) -> tuple[float, int, list[str], dict[str, float]]:
    """Share of active ingredients with a full panel (class + labelled uses + primary source), the list without
    one, and the parts: uses with a source (class unknown allowed) and any panel at all (products only)."""
    from rxevidence.labelfacts import load_label_facts

    facts = load_label_facts()
    active = sorted(active_ingredients(data))
    missing, uses_only, any_panel = [], 0, 0
    for n in active:
        d = facts.drug(n)
        src = d.source_url() if d else None
        if not (d and d.classes and d.uses and src):
            missing.append(n)
        uses_only += bool(d and d.uses and src)
        any_panel += bool(d and src and (d.classes or d.uses or d.products))
    k = max(1, len(active))
    return 1 - len(missing) / k, len(active), missing, {"uses": uses_only / k, "any": any_panel / k}


def acc(rows: list[dict]) -> float:
    return sum(r["got"] == r["expected"] for r in rows) / max(1, len(rows))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = next((p for p in (ROOT.parent / "shared" / "data", ROOT.parents[1] / "shared" / "data")
                    if (p / "openfda_repo_samples").is_dir()), ROOT.parent / "shared" / "data")
    ap.add_argument("--data", type=Path, default=default)
    ap.add_argument("--misses", action="store_true", help="print every miss (default: the first 25)")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    pairs, _doc = load_pairs()
    rows = fda_rows(pairs)
    held = [r for r in rows if r["heldout"]]
    ver = [r for r in rows if r["verified"]]
    print(f"Regulatory benchmark — {len(rows)} drug-condition pairs ({len(held)} held out, {len(ver)} settled on "
          f"a recorded label); goal FDA-row accuracy >= {GOAL_ACCURACY:.0%}")
    print(f"  expected: {dict(Counter(r['expected'] for r in rows))}")
    print(f"  FDA-row accuracy: all {acc(rows):.3f} | held out {acc(held):.3f} | verified {acc(ver):.3f}")
    by_kind = Counter(r["kind"] for r in rows)
    for k in sorted(by_kind):
        sub = [r for r in rows if r["kind"] == k]
        print(f"    {k:14s} {acc(sub):.3f} ({len(sub)})")
    misses = [r for r in rows if r["got"] != r["expected"]]
    print(f"  misses ({len(misses)}):")
    for r in misses[: None if a.misses else 25]:
        print(f"    [{r['i']}{'*' if r['heldout'] else ''}] {r['drug']} for {r['condition']}: expected {r['expected']}, "
              f"got {r['got']} — read as {r.get('read_as', '?')}: {r['note'][:140]}")
    cov, n_active, missing, parts = (0.0, 0, [], {"uses": 0.0, "any": 0.0})
    if (a.data / "openfda_repo_samples").is_dir():
        cov, n_active, missing, parts = coverage(a.data)
        print(f"Drug panel coverage (class + labelled uses with a source): {cov:.3f} of {n_active} ingredients with "
              f"an active Rx/OTC product in Drugs@FDA 2019-07-02; goal >= {GOAL_COVERAGE:.0%}")
        print(f"  labelled uses with a source (class unknown allowed): {parts['uses']:.3f}; any panel (products and "
              f"a pointer to the live label when the offline index has no uses): {parts['any']:.3f}")
        print(f"  without a panel (first 30): {', '.join(missing[:30])}")
    else:
        print(f"Drug panel coverage skipped: {a.data} has no openfda_repo_samples (pass --data)")
    out = {"pairs": len(rows), "fda_row_accuracy": round(acc(rows), 4), "fda_row_accuracy_heldout": round(acc(held), 4),
           "fda_row_accuracy_verified": round(acc(ver), 4), "drug_panel_coverage": round(cov, 4),
           "drug_panel_coverage_uses": round(parts["uses"], 4), "drug_panel_coverage_any": round(parts["any"], 4),
           "active_ingredients": n_active, "seconds": round(time.perf_counter() - t0, 1)}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
