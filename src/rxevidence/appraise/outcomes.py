"""Outcomes, their effect direction and effect sizes, and the conclusion sentence.

The direction of a sentence comes from ``rxevidence.appraise.direction.classify_direction``
(the learned classifier) when it is importable, else from the rules here (significance words,
"no significant difference", p-values, confidence intervals that exclude the null). A raw
"increased"/"decreased" is then turned into better/worse by the outcome's polarity: less pain,
disability or harm is better; more relief, tolerance, function or response is better.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..models import OutcomeResult
from . import direction
from .text import Part, split_sentences

# ------------------------------------------------------------------ outcome vocabulary
# (pattern, outcome name, pain dimension or None, polarity: -1 lower is better, +1 higher is better)
_OUTCOMES: tuple[tuple[str, str, str | None, int], ...] = (
    (r"\bpain\s+unpleasantness\b|\bunpleasantness\b|\baffective\s+(?:component|dimension)\b", "pain unpleasantness", "unpleasantness", -1),
    (r"\bpain\s+thresholds?\b|\bthresholds?\s+(?:to|for)\s+pain\b|\bpressure\s+pain\s+thresholds?\b", "pain threshold", "threshold", +1),
    (r"\bpain\s+tolerance\b|\btolerance\s+time\b|\bcold\s+pressor\s+tolerance\b", "pain tolerance", "tolerance", +1),
    (r"\btotpar\b|\bpain\s+relief\b|\btotal\s+pain\s+relief\b|\bspid\b|\bsum\s+of\s+pain\s+intensity\s+differences?\b|\bglobal\s+(?:evaluation|assessment|impression)\b|\bpgic\b", "pain relief", "relief", +1),
    (r"\broland[-\s]morris\b|\boswestry\b|\bodi\b|\bdisability\b|\bfunctional\s+(?:status|ability|capacity|impairment)\b|\bphysical\s+function\w*\b|\bwomac\b|\bactivities\s+of\s+daily\s+living\b|\bfunction\b", "function / disability", "function", 0),
    (r"\bsleep\b|\binsomnia\b", "sleep", "sleep", 0),
    (r"\bpain\s+(?:intensity|severity|scores?|ratings?|levels?)\b|\bvisual\s+analog(?:ue)?\s+scale\b|\bvas\b|\bnrs\b|\bnumeri(?:c|cal)\s+rating\s+scale\b|\bpain\b", "pain intensity", "intensity", -1),
    (r"\bmuscle\s+spasm\b|\bspasm\b|\bmuscle\s+tension\b|\btenderness\b|\bstiffness\b", "muscle spasm / tenderness", "other", -1),
    (r"\brange\s+of\s+motion\b|\bfinger[-\s]to[-\s]floor\b|\bmobility\b|\bflexibility\b", "range of motion", "function", +1),
    (r"\badverse\s+(?:events?|effects?|reactions?)\b|\bside[-\s]effects?\b|\bdrowsiness\b|\bsedation\b|\bsomnolence\b|\bdizziness\b|\btoxicity\b|\bcomplications?\b", "adverse events", None, -1),
    (r"\bmortality\b|\bdeaths?\b|\bsurvival\b", "mortality / survival", None, 0),
    (r"\bquality\s+of\s+life\b|\bqol\b|\bsf-36\b", "quality of life", None, +1),
    (r"\bresponse\s+rates?\b|\bresponders?\b|\bremission\b|\bsuccess\s+rates?\b|\bcure\s+rates?\b|\befficacy\b", "response", None, +1),
    (r"\banxiety\b", "anxiety", None, -1),
    (r"\bdepressi\w+\b", "depression", None, -1),
    (r"\bblood\s+pressure\b", "blood pressure", None, 0),
    (r"\b(?:rescue\s+)?(?:analgesic|opioid|morphine)\s+(?:consumption|use|requirements?)\b|\brescue\s+medication\b", "rescue analgesic use", "other", -1),
    (r"\b(?:headache|migraine)\s+(?:days|frequency|attacks?)\b|\bfrequency\s+of\s+(?:attacks|headaches?|migraines?)\b|\bheadache\s+response\b|\bpain[-\s]free\b", "headache / migraine", "relief", 0),
    (r"\bsatisfaction\b|\bcomfort\b", "satisfaction / comfort", None, +1),
    (r"\banalgesi(?:a|c\s+(?:effect|efficacy|effectiveness|duration))\b|\bduration\s+of\s+analgesia\b", "analgesia", "relief", +1),
)
_OUTCOME_KEYS: dict[str, tuple[str, ...]] = {
    "pain unpleasantness": ("unpleasant", "affective"), "pain threshold": ("threshold",),
    "pain tolerance": ("tolerance",), "pain relief": ("totpar", "relief", "spid", "sum of pain", "global", "pgic"),
    "function / disability": ("roland", "oswestry", "odi", "disabilit", "function", "womac", "daily living"),
    "sleep": ("sleep", "insomnia"),
    "pain intensity": ("pain", "visual analog", "vas", "nrs", "rating scale"),
    "muscle spasm / tenderness": ("spasm", "tension", "tender", "stiff"),
    "range of motion": ("motion", "floor", "mobility", "flexib"),
    "adverse events": ("adverse", "side", "drows", "sedat", "somnol", "dizz", "toxic", "complication"),
    "mortality / survival": ("mortal", "death", "surviv"), "quality of life": ("quality of life", "qol", "sf-36"),
    "response": ("respon", "remission", "success", "cure", "efficacy"), "anxiety": ("anxiety",),
    "depression": ("depressi",), "blood pressure": ("blood pressure",),
    "rescue analgesic use": ("consumption", "use", "requirement", "rescue"),
    "headache / migraine": ("headache", "migraine", "attacks", "pain-free", "pain free"),
    "satisfaction / comfort": ("satisf", "comfort"), "analgesia": ("analgesi",),
}
_OUTCOME_RES = [(re.compile(p, re.I), name, dim, pol, _OUTCOME_KEYS.get(name, ("",))) for p, name, dim, pol in _OUTCOMES]
_POLARITY_WORDS_UP = re.compile(r"\b(?:improv\w*|relief|responders?|response|survival|remission|success|tolerance|threshold|free)\b", re.I)
_LOWER_BETTER_FN = re.compile(r"\broland[-\s]morris\b|\boswestry\b|\bodi\b|\bdisability\b|\bimpairment\b|\bwomac\b", re.I)
_PAIN_FREE = re.compile(r"\bpain[-\s]free\b|\bheadache\s+response\b|\brelief\b", re.I)

# ------------------------------------------------------------------ direction cues
NO_DIFF_RE = re.compile(
    r"\bno\s+(?:statistically\s+)?significant\w*\b|\bnot\s+(?:statistically\s+)?significant\w*\b|\bnon-?significant\w*\b|"
    r"\bdid\s+not\s+(?:significantly\s+)?(?:differ|change|improve|reduce|decrease|increase|affect|alter|show|reach|result)\b|"
    r"\bno\s+(?:difference|differences|change|effect|benefit|advantage)\b|\bwere\s+similar\b|\bwas\s+similar\b|\bsimilar\s+(?:in|between|to|for)\b|"
    r"\bcomparable\b|\bnot\s+differ\w*|\bno\s+(?:greater|higher|more|increased)\s+(?:risk|rate|incidence)\b|\bequivalent\b|\bfailed\s+to\b|\bnot\s+superior\b|\bno\s+better\s+than\b|"
    r"\bn\.?s\.?\b(?=[),;])|\bwas\s+not\s+(?:more|less)\s+effective\b|\bnot\s+(?:more|less)\s+effective\b|\bineffective\b|\bnot\s+effective\b",
    re.I,
)
SIG_RE = re.compile(
    r"\bsignificant(?:ly)?\b|\bsuperior\b|\bmore\s+effective\b|\bbetter\s+than\b|\beffective\b|\befficacious\b|"
    r"\bp\s*(?:<|≤|<=)\s*0?\.0[0-5]\d*|\bp\s*=\s*0?\.0(?:[0-4]\d*|50*)\b",
    re.I,
)
_P_RE = re.compile(r"\b[Pp]\s*(<|>|=|≤|≥|<=|>=)\s*(0?\.\d+|1\.0+|0)(?:\s*[x×]\s*10\s*[-−]\s*\d+)?")
_DOWN_RE = re.compile(
    r"\b(?:reduc\w*|decreas\w*|lower\w*|less(?:er)?|fewer|declin\w*|diminish\w*|attenuat\w*|alleviat\w*|reliev\w*|"
    r"drop\w*|fell|fall|shorter|shorten\w*|suppress\w*|inhibit\w*|prevent\w*|lessen\w*)\b",
    re.I,
)
_UP_RE = re.compile(
    r"\b(?:increas\w*|higher|greater|more|elevat\w*|ris(?:e|es|ing)|rose|longer|prolong\w*|enhanc\w*|rais\w*|augment\w*|"
    r"exceed\w*|doubl\w*)\b",
    re.I,
)
_BETTER_RE = re.compile(
    r"\b(?:improv\w*|superior|more\s+effective|better|benefit\w*|effective|efficacious|relief|beneficial|"
    r"preferable|advantageous|"
    r"favou?r(?:ed|ing)?\s+(?:the\s+)?(?:active|treatment|drug))\b",
    re.I,
)
_WORSE_RE = re.compile(r"\b(?:worse|inferior|less\s+effective|worsen\w*|deteriorat\w*|aggravat\w*|harm\w*)\b", re.I)
# a significant, directional comparison stated in words ("lower than", "superior to", "significantly reduced")
_SIG_DIRECTIONAL_RE = re.compile(
    r"\bsignificantly\s+(?:more|less|better|worse|greater|lower|higher|reduc|increas|improv|decreas|shorter|longer)\w*|"
    r"\b(?:superior|inferior)\s+to\b|\b(?:lower|higher|greater|fewer|more|less|better|worse)\s+(?:\w+\s+){0,3}?than\b",
    re.I,
)
_COMPARISON_RE = re.compile(
    r"\b(?:than|versus|vs\.?|compared|comparison|relative\s+to|over\s+placebo|placebo|control\s+group|"
    r"between\s+(?:the\s+)?(?:groups|treatments)|both\s+groups|treatment\s+groups?|difference)\b",
    re.I,
)
_RESULT_HINT_RE = re.compile(r"\bsignifican|\bp\s*[<=>]|\bci\b|\bconfidence\s+interval|\bdiffer|\bsimilar|\bcompar|\bsuperior|\bversus\b|\bthan\b", re.I)

# ------------------------------------------------------------------ effect sizes
_EFFECT_RE = re.compile(
    r"\b(WMD|SMD|MD|RR|OR|HR|NNT|NNH|ARR|RRR|IRR|"
    r"(?:weighted\s+|standardi[sz]ed\s+)?mean\s+difference|relative\s+risk|risk\s+ratio|odds\s+ratio|hazard\s+ratio|"
    r"rate\s+ratio|risk\s+difference|number\s+needed\s+to\s+(?:treat|harm))\b"
    r"(?:\s*\(\s*(?:WMD|SMD|MD|RR|OR|HR|NNT|RD)\s*\))?\s*(?:=|:|,|of|was|were|is)?\s*(-?\u2212?\d+(?:\.\d+)?)"
    r"(?:\s*(points?|mm|cm|%|days?|hours?))?",
    re.I,
)
_CI_RE = re.compile(
    r"(9[059](?:\.\d)?\s*%\s*(?:CI|CrI|confidence\s+interval|credible\s+interval)s?)\s*(?:=|:|,)?\s*"
    r"[(\[]?\s*(-?\u2212?\d+(?:\.\d+)?)\s*(?:to|-|–|—|,|;)\s*(-?\u2212?\d+(?:\.\d+)?)\s*[)\]]?",
    re.I,
)
_CI_BRACKET_RE = re.compile(r"(-?\d+(?:\.\d+)?)\s*[(\[]\s*(-?\d+(?:\.\d+)?)\s*(?:to|-|–|,)\s*(-?\d+(?:\.\d+)?)\s*[)\]]")
_RATIO_NAMES = ("rr", "or", "hr", "irr", "relative risk", "risk ratio", "odds ratio", "hazard ratio", "rate ratio")

_CONCLUSION_START_RE = re.compile(
    r"^(?:in\s+conclusion|we\s+conclude|these\s+(?:results|findings|data)\s+(?:suggest|indicate|show|demonstrate|support)|"
    r"our\s+(?:results|findings|data)\s+(?:suggest|indicate|show)|this\s+study\s+(?:suggests|shows|demonstrates|indicates)|"
    r"overall|taken\s+together|in\s+summary|thus|therefore|conclusions?)\b",
    re.I,
)


def _float(s: str) -> float | None:
    try:
        return float(s.replace("\u2212", "-"))
    except ValueError:
        return None


@dataclass
class Effect:
    effect: str | None = None
    ci: str | None = None
    p_value: str | None = None
    ci_excludes_null: bool | None = None
    estimate: float | None = None
    ratio: bool = False


def extract_effect(sentence: str) -> Effect:
    """Effect size, confidence interval and p-value as written in ``sentence``."""
    eff = Effect()
    m = _EFFECT_RE.search(sentence)
    if m:
        name = m.group(1)
        eff.effect = f"{name} {m.group(2).replace(chr(0x2212), '-')}" + (f" {m.group(3)}" if m.group(3) else "")
        eff.estimate = _float(m.group(2))
        eff.ratio = name.lower() in _RATIO_NAMES
    c = _CI_RE.search(sentence)
    if c:
        lo, hi = _float(c.group(2)), _float(c.group(3))
        eff.ci = f"{c.group(1)} {c.group(2)} to {c.group(3)}".replace("\u2212", "-")
        if lo is not None and hi is not None:
            null = 1.0 if eff.ratio else 0.0
            if eff.effect is None and lo > 0 and hi > 0 and not re.search(r"\b(?:difference|MD|SMD)\b", sentence):
                # a bare "1.5 (95% CI 1.1 to 2.0)" after a ratio word
                null = 1.0 if re.search(r"\b(?:ratio|RR|OR|HR)\b", sentence, re.I) else 0.0
            eff.ci_excludes_null = (lo > null and hi > null) or (lo < null and hi < null)
    p = _P_RE.search(sentence)
    if p:
        eff.p_value = re.sub(r"\s+", " ", p.group(0)).replace("P", "p", 1) if p.group(0)[0] == "P" else re.sub(r"\s+", " ", p.group(0))
    return eff


def _p_significant(p_text: str | None) -> bool | None:
    if not p_text:
        return None
    m = _P_RE.search(p_text)
    if not m:
        return None
    op, val = m.group(1), _float(m.group(2))
    if val is None:
        return None
    if op in ("<", "≤", "<="):
        return val <= 0.05
    if op in (">", "≥", ">="):
        return False if val >= 0.05 else None
    return val < 0.05


# ------------------------------------------------------------------ direction


@lru_cache(maxsize=1)
def _learned_classifier() -> Callable[..., list[tuple[str, float]]] | None:
    """The learned direction classifier (``appraise.direction``) when importable, else None.

    Prefers its batch form ``classify_directions`` (one call per record); wraps the
    single-sentence ``classify_direction`` otherwise.
    """
    batch = getattr(direction, "classify_directions", None)
    if batch is not None:
        return batch
    single = getattr(direction, "classify_direction", None)
    if single is None:
        return None

    def _batch(sentences: list[str], **prompt: str | None) -> list[tuple[str, float]]:
        return [single(x, **prompt) for x in sentences]

    return _batch


#: Set to False to use the rules only (e.g. to compare, or when the model is too slow for a job).
USE_LEARNED = True


def learned_directions(
    sentences: list[str], *, intervention: str | None = None, comparator: str | None = None,
) -> dict[str, tuple[str, float]]:
    """{sentence: (raw direction, probability)} from the learned classifier, in one batch; {} without it."""
    clf = _learned_classifier() if USE_LEARNED else None
    if clf is None or not sentences:
        return {}
    uniq = list(dict.fromkeys(sentences))
    try:
        labels = clf(uniq, intervention=intervention, comparator=comparator, outcome=None)
    except Exception:  # noqa: BLE001 - a model failure (missing weights...) must not stop appraisal
        return {}
    return dict(zip(uniq, labels, strict=False))


def rule_direction(sentence: str) -> tuple[str | None, str | None, float]:
    """(raw direction, polarity-free judgement, confidence) of one sentence, by rules.

    raw: "increased" | "decreased" | "no difference" | None. The judgement is "better"/"worse"
    when the sentence says so in words that carry their own polarity ("improved", "superior").
    """
    eff = extract_effect(sentence)
    no_diff = bool(NO_DIFF_RE.search(sentence))
    directional = bool(_SIG_DIRECTIONAL_RE.search(sentence))
    if no_diff and directional:
        return None, "mixed", 0.5
    if no_diff:
        return "no difference", None, 0.75
    if _BETTER_RE.search(sentence) and _WORSE_RE.search(sentence):
        return None, "mixed", 0.5
    sig_p = _p_significant(eff.p_value)
    significant = bool(SIG_RE.search(sentence)) or sig_p is True or eff.ci_excludes_null is True or directional
    if sig_p is False or eff.ci_excludes_null is False:
        if not re.search(r"\bsignificant", sentence, re.I):
            return "no difference", None, 0.6
    if not significant:
        # a judgement in words still counts in a conclusion ("adding X improved pain relief")
        if _WORSE_RE.search(sentence):
            return None, "worse", 0.4
        if _BETTER_RE.search(sentence):
            return None, "better", 0.4
        return None, None, 0.0
    judgement = None
    if _WORSE_RE.search(sentence):
        judgement = "worse"
    elif _BETTER_RE.search(sentence):
        judgement = "better"
    down = _DOWN_RE.search(sentence)
    up = _UP_RE.search(sentence)
    raw = None
    if down and (not up or down.start() < up.start()):
        raw = "decreased"
    elif up:
        raw = "increased"
    if raw is None and eff.estimate is not None and eff.ci_excludes_null:
        null = 1.0 if eff.ratio else 0.0
        raw = "increased" if eff.estimate > null else "decreased"
    return raw, judgement, 0.7 if raw or judgement else 0.3


def outcome_of(sentence: str) -> tuple[str, str | None, int] | None:
    """(name, pain dimension, polarity) of the outcome a sentence talks about, or None."""
    low = sentence.lower()
    for rx, name, dim, pol, keys in _OUTCOME_RES:
        if not any(k in low for k in keys):
            continue
        m = rx.search(sentence)
        if m:
            if pol == 0:
                if name == "function / disability":
                    pol = -1 if _LOWER_BETTER_FN.search(m.group(0)) else +1
                elif name == "headache / migraine":
                    pol = +1 if _PAIN_FREE.search(sentence) else -1
                elif name == "mortality / survival":
                    pol = +1 if "surviv" in m.group(0).lower() else -1
                else:
                    pol = -1
            if name == "pain intensity" and re.search(r"\bpain\s+relief\b", sentence, re.I):
                return "pain relief", "relief", +1
            return name, dim, pol
    return None


def to_patient_direction(raw: str | None, judgement: str | None, polarity: int, sentence: str) -> str:
    """Map a raw change to better/worse for the patient, using the outcome's polarity."""
    if raw == "no difference":
        return "no difference"
    if judgement == "mixed":
        return "mixed"
    # the comparator as the grammatical subject flips the reading ("placebo was superior to X")
    flipped = bool(re.match(r"^\s*(?:the\s+)?(?:placebo|control)\b", sentence, re.I))
    if judgement in ("better", "worse") and not (raw and judgement == "better" and _UP_RE.search(sentence) and polarity < 0 and not _BETTER_RE.search(sentence)):
        d = judgement
    elif raw in ("increased", "decreased"):
        up = raw == "increased"
        d = "better" if (up and polarity > 0) or (not up and polarity < 0) else "worse"
    else:
        return "unclear"
    if flipped:
        d = {"better": "worse", "worse": "better"}.get(d, d)
    return d


