"""The question parser: every example of issue 3, relations, intents, populations, robustness."""

from __future__ import annotations

import random
import string

import pytest

from rxevidence.errors import InputError
from rxevidence.models import Query
from rxevidence.question import MAX_CHARS, parse


def names(q: Query) -> list[str]:
    return [d.name for d in q.drugs]


@pytest.mark.parametrize("text,drugs,condition,relation", [
    ("How effective is diazepam for pain?", ["diazepam"], "pain", "single"),
    ("does Lyrica help sciatica?", ["pregabalin"], "sciatica", "single"),
    ("valium + ibuprofen for jaw pain?", ["diazepam", "ibuprofen"], "tmd", "combination"),
    ("Is Flexeril good for neck pain?", ["cyclobenzaprine"], "neck-pain", "single"),
    ("ibuprophen for a slipped disc", ["ibuprofen"], "sciatica", "single"),
    ("amitryptiline for nerve pain that shoots down my leg", ["amitriptyline"], "sciatica", "single"),
    ("naproxen for period pain", ["naproxen"], "dysmenorrhea", "single"),
    ("does ibuprofen help cramps during my period", ["ibuprofen"], "dysmenorrhea", "single"),
    ("baclofen for muscle spasms after stroke", ["baclofen"], "spasticity", "single"),
    ("Lyrica for nerve pain from diabetes", ["pregabalin"], "diabetic-neuropathic-pain", "single"),
    ("can I use voltaren for my knee", ["diclofenac"], "osteoarthritis-pain", "single"),
    ("ibuprofen for pain after my hip replacement", ["ibuprofen"], "postoperative-pain", "single"),
    ("cyclobenzaprene for jaw pain when I wake up", ["cyclobenzaprine"], "tmd", "single"),
    ("naproxen for a pulled back muscle", ["naproxen"], "acute-low-back-pain", "single"),
    ("Valium with ibuprofen for back pain", ["diazepam", "ibuprofen"], "back-pain", "combination"),
    ("opioids vs Tylenol for knee arthritis", ["opioid", "acetaminophen"], "osteoarthritis-pain", "comparison"),
    ("are muscle relaxants any good for back pain?", ["skeletal muscle relaxant"], "back-pain", "single"),
    ("benzodiazepines for back spasms", ["benzodiazepine"], "muscle-spasm", "single"),
    ("Does paracetamol work for toothache?", ["acetaminophen"], "dental-pain", "single"),
    ("gabapentin for shingles pain", ["gabapentin"], "postherpetic-neuralgia", "single"),
    ("quinine for leg cramps at night", ["quinine"], "nocturnal-leg-cramps", "single"),
    ("Mirapex or Requip for RLS?", ["pramipexole", "ropinirole"], "restless-legs-syndrome", "comparison"),
    ("topiramate for preventing migraines", ["topiramate"], "migraine-prevention", "single"),
    ("is sumatriptan better than ibuprofen for migraines", ["sumatriptan", "ibuprofen"], "migraine", "comparison"),
    ("combining gabapentin and duloxetine for fibromyalgia", ["gabapentin", "duloxetine"], "fibromyalgia",
     "combination"),
    ("tramadol compared with codeine for headaches", ["tramadol", "codeine"], "headache", "comparison"),
    ("LDN for fibromyalgia", ["naltrexone"], "fibromyalgia", "single"),
    ("Qutenza patch for diabetic nerve pain", ["capsaicin"], "diabetic-neuropathic-pain", "single"),
])
def test_issue_examples(text, drugs, condition, relation):
    q = parse(text)
    assert names(q) == drugs, q.drugs
    assert q.condition is not None and q.condition.id == condition, q.condition
    assert q.relation == relation
    assert 0.0 < q.confidence <= 1.0


def test_user_words_are_kept_and_ingredients_are_plain_names():
    q = parse("does Lyrica help sciatica?")
    d = q.drugs[0]
    assert d.text == "Lyrica" and d.name == "pregabalin" and "gabapentinoid" in d.classes
    assert "lyrica" in d.synonyms
    assert q.condition.text == "sciatica" and q.condition.mesh_id == "D012585"
    assert q.condition.narrower == []


def test_pain_widens():
    q = parse("How effective is diazepam for pain?")
    assert {"back-pain", "sciatica", "fibromyalgia", "migraine"} <= set(q.condition.narrower)
    assert q.intent == "efficacy" and q.confidence == 1.0


