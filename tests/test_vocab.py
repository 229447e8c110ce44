"""The shipped vocabulary: drugs, brands, misspellings, classes, the condition hierarchy, extension."""

from __future__ import annotations

from pathlib import Path

import pytest

from rxevidence.errors import InputError
from rxevidence.ingest import ingest_paths
from rxevidence.vocab import load_vocabulary, norm

FIXTURES = Path(__file__).parent / "fixtures" / "vocab"

# every drug the issue lists, with one class it must carry
REQUIRED = {
    "diazepam": "benzodiazepine", "clonazepam": "benzodiazepine", "lorazepam": "benzodiazepine",
    "alprazolam": "benzodiazepine", "cyclobenzaprine": "skeletal muscle relaxant",
    "carisoprodol": "skeletal muscle relaxant", "methocarbamol": "skeletal muscle relaxant",
    "metaxalone": "skeletal muscle relaxant", "tizanidine": "skeletal muscle relaxant",
    "baclofen": "skeletal muscle relaxant", "orphenadrine": "skeletal muscle relaxant",
    "thiocolchicoside": "skeletal muscle relaxant", "ibuprofen": "nsaid", "naproxen": "nsaid",
    "diclofenac": "nsaid", "celecoxib": "cox-2 inhibitor", "aspirin": "nsaid", "acetaminophen": "analgesic",
    "tramadol": "opioid", "codeine": "opioid", "oxycodone": "opioid", "hydrocodone": "opioid",
    "morphine": "opioid", "tapentadol": "opioid", "gabapentin": "gabapentinoid",
    "gabapentin enacarbil": "gabapentinoid", "pregabalin": "gabapentinoid",
    "amitriptyline": "tricyclic antidepressant", "nortriptyline": "tricyclic antidepressant",
    "duloxetine": "snri", "venlafaxine": "snri", "milnacipran": "snri", "sumatriptan": "triptan",
    "topiramate": "anticonvulsant", "propranolol": "beta blocker", "ropinirole": "dopamine agonist",
    "pramipexole": "dopamine agonist", "rotigotine": "dopamine agonist", "prednisone": "corticosteroid",
    "methylprednisolone": "corticosteroid", "lidocaine": "local anaesthetic",
}
NO_CLASS_NEEDED = ["quinine", "magnesium", "naltrexone", "capsaicin"]

BRANDS = {
    "Valium": "diazepam", "Klonopin": "clonazepam", "Ativan": "lorazepam", "Xanax": "alprazolam",
    "Flexeril": "cyclobenzaprine", "Soma": "carisoprodol", "Robaxin": "methocarbamol", "Skelaxin": "metaxalone",
    "Zanaflex": "tizanidine", "Lioresal": "baclofen", "Norflex": "orphenadrine", "Advil": "ibuprofen",
    "Motrin": "ibuprofen", "Nurofen": "ibuprofen", "Aleve": "naproxen", "Naprosyn": "naproxen",
    "Voltaren": "diclofenac", "Celebrex": "celecoxib", "Tylenol": "acetaminophen", "Panadol": "acetaminophen",
    "paracetamol": "acetaminophen", "Ultram": "tramadol", "OxyContin": "oxycodone", "Nucynta": "tapentadol",
    "Neurontin": "gabapentin", "Horizant": "gabapentin enacarbil", "Lyrica": "pregabalin",
    "Elavil": "amitriptyline", "Pamelor": "nortriptyline", "Cymbalta": "duloxetine", "Effexor": "venlafaxine",
    "Savella": "milnacipran", "Imitrex": "sumatriptan", "Topamax": "topiramate", "Inderal": "propranolol",
    "Requip": "ropinirole", "Mirapex": "pramipexole", "Neupro": "rotigotine", "Qualaquin": "quinine",
    "Lidoderm": "lidocaine", "Qutenza": "capsaicin", "low-dose naltrexone": "naltrexone", "LDN": "naltrexone",
    "lidocaine patch": "lidocaine", "capsaicin cream": "capsaicin",
}
COMBINATIONS = {"Percocet": {"oxycodone", "acetaminophen"}, "Vicodin": {"hydrocodone", "acetaminophen"},
                "Norco": {"hydrocodone", "acetaminophen"}}


@pytest.fixture(scope="module")
def v():
    return load_vocabulary()


def test_norm_folds_case_punctuation_and_apostrophes():
    assert norm("Vitamin B-12") == "vitamin b 12"
    assert norm("  Can't   SLEEP ") == "cant sleep"
    assert norm("???") == ""


@pytest.mark.parametrize("name,cls", sorted(REQUIRED.items()))
def test_required_drugs_resolve_with_their_class(v, name, cls):
    m = v.resolve_drug(name)
    assert m is not None and m.name == name and not m.is_class
    assert cls in m.classes, (name, m.classes)
    assert name in v.class_members(cls)


