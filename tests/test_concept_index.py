"""The concept index (#15): records tagged with drug and condition concepts, retrieval by concept."""

from __future__ import annotations

import sqlite3

import pytest

from rxevidence.models import MeshHeading, Record
from rxevidence.question import parse
from rxevidence.retrieve import retrieve
from rxevidence.store.sqlite import SQLiteStore
from rxevidence.vocab import load_vocabulary
from rxevidence.vocab.tagging import tag_record


def _article(pmid: str, title: str, abstract: str = "", mesh: list[tuple[str, str]] | None = None,
             chemicals: list[str] | None = None) -> Record:
    return Record(id=f"pmid:{pmid}", kind="article", pmid=pmid, title=title,
                  sections=[{"label": "abstract", "text": abstract}] if abstract else [],
                  mesh=[MeshHeading(descriptor=d, ui=u) for d, u in (mesh or [])], chemicals=chemicals or [])


LISINOPRIL_MIGRAINE = _article(
    "11136931", "Prophylactic treatment of migraine with an angiotensin converting enzyme inhibitor (lisinopril): "
    "randomised, placebo controlled, crossover study",
    "Objective: To assess the efficacy of lisinopril in the prophylaxis of migraine.",
    mesh=[("Migraine Disorders", "D008881"), ("Lisinopril", "D017706"), ("Humans", "D006801")],
    chemicals=["Lisinopril"])
IN_PASSING = _article("2", "Ibuprofen for knee osteoarthritis", "Patients with a history of migraine were excluded "
                      "from ibuprofen treatment; lisinopril was allowed.",
                      mesh=[("Osteoarthritis, Knee", "D020370"), ("Ibuprofen", "D007052")], chemicals=["Ibuprofen"])
UNINDEXED = _article("3", "Risperidone for agitation in elderly patients with dementia",
                     "A randomized trial of risperidone for agitation and aggression in dementia.")


def test_tags_come_from_mesh_with_their_source():
    v = load_vocabulary()
    tags = tag_record(LISINOPRIL_MIGRAINE, v)
    drugs = {(t.concept, t.source) for t in tags if t.kind == "drug"}
    conds = {t.source for t in tags if t.kind == "condition"}
    assert ("lisinopril", "mesh") in drugs and "mesh" in conds
    assert any(t.kind == "tagged" for t in tags)
    # no MeSH: title and abstract
    tags = tag_record(UNINDEXED, v)
    assert {t.source for t in tags if t.kind != "tagged"} <= {"title", "abstract"}
    assert any(t.kind == "drug" and t.concept == "risperidone" for t in tags)
    # labels are found by ingredient, not tagged
    assert tag_record(Record(id="spl:x", kind="label", title="Lisinopril tablets"), v) == []


@pytest.fixture()
def tagged_store(tmp_path):
    s = SQLiteStore(str(tmp_path / "c.db"))
    s.upsert_many([LISINOPRIL_MIGRAINE, IN_PASSING, UNINDEXED])
    yield s
    s.close()


def test_retrieval_by_concept_widens_and_drops_passing_mentions(tagged_store):
    v = load_vocabulary()
    ev = retrieve(tagged_store, parse("Does lisinopril prevent migraines?"), vocab=v)
    assert "pmid:11136931" in ev.scores and "pmid:2" not in ev.scores
    ev = retrieve(tagged_store, parse("Does risperidone help agitation in dementia?"), vocab=v)
    assert "pmid:3" in ev.scores


def test_roles_come_from_the_appraisal_and_deletes_drop_tags(tagged_store):
    from rxevidence.models import Appraisal

    tagged_store.put_appraisal(Appraisal(record_id="pmid:11136931", drugs=["lisinopril"], comparator="placebo"))
    rows = tagged_store.conn.execute(
        "SELECT concept, source, role FROM concept_tags WHERE record_id = 'pmid:11136931' AND kind = 'drug'").fetchall()
    assert ("lisinopril", "mesh", "studied") in rows
    with tagged_store.transaction():
        tagged_store.delete_record("pmid:11136931")
    assert tagged_store.concept_records(["lisinopril"], []) == {}


