"""Schema of the starter evidence pack: curated facts with provenance, never third-party prose.

Files live in ``rxevidence/pack/data/``:

- ``drugs/<group>.yaml``    -> ``DrugFile``  (per drug: class, FDA label facts, boxed warning,
                                              regulatory positions by jurisdiction and condition)
- ``studies/<group>.yaml``  -> ``StudyFile`` (per study: ids, design, N, arms, outcomes, direction,
                                              one-line finding in our own words, where verified)

Every fact carries the URL where it was checked and the date it was checked.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from ..domain import DESIGNS, Direction, PainDimension, RegulatoryStatus, check_jurisdiction, regulatory_hosts
from ..ids import is_curated_study_id

PACK_SCHEMA_VERSION = 1

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

#: A name of :data:`rxevidence.domain.JURISDICTIONS` (checked against the table when the pack loads).
Jurisdiction = Annotated[str, AfterValidator(check_jurisdiction)]
Status = RegulatoryStatus
DirectionLit = Direction


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def is_primary_regulatory(url: str) -> bool:
    """True when ``url`` is on a regulator's or guideline body's own site (a jurisdiction's ``hosts`` in
    :data:`rxevidence.domain.JURISDICTIONS`), never a copy of it."""
    return re.sub(r"^https?://", "", url or "").split("/")[0].lower() in regulatory_hosts()


class _PrimaryCited(BaseModel):
    @model_validator(mode="after")
    def _primary(self):  # type: ignore[no-untyped-def]
        if not is_primary_regulatory(getattr(self, "verified_url", "")):
            raise ValueError(f"regulatory facts cite the primary page (DailyMed, Drugs@FDA, FDA, NICE/NHS, MHRA, EMA), "
                             f"not {getattr(self, 'verified_url', '')!r}; record a copy read on in read_on")
        return self


class Verified(_Strict):
    verified_url: str  # the primary page cited for the fact (DailyMed, Drugs@FDA, FDA, NICE/NHS, EMA...)
    verified_date: str  # ISO date the fact was checked, e.g. "2026-11-25"
    read_on: str | None = None  # where the text was read when that was a copy of the primary page (never cited)

    @field_validator("verified_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith("https://") and not v.startswith("http://"):
            raise ValueError(f"verified_url must be a URL, got {v!r}")
        return v

    @field_validator("verified_date")
    @classmethod
    def _date(cls, v: str) -> str:
        if not _DATE.match(str(v)):
            raise ValueError(f"verified_date must be YYYY-MM-DD, got {v!r}")
        return str(v)


class FdaLabel(Verified, _PrimaryCited):
    """What the US label says (own words), and where it was read."""

    approved: bool = True  # False: not approved in the US (e.g. thiocolchicoside)
    indications: list[str] = Field(default_factory=list)  # own-words summaries of labelled uses
    set_id: str | None = None  # DailyMed SPL set id
    label_date: str | None = None  # label revision date as shown by DailyMed / the label
    application: str | None = None  # Drugs@FDA application, e.g. "NDA013263"
    boxed_warning: str | None = None  # own-words summary; None when the label has none
    product: str | None = None  # brand or product whose label was read, e.g. "Valium"


class Position(Verified, _PrimaryCited):
    """A regulator's or guideline body's stance on this drug for one condition."""

    jurisdiction: Jurisdiction
    condition: str  # concept id from the vocabulary, e.g. "low-back-pain"
    status: Status
    statement: str  # own words, one line
    source_name: str | None = None  # "NICE NG59", "NHS diazepam page", "FDA label"
    date: str | None = None  # publication / last-review date of the source


class Drug(_Strict):
    name: str  # canonical ingredient, lower case ("diazepam"; "acetaminophen" for paracetamol)
    aliases: list[str] = Field(default_factory=list)  # other names: "paracetamol", brand names
    classes: list[str] = Field(min_length=1)  # lower case: "benzodiazepine", "skeletal muscle relaxant"
    atc: list[str] = Field(default_factory=list)
    mechanism: str | None = None  # own words
    mechanism_source: str | None = None  # URL
    fda: FdaLabel | None = None
    eu_note: str | None = None  # own words: EU position where known (e.g. EMA restriction)
    eu_source: str | None = None
    positions: list[Position] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _lower(cls, v: str) -> str:
        if v != v.lower().strip():
            raise ValueError(f"drug name must be lower case and trimmed: {v!r}")
        return v


class Outcome(_Strict):
    name: str  # "pain intensity at 1 week"
    pain_dimension: PainDimension | None = None
    phase: Literal["acute", "chronic"] | None = None
    direction: DirectionLit
    effect: str | None = None  # as stated: "MD -1.2 (95% CI -2.0 to -0.4)"


class Study(Verified):
    id: str  # "pmid:28187918" or "nct:NCT01234567"
    pmid: str | None = None
    doi: str | None = None
    nct: str | None = None
    title: str | None = None  # bibliographic title
    year: int
    journal: str | None = None
    design: str  # one of models.DESIGNS
    design_detail: str | None = None  # "crossover", "parallel", "network meta-analysis"
    drugs: list[str] = Field(min_length=1)  # canonical ingredients of the tested intervention
    comparator: str | None = None  # "placebo", "ibuprofen", "diazepam + ibuprofen"
    condition: str  # concept id of the condition studied ("acute-low-back-pain", "experimental-pain")
    condition_text: str | None = None  # own words ("ED patients with acute non-radicular LBP")
    humans: bool = True
    healthy_volunteers: bool = False
    age_group: str | None = None
    n: int | None = None  # randomised participants (reviews: total participants)
    n_studies: int | None = None  # reviews only
    outcomes: list[Outcome] = Field(default_factory=list)
    direction: DirectionLit  # overall, on the primary outcome, for the tested drug(s)
    finding: str  # one line in our own words
    flags: list[str] = Field(default_factory=list)  # small, open-label, industry-funded, retracted

    @field_validator("design")
    @classmethod
    def _design(cls, v: str) -> str:
        if v not in DESIGNS:
            raise ValueError(f"design {v!r} is not one of {', '.join(DESIGNS)}")
        return v

    @model_validator(mode="after")
    def _ids(self) -> Study:
        if not is_curated_study_id(self.id):
            raise ValueError(f"study id must look like pmid:123 or nct:NCT01234567, got {self.id!r}")
        if self.id.startswith("pmid:") and self.pmid and self.pmid != self.id[5:]:
            raise ValueError(f"{self.id}: pmid field {self.pmid!r} disagrees with id")
        if self.nct and not re.match(r"^NCT\d{8}$", self.nct):
            raise ValueError(f"{self.id}: malformed NCT id {self.nct!r}")
        return self


class DrugFile(_Strict):
    schema_version: int = PACK_SCHEMA_VERSION
    drugs: list[Drug]


class StudyFile(_Strict):
    schema_version: int = PACK_SCHEMA_VERSION
    studies: list[Study]
