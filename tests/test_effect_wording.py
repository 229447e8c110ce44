"""Direction wording (issue #20): the degree of a verb, hedged benefit verbs and control-arm-only clauses.
Sentences are written for these tests, not copied from abstracts."""

from __future__ import annotations

import pytest

from rxevidence.appraise.effect import sentence_readings


def directions(text: str) -> list[tuple[str, str | None]]:
    return [(r.direction, r.target) for r in sentence_readings(text, ["drugx"], [])]


@pytest.mark.parametrize(("text", "want"), [
    ("Drugx relieved itching and sneezing to a significantly greater extent than placebo.", "better"),
    ("Drugx reduced pain scores more than placebo did.", "better"),
    ("Drugx lowered anxiety ratings significantly more than placebo (p = 0.02).", "better"),
    ("Drugx improved walking distance less than placebo.", "worse"),
    ("Drugx increased mortality more than placebo.", "worse"),
    # the comparison word names its own outcome: read as before
    ("Drugx produced greater pain relief than placebo.", "better"),
    ("Drugx improved symptoms and produced less dizziness than placebo.", "better"),
])
def test_more_or_greater_extent_grades_the_verb_before_it(text: str, want: str) -> None:
    assert directions(text) == [(want, "placebo")]


def test_a_hedged_benefit_verb_is_a_benefit() -> None:
    rs = sentence_readings("Our results suggest that drugx may enhance memory in older adults.", ["drugx"], [])
    assert [r.direction for r in rs] == ["better"]
    assert rs[0].confidence < 0.8  # hedged: less sure than a plain statement


def test_a_clause_about_the_control_arm_alone_is_no_comparison() -> None:
    assert directions("In the placebo group, no significant changes in symptom scores were seen.") == []
    assert directions("In the control group, no significant effects of drugx were evident.") == []
    # a comparison stated from the control arm's side still reads
    assert directions("In the control group, pain was significantly higher than in the drugx group.") == [
        ("better", "placebo")]


@pytest.mark.parametrize(("text", "want"), [
    ("Drugx facilitates wound closure in older adults.", "better"),
    ("Drugx achieves analgesic efficacy in knee arthritis.", "better"),
    ("Patients given drugx reached higher knowledge scores than controls.", "better"),
    ("Eight weeks of drugx does not induce a significant change in fasting glucose.", "no difference"),
    ("This trial provides no support for drugx as a way to keep blood pressure controlled.", "no difference"),
])
def test_plain_benefit_and_null_wordings(text: str, want: str) -> None:
    assert [d for d, _t in directions(text)] == [want]


def test_a_harm_compared_between_arms_says_nothing_on_efficacy() -> None:
    assert directions("Drugx has a greater potential of respiratory depression than placebo.") == []
