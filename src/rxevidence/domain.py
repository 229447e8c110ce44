"""The words of the domain, defined once: designs, directions, verdicts, certainty, regulatory statuses,
jurisdictions, audit verdicts, pain dimensions.

Each is a ``Literal`` type (so a type checker catches a misspelt word anywhere) plus one table holding what
the code needs to know about each value. The values are the JSON contract (``docs/brief-json.md``): never
rename one. To add a value, add it to the ``Literal`` and to its table, both here; the tables are checked
against their types when this module loads.

    >>> from rxevidence.domain import DESIGN, is_review
    >>> is_review("meta-analysis"), DESIGN["rct"].display
    (True, 'randomised controlled trial')
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal, get_args

# ---------------------------------------------------------------------------- study designs

Design = Literal[
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
]


@dataclass(frozen=True)
class DesignInfo:
    """What synthesis needs to know about one study design."""

    rank: int  # best evidence first (0 = best); orders study lists
    weight: float = 0.0  # how much one study of this design counts in a verdict (0: not evidence of effect)
    display: str | None = None  # how sentences name it ("randomised controlled trial"); None: the design itself
    review: bool = False  # pools other studies (meta-analysis, systematic review)
    effect: bool = False  # can show an effect of the drug (counted in the evidence of effect)
    randomised: bool = False  # randomised evidence: GRADE starts at high certainty
    comparative: bool = True  # compares something itself (False: no N, no overall direction at appraisal)
    secondary: bool = False  # about other studies or practice, not about subjects (reviews, editorials, guidelines)


#: One row per design. ``DESIGNS`` keeps the order documented for the pack schema.
DESIGN: dict[str, DesignInfo] = {
    "meta-analysis": DesignInfo(0, 3.0, "meta-analysis", review=True, effect=True, randomised=True, secondary=True),
    "systematic review": DesignInfo(1, 3.0, "systematic review", review=True, effect=True, randomised=True,
                                    secondary=True),
    "guideline": DesignInfo(2, comparative=False, secondary=True),
    "rct": DesignInfo(3, 2.0, "randomised controlled trial", effect=True, randomised=True),
    "non-randomised trial": DesignInfo(4, 1.0, effect=True),
    "cohort": DesignInfo(5, 0.75, effect=True),
    "case-control": DesignInfo(6, 0.5, effect=True),
    "experimental pain model": DesignInfo(7, 0.5, "experimental pain study", effect=True),
    "cross-sectional": DesignInfo(8),
    "case series": DesignInfo(9),
    "case report": DesignInfo(10, comparative=False),
    "trial registration": DesignInfo(11),
    "animal": DesignInfo(12),
    "in vitro": DesignInfo(13, comparative=False),
    "narrative review": DesignInfo(14, comparative=False, secondary=True),
    "editorial": DesignInfo(15, comparative=False, secondary=True),
    "other": DesignInfo(16),
}
DESIGNS: tuple[str, ...] = get_args(Design)
REVIEW_DESIGNS: frozenset[str] = frozenset(d for d, i in DESIGN.items() if i.review)
EFFECT_DESIGNS: frozenset[str] = frozenset(d for d, i in DESIGN.items() if i.effect)
UNRANKED = 99  # rank of a design not in the table


def is_review(design: str | None) -> bool:
    """A design that pools other studies (meta-analysis, systematic review)."""
    info = DESIGN.get(design or "")
    return bool(info and info.review)


def is_effect_design(design: str | None) -> bool:
    """A design that can show an effect of the drug (reviews, trials, observational studies, experimental pain)."""
    info = DESIGN.get(design or "")
    return bool(info and info.effect)


def is_randomised(design: str | None) -> bool:
    """Randomised evidence (an RCT or a review of them)."""
    info = DESIGN.get(design or "")
    return bool(info and info.randomised)


def is_comparative(design: str | None) -> bool:
    """False for designs that compare nothing themselves (narrative reviews, editorials, guidelines, ...)."""
    info = DESIGN.get(design or "")
    return info.comparative if info else True


def is_secondary(design: str | None) -> bool:
    """A design about other studies or practice, not about subjects (reviews, editorials, guidelines)."""
    info = DESIGN.get(design or "")
    return bool(info and info.secondary)


def design_rank(design: str | None) -> int:
    info = DESIGN.get(design or "")
    return info.rank if info else UNRANKED


def design_weight(design: str | None) -> float:
    info = DESIGN.get(design or "")
    return info.weight if info else 0.0


def design_name(design: str, n: int = 1) -> str:
    """How a sentence names ``n`` studies of ``design``: "randomised controlled trials", "meta-analyses"."""
    info = DESIGN.get(design)
    name = (info.display if info else None) or design
    if n != 1 and not name.endswith("series"):
        if name.endswith("y") and not name.endswith("ey"):
            name = name[:-1] + "ies"
        elif name.endswith("is"):
            name = name[:-2] + "es"
        else:
            name += "s"
    return name


# ---------------------------------------------------------------------------- directions

#: Effect direction of an intervention against its comparator, from the patient's point of view.
Direction = Literal["better", "worse", "no difference", "mixed", "unclear"]
DIRECTIONS: tuple[str, ...] = get_args(Direction)
#: The same result read from the comparator's side (a head-to-head study seen from the other drug).
FLIPPED_DIRECTION: dict[str, str] = {"better": "worse", "worse": "better"}
RawDirection = Literal["increased", "decreased", "no difference"]

# ---------------------------------------------------------------------------- verdicts and certainty

Verdict = Literal[
    "effective",
    "probably effective",
    "mixed/uncertain",
    "probably ineffective",
    "ineffective",
    "insufficient evidence",
]
VERDICTS: tuple[str, ...] = get_args(Verdict)
NO_VERDICT: Verdict = "insufficient evidence"

Certainty = Literal["high", "moderate", "low", "very low"]
CERTAINTIES: tuple[str, ...] = get_args(Certainty)
#: GRADE level (4 = high ... 1 = very low) -> certainty word.
CERTAINTY_BY_LEVEL: dict[int, Certainty] = {4: "high", 3: "moderate", 2: "low", 1: "very low"}

# ---------------------------------------------------------------------------- regulatory

RegulatoryStatus = Literal["on-label", "off-label", "recommended", "not recommended", "no position found"]
REGULATORY_STATUSES: tuple[str, ...] = get_args(RegulatoryStatus)
NO_POSITION: RegulatoryStatus = "no position found"
#: Which narrower-condition position a summary row cites first (most cautious first).
STATUS_SEVERITY: tuple[str, ...] = ("not recommended", "off-label", "recommended", "on-label", "no position found")

JurisdictionName = Literal["US FDA", "UK NICE/NHS", "EU EMA"]


@dataclass(frozen=True)
class Jurisdiction:
    """A regulator or guideline body whose position on a use the brief reports."""

    name: str  # the JSON value ("US FDA")
    mentions: re.Pattern[str]  # words in an article that name it ("FDA", "Food and Drug Administration")
    label_based: bool = False  # its position comes from the drug label (on-label / off-label)
    hosts: tuple[str, ...] = ()  # its own web sites: the pages a pack fact about it may cite (never a copy)
    bodies: re.Pattern[str] | None = None  # names of the body itself: a sentence naming one is a regulatory claim


#: Every jurisdiction, in the order briefs list them. Positions come from the pack (``positions`` with this
#: ``jurisdiction``); adding one (say "Health Canada") is one entry here (and in ``JurisdictionName``) plus its
#: positions in the pack data: briefs list its rows, the pack accepts its sites, the audit reads its claims.
JURISDICTIONS: dict[str, Jurisdiction] = {
    "US FDA": Jurisdiction("US FDA", re.compile(r"\b(FDA|Food and Drug Administration|United States|American)\b",
                                                re.I), label_based=True,
                           hosts=("dailymed.nlm.nih.gov", "www.accessdata.fda.gov", "www.fda.gov"),
                           bodies=re.compile(r"\b(FDA|Food and Drug Administration)\b", re.I)),
    "UK NICE/NHS": Jurisdiction("UK NICE/NHS", re.compile(
        r"\b(NHS|NICE|National Health Service|UK|United Kingdom|British)\b", re.I),
        hosts=("www.nice.org.uk", "cks.nice.org.uk", "www.nhs.uk", "www.gov.uk"),  # NICE, NHS, MHRA (gov.uk)
        bodies=re.compile(r"\b(NICE|NHS|National Health Service|MHRA)\b", re.I)),
    "EU EMA": Jurisdiction("EU EMA", re.compile(r"\b(EMA|European Medicines Agency|EU|European)\b", re.I),
                           hosts=("www.ema.europa.eu",),
                           bodies=re.compile(r"\b(EMA|European Medicines Agency)\b", re.I)),
}
#: The jurisdiction a claim is judged against when it names none.
DEFAULT_JURISDICTION = "US FDA"
#: The one whose label facts (indications, boxed warnings) the pack and the store hold.
LABEL_JURISDICTION = "US FDA"
#: The one whose position the pack records as a free-text note (``eu_note``) when it has no per-use position.
NOTE_JURISDICTION = "EU EMA"


def jurisdictions_named(text: str) -> list[str]:
    """The jurisdictions an article sentence names, in table order."""
    return [j.name for j in JURISDICTIONS.values() if j.mentions.search(text)]


def names_regulator(text: str) -> bool:
    """Whether ``text`` names a regulator or guideline body of the table (the FDA, NICE, the EMA, ...)."""
    return any(j.bodies is not None and j.bodies.search(text) for j in JURISDICTIONS.values())


def regulatory_hosts() -> frozenset[str]:
    """The web sites regulatory facts may cite: every jurisdiction's own ``hosts``."""
    return frozenset(h for j in JURISDICTIONS.values() for h in j.hosts)


