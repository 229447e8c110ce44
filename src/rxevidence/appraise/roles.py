"""Which drug plays which part in a study, and what the studied drug is compared with.

Each drug named in the title and abstract gets one role — ``studied`` (what the study tests),
``comparator`` (what it is tested against), ``background`` (what every arm receives anyway: the
"standard therapy" of an add-on trial) or ``rescue`` (what patients may take when the treatment
fails) — read from the sentence patterns that carry it:

- "A versus B", "A compared with B", "randomised to A or B", "with that of B", "B as a positive control",
  "the standard treatment (B)": A studied, B comparator;
- "A plus B versus A alone", "B added to A", "in patients receiving A", "background therapy with A",
  "all patients received A", "in addition to A": A background, B studied (an add-on trial);
- "rescue A", "supplemental A", "A consumption", "A by patient-controlled analgesia": A rescue.

The title weighs most, then the aim, then the methods; a drug named only before the aim (the
background of the question) or only as a measured substance ("serum erythropoietin") plays no part.
The comparator type follows: placebo (placebo, sham, vehicle), no treatment (usual care, waiting
list, untreated controls), add-on (a background every arm receives), dose (one drug at several doses
or formulations), active (another drug), uncontrolled (one arm, before-after). Every answer carries
the sentence it was read in and a confidence; below :data:`MIN_CONFIDENCE` it is "unclear".
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..models import DrugRole, FieldSource
from .size import DrugHit, find_drugs
from .structure import AbstractView
from .text import MIN_CONFIDENCE

# mentions that name a target, an enzyme or a measured substance rather than a treatment
_NOT_TREATMENT = re.compile(
    r"(?:channels?|pumps?|receptors?|transporters?|ases|enzymes?|cyclooxygenase(?:[-\s]?\d)?|factors?|"
    r"antibod(?:y|ies)|hormones?|h[a]?emoglobin\w*|albumin|creatinine|cholesterol|lipoproteins?|triglycerides?|"
    r"fibrinogen|immunoglobulin\b.*|antigens?|cytochrome\b.*|urea\b.*|bilirubin|electrolytes?|escherichia\b.*|"
    r"\bcoli|bacteria|glucose|peptides?|interleukin.*|cytokines?|salts?)$"
    # a salt on its own or of a mineral ("sodium chloride"), never a drug's salt ("trospium chloride")
    r"|^(?:(?:sodium|potassium|calcium|magnesium|ammonium|hydrogen|zinc|iron|ferrous)\s+)?(?:sulfates?|sulphates?|"
    r"hydrochlorides?|citrates?|acetates?|maleates?|mesylates?|tartrates?|succinates?|fumarates?|besylates?|bromides?|"
    r"chlorides?|valerates?)$",
    re.I,
)
_MEASURED_BEFORE = re.compile(
    r"(?:serum|plasma|blood|urinary|urine|circulating|endogenous|salivary|tissue|cerebrospinal|csf|levels?\s+of|"
    r"concentrations?\s+of|secretion\s+of|release\s+of|excretion\s+of|(?:increase|decrease|decline|rise|fall|"
    r"reduction|change|elevation)s?\s+(?:in|of))\s+(?:\w+\s+){0,1}(?:\(?\w{1,4}\)?,?\s+(?:and\s+)?)?$",
    re.I,
)
_MEASURED_AFTER = re.compile(r"^\s*(?:\(\w{1,5}\)\s*)?(?:levels?|concentrations?|secretion|release|excretion|"
                             r"receptors?|metabolism)\b", re.I)

PLACEBO_WORD = re.compile(r"\b(?:placebo|sham|vehicle)\b|\bdummy\s+(?:tablets?|pills?|capsules?)\b", re.I)
# placebo mentions that are no placebo arm: a run-in, a wash-out, the dummies of a double-dummy design
_NOT_PLACEBO_ARM = re.compile(
    r"\bplacebo(?:-controlled)?,?\s+(?:run-?in|wash-?out|lead-?in)\b|\b(?:run-?in|wash-?out|lead-?in)\s+(?:period\s+)?"
    r"(?:with|on|of)\s+(?:single-blind\s+)?placebo\b|\bsingle-blind\s+placebo\b|\bplacebo\s+(?:capsules?|tablets?|"
    r"units?|sets?)\s+(?:paired|together)\b|\bpaired\s+with\s+placebo\b|\bplacebo\s+(?:response|responders?|effect)\b",
    re.I,
)
_NO_PLACEBO = re.compile(r"\b(?:absence\s+of|without|no|lack\s+of)\s+(?:a\s+)?placebo(?:[-\s](?:control(?:led)?|"
                         r"group|arm))?\b", re.I)
_DOUBLE_DUMMY = re.compile(r"\bdouble[-\s]dumm(?:y|ies)\b", re.I)
_STRONG_PLACEBO = re.compile(r"\bplacebo[-\s]controlled\b|\b(?:versus|vs\.?|or|than|over|with|to|and)\s+"
                             r"(?:a\s+|the\s+)?(?:matching\s+)?placebo\b|\bplacebo\s+(?:group|arm|patients|recipients)\b|"
                             r"\bplacebo[-\s]treated\b", re.I)
NO_TREATMENT_RE = re.compile(
    r"\b(?:no[-\s]treatment|untreated\s+(?:control|group|patients)|usual\s+care|standard\s+care|waiting[-\s]list|"
    r"wait-list|observation\s+(?:only|alone|group)|no\s+(?:drug|medication|intervention|prophylaxis|therapy)\b|"
    r"open\s+control|(?:control|reference)\s+group\s+(?:received|was\s+given)\s+no)\b",
    re.I,
)
DOSE_COMPARISON_RE = re.compile(
    r"\bdose[-\s](?:response|ranging|finding|comparison)\b|\b(?:controlled|extended|sustained|modified|slow|"
    r"immediate)[-\s]release\b.{0,80}\b(?:controlled|extended|sustained|modified|slow|immediate|conventional)"
    r"[-\s]?(?:release|formulation|tablets?)?\b|\b(?:once|twice|three\s+times)[-\s]daily\s+(?:versus|vs\.?|or|and|"
    r"with|compared)\b|\b(?:dosing|dose)\s+regimens\b|\bformulations?\s+of\b|\bdifferent\s+doses\b|"
    r"\b(?:high|low|higher|lower)[-\s]dose\s+(?:versus|vs\.?|or|compared)\b",
    re.I,
)
UNCONTROLLED_RE = re.compile(
    r"\bsingle[-\s](?:arm|group)\b|\bnon-?comparative\b|\buncontrolled\b|\bopen[-\s](?:label\s+|\w+\s+)?(?:study|trial|"
    r"treatment|pilot)\b|\bcase\s+series\b|\b(?:before|prior\s+to)\s+and\s+(?:after|during)\b|\bfrom\s+baseline\b|"
    r"\bpre-?\s*(?:and|vs\.?|versus)\s*post-?treatment\b|\bretrospective(?:ly)?\s+review|"
    r"\bbefore\b[^.;]{0,60}\bafter\b(?:[^.;]{0,30}\b(?:treatment|therapy|administration|application|infusion))?",
    re.I,
)

# --- sentence patterns over placeholders: drugs become "@<k>@", placebo "@P@"
_D = r"@(\d+)@"
_GAP = r"[^@.;]{0,100}?"
_SHORT = r"[^@.;]{0,30}?"
PATTERNS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (name, re.compile(rx, re.I), roles)
    for name, rx, roles in (
        ("added_to", _D + _SHORT + r"\b(?:added\s+to|as\s+(?:an?\s+)?(?:add-?on|adjunct\w*)\s+(?:therapy\s+|treatment\s+)?"
         r"(?:to|with|for)|in\s+addition\s+to|on\s+top\s+of|adjunct\w*\s+to|augmentation\s+of)\b" + _SHORT + _D,
         ("studied", "background")),
        ("addition_of", r"\b(?:addition|adding|add-?on)\s+(?:of\s+)?" + _SHORT + _D + _SHORT + r"\bto\b" + _SHORT + _D,
         ("studied", "background")),
        ("positive_control", _D + r"[^@.;]{0,70}?\b(?:as\s+)?(?:an?\s+|the\s+)?(?:positive|active|internal|reference|"
         r"standard)\s+(?:internal\s+)?(?:control|comparator|reference)\b", ("comparator",)),
        ("standard_paren", r"\b(?:standard|reference|conventional|established|classic(?:al)?|traditional|older)\s+"
         r"(?:(?!including|with|such|consisting|of\b|in\b|for\b)[\w-]+,?\s+){0,3}?\(?" + _D, ("comparator",)),
        ("with_that_of", r"\bwith\s+(?:that|those)\s+of\s+" + _SHORT + _D, ("comparator",)),
        ("either_or", r"\beither\s+" + _SHORT + _D + _GAP + r"\bor\b" + _SHORT + _D, ("studied", "comparator")),
        ("background_receiving", r"\b(?:in|among|for|of)\s+(?:\w+\s+){0,3}?(?:patients|subjects|participants|women|men|"
         r"children|adults|individuals|people|outpatients|inpatients)\s+(?:\w+\s+){0,3}?(?:receiving|taking|on|"
         r"maintained\s+on|stabili[sz]ed\s+on|already\s+(?:on|taking|receiving)|using|treated\s+with)\s+"
         r"(?:\w+\s+){0,3}?" + _D, ("background",)),
        ("background_therapy", r"\b(?:background|concomitant|baseline|stable|standard|ongoing|existing|usual|maintenance|"
         r"conventional|current)\s+(?:\w+\s+){0,2}(?:therapy|treatment|medications?|regimens?|doses?)\s*,?\s*(?:with|of|"
         r"including|consisting\s+of|such\s+as)?\s*(?:\w+\s+){0,3}?" + _D, ("background",)),
        ("all_received", r"\b(?:all|both|each)\s+(?:the\s+)?(?:\w+\s+){0,2}(?:patients|subjects|participants|groups|arms|"
         r"children|women|men)\s+(?:\w+\s+){0,3}?(?:received|were\s+given|were\s+treated\s+with|were\s+prescribed|"
         r"took|continued|were\s+maintained\s+on|were\s+on)\s+(?:\w+\s+){0,6}?" + _D, ("background",)),
        ("treated_adj", _D + r"-(?:treated|maintained|stabili[sz]ed)\b", ("background",)),
        ("despite", r"\b(?:despite|inadequately\s+controlled\s+(?:on|with|by)|failed\s+(?:on|with)|"
         r"uncontrolled\s+(?:on|with)|(?:did\s+not|failed\s+to)\s+(?:respond|improve)\s+(?:to|on|with))\s+"
         r"(?:\w+\s+){0,4}?" + _D, ("background",)),
        ("rescue", r"\b(?:rescue|supplemental|supplementary|escape|breakthrough|on-demand|as-needed)\s+(?:\w+\s+){0,3}?"
         + _D, ("rescue",)),
        ("rescue_after", _D + r"\s+(?:was|were)\s+(?:\w+\s+){0,2}(?:allowed|permitted|available|given)\s+"
         r"(?:as\s+(?:a\s+)?)?(?:rescue|needed|required)", ("rescue",)),
        ("consumption", r"\b(?:consumption|requirements?)\s+(?:of|for)\s+(?:\w+\s+){0,2}?" + _D + r"|" + _D
         + r"\s+(?:consumption|requirements?)\b", ("rescue",)),
        ("pca", r"\b(?:patient[-\s]controlled\s+(?:analgesia|epidural)|pca)\s+(?:with\s+|using\s+)?(?:\w+\s+){0,2}?" + _D
         + r"|" + _D + r"\s+(?:pca|patient[-\s]controlled)\b", ("rescue",)),
        ("versus_placebo", _D + _SHORT + r"\b(?:versus|vs\.?|or|compared\s+(?:with|to)|and|than|over|with)\b" + _SHORT
         + r"@P@", ("studied",)),
        ("placebo_versus", r"@P@" + _SHORT + r"\b(?:versus|vs\.?|or|and|compared\s+(?:with|to))\b" + _SHORT + _D,
         ("studied",)),
        ("efficacy_of", r"\b(?:efficacy|effectiveness|effects?|safety|tolerability|use|role|value|benefits?|impact|"
         r"influence)\s+of\s+(?:\w+\s+){0,3}?" + _D, ("studied",)),
        ("drug_for", r"^[^@]*?" + _D + r"\s+(?:\w+\s+){0,3}?(?:in|for)\s+(?:the\s+)?(?:acute\s+|long-term\s+)?(?:treatment|management|"
         r"prevention|prophylaxis|relief|therapy|control)\b", ("studied",)),
        ("randomised_to", r"\b(?:randomi[sz]ed|randomly\s+(?:assigned|allocated)|allocated|assigned)\s+(?:\w+\s+){0,6}?"
         r"(?:to|between)\s+(?:receive\s+)?(?:\w+\s+){0,3}?" + _D, ("studied",)),
        ("received", r"\b(?:received|were\s+given|were\s+treated\s+with|took|were\s+administered)\s+(?:\w+\s+){0,4}?"
         + _D, ("studied",)),
    )
)
# the weight of a cue by where it is read
WHERE_WEIGHT = {"title": 3.0, "aim": 2.0, "methods": 1.5, "results": 0.8, "conclusion": 1.0, "background": 0.0}
_PATTERN_WEIGHT = {"versus": 1.0, "compare_a_with_b": 1.0, "either_or": 1.0, "added_to": 1.5, "addition_of": 1.5,
                   "positive_control": 2.0, "standard_paren": 1.2, "with_that_of": 1.2, "background_receiving": 1.4,
                   "background_therapy": 1.6, "all_received": 1.6, "treated_adj": 1.2, "despite": 1.4, "rescue": 1.8,
                   "rescue_after": 1.8, "consumption": 1.2, "pca": 1.4, "versus_placebo": 0.8, "placebo_versus": 0.8,
                   "efficacy_of": 0.8, "drug_for": 0.8, "randomised_to": 0.7, "received": 0.4, "arms": 1.6,
                   "versus_list": 1.3}
# where a sentence divides into the arms it compares
_SPLIT_RE = re.compile(r"\b(?:versus|vs\.?|v\.|compared\s+(?:with|to)|in\s+comparison\s+(?:with|to)|relative\s+to|"
                       r"against|(?:superior|inferior)\s+to|than|or)\b|;", re.I)
_COMBINE_RE = re.compile(r"\bplus\b|\+|\bcombin\w*|\btogether\s+with\b|\bfixed[-\s]dose\b|/|\bwith\b|\band\b", re.I)
_ID_RE = re.compile(r"@(\d+|P)@")


# literal words one of which every match of a pattern contains (a cheap check before the pattern runs)
_PATTERN_KEYS: dict[str, tuple[str, ...]] = {
    "added_to": ("added", "add-on", "addon", "adjunct", "addition", "on top", "augmentation"),
    "addition_of": ("addition", "adding", "add-on", "addon"),
    "positive_control": ("control", "comparator", "reference"),
    "standard_paren": ("standard", "reference", "conventional", "established", "classic", "traditional", "older"),
    "with_that_of": ("that of", "those of"),
    "either_or": ("either",),
    "background_receiving": ("receiving", "taking", " on ", "maintained", "stabili", "already", "using", "treated"),
    "background_therapy": ("background", "concomitant", "baseline", "stable", "standard", "ongoing", "existing",
                           "usual", "maintenance", "conventional", "current"),
    "all_received": ("all ", "both ", "each "),
    "treated_adj": ("-treated", "-maintained", "-stabili"),
    "despite": ("despite", "inadequately", "failed", "uncontrolled", "did not", "failed to"),
    "rescue": ("rescue", "supplement", "escape", "breakthrough", "on-demand", "as-needed"),
    "rescue_after": ("allowed", "permitted", "available", "given"),
    "consumption": ("consumption", "requirement"),
    "pca": ("patient-controlled", "patient controlled", "pca"),
    "versus_placebo": ("@p@",),
    "placebo_versus": ("@p@",),
    "efficacy_of": (" of ",),
    "drug_for": ("treatment", "management", "prevention", "prophylaxis", "relief", "therapy", "control"),
    "randomi" "sed_to": ("random", "allocated", "assigned"),
    "received": ("received", "given", "treated", "took", "administered"),
}
_PATTERN_KEYS["randomised_to"] = _PATTERN_KEYS.pop("randomised_to")


@dataclass
class RolesResult:
    roles: list[DrugRole] = field(default_factory=list)
    studied: list[str] = field(default_factory=list)  # the tested regimen's own drugs
    background: list[str] = field(default_factory=list)
    comparators: list[str] = field(default_factory=list)
    comparator: str | None = None  # "placebo", "ibuprofen", "usual care"
    comparator_type: str = "unclear"
    type_source: FieldSource = field(default_factory=FieldSource)
    placebo: bool = False
    combination: bool = False  # the tested regimen is several drugs given together
    hits: list[DrugHit] = field(default_factory=list)


_MEASURED_KEYS = ("serum", "plasma", "blood", "urin", "circulating", "endogenous", "saliva", "tissue", "cerebrospinal",
                  "csf", "level", "concentration", "secretion", "release", "excretion", "increase", "decrease", "decline",
                  "rise", "fall", "reduction", "change", "elevation")


def _is_treatment(hit: DrugHit, text: str) -> bool:
    mention = text[hit.start:hit.end]
    if _NOT_TREATMENT.search(hit.name):
        return False
    if mention.isupper() and len(mention) <= 5 and mention.lower() != hit.name:
        # an acronym the drug dictionary maps to a drug ("AMSA" for a trial name): only when spelled out too
        return bool(re.search(rf"\b{re.escape(hit.name)}\b", text, re.I))
    before = text[max(0, hit.start - 50):hit.start]
    after = text[hit.end:hit.end + 25]
    if any(k in before.lower() for k in _MEASURED_KEYS) and _MEASURED_BEFORE.search(before):
        return False
    return not _MEASURED_AFTER.search(after)


def _placeholders(text: str, hits: list[DrugHit], ids: dict[str, int]) -> str:
    """``text`` with each drug mention replaced by ``@<k>@`` (k = the drug's index) and placebo by ``@P@``."""
    out: list[str] = []
    pos = 0
    for h in hits:
        out.append(text[pos:h.start])
        out.append(f"@{ids[h.name]}@")
        pos = h.end
    out.append(text[pos:])
    return PLACEBO_WORD.sub("@P@", "".join(out))


_ALONE = re.compile(_D + r"\s+(?:[\w-]+\s+){0,2}?(?:alone|monotherapy|only)\b", re.I)
_COMBINED = re.compile(_D + r"\s*(?:[\w-]+\s+){0,3}?(?:plus|\+|combined\s+with|in\s+combination\s+with|together\s+with|"
                       r"with|and)\s+(?:[\w().-]+\s+){0,4}?" + _D, re.I)


@dataclass
class _Cues:
    names: list[str]
    alone: set[str] = field(default_factory=set)
    combined: set[tuple[str, str]] = field(default_factory=set)
    scores: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    sentence_of: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)
    fired: set[str] = field(default_factory=set)
    combination: bool = False

    def add(self, drug: str, role: str, w: float, sentence: str) -> None:
        self.scores[drug][role] += w
        best = self.sentence_of.get((drug, role))
        if best is None or w > best[0]:
            self.sentence_of[(drug, role)] = (w, sentence)


