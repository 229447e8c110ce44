"""What an appraisal says a record is: design, population, N, arms, outcomes, direction, flags."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..domain import (
    Appraiser,
    ComparatorType,
    Direction,
    DrugRoleName,
    PainDimension,
    PopulationKind,
    RawDirection,
    StudyKind,
)
from .base import _Model


class Population(_Model):
    kind: PopulationKind = "unclear"
    humans: bool | None = None
    species: str | None = None  # "rat", "mouse" when animals
    healthy_volunteers: bool | None = None
    condition: str | None = None  # as studied, in words ("acute low back pain")
    condition_ids: list[str] = Field(default_factory=list)  # concept ids from vocab (e.g. "low-back-pain")
    age_group: str | None = None  # "children", "adults", "older adults", "mixed"


class Arm(_Model):
    name: str
    role: Literal["intervention", "comparator", "placebo", "combination", "other"] = "intervention"
    drugs: list[str] = Field(default_factory=list)  # canonical ingredient names
    dose: str | None = None  # as stated in the record; never a recommendation


class FieldSource(_Model):
    """Where an appraised field came from: the sentence it was read in and how sure the reading is.

    ``value`` is the reading itself, kept even when the confidence is below the threshold and the field
    says "unclear" (so a reader can see what was almost concluded, and why it was not)."""

    value: str | int | None = None
    sentence: str | None = None  # a sentence of the record (automatic) or None
    confidence: float = 0.0  # 0..1


class DrugRole(_Model):
    drug: str  # canonical ingredient name
    role: DrugRoleName
    sentence: str | None = None
    confidence: float = 0.0


class OutcomeResult(_Model):
    name: str  # "pain intensity at 1 week"
    pain_dimension: PainDimension | None = None
    phase: Literal["acute", "chronic"] | None = None
    direction: Direction = "unclear"  # intervention vs comparator, for the patient
    raw_direction: RawDirection | None = None
    effect: str | None = None  # "MD -0.5 points", "RR 1.2"
    ci: str | None = None  # "95% CI -1.1 to 0.1"
    p_value: str | None = None
    evidence_sentence: str | None = None  # a sentence from the record (automatic) or own words (curated)


class Appraisal(_Model):
    record_id: str
    appraiser: Appraiser = "automatic"
    appraiser_version: str = "0"
    design: str = "other"  # one of DESIGNS
    design_detail: str | None = None  # "parallel", "crossover", "network meta-analysis", ...
    design_source: Literal["publication-type", "mesh", "text", "registry", "curated"] | None = None
    design_confidence: float | None = None
    kind: StudyKind = "unclear"  # what the record is as evidence (efficacy, safety, pharmacokinetics, ...)
    population: Population = Field(default_factory=Population)
    n: int | None = None  # randomised / analysed participants (for reviews: total participants)
    n_studies: int | None = None  # for reviews
    arms: list[Arm] = Field(default_factory=list)
    drugs: list[str] = Field(default_factory=list)  # ingredients studied (canonical names)
    comparator: str | None = None  # "placebo", "ibuprofen", "usual care"
    comparator_type: ComparatorType = "unclear"
    roles: list[DrugRole] = Field(default_factory=list)  # every drug named in the arms, with its role
    primary_outcome: str | None = None  # as the record names it
    outcomes: list[OutcomeResult] = Field(default_factory=list)
    direction: Direction = "unclear"  # overall, on the primary outcome
    flags: list[str] = Field(default_factory=list)  # retracted, small, open-label, industry-funded, ...
    finding: str | None = None  # one line; curated: own words; automatic: a conclusion sentence
    trial_ids: list[str] = Field(default_factory=list)  # the trial this record reports: "nct:NCT...", "MERIT-HF"
    parent: str | None = None  # secondary analyses / extensions: the parent trial ("MERIT-HF", "nct:NCT...")
    # per field ("kind", "population", "comparator_type", "direction", "n", "primary_outcome", "design"):
    # the sentence it was read in and the confidence; below the threshold the field itself is "unclear"
    sources: dict[str, FieldSource] = Field(default_factory=dict)
    # curated provenance
    verified_url: str | None = None
    verified_date: str | None = None
