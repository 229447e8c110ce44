"""Audit rules one at a time: segments, propositions, meaning, judges and contradictions (pack-only store)."""

from __future__ import annotations

import pytest

from rxevidence.audit import audit, segments
from rxevidence.audit.article import clean_citations
from rxevidence.audit.claims import split_propositions
from rxevidence.audit.meaning import attribution_of, denies, hedge_of, numbers_in
from rxevidence.store import SQLiteStore


@pytest.fixture(scope="module")
def store():
    s = SQLiteStore(":memory:")
    yield s
    s.close()


def claims_of(store, text):
    return audit(text, store=store, kind="text").claims


def one(report_claims, fragment):
    return next(c for c in report_claims if fragment in c.text)


# ------------------------------------------------------------------ article


def test_headings_citations_lists_and_sources_are_not_claim_text():
    text = ("Bottom line\nNaproxen relieves acute low back pain a little.1, 2\nEvidence\n"
            "Dry mouth incidence:\n  • Tolterodine: 37%\n  • Oxybutynin: 61% 3\n\n"
            "Smith, J., et al. \u201cA trial.\u201d Ann Emerg Med. 2017. doi:10.1000/xyz\n")
    segs = segments(text)
    roles = [(s.role, s.text) for s in segs]
    assert ("heading", "Bottom line") in roles and ("heading", "Evidence") in roles
    assert ("sentence", "Naproxen relieves acute low back pain a little.") in roles
    assert ("list", "Dry mouth incidence: Tolterodine: 37%; Oxybutynin: 61%") in roles
    assert any(r == "source" for r, _ in roles)
    assert clean_citations("statistically significant1–3:") == "statistically significant:"
    assert clean_citations("people with type 2") == "people with type 2"
    assert clean_citations("effect size of 0.38-0.58 3") == "effect size of 0.38-0.58"


def test_propositions():
    parts = split_propositions("This medication is not a pain reliever, but taking it for pain can be quite effective.")
    assert [p.text for p in parts] == ["This medication is not a pain reliever", "taking it for pain can be quite effective."]
    # elliptical second half: one proposition
    assert len(split_propositions("It may decrease the emotional component of pain, but not the sensory experience of it.")) == 1
    cause, effect = split_propositions("This pain does not involve inflammation, which is why ibuprofen gave no relief.")
    assert cause.link == "cause" and effect.link == "effect"


def test_meaning_words():
    assert denies("The trial found no significant difference from placebo.")
    assert not denies("For those who fail to get relief from ibuprofen, naproxen works.")
    assert not denies("There is no doubt that naproxen works.")
    assert hedge_of("Gabapentin may help some people") == "may"
    assert attribution_of("One higher-quality trial found no difference") == "study"
    assert attribution_of("Studies show that it helps") == "studies"
    assert [n.value for n in numbers_in("involved 114 patients; 50% vs 38% (NNT = 9)")] == [114, 50, 38, 9]


# ------------------------------------------------------------------ claims and judges


def test_null_trial_reported_correctly_is_supported(store):
    c = one(claims_of(store, "A randomized trial found that pregabalin was no better than placebo for sciatica."),
            "pregabalin")
    assert c.polarity == "negative" and c.verdict == "supported" and "pmid:28328324" in {e.id for e in c.evidence}
    big = one(claims_of(store, "A large trial found that pregabalin reduced leg pain from sciatica."), "pregabalin")
    assert big.verdict == "contradicted"  # the large trial of pregabalin for sciatica found no benefit


def test_neutral_and_practice_sentences_are_not_claims(store):
    cs = claims_of(store, "Several doctors prescribe diazepam for back pain. Consider omitting diazepam. "
                          "One study used a tourniquet to test how diazepam changed pain.")
    assert cs == []


def test_pronouns_resolve_and_claims_keep_their_own_condition(store):
    text = ("Is cyclobenzaprine good for back pain?\n\nThe medication helps fibromyalgia sleep and pain. "
            "It reduces acute low back pain in the first week.")
    cs = claims_of(store, text)
    assert all(c.drugs == ["cyclobenzaprine"] for c in cs)
    assert one(cs, "fibromyalgia").condition_id == "fibromyalgia"  # its own condition, not the title's
    assert one(cs, "first week").condition_id == "acute-low-back-pain"


def test_regulatory_negation_recommended_and_comparators(store):
    cs = claims_of(store, "Amitriptyline is not FDA approved to treat fibromyalgia. The FDA recommends diazepam for "
                          "back pain. The FDA has approved three drugs for fibromyalgia: duloxetine, milnacipran and "
                          "pregabalin.")
    ami = one(cs, "Amitriptyline")
    assert ami.kind == "regulatory" and ami.polarity == "negative" and ami.verdict == "supported"
    rec = one(cs, "recommends")
    assert rec.verdict == "unverifiable" and "does not recommend" in rec.reason  # "recommended" is not "approved"
    three = one(cs, "three drugs")
    assert "amitriptyline" not in three.drugs and three.verdict in ("supported", "partly supported")


