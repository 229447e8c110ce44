"""PubMedQA PQA-L, reasoning-required setting, on the official 500 test ids.

    python bench/pubmedqa.py [--quick]

Input: the question and the abstract's CONTEXTS without its conclusion (LONG_ANSWER is never used).
Model: rxevidence.appraise.conclusion, trained on the other 500 PQA-L questions only
(scripts/train_conclusion.py; C chosen by 5-fold CV on those 500).
Anchors: majority 55.2 %, BioBERT 68.1 %, single human 78.0 % accuracy. Goal >= 78 %.
Reads ../shared/data/pubmedqa in place (RXEVIDENCE_SHARED_DATA overrides).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

from sklearn.metrics import confusion_matrix, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from train_conclusion import PQA, load  # noqa: E402

from rxevidence.appraise.conclusion import ANSWERS, answer_question  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="100 test questions only")
    args = ap.parse_args()
    train, test = load()
    if args.quick:
        test = random.Random(0).sample(test, 100)
    t0 = time.time()
    gold, pred, errs = [], [], []
    for pmid, q, ctx, a in test:
        ans, prob = answer_question(q, ctx)
        gold.append(a)
        pred.append(ans)
        if ans != a:
            errs.append((pmid, q, a, ans, prob))
    dt = time.time() - t0
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    f1 = f1_score(gold, pred, average="macro", labels=list(ANSWERS))
    majority = Counter(gold).most_common(1)[0][1] / len(gold)
    labels = sorted(ANSWERS, reverse=True)
    print(
        f"PubMedQA PQA-L reasoning-required — split: official test ids ({len(test)} questions){' [quick]' if args.quick else ''}"
    )
    print(f"data: {PQA}; trained on the other {len(train)} PQA-L questions")
    print("anchors: majority 55.2% · BioBERT 68.1% · single human 78.0% · goal >= 78%\n")
    print(f"accuracy {acc:.3f}   macro-F1 {f1:.3f}   (majority class on this sample {majority:.3f})")
    print(f"predicted {dict(Counter(pred))}  gold {dict(Counter(gold))}")
    print(
        f"confusion (rows gold, cols predicted; order {labels}):",
        confusion_matrix(gold, pred, labels=labels).tolist(),
    )
    print(f"{dt / len(test) * 1000:.1f} ms per question")
    print(f"\nsample of errors ({len(errs)} in all):")
    for pmid, q, a, ans, prob in random.Random(1).sample(errs, min(6, len(errs))):
        print(f"- pmid {pmid}: gold {a!r} predicted {ans!r} ({prob:.2f}): {q[:150]}")
    print(
        json.dumps(
            {
                "benchmark": "pubmedqa",
                "split": "pqa-l official test ids",
                "setting": "reasoning-required",
                "quick": args.quick,
                "accuracy": round(acc, 4),
                "macro_f1": round(f1, 4),
                "n": len(test),
                "anchor_majority_accuracy": 0.552,
                "anchor_biobert_accuracy": 0.681,
                "anchor_human_accuracy": 0.78,
                "goal_accuracy": 0.78,
            }
        )
    )


if __name__ == "__main__":
    main()
