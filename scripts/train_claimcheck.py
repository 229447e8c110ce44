"""Train the claim-vs-evidence classifier (``rxevidence.claimcheck``) and write its weights.

    python scripts/train_claimcheck.py            # CV on HealthVer dev, fit on all of dev, write weights
    python scripts/train_claimcheck.py --no-save  # cross-validation figures only

Data, read in place from ../shared/data (override with RXEVIDENCE_SHARED_DATA):

- HealthVer **dev** split only (the train split is missing from ../shared/data; the test split is
  never read here -- it is what ``bench/healthver.py`` reports on). Settings (the regularisation C)
  are chosen by 5-fold cross-validation on dev with folds grouped by claim, so no claim is in both
  the fitting and the scoring part of a fold.
- Optionally (``--ei``, on by default) synthetic pairs from the Evidence Inference 2.0 **train**
  articles: for a prompt (intervention I, comparator C, outcome O) and its annotated evidence
  sentence, the claims "I increases O compared with C" / "I reduces O compared with C" become
  supports or refutes according to the annotated direction ("no significant difference" refutes
  both). They teach the model drug-trial phrasing that HealthVer (COVID-19 claims) lacks; their
  effect on HealthVer is measured by the same dev cross-validation (HealthVer folds only).

HealthFC is never used here: it is CC BY-NC-ND, so nothing derived from it is shipped.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

from rxevidence import claimcheck as CC

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
HEALTHVER = SHARED / "healthver"
EI = SHARED / "evidence_inference"
HV_LABELS = {"Supports": "supports", "Refutes": "refutes", "Neutral": "neutral"}


def load_healthver(split: str) -> list[tuple[str, str, str]]:
    """``(claim, evidence, label)`` rows of a HealthVer split."""
    path = HEALTHVER / f"healthver_{split}.csv"
    if not path.exists():
        sys.exit(f"missing {path} (../shared/data is not in a fresh clone; set RXEVIDENCE_SHARED_DATA)")
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            (r["claim"].strip(), r["evidence"].strip(), HV_LABELS[r["label"].strip()])
            for r in csv.DictReader(fh)
        ]


def load_ei_pairs(max_pairs: int, seed: int = 0) -> list[tuple[str, str, str]]:
    """Synthetic claim/evidence pairs from the Evidence Inference 2.0 train articles (see module doc)."""
    split_file = EI / "splits" / "ev2_train_article_ids.txt"
    ann_path, prompt_path = EI / "v2_annotations.csv", EI / "prompts_merged.csv"
    if not (split_file.exists() and ann_path.exists() and prompt_path.exists()):
        return []
    train_ids = {x.strip() for x in split_file.read_text().split() if x.strip()}
    with prompt_path.open(encoding="utf-8", newline="") as fh:
        prompts = {r["PromptID"]: r for r in csv.DictReader(fh)}
    label_map = {
        "significantly increased": "up",
        "significantly increase": "up",
        "significantly decreased": "down",
        "no significant difference": "none",
    }
    rng = random.Random(seed)
    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    with ann_path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["PMCID"].strip() not in train_ids or r.get("Valid Label", "").strip() not in ("1", "True", "true"):
                continue
            lab = label_map.get(r["Label"].strip().lower())
            p = prompts.get(r["PromptID"])
            ev = r["Annotations"].strip()
            if lab is None or p is None or len(ev) < 20:
                continue
            i, c, o = p["Intervention"].strip(), p["Comparator"].strip(), p["Outcome"].strip()
            if (r["PromptID"], ev) in seen:
                continue
            seen.add((r["PromptID"], ev))
            claim_dir = rng.choice(["up", "down"])
            verb = rng.choice(["increases", "raises", "improves"] if claim_dir == "up" else ["reduces", "decreases", "lowers"])
            claim = f"{i} {verb} {o} compared with {c}"
            label = "supports" if lab == claim_dir else "refutes"
            out.append((claim, ev, label))
    rng.shuffle(out)
    return out[:max_pairs]


def fit(
    x: sparse.csr_matrix, y: np.ndarray, c: float, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(coef (3, N_HASH), intercept)`` of a class-balanced multinomial logistic regression.

    Only the hashed columns that occur in ``x`` are fitted (far faster than the full hash space).
    """
    cols = np.unique(x.indices)
    m = LogisticRegression(C=c, max_iter=1000, class_weight="balanced")
    m.fit(x[:, cols], y, sample_weight=weights)
    coef = np.zeros((m.coef_.shape[0], x.shape[1]), dtype=np.float32)
    coef[:, cols] = m.coef_
    return coef, m.intercept_


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-save", action="store_true", help="only print the cross-validation figures")
    ap.add_argument("--no-ei", action="store_true", help="do not add Evidence Inference synthetic pairs")
    ap.add_argument("--ei-max", type=int, default=1500, help="at most this many synthetic pairs")
    ap.add_argument("--ei-weight", type=float, default=0.3, help="sample weight of a synthetic pair")
    ap.add_argument("--c", type=float, nargs="*", default=[0.3, 1.0], help="values of C to try")
    ap.add_argument("--out", type=Path, default=CC.WEIGHTS_FILE)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    dev = load_healthver("dev")
    ei = [] if args.no_ei else load_ei_pairs(args.ei_max)
    print(f"HealthVer dev: {len(dev)} pairs; Evidence Inference train synthetic pairs: {len(ei)}")
    idf = CC.document_frequency_idf([c for c, _, _ in dev] + [e for _, e, _ in dev] + [e for _, e, _ in ei])
    rows = dev + ei
    x = CC.featurize([(c, e) for c, e, _ in rows], idf)
    y = np.array([CC.LABELS.index(lab) for _, _, lab in rows])
    w = np.array([1.0] * len(dev) + [args.ei_weight] * len(ei))
    n_dev = len(dev)
    groups = np.array([c for c, _, _ in dev])
    print(f"features: {x.shape[1]} hashed, {x.nnz / x.shape[0]:.0f} non-zero per pair ({time.perf_counter() - t0:.1f}s)")

    folds = list(GroupKFold(n_splits=5).split(np.zeros(n_dev), y[:n_dev], groups))
    best_c, best_f1 = args.c[0], -1.0
    for c in args.c:
        pred = np.zeros(n_dev, dtype=int)
        for tr, te in folds:
            tr_all = np.concatenate([tr, np.arange(n_dev, len(rows))])
            coef, b = fit(x[tr_all], y[tr_all], c, w[tr_all])
            pred[te] = np.asarray(x[te] @ coef.T + b).argmax(axis=1)
        f1 = f1_score(y[:n_dev], pred, average="macro")
        per = f1_score(y[:n_dev], pred, average=None, labels=[0, 1, 2])
        print(f"  C={c:<6} dev 5-fold (grouped by claim) macro-F1 {f1:.3f}  "
              + "  ".join(f"{CC.LABELS[k]} {per[k]:.3f}" for k in range(3)))
        if f1 > best_f1:
            best_c, best_f1 = c, f1
    print(f"chosen C={best_c} (dev CV macro-F1 {best_f1:.3f})")
    if args.no_save:
        return 0
    coef, intercept = fit(x, y, best_c, w)
    info = (f"HealthVer dev ({n_dev} pairs) + {len(ei)} Evidence Inference train synthetic pairs "
            f"(weight {args.ei_weight}); C={best_c}; dev 5-fold grouped CV macro-F1 {best_f1:.3f}")
    coef[np.abs(coef) < 1e-4] = 0.0
    model = CC.ClaimCheckModel(coef=coef, intercept=intercept, idf=idf, info=info)
    model.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - t0:.1f}s")
    print(info)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
