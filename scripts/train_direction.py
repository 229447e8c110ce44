"""Train the effect-direction and evidence-selection models on Evidence Inference 2.0 (train split).

    python scripts/train_direction.py            # writes src/rxevidence/appraise/weights/{direction,evidence}.npz
    python scripts/train_direction.py --dev      # also prints dev-split figures (used for tuning)

Reads ../shared/data/evidence_inference in place (override with RXEVIDENCE_SHARED_DATA). Only the
``ev2_train`` articles are used for fitting; ``ev2_validation`` for choosing settings; never the test split.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from rxevidence.appraise import direction as D

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
EI = SHARED / "evidence_inference"
LABELS = {
    "significantly increased": "increased",
    "significantly increase": "increased",
    "significantly decreased": "decreased",
    "no significant difference": "no difference",
}


@dataclass
class Annotation:
    label: str
    start: int
    end: int
    evidence: str
    valid: bool


@dataclass
class Prompt:
    prompt_id: str
    pmcid: str
    intervention: str
    comparator: str
    outcome: str
    annotations: list[Annotation] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Majority label of the valid annotations (ties: first seen)."""
        labs = [a.label for a in self.annotations if a.valid] or [a.label for a in self.annotations]
        return Counter(labs).most_common(1)[0][0]


def load_split(split: str) -> list[Prompt]:
    """Prompts (with annotations) of the EI 2.0 articles in ``split`` (train | validation | test)."""
    if not EI.exists():
        sys.exit(f"needs {EI} (../shared/data/evidence_inference)")
    ids = set((EI / "splits" / f"ev2_{split}_article_ids.txt").read_text().split())
    prompts: dict[str, Prompt] = {}
    with open(EI / "prompts_merged.csv", encoding="utf-8", newline="") as f:
        meta = {r["PromptID"]: r for r in csv.DictReader(f)}
    with open(EI / "v2_annotations.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["PMCID"] not in ids or r["Label"] not in LABELS:
                continue
            pid = r["PromptID"]
            if pid not in prompts:
                m = meta[pid]
                prompts[pid] = Prompt(pid, r["PMCID"], m["Intervention"], m["Comparator"], m["Outcome"])
            prompts[pid].annotations.append(
                Annotation(
                    LABELS[r["Label"]],
                    int(r["Evidence Start"]),
                    int(r["Evidence End"]),
                    r["Annotations"],
                    r["Valid Label"] == "True" and r["Valid Reasoning"] == "True",
                )
            )
    return list(prompts.values())


_TEXT: dict[str, str] = {}


def article(pmcid: str) -> str:
    if pmcid not in _TEXT:
        _TEXT[pmcid] = (EI / "txt_files_v2" / f"PMC{pmcid}.txt").read_text(encoding="utf-8")
    return _TEXT[pmcid]


def evidence_text(p: Prompt, a: Annotation) -> str:
    t = article(p.pmcid)
    if 0 <= a.start < a.end <= len(t) + 1:
        return t[a.start : a.end + 1].strip()
    return a.evidence.strip()


def article_sentences(pmcid: str) -> tuple[list[str], list[tuple[int, int]]]:
    t = article(pmcid)
    spans = [(a, b) for a, b in D.sentence_spans(t) if len(t[a:b].strip()) > 1]
    return [t[a:b].strip() for a, b in spans], spans


def gold_sentence_ids(p: Prompt, spans: list[tuple[int, int]]) -> set[int]:
    """Sentences that overlap (by >= half of the shorter) any annotated evidence span."""
    gold: set[int] = set()
    for a in p.annotations:
        if a.start < 0:
            continue
        for k, (s, e) in enumerate(spans):
            ov = min(e, a.end + 1) - max(s, a.start)
            if ov > 0 and ov >= 0.5 * min(e - s, a.end + 1 - a.start):
                gold.add(k)
    return gold


# ------------------------------------------------------------------------------------------


FLIP = {"increased": "decreased", "decreased": "increased", "no difference": "no difference"}


def direction_examples(
    prompts: list[Prompt], with_sentences: bool, swap: bool = False
) -> tuple[list[list], list[str]]:
    feats, labels = [], []
    for p in prompts:
        sents, spans = article_sentences(p.pmcid) if with_sentences else ([], [])
        seen: set[str] = set()
        for a in p.annotations:
            if not a.valid:
                continue
            texts = [evidence_text(p, a)]
            if with_sentences:
                gold = gold_sentence_ids(Prompt(p.prompt_id, p.pmcid, "", "", "", [a]), spans)
                texts += [sents[k] for k in sorted(gold)]
            for t in texts:
                if t and t not in seen:
                    seen.add(t)
                    feats.append(D.direction_features(t, p.intervention, p.comparator, p.outcome))
                    labels.append(a.label)
                    if swap:  # tried: hurts on dev (0.64 vs 0.68), the lexical n-grams contradict the flip
                        feats.append(D.direction_features(t, p.comparator, p.intervention, p.outcome))
                        labels.append(FLIP[a.label])
    return feats, labels


def train_direction(train: list[Prompt], c: float, swap: bool) -> D.LinearModel:
    feats, labels = direction_examples(train, with_sentences=True, swap=swap)
    raw = D.hash_features(feats)
    df = np.bincount(raw.indices, minlength=D.N_HASH)
    idf = (np.log((raw.shape[0] + 1) / (df + 1)) + 1).astype(np.float32)
    x = D.hash_features(feats, idf)
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit(x, labels)
    return D.LinearModel(clf.coef_, clf.intercept_, list(clf.classes_), idf, {"C": c, "n_train": len(labels)})


def eval_direction_oracle(model: D.LinearModel, prompts: list[Prompt]) -> float:
    feats, gold = [], []
    for p in prompts:
        for a in p.annotations:
            if a.valid:
                feats.append(
                    D.direction_features(evidence_text(p, a), p.intervention, p.comparator, p.outcome)
                )
                gold.append(a.label)
    proba = model.predict_proba(D.hash_features(feats, model.idf))
    pred = [model.classes[j] for j in proba.argmax(1)]
    return float(f1_score(gold, pred, average="macro"))


def selection_examples(
    prompts: list[Prompt], neg_per_prompt: int, rng: random.Random
) -> tuple[list, list[int]]:
    feats, ys = [], []
    for p in prompts:
        sents, spans = article_sentences(p.pmcid)
        gold = gold_sentence_ids(p, spans)
        if not gold:
            continue
        f = D.selection_features(
            sents, intervention=p.intervention, comparator=p.comparator, outcome=p.outcome
        )
        neg = [k for k in range(len(sents)) if k not in gold]
        # hard negatives (most outcome overlap) plus random ones
        neg.sort(key=lambda k: -dict(f[k][:2])["d:ow"])
        chosen = neg[: neg_per_prompt // 2] + rng.sample(
            neg[neg_per_prompt // 2 :], min(neg_per_prompt // 2, max(len(neg) - neg_per_prompt // 2, 0))
        )
        for k in gold:
            feats.append(f[k])
            ys.append(1)
        for k in chosen:
            feats.append(f[k])
            ys.append(0)
    return feats, ys


def train_selection(train: list[Prompt], c: float, neg: int) -> D.LinearModel:
    rng = random.Random(0)
    feats, ys = selection_examples(train, neg, rng)
    grams = [[t for t in fs if not t[0].startswith("d:")] for fs in feats]
    raw = D.hash_features(grams)
    df = np.bincount(raw.indices, minlength=D.N_HASH)
    idf = (np.log((raw.shape[0] + 1) / (df + 1)) + 1).astype(np.float32)
    model = D.LinearModel(np.zeros((1, 1)), np.zeros(1), ["0", "1"], idf)
    x = D._selection_matrix(feats, model)
    clf = LogisticRegression(C=c, max_iter=3000)
    clf.fit(x, ys)
    return D.LinearModel(clf.coef_, clf.intercept_, ["0", "1"], idf, {"C": c, "neg": neg, "n_train": len(ys)})


def eval_selection(prompts: list[Prompt]) -> float:
    hits = n = 0
    for p in prompts:
        sents, spans = article_sentences(p.pmcid)
        gold = gold_sentence_ids(p, spans)
        if not gold:
            continue
        top = D.select_evidence(
            sents, intervention=p.intervention, comparator=p.comparator, outcome=p.outcome, k=1
        )
        n += 1
        hits += bool(top and top[0][0] in gold)
    return hits / max(n, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", action="store_true", help="print dev-split figures")
    ap.add_argument("--c-direction", type=float, default=10.0)
    ap.add_argument("--c-selection", type=float, default=1.0)
    ap.add_argument("--neg", type=int, default=40, help="negative sentences per prompt for the ranker")
    ap.add_argument("--swap", action="store_true", help="add intervention/comparator-swapped copies (hurts)")
    ap.add_argument("--only", choices=["direction", "evidence"], default=None)
    args = ap.parse_args()
    train = load_split("train")
    dev = load_split("validation") if args.dev else []
    t0 = time.time()
    if args.only in (None, "direction"):
        m = train_direction(train, args.c_direction, args.swap)
        m.save(D.WEIGHTS_DIR / "direction.npz")
        D._model.cache_clear()
        print(f"direction: {m.meta} in {time.time() - t0:.0f}s")
        if dev:
            print(f"  dev oracle macro-F1 = {eval_direction_oracle(m, dev):.4f}")
    if args.only in (None, "evidence"):
        t0 = time.time()
        s = train_selection(train, args.c_selection, args.neg)
        s.save(D.WEIGHTS_DIR / "evidence.npz")
        D._model.cache_clear()
        print(f"evidence: {s.meta} in {time.time() - t0:.0f}s")
        if dev:
            print(f"  dev top-1 selection accuracy = {eval_selection(dev):.4f}")
    for f in sorted(D.WEIGHTS_DIR.glob("*.npz")):
        print(f"  {f.name}: {f.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
