"""Effect direction of a result sentence, and which sentences report the result for an ICO prompt.

Two small linear models over hashed n-gram features (no embeddings, no torch), trained on the
Evidence Inference 2.0 training split by ``scripts/train_direction.py``; weights are plain ``.npz``
files in ``appraise/weights/`` (no pickles).

- :func:`classify_direction` -- ``("increased" | "decreased" | "no difference", probability)``: how the
  outcome changed in the intervention group compared with the comparator, as the sentence states it.
- :func:`select_evidence` -- indices of the sentences most likely to report the result for an
  (intervention, comparator, outcome) prompt, best first, with scores.

:func:`use_backend` ``("minilm")`` switches both to the optional fine-tuned MiniLM cross-encoder
(``appraise.crossenc``, the ``embed`` extra): more accurate, several times slower, so it is opt-in
(``rxevidence appraise --model minilm``). Evidence selection then re-ranks the linear ranker's top
sentences by the cross-encoder's probability that a sentence reports the result.

Before hashing, the text is normalised so the n-grams see what matters: p-values become ``PSIG`` /
``PNS``, confidence intervals ``CI_HAS0`` / ``CI_HAS1`` / ``CI_POS`` / ``CI_NEG``, and words of the
intervention / comparator / outcome become ``INTV`` / ``COMP`` / ``OUTC``, so "lower in COMP than in
INTV" and "lower in INTV than in COMP" are different features (``appraise.marking``; the linear models and
feature hashing are in ``appraise.linear``; both re-exported here).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

# the normalisation and the linear-model plumbing live in their own modules; their names stay importable
# from here (``from rxevidence.appraise.direction import mark_stats, LinearModel, ...``)
from .linear import _HASHER as _HASHER
from .linear import N_HASH as N_HASH
from .linear import LinearModel as LinearModel
from .linear import ModelMissing as ModelMissing
from .linear import _char_grams as _char_grams
from .linear import _hash_index as _hash_index
from .linear import _ngrams as _ngrams
from .linear import hash_features as hash_features
from .marking import _GENERIC_COMP as _GENERIC_COMP
from .marking import _STAT_TOKENS as _STAT_TOKENS
from .marking import _STOP as _STOP
from .marking import _WORD as _WORD
from .marking import NON_SIGNIFICANT_STATS as NON_SIGNIFICANT_STATS
from .marking import SIGNIFICANT_STATS as SIGNIFICANT_STATS
from .marking import _content_words as _content_words
from .marking import _Prompt as _Prompt
from .marking import _stem as _stem
from .marking import _tokens as _tokens
from .marking import has_non_significant_stats as has_non_significant_stats
from .marking import has_significant_stats as has_significant_stats
from .marking import mark_stats as mark_stats
from .marking import normalize as normalize
from .marking import sentence_spans as sentence_spans
from .marking import split_sentences as split_sentences

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DIRECTION_LABELS: tuple[str, ...] = ("decreased", "increased", "no difference")

__all__ = [
    "BACKENDS",
    "DIRECTION_LABELS",
    "LinearModel",
    "classify_direction",
    "classify_directions",
    "direction_features",
    "normalize",
    "select_evidence",
    "selection_features",
    "sentence_spans",
    "split_sentences",
    "use_backend",
]

BACKENDS: tuple[str, ...] = ("linear", "minilm")
CROSSENC_NAME = "direction-minilm"
_RERANK_POOL = 5
_RERANK_LINEAR_WEIGHT = 3.0
_backend = {"name": "linear"}


def use_backend(name: str) -> None:
    """Select the direction / evidence model for this process: ``"linear"`` (default) or ``"minilm"``.

    ``"minilm"`` needs the ``embed`` extra and the shipped cross-encoder weights; without them this
    raises :class:`~rxevidence.appraise.crossenc.CrossEncoderUnavailable` with the install hint.
    """
    if name not in BACKENDS:
        raise ValueError(f"unknown direction model {name!r}; choose one of {', '.join(BACKENDS)}")
    if name == "minilm":
        from . import crossenc

        crossenc.load(CROSSENC_NAME)  # fails now, with a clear message, rather than mid-job
    _backend["name"] = name


def backend() -> str:
    """The direction / evidence model in use (``"linear"`` or ``"minilm"``)."""
    return _backend["name"]


def reset_backend() -> None:
    """Back to the default backend (``"linear"``), e.g. between tests."""
    _backend["name"] = BACKENDS[0]


@contextmanager
def using(name: str) -> Iterator[None]:
    """:func:`use_backend` for the duration of a ``with`` block, then the previous one again."""
    previous = _backend["name"]
    use_backend(name)
    try:
        yield
    finally:
        _backend["name"] = previous


def _crossenc_proba(
    sentences: Sequence[str], intervention: str | None, comparator: str | None, outcome: str | None
) -> np.ndarray:
    """(n, 4) probabilities from the cross-encoder: increased, decreased, no difference, not evidence."""
    from . import crossenc

    model = crossenc.load(CROSSENC_NAME)
    prompt = crossenc.direction_prompt(intervention, comparator, outcome)
    return model.predict_proba([(prompt, s) for s in sentences])


# --------------------------------------------------------------------------------------------
# Direction
# --------------------------------------------------------------------------------------------

_NEG = re.compile(
    r"\b(no|not|nor|neither|without|non|nonsignificant|insignificant|similar|comparable|unchanged|"
    r"n\.s|failed|fail|unaffected|equivalent|did not|didn't)\b"
)


def direction_features(
    sentence: str, intervention: str | None = None, comparator: str | None = None, outcome: str | None = None
) -> list[tuple[str, float]]:
    """Hashed-feature list for one sentence under an ICO prompt.

    Lexical n-grams of the sentence (stats marked, no prompt words replaced: that generalises better
    on the dev split) plus n-grams of the prompt-marked sentence that involve INTV / COMP mentions.
    """
    plain = _tokens(sentence, _NO_PROMPT)
    feats = _ngrams(plain, "w:", 3)
    stat = [t for t in plain if t in _STAT_TOKENS]
    feats.append(("s:" + ("+".join(sorted(set(stat))) or "none"), 1.0))
    if stat:
        feats.append(("s:last=" + stat[-1], 1.0))
    low = normalize(sentence).lower()
    feats.append(("n:neg=" + str(min(len(_NEG.findall(low)), 3)), 1.0))
    feats.extend(_char_grams(" ".join(t for t in plain if t.islower() or t == "NUM")))
    if intervention or comparator:
        p = _Prompt.make(intervention, comparator, None)
        marked = _tokens(sentence, p)
        feats.extend(g for g in _ngrams(marked, "m:", 3) if "INTV" in g[0] or "COMP" in g[0])
        kinds = [t for t in marked if t in ("INTV", "COMP")]
        if kinds:
            feats.append(("o:first=" + kinds[0], 1.0))
            feats.append(("o:seq=" + "-".join(kinds[:3]), 1.0))
    return feats


_NO_PROMPT = _Prompt(frozenset(), frozenset(), frozenset())


@lru_cache(maxsize=4)
def _model(name: str) -> LinearModel:
    return LinearModel.load(WEIGHTS_DIR / name)


def classify_directions(
    sentences: Sequence[str],
    *,
    intervention: str | None = None,
    comparator: str | None = None,
    outcome: str | None = None,
) -> list[tuple[str, float]]:
    """Vectorised :func:`classify_direction` for many sentences sharing one prompt."""
    if not sentences:
        return []
    if _backend["name"] == "minilm":
        p = direction_proba(sentences, intervention=intervention, comparator=comparator, outcome=outcome)
        best = p.argmax(axis=1)
        return [(DIRECTION_LABELS[int(j)], float(p[i, j])) for i, j in enumerate(best)]
    model = _model("direction.npz")
    proba = model.proba_of(direction_features(s, intervention, comparator, outcome) for s in sentences)
    best = proba.argmax(axis=1)
    return [(model.classes[int(j)], float(proba[i, j])) for i, j in enumerate(best)]


def direction_proba(
    sentences: Sequence[str],
    *,
    intervention: str | None = None,
    comparator: str | None = None,
    outcome: str | None = None,
) -> np.ndarray:
    """Class probabilities (columns in :data:`DIRECTION_LABELS` order) for each sentence."""
    if _backend["name"] == "minilm":
        from . import crossenc

        if not sentences:
            return np.zeros((0, len(DIRECTION_LABELS)))
        p = _crossenc_proba(sentences, intervention, comparator, outcome)
        labels = crossenc.load(CROSSENC_NAME).labels
        q = p[:, [labels.index(c) for c in DIRECTION_LABELS]].astype(np.float64)
        return q / np.clip(q.sum(axis=1, keepdims=True), 1e-9, None)
    model = _model("direction.npz")
    if not sentences:
        return np.zeros((0, len(model.classes)))
    p = model.proba_of(direction_features(s, intervention, comparator, outcome) for s in sentences)
    order = [model.classes.index(c) for c in DIRECTION_LABELS]
    return p[:, order]


def classify_direction(
    sentence: str,
    *,
    intervention: str | None = None,
    comparator: str | None = None,
    outcome: str | None = None,
) -> tuple[str, float]:
    """How the outcome differed in the intervention group versus the comparator, per the sentence.

    Returns ``("increased" | "decreased" | "no difference", probability)``. "increased" means the
    outcome measure was significantly higher with the intervention (which is good for, e.g., pain
    relief and bad for, e.g., pain intensity: the caller maps it to better / worse).
    """
    return classify_directions([sentence], intervention=intervention, comparator=comparator, outcome=outcome)[
        0
    ]


# --------------------------------------------------------------------------------------------
# Evidence selection
# --------------------------------------------------------------------------------------------

_RESULTISH = re.compile(
    r"(signific|p\s*[<=>≤≥]|\bvs\.?\b|versus|compared|than|differ|95\s*%|\bci\b|odds|ratio|reduc|increas|"
    r"decreas|improv|higher|lower|greater|less|similar|effect)"
)


def _overlap(words: set[str], sent_words: set[str], weights: dict[str, float]) -> tuple[float, float]:
    if not words:
        return 0.0, 0.0
    tot = sum(weights.get(w, 1.0) for w in words)
    hit = sum(weights.get(w, 1.0) for w in words if w in sent_words)
    frac = sum(1 for w in words if w in sent_words) / len(words)
    return frac, hit / tot if tot else 0.0


def selection_features(
    sentences: Sequence[str],
    *,
    intervention: str | None,
    comparator: str | None,
    outcome: str | None,
) -> list[list[tuple[str, float]]]:
    """Per-sentence features for evidence selection (overlap with the prompt, result-likeness)."""
    words = [{_stem(w) for w in _WORD.findall(normalize(s).lower()) if len(w) >= 3} for s in sentences]
    n = len(sentences)
    df: dict[str, int] = {}
    for ws in words:
        for w in ws:
            df[w] = df.get(w, 0) + 1
    weights = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}
    o = {_stem(w) for w in _content_words(outcome)}
    i = {_stem(w) for w in _content_words(intervention)}
    c = {_stem(w) for w in _content_words(comparator)}
    prompt = _Prompt.make(intervention, comparator, outcome)
    out: list[list[tuple[str, float]]] = []
    # outcome-overlap of the neighbours helps (results are often split over sentences)
    o_fracs = [_overlap(o, ws, weights)[1] for ws in words]
    for k, (s, ws) in enumerate(zip(sentences, words, strict=True)):
        of, ow = _overlap(o, ws, weights)
        i_f, iw = _overlap(i, ws, weights)
        cf, cw = _overlap(c, ws, weights)
        low = normalize(s).lower()
        marked = mark_stats(normalize(s))
        feats: list[tuple[str, float]] = [
            ("d:of", of),
            ("d:ow", ow),
            ("d:of_all", float(of == 1.0)),
            ("d:if", i_f),
            ("d:iw", iw),
            ("d:cf", cf),
            ("d:cw", cw),
            ("d:oi", ow * max(iw, cw)),
            ("d:prev_ow", o_fracs[k - 1] if k else 0.0),
            ("d:next_ow", o_fracs[k + 1] if k + 1 < n else 0.0),
            ("d:psig", float("PSIG" in marked)),
            ("d:pns", float("PNS" in marked)),
            ("d:ci", float("CI_" in marked)),
            ("d:signif", float("signific" in low)),
            ("d:resultish", min(len(_RESULTISH.findall(low)), 5) / 5.0),
            ("d:digits", min(sum(ch.isdigit() for ch in s), 40) / 40.0),
            ("d:len", min(len(s), 600) / 600.0),
            ("d:short", float(len(s) < 40)),
            ("d:pos", k / max(n - 1, 1)),
            ("d:early", float(k < 25)),
        ]
        toks = _tokens(s, prompt)
        feats.extend(_ngrams(toks, "w:", 2))
        out.append(feats)
    return out


def select_evidence(
    sentences: list[str],
    *,
    intervention: str | None,
    comparator: str | None,
    outcome: str | None,
    k: int = 3,
) -> list[tuple[int, float]]:
    """Indices of the ``k`` sentences most likely to report the result for the prompt, with scores.

    Scores are probabilities from a pointwise logistic ranker (higher is better), sorted descending.
    With the ``minilm`` backend the ranker's top sentences are re-ranked by the cross-encoder's
    probability that the sentence reports the result times the ranker's probability cubed (the score).
    """
    if not sentences:
        return []
    model = _model("evidence.npz")
    feats = selection_features(sentences, intervention=intervention, comparator=comparator, outcome=outcome)
    x = _selection_matrix(feats, model)
    p = model.predict_proba(x)[:, 1]
    if _backend["name"] == "minilm":
        from . import crossenc

        pool = [int(j) for j in np.argsort(-p, kind="stable")[: max(k, _RERANK_POOL)]]
        q = _crossenc_proba([sentences[j] for j in pool], intervention, comparator, outcome)
        ev = 1.0 - q[:, crossenc.load(CROSSENC_NAME).labels.index("not evidence")]
        # both readers vote: the exponent was chosen on ev2_validation (1 -> 3 -> 16: macro-F1 .67/.68/.66)
        score = ev * p[pool] ** _RERANK_LINEAR_WEIGHT
        ranked = sorted(zip(pool, score, strict=True), key=lambda t: (-t[1], pool.index(t[0])))
        return [(j, float(score)) for j, score in ranked[:k]]
    order = np.argsort(-p, kind="stable")[:k]
    return [(int(j), float(p[j])) for j in order]


def _selection_matrix(feats: list[list[tuple[str, float]]], model: LinearModel | None) -> sparse.csr_matrix:
    """Dense-ish ``d:`` features unscaled in their own hashed slots, n-grams tf-idf normalised."""
    dense = [[f for f in fs if f[0].startswith("d:")] for fs in feats]
    grams = [[f for f in fs if not f[0].startswith("d:")] for fs in feats]
    xg = hash_features(grams, model.idf if model is not None else None)
    xd = _HASHER.transform(dense).tocsr()
    return sparse.csr_matrix(sparse.hstack([xg, xd]).tocsr())
