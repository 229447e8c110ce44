"""PICO token tagging on EBM-NLP: token-level F1 for participants, interventions, outcomes on the TEST files.

    python bench/pico.py [--quick]

Data: ../shared/data/ebm_nlp/pio_conll_v1_from_ashiqopu/{p,i,o}-test.txt (expert-annotated gold test set,
CoNLL tokens derived from EBM-NLP v1). Training used the *-dev.txt files only (scripts/train_pico.py):
the EBM-NLP train split is NOT available offline (>= 4 MiB, not in ../shared/data), so these taggers saw
~6k sentences instead of ~40k abstracts' worth. Thresholds were chosen on a held-out 20 % of dev.
A token counts as positive when its gold label is not "O" (any fine-grained class).
Anchor: PubMedBERT about 0.73 token F1 (BLURB, trained on the full train split; hierarchical labels).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from train_pico import EBM, read_conll  # noqa: E402

from rxevidence.appraise.pico import ELEMENTS, THRESHOLDS, tag_probabilities  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="400 test sentences per element")
    args = ap.parse_args()
    print(f"EBM-NLP PICO tokens — split: *-test.txt (gold){' [quick]' if args.quick else ''}; data: {EBM}")
    print("training: *-dev.txt only (train split unavailable); anchor: PubMedBERT ~0.73 token F1\n")
    figures: dict[str, float] = {}
    n_tokens = 0
    t0 = time.time()
    for name, elem in ELEMENTS.items():
        sents = read_conll(EBM / f"{elem}-test.txt")
        if args.quick:
            sents = random.Random(0).sample(sents, min(400, len(sents)))
        gold = np.array([v for _, ls in sents for v in ls])
        probs = [tag_probabilities(t, elem) for t, _ in sents]
        pred = np.concatenate(probs) >= THRESHOLDS[elem]
        n_tokens += len(gold)
        p, r, f, _ = precision_recall_fscore_support(gold, pred, average="binary", zero_division=0)
        figures[f"{name}_f1"] = round(float(f), 4)
        figures[f"{name}_precision"] = round(float(p), 4)
        figures[f"{name}_recall"] = round(float(r), 4)
        print(
            f"{name:13s} token F1 {f:.3f}  precision {p:.3f}  recall {r:.3f}  ({len(sents)} sentences, {len(gold)} tokens, threshold {THRESHOLDS[elem]})"
        )
        rng = random.Random(1)
        shown = 0
        for (toks, labs), pr in rng.sample(list(zip(sents, probs, strict=True)), len(sents)):
            pl = [int(x >= THRESHOLDS[elem]) for x in pr]
            if pl != labs and sum(labs) and shown < 2:
                g = " ".join(f"[{t}]" if y else t for t, y in zip(toks, labs, strict=True))
                q = " ".join(f"[{t}]" if y else t for t, y in zip(toks, pl, strict=True))
                print(f"    gold: {g[:220]}\n    pred: {q[:220]}")
                shown += 1
    macro = float(np.mean([figures[f"{k}_f1"] for k in ELEMENTS]))
    dt = time.time() - t0
    print(f"\nmean token F1 over P/I/O {macro:.3f}; {n_tokens / dt:.0f} tokens/s (3 taggers)")
    print(
        json.dumps(
            {
                "benchmark": "pico",
                "split": "ebm_nlp *-test.txt",
                "trained_on": "ebm_nlp *-dev.txt",
                "quick": args.quick,
                **figures,
                "mean_f1": round(macro, 4),
                "anchor_pubmedbert_f1": 0.73,
            }
        )
    )


if __name__ == "__main__":
    main()
