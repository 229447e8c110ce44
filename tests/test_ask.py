"""The main job end to end: question -> pack/store -> brief, validated and deterministic."""

from __future__ import annotations

import json

import pytest

from rxevidence.ask import ask
from rxevidence.errors import InputError, ValidationFailed
from rxevidence.models import Sentence
from rxevidence.pack import load_pack
from rxevidence.store import SQLiteStore
from rxevidence.validate import brief_problems, validate_brief


@pytest.fixture(scope="module")
def packed_store():
    s = SQLiteStore(":memory:")
    yield s
    s.close()


@pytest.fixture(scope="module")
def diazepam_brief(packed_store):
    return ask("How effective is diazepam for pain?", store=packed_store)


def test_diazepam_brief_sections(diazepam_brief):
    b = diazepam_brief
    assert [d.name for d in b.query.drugs] == ["diazepam"]
    assert b.query.condition.id == "pain"
    panel = b.drugs[0]
    assert "benzodiazepine" in panel.classes
    assert any("spasm" in i.lower() for i in panel.indications)
    us = [r for r in b.regulatory if r.jurisdiction == "US FDA"][0]
    # the label covers muscle spasm (as an adjunct), not pain as such
    assert us.status == "off-label"
    assert any(d.condition == "muscle-spasm" and d.status == "on-label" for d in us.details)
    assert {r.jurisdiction for r in b.regulatory} >= {"US FDA", "UK NICE/NHS", "EU EMA"}
    assert b.verdict in ("mixed/uncertain", "probably ineffective", "ineffective", "insufficient evidence")
    assert b.certainty in ("low", "very low")
    assert b.reasons
    assert any(h.kind == "boxed warning" and "opioid" in h.text.lower() for h in b.harms)


def test_diazepam_best_trials_and_experimental_kept_apart(diazepam_brief):
    b = diazepam_brief
    pack_ids = {s.id for s in load_pack().studies if "diazepam" in s.drugs}
    assert pack_ids <= {s.id for s in b.studies} | {s.id for s in b.excluded}
    ed = next(s for s in b.studies if s.id == "pmid:28187918")
    assert (ed.design, ed.direction, ed.condition_id) == ("rct", "no difference", "acute-low-back-pain")
    exp_rows = [r for r in b.matrix if r.condition_id == "experimental-pain"]
    assert exp_rows and all(r.note and "healthy volunteers" in r.note for r in exp_rows)
    # affective vs sensory dimensions are separate rows
    outcomes = {r.outcome for r in exp_rows}
    assert any("unpleasantness" in o for o in outcomes) and any("intensity" in o for o in outcomes)
    # experimental studies are not counted in the verdict
    bottom = [s for s in b.sentences if s.section == "bottom-line" and s.text.startswith("Bottom line")][0]
    assert not set(bottom.citations) & {r for row in exp_rows for r in row.study_ids}


def test_diazepam_ibuprofen_combination(packed_store):
    b = ask("valium + ibuprofen for jaw pain?", store=packed_store)
    assert b.query.relation == "combination"
    assert any(set(c.combination) >= {"diazepam", "ibuprofen"} for c in b.combinations)


def test_every_sentence_is_cited_and_valid(diazepam_brief, packed_store):
    for s in diazepam_brief.sentences:
        assert s.citations or s.claims.get("absence"), s.text
    assert brief_problems(diazepam_brief, packed_store) == []


def test_deterministic_json(packed_store, diazepam_brief):
    again = ask("How effective is diazepam for pain?", store=packed_store)
    a = json.loads(diazepam_brief.model_dump_json())
    b = json.loads(again.model_dump_json())
    a.pop("as_of")
    b.pop("as_of")
    assert a == b


def test_validator_rejects_a_wrong_claim(diazepam_brief, packed_store):
    bad = diazepam_brief.model_copy(deep=True)
    bad.sentences.append(Sentence(text="It worked.", citations=["pmid:28187918"], section="evidence",
                                  claims={"direction": "better"}))
    with pytest.raises(ValidationFailed, match="no difference"):
        validate_brief(bad, packed_store)
    bad2 = diazepam_brief.model_copy(deep=True)
    bad2.sentences.append(Sentence(text="A made-up study.", citations=["pmid:999999999"], section="evidence"))
    assert any("not in the store" in p for p in brief_problems(bad2, packed_store))
    bad3 = diazepam_brief.model_copy(deep=True)
    bad3.sentences.append(Sentence(text="Uncited claim.", citations=[], section="evidence"))
    assert any("no citation" in p for p in brief_problems(bad3, packed_store))


def test_unknown_and_empty_questions(packed_store):
    with pytest.raises(InputError):
        ask("   ", store=packed_store)
    with pytest.raises(InputError, match="No drug recognised"):
        ask("how effective is for back pain?", store=packed_store)


def test_unknown_drugs_are_named_never_swapped(packed_store):
    with pytest.raises(InputError, match="zorblaxin") as e:
        ask("Is zorblaxin better than flimzotide for back pain?", store=packed_store)
    assert "flimzotide" in str(e.value) and "Did you mean" in str(e.value)
    b = ask("Is ibuprofen better than zorblaxin for back pain?", store=packed_store, offline=True)
    assert [d.name for d in b.query.drugs] == ["ibuprofen"] and b.query.relation == "comparison"
    assert "zorblaxin" in b.notes[0] and "ibuprofen only" in b.notes[0]
    b = ask("Is zorblaxin better than ibuprofen for back pain?", store=packed_store, offline=True)
    assert [d.name for d in b.query.drugs] == ["ibuprofen"] and b.query.relation == "comparison"
    assert "zorblaxin" in b.notes[0] and "ibuprofen only" in b.notes[0]


