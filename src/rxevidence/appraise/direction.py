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
INTV" and "lower in INTV than in COMP" are different features.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.utils import murmurhash3_32

from rxevidence.errors import RxEvidenceError

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DIRECTION_LABELS: tuple[str, ...] = ("decreased", "increased", "no difference")
N_HASH = 2**18

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


class ModelMissing(RxEvidenceError):
    """A shipped weight file is missing or unreadable (re-run the matching scripts/train_*.py)."""


# --------------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------------

_STOP = frozenset(
    """a an and are as at be been being between but by for from group groups had has have in into is it
    its of on or patients patient subjects participants than that the their them then there these they this
    those to was were which with without who whom within after before during per versus vs compared
    treatment treated therapy study trial arm arms mg kg dose doses daily day days week weeks month months
    year years ml received receiving given plus alone""".split()
)
_SPACE = re.compile(r"\s+")
_NUM = r"(?:\d+(?:[.,·]\d+)?|[.,·]\d+)"
_PVAL = re.compile(
    r"\b[pP]s?(?:\s*-?\s*values?)?\s*(?:\(\w+\)\s*)?(<=|>=|≤|≥|<|>|=|of|was|were|is)\s*(" + _NUM + r")"
    r"(?:\s*[x×]\s*10\s*[-−]\s*\d+)?"
)
_NS = re.compile(r"\b(?:n\.\s?s\.|NS|n\.s)(?=[\s,;:)\].]|$)")
_CI = re.compile(
    r"(?:\b(?:95|90|99)\s*%?\s*(?:CI|confidence interval)s?\b[^0-9−\-]{0,12}|\[)"
    r"(−?-?\s?" + _NUM + r")\s*(?:to|–|—|-|,|;|‑)\s*(−?-?\s?" + _NUM + r")"
)
_TOKEN = re.compile(r"[a-z][a-z0-9_]*(?:['-][a-z0-9]+)*|\d+(?:\.\d+)?|[<>=≤≥%±]")
_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def normalize(text: str) -> str:
    """NFKC, unified minus signs and spaces (thin / no-break spaces occur in the articles)."""
    t = unicodedata.normalize("NFKC", text)
    t = t.replace("\u2212", "-").replace("\u2013", "–").replace("\u200a", " ").replace("\u2009", " ")
    return _SPACE.sub(" ", t).strip()


def _to_float(s: str) -> float | None:
    s = s.replace(" ", "").replace("−", "-").replace("·", ".").replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def _pval_token(m: re.Match[str]) -> str:
    op, val = m.group(1), _to_float(m.group(2))
    if val is None or val > 1:
        return m.group(0)
    if op in (">", ">=", "≥"):
        return " PNS " if val >= 0.05 else m.group(0)
    return " PSIG " if val <= 0.05 else " PNS "


def _ci_token(m: re.Match[str]) -> str:
    lo, hi = _to_float(m.group(1)), _to_float(m.group(2))
    if lo is None or hi is None:
        return m.group(0)
    if lo > hi:
        lo, hi = hi, lo
    if lo <= 0 <= hi:
        tok = "CI_HAS0"
    elif lo < 1 < hi:
        tok = "CI_HAS1"
    elif hi < 1:
        tok = "CI_NEG CI_LT1" if hi < 0 else "CI_LT1"
    else:
        tok = "CI_POS"
    return f" {tok} "


#: The tokens :func:`mark_stats` writes for a significant difference / for a difference not shown.
SIGNIFICANT_STATS: tuple[str, ...] = ("PSIG", "CI_POS", "CI_NEG", "CI_LT1")
NON_SIGNIFICANT_STATS: tuple[str, ...] = ("PNS", "CI_HAS0", "CI_HAS1")


_STAT_TOKENS = frozenset(SIGNIFICANT_STATS + NON_SIGNIFICANT_STATS)


def has_significant_stats(marked: str) -> bool:
    """A text marked by :func:`mark_stats` carries a significant p-value or confidence interval."""
    return any(t in marked for t in SIGNIFICANT_STATS)


