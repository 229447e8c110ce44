"""Direction of comparisons (issue #20): where the comparator's arm is named, "both X and Y", an agent after
a benefit noun, "as well as", control-arm-only clauses, times to a good state, and the words an abstract uses
for a drug. Sentences are written for these tests, not copied from abstracts."""

from __future__ import annotations

import pytest

from rxevidence.appraise.effect import _with_forms, sentence_readings


def readings(text: str, studied: list[str] | None = None, comps: list[str] | None = None) -> list[tuple[str, str | None]]:
    return [(r.direction, r.target) for r in sentence_readings(text, studied or ["drugx"], comps or ["drugy"])]


@pytest.mark.parametrize(("text", "want"), [
    # the comparator's arm named between the comparison word and "than"
    ("Weight changes were higher (p < 0.05) in drugy patients than in drugx patients.", [("better", "active")]),
    ("Pain scores were lower in the placebo group than in the drugx group.", [("worse", "placebo")]),
    ("Pain scores were lower in the drugx group than in the placebo group.", [("better", "placebo")]),
    # "higher with X than with Y": X is where the change was seen
    ("Healing rates were higher with drugx than with drugy.", [("better", "active")]),
    ("Recovery time was shorter with drugx than with drugy.", [("better", "active")]),
    ("Time to healing was shorter with drugx than with drugy.", [("better", "active")]),
    ("Pain was lower in patients given drugx than in those receiving placebo.", [("better", "placebo")]),
])
def test_which_arm_is_compared_with_which(text: str, want: list[tuple[str, str | None]]) -> None:
    assert readings(text) == want


def test_both_drugs_named_worked_alike_unless_a_difference_is_stated_beside() -> None:
    assert readings("Thus, both drugx and (high-dose) drugy result in anti-anginal effects.") == [("no difference", "active")]
    assert readings("Drugy and drugx were both effective at improving heartburn; however, drugx provided greater "
                    "resolution of heartburn symptoms.") == [("better", None)]


def test_as_well_as_is_a_conjunction_unless_a_verb_of_doing_precedes_it() -> None:
    assert readings("Benefit was shown for the primary endpoint, as well as for the secondary endpoints.") == [
        ("better", None)]
    assert readings("Drugx worked as well as drugy.") == [("no difference", "active")]


def test_benefit_from_a_drug_names_the_agent_not_a_comparator() -> None:
    # the comparator named earlier in the sentence does not make the benefit the comparator's
    assert readings("Patients also taking drugy benefit equally from treatment with drugx as patients without it.") == [
        ("better", None)]


@pytest.mark.parametrize("text", [
    "Drugx increased sodium excretion (p < 0.05) and there was no effect of placebo.",
    "Symptoms improved with drugx, but not in the control group.",
    "In contrast, the control group did not show any change.",
    "Placebo had no effect on pain.",
])
def test_a_statement_about_the_control_arm_alone_is_no_no_difference(text: str) -> None:
    assert ("no difference", "placebo") not in readings(text)
    assert ("no difference", None) not in readings(text)


def test_a_pharmacokinetic_clause_says_nothing_about_efficacy() -> None:
    assert readings("The combination of drugx and metformin was more effective than either alone and did not result "
                    "in any pharmacokinetic interactions.", ["drugx", "metformin"], []) == [("better", None)]


def test_a_significant_change_word_after_one_of_unknown_polarity() -> None:
    assert readings("Significant increase in urine volume and significant decrease in serum cholesterol were "
                    "observed.") == [("better", None)]


def test_the_words_an_abstract_uses_for_a_drug() -> None:
    text = "Urodilatin (URO) was infused. Valproate patients gained weight."
    forms = _with_forms(["urodilatin", "valproic acid"], {"valproic acid": ["valproate"]}, text)
    assert set(forms) == {"urodilatin", "uro", "valproic acid", "valproate"}
    assert forms.index("valproic acid") < forms.index("uro")  # longer names are marked first


@pytest.mark.parametrize(("text", "want"), [
    ("The response rate was 60% with drugx and 30% with placebo (p<0.001).", [("better", "placebo")]),
    ("The response rate was 60% with drugx and 50% with placebo (p=0.3).", [("no difference", "placebo")]),
    ("Mean change in HbA1c was -1.2% with drugx vs -0.3% with drugy (P < 0.001).", [("better", "active")]),
    ("Pain scores were 4.1 with drugx and 2.0 with placebo (p = 0.01).", [("worse", "placebo")]),
    ("The response rate was 60% with drugx and 30% with placebo.", []),  # no statistics: not read
])
def test_figures_of_two_arms_with_their_statistics(text: str, want: list[tuple[str, str | None]]) -> None:
    assert readings(text) == want


def test_a_loss_is_a_fall_of_what_it_names() -> None:
    assert readings("Drugx was associated with significantly greater weight loss than placebo.") == [
        ("better", "placebo")]
    assert readings("Drugx caused greater bone loss than placebo.") == []


def test_a_lowering_effect_is_a_benefit_and_a_comparator_named_makes_no_difference_a_comparison() -> None:
    assert readings("Drugx had a significant blood pressure lowering effect compared with placebo.") == [
        ("better", "placebo")]
    assert readings("Drugx did not significantly differ from drugy in efficacy.") == [("no difference", "active")]
