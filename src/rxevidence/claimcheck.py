"""Does a piece of evidence support, refute or say nothing about a health claim?

A small linear model over hashed features of the (claim, evidence) pair -- no embeddings, no torch --
trained by ``scripts/train_claimcheck.py`` on the HealthVer dev split (the train split is not in
``../shared/data``); the weights are a plain ``.npz`` file in ``claimcheck_weights/`` (no pickles).

- :func:`classify` -- ``(label, probability)`` with label ``"supports" | "refutes" | "neutral"``.
- :func:`classify_many` -- the same for many pairs at once (thousands of pairs per second).

Features (see :func:`pair_features`):

- words and word pairs of the claim and of the evidence, after negation marking: the words after
  "not", "no", "never", "failed to"... up to the next punctuation are prefixed ``NEG_``, so "did not
  reduce" and "reduced" are different features;
- cue categories on each side (increase / decrease, benefit / harm / null finding, hedging, strong
  assertion, question, numbers) and their claim-category x evidence-category crossings, each with the
  negation parity of the side, so "claim: X reduces pain" x "evidence: X did not reduce pain" is one
  feature the model can weigh;
- polarity agreement on shared words: a word the claim asserts and the evidence negates (or the
  reverse) counts as a mismatch, one both assert or both negate as a match;
- effect direction of each side (up / down, flipped by negation) and whether they agree;
- lexical overlap: content-word Jaccard, claim coverage, IDF-weighted cosine, shared rare words;
- hashed claim-word x evidence-cue-word crossings.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher

from rxevidence.errors import InputError, RxEvidenceError

WEIGHTS_DIR = Path(__file__).resolve().parent / "claimcheck_weights"
WEIGHTS_FILE = WEIGHTS_DIR / "claimcheck.npz"
LABELS: tuple[str, ...] = ("neutral", "refutes", "supports")
N_HASH = 2**18
N_IDF = 2**16
FEATURE_VERSION = 1

__all__ = [
    "LABELS",
    "ClaimCheckModel",
    "ModelMissing",
    "classify",
    "classify_many",
    "featurize",
    "load_model",
    "pair_features",
    "tokens",
]


class ModelMissing(RxEvidenceError):
    """The shipped weight file is missing or unreadable (re-run ``python scripts/train_claimcheck.py``)."""


# --------------------------------------------------------------------------------------------
# Tokens and negation scope
# --------------------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_CONTRACTIONS = (
    (re.compile(r"\bcan[’']t\b"), "can not"),
    (re.compile(r"\bwon[’']t\b"), "will not"),
    (re.compile(r"\bcannot\b"), "can not"),
    (re.compile(r"n[’']t\b"), " not"),
)
_TOKEN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*|\d+(?:\.\d+)?%?|[.,;:!?()]")
_PUNCT = frozenset(".,;:!?()")
_NEGATORS = frozenset(
    """not no never none nor neither without lack lacks lacking lacked fail fails failed failure unable
    absence absent nothing nobody cannot""".split()
)
# words that end a negation scope without being punctuation
_SCOPE_BREAK = frozenset("but however although though whereas while yet except".split())
_NEG_WINDOW = 6
_STOP = frozenset(
    """a an and are as at be been being but by for from had has have he her his i if in into is it its
    of on or our she so that the their them then there these they this those to was we were what when
    which who will with would you your can could may might do does did than also about more most other
    such only some any all each both very just over its""".split()
)


def _normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).lower()
    t = t.replace("\u2019", "'").replace("\u2212", "-")
    for pat, rep in _CONTRACTIONS:
        t = pat.sub(rep, t)
    return _SPACE.sub(" ", t).strip()


@dataclass(frozen=True)
class Tok:
    """One word with its negation flag (inside the scope of a preceding negator)."""

    word: str
    neg: bool


def tokens(text: str) -> list[Tok]:
    """Words of ``text`` (lower-cased, contractions expanded) with negation scope marked.

    A negator ("not", "no", "never", "without", "failed"...) negates the next words up to punctuation,
    a contrastive word ("but", "however"...) or six words, whichever comes first. Punctuation is dropped.

    >>> [t.word for t in tokens("X did not reduce pain.") if t.neg]
    ['reduce', 'pain']
    """
    out: list[Tok] = []
    scope = 0
    for w in _TOKEN.findall(_normalise(text)):
        if w in _PUNCT or w in _SCOPE_BREAK:
            scope = 0
            if w in _SCOPE_BREAK:
                out.append(Tok(w, False))
            continue
        if w in _NEGATORS:
            out.append(Tok(w, False))
            scope = _NEG_WINDOW
            continue
        out.append(Tok(w, scope > 0))
        if scope:
            scope -= 1
    return out


# --------------------------------------------------------------------------------------------
# Cue lexicons (prefix match on words)
# --------------------------------------------------------------------------------------------

_CUES: dict[str, tuple[str, ...]] = {
    "up": ("increas", "rais", "rise", "rises", "rising", "rose", "higher", "elevat", "enhanc", "boost",
           "greater", "augment", "accelerat", "amplif", "more"),
    "down": ("decreas", "reduc", "lower", "declin", "diminish", "less", "fewer", "drop", "inhibit",
             "suppress", "attenuat", "block", "slow", "shorten", "cut", "limit", "mitigat", "alleviat",
             "relie", "eas"),
    "benefit": ("effective", "efficac", "benefi", "protect", "prevent", "help", "cure", "cures", "cured",
                "treat", "improv", "safe", "recover", "kill", "work", "useful", "success", "promising",
                "favorabl", "favourabl", "potent", "immun", "heal", "superior"),
    "harm": ("harm", "risk", "danger", "toxic", "advers", "death", "die", "died", "mortal", "severe",
             "severit", "worse", "worsen", "damag", "fatal", "complicat", "side", "infect", "spread",
             "transmi", "contagio", "susceptib", "vulnerab", "inferior"),
    "null": ("ineffective", "unproven", "myth", "false", "fake", "hoax", "insufficient", "unclear",
             "inconclusive", "unsupported", "debunk", "misinformation", "rumor", "rumour", "baseless",
             "nonsignificant", "non-significant", "similar", "comparable", "equivalent", "unlikely"),
    "hedge": ("may", "might", "could", "possibl", "potential", "suggest", "hypothes", "propos", "likely",
              "perhaps", "appear", "seem", "speculat", "believ", "think", "uncertain", "preliminar",
              "unknown", "further", "needed", "warrant"),
    "strong": ("show", "shown", "demonstrat", "confirm", "prove", "proven", "clearly", "found", "find",
               "evidence", "significant", "significantly", "establish", "indicat", "observed", "reveal",
               "report", "associat"),
    "study": ("study", "studies", "trial", "trials", "randomi", "meta-analys", "cohort", "patients",
              "participants", "review", "data"),
}


@lru_cache(maxsize=200_000)
def _cats(word: str) -> tuple[str, ...]:
    return tuple(c for c, prefixes in _CUES.items() if word.startswith(prefixes))


_NULL_PHRASES = re.compile(
    r"\b(no (?:significant |clear |good |strong |conclusive |scientific |convincing )?"
    r"(?:evidence|effect|difference|benefit|association|proof|data|support)"
    r"|not (?:statistically )?significant|did not (?:differ|show|find|reduce|improve|affect)"
    r"|there is no|does not (?:prevent|cure|protect|work|kill|treat)|not (?:effective|proven|recommended)"
    r"|no (?:known )?(?:cure|vaccine|treatment)|is not|are not)\b"
)
_NUMBER = re.compile(r"\d")


# --------------------------------------------------------------------------------------------
# Features
# --------------------------------------------------------------------------------------------


def _content(toks: Sequence[Tok]) -> list[Tok]:
    return [t for t in toks if t.word not in _STOP and len(t.word) > 2 and not t.word[0].isdigit()]


def _direction(toks: Sequence[Tok]) -> int:
    """+1 when the text says something goes up, -1 down, 0 none or both (negation flips)."""
    s = 0
    for t in toks:
        c = _cats(t.word)
        if "up" in c:
            s += -1 if t.neg else 1
        elif "down" in c:
            s += 1 if t.neg else -1
    return (s > 0) - (s < 0)


def _side_summary(text: str, toks: Sequence[Tok]) -> dict[str, float]:
    low = _normalise(text)
    counts: Counter[str] = Counter()
    for t in toks:
        for c in _cats(t.word):
            counts[c + ("_neg" if t.neg else "")] += 1
    n_neg = sum(1 for t in toks if t.word in _NEGATORS)
    counts["negator"] = n_neg
    counts["null_phrase"] = len(_NULL_PHRASES.findall(low))
    counts["number"] = len(_NUMBER.findall(low)) > 0
    counts["question"] = "?" in text
    return dict(counts)


@lru_cache(maxsize=200_000)
def _stem(w: str) -> str:
    for suf in ("ing", "ed", "es", "s", "ly"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


@lru_cache(maxsize=200_000)
def _idf_index(word: str) -> int:
    # FNV-1a, stable across runs and platforms (Python's hash() is salted)
    h = 2166136261
    for ch in word.encode("utf-8"):
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h % N_IDF


def pair_features(claim: str, evidence: str, idf: np.ndarray | None = None) -> dict[str, float]:
    """The named features of one (claim, evidence) pair, before hashing.

    ``idf`` is the hashed inverse document frequency table of the model (``None``: all ones).
    """
    ct, et = tokens(claim), tokens(evidence)
    f: dict[str, float] = {}

    # bag of words and bigrams, each side, with negation marks
    def bag(prefix: str, toks: Sequence[Tok]) -> None:
        words = [("NEG_" if t.neg else "") + t.word for t in toks]
        for w in words:
            f[f"{prefix}w={w}"] = 1.0
        for a, b in zip(words, words[1:], strict=False):
            f[f"{prefix}b={a}_{b}"] = 1.0

    bag("c:", ct)
    bag("e:", et)

    # cue categories and their crossings
    cs, es = _side_summary(claim, ct), _side_summary(evidence, et)
    for k, v in cs.items():
        f[f"cs:{k}"] = math.log1p(float(v))
    for k, v in es.items():
        f[f"es:{k}"] = math.log1p(float(v))
    c_on = [k for k, v in cs.items() if v]
    e_on = [k for k, v in es.items() if v]
    for a in c_on:
        for b in e_on:
            f[f"x:{a}|{b}"] = 1.0
    c_par = cs.get("negator", 0) % 2
    e_par = es.get("negator", 0) % 2
    f[f"negpar:{c_par}{e_par}"] = 1.0
    f[f"negany:{int(cs.get('negator', 0) > 0)}{int(es.get('negator', 0) > 0)}"] = 1.0

    # effect direction agreement
    cd, ed = _direction(ct), _direction(et)
    f[f"dir:{cd}|{ed}"] = 1.0
    if cd and ed:
        f["dir_agree" if cd == ed else "dir_disagree"] = 1.0

    # polarity agreement on shared (stemmed) content words
    cc, ec = _content(ct), _content(et)
    cpol: dict[str, set[bool]] = {}
    for t in cc:
        cpol.setdefault(_stem(t.word), set()).add(t.neg)
    epol: dict[str, set[bool]] = {}
    for t in ec:
        epol.setdefault(_stem(t.word), set()).add(t.neg)
    shared = set(cpol) & set(epol)
    match = mismatch = 0
    for w in shared:
        if cpol[w] & epol[w]:
            match += 1
        else:
            mismatch += 1
            for c in _cats(w):
                f[f"mismatch_cat:{c}"] = 1.0
    f["pol_match"] = math.log1p(match)
    f["pol_mismatch"] = math.log1p(mismatch)
    if mismatch:
        f["pol_any_mismatch"] = 1.0

    # lexical overlap
    cset, eset = set(cpol), set(epol)
    inter = len(shared)
    union = len(cset | eset) or 1
    f["jaccard"] = inter / union
    f["claim_cover"] = inter / (len(cset) or 1)
    if idf is not None:
        wc = {w: idf[_idf_index(w)] for w in cset}
        we = {w: idf[_idf_index(w)] for w in eset}
    else:
        wc = dict.fromkeys(cset, 1.0)
        we = dict.fromkeys(eset, 1.0)
    num = sum(wc[w] * we[w] for w in shared)
    den = math.sqrt(sum(v * v for v in wc.values()) * sum(v * v for v in we.values())) or 1.0
    cos = num / den
    f["cosine"] = cos
    f[f"cos_bin:{min(int(cos * 10), 9)}"] = 1.0
    rare = sum(1 for w in shared if wc[w] > 4.0)
    f["shared_rare"] = math.log1p(rare)
    f[f"cover_bin:{min(int(f['claim_cover'] * 5), 4)}"] = 1.0
    f["ev_len"] = math.log1p(len(et)) / 5.0

    # claim word x evidence cue-word crossings
    e_cue = {("NEG_" if t.neg else "") + t.word for t in et if _cats(t.word) or t.word in _NEGATORS}
    c_key = {("NEG_" if t.neg else "") + _stem(t.word) for t in cc}
    for a in c_key:
        for b in e_cue:
            f[f"cx:{a}|{b}"] = 1.0
    return f


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------

_HASHER = FeatureHasher(n_features=N_HASH, input_type="dict", alternate_sign=False)


def featurize(pairs: Iterable[tuple[str, str]], idf: np.ndarray | None = None) -> sparse.csr_matrix:
    """Hashed feature matrix (one row per pair)."""
    return _HASHER.transform(pair_features(c, e, idf) for c, e in pairs).tocsr()


def document_frequency_idf(texts: Iterable[str]) -> np.ndarray:
    """Smoothed IDF over the hashed stemmed content words of ``texts`` (as sklearn's ``smooth_idf``)."""
    df = np.zeros(N_IDF, dtype=np.float64)
    n = 0
    for t in texts:
        n += 1
        for w in {_stem(x.word) for x in _content(tokens(t))}:
            df[_idf_index(w)] += 1
    return (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)


@dataclass
class ClaimCheckModel:
    """A multinomial linear model: ``softmax(X @ coef.T + intercept)`` over :data:`LABELS`."""

    coef: np.ndarray | sparse.csr_matrix  # (n_labels, N_HASH) float32
    intercept: np.ndarray  # (n_labels,)
    idf: np.ndarray  # (N_IDF,) float32
    labels: tuple[str, ...] = LABELS
    info: str = ""

    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros((0, len(self.labels)))
        x = featurize(pairs, self.idf)
        xc = x @ self.coef.T
        z = (xc.toarray() if sparse.issparse(xc) else np.asarray(xc)).astype(np.float64) + self.intercept
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        coef = sparse.csr_matrix(self.coef.astype(np.float32))
        np.savez_compressed(
            path,
            coef_data=coef.data,
            coef_indices=coef.indices,
            coef_indptr=coef.indptr,
            coef_shape=np.array(coef.shape),
            intercept=self.intercept.astype(np.float64),
            idf=self.idf.astype(np.float32),
            labels=np.array(self.labels),
            info=np.array(self.info),
            feature_version=np.array(FEATURE_VERSION),
        )

    @classmethod
    def load(cls, path: Path) -> ClaimCheckModel:
        try:
            with np.load(path, allow_pickle=False) as z:
                version = int(z["feature_version"])
                if version != FEATURE_VERSION:
                    raise ModelMissing(
                        f"{path} was trained with feature version {version}, this code expects "
                        f"{FEATURE_VERSION}; re-run python scripts/train_claimcheck.py"
                    )
                coef = sparse.csr_matrix(
                    (z["coef_data"], z["coef_indices"], z["coef_indptr"]), shape=tuple(z["coef_shape"])
                )
                return cls(
                    coef=coef,
                    intercept=z["intercept"],
                    idf=z["idf"],
                    labels=tuple(str(x) for x in z["labels"]),
                    info=str(z["info"]),
                )
        except (OSError, KeyError, ValueError) as e:
            raise ModelMissing(
                f"cannot read the claim-check weights at {path} ({e}); "
                "re-run python scripts/train_claimcheck.py"
            ) from e


@lru_cache(maxsize=4)
def load_model(path: Path = WEIGHTS_FILE) -> ClaimCheckModel:
    """The shipped model (cached)."""
    if not path.exists():
        raise ModelMissing(f"no claim-check weights at {path}; run python scripts/train_claimcheck.py")
    return ClaimCheckModel.load(path)


def classify_many(
    pairs: Iterable[tuple[str, str]], *, model: ClaimCheckModel | None = None
) -> list[tuple[str, float]]:
    """``(label, probability)`` for each ``(claim, evidence)`` pair.

    >>> classify_many([("Drug X reduces pain", "Drug X did not reduce pain compared with placebo.")])[0][0]
    'refutes'

    :raises InputError: a pair is not two strings.
    :raises ModelMissing: the weights are missing or stale.
    """
    items = list(pairs)
    for i, p in enumerate(items):
        if not (isinstance(p, tuple | list) and len(p) == 2 and all(isinstance(s, str) for s in p)):
            raise InputError(f"pair {i} must be (claim, evidence) strings, got {type(p).__name__}")
    m = model or load_model()
    proba = m.predict_proba([(c, e) for c, e in items])
    best = proba.argmax(axis=1)
    return [(m.labels[j], float(proba[i, j])) for i, j in enumerate(best)]


def classify(claim: str, evidence: str, *, model: ClaimCheckModel | None = None) -> tuple[str, float]:
    """Does ``evidence`` support or refute ``claim``, or neither? Returns ``(label, probability)``.

    >>> classify("Vitamin C cures COVID-19", "There is no evidence that vitamin C cures COVID-19.")[0]
    'refutes'
    """
    return classify_many([(claim, evidence)], model=model)[0]