_VERSUS_LIST = re.compile(
    r"\b(?:versus|vs\.?|v\.|compared\s+(?:with|to)|comparisons?\s+(?:with|to)|in\s+comparison\s+(?:with|to)|"
    r"relative\s+to|against|(?:superior|inferior|equivalent|similar|comparable|non-?inferior)\s+to|than|"
    r"compar\w+\s+(?:(?!@)[^.;]){0,80}?\b(?:with|to|and))\s+"
    r"((?:(?:the\s+|a\s+|an\s+|either\s+|both\s+)?(?:(?!versus|vs\b|than|or\b)[\w-]+\s+){0,3}?@(?:\d+|P)@"
    r"(?:\s*\([^)@]{0,40}\))?(?:\s+(?:\d[\w./-]*\s*){0,3}(?:mg|mcg|g|ml|iu)?\b[\w./ -]{0,20}?)?\s*(?:,|\band\b|\bor\b|/)?\s*)+)",
    re.I,
)
_LEADING_COMPARISON = re.compile(r"^\s*(?:when\s+|as\s+)?(?:compared\s+(?:with|to)|in\s+comparison\s+(?:with|to)|"
                                 r"versus|relative\s+to|unlike)\b", re.I)
_CONTROL_ARM = re.compile(r"\balone\b|\bonly\b|\bmonotherapy\b|@P@", re.I)
_ADDED_ARM = re.compile(r"\bplus\b|\+|\badded\b|\bin\s+addition\b|\bcombin\w*|\bwith\b", re.I)


