"""HealthFC: verdicts on consumer health claims from the evidence sentences the medical team chose.

    python bench/healthfc.py            # zero-shot shipped model + 5-fold cross-validation (two variants)
    python bench/healthfc.py --quick    # zero-shot + in-domain cross-validation only

Data: ../shared/data/healthfc/Datensatz.csv, read in place. It is CC BY-NC-ND 4.0 (Medizin-transparent
/ Danube University Krems): nothing from it, and no model fitted on it, is written anywhere -- the
cross-validation models live in memory for the run only.

Input per claim: ``en_claim`` (a research question, e.g. "Can X reduce Y?") and ``en_top_sentences``
(up to five evidence sentences from the article) as the evidence. Labels, as documented in the
dataset's README (the team's verdict mapped to three classes): 0 "supported" -> supports,
1 "not enough information" -> neutral, 2 "refuted" -> refutes. Note the class meanings differ from
HealthVer: HealthFC's middle class is "the studies are lacking or too poor", often stated in the
evidence ("we found no meaningful evidence"), while HealthVer's neutral is "this passage is not about
the claim".

Figures:
1. zero-shot: the shipped claimcheck weights (HealthVer dev + Evidence Inference train) on all 750;
2. in-domain 5-fold CV: the same features and learner fitted on 4/5 of HealthFC, scored on the held-out
   fifth; folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0) over the 750 rows in file
   order; predictions pooled over the folds (macro-F1 of the pooled predictions, plus per-fold spread);
3. transfer + in-domain (not with --quick): as 2 but each fold also trains on HealthVer dev.
Anchor: the issue names none; the HealthFC paper's baselines are fine-tuned transformers (not quoted
here). Majority-class macro-F1 is printed as the floor.
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

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from rxevidence import claimcheck as CC

sys.path.insert(0, str(Path(__file__).resolve().parent))
# the same loader, scoring and report as the HealthVer benchmark
from healthver import load as load_healthver  # noqa: E402
from healthver import report, scores  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
HFC = SHARED / "healthfc" / "Datensatz.csv"
HV_DEV = SHARED / "healthver" / "healthver_dev.csv"
LABEL_MAP = {"0": "supports", "1": "neutral", "2": "refutes"}


def load_healthfc() -> list[tuple[str, str, str]]:
    if not HFC.exists():
        sys.exit(f"missing {HFC}: this benchmark needs ../shared/data (or set RXEVIDENCE_SHARED_DATA)")
    with HFC.open(encoding="utf-8-sig", newline="") as fh:
        return [
            (r["en_claim"].strip(), r["en_top_sentences"].strip(), LABEL_MAP[r["label"].strip()])
            for r in csv.DictReader(fh)
        ]


def cross_validate(
    rows: list[tuple[str, str, str]], extra: list[tuple[str, str, str]], c: float = 0.3
) -> tuple[list[str], list[float]]:
    """Pooled out-of-fold predictions and per-fold macro-F1 (see the module doc for the folds)."""
    y = np.array([lab for *_, lab in rows])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(np.zeros(len(rows)), y)
    pred = np.empty(len(rows), dtype=object)
    per_fold: list[float] = []
    for tr, te in folds:
        train = [rows[i] for i in tr] + extra
        idf = CC.document_frequency_idf([t for c_, e, _ in train for t in (c_, e)])
        x_tr = CC.featurize([(c_, e) for c_, e, _ in train], idf)
        cols = np.unique(x_tr.indices)
        m = LogisticRegression(C=c, max_iter=1000, class_weight="balanced")
        m.fit(x_tr[:, cols], [lab for *_, lab in train])
        x_te = CC.featurize([(rows[i][0], rows[i][1]) for i in te], idf)
        pred[te] = m.predict(x_te[:, cols])
        per_fold.append(float(f1_score(y[te], list(pred[te]), average="macro")))
    return [str(p) for p in pred], per_fold


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="skip the HealthVer-plus-HealthFC variant")
    ap.add_argument("--errors", type=int, default=6, help="how many misclassified claims to show")
    args = ap.parse_args(argv)

    rows = load_healthfc()
    gold = [lab for *_, lab in rows]
    print("HealthFC claim verdicts (English claims + top evidence sentences) -- rxevidence.claimcheck")
    print(f"data: {len(rows)} claims, gold {dict(Counter(gold))}; labels 0/1/2 -> supports/neutral/refutes")
    majority = scores(gold, ["neutral"] * len(gold))["macro_f1"]
    print(f"floor: majority class ('neutral') macro-F1 {majority:.3f}; anchor: none given by the issue")

    t0 = time.perf_counter()
    zs = [lab for lab, _ in CC.classify_many([(c, e) for c, e, _ in rows])]
    s0 = report(f"1. zero-shot, shipped weights ({time.perf_counter() - t0:.1f}s)", gold, zs)

    t0 = time.perf_counter()
    cv, per_fold = cross_validate(rows, [])
    s1 = report(f"2. in-domain 5-fold CV, pooled ({time.perf_counter() - t0:.0f}s)", gold, cv)
    print("  per fold macro-F1: " + ", ".join(f"{v:.3f}" for v in per_fold))

    figures: dict[str, float | int | str] = {
        "macro_f1": round(s1["macro_f1"], 4),
        **{f"cv_{k}": round(v, 4) for k, v in s1.items() if k != "macro_f1"},
        "cv_macro_f1_fold_sd": round(float(np.std(per_fold)), 4),
        **{f"zero_shot_{k}": round(v, 4) for k, v in s0.items()},
        "majority_macro_f1": round(majority, 4),
        "n": len(rows),
        "split": "5-fold stratified CV (shuffle, random_state=0), pooled; zero-shot on all",
    }
    best = cv
    if not args.quick:
        hv = load_healthver("dev") if HV_DEV.exists() else []
        if hv:
            t0 = time.perf_counter()
            cv2, per_fold2 = cross_validate(rows, hv)
            s2 = report(f"3. HealthVer dev + in-domain folds, pooled ({time.perf_counter() - t0:.0f}s)", gold, cv2)
            print("  per fold macro-F1: " + ", ".join(f"{v:.3f}" for v in per_fold2))
            figures.update({f"with_healthver_{k}": round(v, 4) for k, v in s2.items()})

    wrong = [(c, g, p) for (c, _, g), p in zip(rows, best, strict=True) if g != p]
    print(f"\nsample of errors of 2. ({len(wrong)} in all), claims only (the data are ND-licensed):")
    for c, g, p in wrong[:: max(1, len(wrong) // args.errors)][: args.errors]:
        print(f"  gold {g:<8} predicted {p:<8} {c[:140]}")
    print()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