def check_jurisdiction(name: str) -> str:
    """``name`` when it is a jurisdiction of the table (ValueError otherwise): the pack's validator."""
    if name not in JURISDICTIONS:
        raise ValueError(f"unknown jurisdiction {name!r}; known: {', '.join(JURISDICTIONS)} (rxevidence.domain)")
    return name


# ---------------------------------------------------------------------------- audit

AuditVerdict = Literal["supported", "partly supported", "contradicted", "unverifiable"]


@dataclass(frozen=True)
class AuditVerdictInfo:
    """How an audit verdict is shown: the terminal's icon and rich style (the web's ``v-<word>`` CSS class
    follows from the word)."""

    icon: str
    style: str


#: Every audit verdict, in the order the audit page lists them. A new word is one entry here (and in
#: ``AuditVerdict``) plus the judge that returns it (``rxevidence/audit/judges/``).
AUDIT_VERDICT: dict[str, AuditVerdictInfo] = {
    "supported": AuditVerdictInfo("✔", "green"),
    "partly supported": AuditVerdictInfo("◐", "yellow"),
    "contradicted": AuditVerdictInfo("✘", "bold red"),
    "unverifiable": AuditVerdictInfo("?", "dim"),
}
AUDIT_VERDICTS: tuple[str, ...] = get_args(AuditVerdict)
SUPPORTED: AuditVerdict = "supported"
PARTLY_SUPPORTED: AuditVerdict = "partly supported"
CONTRADICTED: AuditVerdict = "contradicted"
UNVERIFIABLE: AuditVerdict = "unverifiable"

