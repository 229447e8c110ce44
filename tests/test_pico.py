"""PICO token tagger (rxevidence.appraise.pico)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from rxevidence.appraise import pico as P


def test_tokenize():
    assert P.tokenize("Ibuprofen 400 mg vs. placebo (n=120).") == [
        "Ibuprofen",
        "400",
        "mg",
        "vs",
        ".",
        "placebo",
        "(",
        "n",
        "=",
        "120",
        ")",
        ".",
    ]


def test_handwritten_abstract():
    text = (
        "Ibuprofen versus placebo for acute low back pain in adults: a randomised trial of 120 patients. "
        "The primary outcome was pain intensity at 7 days."
    )
    tokens = P.tokenize(text)
    spans = P.extract_pico(text)
    assert set(spans) == {"participants", "interventions", "outcomes"}
    words = {k: " ".join(s[2] for s in v).lower() for k, v in spans.items()}
    assert "ibuprofen" in words["interventions"] and "placebo" in words["interventions"]
    assert "back pain" in words["participants"]
    assert "pain intensity" in words["outcomes"]
    assert "versus" not in words["interventions"]
    for k, v in spans.items():
        for start, end, span_text in v:
            assert 0 <= start < end <= len(tokens)
            assert span_text == " ".join(tokens[start:end]), k
    # token input gives the same spans
    assert P.extract_pico(tokens) == spans


def test_weights_load_fast():
    P._model.cache_clear()
    t0 = time.perf_counter()
    P.extract_pico("Aspirin for headache.")
    assert time.perf_counter() - t0 < 5.0
    assert P.extract_pico("") == {"participants": [], "interventions": [], "outcomes": []}


def _read(path):
    sents, toks, labs = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if toks:
                sents.append((toks, labs))
            toks, labs = [], []
            continue
        parts = line.split("\t")
        toks.append(parts[0])
        labs.append(int(parts[-1] != "O"))
    return sents


@pytest.mark.shared
@pytest.mark.parametrize("elem", ["p", "i", "o"])
def test_tags_real_dev_sentences(shared, elem):
    """On EBM-NLP dev sentences (the tagger's training data) tagged tokens overlap the gold ones well,
    and far better than tagging every content token."""
    sents = _read(shared("ebm_nlp", "pio_conll_v1_from_ashiqopu", f"{elem}-dev.txt"))[:300]
    gold = np.array([v for _, ls in sents for v in ls])
    pred = np.concatenate([P.tag_probabilities(t, elem) for t, _ in sents]) >= P.THRESHOLDS[elem]
    tp = float((gold & pred).sum())
    f1 = 2 * tp / (gold.sum() + pred.sum())
    base = 2 * gold.sum() / (gold.sum() + len(gold))  # tag everything
    assert f1 >= 0.45 and f1 > 2 * base, (elem, f1, base)
