"""Contradiction precision and claim splitting rules from the v6 misses (own-words examples, pack-only store)."""

from __future__ import annotations

import pytest

from rxevidence.audit import audit, segments
from rxevidence.audit.contradictions import _groups, find_contradictions
from rxevidence.audit.meaning import denies, hedge_of
from rxevidence.audit.report import Claim
from rxevidence.store import SQLiteStore


@pytest.fixture(scope="module")
def store():
    s = SQLiteStore(":memory:")
    yield s
    s.close()


def effect(text: str, polarity: str, *, cond: str = "fibromyalgia", attribution: str | None = None) -> Claim:
    return Claim(text=text, start=0, end=len(text), kind="effect", polarity=polarity, drugs=["cyclobenzaprine"],
                 condition=cond, condition_id=cond, attribution=attribution)


def test_null_result_on_pain_does_not_contradict_benefit_on_sleep_or_global_improvement():
    neg = effect("Pain outcomes did not show a significant improvement over placebo", "negative")
    for pos in ("Sleep quality improved significantly with cyclobenzaprine",
                "People on cyclobenzaprine more often rated themselves as improved",
                "Cyclobenzaprine is used for its effect on sleep rather than pain relief"):
        assert find_contradictions([effect(pos, "positive"), neg]) == [], pos
    # the same outcome named on both sides is a contradiction
    same = effect("Cyclobenzaprine gives a moderate reduction in pain", "positive")
    assert len(find_contradictions([same, neg])) == 1


def test_effect_size_words_are_not_a_subgroup():
    assert _groups(effect("moderate reductions in pain with cyclobenzaprine", "positive")) == set()
    assert _groups(effect("works in moderate pain", "positive")) == {"severity:moderate"}


def test_preventing_a_condition_is_another_use_than_treating_it():
    pos = effect("Gabapentin is very effective for treating postherpetic neuralgia", "positive", cond="phn")
    neg = effect("Gabapentin does not work for preventing postherpetic neuralgia when started early", "negative",
                 cond="phn")
    assert find_contradictions([pos, neg]) == []
    # a condition that is itself a preventive use keeps the rule off
    p2 = effect("Amitriptyline works for migraine prevention", "positive", cond="migraine-prevention")
    n2 = effect("Amitriptyline does not reduce migraine frequency", "negative", cond="migraine-prevention")
    assert len(find_contradictions([p2, n2])) == 1


def test_null_findings_phrased_with_find_and_plural_differences_deny_the_effect():
    assert denies("At follow-up the team didn't find any meaningful differences between the groups in cramps")
    assert denies("There were no differences between the groups")
    assert not denies("The drug showed differences in sleep")


def test_more_likely_is_a_comparison_of_chances_not_a_hedge():
    assert hedge_of("Treated patients were three times more likely to report improvement") is None
    assert hedge_of("It is likely to help") == "likely"


def test_label_lines_without_markers_and_multi_sentence_leads_are_split():
    text = ("Cyclobenzaprine is a muscle relaxant. It acts in the brain stem. It has several effects:\n"
            "Sleep Benefit: cyclobenzaprine improves sleep in fibromyalgia 3\n"
            "Pain Benefit: a review found less pain with cyclobenzaprine 3\n")
    segs = [(s.role, s.text) for s in segments(text)]
    assert ("sentence", "Cyclobenzaprine is a muscle relaxant.") in segs
    assert ("lead", "It has several effects:") in segs
    assert any(t.startswith("Sleep Benefit:") and "Pain Benefit" not in t for _, t in segs)
    assert any(t.startswith("Pain Benefit:") for _, t in segs)


def test_findings_under_a_bare_lead_in_belong_to_the_drug_just_named(store):
    text = ("Cyclobenzaprine for fibromyalgia\n"
            "A systematic review of five trials involving 312 patients evaluated cyclobenzaprine in fibromyalgia. "
            "Key findings include:\n"
            "- Sleep showed a small improvement at 12 weeks\n"
            "- Pain outcomes did not show significant improvement compared to placebo\n")
    claims = audit(text, store=store, kind="text").claims
    pain = next(c for c in claims if c.text.startswith("Pain outcomes"))
    assert pain.drugs == ["cyclobenzaprine"] and pain.polarity == "negative"
    assert any(c.text.startswith("Sleep showed") for c in claims)
