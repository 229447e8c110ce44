"""What a study is (kind), who plays which part (roles), against what (comparator type), which way (direction):
handwritten abstracts for the edge cases, and the hand-checked development records when the shared data is there."""

from __future__ import annotations

import pytest

from rxevidence.appraise import APPRAISER_VERSION, appraise_record
from rxevidence.appraise.effect import sentence_readings
from rxevidence.models import Appraisal, Record, Section


def article(title: str, abstract: str, pmid: str = "1") -> Record:
    return Record(id=f"pmid:{pmid}", kind="article", title=title, sections=[Section(text=abstract)])


def appraise(title: str, abstract: str) -> Appraisal:
    a = appraise_record(article(title, abstract))
    assert a is not None
    return a


def test_version_is_bumped_so_stored_appraisals_are_recomputed():
    assert APPRAISER_VERSION == "auto-2.0"


def test_placebo_controlled_efficacy_trial():
    a = appraise(
        "Efficacy of zolmitriptan in the acute treatment of migraine: a randomized, placebo-controlled trial",
        "To assess the efficacy of zolmitriptan in migraine. In this double-blind study, 471 patients were randomized "
        "to zolmitriptan 2.5 mg or placebo. Headache relief at 2 h was significantly greater with zolmitriptan than "
        "with placebo (63% vs 22%, P < 0.0001). Zolmitriptan was statistically superior to placebo and well tolerated.",
    )
    assert (a.kind, a.population.kind, a.comparator_type, a.direction, a.n) == (
        "efficacy", "patients", "placebo", "better", 471)
    assert [(r.drug, r.role) for r in a.roles] == [("zolmitriptan", "studied")]
    assert a.sources["direction"].sentence in a.finding  # the sentence it was read in
    assert a.sources["direction"].confidence >= 0.5


def test_head_to_head_trial_the_comparator_is_not_studied():
    a = appraise(
        "Rofecoxib versus diclofenac in osteoarthritis of the knee",
        "We randomized 784 adults with osteoarthritis to rofecoxib 25 mg once daily or diclofenac 50 mg three times "
        "daily for one year. Rofecoxib provided efficacy that was clinically comparable to that of diclofenac.",
    )
    roles = {r.drug: r.role for r in a.roles}
    assert roles == {"rofecoxib": "studied", "diclofenac": "comparator"}
    assert a.drugs == ["rofecoxib"]
    assert (a.comparator_type, a.direction) == ("active", "no difference")


def test_add_on_over_the_same_background():
    a = appraise(
        "Meloxicam added to heparin and aspirin in acute coronary syndromes",
        "We tested whether the combination of meloxicam, heparin and aspirin would be superior to heparin and aspirin "
        "alone. 120 patients were randomized to aspirin and heparin or to aspirin, heparin and meloxicam. Recurrent "
        "angina, myocardial infarction or death was significantly lower with meloxicam (15.0% versus 38.3%, P=0.007). "
        "Meloxicam with heparin and aspirin was associated with significant reductions in adverse outcomes.",
    )
    roles = {r.drug: r.role for r in a.roles}
    assert roles["meloxicam"] == "studied"
    assert roles["heparin"] == "background" and roles["aspirin"] == "background"
    assert a.comparator_type == "add-on"
    assert a.direction == "better"


def test_not_significantly_better_than_placebo_is_no_difference():
    a = appraise(
        "Cyclandelate in the prophylaxis of migraine: a randomized study in comparison with placebo and propranolol",
        "214 patients were randomized to cyclandelate, placebo or propranolol. The percentage of responders with "
        "cyclandelate (37.0%) was not significantly superior to placebo (30.9%; p > 0.025). Cyclandelate has a "
        "comparable efficacy to that of propranolol. Both drugs were better than placebo, but not significantly so.",
    )
    assert {r.drug: r.role for r in a.roles} == {"cyclandelate": "studied", "propranolol": "comparator"}
    assert a.comparator_type == "placebo"
    assert a.direction == "no difference"