def _versus_list(marked: str, w: float, cues: _Cues, original: str) -> None:
    """"A versus B, C and placebo", "comparisons with placebo, B or C": every drug of the list is a comparator,
    the drug named just before the comparison word is studied."""
    for m in _VERSUS_LIST.finditer(marked):
        listed = [g for g in _ID_RE.findall(m.group(1)) if g != "P"]
        lead = _LEADING_COMPARISON.match(marked[:m.end()])
        if lead and "," in m.group(1):
            # "Compared with placebo, X reduced ...": the comparison ends at the comma, X is its subject
            head, _, rest = m.group(1).partition(",")
            comps = [g for g in _ID_RE.findall(head) if g != "P"]
            subject = [g for g in _ID_RE.findall(rest) if g != "P"][:1]
            wv = w * _PATTERN_WEIGHT["versus_list"]
            for k in comps:
                cues.add(cues.names[int(k)], "comparator", wv, original)
            for k in subject:
                cues.add(cues.names[int(k)], "studied", wv, original)
            cues.fired.add("versus_list")
            continue
        if not listed:
            continue
        cues.fired.add("versus_list")
        wv = w * _PATTERN_WEIGHT["versus_list"]
        for k in listed:
            cues.add(cues.names[int(k)], "comparator", wv, original)
        before = [g for g in _ID_RE.findall(marked[:m.start()]) if g != "P" and g not in listed]
        if before:
            cues.add(cues.names[int(before[-1])], "studied", wv, original)


