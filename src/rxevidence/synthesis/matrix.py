"""The evidence matrix: one row per condition x outcome, graded, and one sentence per row."""

from __future__ import annotations

from collections import Counter, defaultdict

from ..domain import dimension_label, is_review
from ..models import Claims, MatrixRow, Sentence
from .grading import grade
from .study import StudyView
from .wording import fmt_counts, fmt_directions


def _outcome_rows(v: StudyView) -> list[tuple[str | None, str]]:
    """(pain dimension, direction) pairs a study contributes to the matrix."""
    rows: dict[str | None, str] = {}
    for o in v.appraisal.outcomes:
        if o.direction == "unclear" and o.pain_dimension is None:
            continue
        rows.setdefault(o.pain_dimension, o.direction)
    if not rows:
        rows[None] = v.appraisal.direction
    return sorted(rows.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))


def build_matrix(views: list[StudyView]) -> list[MatrixRow]:
    cells: dict[tuple[str, str | None], list[tuple[StudyView, str]]] = defaultdict(list)
    names: dict[str, str] = {}
    for v in views:
        cid = v.condition_id or "unspecified"
        names[cid] = v.condition_name or cid
        for dim, direction in _outcome_rows(v):
            cells[(cid, dim)].append((v, direction))
    rows: list[MatrixRow] = []
    for (cid, dim), items in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1] is None, kv[0][1] or "")):
        designs = Counter(v.design for v, _ in items)
        directions = Counter(d for _, d in items)
        sub = [StudyView(v.id, v.record, v.appraisal.model_copy(update={"direction": d}), v.condition_id,
                         v.condition_name, v.related_ids) for v, d in items]
        hv = all(v.appraisal.population.healthy_volunteers for v, _ in items)
        animal = all(v.design == "animal" or v.appraisal.population.humans is False for v, _ in items)
        indirect = "healthy volunteers in an experimental pain model" if hv else ("animals" if animal else None)
        g = grade(sub, indirect_reason=indirect)
        note = None
        if hv:
            note = "experimental pain in healthy volunteers (indirect)"
        elif animal:
            note = "animal studies (indirect)"
        outcome = dimension_label(dim)
        if dim in (None, "other"):
            onames = {o.name for v, _ in items for o in v.appraisal.outcomes if o.pain_dimension == dim}
            if len(onames) == 1:
                outcome = onames.pop()
        rows.append(
            MatrixRow(
                condition=names[cid],
                condition_id=None if cid == "unspecified" else cid,
                outcome=outcome,
                designs=dict(sorted(designs.items())),
                total_n=sum(v.n or 0 for v, _ in items if not is_review(v.design)),
                directions=dict(sorted(directions.items())),
                certainty=g.certainty,
                study_ids=sorted(v.id for v, _ in items),
                note=note,
            )
        )
    return rows


def matrix_sentences(rows: list[MatrixRow]) -> list[Sentence]:
    """One sentence per matrix row: the designs, participants, directions and certainty."""
    sentences: list[Sentence] = []
    for row in rows:
        text = (f"{row.condition.capitalize()} — {row.outcome}: {fmt_counts(row.designs)}"
                + (f" (about {row.total_n:,} participants in primary studies)" if row.total_n else "")
                + f"; {fmt_directions(row.directions)}"
                + (f" [{row.note}]" if row.note else "") + f". Certainty: {row.certainty}.")
        sentences.append(Sentence(text=text, citations=row.study_ids, section="evidence",
                                  claims=Claims(designs=row.designs, n_total=row.total_n)))
    return sentences
