"""The Brief: what ``ask`` returns and every renderer reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from ..domain import Certainty, Direction, RegulatoryStatus, Verdict
from .appraisal import OutcomeResult
from .base import _Model
from .query import Query


class Claims(_Model):
    """What a sentence states that :mod:`rxevidence.validate` checks against the records it cites.

    Only the fields that are set appear in the JSON (``{"direction": "better", "design": "rct", "n": 60}``).
    """

    # one study: must equal the first cited appraisal's
    direction: Direction | None = None
    design: str | None = None
    n: int | None = None
    # several studies: design counts and total N (primary studies) must equal the cited appraisals'
    designs: dict[str, int] | None = None
    n_total: int | None = None
    # a regulatory row's status, as stated
    status: RegulatoryStatus | None = None
    # the sentence says nothing was found (it may then cite nothing)
    absence: bool | None = None
    # the sentence says the cited record is retracted
    retracted: bool | None = None

    @model_serializer(mode="wrap")
    def _set_fields_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None}

    def about_one_study(self) -> bool:
        return self.direction is not None or self.n is not None or self.design is not None

    # a read-only mapping view, for code written when claims were a plain dict
    def get(self, key: str, default: Any = None) -> Any:
        value = getattr(self, key, None) if key in type(self).model_fields else None
        return default if value is None else value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> Any:
        if key not in self:
            raise KeyError(key)
        return getattr(self, key)


class Sentence(_Model):
    text: str
    citations: list[str] = Field(default_factory=list)  # record ids, label set ids, guideline URLs
    section: str | None = None  # "drug", "regulatory", "evidence", "combination", "harms", "bottom-line"
    # machine-checkable claims the validator compares with the cited appraisals
    claims: Claims = Field(default_factory=Claims)


class RegulatoryRow(_Model):  # noqa: D101
    jurisdiction: str  # "US FDA", "UK NICE/NHS", "EU EMA"
    status: RegulatoryStatus
    source: str | None = None  # URL or record id
    date: str | None = None
    note: str | None = None
    condition: str | None = None  # concept id the status is about
    source_name: str | None = None  # "NICE NG59", "FDA label (Valium)"
    details: list[RegulatoryDetail] = Field(default_factory=list)  # positions on narrower conditions


class RegulatoryDetail(_Model):
    condition: str
    condition_name: str | None = None
    status: str
    statement: str | None = None
    source: str | None = None
    source_name: str | None = None
    date: str | None = None


class StudySummary(_Model):
    id: str  # "pmid:..." / "nct:..."
    title: str | None = None
    year: int | None = None
    journal: str | None = None
    design: str = "other"
    n: int | None = None
    direction: Direction = "unclear"
    condition: str | None = None
    condition_id: str | None = None
    comparator: str | None = None
    outcome: str | None = None
    pain_dimension: str | None = None
    drugs: list[str] = Field(default_factory=list)
    humans: bool | None = None
    healthy_volunteers: bool | None = None
    finding: str | None = None
    effect: str | None = None
    appraiser: str = "automatic"
    flags: list[str] = Field(default_factory=list)
    retracted: bool = False
    url: str | None = None
    related_ids: list[str] = Field(default_factory=list)  # merged duplicates (same trial)
    outcomes: list[OutcomeResult] = Field(default_factory=list)  # per outcome / per arm, as appraised


class MatrixRow(_Model):
    condition: str
    condition_id: str | None = None
    outcome: str  # "pain intensity", "function", ...
    designs: dict[str, int] = Field(default_factory=dict)
    total_n: int = 0
    directions: dict[str, int] = Field(default_factory=dict)
    certainty: str = "very low"
    study_ids: list[str] = Field(default_factory=list)
    note: str | None = None  # "experimental pain in healthy volunteers"


class CombinationRow(_Model):
    combination: list[str]
    comparators: list[str] = Field(default_factory=list)
    condition: str | None = None
    direction: Direction = "unclear"
    study_ids: list[str] = Field(default_factory=list)
    finding: str | None = None


class Harm(_Model):
    drug: str
    kind: Literal["boxed warning", "warning", "contraindication"] = "boxed warning"
    text: str
    source: str | None = None
    date: str | None = None


class DrugPanel(_Model):
    name: str
    classes: list[str] = Field(default_factory=list)
    indications: list[str] = Field(default_factory=list)
    mechanism: str | None = None
    sources: list[str] = Field(default_factory=list)


class Brief(_Model):
    schema_version: str = "1.0"
    query: Query
    as_of: str = Field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"))
    drugs: list[DrugPanel] = Field(default_factory=list)
    regulatory: list[RegulatoryRow] = Field(default_factory=list)
    matrix: list[MatrixRow] = Field(default_factory=list)
    combinations: list[CombinationRow] = Field(default_factory=list)
    harms: list[Harm] = Field(default_factory=list)
    verdict: Verdict = "insufficient evidence"
    certainty: Certainty = "very low"
    reasons: list[str] = Field(default_factory=list)
    studies: list[StudySummary] = Field(default_factory=list)
    excluded: list[StudySummary] = Field(default_factory=list)  # retracted etc., listed not used
    sentences: list[Sentence] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    disclaimer: str = (
        "Not medical advice. This brief summarises published evidence and regulatory documents; "
        "it does not recommend any treatment or dose. Talk to a doctor or pharmacist."
    )