def test_migration_tags_records_stored_before_the_index(tmp_path):
    path = tmp_path / "old.db"
    s = SQLiteStore(str(path))
    s.upsert_many([LISINOPRIL_MIGRAINE])
    s.close()
    db = sqlite3.connect(path)  # a store from before the concept index
    db.execute("DROP TABLE concept_tags")
    db.execute("DELETE FROM schema_migrations WHERE name = '003_concept_index'")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    s = SQLiteStore(str(path))
    assert "003_concept_index" in s.migrations_applied()
    assert "pmid:11136931" in s.concept_records(["lisinopril"], [load_vocabulary().concept_for_mesh("D008881")])
    s.close()


def test_both_stores_have_the_same_index(anystore):
    anystore.upsert_many([LISINOPRIL_MIGRAINE, IN_PASSING])
    got = anystore.concept_records(["lisinopril"], [load_vocabulary().concept_for_mesh("D008881")])
    assert set(got) == {"pmid:11136931"}
    assert anystore.tagged_ids(["pmid:2", "pmid:9"]) == {"pmid:2"}


def test_a_store_tagged_with_another_vocabulary_is_stale_until_retagged(anystore):
    from rxevidence.store.concepts import META_KEY, tagging_version

    anystore.upsert_many([LISINOPRIL_MIGRAINE])
    assert not anystore.tags_stale()  # a new store is tagged with today's vocabulary
    anystore.meta_set(META_KEY, "0-older-vocabulary")
    with anystore.transaction():  # the old vocabulary tagged the record differently
        anystore.conn.cursor().execute("DELETE FROM concept_tags WHERE kind = 'condition'")
    assert anystore.tags_stale()
    assert anystore.retag() == 1
    assert not anystore.tags_stale() and anystore.meta_get(META_KEY) == tagging_version()
    assert "pmid:11136931" in anystore.concept_records(["lisinopril"], [load_vocabulary().concept_for_mesh("D008881")])


def test_passing_mention_in_an_abstract_is_no_match(tmp_path):
    s = SQLiteStore(str(tmp_path / "p.db"))
    s.upsert_many([_article("4", "Knee osteoarthritis: a randomized trial of exercise",
                            "Patients with knee osteoarthritis did exercise; those taking ibuprofen were excluded. "
                            "Exercise reduced osteoarthritis pain.")])
    tags = s.tags_of(["pmid:4"])["pmid:4"]
    assert ("drug", "ibuprofen", "background") in tags
    ev = retrieve(s, parse("Does ibuprofen help knee osteoarthritis?"), vocab=load_vocabulary())
    assert "pmid:4" not in ev.scores
    s.close()


def test_only_records_that_can_be_evidence_are_picked_for_full_appraisal():
    from rxevidence.vocab.tagging import can_be_evidence

    rct = _article("5", "Drug X for pain", mesh=[("Humans", "D006801"), ("Pain", "D010146")])
    rct.publication_types = ["Journal Article", "Randomized Controlled Trial"]
    mice = _article("6", "Drug X in mice", mesh=[("Animals", "D000818"), ("Mice", "D051379")])
    mice.publication_types = ["Journal Article"]
    letter = _article("7", "Drug X for pain: a reply", "We thank the patients and the authors.")
    letter.publication_types = ["Letter", "Comment"]
    unindexed = _article("8", "Drug X versus placebo in adults with chronic pain", "A randomized trial.")
    assert can_be_evidence(rct) and can_be_evidence(unindexed)
    assert not can_be_evidence(mice) and not can_be_evidence(letter)
    assert can_be_evidence(Record(id="nct:NCT01234567", kind="trial", title="A trial"))
    assert not can_be_evidence(Record(id="spl:x", kind="label", title="Drug X tablets"))


def test_full_appraisal_at_ingest_needs_a_medicine_the_index_tagged():
    from rxevidence.vocab.tagging import appraise_at_ingest

    v = load_vocabulary()
    drug_rct = _article("9", "Ibuprofen versus placebo for dental pain", mesh=[("Humans", "D006801")])
    drug_rct.publication_types = ["Journal Article", "Randomized Controlled Trial"]
    surgery_rct = _article("10", "Early versus delayed surgery for hip fracture", mesh=[("Humans", "D006801")])
    surgery_rct.publication_types = ["Journal Article", "Randomized Controlled Trial"]
    assert appraise_at_ingest(drug_rct, tag_record(drug_rct, v))
    assert not appraise_at_ingest(surgery_rct, tag_record(surgery_rct, v))  # no medicine: appraised on read
    mice = _article("6", "Ibuprofen in mice", mesh=[("Animals", "D000818"), ("Mice", "D051379")])
    assert not appraise_at_ingest(mice, tag_record(mice, v))


