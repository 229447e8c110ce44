"""The audit report: reporting checks over the whole article (the report models live in models.audit)."""

from __future__ import annotations

import re

from ..models.audit import (  # noqa: F401 - re-exported for the audit rooms
    AuditReport,
    Claim,
    ClaimEvidence,
    ClaimKind,
    Contradiction,
    ReportingCheck,
    Verdict,
)


def _checks(text: str, claims: list[Claim], *, raw: str | None = None) -> list[ReportingCheck]:
    low = text.lower()
    # links are gone from the cleaned text: look for them in the input as given
    cites = re.search(r"(pmid|doi|https?://|et al\.|\(\d{4}\)|journal|published in|nejm|lancet|jama|bmj|cochrane)",
                      low) or re.search(r"\]\(\s*https?://|<a\s[^>]*href=[\"']?https?://", raw or "", re.I)
    numbers = re.search(r"\d+\s?%|\bnnt\b|\d+ (patients|participants|people|subjects)|\bconfidence interval\b", low)
    harms = re.search(r"side[- ]effect|adverse|risk|dependen|addict|withdrawal|warning|harm|drowsi|sedat|dizz|"
                      r"sleepi|somnolen|nause|vomit|constipat|bleed|ulcer|weight gain|overdose|fall|confusion|"
                      r"toxic|interaction|contraindicat|not safe|unsafe", low)
    quality = re.search(r"randomi[sz]ed|placebo|controlled|small study|sample size|meta-analysis|systematic review|"
                        r"quality of (the )?evidence|double-blind", low)
    reg = [c for c in claims if c.kind == "regulatory"]
    reg_ok = all(c.verdict in ("supported", "partly supported") for c in reg) if reg else None
    return [
        ReportingCheck(criterion="sources cited", passed=bool(cites),
                       detail="names or links its sources" if cites else "no study, journal or link is named"),
        ReportingCheck(criterion="benefits quantified", passed=bool(numbers),
                       detail="gives numbers for the benefit" if numbers else "no numbers (how much, for how many)"),
        ReportingCheck(criterion="harms mentioned", passed=bool(harms),
                       detail="mentions harms or risks" if harms else
                       "no side effects, dependence or label warnings are mentioned"),
        ReportingCheck(criterion="quality of evidence described", passed=bool(quality),
                       detail="describes study design or quality" if quality else
                       "does not say what kind of studies, how large, or how good"),
        ReportingCheck(criterion="regulatory statements accurate", passed=bool(reg_ok) if reg_ok is not None else True,
                       detail="no regulatory statement" if reg_ok is None else (
                           "regulatory statements match the sources" if reg_ok else
                           "some regulatory statements are contradicted or unverifiable")),
    ]