def test_nothing_found_says_what_would_help(tmp_path):
    s = SQLiteStore(":memory:")
    b = ask("Does sumatriptan help sciatica?", store=s)
    assert b.verdict == "insufficient evidence"
    assert any("ingest" in n and "--online" in n for n in b.notes)
    s.close()


def test_brief_from_automatic_appraisals_without_pack(shared, tmp_path):
    from rxevidence.ingest import ingest_paths

    csv = shared("cohen2006_drug_class_reviews", "SkeletalMuscleRelaxants.csv")
    s = SQLiteStore(str(tmp_path / "c.db"))
    ingest_paths(s, [csv], options={"mapping": {"pmid": "pubmedID", "title": "title", "abstract": "abstract",
                                                "year": "year", "authors": "authors"}}, fmt="mapped")
    b = ask("Is cyclobenzaprine effective for back pain?", store=s, install_pack=False)
    assert b.studies, "expected automatically appraised studies"
    assert all(st.appraiser == "automatic" for st in b.studies)
    assert brief_problems(b, s) == []
    s.close()


def test_ambiguous_condition_falls_back_to_the_other_reading(packed_store):
    """'back spasms' reads first as muscle spasm; with no diazepam study there, the back-pain reading is used."""
    b = ask("valium for back spasms", store=packed_store)
    assert b.query.condition.id == "back-pain"
    assert any("may also mean" in n for n in b.notes)
    assert any(s.id == "pmid:28187918" for s in b.studies)


def test_only_head_to_head_evidence_gives_no_efficacy_verdict(packed_store):
    """OPTION-DM compared amitriptyline with duloxetine and pregabalin: equal, not ineffective."""
    b = ask("Does amitriptyline help diabetic neuropathy?", store=packed_store)
    ids = {s.id for s in b.studies}
    assert "pmid:36007534" in ids
    assert b.verdict == "insufficient evidence"
    assert any("head-to-head" in r for r in b.reasons)
    assert not brief_problems(b, packed_store)


def test_comparison_uses_only_studies_of_one_side_against_the_other(packed_store):
    b = ask("Is ibuprofen better than acetaminophen for toothache?", store=packed_store)
    assert b.query.relation == "comparison"
    bottom = next(s for s in b.sentences if s.text.startswith("Bottom line:"))
    # tramadol + paracetamol against ibuprofen is not a paracetamol-versus-ibuprofen comparison
    assert "pmid:11724223" not in bottom.citations and "pmid:24338830" in bottom.citations
    none = ask("naproxen or ibuprofen for back pain", store=packed_store)
    # without a head-to-head trial the verdict is about the first drug only: never from an ibuprofen-only study
    cited = {c for s in none.sentences if s.section == "bottom-line" for c in s.citations}
    assert "pmid:11833838" not in cited
    assert not brief_problems(b, packed_store) and not brief_problems(none, packed_store)


def test_condition_only_question_lists_the_studied_drugs(packed_store):
    with pytest.raises(InputError) as e:
        ask("what works for restless legs?", store=packed_store)
    msg = str(e.value)
    assert "No drug recognised" in msg and "ropinirole" in msg and "pramipexole" in msg
    assert 'rxevidence ask "How effective is' in msg


def test_combination_without_a_study_of_it_says_the_verdict_is_for_each_drug_alone(packed_store):
    b = ask("tylenol and advil together for a headache", store=packed_store)
    assert b.query.relation == "combination"
    assert any("No study of acetaminophen + ibuprofen together" in n for n in b.notes)
    bottom = next(s for s in b.sentences if s.text.startswith("Bottom line:"))
    assert "each alone" in bottom.text
    combo = ask("valium + ibuprofen for jaw pain?", store=packed_store)
    assert not any("together was found" in n for n in combo.notes)  # Singer & Dionne tested them together
    assert not brief_problems(b, packed_store)


def test_dose_questions_get_no_dose_advice(packed_store):
    b = ask("is 800mg ibuprofen too much for back pain", store=packed_store)
    assert any("never suggests or judges doses" in n for n in b.notes)
    plain = ask("ibuprofen for back pain", store=packed_store)
    assert not any("dose" in n for n in plain.notes)


def test_label_indications_decide_the_fda_row_when_no_position_is_curated(packed_store):
    def fda(q):
        return next(r for r in ask(q, store=packed_store).regulatory if r.jurisdiction == "US FDA")

    seizures = fda("gabapentin for epilepsy")
    assert seizures.status == "on-label" and "seizures" in seizures.note and seizures.source
    assert fda("naproxen for period pain").status == "on-label"
    # "painful musculoskeletal conditions" is not a labelled use for pain in general
    assert fda("cyclobenzaprine for pain").status == "off-label"


def test_comparison_without_head_to_head_gives_each_drug_its_own_verdict(packed_store):
    b = ask("Which is better for migraines, sumatriptan or ibuprofen?", store=packed_store)
    texts = [s.text for s in b.sentences if s.section == "bottom-line"]
    main = next(t for t in texts if t.startswith("Bottom line:"))
    assert "no head-to-head study against ibuprofen" in main
    sep = next(s for s in b.sentences if s.text.startswith("Separately, for ibuprofen"))
    assert sep.citations and "do not show which drug works better" in sep.text
    assert not brief_problems(b, packed_store)