def test_combination_alternatives_and_unknown_agents(store):
    cs = claims_of(store, "Diazepam works better with NSAIDs (naproxen or ibuprofen) for back pain. "
                          "Diclofenac combined with vitamin K is more effective for back pain.")
    first = cs[0]
    assert "naproxen" in first.alternatives and "ibuprofen" in first.alternatives
    assert set(first.drugs) == {"diazepam", "nsaid"}
    vit = one(cs, "vitamin K")
    assert vit.unknown_agents == ["vitamin K"] and vit.verdict == "unverifiable"


def test_study_described_by_its_size(store):
    text = ("A recent study compared diazepam plus naproxen against naproxen alone for acute low back pain. "
            "This randomized study involved 114 patients.")
    cs = claims_of(store, text)
    assert one(cs, "114 patients").verdict == "supported"


def test_contradictions_need_opposite_assertions(store):
    cs = audit("Naproxen relieves acute low back pain. Naproxen may not help everyone with acute low back pain. "
               "Naproxen is an NSAID used for acute low back pain.", store=store)
    assert cs.contradictions == []  # a hedged caveat and a description do not contradict a benefit claim
    other = audit("Codeine will help relieve pain but will not treat the cause of the pain.", store=store)
    assert other.contradictions == []  # relief of symptoms and treating the cause are different outcomes
    real = audit("Pregabalin relieves sciatica. Pregabalin does not help sciatica.", store=store)
    assert len(real.contradictions) == 1


def test_unknown_drug_name_is_an_unknown_agent(store):
    cs = claims_of(store, "Diclofenac combined with zorblaxin is more effective for back pain.")
    c = one(cs, "zorblaxin")
    assert "zorblaxin" in c.unknown_agents and c.verdict == "unverifiable"


def test_neither_nor_denies_approval(store):
    cs = claims_of(store, "Neither gabapentin nor diazepam is FDA-approved for sciatica.")
    reg = one(cs, "Neither")
    assert reg.kind == "regulatory" and reg.polarity == "negative"
    assert set(reg.drugs) == {"gabapentin", "diazepam"} and reg.verdict == "supported"


def test_weak_evidence_and_study_reports_are_no_contradiction(store):
    weak = audit("A systematic review found only fair evidence that gabapentin is effective for sciatica. "
                 "Gabapentin has minimal to no proven efficacy for sciatica.", store=store)
    assert one(weak.claims, "only fair evidence").evidence_quality == "weak"
    assert weak.contradictions == []  # both say the evidence is thin
    trials = audit("A head-to-head trial comparing gabapentin versus pregabalin in chronic sciatica found both drugs "
                   "reduced pain modestly. A placebo-controlled trial found that pregabalin did not reduce leg pain "
                   "intensity in sciatica.", store=store)
    assert trials.contradictions == []  # two reported studies may find different things


def test_risk_of_bias_is_not_a_harm(store):
    cs = claims_of(store, "A guideline notes gabapentin was effective in postherpetic neuralgia, but this represents "
                          "second-tier evidence with some risk of bias.")
    assert one(cs, "postherpetic neuralgia").kind != "safety"


# ------------------------------------------------------------------ subgroups, outcomes, quantifiers (#17, session 6)


def test_subgroups_and_other_outcomes_are_not_opposites(store):
    groups = audit("Naproxen is not effective for acute low back pain in women. Naproxen relieves acute low back "
                   "pain in men.", store=store)
    assert groups.contradictions == []  # a result in one group says nothing of another
    size = audit("Naproxen relieves severe acute low back pain. Naproxen does not help mild acute low back pain.",
                 store=store)
    assert size.contradictions == []
    outcome = audit("Pregabalin relieves sciatica. Pregabalin does not shorten the time off work for sciatica. "
                    "Pregabalin showed no difference in secondary outcomes for sciatica.", store=store)
    assert outcome.contradictions == []  # a null result on another outcome is no denial of the benefit
    same = audit("Pregabalin relieves leg pain in sciatica. Pregabalin does not reduce leg pain in sciatica.",
                 store=store)
    assert len(same.contradictions) == 1  # the same outcome, the same patients: a real contradiction


def test_not_for_everyone_is_a_limit_not_a_denial(store):
    report = audit("Naproxen relieves acute low back pain. Naproxen does not work for everyone with acute low back "
                   "pain. Naproxen does not always help acute low back pain.", store=store)
    limit = one(report.claims, "everyone")
    assert limit.polarity == "positive" and limit.hedge == "not for everyone"
    assert one(report.claims, "always").polarity == "positive"
    assert report.contradictions == []


