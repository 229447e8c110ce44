"""The evidence matrix (condition x outcome) and the per-study summaries the brief lists."""

from __future__ import annotations

from collections import Counter, defaultdict

from ..domain import dimension_label, is_review
from ..ids import record_url
from ..models import MatrixRow, StudySummary
from .grading import grade
from .study import StudyView


def summarise_study(v: StudyView) -> StudySummary:
    a = v.appraisal
    main = a.outcomes[0] if a.outcomes else None
    return StudySummary(
        id=v.id,
        title=v.record.title if v.record else None,
        year=v.year,
        journal=v.record.journal if v.record else None,
        design=a.design,
        n=a.n,
        direction=a.direction,
        condition=v.condition_name,
        condition_id=v.condition_id,
        comparator=a.comparator,
        outcome=main.name if main else None,
        pain_dimension=main.pain_dimension if main else None,
        drugs=list(a.drugs),
        humans=a.population.humans,
        healthy_volunteers=a.population.healthy_volunteers,
        finding=a.finding,
        effect=main.effect if main else None,
        appraiser=a.appraiser,
        flags=list(a.flags),
        retracted=v.retracted,
        url=record_url(v.id),
        related_ids=list(v.related_ids),
        outcomes=[o.model_copy() for o in a.outcomes],
    )


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
