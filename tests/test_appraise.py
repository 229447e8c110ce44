"""Appraisal rules on small handwritten abstracts (edge cases), no shared data needed."""

from __future__ import annotations

import pytest

from rxevidence.appraise import APPRAISER_VERSION, appraise_record, rct_score
from rxevidence.appraise.outcomes import extract_effect, rule_direction
from rxevidence.appraise.size import extract_n
from rxevidence.appraise.text import split_inline_labels, split_sentences, words_to_int
from rxevidence.models import MeshHeading, Record, Section


def article(title: str, abstract: str, **kw) -> Record:
    return Record(id=kw.pop("id", "pmid:1"), kind="article", title=title, sections=[Section(text=abstract)], **kw)


RCT = article(
    "Cyclobenzaprine plus ibuprofen versus cyclobenzaprine alone for acute low back pain: a randomized trial",
    "Sixty patients with acute low back pain were randomized to cyclobenzaprine 5 mg three times daily plus "
    "ibuprofen 400 mg or cyclobenzaprine alone. Pain intensity on a VAS was significantly lower with the "
    "combination (MD -1.2 points, 95% CI -2.0 to -0.4; p = 0.003). Adverse events did not differ between groups. "
    "In conclusion, adding ibuprofen improved pain relief. Supported by a grant from McNeil Consumer Healthcare.",
)


def test_labels_and_approvals_are_not_appraised():
    assert appraise_record(Record(id="spl:x", kind="label", title="Diazepam tablets")) is None
    assert appraise_record(Record(id="fda:NDA013263", kind="approval", title="VALIUM")) is None


def test_rct_from_text_without_publication_type():
    a = appraise_record(RCT)
    assert a is not None
    assert a.appraiser == "automatic" and a.appraiser_version == APPRAISER_VERSION
    assert (a.design, a.design_source, a.design_detail) == ("rct", "text", "parallel")
    assert a.n == 60
    assert a.population.humans is True and a.population.healthy_volunteers is False
    assert "acute-low-back-pain" in a.population.condition_ids
    assert a.drugs[:2] == ["cyclobenzaprine", "ibuprofen"]
    combo = [arm for arm in a.arms if arm.role == "combination"]
    assert combo and set(combo[0].drugs) == {"cyclobenzaprine", "ibuprofen"}
    assert "cyclobenzaprine 5 mg three times daily" in (combo[0].dose or "")
    pain = next(o for o in a.outcomes if o.name == "pain intensity")
    assert (pain.direction, pain.raw_direction, pain.pain_dimension) == ("better", "decreased", "intensity")
    assert pain.effect == "MD -1.2 points" and pain.ci == "95% CI -2.0 to -0.4" and pain.p_value == "p = 0.003"
    assert pain.evidence_sentence in RCT.abstract
    ae = next(o for o in a.outcomes if o.name == "adverse events")
    assert ae.direction == "no difference"
    assert a.direction == "better"
    assert a.finding == "In conclusion, adding ibuprofen improved pain relief."
    assert "industry-funded" in a.flags and "small" not in a.flags


def test_doses_are_never_invented():
    a = appraise_record(article("Diazepam for muscle spasm", "Patients were randomized to diazepam or placebo."))
    assert a is not None
    arm = next(x for x in a.arms if x.drugs == ["diazepam"])
    assert arm.dose is None
    assert a.comparator == "placebo" and any(x.role == "placebo" for x in a.arms)


def test_publication_type_wins_and_crossover_detail():
    rec = article(
        "Tizanidine in spasticity",
        "In this double-blind crossover study, 24 patients received tizanidine 4 mg and placebo in random order.",
        publication_types=["Randomized Controlled Trial", "Journal Article"],
        mesh=[MeshHeading(descriptor="Cross-Over Studies"), MeshHeading(descriptor="Humans")],
    )
    a = appraise_record(rec)
    assert (a.design, a.design_source, a.design_detail) == ("rct", "publication-type", "crossover")
    assert a.n == 24
    assert {"crossover", "small"} <= set(a.flags)