def test_class_mentions_expand():
    q = parse("are muscle relaxants any good for back pain?")
    d = q.drugs[0]
    assert d.is_class and "cyclobenzaprine" in d.members and d.text == "muscle relaxants"


def test_combination_product_becomes_its_ingredients():
    q = parse("Is Percocet safe during pregnancy?")
    assert set(names(q)) == {"oxycodone", "acetaminophen"}
    assert all(d.text == "Percocet" for d in q.drugs)
    assert q.relation == "combination" and q.intent == "safety" and q.population == ["pregnancy"]


@pytest.mark.parametrize("text,intent,population", [
    ("Is it safe to give my kids Advil for a toothache?", "safety", ["children"]),
    ("is it ok to take flexeril with ibuprofen for back spasms", "safety", []),
    ("can I take tramadol for arthritis", "efficacy", []),
    ("side effects of tramadol in elderly patients with back pain", "safety", ["older adults"]),
    ("what are the risks of taking naproxen for arthritis", "safety", []),
    ("ibuprofen for teens with migraines", "efficacy", ["children"]),
    ("Can I take Tylenol while pregnant for headaches?", "safety", ["pregnancy"]),
    ("Is naproxen more effective than ibuprofen in seniors?", "comparison", ["older adults"]),
    ("valium and ibuprofen together for back pain", "combination", []),
])
def test_intent_and_population(text, intent, population):
    q = parse(text)
    assert q.intent == intent
    assert q.population == population


def test_ambiguous_condition_gives_alternatives():
    q = parse("does ibuprofen help arthritis?")
    assert q.condition.id == "osteoarthritis-pain"
    ids = [a["id"] for a in q.alternatives]
    assert "mesh:D001172" in ids
    assert q.confidence < 1.0
    assert any("could also mean" in m for m in q.messages)


def test_misspelling_lowers_confidence_and_says_so():
    q = parse("amitryptiline for fibromyalgia")
    assert names(q) == ["amitriptyline"]
    assert q.confidence < 1.0
    assert any("spelling corrected" in m for m in q.messages)


def test_misspelt_drugs_are_corrected_in_questions():
    q = parse("is tramadoll or oxycodine better for back pain?")
    assert names(q) == ["tramadol", "oxycodone"] and q.relation == "comparison"


def test_missing_drug_gets_a_message():
    q = parse("does zzyzzx help my back pain?")
    assert q.drugs == [] and q.condition.id == "back-pain"
    assert any("No drug" in m for m in q.messages)
    assert q.confidence < 0.5


def test_unknown_drug_like_word_gets_did_you_mean():
    q = parse("what about cyclobenzo for spasticity")
    assert q.drugs == []
    assert q.unknown and q.unknown[0].word == "cyclobenzo"
    assert any("cyclobenzaprine" in s for s in q.unknown[0].suggestions)
    assert any("Did you mean" in m for m in q.messages)
    assert q.condition.id == "spasticity"


def test_missing_condition_message():
    q = parse("Valium with ibuprofen")
    assert names(q) == ["diazepam", "ibuprofen"] and q.relation == "combination"
    assert q.condition is None
    assert any("No condition" in m for m in q.messages)


def test_other_conditions_get_mesh_ids():
    q = parse("is propranolol effective for hypertension?")
    assert names(q) == ["propranolol"]
    assert q.condition.id.startswith("mesh:") and q.condition.mesh_id == q.condition.id[5:]


@pytest.mark.parametrize("bad", ["", "   ", "\n\t"])
def test_empty_input_is_an_input_error(bad):
    with pytest.raises(InputError):
        parse(bad)


def test_too_long_input_is_an_input_error():
    with pytest.raises(InputError):
        parse("ibuprofen " * (MAX_CHARS // 10 + 1))
    assert parse("x" * MAX_CHARS).drugs == []


def test_never_crashes_on_random_strings():
    rng = random.Random(20240601)
    alphabet = string.printable + "éßü’“”—β漢字😀\u200b"
    words = ["valium", "and", "vs", "+", "for", "pain", "with", "?", "ibuprofen", "kids", "pregnant", "or"]
    for _ in range(600):
        if rng.random() < 0.5:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 120)))
        else:
            text = " ".join(rng.choice(words + [rng.choice(alphabet) * 3]) for _ in range(rng.randint(1, 30)))
        if not text.strip():
            continue
        q = parse(text[:MAX_CHARS])
        assert 0.0 <= q.confidence <= 1.0
        assert q.relation in ("single", "combination", "comparison")
        assert q.messages or (q.drugs and q.condition)