def _arms(marked: str, w: float, cues: _Cues, original: str) -> None:
    """Arms of several drugs compared in one sentence ("A plus B versus B alone", "A and B or A, B and C").

    When one arm holds every drug of the other plus more, the shared drugs are background and the extra ones
    are studied (an add-on trial); drugs in both arms of two otherwise different arms are background too.
    """
    segments = _SPLIT_RE.split(marked)
    sets = [{g for g in _ID_RE.findall(seg) if g != "P"} for seg in segments]
    for (left, right), (lseg, rseg) in zip(zip(sets, sets[1:], strict=False), zip(segments, segments[1:], strict=False),
                                           strict=False):
        if not left or not right or (len(left) < 2 and len(right) < 2) or left == right:
            continue
        small, big = (lseg, rseg) if len(left) < len(right) else (rseg, lseg)
        if not (_CONTROL_ARM.search(small) or _ADDED_ARM.search(big)):
            continue
        common = left & right
        if not common:
            continue
        cues.fired.add("arms")
        wa = w * _PATTERN_WEIGHT["arms"]
        for k in common:
            cues.add(cues.names[int(k)], "background", wa, original)
        for k in (left | right) - common:
            cues.add(cues.names[int(k)], "studied", wa, original)
    for seg, ids in zip(segments, sets, strict=True):
        if len(ids) >= 2 and re.search(r"\bplus\b|\+|\bcombin\w*|\bfixed[-\s]dose\b|@/@", seg, re.I):
            cues.combination = True


