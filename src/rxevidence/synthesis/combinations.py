"""Combinations: studies of a regimen of several drugs, listed apart, and what the brief says when the question
combines drugs no study tested together."""

from __future__ import annotations

from ..domain import design_name
from ..models import Claims, CombinationRow, Query, Sentence
from .study import StudyView, is_combination, tests_all
from .wording import study_label


def combinations(query: Query, included: list[StudyView],
                 drugs: list[str]) -> tuple[list[CombinationRow], list[Sentence], list[str]]:
    """(rows, sentences, notes) for the combination studies of ``drugs`` among ``included``."""
    combos = [v for v in included if is_combination(v) and set(v.appraisal.drugs) & set(drugs)]
    rows: list[CombinationRow] = []
    sentences: list[Sentence] = []
    notes: list[str] = []
    if not (query.relation == "combination" or combos):
        return rows, sentences, notes
    for v in combos:
        a = v.appraisal
        rows.append(CombinationRow(combination=sorted(a.drugs), comparators=[a.comparator] if a.comparator else [],
                                   condition=v.condition_name, direction=a.direction, study_ids=[v.id],
                                   finding=a.finding))
        sentences.append(Sentence(
            text=f"Combination {' + '.join(sorted(a.drugs))}"
                 + (f" vs {a.comparator}" if a.comparator else "")
                 + (f" in {v.condition_name}" if v.condition_name else "")
                 + f" ({study_label(v)}, {design_name(a.design)}"
                 + (f", {a.n} participants" if a.n else "") + f"): {a.direction}."
                 + (f" {a.finding}" if a.finding and a.appraiser == "curated" else ""),
            citations=[v.id], section="combination",
            claims=Claims(direction=a.direction, design=a.design, n=a.n)))
    if query.relation == "combination" and not any(tests_all(v, query) for v in combos):
        named = " + ".join(m.name for m in query.drugs)
        notes.append(f"No study of {named} together was found; the verdict and the evidence below are for "
                     "the drugs alone" + (" (other combinations are listed apart)." if combos else "."))
    return rows, sentences, notes
