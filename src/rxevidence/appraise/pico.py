"""PICO spans (participants, interventions, outcomes) in abstract text: a token tagger.

One binary logistic-regression tagger per element over hashed window features (word, shape,
affixes, +-3 neighbours), then a second pass that also sees the first pass's probabilities of the
neighbouring tokens (stacking, a cheap stand-in for a CRF). Trained on the EBM-NLP dev files by
``scripts/train_pico.py`` (the EBM-NLP train split is not available offline); weights are ``.npz``.

    >>> extract_pico("Ibuprofen versus placebo for acute low back pain in adults.")["participants"]
    [(5, 11, 'acute low back pain in adults')]   # (token start, token end exclusive, text)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

from rxevidence.appraise.direction import N_HASH, WEIGHTS_DIR, LinearModel, hash_features

ELEMENTS: dict[str, str] = {"participants": "p", "interventions": "i", "outcomes": "o"}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|\w+(?:[-/'’]\w+)*|[^\w\s]")
_BINS = (0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9)
# decision thresholds per element, chosen on a held-out 20% of the EBM-NLP dev documents
# (scripts/train_pico.py --holdout), never on the test files
THRESHOLDS: dict[str, float] = {"p": 0.2, "i": 0.25, "o": 0.2}

__all__ = ["ELEMENTS", "extract_pico", "tag_probabilities", "tokenize", "token_features"]


def tokenize(text: str) -> list[str]:
    """Word / number / punctuation tokens (close to the PTB-style tokens of EBM-NLP)."""
    return _TOKEN.findall(text)


def _shape(w: str) -> str:
    s = re.sub(r"[A-Z]", "A", w)
    s = re.sub(r"[a-z]", "a", s)
    s = re.sub(r"\d", "0", s)
    return re.sub(r"(.)\1+", r"\1\1", s)


def token_features(tokens: Sequence[str]) -> list[list[tuple[str, float]]]:
    """Window features for each token of one sentence."""
    low = [t.lower() for t in tokens]
    n = len(tokens)
    pad = ["<s>", "<s>", "<s>"] + low + ["</s>", "</s>", "</s>"]
    out: list[list[tuple[str, float]]] = []
    for i, (t, w) in enumerate(zip(tokens, low, strict=True)):
        j = i + 3
        f = [
            ("w=" + w, 1.0),
            ("sh=" + _shape(t), 1.0),
            ("p3=" + w[:3], 1.0),
            ("s3=" + w[-3:], 1.0),
            ("s4=" + w[-4:], 1.0),
            ("cap", float(t[:1].isupper())),
            ("upper", float(t.isupper() and len(t) > 1)),
            ("digit", float(any(c.isdigit() for c in t))),
            ("pos", i / max(n - 1, 1)),
            ("w-1=" + pad[j - 1], 1.0),
            ("w+1=" + pad[j + 1], 1.0),
            ("w-2=" + pad[j - 2], 1.0),
            ("w+2=" + pad[j + 2], 1.0),
            ("w-3=" + pad[j - 3], 1.0),
            ("w+3=" + pad[j + 3], 1.0),
            ("b-1=" + pad[j - 1] + "|" + w, 1.0),
            ("b+1=" + w + "|" + pad[j + 1], 1.0),
            ("b-2=" + pad[j - 2] + "|" + pad[j - 1], 1.0),
            ("b+2=" + pad[j + 1] + "|" + pad[j + 2], 1.0),
            ("s3-1=" + pad[j - 1][-3:], 1.0),
            ("s3+1=" + pad[j + 1][-3:], 1.0),
        ]
        out.append(f)
    # sentence-level context: the first word (section headers like METHODS / RESULTS) and length
    head = low[0] if low else ""
    for f in out:
        f.append(("head=" + head, 1.0))
        f.append(("len=" + str(min(n // 10, 5)), 1.0))
    return out


def stack_features(probs: np.ndarray) -> list[list[tuple[str, float]]]:
    """Second-pass features: binned first-pass probabilities of the token and its +-3 neighbours."""
    n = len(probs)
    out: list[list[tuple[str, float]]] = []
    mean = float(probs.mean()) if n else 0.0
    for i in range(n):
        f: list[tuple[str, float]] = [("q:mean", mean)]
        for d in range(-3, 4):
            k = i + d
            q = float(probs[k]) if 0 <= k < n else -1.0
            b = "pad" if q < 0 else str(sum(q >= x for x in _BINS))
            f.append((f"q{d}={b}", 1.0))
            if q >= 0:
                f.append((f"qv{d}", q))
        out.append(f)
    return out


def _matrix(feats: list[list[tuple[str, float]]], model_idf: np.ndarray | None) -> sparse.csr_matrix:
    return hash_features(feats, model_idf)


@lru_cache(maxsize=8)
def _model(name: str) -> LinearModel:
    return LinearModel.load(WEIGHTS_DIR / name)


def _first_pass_x(tokens: Sequence[str], elem: str) -> sparse.csr_matrix:
    return _matrix(token_features(tokens), _model(f"pico_{elem}1.npz").idf)


def tag_probabilities(tokens: Sequence[str], elem: str) -> np.ndarray:
    """Probability that each token belongs to a span of element ``elem`` ("p", "i" or "o")."""
    if not tokens:
        return np.zeros(0)
    m1 = _model(f"pico_{elem}1.npz")
    m2 = _model(f"pico_{elem}2.npz")
    x1 = _first_pass_x(tokens, elem)
    p1 = m1.predict_proba(x1)[:, 1]
    x2 = sparse.hstack([x1, _matrix(stack_features(p1), None)]).tocsr()
    return m2.predict_proba(x2)[:, 1]


def _spans(tokens: Sequence[str], probs: np.ndarray, threshold: float) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    start: int | None = None
    for i, p in enumerate(list(probs) + [0.0]):
        if p >= threshold and start is None:
            start = i
        elif p < threshold and start is not None:
            spans.append((start, i, " ".join(tokens[start:i])))
            start = None
    return spans


def extract_pico(
    tokens_or_text: str | Sequence[str], *, threshold: float | None = None
) -> dict[str, list[tuple[int, int, str]]]:
    """Spans ``(start, end, text)`` for ``participants``, ``interventions`` and ``outcomes``.

    ``start``/``end`` are token indices (end exclusive) into the given tokens, or into
    :func:`tokenize` of the given text. Text is tagged sentence by sentence. ``threshold`` overrides
    the per-element :data:`THRESHOLDS`.
    """
    if isinstance(tokens_or_text, str):
        tokens = tokenize(tokens_or_text)
    else:
        tokens = list(tokens_or_text)
    # sentences: split after . ! ? tokens so the window features stay within a sentence
    bounds: list[tuple[int, int]] = []
    s = 0
    for i, t in enumerate(tokens):
        if t in (".", "!", "?") or i == len(tokens) - 1:
            bounds.append((s, i + 1))
            s = i + 1
    result: dict[str, list[tuple[int, int, str]]] = {k: [] for k in ELEMENTS}
    for key, elem in ELEMENTS.items():
        for a, b in bounds:
            probs = tag_probabilities(tokens[a:b], elem)
            th = THRESHOLDS[elem] if threshold is None else threshold
            result[key].extend((a + x, a + y, text) for x, y, text in _spans(tokens[a:b], probs, th))
    return result


_ = N_HASH  # the hashed feature space is shared with appraise.direction
