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

import re

from ..pipeline import Context, build_context
from ..store.base import Store
from .article import MAX_ARTICLE_CHARS, article_text, segments, split_sentences
from .briefs import BriefPath, gather
from .claims import find_claims
from .contradictions import find_contradictions
from .judges import JUDGES, judge
from .report import AuditReport, Claim, ClaimEvidence, Contradiction, ReportingCheck, _checks

__all__ = [
    "JUDGES",
    "MAX_ARTICLE_CHARS",
    "AuditReport",
    "Claim",
    "ClaimEvidence",
    "Contradiction",
    "ReportingCheck",
    "article_text",
    "audit",
    "find_claims",
    "segments",
    "split_sentences",
]


# who a sentence is about, never a drug name (a vocabulary synonym can collide with them)
_POPULATION_WORDS = {"women", "woman", "men", "man", "children", "child", "adults", "adult", "patients", "people",
                     "girls", "boys", "infants", "elderly", "seniors", "teens", "mothers"}


_FUNCTION = re.compile(r"\b(that|it['’]s|this|the|and|for|with|from|which)\b", re.I)  # not part of a drug name


def _known(vocab, pack):  # noqa: ANN001, ANN202 - a closure over the vocabulary and the pack
    def known(hit) -> bool:  # noqa: ANN001
        if hit.is_class or len(hit.text) < 4 or hit.text.lower() in _POPULATION_WORDS or _FUNCTION.search(hit.text):
            return False
        if getattr(hit, "score", 1.0) < 1.0 and re.search(r"\s", hit.text.strip()):
            return False  # a near-spelling spread over several words ("big meal" for bigumal) names no medicine
        if pack.drug(hit.name) is not None or hit.drugbank_id or hit.rxcui:
            return True
        try:
            return bool(vocab.drug_classes(hit.name))
        except (KeyError, LookupError):
            return False
    return known


def audit(raw: str, *, store: Store | None = None, kind: str | None = None, install_pack: bool = True,
          context: Context | None = None) -> AuditReport:
    """Audit an article (plain text, Markdown or HTML) against the store and the starter pack.

    Give ``store`` (a context is built for it, installing the pack unless ``install_pack=False``) or a
    ``context`` built once with :func:`rxevidence.pipeline.build_context`. Each claim is answered through the
    same validated path as ``ask``; see :mod:`rxevidence.audit`.
    """
    if context is None:
        if store is None:
            raise TypeError("audit() needs store= or context=")
        context = build_context(store, install_pack=install_pack)  # a read-only store gets the pack in memory
    title, text = article_text(raw, kind=kind)
    vocab = context.vocab
    claims = find_claims(text, vocab, title=title, known=_known(vocab, context.pack))
    path = BriefPath(context)
    for c in claims:
        judge(c, gather(c, path))
    report = AuditReport(title=title, text=text, claims=claims)
    report.contradictions = find_contradictions(claims)
    report.checks = _checks(text, claims, raw=raw)
    counts: dict[str, int] = {}
    for c in claims:
        counts[c.verdict] = counts.get(c.verdict, 0) + 1
    report.summary = dict(sorted(counts.items()))
    return report