# ---------------------------------------------------------------------------- pain dimensions

PainDimension = Literal["intensity", "unpleasantness", "threshold", "tolerance", "relief", "function", "sleep",
                        "other"]


@dataclass(frozen=True)
class PainDimensionInfo:
    label: str  # the matrix row's outcome words
    aspect: Literal["sensory", "affective"] | None = None  # which side of pain perception it measures


PAIN_DIMENSION: dict[str, PainDimensionInfo] = {
    "intensity": PainDimensionInfo("pain intensity", "sensory"),
    "unpleasantness": PainDimensionInfo("pain unpleasantness (affective)", "affective"),
    "threshold": PainDimensionInfo("pain threshold", "sensory"),
    "tolerance": PainDimensionInfo("pain tolerance", "sensory"),
    "relief": PainDimensionInfo("pain relief"),
    "function": PainDimensionInfo("function / disability"),
    "sleep": PainDimensionInfo("sleep"),
    "other": PainDimensionInfo("other outcomes"),
}
PAIN_DIMENSIONS: tuple[str, ...] = get_args(PainDimension)
MAIN_OUTCOME = "main outcome"  # the matrix row of a study without outcome dimensions


def dimension_label(dim: str | None) -> str:
    """The matrix row words for a pain dimension (``None``: the study's main outcome)."""
    if dim is None:
        return MAIN_OUTCOME
    info = PAIN_DIMENSION.get(dim)
    return info.label if info else dim


# ---------------------------------------------------------------------------- study kinds, roles, comparators

#: What a record is, as evidence about a drug (see appraise.kind). Only "efficacy" (and secondary analyses and
#: extensions of efficacy trials) answer "does it work".
StudyKind = Literal[
    "efficacy", "safety", "pharmacokinetics", "mechanism", "methods", "diagnosis", "economics",
    "narrative review", "guideline", "protocol", "secondary analysis", "extension", "other", "unclear",
]
STUDY_KINDS: tuple[str, ...] = get_args(StudyKind)
#: Who was studied.
PopulationKind = Literal["patients", "healthy volunteers", "animals", "in vitro", "unclear"]
#: The part a drug plays in a study: what is tested, what it is tested against, what every arm gets anyway,
#: what may be taken when the treatment fails.
DrugRoleName = Literal["studied", "comparator", "background", "rescue"]
#: What the studied drug is compared with: placebo (or sham, vehicle), no treatment (usual care, waiting list,
#: open control), another active drug, another dose or formulation of the same drug, the same background therapy
#: without the drug (add-on), nothing (single-arm, before-after).
ComparatorType = Literal["placebo", "no treatment", "active", "dose", "add-on", "uncontrolled", "unclear"]
COMPARATOR_TYPES: tuple[str, ...] = get_args(ComparatorType)

# ---------------------------------------------------------------------------- records and appraisers

RecordKind = Literal["article", "label", "approval", "trial"]
RECORD_KINDS: tuple[str, ...] = get_args(RecordKind)
Appraiser = Literal["automatic", "curated"]
CURATED: Appraiser = "curated"
AUTOMATIC: Appraiser = "automatic"


def _check() -> None:
    """Each table has exactly the values of its type (run at import: a missed entry fails loudly)."""
    pairs: list[tuple[Any, Collection[str]]] = [
        (Design, DESIGN), (JurisdictionName, JURISDICTIONS), (PainDimension, PAIN_DIMENSION),
        (AuditVerdict, AUDIT_VERDICT)]
    for lit, table in pairs:
        if set(get_args(lit)) != set(table):
            raise AssertionError(f"domain table out of step with its type: {sorted(set(get_args(lit)) ^ set(table))}")
    if set(STATUS_SEVERITY) != set(REGULATORY_STATUSES) or set(CERTAINTY_BY_LEVEL.values()) != set(CERTAINTIES):
        raise AssertionError("domain: status or certainty table out of step with its type")


_check()
