"""Synthesis: from a Query and its Evidence to a graded, cited Brief.

Every sentence is built from templates filled with facts from appraisals, the starter pack and
labels, and carries the ids of the records behind it plus machine-checkable ``claims`` that
:mod:`rxevidence.validate` compares with the cited appraisals.

:func:`synthesize` builds the brief section by section, one module each, in the order a reader meets them:

- :mod:`.drug_panel`: what each named drug is (class, labelled uses, mechanism);
- :mod:`.regulatory`: one row per jurisdiction and drug;
- :mod:`.select`: which studies count (retractions apart, one view per trial, curated precedence),
  over :mod:`.study` (a :class:`StudyView` and what one study is);
- :mod:`.studies` and :mod:`.matrix`: the studies listed, the condition x outcome matrix, a sentence per key study;
- :mod:`.combinations`, :mod:`.harms`;
- :mod:`.bottom_line`: the verdict, graded by :mod:`.grading` (``grade()`` and the verdict table);
- :mod:`.wording`: the small wording helpers the sections share.
"""

from __future__ import annotations

from ..models import Brief, Query, Sentence
from ..models.evidence import Evidence, Facts
from .bottom_line import BottomLine, bottom_line
from .combinations import combinations
from .drug_panel import drug_panels
from .grading import (
    AGAINST,
    FAVOURS,
    FIRM_LEVEL,
    MIN_WEIGHT,
    Grade,
    efficacy_direction,
    grade,
    review_certainty,
    verdict_word,
)
from .harms import harms
from .matrix import build_matrix, matrix_sentences
from .regulatory import regulatory_rows
from .select import MAX_STUDIES_LISTED, condition_name, curated_precedence, select_studies
from .studies import key_study_sentences, retracted_sentences, summarise_study
from .study import (
    PLACEBO,
    StudyView,
    background_drugs,
    background_in_title,
    comparator_kind,
    efficacy_outcomes_only_harms,
    equivalence_claim,
    evidence_design,
    is_add_on,
    is_direct,
    is_experimental,
    tests_drug,
)

__all__ = [
    "AGAINST",
    "FAVOURS",
    "FIRM_LEVEL",
    "MAX_STUDIES_LISTED",
    "MIN_WEIGHT",
    "PLACEBO",
    "BottomLine",
    "Grade",
    "StudyView",
    "background_drugs",
    "background_in_title",
    "build_matrix",
    "comparator_kind",
    "condition_name",
    "curated_precedence",
    "efficacy_direction",
    "efficacy_outcomes_only_harms",
    "equivalence_claim",
    "evidence_design",
    "grade",
    "is_add_on",
    "is_direct",
    "is_experimental",
    "review_certainty",
    "select_studies",
    "summarise_study",
    "synthesize",
    "tests_drug",
    "verdict_word",
]


def synthesize(query: Query, ev: Evidence, *, facts: Facts) -> Brief:
    """Build the Brief for ``query`` from ``ev`` and ``facts``: the vocabulary, the starter pack and the
    label-facts index (which fills the drug panel and the US FDA row of drugs the pack does not cover).
    Pure: loads nothing, no store access, deterministic."""
    pack, vocab, label_facts = facts.pack, facts.vocab, facts.label_facts
    brief = Brief(query=query)
    sentences: list[Sentence] = []

    brief.drugs, said = drug_panels(query, ev, pack, label_facts)
    sentences += said
    brief.regulatory, said = regulatory_rows(query, ev, pack, vocab, label_facts)
    sentences += said

    included, excluded = select_studies(ev, vocab)
    brief.studies = [summarise_study(v) for v in included[:MAX_STUDIES_LISTED]]
    brief.excluded = [summarise_study(v) for v in excluded]
    sentences += retracted_sentences(excluded)
    brief.matrix = build_matrix(included)
    sentences += matrix_sentences(brief.matrix)
    sentences += key_study_sentences(included)

    brief.combinations, said, notes = combinations(query, included, ev.drug_names)
    sentences += said
    brief.notes += notes
    brief.harms, said = harms(ev, pack)
    sentences += said

    verdict = bottom_line(query, ev, included)
    brief.verdict, brief.certainty, brief.reasons = verdict.verdict, verdict.certainty, verdict.reasons
    sentences += verdict.sentences
    brief.notes += verdict.notes

    brief.sentences = sentences
    brief.notes.extend(ev.notes)
    return brief
