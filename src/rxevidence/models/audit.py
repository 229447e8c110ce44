"""The AuditReport: claims of an article with verdicts, contradictions, reporting checks."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..domain import AuditVerdict

Verdict = AuditVerdict
ClaimKind = Literal["effect", "combination", "comparison", "regulatory", "mechanism", "description", "safety",
                    "study"]


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
    # what the claim asserts, as read from its words (see rxevidence.audit.meaning)
    classes: list[str] = Field(default_factory=list)  # drug classes named ("NSAIDs")
    alternatives: list[str] = Field(default_factory=list)  # drugs named as examples of a class ("naproxen or ibuprofen")
    unknown_agents: list[str] = Field(default_factory=list)  # agents the vocabulary does not know ("vitamin K")
    hedge: str | None = None  # "may", "might", "seems to"
    attribution: str | None = None  # "study" (one study's reported result) or "studies" (a body of evidence)
    strength: str | None = None  # emphatic words ("very", "significant") that can overstate weak evidence
    evidence_quality: str | None = None  # the claim is about the evidence itself: weak / mixed / strong
    relation: str | None = None  # comparisons: better / same / worse / better-or-same (first drug vs the others)
    combination_vs: str | None = None  # combinations: "each alone" or "alone" (against one part)
    added: str | None = None  # combinations: the drug said to be added ("no benefit to adding ibuprofen")
    claimed_status: str | None = None  # regulatory: "approved" or "recommended"
    comparator: str | None = None  # comparisons with something that is not a drug ("non-opioid medications")
    numbers: list[str] = Field(default_factory=list)  # numbers the claim states ("114 patients", "15%")
    link: str | None = None  # "cause" / "effect" / "concession": how it relates to the claim before it
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