@pytest.mark.parametrize("name", NO_CLASS_NEEDED)
def test_other_required_drugs_resolve(v, name):
    m = v.resolve_drug(name)
    assert m is not None and m.name == name


@pytest.mark.parametrize("brand,ingredient", sorted(BRANDS.items()))
def test_brands_and_synonyms_resolve_to_the_ingredient(v, brand, ingredient):
    m = v.resolve_drug(brand)
    assert m is not None and m.name == ingredient and m.score == 1.0


@pytest.mark.parametrize("brand,parts", sorted(COMBINATIONS.items()))
def test_combination_products_have_their_ingredients(v, brand, parts):
    m = v.resolve_drug(brand)
    assert m is not None and set(m.members) == parts and not m.is_class


def test_ids_are_attached(v):
    m = v.resolve_drug("diazepam")
    assert m.drugbank_id == "DB00829" and m.rxcui == "3322"


@pytest.mark.parametrize("typo,name", [("amitryptiline", "amitriptyline"), ("cyclobenzaprene", "cyclobenzaprine"),
                                       ("duloxatine", "duloxetine"), ("tizanadine", "tizanidine"),
                                       ("methocarbomol", "methocarbamol"), ("naproxin", "naproxen")])
def test_misspellings_are_corrected_with_a_lower_score(v, typo, name):
    m = v.resolve_drug(typo)
    assert m is not None and m.name == name and 0.7 < m.score < 1.0
    assert v.resolve_drug(typo, fuzzy=False) is None


def test_frequent_misspellings_are_known_names(v):
    # the registry lists common misspellings as names of the drug
    assert v.resolve_drug("ibuprophen").name == "ibuprofen"
    assert v.resolve_drug("gabapentine").name == "gabapentin"


@pytest.mark.parametrize("word", ["pain", "back", "help", "good", "with", "for", "muscle", "night", "sleep",
                                  "better", "pressure", "between", "doctor", "morning", "stomach"])
def test_common_words_never_resolve_to_a_drug(v, word):
    assert v.resolve_drug(word) is None
    assert v.find_drugs(f"is there {word} here") == []


def test_classes_expand_to_members(v):
    relax = v.resolve_drug("muscle relaxants")
    assert relax.is_class and relax.name == "skeletal muscle relaxant"
    assert {"cyclobenzaprine", "tizanidine", "methocarbamol"} <= set(relax.members)
    assert "diazepam" not in relax.members  # a benzodiazepine, not a skeletal muscle relaxant
    assert {"diazepam", "lorazepam"} <= set(v.class_members("benzos"))
    assert "celecoxib" in v.class_members("NSAIDs")
    assert "naltrexone" not in v.class_members("opioids")
    assert set(v.class_members("gabapentinoid")) >= {"gabapentin", "pregabalin"}


def test_synonyms_are_search_terms(v):
    syn = v.synonyms("acetaminophen")
    assert syn[0] == "acetaminophen"
    assert {"paracetamol", "tylenol", "panadol"} <= set(syn)
    assert "diazepam" in v.synonyms("Valium") and "valium" in v.synonyms("diazepam")
    assert "percocet" not in v.synonyms("oxycodone")  # a combination brand is not a name of oxycodone


def test_find_drugs_gives_offsets(v):
    text = "Patients took Valium 5 mg and ibuprofen; others amitryptiline."
    hits = v.find_drugs(text)
    assert [h.name for h in hits] == ["diazepam", "ibuprofen", "amitriptyline"]
    for h in hits:
        assert text[h.start : h.end] == h.text


# ---------------------------------------------------------------- conditions

@pytest.mark.parametrize("phrase,cid", [
    ("pain", "pain"), ("sciatica", "sciatica"), ("lumbar radiculopathy", "sciatica"), ("slipped disc", "sciatica"),
    ("nerve pain that shoots down my leg", "sciatica"), ("jaw pain", "tmd"), ("jaw pain when I wake up", "tmd"),
    ("a pulled back muscle", "acute-low-back-pain"), ("back spasms", "muscle-spasm"),
    ("knee arthritis", "osteoarthritis-pain"), ("toothache", "dental-pain"),
    ("shingles pain", "postherpetic-neuralgia"), ("leg cramps at night", "nocturnal-leg-cramps"),
    ("RLS", "restless-legs-syndrome"), ("migraines", "migraine"), ("preventing migraines", "migraine-prevention"),
    ("headaches", "headache"), ("lumbago", "low-back-pain"), ("chronic low back pain", "chronic-low-back-pain"),
    ("fibromyalgia", "fibromyalgia"), ("tension headaches", "tension-type-headache"),
])
def test_lay_conditions_resolve(v, phrase, cid):
    m = v.resolve_condition(phrase)
    assert m is not None and m.id == cid, (phrase, m and m.id)


