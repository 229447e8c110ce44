"""The learned fallback for the effect direction (appraise.fallback): used only where the rules read nothing sure,
only on result sentences with their own statistics, and "unclear" whenever the model is not sure."""

from __future__ import annotations

import numpy as np
import pytest

from rxevidence.appraise import appraise_record, direction, effect
from rxevidence.models import Record, Section

TITLE = "Zorblax and the onset of stroke in older people: a randomised trial"
RESULT = ("Stroke occurred in 40 of 1500 patients given zorblax and 80 of 1500 given placebo "
          "(relative risk 0.50; 95% CI 0.34-0.73; P<0.001).")
ABSTRACT = ("To test whether zorblax prevents stroke. We randomly assigned 3000 patients to zorblax or placebo. "
            f"{RESULT} These findings need confirmation in other populations.")


def _appraise(text: str = ABSTRACT):
    a = appraise_record(Record(id="pmid:1", kind="article", title=TITLE, sections=[Section(text=text)]))
    assert a is not None
    return a


def _fixed(p: list[float]):
    def proba(sentences, **_kw):  # type: ignore[no-untyped-def]
        return np.array([p for _ in sentences])
    return proba


def test_the_rules_read_nothing_in_a_bare_result_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(effect, "USE_MODEL_FALLBACK", False)
    assert _appraise().direction == "unclear"


def test_a_confident_model_reads_the_direction_through_the_outcome_polarity(monkeypatch: pytest.MonkeyPatch) -> None:
    # columns: decreased, increased, no difference; less stroke risk is better
    monkeypatch.setattr(direction, "direction_proba", _fixed([0.9, 0.05, 0.05]))
    a = _appraise()
    assert a.direction == "better"
    assert a.sources["direction"].sentence == RESULT
    assert 0.5 <= a.sources["direction"].confidence < 0.8  # a model's word, below a judgement's


def test_an_unsure_model_leaves_the_direction_unclear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(direction, "direction_proba", _fixed([0.55, 0.15, 0.30]))
    assert _appraise().direction == "unclear"


def test_no_difference_is_never_read_against_significant_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(direction, "direction_proba", _fixed([0.02, 0.02, 0.96]))
    assert _appraise().direction == "unclear"  # P<0.001 and a CI excluding 1: not "no difference"
    ns = ABSTRACT.replace("relative risk 0.50; 95% CI 0.34-0.73; P<0.001", "relative risk 0.97; 95% CI 0.70-1.34; P=0.85")
    assert _appraise(ns).direction == "no difference"


def test_a_difference_needs_significant_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(direction, "direction_proba", _fixed([0.9, 0.05, 0.05]))
    ns = ABSTRACT.replace("relative risk 0.50; 95% CI 0.34-0.73; P<0.001", "relative risk 0.97; 95% CI 0.70-1.34; P=0.85")
    assert _appraise(ns).direction == "unclear"
