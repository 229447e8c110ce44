"""Train the PICO token taggers on the EBM-NLP dev files (the train split is not available offline).

    python scripts/train_pico.py            # writes src/rxevidence/appraise/weights/pico_{p,i,o}{1,2}.npz
    python scripts/train_pico.py --holdout  # fit on 80% of the dev documents, report F1 on the other 20%

Reads ../shared/data/ebm_nlp/pio_conll_v1_from_ashiqopu/{p,i,o}-dev.txt in place; never the test files.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from rxevidence.appraise import pico as P
from rxevidence.appraise.direction import N_HASH, WEIGHTS_DIR, LinearModel, hash_features

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
EBM = SHARED / "ebm_nlp" / "pio_conll_v1_from_ashiqopu"


def read_conll(path: Path) -> list[tuple[list[str], list[int]]]:
    """Sentences as (tokens, 0/1 labels: token inside any span of the element)."""
    if not path.exists():
        sys.exit(f"needs {path}")
    sents: list[tuple[list[str], list[int]]] = []
    toks: list[str] = []
    labs: list[int] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if toks:
                sents.append((toks, labs))
            toks, labs = [], []
            continue
        parts = line.split("\t")
        toks.append(parts[0])
        labs.append(int(parts[-1] != "O"))
    if toks:
        sents.append((toks, labs))
    return sents


def idf_of(x: sparse.csr_matrix) -> np.ndarray:
    df = np.bincount(x.indices, minlength=N_HASH)
    return (np.log((x.shape[0] + 1) / (df + 1)) + 1).astype(np.float32)


def fit(x: sparse.csr_matrix, y: np.ndarray, c: float) -> LogisticRegression:
    clf = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
    clf.fit(x, y)
    return clf


def train_element(sents: list[tuple[list[str], list[int]]], c: float) -> tuple[LinearModel, LinearModel]:
    feats = [P.token_features(t) for t, _ in sents]
    lengths = [len(t) for t, _ in sents]
    flat = [f for fs in feats for f in fs]
    y = np.array([v for _, ls in sents for v in ls])
    idf = idf_of(hash_features(flat))
    x1 = hash_features(flat, idf)
    # out-of-fold first-pass probabilities (2 folds by sentence) for the second pass
    offsets = np.cumsum([0] + lengths)
    fold = np.zeros(len(y), dtype=int)
    for k in range(len(sents)):
        fold[offsets[k] : offsets[k + 1]] = k % 2
    oof = np.zeros(len(y))
    for f in (0, 1):
        clf = fit(x1[fold != f], y[fold != f], c)
        oof[fold == f] = clf.predict_proba(x1[fold == f])[:, 1]
    m1 = fit(x1, y, c)
    stack = [g for k in range(len(sents)) for g in P.stack_features(oof[offsets[k] : offsets[k + 1]])]
    x2 = sparse.hstack([x1, hash_features(stack)]).tocsr()
    m2 = fit(x2, y, c)
    return (
        LinearModel(m1.coef_, m1.intercept_, ["0", "1"], idf, {"C": c, "pass": 1, "n_tokens": len(y)}),
        LinearModel(m2.coef_, m2.intercept_, ["0", "1"], None, {"C": c, "pass": 2, "n_tokens": len(y)}),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--holdout", action="store_true")
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--elements", default="pio")
    args = ap.parse_args()
    for elem in args.elements:
        t0 = time.time()
        sents = read_conll(EBM / f"{elem}-dev.txt")
        if args.holdout:
            cut = int(len(sents) * 0.8)
            train, held = sents[:cut], sents[cut:]
        else:
            train, held = sents, []
        m1, m2 = train_element(train, args.c)
        m1.save(WEIGHTS_DIR / f"pico_{elem}1.npz")
        m2.save(WEIGHTS_DIR / f"pico_{elem}2.npz")
        P._model.cache_clear()
        msg = f"{elem}: {len(train)} sentences, {time.time() - t0:.0f}s"
        if held:
            gold = [v for _, ls in held for v in ls]
            pred = [int(p >= 0.5) for t, _ in held for p in P.tag_probabilities(t, elem)]
            msg += f", held-out dev token F1 {f1_score(gold, pred):.3f}"
        print(msg, flush=True)
    if args.holdout:
        print("NOTE: the weights just written were fitted on 80% of dev; re-run without --holdout to ship")


if __name__ == "__main__":
    main()
