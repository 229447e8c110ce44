"""The verdict table and grade() on hand-made studies (no store, no pack): the same evidence, the same word."""

from __future__ import annotations

import pytest

from rxevidence.models import Appraisal, DrugRole
from rxevidence.synthesis import StudyView, comparator_kind, grade, verdict_word
from rxevidence.synthesis import tests_drug as study_tests


def study(i: int, direction: str, *, design: str = "rct", n: int | None = 200, curated: bool = True,
          comparator_type: str = "unclear", roles: list[DrugRole] | None = None) -> StudyView:
    a = Appraisal(record_id=f"pmid:{i}", appraiser="curated" if curated else "automatic", design=design, n=n,
                  direction=direction, drugs=["drugx"], comparator_type=comparator_type, roles=roles or [])
    return StudyView(a.record_id, None, a, "cond", "condition", [])


@pytest.mark.parametrize(("weight", "share", "level", "word"), [
    (0.9, 1.0, 4, "insufficient evidence"),  # less than one small trial's weight
    (3.0, 0.65, 3, "effective"),
    (3.0, 0.65, 2, "probably effective"),
    (3.0, 0.64, 4, "mixed/uncertain"),
    (3.0, 0.31, 4, "mixed/uncertain"),
    (3.0, 0.30, 3, "ineffective"),
    (3.0, 0.0, 1, "probably ineffective"),
])
def test_verdict_table(weight: float, share: float, level: int, word: str) -> None:
    assert verdict_word(weight, share, level) == word


def test_grade_consistent_large_trials_is_effective_with_high_certainty() -> None:
    g = grade([study(i, "better", n=400) for i in range(3)])
    assert (g.verdict, g.certainty) == ("effective", "high")
    assert g.reasons == []


def test_grade_small_trials_are_rated_down_for_imprecision() -> None:
    g = grade([study(i, "better", n=40) for i in range(3)])
    assert g.verdict == "effective" and g.certainty == "moderate"  # 120 participants: imprecision
    assert any(r.startswith("imprecision") for r, _ in g.reasons)


def test_grade_disagreeing_trials_are_mixed_and_rated_down_for_inconsistency() -> None:
    pl = "placebo"
    g = grade([study(1, "better", comparator_type=pl), study(2, "no difference", comparator_type=pl),
               study(3, "better", comparator_type=pl), study(4, "no difference", comparator_type=pl)])
    assert g.verdict == "mixed/uncertain"
    assert any(r.startswith("inconsistency") for r, _ in g.reasons)


def test_no_difference_against_a_comparator_of_unknown_kind_is_not_counted_against_the_drug() -> None:
    # "no difference" from a study whose comparator is not known to be placebo may be "as good as another
    # drug": it cannot say the drug does not work, so it counts like an unclear result
    unknown = [study(i, "no difference") for i in range(2, 5)]
    g = grade([study(1, "better", n=400, comparator_type="placebo"), study(5, "better", n=400,
                                                                        comparator_type="placebo"), *unknown])
    assert g.verdict == "effective"
    assert g.weight == grade([study(1, "better", n=400), study(5, "better", n=400)]).weight
    assert grade([study(i, "no difference", comparator_type="placebo") for i in range(3)]).verdict == "ineffective"


def test_grade_ignores_unclear_results_and_says_so_when_nothing_is_usable() -> None:
    g = grade([study(1, "unclear"), study(2, "unclear")])
    assert (g.verdict, g.certainty) == ("insufficient evidence", "very low")
    g2 = grade([study(1, "unclear"), study(2, "better", n=400), study(3, "better", n=400)])
    assert g2.weight == grade([study(2, "better", n=400), study(3, "better", n=400)]).weight


def test_grade_single_study_cannot_be_high() -> None:
    g = grade([study(1, "better", n=2000)])
    assert g.certainty != "high"
    assert any("single study" in r for r, _ in g.reasons)


def test_observational_evidence_starts_low() -> None:
    g = grade([study(i, "better", design="cohort", n=1000) for i in range(3)])
    assert g.certainty in ("low", "very low") and g.verdict == "probably effective"


def test_comparator_type_decides_head_to_head() -> None:
    assert comparator_kind(study(1, "better", comparator_type="active")) == "active"
    assert comparator_kind(study(1, "better", comparator_type="dose")) == "active"
    assert comparator_kind(study(1, "better", comparator_type="add-on")) == "placebo"
    assert comparator_kind(study(1, "better", comparator_type="no treatment")) == "placebo"