@pytest.mark.parametrize(("title", "abstract", "kind"), [
    ("Pharmacokinetics of oxybutynin in healthy volunteers",
     "Serum concentrations of oxybutynin were measured for 48 h after a single 10 mg dose in 49 healthy volunteers. "
     "AUC and Cmax did not differ between men and women.", "pharmacokinetics"),
    ("Safety of nifedipine in patients with hypertension: a meta-analysis",
     "We searched MEDLINE for randomized trials. Cardiovascular events occurred in 0.27% of exposures to nifedipine. "
     "Results support the safety of nifedipine.", "safety"),
    ("Validity of the Migraine Disability Assessment score",
     "The aim was to examine the validity of the score against a diary in 144 migraine sufferers. The score was "
     "reliable and valid.", "methods"),
    ("Rationale and design of the INVEST trial",
     "A total of 27,000 patients will be randomized to verapamil or atenolol. The design is described.", "protocol"),
    ("Metoprolol in women with heart failure: a post hoc analysis of MERIT-HF",
     "We performed a post hoc analysis of the effect of metoprolol on outcome in 898 women of the MERIT-HF trial. "
     "Metoprolol reduced all-cause mortality or hospitalisation (P=0.044).", "secondary analysis"),
    ("Gliclazide modified release.",
     "Gliclazide modified release is a new formulation given once daily. It shows high bioavailability. In a "
     "randomised study it reduced HbA1c as much as the immediate-release form.", "narrative review"),
])
def test_study_kinds(title, abstract, kind):
    a = appraise(title, abstract)
    assert a.kind == kind
    if kind not in ("efficacy", "secondary analysis", "extension", "mechanism"):
        assert a.direction == "unclear"  # a non-efficacy record never counts as evidence that a drug works


def test_secondary_analysis_is_linked_to_its_parent_trial():
    a = appraise("Metoprolol in women with heart failure: a post hoc analysis of MERIT-HF",
                 "We performed a post hoc analysis of women in the MERIT-HF trial. Metoprolol reduced mortality.")
    assert a.parent == "MERIT-HF" and "MERIT-HF" in a.trial_ids


def test_equine_estrogens_are_no_animal_study():
    a = appraise("Oral conjugated equine estrogen versus transdermal estradiol in postmenopausal women",
                 "Seventy-four women were randomly assigned to conjugated equine estrogen 0.625 mg or transdermal "
                 "estradiol. Neither form of therapy offered an advantage over the other.")
    assert a.design != "animal" and a.population.kind == "patients"
    assert a.direction == "no difference"


def test_measured_substances_and_acronyms_play_no_part():
    a = appraise(
        "Amlodipine versus slow release metoprolol in stable angina (AMSA)",
        "127 patients were randomized to amlodipine or metoprolol. Serum erythropoietin and plasma estradiol levels "
        "were measured. Both drugs increased exercise time with no significant differences between the drugs.",
    )
    names = {r.drug for r in a.roles}
    assert names == {"amlodipine", "metoprolol"}
    assert a.direction == "no difference"


@pytest.mark.parametrize(("sentence", "direction"), [
    ("Zolmitriptan was statistically superior to placebo.", "better"),
    ("Placebo was superior to zolmitriptan.", "worse"),
    ("Compared with placebo, zolmitriptan significantly reduced headache days.", "better"),
    ("Zolmitriptan was as effective as sumatriptan.", "no difference"),
    ("Zolmitriptan did not differ from placebo in headache relief.", "no difference"),
    ("Zolmitriptan was effective and well tolerated.", "better"),
    ("The 2.5 mg group had significantly greater 2-h headache response than the placebo group.", "better"),
    ("Treatment with zolmitriptan was associated with a greater reduction in attacks than with sumatriptan.", "better"),
    ("Both drugs prevent worsening of symptoms.", "better"),
])
def test_sentence_directions(sentence, direction):
    readings = sentence_readings(sentence, ["zolmitriptan"], ["sumatriptan"])
    assert readings and readings[0].direction == direction


def test_tolerability_clauses_say_nothing_about_efficacy():
    assert sentence_readings("Adverse events were similar in both groups.", ["x"], []) == []
    r = sentence_readings("Tolterodine was better tolerated than oxybutynin, but had comparable clinical efficacy.",
                          ["tolterodine"], ["oxybutynin"])
    assert [x.direction for x in r] == ["no difference"]