def has_non_significant_stats(marked: str) -> bool:
    """A text marked by :func:`mark_stats` carries a non-significant p-value or confidence interval."""
    return any(t in marked for t in NON_SIGNIFICANT_STATS)


def mark_stats(text: str) -> str:
    """Replace p-values and confidence intervals by tokens the n-grams can use."""
    t = _PVAL.sub(_pval_token, text)
    t = _NS.sub(" PNS ", t)
    return _CI.sub(_ci_token, t)


def _content_words(phrase: str | None) -> set[str]:
    if not phrase:
        return set()
    return {w for w in _WORD.findall(normalize(phrase).lower()) if len(w) >= 3 and w not in _STOP}


def _stem(w: str) -> str:
    return w[:6]


_GROUP_AFTER = re.compile(r"\b(?:group|arm|cohort)\s*([A-Za-z]{1,3}\d?|\d{1,2})\b", re.IGNORECASE)
_GROUP_BEFORE = re.compile(r"\b([A-Z]{1,4}\d?)\s*(?:group|arm)\b")
_ABBR = re.compile(r"\b([A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*)\b")
_GENERIC_COMP = frozenset({"placebo", "control", "controls", "sham", "usual", "vehicle", "saline"})


def _designators(phrase: str | None) -> set[str]:
    """Group names ("Group A", "arm 2", "RM group") and abbreviations ("IVCP") in a prompt phrase."""
    if not phrase:
        return set()
    p = normalize(phrase)
    out = {m.group(1).lower() for m in _GROUP_AFTER.finditer(p)}
    out |= {m.group(1).lower() for m in _GROUP_BEFORE.finditer(p)}
    out |= {m.group(1).lower() for m in _ABBR.finditer(p) if 2 <= len(m.group(1)) <= 8}
    return out


@dataclass(frozen=True)
class _Prompt:
    intv: frozenset[str]
    comp: frozenset[str]
    outc: frozenset[str]
    intv_groups: frozenset[str] = frozenset()
    comp_groups: frozenset[str] = frozenset()

    @classmethod
    @lru_cache(maxsize=256)
    def make(cls, intervention: str | None, comparator: str | None, outcome: str | None) -> _Prompt:
        i = {_stem(w) for w in _content_words(intervention)}
        c = {_stem(w) for w in _content_words(comparator)}
        o = {_stem(w) for w in _content_words(outcome)}
        shared = i & c
        if not (i & _GENERIC_COMP):
            c |= _GENERIC_COMP - i
        gi, gc = _designators(intervention), _designators(comparator)
        gs = gi & gc
        return cls(
            frozenset(i - shared),
            frozenset(c - shared),
            frozenset(o - i - c),
            frozenset(gi - gs),
            frozenset(gc - gs),
        )

    def mark_groups(self, text: str) -> str:
        """Replace "group A" / "A group" / "IVCP" by INTV or COMP according to the prompt."""
        if not (self.intv_groups or self.comp_groups):
            return text

        def sub(m: re.Match[str]) -> str:
            d = m.group(1).lower()
            if d in self.intv_groups:
                return " INTV "
            if d in self.comp_groups:
                return " COMP "
            return m.group(0)

        text = _GROUP_AFTER.sub(sub, text)
        text = _GROUP_BEFORE.sub(sub, text)
        return _ABBR.sub(sub, text)


def _tokens(sentence: str, prompt: _Prompt) -> list[str]:
    """Lower-cased tokens with stats marked and prompt words replaced by INTV / COMP / OUTC."""
    text = prompt.mark_groups(mark_stats(normalize(sentence)))
    toks = _TOKEN.findall(
        text.replace("PSIG", "psig_").replace("INTV", "intv_").replace("COMP", "comp_").lower()
    )
    out: list[str] = []
    for t in toks:
        if t == "psig_":
            t = "PSIG"
        elif t == "intv_":
            t = "INTV"
        elif t == "comp_":
            t = "COMP"
        elif t in ("pns", "ci_has0", "ci_has1", "ci_pos", "ci_neg", "ci_lt1"):
            t = t.upper()
        elif t[0].isdigit():
            t = "NUM"
        else:
            s = _stem(t)
            if s in prompt.intv:
                t = "INTV"
            elif s in prompt.comp:
                t = "COMP"
            elif s in prompt.outc:
                t = "OUTC"
        if out and t == out[-1] and t in ("INTV", "COMP", "OUTC", "NUM"):
            continue  # "INTV INTV INTV" -> "INTV"
        out.append(t)
    return out


