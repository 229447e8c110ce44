"""Judges for regulatory and description claims: the brief's regulatory rows and drug panel."""

from __future__ import annotations

import re

from ...domain import DEFAULT_JURISDICTION
from ...models import Brief
from ..briefs import _BriefCache
from ..report import Claim, ClaimEvidence


def _judge_regulatory(claim: Claim, brief: Brief) -> None:
    j = claim.jurisdiction or DEFAULT_JURISDICTION
    rows = [r for r in brief.regulatory if r.jurisdiction == j]
    if not rows or all(r.status == "no position found" and not r.details for r in rows):
        claim.verdict = "unverifiable"
        claim.reason = f"No {j} position for this use was found."
        return
    row = rows[0]
    claim.evidence = [ClaimEvidence(id=x, note=n) for x, n in
                      [(row.source, row.note)] + [(d.source, d.statement) for d in row.details] if x]
    text = claim.text.lower()
    says_approved = bool(re.search(r"approv|licensed|on-label", text))
    says_recommend = bool(re.search(r"recommend", text))
    pos = claim.polarity == "positive"
    if says_recommend:
        exact = [row.status] if row.status != "no position found" else []
        has_rec = any(s in ("recommended", "on-label") for s in exact)
        has_not = any(s == "not recommended" for s in exact)
        if pos and has_rec and not has_not:
            claim.verdict = "supported"
        elif pos and has_rec and has_not:
            claim.verdict = "partly supported"
        elif pos and has_not:
            claim.verdict = "contradicted"
        elif not pos and has_not:
            claim.verdict = "supported"
        elif not pos and has_rec:
            claim.verdict = "contradicted"
        else:
            claim.verdict = "unverifiable"
            nots = [d for d in row.details if d.status == "not recommended"]
            if nots:
                claim.evidence = [ClaimEvidence(id=d.source, note=d.statement) for d in nots if d.source]
                claim.reason = (f"No {j} recommendation for {claim.condition or 'this use'} was found; "
                                + "; ".join(f"{d.source_name or j} advises against it for {d.condition_name}"
                                            for d in nots) + ".")
                return
    elif says_approved:
        on = [d for d in row.details if d.status == "on-label"]
        main_on = row.status == "on-label"
        if pos:
            claim.verdict = "supported" if main_on else ("partly supported" if on else "contradicted")
        else:
            claim.verdict = "contradicted" if main_on else ("partly supported" if on else "supported")
    else:
        claim.verdict = "unverifiable"
    notes = "; ".join(f"{d.condition_name or d.condition}: {d.status}" for d in row.details)
    claim.reason = f"{j}: {row.status} for {claim.condition or 'this use'}" + (f" ({notes})" if notes else "") + "."


def _judge_regulatory_each(claim: Claim, cache: _BriefCache) -> None:
    """A regulatory claim naming several uses ("approved for A, B and C"): each use judged on its own."""
    parts: list[tuple[str, Claim]] = []
    for cid in claim.conditions:
        brief = cache.brief(claim.drugs, cid)
        if brief is None:
            continue
        name = brief.query.condition.name if brief.query.condition else cid
        one = claim.model_copy(update={"condition": name, "condition_id": cid, "conditions": [], "evidence": []})
        _judge_regulatory(one, brief)
        parts.append((name, one))
    if not parts:
        claim.verdict, claim.reason = "unverifiable", "Drug not recognised."
        return
    verdicts = {one.verdict for _, one in parts}
    if len(verdicts) == 1:
        claim.verdict = parts[0][1].verdict
    elif verdicts <= {"supported", "unverifiable"}:
        claim.verdict = "partly supported"
    else:
        claim.verdict = "partly supported" if "supported" in verdicts or "partly supported" in verdicts else (
            "contradicted" if "contradicted" in verdicts else "unverifiable")
    seen: set[str] = set()
    claim.evidence = [e for _, one in parts for e in one.evidence if not (e.id in seen or seen.add(e.id))]
    claim.reason = " ".join(f"{name}: {one.verdict} ({one.reason.rstrip('.')})." for name, one in parts)


def _judge_description(claim: Claim, brief: Brief) -> None:
    text = claim.text.lower().replace("panic", "anxiety").replace("seizure", "convulsive")
    panel = next((d for d in brief.drugs if d.name in claim.drugs), brief.drugs[0] if brief.drugs else None)
    if panel is None or not (panel.classes or panel.indications):
        claim.verdict = "unverifiable"
        claim.reason = "No label facts for this drug."
        return
    claim.evidence = [ClaimEvidence(id=s) for s in panel.sources]
    hits = [c for c in panel.classes if c.lower().rstrip("s") in text]
    ind_words = {w for i in panel.indications for w in re.findall(r"[a-z]{5,}", i.lower())}
    mentioned = [w for w in ("anxiety", "panic", "seizure", "spasm", "withdrawal", "convuls", "pain", "insomnia")
                 if w in text]
    ok = [w for w in mentioned if any(x.startswith(w[:6]) for x in ind_words)]
    if hits or (mentioned and len(ok) == len(mentioned)):
        claim.verdict = "supported"
    elif ok:
        claim.verdict = "partly supported"
    else:
        claim.verdict = "unverifiable"
    claim.reason = f"{panel.name}: {', '.join(panel.classes)}; labelled uses: {'; '.join(panel.indications)[:200]}"