def test_old_appraisal_json_still_loads():
    old = {"record_id": "pmid:1", "appraiser": "automatic", "appraiser_version": "auto-1.0", "design": "rct",
           "direction": "better", "population": {"humans": True}}
    a = Appraisal.model_validate(old)
    assert a.kind == "unclear" and a.comparator_type == "unclear" and a.roles == [] and a.sources == {}


def test_hand_checked_development_records(shared):
    """Floors on the development set (bench/appraise_fields.py): regressions show up here."""
    shared("cohen2006_drug_class_reviews", "Triptans.csv")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from appraise_fields import evaluate, load_labels, load_records

    labels = load_labels("dev")
    scores, _ = evaluate(labels, load_records(labels))
    acc = {k: sum(v) / len(v) for k, v in scores.items()}
    assert acc["kind"] >= 0.88
    assert acc["direction_efficacy"] >= 0.80
    assert acc["comparator_not_studied"] >= 0.9
    assert acc["comparator_type"] >= 0.82


def test_a_drug_review_is_a_narrative_review_whatever_trials_it_reports():
    a = appraise(
        "Zorblax: an updated review of its use in hypertension",
        "Zorblax is an angiotensin receptor blocker. In randomised double-blind trials, zorblax 10 mg once daily "
        "significantly reduced blood pressure compared with placebo, and response rates were higher than with "
        "captopril (70% vs 50%). Zorblax was well tolerated.",
    )
    assert a.kind == "narrative review"


def test_a_report_that_says_it_reviews_is_a_narrative_review_not_a_mechanism_study():
    a = appraise(
        "Enzyme inhibition and cancer of the mouth",
        "The enzyme is upregulated in several epithelial cancers. The purpose of this review is to examine whether "
        "its inhibition could prevent them. There is evidence from in vitro studies and animal models that "
        "inhibitors suppress tumour growth. Clinical trials appear warranted.",
    )
    assert a.kind == "narrative review"


def test_an_own_study_that_mentions_the_literature_is_not_a_review():
    a = appraise(
        "Zorblax for the treatment of chronic urticaria: a randomised placebo-controlled trial",
        "To review the efficacy of zorblax in chronic urticaria we randomized 120 patients to zorblax or placebo for "
        "6 weeks. Itch scores fell significantly more with zorblax than with placebo (P<0.001). Zorblax is effective.",
    )
    assert a.kind == "efficacy"


def test_treatment_refractory_patients_and_procedural_sedation_are_the_condition_not_the_kind():
    a = appraise(
        "A double-blind comparative study of zorblax versus chlorpromazine in treatment-refractory schizophrenia",
        "Forty patients were randomly assigned to zorblax or chlorpromazine for 12 weeks. More patients responded to "
        "zorblax than to chlorpromazine (29% vs 0%, P=0.02).",
    )
    assert a.kind == "efficacy"
    b = appraise(
        "Zorblax versus ketamine for procedural sedation in a paediatric emergency department",
        "To compare the effectiveness of zorblax and ketamine for brief procedural sedation. 113 children were "
        "randomized. Recovery was shorter with zorblax (P<0.01); distress scores were comparable.",
    )
    assert b.kind == "efficacy"


def test_a_post_hoc_analysis_named_in_the_title_or_methods_is_a_secondary_analysis():
    a = appraise(
        "Results from post-hoc analyses of the ZORB-2 trial: zorblax in high-risk patients with heart failure",
        "The safety and benefit of zorblax in heart failure are established. Subgroups of patients taking part in "
        "ZORB-2 were retrospectively analysed for mortality. High-risk patients benefited equally from zorblax.",
    )
    assert a.kind == "secondary analysis"
    b = appraise(
        "Consistency of response to zorblax in migraine",
        "To determine the consistency of response to zorblax in migraine. Post hoc analysis was performed on data "
        "from a randomized, double-blind, placebo-controlled trial. 473 patients treated four attacks each. "
        "Most patients responded in most attacks.",
    )
    assert b.kind == "secondary analysis"