# --------------------------------------------------------------------------------------------
# Sentence splitting (articles are plain text with section headers on their own lines)
# --------------------------------------------------------------------------------------------

_ABBREV = re.compile(
    r"(?:\b(?:vs|et al|e\.g|i\.e|fig|figs|ref|approx|resp|no|nos|vol|ca|cf|dr|mr|mrs|ms|st|min|max|sd|se|"
    r"incl|eq|al|inc|ltd|co|corp|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)|\b[A-Z])\.$",
    re.IGNORECASE,
)
_BOUNDARY = re.compile(r"[.!?](?:[\"')\]]*)\s+(?=[\"'(\[]?[A-Z0-9])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``; lines are never joined into one sentence."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        s = 0
        for m in _BOUNDARY.finditer(line):
            head = line[s : m.start() + 1]
            if (
                _ABBREV.search(head)
                or re.search(r"\d\.$", head)
                and m.end() < len(line)
                and line[m.end()].isdigit()
            ):
                continue
            if head.strip():
                spans.append((start + s, start + m.end()))
            s = m.end()
        if line[s:].strip():
            spans.append((start + s, start + len(line)))
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (see :func:`sentence_spans`)."""
    return [text[a:b].strip() for a, b in sentence_spans(text)]


# --------------------------------------------------------------------------------------------
# Linear models stored as npz (no pickles)
# --------------------------------------------------------------------------------------------


@dataclass
class LinearModel:
    """A (multinomial or binary) linear model over hashed features, with idf weights."""

    coef: np.ndarray  # (n_classes or 1, n_features) float32
    intercept: np.ndarray  # (n_classes or 1,)
    classes: list[str]
    idf: np.ndarray | None = None  # (n_hash,) multiplies the hashed part before l2 normalisation
    meta: dict[str, object] | None = None

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        coef = sparse.csr_matrix(self.coef.astype(np.float32))
        arrays: dict[str, np.ndarray] = {
            "coef_data": coef.data.astype(np.float16),
            "coef_indices": coef.indices.astype(np.int32),
            "coef_indptr": coef.indptr.astype(np.int64),
            "coef_shape": np.array(coef.shape, dtype=np.int64),
            "intercept": self.intercept.astype(np.float64),
            "meta": np.array(json.dumps({"classes": self.classes, **(self.meta or {})})),
        }
        if self.idf is not None:
            nz = np.flatnonzero(self.idf != self.idf.max())
            arrays["idf_index"] = nz.astype(np.int32)
            arrays["idf_value"] = self.idf[nz].astype(np.float16)
            arrays["idf_default"] = np.array([self.idf.max(), self.idf.shape[0]], dtype=np.float64)
        # numpy's stub: a **dict might fill the keyword-only allow_pickle: bool (numpy 1.26 has no such parameter)
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        try:
            z = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise ModelMissing(
                f"cannot read model weights {path}: {e}; run the scripts/train_*.py that makes it"
            ) from e
        with z:
            shape = tuple(int(x) for x in z["coef_shape"])
            coef = sparse.csr_matrix(
                (z["coef_data"].astype(np.float32), z["coef_indices"], z["coef_indptr"]), shape=shape
            ).toarray()
            meta = json.loads(str(z["meta"]))
            idf = None
            if "idf_index" in z:
                default, n = z["idf_default"]
                idf = np.full(int(n), default, dtype=np.float32)
                idf[z["idf_index"]] = z["idf_value"].astype(np.float32)
            classes = list(meta.pop("classes"))
            return cls(coef=coef, intercept=z["intercept"], classes=classes, idf=idf, meta=meta)

    def decision(self, x: sparse.csr_matrix) -> np.ndarray:
        coef_t = self.__dict__.get("_coef_t")
        if coef_t is None or coef_t.shape[0] != self.coef.shape[1]:
            # a C-contiguous (n_features, n_classes) copy: sparse @ contiguous dense is several times faster
            coef_t = np.ascontiguousarray(self.coef.T)
            self.__dict__["_coef_t"] = coef_t
        return np.asarray(x @ coef_t) + self.intercept

    def proba_of(self, docs: Iterable[Iterable[tuple[str, float]]]) -> np.ndarray:
        """:meth:`predict_proba` of :func:`hash_features` ``(docs, self.idf)`` without building sparse matrices.

        The same numbers (hash, log-scaled counts, idf, l2 norm, linear map) computed with small numpy
        arrays: several times faster for the few sentences of one record (the bulk appraisal path).
        """
        coef_t = self.__dict__.get("_coef_t")
        if coef_t is None or coef_t.shape[0] != self.coef.shape[1]:
            coef_t = np.ascontiguousarray(self.coef.T)
            self.__dict__["_coef_t"] = coef_t
        rows = []
        for doc in docs:
            acc: dict[int, float] = {}
            for name, value in doc:
                j = _hash_index(name)
                acc[j] = acc.get(j, 0.0) + value
            if not acc:
                rows.append(self.intercept.astype(np.float64))
                continue
            idx = np.fromiter(acc.keys(), dtype=np.int64, count=len(acc))
            val = np.log1p(np.fromiter(acc.values(), dtype=np.float64, count=len(acc)))
            if self.idf is not None:
                val = val * self.idf[idx]
            norm = math.sqrt(float(val @ val)) or 1.0
            rows.append((val / norm) @ coef_t[idx] + self.intercept)
        d = np.vstack(rows) if rows else np.zeros((0, coef_t.shape[1]))
        return self._softmax(d)

    def predict_proba(self, x: sparse.csr_matrix) -> np.ndarray:
        return self._softmax(self.decision(x))

    @staticmethod
    def _softmax(d: np.ndarray) -> np.ndarray:
        if d.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-d[:, 0]))
            return np.column_stack([1 - p, p])
        d = d - d.max(axis=1, keepdims=True)
        e = np.exp(d)
        return e / e.sum(axis=1, keepdims=True)


_HASHER = FeatureHasher(n_features=N_HASH, input_type="pair", alternate_sign=False)


@lru_cache(maxsize=262_144)
def _hash_index(name: str) -> int:
    """The column :data:`_HASHER` puts feature ``name`` in (signed murmurhash3, absolute value, modulo)."""
    return abs(murmurhash3_32(name, seed=0)) % N_HASH


def hash_features(
    docs: Iterable[Iterable[tuple[str, float]]], idf: np.ndarray | None = None
) -> sparse.csr_matrix:
    """Hash (name, value) features; log-scale counts, weight by idf, l2-normalise rows."""
    x = _HASHER.transform(docs).tocsr()
    x.data = np.log1p(x.data)
    if idf is not None:
        x = x.multiply(idf[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ x)


def _ngrams(toks: Sequence[str], prefix: str, n_max: int) -> list[tuple[str, float]]:
    feats = [(prefix + t, 1.0) for t in toks]
    for n in range(2, n_max + 1):
        feats.extend((prefix + " ".join(toks[i : i + n]), 1.0) for i in range(len(toks) - n + 1))
    return feats


@lru_cache(maxsize=50_000)
def _word_char_grams(word: str, lo: int, hi: int) -> tuple[tuple[str, float], ...]:
    w = f" {word} "
    return tuple(("c:" + w[i : i + n], 1.0) for n in range(lo, hi + 1) for i in range(max(len(w) - n + 1, 1)))


def _char_grams(text: str, lo: int = 3, hi: int = 5) -> list[tuple[str, float]]:
    feats: list[tuple[str, float]] = []
    for w in text.split():
        feats.extend(_word_char_grams(w, lo, hi))
    return feats


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