def test_absolute_words_overstate_a_benefit(store):
    cs = claims_of(store, "Sumatriptan cures acute migraine. Sumatriptan always works for acute migraine.")
    for frag in ("cures", "always"):
        c = one(cs, frag)
        assert c.strength and c.verdict != "supported"


def test_no_excess_of_adverse_events_is_a_trial_result_not_a_denied_harm(store):
    cs = claims_of(store, "Pregabalin for sciatica\n\nAdverse events did not differ between the pregabalin and "
                          "placebo groups.")
    c = one(cs, "Adverse events")
    assert c.kind == "safety" and c.verdict != "contradicted"
    assert "between-group" in c.reason or "no excess" in c.reason


def test_symptom_the_drug_treats_is_an_effect_not_a_harm(store):
    c = one(claims_of(store, "Ondansetron reduced vomiting in children with gastroenteritis."), "vomiting")
    assert c.kind == "effect"
    harm = one(claims_of(store, "Ondansetron can cause headache."), "headache")
    assert harm.kind == "safety"


def test_subjectless_items_and_unsaid_comparison_sides_take_the_articles_drug(store):
    text = ("What is the role of colchicine in gout?\n\nKey benefits:\n"
            "- Significantly reduces the frequency of gout flares\n"
            "- Comparable efficacy to NSAIDs for acute gout flares\n\n"
            "It did not shorten hospital stays.")
    cs = claims_of(store, text)
    assert one(cs, "frequency").drugs == ["colchicine"] and one(cs, "frequency").condition_id == "mesh:D006073"
    comp = one(cs, "Comparable")
    assert comp.kind == "comparison" and comp.drugs[0] == "colchicine"
    assert one(cs, "shorten").polarity == "negative"


def test_a_clear_majority_of_the_strongest_studies_decides():
    from rxevidence.audit.judges.evidence import Tested, summarise
    from rxevidence.models import StudySummary

    def t(i: int, d: str) -> Tested:
        return Tested(StudySummary(id=f"pmid:{i}", design="rct", n=200, direction=d), d)  # type: ignore[arg-type]

    assert summarise([t(1, "better"), t(2, "better"), t(3, "better"), t(4, "no difference")]).result == "benefit"
    assert not summarise([t(1, "better"), t(2, "better"), t(3, "better"), t(4, "no difference")]).strong
    assert summarise([t(1, "better"), t(2, "better"), t(4, "no difference")]).result == "mixed"
    assert summarise([t(1, "no difference"), t(2, "no difference"), t(3, "worse"), t(4, "better")]).result == "no benefit"


def test_a_condition_named_as_a_side_effect_is_not_the_claims_use():
    from rxevidence.audit.claims import _own_conditions
    from rxevidence.vocab import load_vocabulary

    vocab = load_vocabulary()
    about, _ = _own_conditions("they can have side effects like diarrhea or stomach pain", vocab)
    assert not any("diarrh" in c.text.lower() for c in about)
    about, _ = _own_conditions("it relieves diarrhea", vocab)
    assert any("diarrh" in c.text.lower() for c in about)


def test_mechanism_claim_naming_the_drugs_own_class(store):
    r = audit("Propranolol is a type of beta blocker.", store=store, kind="text")
    mech = [c for c in r.claims if c.kind == "mechanism"]
    assert mech and mech[0].verdict == "supported"


def test_news_dateline_and_a_subtitle_line_are_not_claim_text():
    text = ("Especially helpful with larger stones, while smaller ones may pass on their own\n"
            "THURSDAY, July 30, 2015 (HealthDay News) — Naproxen relieves acute low back pain.\n"
            "LONDON (Reuters) – Paracetamol does not speed recovery.\n")
    sents = [s.text for s in segments(text) if s.role == "sentence"]
    assert "Naproxen relieves acute low back pain." in sents
    assert "Paracetamol does not speed recovery." in sents
    assert not any("THURSDAY" in s or "Reuters" in s for s in sents)
    assert any(s.startswith("Especially helpful") and s.endswith("on their own") for s in sents)


def test_a_team_that_found_something_reports_a_study():
    assert attribution_of("His team found that 87 percent of patients treated with tamsulosin passed stones") == "study"
    assert attribution_of("The research group reported fewer flares") == "study"
    assert attribution_of("Talk to your care team about it") is None


def test_different_kinds_of_a_condition_are_not_opposites(store):
    kind = audit("Diazepam is used to treat acute low back pain. Diazepam does not work for chronic low back pain.",
                 store=store)
    assert kind.contradictions == []
    subtype = audit("Pregabalin relieves sciatica. That is a different subtype of sciatica, and pregabalin does not "
                    "help it.", store=store)
    assert subtype.contradictions == []


