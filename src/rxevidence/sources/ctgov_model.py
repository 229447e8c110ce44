"""The part of a ClinicalTrials.gov API v2 study that rxevidence reads, as typed pydantic models.

A study is validated before any field is used: a value of the wrong type (an object where a text is
expected, a text where a list of objects is expected) makes the study a ``Skipped`` with the field's
path, never an ``AttributeError`` that would stop the file. Two readings are lenient because they
are faithful, not guesses: a number where a text is expected is that text (``"nctId": 12``), and a
single text where a list of texts is expected is a one-item list (``"conditions": "Pain"`` is
``["Pain"]``, never ``["P", "a", "i", "n"]``). Unknown keys are ignored.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError


def _one_or_many(v: Any) -> Any:
    return [v] if isinstance(v, (str, int, float)) and not isinstance(v, bool) else v


def _none_is_empty(v: Any) -> Any:
    return [] if v is None else v


Texts = Annotated[list[str], BeforeValidator(_one_or_many), BeforeValidator(_none_is_empty)]


class _M(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class DateStruct(_M):
    date: str | None = None


class Identification(_M):
    nctId: str | None = None
    briefTitle: str | None = None
    officialTitle: str | None = None


class Status(_M):
    overallStatus: str | None = None
    startDateStruct: DateStruct | None = None
    completionDateStruct: DateStruct | None = None
    studyFirstPostDateStruct: DateStruct | None = None


class MaskingInfo(_M):
    masking: str | None = None


class DesignInfo(_M):
    allocation: str | None = None
    interventionModel: str | None = None
    primaryPurpose: str | None = None
    maskingInfo: MaskingInfo | None = None


class Enrollment(_M):
    count: int | float | str | None = None
    type: str | None = None


class Design(_M):
    studyType: str | None = None
    phases: Texts = Field(default_factory=list)
    enrollmentInfo: Enrollment | None = None
    designInfo: DesignInfo | None = None


class Intervention(_M):
    type: str | None = None
    name: str | None = None
    description: str | None = None
    otherNames: Texts = Field(default_factory=list)
    armGroupLabels: Texts = Field(default_factory=list)


class ArmGroup(_M):
    label: str | None = None
    type: str | None = None
    description: str | None = None
    interventionNames: Texts = Field(default_factory=list)


class ArmsInterventions(_M):
    interventions: Annotated[list[Intervention], BeforeValidator(_none_is_empty)] = Field(default_factory=list)
    armGroups: Annotated[list[ArmGroup], BeforeValidator(_none_is_empty)] = Field(default_factory=list)


class Outcome(_M):
    measure: str | None = None
    timeFrame: str | None = None
    description: str | None = None


class Outcomes(_M):
    primaryOutcomes: Annotated[list[Outcome], BeforeValidator(_none_is_empty)] = Field(default_factory=list)
    secondaryOutcomes: Annotated[list[Outcome], BeforeValidator(_none_is_empty)] = Field(default_factory=list)


class Description(_M):
    briefSummary: str | None = None
    detailedDescription: str | None = None


class Conditions(_M):
    conditions: Texts = Field(default_factory=list)
    keywords: Texts = Field(default_factory=list)


class Sponsor(_M):
    name: str | None = None


class SponsorCollaborators(_M):
    leadSponsor: Sponsor | None = None


class Reference(_M):
    pmid: str | None = None


class References(_M):
    references: Annotated[list[Reference], BeforeValidator(_none_is_empty)] = Field(default_factory=list)


class Protocol(_M):
    identificationModule: Identification = Field(default_factory=Identification)
    statusModule: Status = Field(default_factory=Status)
    designModule: Design = Field(default_factory=Design)
    armsInterventionsModule: ArmsInterventions = Field(default_factory=ArmsInterventions)
    outcomesModule: Outcomes = Field(default_factory=Outcomes)
    descriptionModule: Description = Field(default_factory=Description)
    conditionsModule: Conditions = Field(default_factory=Conditions)
    sponsorCollaboratorsModule: SponsorCollaborators = Field(default_factory=SponsorCollaborators)
    referencesModule: References = Field(default_factory=References)


class Study(_M):
    protocolSection: Protocol
    resultsSection: Any = None
    hasResults: bool | None = None


def _none_modules(v: Any) -> Any:
    """``"statusModule": null`` reads as an empty module."""
    if isinstance(v, dict):
        return {k: val for k, val in v.items() if val is not None}
    return v


def validate_study(study: Any) -> Study | str:
    """The typed study, or the reason it cannot be read (the first wrong field and what was wrong)."""
    if not isinstance(study, dict):
        return f"study is a JSON {type(study).__name__}, not an object"
    ps = study.get("protocolSection")
    if isinstance(ps, dict):
        study = {**study, "protocolSection": _none_modules(ps)}
    try:
        return Study.model_validate(study)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        return f"invalid field {where}: {err['msg']} (got {type(err.get('input')).__name__})"


__all__ = ["Study", "validate_study"]