def sentence_direction(
    sentence: str, *, polarity: int, learned: tuple[str, float] | None = None,
) -> tuple[str, str | None, float]:
    """(patient direction, raw direction, confidence) for one sentence.

    ``learned`` is the classifier's (raw direction, probability) for the sentence, if any.
    """
    raw, judgement, conf = rule_direction(sentence)
    if judgement == "mixed":  # both directions (or a difference and a non-difference) in one sentence
        return "mixed", raw, conf
    if learned is not None and learned[1] >= 0.5:
        label, prob = learned
        if label == "no difference" and (judgement is None or prob >= 0.8):
            raw, judgement, conf = label, None, float(prob)
        elif label in ("increased", "decreased") and (judgement is None or raw is None or raw == label):
            # the classifier reads the quantity; a judgement in words ("improved", "superior") is kept
            # because it already carries the patient's side
            raw, conf = label, float(prob)
    return to_patient_direction(raw, judgement, polarity, sentence), raw, conf


# ------------------------------------------------------------------ putting it together


@dataclass
class OutcomesResult:
    outcomes: list[OutcomeResult]
    direction: str
    finding: str | None


def conclusion_sentences(parts: list[Part]) -> list[str]:
    """The CONCLUSION(S) section's sentences, else the last sentences that read like a conclusion."""
    concl = [p for p in parts if p.label == "CONCLUSIONS"]
    if concl:
        return split_sentences(" ".join(p.text for p in concl))
    sents = [s for p in parts for s in split_sentences(p.text)]
    if not sents:
        return []
    tail = sents[-3:]
    marked = [s for s in tail if _CONCLUSION_START_RE.search(s)]
    if marked:
        return marked
    return sents[-1:]


