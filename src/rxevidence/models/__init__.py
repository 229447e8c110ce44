"""Records that cross module boundaries, one module per stage of the flow.

Data flows one way: question -> ``Query`` (:mod:`.query`); sources -> ``Record`` (:mod:`.record`);
appraise -> ``Appraisal`` (:mod:`.appraisal`); retrieve -> ``Evidence`` (:mod:`.evidence`);
synthesize -> ``Brief`` (:mod:`.brief`); audit -> ``AuditReport`` (:mod:`.audit`); renderers read a
``Brief`` or an ``AuditReport`` and never query.

Identifiers are prefixed strings (``pmid:``, ``nct:``, ``spl:``, ``fda:``, ...) defined in
:mod:`rxevidence.ids`; domain words (designs, directions, verdicts, ...) in :mod:`rxevidence.domain`.
Everything is importable from here: ``from rxevidence.models import Brief, Record``.
"""

from __future__ import annotations

from ..domain import DESIGNS, DIRECTIONS, Direction, PainDimension, RecordKind
from ..ids import record_url
from .appraisal import Appraisal, Arm, DrugRole, FieldSource, OutcomeResult, Population
from .audit import AuditReport, Claim, ClaimEvidence, Contradiction, ReportingCheck
from .brief import (
    Brief,
    Claims,
    CombinationRow,
    DrugPanel,
    Harm,
    MatrixRow,
    RegulatoryDetail,
    RegulatoryRow,
    Sentence,
    StudySummary,
)
from .evidence import Evidence
from .query import ConditionMention, DrugMention, Query, Suggestion
from .record import Deletion, MeshHeading, Provenance, Record, Section, Skipped, VocabTerm

__all__ = [
    "DESIGNS",
    "DIRECTIONS",
    "Appraisal",
    "Arm",
    "AuditReport",
    "Brief",
    "Claim",
    "ClaimEvidence",
    "Claims",
    "CombinationRow",
    "ConditionMention",
    "Contradiction",
    "Deletion",
    "DrugRole",
    "Direction",
    "DrugMention",
    "DrugPanel",
    "Evidence",
    "FieldSource",
    "Harm",
    "MatrixRow",
    "MeshHeading",
    "OutcomeResult",
    "PainDimension",
    "Population",
    "Provenance",
    "Query",
    "Record",
    "RecordKind",
    "RegulatoryDetail",
    "RegulatoryRow",
    "ReportingCheck",
    "Section",
    "Sentence",
    "Skipped",
    "StudySummary",
    "Suggestion",
    "VocabTerm",
    "record_url",
]