def test_unknown_drugs_are_reported_never_swapped():
    q = parse("Is zorblaxin better than flimzotide for back pain?")
    assert q.drugs == [] and q.relation == "comparison"
    assert [u.word for u in q.unknown] == ["zorblaxin", "flimzotide"]
    assert any("fluticasone" in s for s in q.unknown[1].suggestions)  # a suggestion, not a reading
    assert "zorblaxin" in q.messages[0] and "flimzotide" in q.messages[0]


def test_unknown_drug_beside_a_known_one_keeps_the_relation():
    q = parse("Is celecoxib or zorblaxin better for arthritis?")
    assert [d.name for d in q.drugs] == ["celecoxib"] and q.relation == "comparison"
    assert [u.word for u in q.unknown] == ["zorblaxin"] and q.confidence <= 0.5
    q = parse("Is ibuprofen better than zorblaxin for back pain?")
    assert q.relation == "comparison" and [u.word for u in q.unknown] == ["zorblaxin"]
    q = parse("Is zorblaxin better than ibuprofen for back pain?")  # the unknown word first
    assert [d.name for d in q.drugs] == ["ibuprofen"] and q.relation == "comparison"
    assert [u.word for u in q.unknown] == ["zorblaxin"] and q.confidence <= 0.5


def test_close_typo_is_corrected_far_one_is_not():
    q = parse("Does ibuprofin help back pain?")
    assert [d.name for d in q.drugs] == ["ibuprofen"] and not q.unknown
    assert any("spelling corrected" in m for m in q.messages)
    q = parse("Does blorfenac help a migraine?")
    assert q.drugs == [] and [u.word for u in q.unknown] == ["blorfenac"]


def test_misspelt_condition_word_beside_a_drug_is_not_an_unknown_drug():
    q = parse("Does ibuprofen help with exzema?")
    assert [d.name for d in q.drugs] == ["ibuprofen"] and q.unknown == []


def test_a_condition_describing_who_is_treated_is_a_population_condition():
    q = parse("Does warfarin prevent strokes in people with atrial fibrillation?")
    assert q.condition.mesh_id == "D020521"
    assert [c.mesh_id for c in q.population_conditions] == ["D001281"]
    assert any("who is treated" in m for m in q.messages)
    q = parse("Is gabapentin effective for hot flushes after breast cancer?")
    assert q.condition.mesh_id == "D019584" and [c.mesh_id for c in q.population_conditions] == ["D001943"]
    q = parse("Does metformin work for type 2 diabetes?")  # one condition: nothing to separate
    assert q.condition.mesh_id == "D003924" and q.population_conditions == []


def test_bare_pain_never_outranks_the_condition_it_describes():
    assert parse("Does naproxen relieve gout pain?").condition.mesh_id == "D006073"
    assert parse("Does hydroxyurea reduce pain crises in sickle cell disease?").condition.mesh_id == "D000755"


@pytest.mark.parametrize("text,drugs", [
    ("how to take your medicine diabetes", ["antidiabetic"]),
    ("what effect if take high cholesteron pill", ["lipid-lowering agent"]),
    ("how long the trichomoniasis take to clear after i take the medicine", []),
    ("metformin, my diabetes medicine, for weight loss?", ["metformin"]),
])
def test_a_condition_beside_a_medicine_word_names_its_class(text, drugs):
    assert [d.name for d in parse(text).drugs] == drugs


@pytest.mark.parametrize("text,relation", [
    ("Is taking ibuprofen and acetaminophen together better than either alone for a toothache?", "combination"),
    ("Is liothyronine added to levothyroxine better than levothyroxine alone for hypothyroidism?", "combination"),
    ("Is ibuprofen better than acetaminophen alone?", "comparison"),
    ("Is ibuprofen better than naproxen for back pain?", "comparison"),
])
def test_a_combination_against_one_of_its_drugs_alone_is_a_combination(text, relation):
    q = parse(text)
    assert q.relation == relation and q.intent == relation