def test_lay_patterns_are_found_through_their_joint_gate():
    v = load_vocabulary()
    assert [h.id for h in v.find_conditions("my back hurts when I bend")] == ["back-pain"]
    assert v.find_conditions("Serum urate was measured in 40 volunteers.") == []


def test_rare_kind_search_matches_only_that_kind():
    s = SQLiteStore(":memory:")
    s.upsert_many([_article(str(100 + i), f"Ibuprofen for dental pain, study {i}") for i in range(30)]
                  + [Record(id="nct:NCT00000001", kind="trial", title="Ibuprofen for dental pain after extraction"),
                     Record(id="nct:NCT00000002", kind="trial", title="Naproxen for knee pain")])
    assert [h.id for h in s.search_terms([["ibuprofen"], ["dental pain"]], kind="trial")] == ["nct:NCT00000001"]
    assert s.search_terms([["celecoxib"]], kind="trial") == []
    assert len(s.search_terms([["ibuprofen"], ["dental pain"]], kind="article")) == 30
    s.close()


def test_find_classes_lists_every_mention_when_asked():
    v = load_vocabulary()
    text = "Beta blockers and ACE inhibitors were compared; ACE inhibitors lowered pressure more."
    assert v.find_classes(text) == ["beta blocker", "ace inhibitor"]
    assert v.find_classes(text, unique=False) == ["beta blocker", "ace inhibitor", "ace inhibitor"]


def test_a_class_named_twice_in_an_abstract_is_no_passing_mention(tmp_path):
    s = SQLiteStore(str(tmp_path / "c.db"))
    s.upsert_many([_article("10", "Treatment of raised blood pressure in older adults",
                            "We randomised older adults to ACE inhibitors or usual care. "
                            "ACE inhibitors lowered blood pressure; beta blockers were allowed as rescue.")])
    tags = s.tags_of(["pmid:10"])["pmid:10"]
    assert ("drug", "ace inhibitor", "abstract") in tags
    assert ("drug", "beta blocker", "passing") in tags
    s.close()


def test_a_condition_named_once_matches_when_the_drug_is_what_the_record_is_about(tmp_path):
    s = SQLiteStore(str(tmp_path / "h.db"))
    s.upsert_many([
        _article("11", "Nifedipine versus placebo: a randomized crossover trial in older adults",
                 "Adults with hypertension took nifedipine for eight weeks; nifedipine lowered blood pressure."),
        _article("12", "Home exercise in older adults: a randomized trial",
                 "Adults with hypertension walked daily; those taking nifedipine were excluded."),
    ])
    ev = retrieve(s, parse("Does nifedipine help high blood pressure?"), vocab=load_vocabulary())
    assert "pmid:11" in ev.scores  # the drug in the title, the condition named once
    assert "pmid:12" not in ev.scores  # the drug named once in passing
    s.close()


def test_a_drug_the_appraisal_studied_is_no_passing_mention(tmp_path):
    from rxevidence.models import Appraisal

    s = SQLiteStore(str(tmp_path / "r.db"))
    s.upsert_many([_article("13", "A randomized trial in older adults",
                            "Adults with atrial fibrillation were randomized to metoprolol or placebo.")])
    cond = parse("Does metoprolol help atrial fibrillation?").condition
    assert cond is not None
    assert s.concept_records(["metoprolol"], [cond.id]) == {}  # both named once: no match
    s.put_appraisal(Appraisal(record_id="pmid:13", drugs=["metoprolol"], comparator="placebo"))
    assert "pmid:13" in s.concept_records(["metoprolol"], [cond.id])
    s.close()