def test_experimental_pain_model_in_healthy_volunteers():
    rec = article(
        "Effect of diazepam on cold pressor pain in healthy volunteers",
        "Twenty healthy volunteers received diazepam 10 mg or placebo in a randomised, double-blind, crossover "
        "design. Pain tolerance in the cold pressor test was significantly longer after diazepam (p < 0.01).",
    )
    a = appraise_record(rec)
    assert a.design == "experimental pain model"
    assert a.population.healthy_volunteers is True
    assert a.n == 20
    tol = next(o for o in a.outcomes if o.pain_dimension == "tolerance")
    assert tol.direction == "better" and tol.raw_direction == "increased"
    assert "healthy volunteers" in a.flags


def test_animal_study():
    a = appraise_record(article(
        "Antinociceptive effect of baclofen in rats",
        "Male Sprague-Dawley rats received baclofen 2 mg/kg intraperitoneally. Paw withdrawal latency increased.",
    ))
    assert a.design == "animal"
    assert a.population.humans is False and a.population.species == "rat"
    assert "animal" in a.flags


def test_meta_analysis_counts_studies_and_participants():
    a = appraise_record(article(
        "Muscle relaxants for acute low back pain: a systematic review and meta-analysis",
        "We searched MEDLINE and EMBASE. We included 12 trials (1,234 participants). Muscle relaxants reduced "
        "pain at one week compared with placebo (RR 0.80, 95% CI 0.71 to 0.89).",
    ))
    assert a.design == "meta-analysis"
    assert (a.n_studies, a.n) == (12, 1234)
    assert "small" not in a.flags


def test_case_report_and_editorial_from_text():
    a = appraise_record(article(
        "Diazepam-induced delirium", "We report a case of a 78-year-old woman who developed delirium after diazepam."
    ))
    assert a.design == "case report"
    b = appraise_record(Record(id="pmid:2", kind="article", title="Re: diazepam for back pain"))
    assert b.design == "editorial"


def test_open_label_retracted_flags():
    a = appraise_record(article(
        "An open-label pilot study of baclofen in cramps",
        "Fifteen patients with nocturnal leg cramps received baclofen 10 mg at bedtime for 4 weeks.",
        retracted=True,
    ))
    assert {"retracted", "open-label", "pilot", "small"} <= set(a.flags)
    assert a.design == "non-randomised trial"
    assert "nocturnal-leg-cramps" in a.population.condition_ids


def test_trial_registration_uses_registry_fields():
    rec = Record(
        id="nct:NCT00000001", kind="trial", title="Diazepam versus placebo for acute low back pain",
        extra={"allocation": "RANDOMIZED", "intervention_model": "PARALLEL", "enrollment": 120,
               "masking": "NONE", "sponsor_class": "INDUSTRY", "conditions": ["Low Back Pain"]},
    )
    a = appraise_record(rec)
    assert (a.design, a.design_source, a.design_detail) == ("rct", "registry", "parallel")
    assert a.n == 120
    assert {"open-label", "industry-funded"} <= set(a.flags)
    assert a.population.condition == "Low Back Pain" and "low-back-pain" in a.population.condition_ids
    single = appraise_record(rec.model_copy(update={"extra": {"allocation": "N/A", "enrollment": {"count": 30}}}))
    assert single.design == "non-randomised trial" and single.n == 30


@pytest.mark.parametrize(
    ("sentence", "raw"),
    [
        ("There was no significant difference in pain scores between groups (p = 0.42).", "no difference"),
        ("Pain scores were significantly lower with diazepam than with placebo (p < 0.01).", "decreased"),
        ("The proportion of responders increased significantly (RR 1.5, 95% CI 1.2 to 1.9).", "increased"),
        ("Mean difference 0.3 (95% CI -0.2 to 0.8).", "no difference"),
    ],
)
def test_rule_direction(sentence, raw):
    assert rule_direction(sentence)[0] == raw


def test_mixed_sentence():
    s = "Drug A was superior to placebo for pain but inferior to drug B."
    assert rule_direction(s)[1] == "mixed"


def test_effect_and_ci_regexes():
    e = extract_effect("The odds ratio was 2.1 [1.3-3.4], p<0.001.")
    assert e.effect == "odds ratio 2.1" and e.p_value == "p<0.001"
    e2 = extract_effect("SMD -0.45 (95% CI, -0.70 to -0.20)")
    assert e2.effect == "SMD -0.45" and e2.ci == "95% CI -0.70 to -0.20" and e2.ci_excludes_null is True
    e3 = extract_effect("HR 0.9 (95% CI 0.7, 1.2)")
    assert e3.ci_excludes_null is False