def _scan(marked: str, where: str, cues: _Cues, original: str) -> None:
    """Add the role cues of one sentence."""
    w_where = WHERE_WEIGHT.get(where, 1.0)
    if not w_where:
        return
    low = marked.lower()
    for name, rx, roles in PATTERNS:
        if name in ("background_receiving", "treated_adj") and where not in ("title", "aim", "methods"):
            continue
        keys = _PATTERN_KEYS.get(name)
        if keys and not any(k in low for k in keys):
            continue
        for m in rx.finditer(marked):
            groups = [g for g in m.groups() if g is not None]
            if not groups:
                continue
            cues.fired.add(name)
            w = w_where * _PATTERN_WEIGHT.get(name, 1.0)
            for k, role in zip(groups, roles, strict=False):
                cues.add(cues.names[int(k)], role, w, original)
    for m in _ALONE.finditer(marked):
        cues.alone.add(cues.names[int(m.group(1))])
    if where in ("title", "aim", "methods"):
        for m in _COMBINED.finditer(marked):
            a, b = cues.names[int(m.group(1))], cues.names[int(m.group(2))]
            if a != b:
                cues.combined |= {(a, b), (b, a)}
    _versus_list(marked, w_where, cues, original)
    if marked.count("@") >= 6 and where in ("title", "aim", "methods"):
        _arms(marked, w_where, cues, original)