def test_hierarchy_pain_widens_sciatica_stays_narrow(v):
    wide = set(v.narrower("pain"))
    assert {"back-pain", "low-back-pain", "acute-low-back-pain", "chronic-low-back-pain", "sciatica",
            "muscle-spasm", "neck-pain", "orofacial-pain", "tmd", "dental-pain", "neuropathic-pain",
            "postherpetic-neuralgia", "diabetic-neuropathic-pain", "fibromyalgia", "osteoarthritis-pain",
            "headache", "migraine", "restless-legs-syndrome", "muscle-cramps", "nocturnal-leg-cramps"} <= wide
    assert "anxiety" not in wide and "spasticity" not in wide
    assert v.narrower("sciatica") == []
    assert set(v.broader("sciatica")) >= {"low-back-pain", "back-pain", "neuropathic-pain", "pain"}
    assert v.resolve_condition("pain").narrower == v.narrower("pain")


def test_concepts_carry_mesh_ids_and_tree_numbers(v):
    c = v.condition("low-back-pain")
    assert c.mesh_id == "D017116" and any(t.startswith("C23.888.592.612") for t in c.tree_numbers)
    assert "back-pain" in c.parents and "sciatica" in c.children
    assert v.condition("sciatica").mesh_id == "D012585"
    with pytest.raises(InputError):
        v.condition("no-such-concept")


def test_condition_terms_include_narrower_phrases(v):
    terms = v.condition_terms("low-back-pain")
    assert {"low back pain", "lumbago", "sciatica", "lumbar radiculopathy"} <= set(terms)
    assert "sciatica" not in v.condition_terms("low-back-pain", include_narrower=False)


def test_other_mesh_diseases_get_mesh_ids(v):
    m = v.resolve_condition("rheumatoid arthritis")
    assert m is not None and m.id == "mesh:D001172"
    assert v.resolve_condition("hypertension").id.startswith("mesh:")
    alts = v.alternatives("arthritis")
    assert alts[0] == "osteoarthritis-pain" and {"mesh:D001168", "mesh:D001172"} <= set(alts)


def test_find_conditions_gives_offsets(v):
    text = "Does it help my lower back pain or my migraines?"
    hits = v.find_conditions(text)
    assert [h.id for h in hits] == ["low-back-pain", "migraine"]
    assert all(text[h.start : h.end] == h.text for h in hits)


# ---------------------------------------------------------------- extension from ingested files

def test_ingested_vocabulary_files_extend_the_vocabulary(store):
    assert load_vocabulary().resolve_drug("zebraprofen", fuzzy=False) is None
    summary = ingest_paths(store, [FIXTURES], appraise=False)
    formats = {f.format for f in summary.files if not f.path.endswith("RXNREL.RRF")}
    assert formats == {"rxnorm-rrf", "drugbank-vocabulary", "atc-csv"}
    assert summary.vocab_terms >= 6
    assert any("fewer than 15 fields" in e for f in summary.files for e in f.errors)
    v = load_vocabulary(store)
    assert v.resolve_drug("zebra-profen").name == "zebraprofen"
    assert v.resolve_drug("Zebrafast").name == "zebraprofen"
    assert v.resolve_drug("QKZ-12").name == "quokkazepam"
    assert "quokkazepam" in v.class_members("benzodiazepine derivatives")
    # the cached shipped vocabulary is not changed by a store's extension
    assert load_vocabulary().resolve_drug("zebraprofen", fuzzy=False) is None


def test_class_members_leave_out_combination_partners_and_lookalikes():
    from rxevidence.vocab import load_vocabulary

    v = load_vocabulary()
    nsaids, opioids, triptans = (set(v.class_members(c)) for c in ("nsaid", "opioid", "triptan"))
    assert {"ibuprofen", "naproxen", "diclofenac"} <= nsaids and not {"rabeprazole", "esomeprazole", "misoprostol"} & nsaids
    assert {"morphine", "tramadol", "codeine"} <= opioids and not {"dextromethorphan", "lofexidine"} & opioids
    assert "sumatriptan" in triptans and "lasmiditan" not in triptans


