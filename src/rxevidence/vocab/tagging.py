"""The concept index: which drug and condition concepts a record is about (#15).

``tag_record(record, vocab)`` reads a record's MeSH headings and chemicals when it has them (the
indexers' reading), its title always, and its abstract only when it has no MeSH indexing; a
registered trial's conditions and interventions stand for its MeSH. Drugs are ingredients of
medicines only (:meth:`Vocabulary.find_ingredients` / :meth:`Vocabulary.is_drug`: not enzymes, lab
values or hormones measured as outcomes). Each tag says where it came from and, for drugs, the role
the appraisal gives the drug (studied, comparator) when an appraisal is at hand.

Drug concept ids are canonical ingredient names ("ibuprofen") or, for a class named as such in the title
or abstract ("ACE inhibitors reduce mortality"), the class name; condition ids the vocabulary's concept
ids ("low-back-pain", "mesh:D003924"): the same ids a parsed question carries, so retrieval joins on
them and widens a condition to its narrower concepts through the hierarchy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rxevidence.vocab import Vocabulary

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

from ..models import Appraisal, Record

TagKind = Literal["drug", "condition"]
TagSource = Literal["mesh", "registry", "title", "abstract", "passing", "background"]
PASSING = "passing"  # named once in the abstract only
# named once in the abstract, in a sentence that says the drug is background to the study ("patients taking
# aspirin were excluded", "rescue paracetamol was allowed", "after a washout of prior NSAIDs")
BACKGROUND = "background"
_BACKGROUND_CUES = re.compile(
    r"\b(exclu\w*|allow\w*|permitted|rescue|concomitant\w*|background|history of|previous\w*|prior|"
    r"pre-?treat\w*|wash-?out|discontinu\w*|stopped|withdrawn|withheld|taking|already on|were on|stable dose\w*|"
    r"contraindicat\w*|intoleran\w*)\b", re.I)
_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)")
TAGGED_KINDS = ("article", "trial")  # labels and approvals are found by ingredient, not by concept
# the marker row every tagged record has, so "tagged with nothing" differs from "not tagged yet"
MARKER = ("tagged", "", "")


class ConceptTag(NamedTuple):
    kind: str  # "drug" | "condition" | "tagged" (the marker)
    concept: str
    source: str
    role: str | None = None


def tag_record(record: Record, vocab: Vocabulary, appraisal: Appraisal | None = None) -> list[ConceptTag]:
    """The concept tags of ``record`` (empty for labels and approvals); see the module docstring."""
    if record.kind not in TAGGED_KINDS:
        return []
    tags: dict[tuple[str, str], ConceptTag] = {}

    def add(kind: str, concept: str | None, source: str) -> None:
        if concept and (kind, concept) not in tags:
            tags[(kind, concept)] = ConceptTag(kind, concept, source)

    indexed = bool(record.mesh) or bool(record.chemicals)
    for h in record.mesh:
        add("condition", vocab.concept_for_mesh(h.ui, h.descriptor), "mesh")
        for name in _drugs_named(vocab, h.descriptor):
            add("drug", name, "mesh")
    for chem in record.chemicals:
        for name in _drugs_named(vocab, chem):
            add("drug", name, "mesh")
    extra = record.extra or {}
    for text in _texts(extra.get("conditions")) + _texts(extra.get("condition_keywords")):
        for hit in vocab.find_conditions(text):
            add("condition", hit.id, "registry")
    for text in _intervention_names(extra.get("interventions")):
        for name, _s, _e in vocab.find_ingredients(text):
            add("drug", name, "registry")
    if record.kind == "trial" and (extra.get("conditions") or extra.get("interventions")):
        indexed = True
    texts = [("title", record.title or "")]
    if not indexed:
        texts.append(("abstract", record.abstract))
    for source, text in texts:
        if not text:
            continue
        ends: list[tuple[int, tuple[str, str]]] = []
        for hit in vocab.find_conditions(text):
            ends.append((hit.end, ("condition", hit.id)))
        drug_at: dict[str, int] = {}
        for name, start, end in vocab.find_ingredients(text):
            ends.append((end, ("drug", name)))
            drug_at.setdefault(name, start)
        found = [tag for _end, tag in ends]
        # "ACE inhibitors reduce mortality": the class itself
        found += [("drug", name.lower()) for name in vocab.find_classes(text, unique=False)]
        # "estradiol valerate (E2V) ... E2V": an abbreviation defined after a mention names it again
        found += [tag for tag, n in _abbreviated(text, ends) for _ in range(n)]
        seen = Counter(found)
        for kind, concept in found:
            if source != "abstract" or seen[(kind, concept)] >= 2:
                add(kind, concept, source)
            elif concept in drug_at and _BACKGROUND_CUES.search(_sentence_at(text, drug_at[concept])):
                add(kind, concept, BACKGROUND)
            else:
                # a concept named once in an abstract is a passing mention
                add(kind, concept, PASSING)
    out = [ConceptTag(*MARKER)] + [t._replace(role=_role(t, appraisal)) for t in tags.values()]
    return out


# publication types of human clinical studies and reviews (MEDLINE PublicationType)
_EVIDENCE_TYPES = re.compile(
    r"\b(clinical trial|clinical study|randomized controlled trial|controlled clinical trial|pragmatic clinical trial|"
    r"equivalence trial|adaptive clinical trial|multicenter study|comparative study|observational study|"
    r"meta-analysis|systematic review|review|practice guideline|guideline|evaluation study|twin study)\b", re.I)
# MeSH study-design headings of an untyped journal article that is a clinical study
_EVIDENCE_MESH = {"cohort studies", "prospective studies", "retrospective studies", "case-control studies",
                  "cross-sectional studies", "treatment outcome", "double-blind method", "single-blind method",
                  "random allocation", "cross-over studies", "follow-up studies", "placebos", "drug therapy, combination"}
# no publication type or MeSH yet (in-process citations, other sources): the words of a study of people
_STUDY_WORDS = re.compile(r"\b(randomi[sz]ed|placebo|trial|meta-analys[ie]s|systematic review|cohort|case-control|"
                          r"patients|participants|volunteers|subjects|women|men|children|adults)\b", re.I)
_NOT_STUDIES = {"comment", "letter", "editorial", "news", "newspaper article", "published erratum", "biography",
                "historical article", "interview", "portrait", "lecture", "congress", "retraction of publication"}
_NON_HUMAN = re.compile(r"\b(mice|mouse|rats?|murine|rabbits?|dogs|in vitro|cell lines?|cultured cells|zebrafish)\b",
                        re.I)


# "(E2V)", "(T2DM)", "(HRT)": an abbreviation in brackets right after a mention, with a capital letter or digit
_ABBR_DEF = re.compile(r"\s*\(\s*([A-Za-z][A-Za-z0-9-]{0,9}[A-Z0-9][A-Za-z0-9-]*)\s*[);,]")


def _abbreviated(text: str, ends: list[tuple[int, tuple[str, str]]]) -> list[tuple[tuple[str, str], int]]:
    """(tag, uses) for each mention that defines an abbreviation ("hormone replacement therapy (HRT)"): how
    often the abbreviation is used in the rest of ``text``, each use a further mention of the same concept."""
    out: list[tuple[tuple[str, str], int]] = []
    done: set[tuple[str, tuple[str, str]]] = set()
    for end, tag in ends:
        m = _ABBR_DEF.match(text, end)
        if not m or not any(ch.isupper() for ch in m.group(1)) or (m.group(1), tag) in done:
            continue
        done.add((m.group(1), tag))
        n = len(re.findall(rf"(?<![\w-]){re.escape(m.group(1))}(?![\w-])", text[m.end():]))
        if n:
            out.append((tag, n))
    return out


def _sentence_at(text: str, pos: int) -> str:
    """The sentence of ``text`` around character ``pos``."""
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, pos):
        start = m.end()
    end = _SENTENCE_END.search(text, pos)
    return text[start : end.start() if end else len(text)]


def can_be_evidence(record: Record) -> bool:
    """Whether a record can be evidence on a treatment (and so is worth a full appraisal at ingest): a
    registered trial, or a citation of a human clinical study or review, read from its publication types,
    its MeSH (Humans; study-design headings) and, without either, a word classifier on the title and
    abstract. Cheap: no model. Records it rejects are still stored and tagged, and appraised on demand
    when a question retrieves them."""
    if record.kind == "trial":
        return True
    if record.kind != "article":
        return False
    mesh = {h.descriptor.lower() for h in record.mesh}
    if "animals" in mesh and "humans" not in mesh:
        return False
    if any(_EVIDENCE_TYPES.search(pt) for pt in record.publication_types):
        return True
    if {pt.lower() for pt in record.publication_types} & _NOT_STUDIES:
        return False  # a comment, letter, editorial, news item, erratum
    if mesh:
        return "humans" in mesh and bool(mesh & _EVIDENCE_MESH)
    text = f"{record.title or ''} {record.abstract}"
    return bool(_STUDY_WORDS.search(text)) and not _NON_HUMAN.search(text)


def appraise_at_ingest(record: Record, tags: Sequence[ConceptTag | tuple[str, ...]]) -> bool:
    """Whether bulk ingest should appraise ``record`` in full now (the rest wait for the first question that
    retrieves them): it can be evidence (:func:`can_be_evidence`) and the concept index tagged it with a
    medicine (``tags``: its :func:`tag_record` tags). A record that names no medicine is no study of one; it
    stays reachable by full-text search and is appraised on read, and since it has no drug tag whose role an
    appraisal could fill, deferring its appraisal leaves the concept index exactly as it would be."""
    return can_be_evidence(record) and any(t[0] == "drug" for t in tags)


def drug_roles(appraisal: Appraisal) -> dict[str, str]:
    """Drug -> role as the appraisal reads it: "studied" (the drugs it appraises), "comparator"."""
    roles = {d.lower(): "studied" for d in appraisal.drugs}
    comp = (appraisal.comparator or "").lower()
    if comp and comp not in roles:
        roles[comp] = "comparator"
    for arm in appraisal.arms:
        role = getattr(arm, "role", None)
        for d in getattr(arm, "drugs", None) or []:
            if role and d.lower() not in roles:
                roles[d.lower()] = str(role)
    return roles


def _role(tag: ConceptTag, appraisal: Appraisal | None) -> str | None:
    if appraisal is None or tag.kind != "drug":
        return None
    return drug_roles(appraisal).get(tag.concept)


def _drugs_named(vocab: Vocabulary, name: str) -> list[str]:
    """The ingredients a MeSH descriptor or chemical names, when it names a medicine."""
    if not vocab.is_drug(name):
        return []
    m = vocab.resolve_drug(name, fuzzy=False)
    if m is None:
        return []
    if m.is_class:
        # a class heading ("Anti-Inflammatory Agents") is not an ingredient; one named as a medicine
        # ("Estrogens", "Hormone Replacement Therapy") is the class concept its forms are tagged with too
        return [m.name.lower()] if vocab.is_drug(m.name) else []
    return [x.lower() for x in (m.members or [m.name])]


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _intervention_names(value: Any) -> list[str]:
    out: list[str] = []
    for i in value if isinstance(value, list) else []:
        if isinstance(i, str):
            out.append(i)
        elif isinstance(i, dict):
            out.extend(_texts(i.get("name")) + _texts(i.get("other_names")))
    return out


__all__ = ["BACKGROUND", "MARKER", "PASSING", "appraise_at_ingest", "can_be_evidence", "TAGGED_KINDS", "ConceptTag", "drug_roles", "tag_record"]