def _drug_spans(view: AbstractView) -> tuple[str, list[tuple[int, int, str, str]]]:
    """The title and sentences joined by newlines, with each piece's span, role and text."""
    pieces = [(view.title, "title")] + [(s.text, s.role) for s in view.sentences]
    spans: list[tuple[int, int, str, str]] = []
    pos = 0
    for text, role in pieces:
        spans.append((pos, pos + len(text), role, text))
        pos += len(text) + 1
    return "\n".join(p for p, _ in pieces), spans


def _placebo_arm(pieces: list[tuple[str, str]]) -> bool:
    """Whether a placebo (sham, vehicle) arm exists, not only a placebo run-in or the dummies of a double-dummy."""
    text = _NO_PLACEBO.sub(" ", " ".join(p for p, where in pieces if where != "background"))
    n_all = len(PLACEBO_WORD.findall(text))
    if not n_all:
        return False
    n_not = len(_NOT_PLACEBO_ARM.findall(text))
    if _DOUBLE_DUMMY.search(text) or n_not:
        return bool(_STRONG_PLACEBO.search(_NOT_PLACEBO_ARM.sub(" ", text))) or n_all > 2 * n_not + 1
    return True


def read_roles(view: AbstractView, *, design: str = "other") -> RolesResult:
    """Drug roles and the comparator type of one record (see the module docstring)."""
    res = RolesResult()
    text, spans = _drug_spans(view)
    hits = [h for h in find_drugs(text) if _is_treatment(h, text)]
    res.hits = list(hits)
    members = _class_hits(text, spans, hits)
    hits = sorted(hits + [h for h, _ in members], key=lambda h: h.start)
    names = list(dict.fromkeys(h.name for h in hits))
    ids = {n: i for i, n in enumerate(names)}
    cues = _Cues(names)
    mentioned: dict[str, set[str]] = defaultdict(set)  # drug -> roles of the sentences naming it
    first_pos: dict[str, int] = {}
    for start, end, where, piece in spans:
        in_piece = [h for h in hits if start <= h.start < end]
        for h in in_piece:
            mentioned[h.name].add(where)
            first_pos.setdefault(h.name, h.start)
        if not in_piece:
            continue
        shifted = [DrugHit(h.name, h.start - start, h.end - start) for h in in_piece]
        _scan(_placeholders(piece, shifted, ids), where, cues, piece)
    _classes_to_members(cues, dict((h.name, m) for h, m in members), names)
    res.placebo = _placebo_arm([(p, w) for _, _, w, p in spans])
    res.combination = cues.combination
    roles = _decide(names, cues, mentioned, first_pos, view)
    res.roles = [DrugRole(drug=d, role=r, sentence=s, confidence=round(c, 2))
                 for d, (r, c, s) in sorted(roles.items(), key=lambda kv: first_pos.get(kv[0], 0))]
    res.studied = [r.drug for r in res.roles if r.role == "studied"]
    res.background = [r.drug for r in res.roles if r.role == "background"]
    res.comparators = [r.drug for r in res.roles if r.role == "comparator"]
    _comparator_type(res, view, design, cues.fired)
    return res