def test_curated_and_pack_yaml_have_no_duplicate_keys():
    """PyYAML keeps the last of two equal keys silently; a repeated key is always a mistake here."""
    import glob

    import yaml

    root = Path(__file__).resolve().parents[1] / "src" / "rxevidence"
    dups: list[str] = []

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        seen = set()
        for k, _ in node.value:
            key = loader.construct_object(k)
            if key in seen:
                dups.append(f"{node.start_mark.name}:{k.start_mark.line + 1}: {key}")
            seen.add(key)
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    files = [root / "vocab_data" / "curated.yaml", *map(Path, glob.glob(str(root / "pack" / "data" / "*" / "*.yaml")))]
    for f in files:
        with open(f, encoding="utf-8") as fh:
            yaml.load(fh, Loader=Loader)  # noqa: S506 - a SafeLoader subclass
    assert len(files) > 5 and not dups, dups


@pytest.mark.parametrize("text,want", [
    ("trospium chloride", ["trospium"]), ("morphine sulfate", ["morphine"]), ("naproxen sodium", ["naproxen"]),
    ("sodium chloride", ["sodium chloride"]), ("potassium chloride", ["potassium chloride"]),
    ("is erythromycin ophthalmic ointment good for inflamed eyelids?", ["erythromycin"]),
])
def test_salts_and_dosage_forms_read_as_their_ingredient(v, text, want):
    # a salt is its ingredient when the vocabulary holds the ingredient bare; a cation's salt stays itself;
    # route and dosage-form words after a drug belong to it and are no drug of their own
    assert [h.name for h in v.find_drugs(text)] == want


@pytest.mark.parametrize("term,want", [
    # one drug under two registry names (INN / USAN, a salt listed apart) is one concept
    ("cefalexin", ["cephalexin"]), ("aciclovir", ["acyclovir"]), ("epoetin alfa", ["erythropoietin"]),
    ("glyceryl trinitrate", ["nitroglycerin"]), ("colecalciferol", ["cholecalciferol"]),
    # RxNorm lists every product of these brands as a combination
    ("adderall", ["amphetamine", "dextroamphetamine"]), ("tobradex", ["dexamethasone", "tobramycin"]),
])
def test_one_drug_one_concept_and_combination_brands(v, term, want):
    assert v._terms[term] == want


def test_a_family_record_is_not_merged_into_one_drug(v):
    # DrugCentral names one DrugBank record both ways, but these are different medicines
    assert v._terms["sodium nitrite"] == ["sodium nitrite"]
    assert v._terms["sodium polystyrene sulfonate"] == ["sodium polystyrene sulfonate"]


@pytest.mark.parametrize("text,want", [
    ("pots chloride 10meq er", ["potassium chloride"]), ("is mag sulfate safe", ["magnesium"]),
    ("the chloride in tap water", []), ("the sodium in my diet", []),
])
def test_a_shortened_cation_before_its_salt(v, text, want):
    assert [h.name for h in v.find_drugs(text)] == want


def test_class_named_after_what_it_treats(v):
    assert v.class_for_condition("mesh:D003920") == "antidiabetic"
    assert v.class_for_condition("mesh:D003924") == "antidiabetic"  # type 2 diabetes: the broader concept's class
    assert v.class_for_condition("mesh:D006937") == "lipid-lowering agent"
    assert v.class_for_condition("mesh:D001172") is None


def test_fuzzy_condition_word_is_deterministic_and_prefers_the_common_word(v):
    # "artheritis" is one letter from arthritis and from arteritis: the word more condition names use
    assert v._fuzzy_condition_word("artheritis") == "arthritis"


def test_salts_esters_and_named_forms_link_to_their_ingredient_and_family(v):
    # an ester or salt is its ingredient, for questions and for drug mentions in abstracts alike
    for form in ("estradiol valerate", "estradiol cypionate", "estradiol benzoate"):
        assert v.ingredient_of(form) == "estradiol"
        assert v.resolve_drug(form, fuzzy=False).name == "estradiol"
    assert v.ingredient_of("testosterone enanthate") == "testosterone"
    assert v.ingredient_of("naproxen sodium") == "naproxen"
    assert v.ingredient_of("medroxyprogesterone acetate") == "medroxyprogesterone"
    assert v.ingredient_of("trospium chloride") == "trospium"
    # the cation of an inorganic salt is not the medicine
    assert v.ingredient_of("sodium chloride") == "sodium chloride"
    assert v.ingredient_of("potassium chloride") == "potassium chloride"
    assert v.ingredient_of("percocet") is None  # a combination product
    assert v.ingredient_of("zorblaxin") is None
    # named preparations and "hormone replacement therapy" belong to the estrogen family
    hrt = v.resolve_drug("hormone replacement therapy", fuzzy=False)
    assert hrt.is_class and hrt.name == "estrogen" and "estradiol" in hrt.members
    assert v.resolve_drug("HRT", fuzzy=False).name == "estrogen"
    for name in ("conjugated estrogens", "esterified estrogens", "estradiol valerate", "estriol"):
        assert "estrogen" in v.drug_classes(name)
