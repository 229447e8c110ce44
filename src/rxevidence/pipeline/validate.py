"""Validation of a Brief before it is shown: every citation exists, every claim matches its sources."""

from __future__ import annotations

from collections import Counter

from ..domain import is_review
from ..errors import ValidationFailed
from ..ids import is_record_id, is_url
from ..models import Appraisal, Brief
from ..store.base import Store


def brief_problems(brief: Brief, store: Store, appraisals: dict[str, Appraisal] | None = None) -> list[str]:
    """Everything wrong with ``brief``: uncited sentences, unknown ids, claims the cited appraisals contradict."""
    problems: list[str] = []
    appraisals = dict(appraisals or {})
    cited = {c for s in brief.sentences for c in s.citations if is_record_id(c)}
    cited |= {st.id for st in brief.studies}
    present = store.has_records(cited)
    for rid in sorted(cited - present):
        problems.append(f"cited record {rid} is not in the store")
    for rid in sorted(cited & present):
        if rid not in appraisals:
            best = store.best_appraisal(rid)
            if best is not None:
                appraisals[rid] = best

    for i, s in enumerate(brief.sentences):
        where = f"sentence {i + 1} ({s.text[:60]!r})"
        if not s.text.strip():
            problems.append(f"{where}: empty")
        if not s.citations and not s.claims.absence:
            problems.append(f"{where}: no citation")
        for c in s.citations:
            if not is_record_id(c) and not is_url(c):
                problems.append(f"{where}: citation {c!r} is neither a record id nor a URL")
        rec_ids = [c for c in s.citations if is_record_id(c)]
        apps = [appraisals[c] for c in rec_ids if c in appraisals]
        cl = s.claims
        if cl.about_one_study():
            if not apps:
                problems.append(f"{where}: claims about a study but cites no appraised record")
                continue
            a = apps[0]
            if cl.direction is not None and cl.direction != a.direction:
                problems.append(f"{where}: says {cl.direction!r} but {a.record_id} is {a.direction!r}")
            if cl.n is not None and cl.n != a.n:
                problems.append(f"{where}: says N={cl.n} but {a.record_id} has N={a.n}")
            if cl.design is not None and cl.design != a.design:
                problems.append(f"{where}: says {cl.design!r} but {a.record_id} is a {a.design!r}")
        if cl.designs is not None:
            got = Counter(a.design for a in apps)
            if dict(got) != dict(cl.designs):
                problems.append(f"{where}: design counts {cl.designs} disagree with cited records {dict(got)}")
        if cl.n_total is not None:
            total = sum(a.n or 0 for a in apps if not is_review(a.design))
            if total != cl.n_total:
                problems.append(f"{where}: total N {cl.n_total} disagrees with cited records ({total})")
    for st in brief.studies:
        app = appraisals.get(st.id)
        if app is not None and (app.direction != st.direction or app.design != st.design or app.n != st.n):
            problems.append(f"study {st.id}: summary disagrees with its appraisal")
    return problems


def validate_brief(brief: Brief, store: Store, appraisals: dict[str, Appraisal] | None = None) -> None:
    """Raise ValidationFailed when the brief must not be shown."""
    problems = brief_problems(brief, store, appraisals)
    if problems:
        raise ValidationFailed("The brief failed validation and is not shown", problems)
