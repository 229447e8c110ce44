"""DailyMed "Indications and Usage" texts as a label-facts source ("spl") for drugs the other sources miss.

Input: a JSON-lines file of ``{"text": ...}`` rows, each the INDICATIONS & USAGE section of one DailyMed SPL label.
The one used for the shipped index is ``data/curation.jsonl`` of MaastrichtU-IDS/extract-dailymed-spl at commit
fde847a (2,973 labels extracted from DailyMed in 2023; DailyMed content is a US Government work, public domain;
the extraction repository is MIT): ``git show fde847a:data/curation.jsonl > spl_indications.jsonl``. Rows carry no
set id and no drug field, so each label's ingredient is read from the text's subject ("REYVOW is indicated ...")
and kept only when exactly one ingredient with a Drugs@FDA product is named there. Its condition mentions are read
with the shipped vocabulary and judged by the same rules as the LabeledIn annotations (negation, qualified uses,
prevention / acute / chronic). The established pharmacologic class of a Highlights sentence ("REYVOW is a serotonin
(5-HT) 1F receptor agonist indicated for ...") is kept as the class. Only facts are shipped: ingredient, use (MeSH
id and the few words naming it), class name; no label text.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

SOURCE = {"name": "DailyMed SPL Indications & Usage sections (2,973 labels of 2023, extracted by "
                  "MaastrichtU-IDS/extract-dailymed-spl @fde847a)", "snapshot": "2023",
          "licence": "US Government work (DailyMed), public domain; extraction MIT"}

# the label's subject: the words before "is/are indicated", "is/are a ... indicated", "is/are used"
_SUBJECT = re.compile(r"^\s*(.{2,160}?)\s+(?:is|are|, is|, are)\s+(?:(?:also\s+)?indicated|an?\s|used\b)", re.S | re.I)
_CLASS = re.compile(r"\b(?:is|are)\s+an?\s+([^.;:]{3,90}?)\s+(?:that is\s+|which is\s+)?indicated\b", re.I)
_NOT_CLASS = re.compile(r"\b(combination|product|kit|formulation|form of|version|solution|tablet|capsule|injection|"
                        r"cream|indicated|used|drug product|mixture|prescription|medicine|medication)\b", re.I)
# the parts of a section that say what the drug is for ("indicated for|in|as ...", "for the treatment of ...")
# a disease word inside a gene or protein name ("anaplastic lymphoma kinase", "FMS-like tyrosine kinase 3")
_MOLECULE_AFTER = re.compile(r"^[\s-]*(?:\(\w+\)\s*)?(?:like\b|kinase|receptor|gene|protein|mutation|fusion|"
                             r"antigen|-?positive|-?negative|expressing|ligand|factor)", re.I)
# a condition named as who the patients are, not what the drug treats ("opioid-induced constipation in adult
# patients with chronic non-cancer pain", "patients whose tumors are ALK-positive")
_POPULATION_BEFORE = re.compile(r"(?:\b(?:in|among|for|including)\s+(?:adult\s+|pediatric\s+|adults\s+and\s+pediatric\s+)?"
                                r"(?:patients|adults|children|people|women|men)\s+(?:\d+\s+years[^,]{0,30}\s+)?"
                                r"(?:with|who\s+have|receiving|undergoing)\s+(?:[\w'-]+\s+){0,4}|\bwhose\s+(?:[\w'-]+\s+)"
                                r"{0,3})$", re.I)
# words too general to be a labelled use on their own
_TOO_GENERAL = {"recurrence", "disease progression", "progression", "deformity", "tumor", "tumors", "tumour",
                "neoplasm", "neoplasms", "cancer", "cancers", "disease", "diseases", "infection", "infections",
                "syndrome", "disorder", "disorders", "lesion", "lesions", "pain", "signs and symptoms", "symptoms"}
# a modifier naming the cause of a condition ("opioid-induced constipation"): part of the use, which is that kind
_CAUSE_BEFORE = re.compile(r"\b[\w-]+-(?:induced|related|associated)\s+$", re.I)
_USE_CLAUSE = re.compile(r"\b(indicated|used|approved)\b|\bfor the (treatment|relief|management|prevention|"
                         r"prophylaxis|reduction)\b", re.I)


def _subject_ingredient(text: str, vocab: Any, known: set[str]) -> tuple[str, str] | None:
    m = _SUBJECT.match(text)
    if not m:
        return None
    subject = m.group(1)
    found = {c for c, _, _ in vocab.find_ingredients(subject) if c in known}
    if len(found) != 1:
        return None  # a combination, or no ingredient named: the label says nothing about one ingredient alone
    return next(iter(found)), subject


def _class_of(text: str, subject: str, ingredient: str) -> str | None:
    for m in _CLASS.finditer(text):
        c = " ".join(m.group(1).split())
        if len(c.split()) > 9 or _NOT_CLASS.search(c) or ingredient in c.lower() or subject.lower() in c.lower():
            continue
        return c
    return None


def _annotate(text: str, vocab: Any, mesh_ok: Any) -> str:
    """The text with each condition mention wrapped as ``<annotation cui="mesh:D...">...</annotation>`` (the
    LabeledIn form, with the descriptor the vocabulary read), only inside the clauses that say what the drug is
    for."""
    out, last = [], 0
    for hit in vocab.find_conditions(text, compose=False):
        try:
            ids = list(vocab.condition(hit.id).mesh_ids)
        except (KeyError, LookupError):
            continue
        if len(ids) != 1 or not mesh_ok(ids[0]):
            continue
        if _MOLECULE_AFTER.match(text[hit.end:hit.end + 30]) or _POPULATION_BEFORE.search(text[max(0, hit.start - 90):
                                                                                                hit.start]):
            continue
        if text[hit.start:hit.end].lower() in _TOO_GENERAL:
            continue
        clause = re.split(r"(?<=[.;])\s+", text[:hit.start])[-1]
        if not _USE_CLAUSE.search(clause):
            continue
        start = hit.start
        cause = _CAUSE_BEFORE.search(text[max(last, hit.start - 40):hit.start])
        if cause:
            start = max(last, hit.start - 40) + cause.start()
        out.append(text[last:start])
        out.append(f'<annotation cui="mesh:{ids[0]}">{text[start:hit.end]}</annotation>')
        last = hit.end
    out.append(text[last:])
    return "".join(out)


def spl_sections(path: Path, vocab: Any, mesh_ok: Any,
                 known: set[str]) -> tuple[list[tuple[str, str, str]], dict[str, list[str]]]:
    """Each DailyMed section that names one ingredient as (ingredient, subject, text with its condition mentions
    annotated, for ``build_label_facts.annotated_uses``), and per ingredient the class its Highlights state."""
    sections: list[tuple[str, str, str]] = []
    classes: dict[str, list[str]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        text = " ".join(str(json.loads(line).get("text", "")).split())
        found = _subject_ingredient(text, vocab, known)
        if found is None:
            continue
        c, subject = found
        sections.append((c, subject, _annotate(text, vocab, mesh_ok)))
        cls = _class_of(text, subject, c)
        if cls and cls not in classes[c]:
            classes[c].append(cls)
    return sections, classes
