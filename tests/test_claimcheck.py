"""claimcheck: the shipped claim-vs-evidence weights load offline and fast, and label clear-cut pairs."""

from __future__ import annotations

import csv
import time

import numpy as np
import pytest

from rxevidence import claimcheck as CC
from rxevidence.errors import InputError

# Handwritten, clear-cut pairs (drug-trial phrasing, the audit's domain, plus a few health claims).
CLEAR_PAIRS = [
    ("Diazepam reduces back pain", "Diazepam did not reduce back pain compared with placebo.", "refutes"),
    ("Diazepam reduces back pain", "Diazepam significantly reduced back pain compared with placebo.", "supports"),
    ("Gabapentin is effective for sciatica", "Gabapentin was no more effective than placebo for sciatica pain.",
     "refutes"),
    ("Vitamin C cures COVID-19", "There is no evidence that vitamin C cures COVID-19.", "refutes"),
    ("Masks reduce transmission of the virus",
     "Wearing masks significantly reduced transmission of the virus in households.", "supports"),
    ("Hydroxychloroquine reduces mortality in COVID-19",
     "Hydroxychloroquine did not reduce 28-day mortality in hospitalised patients.", "refutes"),
    ("Cyclobenzaprine helps acute low back pain",
     "Cyclobenzaprine improved acute low back pain more than placebo in a randomised trial.", "supports"),
    ("Paracetamol reduces fever", "The hospital car park was expanded in 2019.", "neutral"),
]


def test_weights_load_offline_and_fast(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    CC.load_model.cache_clear()
    t0 = time.perf_counter()
    model = CC.load_model()
    assert time.perf_counter() - t0 < 2.0
    assert model.labels == CC.LABELS == ("neutral", "refutes", "supports")
    assert CC.WEIGHTS_FILE.stat().st_size < 20e6
    assert "HealthVer dev" in model.info


@pytest.mark.parametrize(("claim", "evidence", "gold"), CLEAR_PAIRS)
def test_clear_pairs(claim, evidence, gold):
    label, p = CC.classify(claim, evidence)
    assert label == gold, (claim, evidence, label, p)
    assert 1 / 3 < p <= 1.0


def test_negation_flips_the_verdict():
    claim = "Tizanidine relieves muscle spasm"
    pos = CC.classify(claim, "Tizanidine relieved muscle spasm better than placebo.")
    neg = CC.classify(claim, "Tizanidine failed to relieve muscle spasm compared with placebo.")
    assert pos[0] == "supports" and neg[0] == "refutes"


def test_classify_many_matches_classify_and_is_fast():
    pairs = [(c, e) for c, e, _ in CLEAR_PAIRS] * 250  # 2,000 pairs
    t0 = time.perf_counter()
    out = CC.classify_many(pairs)
    rate = len(pairs) / (time.perf_counter() - t0)
    assert len(out) == len(pairs)
    assert out[: len(CLEAR_PAIRS)] == [CC.classify(c, e) for c, e, _ in CLEAR_PAIRS]
    assert rate > 300, f"{rate:.0f} pairs/s"  # loose: CI machines are shared; the bench reports the real rate
    assert CC.classify_many([]) == []


def test_probabilities_sum_to_one():
    p = CC.load_model().predict_proba([(c, e) for c, e, _ in CLEAR_PAIRS])
    assert p.shape == (len(CLEAR_PAIRS), 3)
    assert np.allclose(p.sum(axis=1), 1.0)


def test_bad_input_is_an_input_error():
    with pytest.raises(InputError):
        CC.classify_many([("only a claim",)])  # type: ignore[list-item]
    with pytest.raises(InputError):
        CC.classify_many([("claim", None)])  # type: ignore[list-item]


def test_negation_scope():
    toks = CC.tokens("Drug X didn't reduce pain, but it improved sleep.")
    neg = {t.word for t in toks if t.neg}
    assert {"reduce", "pain"} <= neg
    assert "improved" not in neg and "sleep" not in neg


def test_missing_or_stale_weights_say_how_to_fix(tmp_path):
    with pytest.raises(CC.ModelMissing, match="train_claimcheck.py"):
        CC.load_model(tmp_path / "nope.npz")
    model = CC.load_model()
    stale = tmp_path / "stale.npz"
    model.save(stale)
    with np.load(stale) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["feature_version"] = np.array(CC.FEATURE_VERSION + 1)
    np.savez(stale, **arrays)
    with pytest.raises(CC.ModelMissing, match="feature version"):
        CC.ClaimCheckModel.load(stale)


def test_saved_model_round_trips(tmp_path):
    model = CC.load_model()
    path = tmp_path / "m.npz"
    model.save(path)
    again = CC.ClaimCheckModel.load(path)
    pairs = [(c, e) for c, e, _ in CLEAR_PAIRS]
    assert np.allclose(model.predict_proba(pairs), again.predict_proba(pairs), atol=1e-5)


@pytest.mark.shared
def test_healthver_test_split_beats_chance(shared):
    """The shipped model (fitted on HealthVer dev only) on 600 test pairs: well above the majority baseline."""
    from sklearn.metrics import f1_score

    path = shared("healthver", "healthver_test.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[:600]
    gold = [r["label"].strip().lower() for r in rows]
    pred = [lab for lab, _ in CC.classify_many([(r["claim"], r["evidence"]) for r in rows])]
    macro = f1_score(gold, pred, average="macro")
    majority = f1_score(gold, ["neutral"] * len(gold), average="macro")
    assert macro > 0.45 > majority, macro
    assert len(set(pred)) == 3
