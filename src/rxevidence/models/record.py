"""Source records: an article, a label, an approval, a trial registration; deletions; skipped items."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..domain import RecordKind
from ..ids import record_url
from .base import _Model


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
    unsupported: bool = False  # a kind of record rxevidence does not read (reported, not a data error)


class VocabTerm(_Model):
    """A vocabulary entry read from RxNorm / DrugBank / ATC / MeSH files by ``ingest``."""

    term: str  # the name as written ("Valium")
    kind: str  # "drug", "brand", "synonym", "class:<class name>", "condition"
    canonical: str  # canonical ingredient / concept ("diazepam")
    source: str | None = None  # "rxnorm", "drugbank-open", "atc", "mesh"
