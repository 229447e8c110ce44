"""Train the PubMedQA answerer on the 500 PQA-L questions that are NOT in the official test set.

    python scripts/train_conclusion.py         # 5-fold CV on the training 500 to choose C, then fit on all 500
                                               # -> src/rxevidence/appraise/weights/conclusion.npz

Reasoning-required setting: question + CONTEXTS only (never LONG_ANSWER, never the *_pred fields).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from rxevidence.appraise import conclusion as Q
from rxevidence.appraise import direction as D

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
PQA = SHARED / "pubmedqa"


def load() -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str, str, str]]]:
    """(train, test) as lists of (pmid, question, context, answer)."""
    if not (PQA / "ori_pqal.json").exists():
        sys.exit(f"needs {PQA}")
    data = json.loads((PQA / "ori_pqal.json").read_text(encoding="utf-8"))
    test_gold = json.loads((PQA / "test_ground_truth.json").read_text(encoding="utf-8"))
    train, test = [], []
    for pmid, r in data.items():
        ctx = "\n".join(r["CONTEXTS"])
        if pmid in test_gold:
            test.append((pmid, r["QUESTION"], ctx, test_gold[pmid]))
        else:
            train.append((pmid, r["QUESTION"], ctx, r["final_decision"]))
    return train, test


def fit(feats: list, y: list[str], c: float) -> D.LinearModel:
    grams = [[f for f in fs if not f[0].startswith("d:")] for fs in feats]
    raw = D.hash_features(grams)
    df = np.bincount(raw.indices, minlength=D.N_HASH)
    idf = (np.log((raw.shape[0] + 1) / (df + 1)) + 1).astype(np.float32)
    m = D.LinearModel(np.zeros((1, 1)), np.zeros(1), [], idf)
    clf = LogisticRegression(C=c, max_iter=1000)
    clf.fit(D._selection_matrix(feats, m), y)
    return D.LinearModel(clf.coef_, clf.intercept_, list(clf.classes_), idf, {"C": c, "n_train": len(y)})


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--grid", default="0.3,1,3,10", help="values of C tried by 5-fold CV (larger C is slower)"
    )
    args = ap.parse_args()
    train, _ = load()
    feats = [Q.conclusion_features(q, c) for _, q, c, _ in train]
    y = [a for *_, a in train]
    best = (0.0, 1.0)
    for c in [float(v) for v in args.grid.split(",")]:
        pred: list[str] = [""] * len(y)
        for tr, va in StratifiedKFold(5, shuffle=True, random_state=0).split(feats, y):
            m = fit([feats[i] for i in tr], [y[i] for i in tr], c)
            p = m.predict_proba(D._selection_matrix([feats[i] for i in va], m))
            for i, j in zip(va, p.argmax(1), strict=True):
                pred[i] = m.classes[j]
        acc = float(np.mean([a == b for a, b in zip(y, pred, strict=True)]))
        print(
            f"C={c}: 5-fold CV on the training 500: accuracy {acc:.3f} macro-F1 {f1_score(y, pred, average='macro'):.3f}"
        )
        if acc > best[0]:
            best = (acc, c)
    m = fit(feats, y, best[1])
    m.meta = {**(m.meta or {}), "cv_accuracy": round(best[0], 4)}
    m.save(D.WEIGHTS_DIR / "conclusion.npz")
    print(f"wrote conclusion.npz (C={best[1]})")


if __name__ == "__main__":
    main()
