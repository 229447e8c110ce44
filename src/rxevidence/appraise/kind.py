"""What a record is as evidence about a drug: an efficacy study, or something else that must not be counted
as one (safety, pharmacokinetics, mechanism, methods, diagnosis, economics, a narrative review, a protocol),
or a secondary analysis / extension of a trial (linked to that trial when its name or NCT id is given).

The title says most ("Pharmacokinetics of ...", "Safety of ...", "Validity of the ... score", ": a post hoc
analysis of the X trial"), then the aim ("To assess the efficacy and safety ...", "To examine the relationship
between ..."), then the rest of the abstract (words that recur: AUC, Cmax, half-life; sensitivity and
specificity). Cues carry weights; the best-supported kind wins when its confidence reaches
:data:`MIN_CONFIDENCE`, otherwise the kind is "unclear". An efficacy question named next to a safety one
("efficacy and safety of X") makes an efficacy study.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..models import FieldSource
from .structure import AbstractView
from .text import MIN_CONFIDENCE
from .text import rx as _rx

EFFICACY_RE = _rx(
    r"\b(?:efficacy|effectiveness|efficacious|effective|benefits?|beneficial|improv\w+|relie[fv]\w*|treatment\s+of|"
    r"(?:in|for)\s+the\s+(?:acute\s+)?(?:treatment|management|prevention|prophylaxis|therapy)|prevent\w*|"
    r"response\s+rates?|remission|healing|eradicat\w+|reduc\w+\s+(?:the\s+)?(?:risk|mortality|symptoms|pain|"
    r"frequency|number)|outcomes?\s+(?:in|of|after)|(?<!cancer\s)mortality|survival|relapse|superior|"
    r"versus\s+placebo|placebo-controlled|symptoms?)\b"
)
# content: what the study is about. (kind, pattern, weight in the title, in the aim, per hit elsewhere)
CUES: tuple[tuple[str, re.Pattern[str], float, float, float], ...] = (
    ("pharmacokinetics", _rx(
        r"\bpharmacokinetic\w*|\bbioavailab\w+|\bbioequivalen\w+|\bplasma\s+(?:concentrations?|levels?|profiles?)\b|"
        r"\bdisposition\s+of\b|\babsorption\b|\bdrug[-\s](?:drug\s+)?interactions?\b|\binteractions?\s+(?:of|between|"
        r"with)\b|\bmetabolism\s+of\b|\bclearance\b|\bprotein\s+binding\b|\bpharmacogenetic\w*|\bcyp\d\w*\b|"
        r"\bpolymorphism\b"), 2.5, 2.0, 0.0),
    ("pharmacokinetics", _rx(r"\b(?:auc\w*|cmax|tmax|c\s*max|t\s*max|half-lives?|t1/2|elimination\s+half|"
                             r"area\s+under\s+the\s+(?:plasma\s+)?(?:concentration|curve))\b"), 0.0, 0.8, 0.5),
    ("safety", _rx(
        r"\bsafety\b|\bsafe\s+(?:alternative|to\s+use|in\b)|\btolerability\b|\btoxicit\w+|\badverse\s+(?:events?|effects?|reactions?|drug\s+reactions?)\b|"
        r"\bside[-\s]effects?\b|\bharms?\b|\brisks?\s+of\b|\bcomplications?\b|\b\w+-?induced\b|\bhepatotoxic\w*|"
        r"\bnephrotoxic\w*|\bcardiotoxic\w*|\bpharmacovigilance\b|\bpost-?marketing\b|\bsurveillance\b|\boverdos\w+|"
        r"\bpoisoning\b|\babuse\b|\bdependence\b|\bwithdrawal\s+(?:symptoms|syndrome|reactions)\b|\bdriving\b|"
        r"\bpsychomotor\b|\bcognitive\s+(?:function|performance|impairment)\b|(?<!procedural\s)(?<!conscious\s)(?<!for\s)\bsedati(?!on\s+(?:for|during|in)\b)\w+|\bulcers?\b|\bbleeding\b|"
        r"\bqt\s+(?:interval|prolongation)\b|\btorsade\w*|\bteratogen\w*|\bpregnancy\s+outcomes?\b|\bbirth\s+defects?\b|"
        r"\bmalformations?\b|\bweight\s+gain\b|\bextrapyramidal\b|\bdyskinesi\w+|\bcancer\s+(?:risk|incidence|"
        r"mortality)|(?<!for\s)(?<!in\s)(?<!with\s)(?<!of\s)(?<!adjuvant\s)\b(?:breast|ovarian|endometrial)\s+cancer\b(?!\s+(?:patients|survivors))|\bthromboembolism\b|\brespiratory\s+depression\b|"
        r"\b(?:rates?|incidence|risk|frequency)\s+(?:of\s+[\w-]+\s+){0,2}associated\s+with\b|\bassociated\s+with\s+"
        r"(?:the\s+)?(?:use\s+of|exposure\s+to)\b|\bassociation\s+between\s+(?:[\w-]+\s+){0,3}(?:use|exposure|therapy|"
        r"treatment)\s+and\b|\bhypoglyc[a]?emi(?:a|c\s+(?:episodes?|events?|reactions?|attacks?))\b|\bhypotension\b|\bcardiovascular\s+(?:events|risk|safety)\b"),
     1.6, 1.2, 0.15),
    ("methods", _rx(
        r"\bvalidit\w+|\bvalidation\b|\bvalidated\b|\breliabilit\w+|\bresponsiveness\b|\bpsychometric\w*|"
        r"\b(?:questionnaire|instrument|scale|index|score|measure)\s+(?:development|construction|properties)\b|"
        r"\bmethodolog\w+|\bstatistical\s+(?:methods?|analysis|approach|issues)\b|\bsample\s+size\b|\b(?:computer|statistical|monte\s+carlo)\s+simulations?\b|\bsimulation\s+stud\w+|"
        r"\btesting\s+for\b|\bnoninferiority\s+(?:trials|studies|margin)\b|\bstudy\s+design\s+issues\b|"
        r"\bplacebo\s+response\b|\bmoderators?\s+of\b|\bmeasurement\s+of\b|\bassessment\s+(?:tool|instrument|method)|"
        r"\btrial\s+design\b|\bend\s*points?\s+in\b|\b(?:is|was|are)\s+(?:both\s+)?(?:reliable|valid)\b|"
        r"\b(?:reliable|valid)\s+and\s+(?:reliable|valid)\b|\bbehavioral\s+(?:measure|assessment)\b"),
     2.2, 1.8, 0.4),
    ("diagnosis", _rx(
        r"\bdiagnostic\s+(?:accuracy|value|test|performance|utility)\b|\bsensitivity\s+and\s+specificity\b|"
        r"\bpredictive\s+value\b|\breceiver\s+operating\b|\bscreening\s+(?:test|tool|instrument)\b|"
        r"\bdetection\s+of\b|\bdiagnos(?:is|ing)\s+of\b"), 1.8, 1.5, 0.3),
    ("economics", _rx(
        r"\bcost[-\s]?(?:effectiveness|utility|benefit|minimi[sz]ation|analysis|analyses|savings?|of\s+illness)\b|"
        r"\beconomic\w*\b|\bbudget\s+impact\b|\bpharmacoeconomic\w*|\bcosts?\b|\bresource\s+(?:use|utili[sz]ation)\b|"
        r"\bquality-adjusted\b|\bqalys?\b|\bprescribing\s+(?:patterns|costs)\b|\bdrug\s+utili[sz]ation\b"),
     2.0, 1.5, 0.2),
    ("mechanism", _rx(
        r"\bin\s+vitro\b|\bisolated\s+(?:human\s+)?\w+\s+(?:tissue|muscle|strips|preparations|cells)|\bmuscle\s+bath\b|"
        r"\bcell\s+(?:lines?|cultures?)\b|\breceptor\s+(?:binding|occupancy)\b|\bendothelial\s+(?:function|dysfunction|"
        r"activation)\b|\b(?:cerebral|forearm|coronary|renal|skin)\s+blood\s+flow\b|\bvascular\s+resistance\b|\beeg\b|"
        r"\belectroencephalogra\w+|\bevent-related\s+potentials?\b|\bevoked\s+potentials?\b|\bphotic\s+driving\b|"
        r"\brefractory\s+period\w*|\brefractoriness\b|\belectrophysiolog\w+|\bviscosity\b|\badhesion\s+molecules?\b|\bcytokines?\b|"
        r"\boxidative\s+stress\b|\bvasoneuronal\b|\bplatelet\s+aggregation\b|\bmechanisms?\s+of\s+action\b"),
     2.6, 1.8, 0.3),
    ("mechanism", _rx(r"\bhaemodynamic\w*|\bhemodynamic\w*|\bvasoconstrict\w+|\bvasodilat\w+|\bneuroendocrine\b|"
                      r"\bblood\s+flow\b"), 1.2, 1.0, 0.2),
)
# form: what kind of report it is, whatever its content
FORM_CUES: tuple[tuple[str, re.Pattern[str], float, float, float], ...] = (
    ("protocol", _rx(
        r"\bstudy\s+protocol\b|\btrial\s+protocol\b|\b(?:rationale|design)\s+(?:and|&)\s+(?:design|rationale|methods)\b|"
        r"\bprotocol\s+for\s+a\b|\bdesign\s+of\s+(?:the|a)\s+(?:[\w-]+\s+){0,4}(?:trial|study)\b|\bwill\s+be\s+"
        r"(?:randomi[sz]ed|enrolled|recruited|assigned|followed|treated|compared)\b|\bare\s+being\s+(?:enrolled|recruited|"
        r"randomi[sz]ed)\b|\bis\s+(?:designed|planned)\s+to\b|\bbaseline\s+characteristics\s+of\b"), 3.0, 1.5, 1.0),
    ("secondary analysis", _rx(
        r"\bsecondary\s+analys[ie]s\b|\bre-?analys[ie]s\b|\breanaly[sz]ed\b|\bretrospective\s+"
        r"analysis\s+of\s+(?:the\s+)?data\b|\bdata\s+(?:from|of)\s+(?:the|an?)\s+(?:[\w-]+,?\s+){0,4}?(?:study|trial|"
        r"programme|program|database)\b|\bdata\s+from\s+the\b|\banalysis\s+of\s+(?:the\s+)?(?:data|experience|"
        r"results)\s+(?:from|in|of)\b|\bancillary\s+stud\w+|"
        r"\bsub-?stud(?:y|ies)\b|\bhad\s+been\s+(?:included|enrolled|randomi[sz]ed)\s+in\b|\bresponse\s+curve\s+"
        r"analys[ie]s\b|\banalys[ie]s\s+of\s+(?:an?|the)\s+(?:[\w-]+\s+){0,4}(?:study|trial)\b|\breport\s+from\s+"
        r"the\b|\bof\s+the\s+(?:earlier|original|parent|previous)\s+(?:[\w-]+\s+){0,2}(?:trial|study)\b|"
        r"\blong-term\s+follow-up\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,3}(?:trial|study)\b"), 2.6, 1.6, 1.0),
    ("secondary analysis", _rx(r"\bpost[-\s]?hoc\b|\bpooled\s+analys[ie]s\b|\bintegrated\s+analys[ie]s\b"), 2.6, 1.6, 0.6),
    ("secondary analysis", _rx(r"\b(?:post[-\s]?hoc|secondary|retrospective)\s+analys[ie]s\s+(?:was|were)\s+(?:performed|"
                               r"conducted|carried\s+out|done|undertaken)\b|\b(?:this|a|the\s+present)\s+post[-\s]?hoc\s+"
                               r"analys[ie]s\s+of\b"), 0.0, 1.6, 1.0),
    ("secondary analysis", _rx(
        r"\bsub-?group\s+analys[ie]s\b|\bsub-?analys[ie]s\b|\bexploratory\s+analys[ie]s\b|\binfluence\s+of\s+"
        r"(?:gender|age|sex|race|genotype)\b|\b(?:gender|sex|age|race|genotype)\s+(?:or\s+\w+\s+)?(?:differences|"
        r"affect)\b|\bpredictors?\s+of\s+(?:response|outcome)\b|\bsex\s+differences\b"), 2.4, 0.0, 0.2),
    ("extension", _rx(
        r"\bopen[-\s]label\s+extension\b|\bextension\s+(?:study|phase|trial)\b|\bextension\s+of\s+(?:a|the)\s+"
        r"(?:[\w-]+\s+){0,4}(?:study|trial)\b|\bcontinuation\s+(?:study|phase|trial)\b|\bfollow-up\s+(?:of|to)\s+"
        r"(?:the\s+)?(?-i:[A-Z]{3,})|\bopen[-\s]label\s+(?:observational\s+)?follow-up\b"), 2.6, 1.8, 0.6),
)
FORM_THRESHOLD = 1.0
NARRATIVE_DESIGNS = {"narrative review", "editorial"}
_PROFILE_TITLE_RE = _rx(r"^\s*[\w\s,/-]{2,60}:\s*(?:new\s+product|a\s+review|an?\s+update|drug\s+profile|"
                        r"an?\s+overview|current\s+status|clinical\s+implications)\b|^\s*[A-Z][\w-]+(?:\s+[\w()-]+){0,3}\.?\s*$")
PARENT_RE = re.compile(
    r"\b(?:the\s+)?([A-Z][A-Z0-9]{1,}(?:[-‐][A-Z0-9]{1,6})*(?:\s+(?:II|III|IV|2|3))?)\s*(?:\)\s*)?"
    r"(?:trial|study|programme|program|investigators|study\s+group|cohort)\b|"
    r"\(([A-Z][A-Z0-9]{1,}(?:[-‐][A-Z0-9]{1,6})*)\)"
)
_NOT_ACRONYM = {"RCT", "RCTS", "USA", "UK", "US", "EU", "WHO", "FDA", "NIH", "HIV", "AIDS", "ADHD", "COPD", "CHF", "MI",
                "AMI", "CAD", "GERD", "OA", "RA", "BP", "SBP", "DBP", "HR", "CI", "OR", "RR", "NS", "SD", "SE", "IQ",
                "ECG", "EEG", "MRI", "CT", "ICU", "ED", "DNA", "RNA", "PCR", "IV", "IM", "SC", "PO", "BID", "TID", "QD",
                "NYHA", "DSM", "ICD", "VAS", "NRS", "II", "III", "AE", "AES", "SAE", "ITT", "PP", "LDL", "HDL",
                "NSAID", "NSAIDS", "COX", "SSRI", "SSRIS", "TCA", "ACE", "ARB", "CCB", "PPI", "PPIS", "OTC", "MS", "PD",
                "AD", "DM", "NIDDM", "IDDM", "UTI", "CNS", "GI", "PK", "AUC", "BMI", "QOL", "SF", "ER", "CR", "IR",
                "SR", "XL", "XR", "MR", "ODT", "DB", "OL"}


@dataclass
class KindResult:
    kind: str = "unclear"
    source: FieldSource = field(default_factory=FieldSource)
    parent: str | None = None
    trial_names: list[str] = field(default_factory=list)


def trial_names(text: str) -> list[str]:
    """Acronyms of the trials a text names ("MERIT-HF", "GISSI-3", "CATS"), in order."""
    out: list[str] = []
    for m in PARENT_RE.finditer(text):
        name = (m.group(1) or m.group(2) or "").replace("‐", "-").strip()
        if len(name) < 3 or name.upper() in _NOT_ACRONYM or name.isdigit() or not re.search(r"[A-Z]{3}|[A-Z]-", name):
            continue
        if name not in out:
            out.append(name)
    return out


_SHORT_TITLE_STUDY = _rx(r"\b(?:study|trial|effects?|efficacy|comparison|compar\w+|versus|vs|randomi\w+|evaluation|"
                         r"patients|analysis|assessment|experience|results?|outcomes?|in\s+the\s+treatment|\d)\b")
_REVIEW_AIM = _rx(r"\b(?:article|paper|chapter|review|report)\s+(?:is\s+to\s+|will\s+|aims\s+to\s+)?(?:briefly\s+)?"
                  r"(?:review|discuss|summari[sz]e|describe|outline|consider|update|examine)\w*|\b(?:are|is)\s+"
                  r"(?:reviewed|discussed|summari[sz]ed|described)\b|\bwe\s+(?:review|discuss|summari[sz]e)\b")
_NUMBERED_POINTS = re.compile(r"\(1\)[^()]{10,}\(2\)")
_PEOPLE_N = _rx(r"\b(?:\d[\d,]*|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|eleven|twelve|"
                r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|ten|nine|eight|seven|six|five|four|three|two)"
                r"[\w-]*)\s+(?:\w+\s+){0,3}(?:patients|subjects|participants|volunteers|women|men|children|"
                r"adults|cases|individuals|people)\b|\bn\s*=\s*\d")
_TRIAL_DESIGNS = ("rct", "non-randomised trial", "experimental pain model")


# literal words one of which every body match of a cue contains (a cheap check before the pattern runs)
_GATES: dict[str, tuple[str, ...]] = {
    "pharmacokinetics": ("auc", "max", "half", "t1/2", "area under"),
    "methods": ("valid", "reliab", "respons", "psychometr", "methodolog", "statistic", "sample size", "simulat",
                "testing for", "noninferiority", "design", "placebo response", "moderator", "measurement",
                "assessment", "end point", "endpoint", "behavioral"),
    "protocol": ("protocol", "rationale", "design", "will be", "being", "is designed", "is planned", "baseline"),
    "secondary analysis": ("secondary", "analys", "reanaly", "data", "pooled", "integrated", "ancillary", "stud",
                           "had been", "report from", "of the", "follow-up", "hoc"),
    "extension": ("extension", "continuation", "follow-up"),
    "safety": ("safe", "tolera", "toxic", "adverse", "side", "harm", "risk", "complication", "induced", "pharmacovig",
               "marketing", "surveillance", "overdos", "poison", "abuse", "dependence", "withdrawal", "driving",
               "psychomotor", "cognitive", "sedat", "ulcer", "bleed", "qt ", "torsade", "teratogen", "pregnan", "birth",
               "malform", "weight gain", "extrapyramidal", "dyskines", "cancer", "thromboembol", "respiratory depression",
               "associat", "hypoglyc", "hypotension", "cardiovascular"),
    "mechanism": ("vitro", "isolated", "bath", "cell", "receptor", "endothel", "blood flow", "resistance", "eeg",
                  "electroenc", "potential", "photic", "refractor", "electrophys", "viscosity", "adhesion", "cytokine",
                  "oxidative", "vasoneuronal", "platelet", "mechanism", "haemodynamic", "hemodynamic", "vasocon",
                  "vasodil", "neuroendocrine"),
    "economics": ("cost", "economic", "budget", "resource", "quality-adjusted", "qaly", "prescribing", "utiliz", "utilis"),
    "diagnosis": ("diagnos", "sensitivity", "predictive", "receiver", "screening", "detection"),
}


def _gate_open(kind: str, rx: re.Pattern[str], low: str) -> bool:
    keys = _GATES.get(kind)
    return keys is None or any(k in low for k in keys)


def _score(cues: tuple[tuple[str, re.Pattern[str], float, float, float], ...], title: str, aim: str,
           view: AbstractView, *, skip_results: bool = False) -> tuple[dict[str, float], dict[str, str]]:
    """Cue weights by kind (and where each was first seen); ``skip_results`` leaves the result sentences out of
    the body (a report's form is said in its aim and methods: "a post hoc analysis showed" among the results
    of a trial is a side analysis, not what the report is)."""
    scores: dict[str, float] = defaultdict(float)
    where_of: dict[str, str] = {}
    body = " ".join(s.text for s in view.sentences if s.role != "results") if skip_results else view.text
    low = body.lower()
    for kind, rx, w_title, w_aim, w_body in cues:
        if w_title:
            n = len(rx.findall(title))
            if n:
                scores[kind] += w_title * (1.0 if n == 1 else 1.4)
                where_of.setdefault(kind, title)
        if w_aim and aim and rx.search(aim):
            scores[kind] += w_aim
            where_of.setdefault(kind, aim)
        if kind == "safety":
            # harms are named everywhere in efficacy abstracts; what the conclusion judges says what the study is
            concl = " ".join(x.text for x in view.conclusions)
            hits = len(rx.findall(concl)) if concl else 0
            if hits:
                scores[kind] += min(2, hits) * 0.5
                where_of.setdefault(kind, concl)
        elif w_body >= 0.25 and _gate_open(kind, rx, low):
            hits = len(rx.findall(body))
            if hits:
                scores[kind] += min(3, hits) * w_body
                where_of.setdefault(kind, next((s.text for s in view.sentences if rx.search(s.text)
                                                and not (skip_results and s.role == "results")), body[:200]))
    return scores, where_of


_FORMULATION_WORDS = _rx(r"\b(?:modified|extended|sustained|controlled|immediate|slow|release|tablets?|capsules?|"
                         r"injection|patch|oral|intravenous|nasal|spray|new|formulation|once-daily|product|hydrochloride|"
                         r"sodium|the|a|an|and|in|of)\b")


def _only_drug_names(title: str, spans: list[tuple[int, int]]) -> bool:
    """A title that holds nothing but drug names and formulation words ("Gliclazide modified release.")."""
    if not spans:
        return False
    rest = title
    for a, b in sorted(spans, reverse=True):
        rest = rest[:a] + " " + rest[b:]
    rest = re.sub(r"\([^)]*\)", " ", _FORMULATION_WORDS.sub(" ", rest))
    return not re.search(r"[A-Za-z]{3,}", rest)


# the record's own study: people it randomised, enrolled or studied (a review reports other studies' trials)
_OWN_STUDY = _rx(r"\b(?:were|was)\s+randomi[sz]ed\b|\bwere\s+randomly\s+(?:assigned|allocated|divided)\b|\bwe\s+"
                 r"(?:randomi[sz]ed|enrolled|studied|recruited|treated|examined|measured|compared|assessed|investigated)\b|"
                 r"\b(?:were|was)\s+(?:enrolled|recruited|included\s+in\s+(?:this|the)\s+study)\b|\bin\s+this\s+"
                 r"(?:[\w-]+\s+){0,3}(?:study|trial)\b|\b(?:study|trial)\s+was\s+(?:conducted|performed|carried\s+out|"
                 r"undertaken|done)\b|\(\s*n\s*=\s*\d+\s*\)")
# a report that says it is a review ("Zolmitriptan: a review of its use", "Here, we briefly review", "expert opinion")
_REVIEW_TITLE = _rx(r"(?<!systematic\s)(?<!cochrane\s)\breview\b(?!\s+of\s+(?:the\s+)?(?:medical\s+)?(?:records|charts|"
                    r"cases|notes))|\bexpert\s+opinion\b|\ban?\s+(?:overview|update)\b|\bupdate\s+on\b|\bspecial\s+"
                    r"considerations\b|\bcurrent\s+(?:status|concepts|perspectives|approaches)\b|\bstate\s+of\s+the\s+art\b")
_REVIEW_SAYS = _rx(r"\b(?:this|the\s+present|the\s+current|our)\s+(?:narrative\s+)?review\b|\b(?:purpose|aim|objective|"
                   r"goal)\s+of\s+this\s+review\b|\b(?:we|authors)\s+(?:briefly\s+|critically\s+)?"
                   r"(?:review|summari[sz]e|discuss)\b|^\s*to\s+review\b|\b(?:is|are)\s+(?:briefly\s+)?(?:reviewed|"
                   r"discussed)\b|\breview\s+of\s+(?:the\s+)?(?:current\s+|recent\s+|published\s+)?(?:medical\s+)?"
                   r"literature\b|\bliterature\s+(?:was|were)\s+reviewed\b|\bwere\s+reviewed\s+and\b")


# a systematic search and selection: a systematic review, whatever its design field says
_SYSTEMATIC = _rx(r"\bsystematic\w*|\bmeta-?analy\w+|\bsearch\s+terms\b|\b(?:were|was)\s+searched\b|\bsearches\s+of\b|"
                  r"\breview\s+of\s+(?:\w+\s+){0,2}randomi[sz]ed\b|\binclusion\s+criteria\b|\bselection\s+criteria\b")


def says_review(view: AbstractView, title: str, design: str) -> bool:
    """The record says it is a (narrative) review and reports no study of its own."""
    if design in ("meta-analysis", "systematic review"):
        return False
    if not (_REVIEW_TITLE.search(title) or any(_REVIEW_SAYS.search(s.text) for s in view.sentences[:6])):
        return False
    return not _OWN_STUDY.search(view.text) and not _SYSTEMATIC.search(f"{title} {view.text}")


_GENERAL = _rx(r"\b(?:can|may|might|should|could|must)\s+(?:also\s+|often\s+|be\s+)?\w+|\b(?:is|are)\s+(?:often|usually|"
               r"generally|commonly|frequently|widely|increasingly)\b|\b(?:include|includes|remains?|represents?|"
               r"offers?)\b")
_FIGURES = re.compile(r"\d")


def _general_statements(view: AbstractView) -> bool:
    """An abstract that speaks in general statements and reports no figures of its own: at least four sentences,
    none with a number (one allowed), and at least a third saying what can, may or should be done."""
    sents = view.sentences
    if len(sents) < 4:
        return False
    if sum(1 for s in sents if _FIGURES.search(s.text)) > 1:
        return False
    return sum(1 for s in sents if _GENERAL.search(s.text)) * 3 >= len(sents)


def _narrative(view: AbstractView, title: str, aim: str, design: str, title_is_drug: bool = False) -> float:
    """How much a record reads as a narrative review or a drug profile (no methods, no figures, no people)."""
    score = 0.0
    # (the results of an unstructured abstract are a guess of the sentence roles: they show no study by themselves)
    reports_people = bool(_PEOPLE_N.search(view.text)) or bool(_OWN_STUDY.search(view.text)) or (
        view.structured and bool(view.results))
    words = re.findall(r"[A-Za-z][\w'-]*", title)
    if 0 < len(words) <= 6 and not _SHORT_TITLE_STUDY.search(title) and not any(c[1].search(title) for c in CUES):
        score += 2.5  # "Gliclazide modified release.", "Burning mouth syndrome.", "Zolmitriptan: new product."
    if _PROFILE_TITLE_RE.search(title):
        score += 1.5
    if _REVIEW_AIM.search(aim) or _REVIEW_AIM.search(title):
        score += 3.0
    if reports_people:
        score *= 0.3
    if _NUMBERED_POINTS.search(view.text):
        score += 3.5  # numbered key points: a journal's drug assessment
    if title_is_drug:
        score += 4.0  # a title that is only a drug's name: a drug profile
    if not reports_people and _general_statements(view):
        score += 3.0  # sentences that state what is generally true ("X can be used", "Y may provide"), no figures
    if not reports_people and design not in _TRIAL_DESIGNS:
        no_study = not re.search(r"\brandomi|\btrial\b|\bwe\s+(?:studied|treated|enrolled)", view.text, re.I)
        score += 3.5 if design == "other" and no_study else 2.0
    return score


def read_kind(view: AbstractView, *, design: str, n_drugs: int, publication_types: list[str] | None = None,
              healthy_volunteers: bool = False, title_drug_spans: list[tuple[int, int]] | None = None) -> KindResult:
    """The study kind of one record (see the module docstring)."""
    res = KindResult()
    title = view.title
    aim = " ".join(s.text for s in view.aim) or (view.sentences[0].text if view.sentences else "")
    res.trial_names = trial_names(f"{title}\n{view.text}")
    pts = {p.lower() for p in publication_types or []}
    if design in NARRATIVE_DESIGNS or "review" in pts and design not in ("meta-analysis", "systematic review"):
        return _set(res, "narrative review", 0.85, title)
    if says_review(view, title, design):
        return _set(res, "narrative review", 0.8, title)
    if design == "guideline":
        return _set(res, "guideline", 0.85, title)
    if "clinical trial protocol" in pts:
        return _set(res, "protocol", 0.95, title)
    if design == "in vitro":
        return _set(res, "mechanism", 0.8, title)
    scores, where_of = _score(CUES, title, aim, view)
    # (a trial's spelled-out name in brackets, "Study of Infarct Survival", says nothing about the outcome studied)
    eff = (2.0 if EFFICACY_RE.search(re.sub(r"\([^)]*\)", " ", title)) else 0.0) + (
        1.5 if EFFICACY_RE.search(aim) else 0.0)
    if design in _TRIAL_DESIGNS or design in ("meta-analysis", "systematic review"):
        eff += 1.2
    if n_drugs:
        eff += 0.5
    if healthy_volunteers and design != "experimental pain model":
        eff -= 2.0  # healthy people have no condition to treat: safety, pharmacokinetics or mechanism
    if not n_drugs and design not in _TRIAL_DESIGNS and design not in ("meta-analysis", "systematic review"):
        eff -= 1.0
        scores["other"] += 1.0
    scores["efficacy"] += eff
    if design in ("meta-analysis", "systematic review"):
        narrative = 0.0
    else:
        narrative = _narrative(view, title, aim, design, _only_drug_names(title, title_drug_spans or []))
    # a content named in the title (safety, pharmacokinetics, methods...) says more than the absence of methods
    titled = max((v for k, v in scores.items() if k not in ("efficacy", "other")), default=0.0)
    form, where_form = _score(FORM_CUES, title, aim, view, skip_results=view.structured)
    form_titled = any(c[1].search(title) for c in FORM_CUES if c[0] in ("secondary analysis", "extension"))
    if narrative >= 2.5 and titled < 1.5 and not form_titled and narrative >= max(scores.values(), default=0.0) - 1.0:
        return _set(res, "narrative review", min(0.9, 0.4 + 0.1 * narrative), title)
    if design == "case report":
        scores["other"] += 2.0 if scores.get("safety", 0) < 1.5 else 0.0
        where_of.setdefault("other", title)
    kind, best = max(scores.items(), key=lambda kv: (kv[1], kv[0] == "efficacy"))
    total = sum(v for v in scores.values() if v > 0) or 1.0
    conf = min(0.95, 0.35 + 0.6 * best / total) if best > 0 else 0.0
    fkind, fbest = max(form.items(), key=lambda kv: kv[1], default=("", 0.0))
    if fkind == "protocol" and fbest >= FORM_THRESHOLD + 0.8:
        return _set(res, "protocol", min(0.95, 0.5 + 0.1 * fbest), where_form.get("protocol"))
    # a secondary analysis of a trial, unless what it studies (safety, pharmacokinetics...) is named in the title
    if fkind in ("secondary analysis", "extension") and fbest >= FORM_THRESHOLD and (
            kind in ("efficacy", "other") or form_titled and titled < 1.5):
        res.parent = next((t for t in res.trial_names), None)
        return _set(res, fkind, min(0.95, 0.45 + 0.12 * fbest), where_form.get(fkind))
    return _set(res, kind, conf, where_of.get(kind) or (aim if kind == "efficacy" else title))


def _set(res: KindResult, kind: str, conf: float, sentence: str | None) -> KindResult:
    res.source = FieldSource(value=kind, sentence=sentence, confidence=round(conf, 2))
    res.kind = kind if conf >= MIN_CONFIDENCE else "unclear"
    return res


__all__ = ["MIN_CONFIDENCE", "KindResult", "read_kind", "trial_names"]
