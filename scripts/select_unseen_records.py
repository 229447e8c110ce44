"""Deterministic selection of the hand-checked records of bench/unseen.py (set 2).

    python scripts/select_unseen_records.py [--per-class 12] [--ei 32] > /tmp/candidates.tsv

Only records whose ``sha1(id)[-1]`` is in "01234567" (the engine helper develops on the others); Cohen 2006
records with an abstract, stratified per drug class over rough design strata read from title and abstract
(review, placebo-controlled, head-to-head, add-on, dose comparison, safety/pharmacokinetic, pooled/post hoc,
other), taking within each stratum the records with the smallest sha1; Evidence Inference abstracts from the
EI 2.0 *test* split only (the direction model trains on ev2_train). Prints id, source, stratum, title.
The labels themselves are written by hand into bench/data/unseen_records.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from unseen import COHEN, EI, held_out, parse_ei_abstract  # noqa: E402

STRATA = [  # (name, regex over lower-cased title + abstract, how many per class)
    ("review", r"meta-analys|systematic review|\breview\b", 2),
    ("pooled/post hoc", r"pooled analys|post hoc|post-hoc|secondary analys|subgroup analys", 1),
    ("safety/pk", r"pharmacokinetic|healthy (?:volunteers|subjects)|bioavailab|safety|tolerability", 2),
    ("add-on", r"add-on|added to|in addition to|adjunct", 1),
    ("dose", r"dose-ranging|dose-response|dose comparison|different doses", 1),
    ("head-to-head", r"\bversus\b|\bvs\.?\b|compared with|comparison of", 2),
    ("placebo", r"placebo", 2),
    ("other", r".", 1),
]


def sha(x: str) -> str:
    return hashlib.sha1(x.encode()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ei", type=int, default=32)
    args = ap.parse_args()
    taken: set[str] = set()  # one record is selected once, even when several drug classes list it
    for f in sorted(COHEN.glob("*.csv")):
        rows = []
        with open(f, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                pmid = row["pubmedID"].strip()
                if pmid.isdigit() and (row.get("abstract") or "").strip() and held_out(pmid):
                    rows.append(row)
        rows.sort(key=lambda r: sha(r["pubmedID"]))
        for name, rx, k in STRATA:
            got = 0
            for r in rows:
                if got >= k:
                    break
                text = f"{r['title']} {r['abstract']}".lower()
                if r["pubmedID"] in taken or not re.search(rx, text):
                    continue
                taken.add(r["pubmedID"])
                got += 1
                print(f"pmid:{r['pubmedID']}\tcohen2006/{f.stem}\t{name}\t{r['title'][:120]}")
    test_ids = (EI / "splits" / "ev2_test_article_ids.txt").read_text().split()
    stems = sorted((f"PMC{t.strip()}" for t in test_ids if t.strip()), key=sha)
    got = 0
    for stem in stems:
        path = EI / "abstracts_v2" / f"{stem}.abst"
        if got >= args.ei or not path.exists() or not held_out(stem):
            continue
        title, _ = parse_ei_abstract(path.read_text(encoding="utf-8", errors="replace"))
        got += 1
        print(f"pmc:{stem}\tevidence_inference\tei-test\t{title[:120]}")


if __name__ == "__main__":
    main()