def test_sizes_in_words_and_arms():
    assert words_to_int("one hundred and twenty-two") == 122
    assert extract_n(split_sentences("A total of 1,234 subjects took part.")).n == 1234
    assert extract_n(split_sentences("Patients were randomised to drug (n = 30) or placebo (n = 32).")).n == 62
    assert extract_n(split_sentences("Mean age was 45 years.")).n is None


def test_sizes_with_words_between_people_and_verb_and_per_arm_counts():
    def n(text: str) -> int | None:
        return extract_n(split_sentences(text)).n

    # the verb comes after a qualifier or a parenthesis
    assert n("In all, 352 patients with psoriatic arthritis and an inadequate response received placebo or drug A.") == 352
    assert n("Three hundred and thirty-three patients > or = 60 years old with bleeding were randomized to A or placebo.") == 333
    assert n("Thirty-four subjects (31 boys and three girls, mean age 10 years) with ADHD participated.") == 34
    # each arm's count named in turn: their sum
    assert n("After a run-in, 52 patients were randomized to receive A and 50 patients to receive B.") == 102
    assert n("Six mild diabetic subjects and six mild hypercholesterolemic subjects were treated with A.") == 12
    assert n("Patients received A 10 mg daily (n = 331) or B 60 mg twice daily (n = 328) for 14 days.") == 659
    assert n("Forty-four patients (group one) received A and 44 (group two) received B.") == 88
    # ... but never a breakdown, a subset or a later step
    assert n("A total of 50 patients were randomised (25 to drug and 25 to placebo).") == 50
    assert n("749 patients were recruited to the study and 637 received at least 1 dose of A.") == 749
    assert n("Of 2365 patients who were operated on, 967 were randomized to either A (n = 480) or placebo (n = 487).") == 967
    assert n("Fifty-seven outpatients with back pain were enrolled; 47 were randomized; 11 discontinued.") == 47
    # a number that labels, not counts
    assert n("Fifty-nine ASA 1 children, aged 1-12 years, entered the study.") == 59


def test_sentences_keep_decimals_and_abbreviations():
    s = split_sentences("Pain fell by 1.5 points vs. placebo (p = 0.03). Smith et al. agreed. Done.")
    assert s == ["Pain fell by 1.5 points vs. placebo (p = 0.03).", "Smith et al. agreed.", "Done."]
    parts = split_inline_labels("BACKGROUND: Pain is common. METHODS: We randomised 40 adults. CONCLUSIONS: It works.")
    assert [p.label for p in parts] == ["BACKGROUND", "METHODS", "CONCLUSIONS"]


def test_rct_score_orders_designs():
    rct = rct_score("A randomized, double-blind, placebo-controlled trial", "Patients were randomly assigned.")
    review = rct_score("Muscle relaxants: a review", "We summarise the literature on muscle relaxants.")
    cohort = rct_score("Opioid use after surgery", "In this retrospective cohort study of 5,000 patients ...")
    assert rct > 0.9 and review < 0.1 and cohort < 0.2


def test_a_review_in_general_statements_is_a_narrative_review_whatever_its_words():
    from rxevidence.appraise import appraise_record
    from rxevidence.models import Record, Section

    text = ("Simple analgesics include paracetamol and ibuprofen. They can be used alone for mild pain or with an opioid. "
            "In children, most experience is with paracetamol. Doses can be given as needed or at fixed intervals. "
            "The latter may provide steadier levels and better analgesia. Randomized trials in children are needed.")
    a = appraise_record(Record(id="pmid:1", kind="article", title="Simple analgesics in the management of children with "
                               "acute pain.", sections=[Section(text=text)]))
    assert a is not None
    assert a.kind == "narrative review"
    assert a.design == "narrative review"
    assert a.direction == "unclear"


def test_a_risk_benefit_balance_is_a_verdict_and_naming_it_is_not():
    from rxevidence.appraise.effect import sentence_readings

    def read(text: str) -> set[str]:
        return {r.direction for r in sentence_readings(text, ["drug a"], [])}

    assert read("Overall health risks exceeded benefits from use of drug A for 5 years.") == {"worse"}
    assert read("The benefits of drug A clearly outweigh the risks.") == {"better"}
    assert read("The balance of risks and benefits for drug A remains uncertain.") == set()
    assert read("The risk-benefit profile of drug A is not consistent with a viable intervention.") == set()
