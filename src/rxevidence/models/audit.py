"""The AuditReport: claims of an article with verdicts, contradictions, reporting checks."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..domain import AuditVerdict

Verdict = AuditVerdict
ClaimKind = Literal["effect", "combination", "comparison", "regulatory", "mechanism", "description", "safety"]


class ClaimEvidence(BaseModel):
    id: str  # record id or URL
    note: str | None = None


class Claim(BaseModel):
    text: str
    start: int
    end: int
    kind: ClaimKind
    polarity: Literal["positive", "negative"]
    drugs: list[str] = Field(default_factory=list)
    condition: str | None = None
    condition_id: str | None = None
    jurisdiction: str | None = None
    dimension: str | None = None  # affective / sensory when the claim is about a pain dimension
    conditions: list[str] = Field(default_factory=list)  # every condition id a regulatory claim names
    verdict: Verdict = "unverifiable"
    reason: str = ""
    evidence: list[ClaimEvidence] = Field(default_factory=list)


class Contradiction(BaseModel):
    a: str
    b: str
    reason: str


class ReportingCheck(BaseModel):
    criterion: str
    passed: bool
    detail: str


class AuditReport(BaseModel):
    schema_version: str = "1.0"
    title: str | None = None
    text: str
    claims: list[Claim] = Field(default_factory=list)
    contradictions: list[Contradiction] = Field(default_factory=list)
    checks: list[ReportingCheck] = Field(default_factory=list)
    summary: dict[str, int] = Field(default_factory=dict)
    disclaimer: str = (
        "Not medical advice. Verdicts compare the article's claims with the records in this store and the "
        "starter pack; 'unverifiable' means no evidence was found, not that the claim is false."
    )