def test_a_drug_read_as_comparator_is_not_what_the_study_tested() -> None:
    roles = [DrugRole(drug="drugy", role="studied"), DrugRole(drug="drugx", role="comparator")]
    v = study(1, "better", roles=roles)
    assert study_tests(v, ["drugy"]) and not study_tests(v, ["drugx"])


def test_curated_evidence_wins_over_automatic_trials_of_the_same_drug() -> None:
    from rxevidence.synthesis import curated_precedence

    curated = [study(1, "better"), study(2, "better")]
    automatic = [study(3, "no difference", curated=False), study(4, "no difference", design="cohort", curated=False)]
    counted, aside = curated_precedence(curated + automatic, ["drugx"])
    assert [v.id for v in counted] == ["pmid:1", "pmid:2"]
    assert {v.id for v in aside} == {"pmid:3", "pmid:4"}
    assert grade(counted).verdict == grade(curated).verdict


def test_an_automatic_review_over_curated_trials_still_counts() -> None:
    from rxevidence.synthesis import curated_precedence

    review = study(5, "better", design="meta-analysis", curated=False)
    counted, aside = curated_precedence([study(1, "better"), review], ["drugx"])
    assert review in counted and not aside
    # but not a meta-analysis beside a curated systematic review: reviews are one tier
    counted, aside = curated_precedence([study(1, "better", design="systematic review"), review], ["drugx"])
    assert aside == [review]


def test_automatic_studies_of_a_drug_nobody_curated_count() -> None:
    from rxevidence.synthesis import curated_precedence

    other = study(6, "better", curated=False, roles=[DrugRole(drug="drugy", role="studied")])
    counted, aside = curated_precedence([study(1, "better"), other], ["drugx", "drugy"])
    assert other in counted and not aside
    only_auto = [study(7, "better", curated=False), study(8, "no difference", curated=False)]
    assert curated_precedence(only_auto, ["drugx"]) == (only_auto, [])


def test_an_automatic_no_difference_worded_as_equivalence_with_another_drug_is_a_comparison() -> None:
    # "celecoxib is as effective as naproxen" read with a placebo comparator (a placebo arm sat beside the
    # active one): how the drug compares, not evidence that it does not work
    def auto(i: int, finding: str, direction: str = "no difference") -> StudyView:
        v = study(i, direction, curated=False, comparator_type="placebo")
        v.appraisal.finding = finding
        return v
    same = auto(2, "Drugx 200 mg/day is as effective as a standard dose of naproxen in reducing the pain.")
    assert comparator_kind(same) == "active"
    assert comparator_kind(auto(3, "Drugx and drugy are equally efficacious in treating the symptoms.")) == "active"
    for finding in ("Drugx was no more effective than placebo.", "Drugx was as effective as placebo.",
                    "There was no difference in pain scores."):
        assert comparator_kind(auto(4, finding)) == "placebo"
    assert comparator_kind(auto(5, "Drugx is as effective as naproxen.", "better")) == "placebo"
    better = study(1, "better", n=400, comparator_type="placebo")
    assert grade([better, same]).weight == grade([better]).weight
    curated = study(6, "no difference", comparator_type="placebo")
    curated.appraisal.finding = "As effective as naproxen."
    assert comparator_kind(curated) == "placebo"  # a curated comparator type is taken as read


def test_an_automatic_mixed_result_that_beat_placebo_counts_for_the_drug() -> None:
    from rxevidence.synthesize import efficacy_direction

    def auto(i: int, finding: str, direction: str = "mixed", curated: bool = False) -> StudyView:
        v = study(i, direction, curated=curated, comparator_type="placebo")
        v.appraisal.finding = finding
        return v
    beat = auto(1, "Drugx 90 mg was more effective than placebo and similar in efficacy to naproxen over 12 weeks.")
    assert efficacy_direction(beat) == "better"
    assert efficacy_direction(auto(2, "All doses of drugx significantly improved the symptoms compared with "
                                      "placebo.")) == "better"
    for finding in ("Drugx was not more effective than placebo on pain, but improved sleep.",
                    "Drugx improved sleep but not pain."):
        assert efficacy_direction(auto(3, finding)) == "mixed"
    assert efficacy_direction(auto(4, "Superior to placebo.", curated=True)) == "mixed"  # curated read as is
    g = grade([beat, study(5, "better", n=400, comparator_type="placebo")])
    assert g.better == g.weight and g.verdict == "effective"