def _phase(sentence: str, text: str) -> str | None:
    if re.search(r"\bacute\b", sentence, re.I):
        return "acute"
    if re.search(r"\bchronic\b", sentence, re.I):
        return "chronic"
    if re.search(r"\bacute\b", text, re.I) and not re.search(r"\bchronic\b", text, re.I):
        return "acute"
    if re.search(r"\bchronic\b", text, re.I) and not re.search(r"\bacute\b", text, re.I):
        return "chronic"
    return None


def extract_outcomes(
    parts: list[Part], *, intervention: str | None = None, comparator: str | None = None, max_outcomes: int = 6,
    overall: bool = True,
) -> OutcomesResult:
    """Outcomes with directions from the result sentences, the overall direction and the finding.

    ``overall=False`` skips the overall direction and finding (the appraiser reads those with
    :mod:`rxevidence.appraise.effect`); the learned classifier then reads only the sentences the rules
    leave without a direction.
    """
    text = " ".join(p.text for p in parts)
    results = [p for p in parts if p.label == "RESULTS"]
    if results:
        candidates = [s for p in results for s in split_sentences(p.text)]
    else:
        all_s = [s for p in parts if p.label not in ("BACKGROUND", "METHODS", "CONCLUSIONS") for s in split_sentences(p.text)]
        candidates = [s for s in all_s[1:] if _RESULT_HINT_RE.search(s)]
    picked: list[tuple[str, str, str | None, int]] = []
    seen: set[str] = set()
    for s in candidates:
        oc = outcome_of(s)
        if oc is None or oc[0] in seen:
            continue
        if not (_RESULT_HINT_RE.search(s) or SIG_RE.search(s) or NO_DIFF_RE.search(s)):
            continue
        seen.add(oc[0])
        picked.append((s, *oc))
        if len(picked) >= max_outcomes + 2:
            break
    concl = conclusion_sentences(parts) if overall else []
    to_learn = [p[0] for p in picked] if overall else [p[0] for p in picked if rule_direction(p[0])[:2] == (None, None)]
    learned = learned_directions(to_learn + concl, intervention=intervention, comparator=comparator)
    outcomes: list[OutcomeResult] = []
    primary_idx: int | None = None
    for s, name, dim, pol in picked:
        direction, raw, _conf = sentence_direction(s, polarity=pol, learned=learned.get(s))
        if direction == "unclear" and raw is None and not _COMPARISON_RE.search(s):
            continue
        eff = extract_effect(s)
        if primary_idx is None and re.search(r"\bprimary\b", s, re.I):
            primary_idx = len(outcomes)
        outcomes.append(OutcomeResult(
            name=name,
            pain_dimension=dim,
            phase=_phase(s, text) if dim is not None else None,
            direction=direction,
            raw_direction=raw,
            effect=eff.effect,
            ci=eff.ci,
            p_value=eff.p_value,
            evidence_sentence=s,
        ))
        if len(outcomes) >= max_outcomes:
            break
    finding = concl[0] if concl else None
    # the conclusion sentence that carries a judgement is the better finding
    overall_direction: str = "unclear"
    for s in concl:
        oc = outcome_of(s)
        raw2, judgement, _ = rule_direction(s)
        if oc is not None:
            d, _raw, _c = sentence_direction(s, polarity=oc[2], learned=learned.get(s))
        else:
            # no known outcome, so no polarity: only a judgement in words or "no difference" counts
            lab = learned.get(s)
            no_diff = raw2 == "no difference" or (lab is not None and lab[0] == "no difference" and lab[1] >= 0.8
                                                  and judgement is None)
            d = "no difference" if no_diff else "unclear"
        if d == "unclear" and judgement:
            d = judgement
        if d != "unclear":
            overall_direction, finding = d, s
            break
    if overall_direction == "unclear" and outcomes:
        if primary_idx is not None and outcomes[primary_idx].direction != "unclear":
            overall_direction = outcomes[primary_idx].direction
        else:
            ds = {o.direction for o in outcomes if o.name != "adverse events" and o.direction != "unclear"}
            if len(ds) == 1:
                overall_direction = ds.pop()
            elif len(ds) > 1:
                overall_direction = "mixed"
    return OutcomesResult(outcomes=outcomes, direction=overall_direction, finding=finding)
