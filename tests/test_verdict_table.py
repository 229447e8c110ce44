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