def test_a_review_that_rates_its_own_evidence_caps_the_certainty() -> None:
    from rxevidence.models.appraisal import OutcomeResult as Outcome
    from rxevidence.synthesize import review_certainty

    def review(i: int, finding: str, effect: str | None = None) -> StudyView:
        v = study(i, "better", design="systematic review", n=2000, comparator_type="placebo")
        v.appraisal.finding = finding
        if effect:
            v.appraisal.outcomes = [Outcome(name="pain relief", direction="better", effect=effect)]
        return v
    low = review(1, "Drugx reduced pain versus placebo, but the evidence was of very low quality.")
    assert review_certainty(low) == 1
    assert review_certainty(review(2, "Low-certainty evidence suggests drugx helps.")) == 2
    assert review_certainty(review(3, "Drugx helped, with a low-certainty effect in hip pain.")) is None  # a part
    assert review_certainty(review(4, "Drugx helped.", "RR 1.6 (1.2 to 2.2); moderate certainty")) == 3
    trials = [study(i, "better", n=400, comparator_type="placebo") for i in range(5, 8)]
    assert grade([*trials, review(8, "Drugx helped.")]).certainty == "high"
    g = grade([low, study(9, "better", n=100, comparator_type="placebo")])
    assert g.certainty == "very low" and any("rate their own evidence" in r for r, _ in g.reasons)


def test_one_usable_randomised_trial_of_any_size_gets_a_word_with_its_imprecision() -> None:
    assert verdict_word(0.5, 1.0, 2, randomised=True) == "probably effective"
    assert verdict_word(0.5, 1.0, 2) == "insufficient evidence"  # as little non-randomised evidence: no word
    auto = study(1, "better", n=None, curated=False, comparator_type="placebo")  # size not read: weight 0.96
    g = grade([auto])
    assert (g.verdict, g.certainty) == ("probably effective", "low")
    assert grade([study(2, "better", design="cohort", n=30, curated=False)]).verdict == "insufficient evidence"


def test_a_drug_the_title_names_as_the_patients_existing_treatment_is_background() -> None:
    from rxevidence.models import Record

    def titled(title: str) -> StudyView:
        roles = [DrugRole(drug="drugy", role="studied"), DrugRole(drug="drugx", role="studied")]
        v = study(1, "no difference", curated=False, comparator_type="placebo", roles=roles)
        v.record = Record(id="pmid:1", kind="article", title=title, abstract="")
        return v
    for title in ("Effect of drugy as supplementary therapy in patients with heart failure treated with drugx",
                  "Effect of drugy on progression in patients pretreated with high-dose drugx",
                  "Three doses of drugy versus placebo as add-on therapy to drugx in hypertension"):
        assert not study_tests(titled(title), ["drugx"]) and study_tests(titled(title), ["drugy"])
    # "patients treated with drugx or drugy" names what was tested
    assert study_tests(titled("Outcomes in patients treated with low-dose drugx or drugy: a randomized trial"),
                       ["drugx"])


def test_one_placebo_word_list_for_comparators_and_equivalence() -> None:
    # one rule (synthesis.PLACEBO): an inactive control -- placebo or no treatment, usual care, a waiting list --
    # is never "another treatment", in a comparator or in an equivalence-worded conclusion
    def auto(finding: str, comparator: str | None = None) -> StudyView:
        v = study(1, "no difference", curated=False)
        v.appraisal.finding, v.appraisal.comparator = finding, comparator
        return v
    for control in ("placebo", "usual care", "a waiting list", "no treatment", "the untreated control group"):
        assert comparator_kind(auto(f"Drugx was as effective as {control}.")) != "active"
        assert comparator_kind(auto("No difference.", control)) == "placebo"
    # the patients' own baseline is a before-after comparator: placebo-like, but a conclusion naming it still
    # compares two drugs
    assert comparator_kind(auto("No difference.", "baseline")) == "placebo"
    assert comparator_kind(auto("Drugx reduced pain from baseline as effectively as naproxen; it is "
                                "equally effective.")) == "active"