def _class_hits(text: str, spans: list[tuple[int, int, str, str]], hits: list[DrugHit]) -> list[tuple[DrugHit, set[str]]]:
    """Drug classes named in the title and the aim ("opioid therapy", "ACE inhibitor or calcium channel blocker vs
    diuretic"), as pseudo-drugs ``class:<name>`` with the members named elsewhere in the record."""
    from .resources import vocabulary

    voc = vocabulary()
    if voc is None or not hasattr(voc, "find_drugs"):
        return []
    present = {h.name for h in hits}
    out: list[tuple[DrugHit, set[str]]] = []
    gate = _class_gate(voc)
    for start, _end, where, piece in spans:
        if where not in ("title", "aim") or not piece or gate is None or not gate.search(piece):
            continue
        try:
            found = voc.find_drugs(piece, fuzzy=False)
        except (AttributeError, TypeError, ValueError):
            return out
        for m in found:
            if not getattr(m, "is_class", False):
                continue
            members = set(getattr(m, "members", None) or []) & present
            a, b = start + int(m.start), start + int(m.end)
            if members and not any(h.start < b and a < h.end for h in hits):
                out.append((DrugHit(f"class:{m.name}", a, b), members))
    return out


_CLASS_GATES: dict[int, re.Pattern[str] | None] = {}


def _class_gate(voc: object) -> re.Pattern[str] | None:
    """A cheap pattern of the last words of the vocabulary's class names ("inhibitor", "opioid", "diuretic")."""
    key = id(voc)
    if key not in _CLASS_GATES:
        generic = {"product", "medicine", "agent", "drug", "therapy", "inhibitor", "agonist", "antagonist", "blocker"}
        words = set()
        for c in getattr(voc, "class_names", []) or []:
            toks = str(c).split()
            if toks:
                # "calcium channel blocker" -> "channel blocker" would be too long a gate; its first word is distinctive
                words.add((toks[0] if toks[-1] in generic and len(toks) > 1 else toks[-1]).rstrip("s"))
        words = {w for w in words if len(w) >= 3}
        _CLASS_GATES[key] = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, words))) + r")", re.I) if words else None
    return _CLASS_GATES[key]


def _classes_to_members(cues: _Cues, members: dict[str, set[str]], names: list[str]) -> None:
    """The roles a class got go to its members named in the record (at a lower weight than their own cues)."""
    for cname, ms in members.items():
        for role, val in list((cues.scores.get(cname) or {}).items()):
            for d in ms:
                if d in names:
                    cues.add(d, role, 0.8 * val, cues.sentence_of.get((cname, role), (0, ""))[1])


def _decide(names: list[str], cues: _Cues, mentioned: dict[str, set[str]], first_pos: dict[str, int],
            view: AbstractView) -> dict[str, tuple[str, float, str | None]]:
    """One role per drug: the best-scored cue; without cues, studied when named in the title or the aim."""
    roles: dict[str, tuple[str, float, str | None]] = {}
    # "A combined with B ... B alone": B is what every arm gets, A what is added
    for d in cues.alone:
        partners = [e for a, e in cues.combined if a == d and e not in cues.alone]
        if partners:
            cues.add(d, "background", 2.5, "")
            for e in partners:
                cues.add(e, "studied", 1.0, "")
    for d in names:
        if d.startswith("class:"):
            continue
        where = mentioned[d]
        if where <= {"background"}:
            continue  # named only in the background of the question
        sc = cues.scores.get(d) or {}
        total = sum(sc.values())
        if total > 0:
            role, val = max(sc.items(), key=lambda kv: (kv[1], kv[0] == "studied"))
            conf = min(0.95, 0.4 + 0.55 * val / (total + 0.5))
            roles[d] = (role, conf, cues.sentence_of.get((d, role), (0, None))[1])
        elif "title" in where or "aim" in where:
            roles[d] = ("studied", 0.6, view.title if "title" in where else None)
        elif len(names) == 1:
            roles[d] = ("studied", 0.55, None)
        else:
            roles[d] = ("studied", 0.35, None)
    studied = [d for d, (r, c, _) in roles.items() if r == "studied" and c >= MIN_CONFIDENCE]
    if not studied and any(r == "background" for r, _, _ in roles.values()) and not any(
            r == "studied" for r, _, _ in roles.values()):
        # "in patients treated with X" with no other drug: X is what is studied, not a background
        for d, (r, c, s) in list(roles.items()):
            if r == "background":
                roles[d] = ("studied", c, s)
        studied = list(roles)
    if not studied:
        # no confident studied drug: the first drug of the title, else the first drug of the arms
        cands = [d for d, (r, _, _) in roles.items() if r == "studied"] or [
            d for d, (r, _, _) in roles.items() if r not in ("rescue", "background")]
        cands.sort(key=lambda d: ("title" not in mentioned[d], first_pos.get(d, 0)))
        if cands:
            r, c, s = roles[cands[0]]
            roles[cands[0]] = ("studied", max(c, 0.5), s)
    # drugs read as studied only weakly (named once in the results) play no part
    for d in [d for d, (r, c, _) in roles.items() if r == "studied" and c < MIN_CONFIDENCE - 0.1]:
        del roles[d]
    return roles


