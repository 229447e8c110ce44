"""Audit a health article: each checkable claim gets a verdict against the evidence.

Flow: article text -> sentences -> claims (drug/treatment + condition/outcome + an asserted effect,
regulatory status, mechanism or description) -> for each claim the same path as ``ask``
(retrieve + synthesize for its drug and condition) -> verdict + evidence + one-line reason.
Also: pairs of claims in the article that contradict each other, and reporting checks in the
spirit of HealthNewsReview's criteria.

Rooms: :mod:`.article` (input to text and sentences), :mod:`.claims`, :mod:`.briefs` (the brief per
claim), :mod:`.judges` (a table of judges by claim kind), :mod:`.contradictions`, :mod:`.report`.
"""

from __future__ import annotations

from ..store.base import Store
from .article import MAX_ARTICLE_CHARS, article_text, split_sentences
from .briefs import _BriefCache
from .claims import find_claims
from .contradictions import _contradictions
from .judges import JudgeInputs, judge
from .report import AuditReport, Claim, ClaimEvidence, Contradiction, ReportingCheck, _checks

__all__ = [
    "MAX_ARTICLE_CHARS",
    "AuditReport",
    "Claim",
    "ClaimEvidence",
    "Contradiction",
    "ReportingCheck",
    "article_text",
    "audit",
    "find_claims",
    "split_sentences",
]


def audit(raw: str, *, store: Store, kind: str | None = None, install_pack: bool = True) -> AuditReport:
    """Audit an article (plain text, Markdown or HTML) against the store and the starter pack."""
    from ..ask import load_vocab

    if install_pack:
        from ..pack import ensure_pack

        ensure_pack(store)
    title, text = article_text(raw, kind=kind)
    vocab = load_vocab(store)
    claims = find_claims(text, vocab, title=title)
    cache = _BriefCache(store, vocab)
    inputs = JudgeInputs(store=store, briefs=cache)
    for c in claims:
        relation = "combination" if c.kind == "combination" else "comparison" if c.kind == "comparison" else "single"
        brief = cache.brief(c.drugs, c.condition_id, relation)
        if brief is not None and not brief.studies and c.condition_id not in (None, "pain") and c.kind in (
                "effect", "combination"):
            wider = cache.brief(c.drugs, "pain", relation)  # widen to any pain condition
            if wider is not None and wider.studies:
                brief = wider
        if brief is None:
            c.verdict, c.reason = "unverifiable", "Drug not recognised."
            continue
        judge(c, brief, inputs)
    report = AuditReport(title=title, text=text, claims=claims)
    report.contradictions = _contradictions(claims)
    report.checks = _checks(text, claims, raw=raw)
    counts: dict[str, int] = {}
    for c in claims:
        counts[c.verdict] = counts.get(c.verdict, 0) + 1
    report.summary = dict(sorted(counts.items()))
    return report