def test_studies_read_for_another_condition_never_refute_a_claim():
    from rxevidence.audit.judges.effect import _not_against
    from rxevidence.models.audit import Claim

    c = Claim(text="Amoxicillin is not helpful for sinus infections.", start=0, end=10, kind="effect",
              polarity="negative", drugs=["amoxicillin"], condition="sinus infections")
    v = _not_against(c, "amoxicillin", ("contradicted", "The strongest direct studies found a benefit: x.", []),
                     "Bacterial Infections and Mycoses")
    assert v[0] == "unverifiable" and "Bacterial Infections" in v[1]
    close = _not_against(c, "amoxicillin", ("contradicted", "The strongest direct studies found a benefit: x.", []),
                         "back pain")
    assert close[0] == "contradicted"  # a close condition still tests the claim
    same = _not_against(c, "amoxicillin", ("contradicted", "The strongest direct studies found a benefit: x.", []), None)
    assert same[0] == "contradicted"


def test_a_review_naming_another_drug_and_no_placebo_is_a_head_to_head():
    from rxevidence.audit.judges.evidence import direction_for
    from rxevidence.models import StudySummary

    h2h = StudySummary(id="pmid:1", design="meta-analysis", drugs=["amphetamine", "methylphenidate"],
                       direction="no difference")  # type: ignore[arg-type]
    assert direction_for(h2h, "methylphenidate") is None
    alone = StudySummary(id="pmid:2", design="meta-analysis", drugs=["methylphenidate"], direction="better")  # type: ignore[arg-type]
    assert direction_for(alone, "methylphenidate") == "better"
    vs_placebo = StudySummary(id="pmid:3", design="meta-analysis", drugs=["amphetamine", "methylphenidate"],
                              comparator="placebo", direction="better")  # type: ignore[arg-type]
    assert direction_for(vs_placebo, "methylphenidate") == "better"


def test_mechanism_in_lay_words_for_the_drugs_class():
    import re as _re

    from rxevidence.audit.judges.safety import _ACTS, _LAY_TARGET

    assert _re.search(_LAY_TARGET["proton pump"], "drugs which block an acid-producing enzyme in the stomach")
    assert _re.search(_ACTS["reuptake inhibitor"], "preventing the nerve from taking it up again")


# ------------------------------------------------------------------ v5 dev misses (#17): general causes


def test_a_guideline_position_and_an_elliptical_but_not_are_no_contradiction(store):
    rep = audit("Pregabalin proved no better than placebo for sciatica. Guidelines cite pregabalin as the top choice "
                "for sciatica. Knowing why pregabalin works for other pain states but not sciatica would help.",
                store=store)
    assert attribution_of("National guidelines cite X as the top choice for back pain") == "guideline"
    assert one(rep.claims, "not sciatica").polarity == "negative"  # the elliptical half of a contrast denies
    assert rep.contradictions == []
    assert denies("not low-back pain would help direct future treatments") and not denies("Not surprisingly, it works")


def test_regulatory_use_must_be_attached_to_be_opposed():
    from rxevidence.audit.claims import use_attached

    assert use_attached("The FDA has approved it for only one purpose -- to treat malaria", "malaria")
    assert not use_attached("Since only 1,500 people received malaria diagnoses, it is prescribed off-label", "malaria")


def test_words_that_name_no_medicine_or_combination(store):
    cs = claims_of(store, "Taking zolpidem right after a big meal can slow its onset for insomnia.")
    assert all("proguanil" not in c.drugs for c in cs)  # a near-spelling spread over two words is no drug
    combo = claims_of(store, "Symptomatic ulcers combined with ulcer complications were fewer with celecoxib than "
                             "with NSAIDs like ibuprofen.")
    assert all(c.kind != "combination" for c in combo)  # "combined with" joins no drug here
    poss = claims_of(store, "Ambien\u2019s standard version does not work for sleep maintenance insomnia.")
    assert poss and "zolpidem" in poss[0].drugs  # a brand name with a possessive ending


def test_design_of_the_evidence_numbers_per_arm_and_non_inferiority():
    from rxevidence.audit.meaning import comparison_relation, evidence_quality, read

    assert evidence_quality("Studies of patients with nocturnal leg cramps have been small") == "small"
    assert evidence_quality("they were not randomized, controlled trials") == "small"
    arms = read("the median recovery time was 17 days in both paracetamol groups and 16 days in the placebo group",
                n_drugs=1, has_condition=True)
    assert arms.kind == "study" and [n.value for n in arms.numbers if n.kind == "arm"] == [17.0, 16.0]
    assert comparison_relation("Celecoxib 200 mg is non-inferior to ibuprofen 800 mg") == "better-or-same"