_ACTIVE_CONTROL_RE = re.compile(
    r"\bactive[-\s](?:drug\s+)?(?:controls?|comparators?|controlled)\b|\bother\s+active\s+(?:drugs|treatments)\b|"
    r"\b(?:compar\w+|versus|vs\.?)\s+(?:\w+\s+){0,3}?(?:customary|conventional|standard|usual|current|previous|"
    r"existing|prior)\s+(?:\w+\s+)?(?:treatments?|therapy|therapies|medications?|drugs?)\b",
    re.I,
)
_SAME_DRUG_DOSES = re.compile(r"@(\d+)@[^@.;]{0,30}?\d[^@.;]{0,60}?\b(?:or|versus|vs\.?|and)\b[^@.;]{0,20}?\d+(?:\.\d+)?\s*"
                              r"(?:mg|mcg|µg|g|ml|iu|units?)\b", re.I)


def _comparator_type(res: RolesResult, view: AbstractView, design: str, fired: set[str]) -> None:
    text = view.title + "\n" + " ".join(s.text for s in view.sentences if s.role != "background")
    low = text.lower()

    def uncontrolled() -> bool:
        return bool(("open" in low or "single" in low or "uncontrolled" in low or "comparative" in low or "before" in low
                     or "baseline" in low or "case series" in low or "retrospective" in low or "pre" in low)
                    and (UNCONTROLLED_RE.search(text) or re.search(r"\bopen[-\s]label\b", text, re.I)))

    # head-to-head without a named comparator: the first-named drug is studied, the others its comparators
    if (len(res.studied) > 1 and not res.placebo and not res.background and not res.comparators and not res.combination
            and design not in ("meta-analysis", "systematic review", "narrative review", "guideline")):
        first, *others = res.studied
        res.roles = [r.model_copy(update={"role": "comparator", "confidence": min(r.confidence, 0.6)})
                     if r.drug in others else r for r in res.roles]
        res.studied, res.comparators = [first], others
    placebo = res.placebo and not (res.comparators and not _STRONG_PLACEBO.search(text.replace("placebo-controlled", "")))
    sentence: str | None = None
    if placebo:
        kind, conf = ("add-on", 0.75) if res.background else ("placebo", 0.85)
        res.comparator = "placebo" if not res.background else " + ".join(res.background) + " + placebo"
        sentence = next((s.text for s in view.sentences if PLACEBO_WORD.search(s.text)), view.title)
    elif res.background and not res.comparators and (_controlled_addon(res, text, fired) or not uncontrolled()):
        kind, conf, sentence = "add-on", 0.75, next(
            (r.sentence for r in res.roles if r.role == "background" and r.sentence), None)
        res.comparator = " + ".join(res.background) + " alone"
    elif res.comparators:
        kind, conf = "active", 0.8
        res.comparator = "; ".join(res.comparators)
        sentence = next((r.sentence for r in res.roles if r.role == "comparator" and r.sentence), None)
    elif len(set(res.studied)) <= 1 and _any_in(low, _DOSE_KEYS) and DOSE_COMPARISON_RE.search(text):
        kind, conf = "dose", 0.7
    elif _any_in(low, _ACTIVE_KEYS) and _ACTIVE_CONTROL_RE.search(text):
        kind, conf = "active", 0.65
    elif _any_in(low, _NO_TREATMENT_KEYS) and (no_treat := NO_TREATMENT_RE.search(text)):
        kind, conf = "no treatment", 0.75
        res.comparator = no_treat.group(0).lower()
    elif design in ("case series", "case report") or uncontrolled() or (
            design in ("non-randomised trial", "cohort") and len(res.studied) <= 1):
        kind, conf = "uncontrolled", 0.6
    elif len(res.studied) > 1 and design in ("rct", "non-randomised trial", "experimental pain model"):
        kind, conf = "active", 0.55  # a combination against its parts
        res.comparator = None
    else:
        kind, conf = "unclear", 0.0
    res.type_source = FieldSource(value=kind, sentence=sentence, confidence=round(conf, 2))
    res.comparator_type = kind if conf >= MIN_CONFIDENCE else "unclear"


_DOSE_KEYS = ("dose", "release", "daily", "dosing", "formulation", "regimen")
_ACTIVE_KEYS = ("active", "customary", "conventional", "standard", "usual", "current", "previous", "existing", "prior")
_NO_TREATMENT_KEYS = ("treatment", "untreated", "care", "waiting", "wait-list", "observation", "no ", "open control",
                      "control group", "reference group")


def _any_in(low: str, keys: tuple[str, ...]) -> bool:
    return any(k in low for k in keys)


def _controlled_addon(res: RolesResult, text: str, fired: set[str]) -> bool:
    """Whether an add-on trial has an arm without the added drug ("B alone", "with or without", "no A")."""
    if "arms" in fired or "added_to" in fired or "addition_of" in fired:
        return True
    return bool(re.search(r"\balone\b|\bwith\s+or\s+without\b|\bno\s+(?:"
                          + "|".join(re.escape(d) for d in res.studied or ["@"]) + ")", text, re.I))


__all__ = ["MIN_CONFIDENCE", "PATTERNS", "RolesResult", "read_roles"]
