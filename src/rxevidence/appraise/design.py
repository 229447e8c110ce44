"""Study design: from PublicationType and MeSH when present, from the text when not.

Three paths, tried in order:

1. **Registry** (trial records): allocation / study type / intervention model.
2. **Metadata** (MEDLINE): PublicationType, then MeSH check tags ("Animals" without "Humans",
   "Cross-Over Studies", "Cohort Studies", ...). The text may still refine it (crossover, an
   experimental pain model in healthy volunteers).
3. **Text** (CSV imports, RIS, records without PublicationType): rules over title and abstract;
   :func:`rct_score` is a hand-weighted logistic score of randomisation cues (no training data:
   the weights follow the Cochrane highly sensitive search strategy's terms).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Protocol

from ..domain import is_secondary
from ..models import Record
from .text import Gated
from .text import rx as _rx


@dataclass(frozen=True)
class DesignResult:
    design: str
    detail: str | None = None  # "parallel", "crossover", "network meta-analysis", ...
    source: str | None = None  # "publication-type", "mesh", "text", "registry"
    confidence: float | None = None


# ------------------------------------------------------------------ metadata
# PublicationType -> design, best evidence first (first match wins).
PUBTYPE_DESIGNS: tuple[tuple[str, str], ...] = (
    ("retraction of publication", "editorial"),
    ("published erratum", "editorial"),
    ("network meta-analysis", "meta-analysis"),
    ("meta-analysis", "meta-analysis"),
    ("systematic review", "systematic review"),
    ("practice guideline", "guideline"),
    ("guideline", "guideline"),
    ("consensus development conference", "guideline"),
    ("randomized controlled trial", "rct"),
    ("pragmatic clinical trial", "rct"),
    ("equivalence trial", "rct"),
    ("controlled clinical trial", "non-randomised trial"),
    ("clinical trial, phase i", "non-randomised trial"),
    ("clinical trial, phase ii", "non-randomised trial"),
    ("clinical trial, phase iii", "non-randomised trial"),
    ("clinical trial, phase iv", "non-randomised trial"),
    ("clinical trial", "non-randomised trial"),
    ("observational study", "cohort"),
    ("case reports", "case report"),
    ("review", "narrative review"),
    ("editorial", "editorial"),
    ("letter", "editorial"),
    ("comment", "editorial"),
    ("news", "editorial"),
    ("newspaper article", "editorial"),
    ("biography", "other"),
    ("clinical trial protocol", "trial registration"),
)
# MeSH check tags / study-type headings -> design (when PublicationType says no more than "Journal Article")
MESH_DESIGNS: tuple[tuple[str, str], ...] = (
    ("random allocation", "rct"),
    ("cross-over studies", "rct"),
    ("case-control studies", "case-control"),
    ("cross-sectional studies", "cross-sectional"),
    ("cohort studies", "cohort"),
    ("prospective studies", "cohort"),
    ("longitudinal studies", "cohort"),
    ("retrospective studies", "cohort"),
    ("follow-up studies", "cohort"),
    ("in vitro techniques", "in vitro"),
)
_CLINICAL_TRIAL_PTS = ("clinical trial",)

# ------------------------------------------------------------------ text cues
RANDOM_RE = Gated(_rx(
    r"\b(?<!non-)(?<!non)(?<!quasi-)(?<!un)(?:randomi[sz]ed|randomi[sz]ation|randomly\s+(?:assigned|allocated|divided|"
    r"selected\s+to\s+receive|received)|random\s+(?:allocation|assignment)|were\s+randomi[sz]ed|rct)\b"
), 'random', 'rct')
RANDOM_TITLE_RE = Gated(_rx(r"\b(?<!non-)(?<!non)randomi[sz]ed\b|\brandomised\b|\brct\b"), 'random', 'rct')
NON_RANDOM_RE = Gated(_rx(r"\bnon-?randomi[sz]ed|\bquasi-?randomi[sz]ed|\bnot\s+randomi[sz]ed|\bunrandomi[sz]ed"), 'random')
BLIND_RE = Gated(_rx(r"\b(?:double|single|triple|observer|investigator|assessor)[-\s](?:blind(?:ed)?|mask(?:ed)?)\b|\bblinded\b|\bdouble-dummy\b"), 'blind', 'mask', 'dummy')
PLACEBO_RE = Gated(_rx(r"\bplacebo\b|\bsham\b|\bdummy\b"), 'placebo', 'sham', 'dummy')
CONTROLLED_TRIAL_RE = Gated(_rx(r"\bcontrolled\s+(?:clinical\s+)?(?:trial|study)\b|\bcomparative\s+trial\b"), 'controlled', 'comparative')
TRIAL_RE = Gated(_rx(r"\btrial\b"), 'trial')
GROUPS_RE = Gated(_rx(r"\b(?:two|three|four|2|3|4)\s+(?:treatment\s+)?(?:groups|arms)\b|\bparallel[-\s]group\b|\bversus\b|\bvs\.?\s"), 'group', 'arms', 'versus', 'vs')
CROSSOVER_RE = Gated(_rx(r"\bcross-?over\b|\blatin\s+square\b"), 'cross', 'latin')
META_RE = Gated(_rx(r"\bmeta-?analys[ie]s\b|\bmeta-?regression\b|\bpooled\s+analysis\b"), 'meta', 'pooled')
NETWORK_META_RE = Gated(_rx(r"\bnetwork\s+meta-?analys[ie]s\b|\bmixed\s+treatment\s+comparison"), 'network', 'mixed')
SR_RE = Gated(_rx(
    r"\bsystematic(?:ally)?\s+(?:review|search|literature|overview)|\bcochrane\s+review\b|"
    r"\b(?:searched|search\s+of)\s+(?:the\s+)?(?:medline|embase|pubmed|cochrane|cinahl|psycinfo|electronic\s+databases)"
), 'systematic', 'cochrane', 'search')
GUIDELINE_RE = Gated(_rx(r"\bguidelines?\b|\bconsensus\s+(?:statement|recommendations?|conference)\b|\bposition\s+statement\b|\bpractice\s+parameter\b"), 'guideline', 'consensus', 'position', 'parameter')
REVIEW_TITLE_RE = _rx(r"\breview\b|\boverview\b|\bupdate\s+on\b|\bcurrent\s+concepts\b|\badvances\s+in\b|\brole\s+of\b.*\?$|:\s*an?\s+update\b")
# narrative-review wording used only to name a design (not in the RCT score)
NARRATIVE_CUES_RE = Gated(_rx(
    r"\brecent\s+(?:studies|advances|developments|evidence|findings|data)\b|\bin\s+the\s+(?:past|last)\s+(?:\d+|two|three|few|several)\s+(?:years|decades)\b|"
    r"\bthis\s+(?:paper|article|chapter)\s+(?:discusses|describes|summari[sz]es|reviews|outlines)\b|\bwe\s+discuss\b|\bis\s+indicated\s+for\b|\b(?:are|is)\s+discussed\b"
), "recent", "past", "last", "paper", "article", "chapter", "discuss", "indicated")
REVIEW_TEXT_RE = Gated(_rx(r"\b(?:this|we|the\s+present)\s+(?:article\s+)?reviews?\b|\bin\s+this\s+review\b|\bis\s+reviewed\b|\bare\s+reviewed\b|\bwe\s+summari[sz]e\b|\bliterature\s+review\b|\breview\s+of\s+the\s+literature\b"), 'review', 'summari')
CASE_REPORT_RE = Gated(_rx(
    r"\bcase\s+report\b|\bwe\s+(?:report|describe|present)\s+(?:a|an|the|two|three)\s+(?:\w+\s+){0,3}(?:cases?|patients?|boys?|girls?|man|woman|infants?)\b|"
    r"\ba\s+\d{1,3}-year-old\s+(?:\w+\s+)?(?:man|woman|boy|girl|male|female|patient)\b|\bcase\s+presentation\b"
), 'case', 'report', 'describe', 'present', 'year-old')
CASE_SERIES_RE = Gated(_rx(r"\bcase\s+series\b|\bretrospective(?:ly)?\s+(?:review|analysis)\s+of\s+(?:the\s+)?(?:medical\s+)?(?:records|charts|cases)\b|\bchart\s+review\b|\bconsecutive\s+(?:patients|cases)\b"), 'case', 'retrospective', 'chart', 'consecutive')
COHORT_RE = Gated(_rx(r"\bcohort\b|\bprospective(?:ly)?\s+(?:followed|observational|study)|\bfollowed\s+up\s+for\b|\bregistry\b|\bpopulation-based\b|\blongitudinal\s+study\b|\bretrospective\s+(?:study|analysis)\b|\bclaims\s+data\b|\bdatabase\s+study\b"), 'cohort', 'prospective', 'followed', 'registry', 'population', 'longitudinal', 'retrospective', 'claims', 'database')
CASE_CONTROL_RE = Gated(_rx(r"\bcase[-\s]control\b|\bmatched\s+controls\b"), 'case', 'matched')
CROSS_SECTIONAL_RE = Gated(_rx(r"\bcross-?sectional\b|\bsurvey\b|\bquestionnaire\s+study\b|\bprevalence\s+study\b"), 'cross', 'survey', 'questionnaire', 'prevalence')
SURVEY_CUES_RE = Gated(_rx(r"\bquestionnaire-?based\b|\bself-?reported\b|\bstructured\s+interviews?\b|\btelephone\s+interviews?\b|\brespondents\b"),
                       "questionnaire", "self", "interview", "respondents")
PHARMACOLOGY_RE = Gated(_rx(
    r"\bhealthy\s+(?:\w+\s+){0,2}(?:volunteers|subjects)\b|\bplacebo-?controlled\b|\bcross-?over\b|\bpharmacokinetic|\bbioavailability\b|"
    r"\binteraction\s+(?:study|between)\b|\bsingle\s+(?:oral\s+)?doses?\b|\bsubjects\s+received\b|\bpatients\s+received\b"
), "healthy", "placebo", "cross", "pharmacokinetic", "bioavailab", "interaction", "single", "received")
NRT_RE = Gated(_rx(r"\bopen-?label\b|\bsingle-?arm\b|\bphase\s+(?:i|ii|1|2|i/ii)\b(?!i)|\buncontrolled\b|\bpilot\s+study\b|\bnon-?comparative\b|\bpatients\s+(?:were|received)\s+treated\b|\bwere\s+treated\s+with\b|\bopen\s+(?:study|trial)\b"), 'open', 'single', 'phase', 'uncontrolled', 'pilot', 'comparative', 'treated')
CONTROL_GROUP_RE = Gated(_rx(r"\bcontrol\s+(?:group|arm)s?\b"), "control")
ARM_GROUP_RE = Gated(_rx(r"\b(?:study|intervention|treatment|treated|experimental|active)\s+(?:group|arm)s?\b"), "group", "arm")
TRIAL_WORDS_RE = Gated(_rx(r"\btrial\b|\befficacy\b|\bpatients\s+received\b|\btreated\s+with\b|\badministered\b"), 'trial', 'efficacy', 'received', 'treated', 'administered')
class _AnimalWords:
    """Animal words that name the studied subjects, not a drug's source ("conjugated equine estrogens",
    "porcine insulin"); a cheap keyword check first (bulk appraisal reads every abstract)."""

    pattern = _rx(
        r"\b(?:rats?|mice|mouse|murine|rodents?|dogs?|canine|cats?|feline|rabbits?|guinea\s+pigs?|hamsters?|monkeys?|"
        r"primates?|macaques?|pigs?|piglets?|swine|porcine|sheep|ovine|horses?|equine|cattle|bovine|calves|"
        r"zebrafish|drosophila|c\.\s*elegans|sprague[-\s]dawley|wistar|knockout)\b"
    )
    _source = _rx(r"\s+(?:estrogens?|oestrogens?|insulin|surfactant|collagen|serum|albumin|thrombin|heparin|"
                  r"pericardi\w+|valves?|lung|growth|gelatin|calcitonin|derived)\b")
    keys = (" rat", "rats", "mice", "mouse", "murine", "rodent", " dog", "canine", " cat ", " cats", "feline", "rabbit",
            "guinea", "hamster", "monkey", "primate", "macaque", " pig", "swine", "porcine", "sheep", "ovine", "horse",
            "equine", "cattle", "calves", "zebrafish", "drosophila", "elegans", "sprague", "wistar", "knockout")

    def search(self, text: str) -> re.Match[str] | None:
        low = " " + text.lower()
        if not any(k in low for k in self.keys):
            return None
        for m in self.pattern.finditer(text):
            if not self._source.match(text, m.end()):
                return m
        return None


ANIMAL_RE = _AnimalWords()
HUMAN_RE = _rx(r"\b(?:patients?|participants?|volunteers?|subjects|women|men|children|adults?|adolescents?|infants?|persons|people|outpatients|inpatients|healthy\s+individuals)\b")
IN_VITRO_RE = Gated(_rx(r"\bin\s+vitro\b|\bcell\s+lines?\b|\bcultured\s+(?:\w+\s+)?cells\b|\bcell\s+cultures?\b|\bhek\s*293\b|\bxenopus\s+oocytes\b"), 'vitro', 'cell', 'hek', 'oocyte')
HEALTHY_RE = Gated(_rx(r"\bhealthy\s+(?:\w+\s+){0,2}(?:volunteers?|subjects|participants|individuals|adults|men|women|males|females)\b|\bnormal\s+volunteers\b|\bpain-?free\s+(?:volunteers|subjects)\b"), 'healthy', 'normal', 'free')
EXP_PAIN_RE = Gated(_rx(
    r"\bcold\s+pressor\b|\btourniquet\b|\bheat\s+pain\b|\bthermal\s+pain\b|\bexperimental(?:ly)?\s+(?:induced\s+)?pain\b|"
    r"\bpain\s+(?:threshold|tolerance)s?\b|\bischemic\s+pain\b|\bischaemic\s+pain\b|\bpressure\s+pain\b|\bcapsaicin[-\s]induced\b|"
    r"\bhyperalgesia\s+model\b|\bpain\s+model\b|\bnociceptive\s+(?:stimul|reflex)\w*\b|\belectrical(?:ly)?\s+(?:induced\s+)?pain\b|\bquantitative\s+sensory\s+testing\b"
), 'pain', 'pressor', 'tourniquet', 'hyperalgesia', 'nocicept', 'sensory')
PROTOCOL_RE = Gated(_rx(r"\bstudy\s+protocol\b|\btrial\s+protocol\b|\bdesign\s+and\s+rationale\b|\bprotocol\s+for\s+a\b|\brationale\s+and\s+design\b"), 'protocol', 'rationale')
PHARMACOKINETIC_RE = Gated(_rx(r"\bpharmacokinetic|\bbioavailability\b|\bbioequivalen"), 'pharmacokinetic', 'bioavailab', 'bioequival')

class _Searcher(Protocol):
    """A pattern, a Gated pattern or a word matcher: anything with ``search(text)``."""

    def search(self, text: str, /) -> re.Match[str] | None: ...


# hand-set weights of the RCT score (log-odds); no training data was used
_RCT_WEIGHTS: tuple[tuple[_Searcher, float, str], ...] = (
    (RANDOM_RE, 4.0, "text"),
    (BLIND_RE, 1.5, "text"),
    (PLACEBO_RE, 1.2, "text"),
    (CONTROLLED_TRIAL_RE, 1.0, "text"),
    (TRIAL_RE, 0.6, "text"),
    (GROUPS_RE, 0.4, "text"),
    (CROSSOVER_RE, 0.8, "text"),
    (NON_RANDOM_RE, -3.5, "text"),
    (META_RE, -4.0, "text"),
    (SR_RE, -3.0, "text"),
    (PROTOCOL_RE, -2.0, "text"),
    (CASE_REPORT_RE, -2.0, "text"),
    (ANIMAL_RE, -1.5, "text"),
    (IN_VITRO_RE, -1.5, "text"),
    (COHORT_RE, -1.0, "text"),
    (CASE_CONTROL_RE, -1.5, "text"),
    (CROSS_SECTIONAL_RE, -1.0, "text"),
    (REVIEW_TEXT_RE, -1.5, "text"),
    (RANDOM_TITLE_RE, 1.5, "title"),
    (REVIEW_TITLE_RE, -1.5, "title"),
)
_RCT_BIAS = -3.0


def rct_score(title: str | None, abstract: str | None) -> float:
    """Probability-like score (0..1) that a title+abstract reports a randomised trial.

    Uses only the words (no PublicationType, no MeSH), so it also serves records without
    metadata. Hand-weighted logistic score; see ``bench/rct.py`` for its AUROC.
    """
    title = title or ""
    text = f"{title}\n{abstract or ''}"
    z = _RCT_BIAS
    for rx, w, where in _RCT_WEIGHTS:
        if rx.search(title if where == "title" else text):
            z += w
    if not abstract:
        z -= 0.5
    return 1.0 / (1.0 + math.exp(-z))


# ------------------------------------------------------------------ the three paths


def _pubtypes(record: Record) -> list[str]:
    return [p.strip().lower() for p in record.publication_types if p]


def _mesh(record: Record) -> set[str]:
    return {m.descriptor.strip().lower() for m in record.mesh}


def is_animal_only_mesh(record: Record) -> bool:
    mesh = _mesh(record)
    return "animals" in mesh and "humans" not in mesh


def _text_detail(text: str, design: str) -> str | None:
    if design == "rct":
        return "crossover" if CROSSOVER_RE.search(text) else "parallel"
    if design == "meta-analysis" and NETWORK_META_RE.search(text):
        return "network meta-analysis"
    return None


def is_experimental_pain_model(text: str, record: Record | None = None) -> bool:
    """Pain induced on purpose in healthy volunteers (cold pressor, heat, tourniquet, thresholds...)."""
    healthy = bool(HEALTHY_RE.search(text)) or (
        record is not None and "healthy volunteers" in _mesh(record)
    )
    return healthy and bool(EXP_PAIN_RE.search(text))


def design_from_metadata(record: Record, text: str) -> DesignResult | None:
    """Design from PublicationType / MeSH, or None when the metadata says nothing specific."""
    pts = _pubtypes(record)
    mesh = _mesh(record)
    design: str | None = None
    source = "publication-type"
    for pt_name, d in PUBTYPE_DESIGNS:
        if pt_name in pts:
            design = d
            break
    if design == "narrative review" and (META_RE.search(text) or SR_RE.search(text)):
        design = "meta-analysis" if META_RE.search(text) else "systematic review"
    if design in ("non-randomised trial",) and RANDOM_RE.search(text) and not NON_RANDOM_RE.search(text):
        design = "rct"  # "Clinical Trial" + randomised in the text; MEDLINE indexes many RCTs so
    if design is None:
        for mesh_name, d in MESH_DESIGNS:
            if mesh_name in mesh:
                design, source = d, "mesh"
                break
    if "animals" in mesh and "humans" not in mesh and not is_secondary(design):
        design, source = "animal", "mesh"
    if design is None:
        return None
    if design in ("rct", "non-randomised trial", "other", "cohort") and is_experimental_pain_model(text, record):
        return DesignResult("experimental pain model", _text_detail(text, "rct") if design == "rct" else None,
                            source, 0.9)
    detail = _text_detail(text, design)
    if design == "rct" and "cross-over studies" in mesh:
        detail = "crossover"
    return DesignResult(design, detail, source, 0.95 if source == "publication-type" else 0.85)


def design_from_text(title: str | None, abstract: str | None) -> DesignResult:
    """Design from the words alone (records without PublicationType)."""
    title = title or ""
    abstract = abstract or ""
    text = f"{title}\n{abstract}"

    def res(design: str, conf: float) -> DesignResult:
        return DesignResult(design, _text_detail(text, design), "text", round(conf, 3))

    if not abstract.strip():
        if re.search(r"^\s*(?:re:|letter|comment|editorial|reply|erratum|correction)", title, re.I):
            return res("editorial", 0.7)
    if NETWORK_META_RE.search(text) or META_RE.search(title) or (META_RE.search(abstract) and SR_RE.search(text)):
        return res("meta-analysis", 0.9)
    if META_RE.search(abstract) and re.search(r"\b(?:trials|studies)\b", abstract, re.I) and not RANDOM_RE.search(
        META_RE.sub("", abstract)
    ):
        return res("meta-analysis", 0.75)
    if SR_RE.search(text):
        return res("systematic review", 0.85)
    if re.search(r"\bguidelines?\b|\bconsensus\s+statement\b|\brecommendations\b", title, re.I) or (
        GUIDELINE_RE.search(abstract) and re.search(r"\brecommend", abstract, re.I) and not RANDOM_RE.search(text)
    ):
        if not RANDOM_RE.search(text):
            return res("guideline", 0.7)
    animal = bool(ANIMAL_RE.search(text)) and not re.search(r"\bpatients?\b|\bvolunteers?\b|\bparticipants\b", text, re.I)
    if animal:
        return res("animal", 0.85)
    if IN_VITRO_RE.search(text) and not HUMAN_RE.search(text):
        return res("in vitro", 0.75)
    score = rct_score(title, abstract)
    if is_experimental_pain_model(text):
        return res("experimental pain model", 0.85)
    if score >= 0.5:
        d = res("rct", score)
        return d
    if CASE_REPORT_RE.search(text) and not re.search(r"\b\d{2,}\s+(?:patients|cases)\b", text, re.I):
        return res("case report", 0.8)
    if CASE_CONTROL_RE.search(text):
        return res("case-control", 0.8)
    if CASE_SERIES_RE.search(text):
        return res("case series", 0.65)
    if COHORT_RE.search(text):
        return res("cohort", 0.7)
    if CROSS_SECTIONAL_RE.search(text):
        return res("cross-sectional", 0.7)
    if SURVEY_CUES_RE.search(text):
        return res("cross-sectional", 0.55)
    if REVIEW_TITLE_RE.search(title) or REVIEW_TEXT_RE.search(abstract) or NARRATIVE_CUES_RE.search(abstract):
        return res("narrative review", 0.6)
    if NRT_RE.search(text) or (score >= 0.2 and TRIAL_WORDS_RE.search(text)) or PHARMACOLOGY_RE.search(text) or (
            CONTROL_GROUP_RE.search(text) and (TRIAL_WORDS_RE.search(text) or ARM_GROUP_RE.search(text))):
        # "compared with women given calcium alone (control group)": a controlled study that assigned treatments
        return res("non-randomised trial", 0.5)
    return res("other", 0.3)


def _extra_get(extra: dict[str, Any], *keys: str) -> Any:
    """A value from trial ``extra`` by any of ``keys`` (case-insensitive), also one level down."""
    wanted = {k.lower() for k in keys}
    for k, v in extra.items():
        if k.lower() in wanted and v not in (None, "", []):
            return v
    for v in extra.values():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                if k2.lower() in wanted and v2 not in (None, "", []):
                    return v2
    return None


def design_from_registry(record: Record) -> DesignResult:
    """Design of a trial registration from its allocation / study type / model fields."""
    extra = record.extra
    allocation = str(_extra_get(extra, "allocation") or "").lower().replace("_", " ")
    study_type = str(_extra_get(extra, "study_type", "studytype", "type") or "").lower()
    model = str(_extra_get(extra, "intervention_model", "interventionmodel", "model") or "").lower()
    text = f"{record.title or ''}\n{record.abstract}"
    detail = "crossover" if "cross" in model else ("parallel" if "parallel" in model else None)
    if "observational" in study_type:
        obs = str(_extra_get(extra, "observational_model", "observationalmodel") or "").lower()
        design = "case-control" if "case" in obs and "control" in obs else "cohort"
        return DesignResult(design, None, "registry", 0.9)
    if allocation:
        if "non" in allocation:
            design = "non-randomised trial"
        elif "random" in allocation:
            design = "rct"
        else:  # "n/a": single group
            design = "non-randomised trial"
        if is_experimental_pain_model(text, record):
            design = "experimental pain model"
        return DesignResult(design, detail if design != "non-randomised trial" else detail, "registry", 0.95)
    if "single group" in model or "single_group" in model:
        return DesignResult("non-randomised trial", None, "registry", 0.85)
    # no structured design: read the registry text
    d = design_from_text(record.title, record.abstract)
    if d.design in ("rct", "non-randomised trial", "cohort", "experimental pain model"):
        return DesignResult(d.design, d.detail or detail, "registry", min(d.confidence or 0.5, 0.7))
    return DesignResult("non-randomised trial" if "interventional" in study_type else "trial registration",
                        detail, "registry", 0.4)


def classify_design(record: Record) -> DesignResult:
    """The design of any record (labels and approvals: "other")."""
    if record.kind == "trial":
        return design_from_registry(record)
    text = f"{record.title or ''}\n{record.abstract}"
    meta = design_from_metadata(record, text)
    if meta is not None:
        return meta
    return design_from_text(record.title, record.abstract)
