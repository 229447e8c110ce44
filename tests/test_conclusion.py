"""PubMedQA-style answers (rxevidence.appraise.conclusion)."""

from __future__ import annotations

import json
import time

import pytest

from rxevidence.appraise import conclusion as Q

QUESTION = "Does ibuprofen reduce pain after dental surgery?"
METHODS = (
    "BACKGROUND: Pain after third molar extraction is common. "
    "METHODS: 120 patients were randomised to ibuprofen or placebo. "
)


def test_clear_yes():
    ctx = METHODS + (
        "RESULTS: Pain intensity at 6 h was significantly lower with ibuprofen than placebo (p < 0.001). "
        "Rescue analgesia was needed less often with ibuprofen (12% vs 55%, p < 0.001)."
    )
    answer, prob = Q.answer_question(QUESTION, ctx)
    assert answer == "yes" and prob > 0.5


def test_clear_no():
    ctx = METHODS + (
        "RESULTS: Pain intensity at 6 h did not differ between ibuprofen and placebo (p = 0.62). "
        "There was no significant difference in rescue analgesia use (30% vs 32%, p = 0.81). "
        "Ibuprofen was not associated with less pain."
    )
    answer, prob = Q.answer_question(QUESTION, ctx)
    assert answer == "no" and prob > 0.5


def test_probabilities_sum_to_one_and_load_fast():
    Q._model.cache_clear()
    t0 = time.perf_counter()
    probs = Q.answer_probabilities(QUESTION, METHODS)
    assert time.perf_counter() - t0 < 5.0
    assert set(probs) == set(Q.ANSWERS)
    assert abs(sum(probs.values()) - 1) < 1e-6


@pytest.mark.shared
def test_training_questions_beat_majority(shared):
    """On the non-test PQA-L questions (its training data) the model beats always-'yes' clearly."""
    root = shared("pubmedqa")
    data = json.loads((root / "ori_pqal.json").read_text(encoding="utf-8"))
    test_ids = set(json.loads((root / "test_ground_truth.json").read_text(encoding="utf-8")))
    items = [r for pmid, r in data.items() if pmid not in test_ids][:100]
    gold = [r["final_decision"] for r in items]
    pred = [Q.answer_question(r["QUESTION"], "\n".join(r["CONTEXTS"]))[0] for r in items]
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    majority = max(gold.count(a) for a in Q.ANSWERS) / len(gold)
    assert acc >= majority + 0.1, (acc, majority)
    assert "no" in pred