def test_a_review_of_a_condition_matches_a_drug_it_names_once(tmp_path):
    s = SQLiteStore(str(tmp_path / "v.db"))
    s.upsert_many([
        _article("14", "Drug treatment of gout: a review",
                 "We review acute treatment and urate lowering; allopurinol lowers urate in most patients."),
        _article("15", "Diet and gout: a cohort study",
                 "Men with a history of allopurinol use were excluded; diet was recorded."),
    ])
    ev = retrieve(s, parse("Does allopurinol help gout?"), vocab=load_vocabulary())
    assert "pmid:14" in ev.scores  # the condition in the title, the drug named once
    assert "pmid:15" not in ev.scores  # the drug named once as background
    tags = s.tags_of(["pmid:15"])["pmid:15"]
    assert ("drug", "allopurinol", "background") in tags
    s.close()


def test_background_mentions_are_read_in_their_own_sentence():
    v = load_vocabulary()
    rec = _article("16", "Pain after knee surgery",
                   "Paracetamol reduced pain scores at six hours. Patients with a history of asthma were excluded.")
    tags = {(t.concept, t.source) for t in tag_record(rec, v) if t.kind == "drug"}
    assert ("acetaminophen", "passing") in tags


def test_a_form_of_the_drug_is_the_drug():
    v = load_vocabulary()
    forms = v.drug_forms("estrogen")
    assert "esterified estrogens" in forms and "estrogens, conjugated" in forms
    assert "selective estrogen receptor modulators" not in forms  # the words in the middle: another drug
    assert any("/" in f and "estradiol" in f.split("/") for f in v.drug_forms("estradiol"))  # a combination
    assert v.drug_forms("propranolol") == ["propranolol"]


def test_an_abbreviation_defined_after_a_mention_names_it_again():
    v = load_vocabulary()
    rec = _article("17", "Bone density in postmenopausal women",
                   "Women took estradiol valerate (E2V) with medroxyprogesterone acetate (MPA) or placebo. "
                   "E2V increased bone density; MPA did not change it. Hormone replacement therapy (HRT) is common; HRT helps.")
    tags = {(t.concept, t.source) for t in tag_record(rec, v) if t.kind == "drug"}
    assert ("estradiol", "abstract") in tags and ("medroxyprogesterone", "abstract") in tags
    # "hormone replacement therapy (HRT)": the estrogen family, named twice (spelled out, then "HRT")
    assert ("estrogen", "abstract") in tags


def test_retrieval_finds_records_tagged_with_a_form_of_the_drug(tmp_path):
    s = SQLiteStore(str(tmp_path / "f.db"))
    s.upsert_many([_article("16", "Esterified estrogens for hot flashes: a randomized trial",
                            "Women with hot flashes took esterified estrogens or placebo.")])
    assert ("drug", "esterified estrogens", "title") in s.tags_of(["pmid:16"])["pmid:16"]
    ev = retrieve(s, parse("Does estrogen help hot flashes?"), vocab=load_vocabulary())
    assert "pmid:16" in ev.scores
    s.close()


def test_older_names_of_diabetes_types_are_read_as_the_type():
    v = load_vocabulary()
    assert [h.id for h in v.find_conditions("type II diabetic patients")] == ["mesh:D003924"]
    assert [h.id for h in v.find_conditions("patients with non-insulin dependent diabetes")] == ["mesh:D003924"]
    assert [h.id for h in v.find_conditions("insulin-dependent diabetic children")] == ["mesh:D003922"]


def test_two_drugs_asked_about_named_once_each_are_what_the_record_is_about(tmp_path):
    s = SQLiteStore(str(tmp_path / "m.db"))
    s.upsert_many([
        _article("17", "Lowering glucose after meals: a randomized trial",
                 "Adults with type 2 diabetes took glyburide or metformin for twelve weeks. HbA1c fell."),
        _article("18", "Lowering glucose after meals: a randomized trial",
                 "Adults with type 2 diabetes took glyburide for twelve weeks. HbA1c fell."),
    ])
    v = load_vocabulary()
    ev = retrieve(s, parse("Do sulfonylureas or metformin work for type 2 diabetes?", vocab=v), vocab=v)
    assert "pmid:17" in ev.scores  # two of the drugs asked about, each named once, and the condition named once
    assert "pmid:18" not in ev.scores  # one drug and the condition, each named once
    s.close()