def _bottom_line(views: list[StudyView], relation: str = "single"):  # type: ignore[no-untyped-def]
    from rxevidence.models import ConditionMention, DrugMention, Query
    from rxevidence.models.evidence import Evidence
    from rxevidence.synthesis.bottom_line import bottom_line

    q = Query(text="does drugx help the condition?", drugs=[DrugMention(text="drugx", name="drugx")],
              relation=relation, condition=ConditionMention(text="condition", id="cond", name="condition"))
    return bottom_line(q, Evidence(query=q, drug_names=["drugx"], condition_ids=["cond"]), views)


def test_curated_precedence_holds_when_the_curated_studies_are_set_apart() -> None:
    # the curated study of the pair is head-to-head: it gives no efficacy verdict, and an automatic trial of
    # the same design must not turn that curated answer into another one
    h2h = study(1, "no difference", n=140, comparator_type="active")
    auto = study(2, "better", n=23, curated=False, comparator_type="placebo")
    assert _bottom_line([h2h]).verdict == _bottom_line([h2h, auto]).verdict == "insufficient evidence"
    assert _bottom_line([h2h]).certainty == _bottom_line([h2h, auto]).certainty
    # an automatic study with no drug read counts for the asked drug, so it is weighed against curated evidence too
    nodrug = study(3, "no difference", n=300, curated=False, comparator_type="placebo")
    nodrug.appraisal.drugs = []
    curated = study(4, "mixed", n=None, comparator_type="placebo")
    assert _bottom_line([curated, nodrug]).verdict == _bottom_line([curated]).verdict


def test_a_trial_filed_under_experimental_pain_is_experimental_evidence() -> None:
    from rxevidence.synthesis import evidence_design, is_direct

    v = study(1, "no difference", n=144, curated=False, comparator_type="placebo")
    v.condition_id = "experimental-pain"
    assert not is_direct(v) and evidence_design(v) == "experimental pain model"
    experimental = study(2, "mixed", design="experimental pain model", n=20, comparator_type="placebo")
    experimental.condition_id = "experimental-pain"
    alone, both = _bottom_line([experimental]), _bottom_line([experimental, v])
    assert (alone.verdict, alone.certainty) == (both.verdict, both.certainty) == ("insufficient evidence", "very low")
    # an experimental study of another drug (the asked one was its comparator) says nothing about the asked drug
    other = study(3, "better", design="experimental pain model", n=50, curated=False,
                  roles=[DrugRole(drug="drugy", role="studied"), DrugRole(drug="drugx", role="comparator")])
    assert _bottom_line([experimental, other]).certainty == alone.certainty


def _add_on(i: int, direction: str, n: int = 323, curated: bool = True) -> StudyView:
    v = study(i, direction, n=n, curated=curated)
    v.appraisal.drugs, v.appraisal.comparator = ["drugx", "drugz"], "drugz + placebo"
    return v


def test_background_drugs_are_read_from_one_comparator_arm_of_the_regimen_s_drugs() -> None:
    from rxevidence.synthesis import background_drugs, is_add_on

    v = _add_on(1, "no difference")
    assert background_drugs(v) == {"drugz"} and is_add_on(v, ["drugx"]) and not is_add_on(v, ["drugz"])
    for comparator in ("placebo; drugz alone", "drugz or placebo", "drugz at a higher dose", "drugy + placebo"):
        v.appraisal.comparator = comparator
        assert not is_add_on(v, ["drugx"]), comparator
    auto = study(2, "better", curated=False, roles=[DrugRole(drug="drugx", role="studied"),
                                                    DrugRole(drug="drugz", role="background")])
    assert is_add_on(auto, ["drugx"])


def test_an_add_on_trial_is_shown_apart_and_never_overturns_the_evidence_of_the_drug_itself() -> None:
    review = study(1, "better", design="systematic review", n=None, comparator_type="placebo")
    with_add_on = _bottom_line([review, _add_on(2, "no difference")])
    assert (with_add_on.verdict, with_add_on.certainty) == (_bottom_line([review]).verdict,
                                                           _bottom_line([review]).certainty)
    line = next(s for s in with_add_on.sentences if s.text.startswith("Add-on trial"))
    assert line.citations == ["pmid:2"] and "drugz" in line.text and "“ineffective”" in line.text
    # add-on trials alone carry the verdict, and the bottom line says what they were added to
    alone = _bottom_line([_add_on(2, "no difference")])
    assert alone.verdict == "ineffective"
    assert "as an add-on to drugz (the only trials found)" in alone.sentences[0].text
    # a combination question is answered by the add-on trial itself
    assert _bottom_line([review, _add_on(2, "no difference")], relation="combination").verdict != "probably effective"
