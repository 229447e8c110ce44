"""Records that cross module boundaries.

Data flows one way: question -> ``Query``; sources -> ``Record``; appraise -> ``Appraisal``;
synthesize -> ``Brief``; renderers read a ``Brief`` and never query.

Identifiers are prefixed strings, stable across runs:

- article:  ``pmid:28187918`` (no PMID: ``doi:10.1000/x`` or ``ext:<sha1 of title>``)
- label:    ``spl:<set id>`` (DailyMed SPL set id; openFDA ``set_id``)
- approval: ``fda:NDA013263`` (Drugs@FDA application type + 6-digit number)
- trial:    ``nct:NCT01234567``
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RecordKind = Literal["article", "label", "approval", "trial"]

# Effect direction of an intervention against its comparator, from the patient's point of view.
Direction = Literal["better", "worse", "no difference", "mixed", "unclear"]
DIRECTIONS: tuple[str, ...] = ("better", "worse", "no difference", "mixed", "unclear")

# Study designs, best evidence first (see appraise.design for how each is detected).
DESIGNS: tuple[str, ...] = (
    "meta-analysis",
    "systematic review",
    "guideline",
    "rct",
    "non-randomised trial",
    "cohort",
    "case-control",
    "cross-sectional",
    "case series",
    "case report",
    "experimental pain model",
    "animal",
    "in vitro",
    "narrative review",
    "editorial",
    "trial registration",
    "other",
)

# What a record is, as evidence about a drug (see appraise.kind). Only "efficacy" (and secondary analyses and
# extensions of efficacy trials) answer "does it work".
StudyKind = Literal[
    "efficacy", "safety", "pharmacokinetics", "mechanism", "methods", "diagnosis", "economics",
    "narrative review", "guideline", "protocol", "secondary analysis", "extension", "other", "unclear",
]
STUDY_KINDS: tuple[str, ...] = (
    "efficacy", "safety", "pharmacokinetics", "mechanism", "methods", "diagnosis", "economics",
    "narrative review", "guideline", "protocol", "secondary analysis", "extension", "other", "unclear",
)
# Who was studied.
PopulationKind = Literal["patients", "healthy volunteers", "animals", "in vitro", "unclear"]
# The part a drug plays in a study: what is tested, what it is tested against, what every arm gets anyway,
# what may be taken when the treatment fails.
DrugRoleName = Literal["studied", "comparator", "background", "rescue"]
# What the studied drug is compared with: placebo (or sham, vehicle), no treatment (usual care, waiting list,
# open control), another active drug, another dose or formulation of the same drug, the same background therapy
# without the drug (add-on), nothing (single-arm, before-after).
ComparatorType = Literal["placebo", "no treatment", "active", "dose", "add-on", "uncontrolled", "unclear"]
COMPARATOR_TYPES: tuple[str, ...] = ("placebo", "no treatment", "active", "dose", "add-on", "uncontrolled", "unclear")

PainDimension = Literal[
    "intensity", "unpleasantness", "threshold", "tolerance", "relief", "function", "sleep", "other"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


# --------------------------------------------------------------------------- records


class Section(_Model):
    """A labelled block of text: an abstract section or a label section."""

    label: str | None = None  # "BACKGROUND", "Indications and Usage"
    code: str | None = None  # NlmCategory ("METHODS") or LOINC code ("34067-9")
    text: str


class MeshHeading(_Model):
    descriptor: str
    ui: str | None = None  # "D010146"
    major: bool = False
    qualifiers: list[str] = Field(default_factory=list)
    major_qualifiers: list[str] = Field(default_factory=list)


class Provenance(_Model):
    source: str  # file path or URL
    format: str | None = None  # "medline-xml", "spl-xml", "ctgov-v2", ...
    retrieved_at: str | None = None  # ISO 8601
    position: str | None = None  # e.g. "record 12"


class Record(_Model):
    """One source record (an article, a label, an approval, a trial registration)."""

    id: str
    kind: RecordKind
    title: str | None = None
    sections: list[Section] = Field(default_factory=list)
    # identifiers
    pmid: str | None = None
    doi: str | None = None
    pmcid: str | None = None
    nct_ids: list[str] = Field(default_factory=list)  # own NCT id (trials) or linked ones (articles)
    set_id: str | None = None
    version: str | None = None  # SPL version, MEDLINE <PMID Version>, ...
    application: str | None = None  # "NDA013263"
    # bibliographic
    journal: str | None = None
    year: int | None = None
    date: str | None = None  # ISO date when known (publication, label effective, first posted)
    authors: list[str] = Field(default_factory=list)
    language: str | None = None
    publication_types: list[str] = Field(default_factory=list)
    mesh: list[MeshHeading] = Field(default_factory=list)
    chemicals: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    # corrections
    retracted: bool = False
    retraction_notices: list[str] = Field(default_factory=list)  # ids of RetractionIn notices
    # kind-specific structured data (label products/ingredients; approval products/submissions;
    # trial phase/status/enrollment/conditions/interventions/arms/has_results; ...)
    extra: dict[str, Any] = Field(default_factory=dict)
    provenance: Provenance | None = None

    @property
    def abstract(self) -> str:
        """All section texts joined (abstract for articles, label text for labels)."""
        return "\n".join(s.text for s in self.sections if s.text)

    def section(self, *names: str) -> str | None:
        """Text of the first section whose label or code matches one of ``names`` (case-insensitive)."""
        wanted = {n.lower() for n in names}
        for s in self.sections:
            if (s.label and s.label.lower() in wanted) or (s.code and s.code.lower() in wanted):
                return s.text
        return None

    @property
    def url(self) -> str | None:
        return record_url(self.id)


class Deletion(_Model):
    """A record removed at the source (MEDLINE ``DeleteCitation``)."""

    id: str
    provenance: Provenance | None = None


class Skipped(_Model):
    """A record a parser could not read; the ingest summary counts it with its reason."""

    reason: str
    path: str | None = None
    position: str | None = None


class VocabTerm(_Model):
    """A vocabulary entry read from RxNorm / DrugBank / ATC / MeSH files by ``ingest``."""

    term: str  # the name as written ("Valium")
    kind: str  # "drug", "brand", "synonym", "class:<class name>", "condition"
    canonical: str  # canonical ingredient / concept ("diazepam")
    source: str | None = None  # "rxnorm", "drugbank-open", "atc", "mesh"


def record_url(record_id: str) -> str | None:
    """The public page of a record id."""
    prefix, _, value = record_id.partition(":")
    if prefix == "pmid":
        return f"https://pubmed.ncbi.nlm.nih.gov/{value}/"
    if prefix == "nct":
        return f"https://clinicaltrials.gov/study/{value}"
    if prefix == "spl":
        return f"https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={value}"
    if prefix == "fda":
        digits = "".join(ch for ch in value if ch.isdigit())
        return f"https://www.accessdata.fda.gov/scripts/cder/daf/index.cfm?event=overview.process&ApplNo={digits}"
    if prefix == "doi":
        return f"https://doi.org/{value}"
    if prefix in ("http", "https"):
        return record_id
    return None


# --------------------------------------------------------------------------- appraisals


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
    raw_direction: Literal["increased", "decreased", "no difference"] | None = None
    effect: str | None = None  # "MD -0.5 points", "RR 1.2"
    ci: str | None = None  # "95% CI -1.1 to 0.1"
    p_value: str | None = None
    evidence_sentence: str | None = None  # a sentence from the record (automatic) or own words (curated)


class Appraisal(_Model):
    record_id: str
    appraiser: Literal["automatic", "curated"] = "automatic"
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


# --------------------------------------------------------------------------- queries


class DrugMention(_Model):
    text: str  # the user's words, e.g. "Valium"
    name: str  # canonical ingredient or class name, e.g. "diazepam" / "benzodiazepine"
    is_class: bool = False
    members: list[str] = Field(default_factory=list)  # class members (canonical ingredients)
    classes: list[str] = Field(default_factory=list)  # classes of the ingredient
    rxcui: str | None = None
    drugbank_id: str | None = None
    synonyms: list[str] = Field(default_factory=list)  # names to search with (brands, salts)
    score: float = 1.0


class ConditionMention(_Model):
    text: str  # the user's words
    id: str  # concept id, e.g. "low-back-pain"
    name: str  # "low back pain"
    mesh_id: str | None = None
    tree_numbers: list[str] = Field(default_factory=list)
    narrower: list[str] = Field(default_factory=list)  # concept ids this one widens to
    synonyms: list[str] = Field(default_factory=list)  # search terms
    score: float = 1.0


class Suggestion(_Model):
    word: str
    suggestions: list[str] = Field(default_factory=list)


class Query(_Model):
    text: str
    drugs: list[DrugMention] = Field(default_factory=list)
    relation: Literal["single", "combination", "comparison"] = "single"
    condition: ConditionMention | None = None
    intent: Literal["efficacy", "comparison", "combination", "safety"] = "efficacy"
    population: list[str] = Field(default_factory=list)  # "children", "older adults", "pregnancy"
    confidence: float = 0.0
    alternatives: list[dict[str, Any]] = Field(default_factory=list)
    unknown: list[Suggestion] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- briefs


class Sentence(_Model):
    text: str
    citations: list[str] = Field(default_factory=list)  # record ids, label set ids, guideline URLs
    section: str | None = None  # "drug", "regulatory", "evidence", "combination", "harms", "bottom-line"
    # machine-checkable claims the validator compares with the cited appraisals
    claims: dict[str, Any] = Field(default_factory=dict)


class RegulatoryRow(_Model):  # noqa: D101
    jurisdiction: str  # "US FDA", "UK NICE/NHS", "EU EMA"
    status: Literal["on-label", "off-label", "recommended", "not recommended", "no position found"]
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
    verdict: Literal[
        "effective",
        "probably effective",
        "mixed/uncertain",
        "probably ineffective",
        "ineffective",
        "insufficient evidence",
    ] = "insufficient evidence"
    certainty: Literal["high", "moderate", "low", "very low"] = "very low"
    reasons: list[str] = Field(default_factory=list)
    studies: list[StudySummary] = Field(default_factory=list)
    excluded: list[StudySummary] = Field(default_factory=list)  # retracted etc., listed not used
    sentences: list[Sentence] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    disclaimer: str = (
        "Not medical advice. This brief summarises published evidence and regulatory documents; "
        "it does not recommend any treatment or dose. Talk to a doctor or pharmacist."
    )


RegulatoryRow.model_rebuild()
