"""Answer a yes/no/maybe research question from an abstract without its conclusion (PubMedQA style).

A multinomial logistic regression over (1) hashed n-grams of the question and of the result
sentences, and (2) dense features: what :mod:`rxevidence.appraise.direction` says about the result
sentences that share words with the question (significant vs no difference), p-value counts,
hedging and negation cues. Trained on the 500 non-test PubMedQA PQA-L questions by
``scripts/train_conclusion.py``; weights in ``appraise/weights/conclusion.npz``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from rxevidence.appraise import direction as D

ANSWERS: tuple[str, ...] = ("maybe", "no", "yes")
_HEDGE = re.compile(
    r"\b(may|might|could|possibl\w*|suggest\w*|unclear|trend\w*|tend\w*|limited|further|however)\b"
)
_NEG = re.compile(r"\b(no|not|neither|nor|without|none|failed|did not|does not|unrelated|independent)\b")
_ASSOC = re.compile(
    r"\b(associat\w*|correlat\w*|predict\w*|risk|related|effect\w*|improv\w*|reduc\w*|increas\w*)\b"
)

__all__ = ["ANSWERS", "answer_question", "answer_probabilities", "conclusion_features"]


def _words(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z][a-z0-9-]+", text.lower()) if len(w) >= 4 and w not in D._STOP}


def conclusion_features(question: str, context: str) -> list[tuple[str, float]]:
    """Features for one (question, context) pair; ``context`` is the abstract without its conclusion."""
    q = D.normalize(question)
    sents = [s for s in D.split_sentences(context) if len(s) > 3] or [context]
    qw = _words(q)
    ql = q.lower()
    feats: list[tuple[str, float]] = []
    qt = D._tokens(q, D._NO_PROMPT)
    feats.extend(D._ngrams(qt, "q:", 2))
    feats.append(("q:first=" + (qt[0] if qt else ""), 1.0))
    # result-ish sentences: the last half of the context, plus any with statistics
    n = len(sents)
    results = [
        s for k, s in enumerate(sents) if k >= n // 2 or "PSIG" in D.mark_stats(s) or "PNS" in D.mark_stats(s)
    ]
    for s in results:
        feats.extend((g, v * 0.5) for g, v in D._ngrams(D._tokens(s, D._NO_PROMPT), "r:", 2))
    probs = D.direction_proba(results) if results else np.zeros((0, 3))
    overlap = np.array([len(qw & _words(s)) / max(len(qw), 1) for s in results]) if results else np.zeros(0)
    if len(results):
        w = overlap + 1e-3
        wp = (probs * w[:, None]).sum(0) / w.sum()
        mp = probs.mean(0)
        best = int(np.argmax(overlap))
        feats += [
            ("d:w_dec", float(wp[0])),
            ("d:w_inc", float(wp[1])),
            ("d:w_nodiff", float(wp[2])),
            ("d:m_nodiff", float(mp[2])),
            ("d:max_sig", float(1 - probs[:, 2].min())),
            ("d:best_nodiff", float(probs[best, 2])),
            ("d:best_overlap", float(overlap[best])),
            ("d:frac_nodiff", float((probs.argmax(1) == 2).mean())),
        ]
    marked = D.mark_stats(D.normalize(context))
    low = context.lower()
    n_sig, n_ns = marked.count("PSIG"), marked.count("PNS")
    feats += [
        ("d:n_sig", min(n_sig, 10) / 10),
        ("d:n_ns", min(n_ns, 10) / 10),
        ("d:sig_share", n_sig / (n_sig + n_ns) if n_sig + n_ns else 0.5),
        ("d:no_stats", float(n_sig + n_ns == 0)),
        ("d:hedge", min(len(_HEDGE.findall(low)), 10) / 10),
        ("d:neg", min(len(_NEG.findall(low)), 10) / 10),
        ("d:assoc", min(len(_ASSOC.findall(low)), 10) / 10),
        ("d:q_neg", float(bool(_NEG.search(ql)))),
        ("d:q_or", float(" or " in ql)),
        (
            "d:q_compare",
            float(bool(re.search(r"\b(better|more|less|superior|inferior|differ\w*|than)\b", ql))),
        ),
        ("d:signif_not", float(bool(re.search(r"\b(not|no|non-?)\s*(statistically\s*)?signific", low)))),
        ("d:ctx_len", min(len(context), 3000) / 3000),
        ("d:q_overlap", len(qw & _words(context)) / max(len(qw), 1)),
    ]
    return feats


@lru_cache(maxsize=1)
def _model() -> D.LinearModel:
    return D.LinearModel.load(D.WEIGHTS_DIR / "conclusion.npz")


def answer_probabilities(question: str, context: str) -> dict[str, float]:
    """Probabilities of ``yes``, ``no`` and ``maybe``."""
    model = _model()
    x = D._selection_matrix([conclusion_features(question, context)], model)
    p = model.predict_proba(x)[0]
    return {c: float(v) for c, v in zip(model.classes, p, strict=True)}


def answer_question(question: str, context: str) -> tuple[str, float]:
    """``("yes" | "no" | "maybe", probability)`` for a PubMedQA-style question and its context."""
    probs = answer_probabilities(question, context)
    best = max(probs, key=probs.__getitem__)
    return best, probs[best]
