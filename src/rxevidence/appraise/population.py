"""Who was studied: humans or animals, healthy volunteers, condition, age group."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..models import Population, Record
from .design import ANIMAL_RE, HEALTHY_RE, is_animal_only_mesh
from .resources import vocabulary

_SPECIES = (
    ("rat", r"\brats?\b|sprague[-\s]dawley|wistar"),
    ("mouse", r"\bmice\b|\bmouse\b|\bmurine\b"),
    ("dog", r"\bdogs?\b|\bcanine\b"),
    ("cat", r"\bcats?\b|\bfeline\b"),
    ("rabbit", r"\brabbits?\b"),
    ("guinea pig", r"\bguinea\s+pigs?\b"),
    ("monkey", r"\bmonkeys?\b|\bmacaques?\b|\bprimates?\b"),
    ("pig", r"\bpigs?\b|\bpiglets?\b|\bswine\b|\bporcine\b"),
    ("sheep", r"\bsheep\b|\bovine\b"),
    ("horse", r"\bhorses?\b|\bequine\b"),
    ("cattle", r"\bcattle\b|\bbovine\b|\bcalves\b"),
    ("zebrafish", r"\bzebrafish\b"),
)
_SPECIES_RE = [(name, re.compile(rx, re.I)) for name, rx in _SPECIES]
_HUMAN_RE = re.compile(r"\b(?:patients?|participants?|volunteers?|women|men|children|adults?|adolescents?|humans?|outpatients|inpatients)\b", re.I)

_AGE_RULES = (
    ("children", re.compile(r"\bchild(?:ren|hood)?\b|\bp(?:a)?ediatric\b|\binfants?\b|\bneonat\w+|\bschool-?age\w*|\btoddlers?\b|\bnewborns?\b|\bboys\b|\bgirls\b", re.I)),
    ("adolescents", re.compile(r"\badolescen\w+|\bteen(?:s|agers?)\b|\byouths?\b", re.I)),
    ("older adults", re.compile(r"\belderly\b|\bolder\s+(?:adults|patients|people|persons|women|men)\b|\bgeriatric\b|\baged\s+(?:6[5-9]|[7-9]\d)\s+(?:years|and\s+(?:over|older))|\bnursing\s+homes?\b", re.I)),
    ("adults", re.compile(r"\badults?\b|\badult\s+patients\b|\baged\s+(?:1[89]|[2-5]\d)\b", re.I)),
)
_MESH_AGE = {
    "child": "children", "child, preschool": "children", "infant": "children", "infant, newborn": "children",
    "adolescent": "adolescents", "adult": "adults", "young adult": "adults", "middle aged": "adults",
    "aged": "older adults", "aged, 80 and over": "older adults",
}

# Small fallback for the condition ids of the pain hierarchy (used until rxevidence.vocab lands).
_CONDITION_FALLBACK: tuple[tuple[str, str], ...] = (
    ("acute-low-back-pain", r"\bacute\s+(?:non-?specific\s+)?low(?:er)?[-\s]back\s+pain\b"),
    ("chronic-low-back-pain", r"\bchronic\s+(?:non-?specific\s+)?low(?:er)?[-\s]back\s+pain\b"),
    ("sciatica", r"\bsciatica\b|\blumbar\s+radicul\w+|\bradicular\s+pain\b"),
    ("low-back-pain", r"\blow(?:er)?[-\s]back\s+pain\b|\blumbago\b|\blumbar\s+pain\b"),
    ("back-pain", r"\bback\s+pain\b|\bbackache\b"),
    ("neck-pain", r"\bneck\s+pain\b|\bcervical\s+pain\b|\bwhiplash\b"),
    ("muscle-spasm", r"\bmuscle\s+spasms?\b|\bmuscular\s+spasms?\b|\bmusculoskeletal\s+spasm\b"),
    ("tmd", r"\btemporomandibular\b|\btmd\b|\btmj\s+disorder"),
    ("dental-pain", r"\bdental\s+pain\b|\bthird\s+molar\b|\btooth\s+extraction\b|\btoothache\b|\bdental\s+(?:surgery|extraction)"),
    ("burning-mouth-syndrome", r"\bburning\s+mouth\b"),
    ("postherpetic-neuralgia", r"\bpost-?herpetic\s+neuralgia\b"),
    ("diabetic-neuropathic-pain", r"\bdiabetic\s+(?:peripheral\s+)?neuropath\w+"),
    ("neuropathic-pain", r"\bneuropathic\s+pain\b|\bneuralgia\b"),
    ("fibromyalgia", r"\bfibromyalgia\b"),
    ("osteoarthritis-pain", r"\bosteoarthritis\b|\bosteoarthrosis\b"),
    ("migraine-prevention", r"\bmigraine\s+(?:prevention|prophylaxis)\b|\bprevent\w*\s+(?:of\s+)?migraine"),
    ("migraine-acute", r"\bacute\s+(?:treatment\s+of\s+)?migraine\b|\bmigraine\s+attacks?\b"),
    ("migraine", r"\bmigraines?\b"),
    ("tension-type-headache", r"\btension[-\s]type\s+headache\b"),
    ("headache", r"\bheadaches?\b"),
    ("postoperative-pain", r"\bpost-?operative\s+pain\b|\bafter\s+surgery\b|\bpost-?surgical\s+pain\b"),
    ("musculoskeletal-pain", r"\bsprains?\b|\bstrains?\b|\bmusculoskeletal\s+pain\b|\bsoft[-\s]tissue\s+injur\w+"),
    ("cancer-pain", r"\bcancer\s+pain\b"),
    ("nocturnal-leg-cramps", r"\bnocturnal\s+(?:leg\s+)?cramps?\b|\bnight\s+cramps?\b"),
    ("muscle-cramps", r"\bmuscle\s+cramps?\b|\bcramps\b"),
    ("restless-legs-syndrome", r"\brestless\s+legs?\b"),
    ("chronic-pain", r"\bchronic\s+pain\b"),
    ("spasticity", r"\bspasticity\b"),
    ("anxiety", r"\banxiety\b"),
    ("insomnia", r"\binsomnia\b"),
    ("epilepsy", r"\bepilep\w+|\bseizures?\b"),
    ("depression", r"\bdepressi(?:on|ve\s+disorder)\b"),
    ("pain", r"\bpain\b"),
)
_CONDITION_FALLBACK_RE = [(cid, re.compile(rx, re.I)) for cid, rx in _CONDITION_FALLBACK]
# literal words one of which every match of the entry contains (cheap pre-check before the regex)
_CONDITION_KEYS: dict[str, tuple[str, ...]] = {
    "acute-low-back-pain": ("back",), "chronic-low-back-pain": ("back",), "sciatica": ("sciatica", "radicul"),
    "low-back-pain": ("back", "lumba"), "back-pain": ("back",), "neck-pain": ("neck", "cervical", "whiplash"),
    "muscle-spasm": ("spasm",), "tmd": ("temporomandibular", "tmd", "tmj"),
    "dental-pain": ("dental", "molar", "tooth"), "burning-mouth-syndrome": ("burning",),
    "postherpetic-neuralgia": ("herpetic",), "diabetic-neuropathic-pain": ("neuropath",),
    "neuropathic-pain": ("neuropathic", "neuralgia"), "fibromyalgia": ("fibromyalgia",),
    "osteoarthritis-pain": ("osteoarth",), "migraine-prevention": ("migraine",), "migraine-acute": ("migraine",),
    "migraine": ("migraine",), "tension-type-headache": ("tension",), "headache": ("headache",),
    "postoperative-pain": ("operative", "surgery", "surgical"), "musculoskeletal-pain": ("sprain", "strain", "musculoskeletal", "soft"),
    "cancer-pain": ("cancer",), "nocturnal-leg-cramps": ("cramp",), "muscle-cramps": ("cramp",),
    "restless-legs-syndrome": ("restless",), "chronic-pain": ("chronic",), "spasticity": ("spasticity",),
    "anxiety": ("anxiety",), "insomnia": ("insomnia",), "epilepsy": ("epilep", "seizure"), "depression": ("depressi",),
    "pain": ("pain",),
}


def _fallback_matches(text: str) -> dict[int, str]:
    """{priority: matched words} of the built-in condition patterns found in ``text``."""
    low = text.lower()
    out: dict[int, str] = {}
    for i, (cid, rx) in enumerate(_CONDITION_FALLBACK_RE):
        if any(k in low for k in _CONDITION_KEYS.get(cid, ("",))):
            m = rx.search(text)
            if m:
                out[i] = m.group(0)
    return out
_PARENTS = {
    "acute-low-back-pain": "low-back-pain", "chronic-low-back-pain": "low-back-pain", "sciatica": "low-back-pain",
    "low-back-pain": "back-pain", "migraine-acute": "migraine", "migraine-prevention": "migraine",
    "nocturnal-leg-cramps": "muscle-cramps", "postherpetic-neuralgia": "neuropathic-pain",
    "diabetic-neuropathic-pain": "neuropathic-pain",
}

_CONDITION_PHRASE_RE = re.compile(
    r"\b(?:patients|subjects|participants|adults|children|women|men|people|individuals|those)\s+(?:with|suffering\s+from|"
    r"undergoing|having|presenting\s+with)\s+((?:[\w'-]+\s+){0,5}?[\w'-]+)(?=\s*(?:[,.;:()]|\bwho\b|\bwere\b|\bwas\b|\band\s+(?:were|was)\b|\breceived\b|\bin\s+a\b|\bat\b|\bfrom\b|$))",
    re.I,
)


def _vocabulary() -> Any | None:
    return vocabulary()


@lru_cache(maxsize=16384)
def _vocab_condition_ids(text: str) -> tuple[str, ...]:
    voc = _vocabulary()
    if voc is None or not hasattr(voc, "find_conditions"):
        return ()
    try:
        return tuple(dict.fromkeys(m.id for m in voc.find_conditions(text)))
    except (AttributeError, TypeError, ValueError):
        return ()


def find_condition_ids(text: str, *, use_vocabulary: bool = True) -> list[str]:
    """Condition concept ids mentioned in ``text`` (vocabulary first, built-in rules as fallback).

    Meant for short texts (a title, a condition phrase): results are cached by text.
    """
    if use_vocabulary:
        ids = _vocab_condition_ids(text.strip())
        if ids:
            return list(ids)
    return fallback_condition_ids(text)


def fallback_condition_ids(text: str) -> list[str]:
    """Condition ids of the pain hierarchy (and a few others) by built-in patterns."""
    found = [_CONDITION_FALLBACK[i][0] for i in sorted(_fallback_matches(text))]
    # keep the most specific ids: drop a parent when a child was found
    drop = {_PARENTS.get(c) for c in found} | {"pain"} if len(found) > 1 else set()
    while True:
        more = {_PARENTS.get(c) for c in drop if c in _PARENTS} - drop
        if not more:
            break
        drop |= more
    return [c for c in found if c not in drop]


_PHRASE_GATE = re.compile(r"\b(?:with|suffering|undergoing|having|presenting)\b", re.I)


def condition_words(title: str, text: str) -> str | None:
    """The condition as the record words it ("acute low back pain"), or None."""
    m = _CONDITION_PHRASE_RE.search(text) if _PHRASE_GATE.search(text) else None
    if m:
        words = m.group(1).strip()
        if not re.match(r"^(?:a|an|the|no|both|either|placebo|\d)\b", words, re.I):
            return words
    for part in (title, text):
        found = _fallback_matches(part)
        for i in sorted(found):
            if _CONDITION_FALLBACK[i][0] != "pain":
                return found[i].lower()
    return None


def age_group(text: str, record: Record | None = None) -> str | None:
    groups: list[str] = []
    if record is not None:
        for m in record.mesh:
            g = _MESH_AGE.get(m.descriptor.strip().lower())
            if g and g not in groups:
                groups.append(g)
    if not groups:
        for name, rx in _AGE_RULES:
            if rx.search(text):
                groups.append(name)
    if not groups:
        return None
    if len(groups) == 1:
        return groups[0]
    return "mixed"


def species(text: str) -> str | None:
    for name, rx in _SPECIES_RE:
        if rx.search(text):
            return name
    return None


def appraise_population(record: Record, text: str, design: str) -> Population:
    """Population of a record; ``text`` is title + abstract, ``design`` the design already found."""
    mesh = {m.descriptor.strip().lower() for m in record.mesh}
    pop = Population()
    if design == "animal" or is_animal_only_mesh(record) or (
        ANIMAL_RE.search(text) and not _HUMAN_RE.search(text) and design not in ("in vitro",)
    ):
        pop.humans = False
        pop.species = species(text)
    elif "humans" in mesh or _HUMAN_RE.search(text) or record.kind == "trial":
        pop.humans = True
    # healthy people as the studied population, not as a control group next to patients
    healthy = "healthy volunteers" in mesh or design == "experimental pain model" or (
        bool(HEALTHY_RE.search(text)) and not re.search(r"\bpatients?\b", text, re.I)
    )
    if healthy:
        pop.healthy_volunteers = True
    elif pop.humans and re.search(r"\bpatients?\b", text, re.I):
        pop.healthy_volunteers = False
    if record.kind == "trial":
        conds = record.extra.get("conditions") or []
        if isinstance(conds, list) and conds:
            pop.condition = "; ".join(str(c) for c in conds[:3])
    title = record.title or ""
    if pop.condition is None:
        pop.condition = condition_words(title, text)
    ids: list[str] = []
    if pop.condition:
        ids = find_condition_ids(pop.condition)
    if not ids:
        ids = fallback_condition_ids(f"{title}\n{pop.condition or ''}")
    if not ids and title:
        ids = find_condition_ids(title)
    if not ids:
        ids = fallback_condition_ids(text)
    pop.condition_ids = ids
    if pop.humans is not False:
        pop.age_group = age_group(text, record)
    return pop
