"""Which way the studied drug did on the primary efficacy outcome, read from the conclusions and the results.

A reader of an abstract looks at the conclusion first ("X is effective", "X was not superior to placebo",
"X was as effective as Y"), then, when the conclusion does not judge, at the result of the primary outcome.
This module does the same, clause by clause:

- a clause about tolerability or harms ("and was well tolerated", "with fewer adverse events") is skipped:
  it says nothing about whether the drug works;
- "no significant difference", "as effective as", "did not differ", "failed to", "not superior",
  "neither ... outperformed placebo" read as *no difference*; negated praise ("was not effective") too;
- "effective", "superior", "significantly better / more / greater / reduced / improved", "benefit" read as
  *better*; "less effective", "inferior", "worse" as *worse*;
- when the comparator (placebo, or the comparator drug) is the subject of a comparison ("placebo was superior
  to X"), the reading flips; a change with no judgement word ("X reduced mortality") takes the outcome's
  polarity (less mortality, fewer attacks, lower blood pressure are better; more responders, healing,
  survival, exercise time are better).

Conclusion sentences that disagree (a benefit on one outcome, none on another) make *mixed*. Every reading
keeps its sentence and a confidence; below :data:`MIN_CONFIDENCE` the direction is "unclear".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import FieldSource
from .effect_cues import (
    _ARMS_WORDS,
    _BASELINE,
    _BOTH,
    _BOTH_NAMED,
    _CHANGE_NOUN_DOWN,
    _CHANGE_NOUN_UP,
    _CLAUSE_SPLIT,
    _DOWN,
    _EFFICACY_NEAR,
    _HEDGE,
    _INTERNAL,
    _NEG_BEFORE,
    _OTHER_PEOPLE,
    _PLACEBO_T,
    _TARGETED,
    _UP,
    BETTER,
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    NEGATED_BETTER,
    NO_DIFF,
    SAFETY_CLAUSE,
    WORSE,
)
from .marking import has_non_significant_stats, has_significant_stats, mark_stats, normalize
from .structure import AbstractView
from .text import MIN_CONFIDENCE
from .text import rx as _rx


@dataclass
class DirectionResult:
    direction: str = "unclear"
    source: FieldSource = field(default_factory=FieldSource)
    finding: str | None = None  # the sentence the direction was read in
    primary_outcome: str | None = None
    primary_sentence: str | None = None


@dataclass(frozen=True)
class Reading:
    direction: str
    confidence: float
    target: str | None  # "placebo", "active" (a comparator drug), None (no comparison named)
    sentence: str
    both: bool = False  # "both drugs were effective": each worked (yields to a difference stated beside it)


def _flip(d: str) -> str:
    return {"better": "worse", "worse": "better"}.get(d, d)


def _mark(text: str, studied: list[str], comparators: list[str]) -> str:
    """Studied drugs as ``@S<k>@``, comparator drugs as ``@C<k>@`` (lower-case names matched as words)."""
    out = text
    for tag, names in (("S", studied), ("C", comparators)):
        for k, d in enumerate(names):
            if d:
                out = re.sub(rf"\b{re.escape(d)}\b", f"@{tag}{k}@", out, flags=re.I)
    return out


_NP_END = re.compile(r"\b(?:than|versus|vs\.?|compared|relative|when|if|after|during|from|at|by|among|with|was|were|"
                     r"is|are|had|has)\b|[;,(]|\band\s+(?=\w+(?:s|ed)\b|(?:an?\s+)?significant)", re.I)


_TIME_TO_GOOD = _rx(r"\b(?:recovery|healing|resolution|discharge|extubation|awakening|emergence)\s+times?\b|\btimes?\s+to\s+"
                    r"(?:[\w-]+\s+){0,2}?(?:recovery|healing|resolution|relief|remission|discharge|extubation|awakening|"
                    r"cure|clearance|eradication|onset\s+of\s+(?:action|analgesia|relief|effect))\b|\blength\s+of\s+"
                    r"(?:hospital\s+)?stay\b|\bduration\s+of\s+(?:hospital\s+stay|hospitali[sz]ation|illness|fever|diarrh\w+)\b")


def _polarity(text: str, at: int, span: int = 90) -> int:
    """+1 when more of what follows ``at`` is better, -1 when less is, 0 unknown.

    The outcome is the head of the noun phrase after the change word ("greater 2-h headache *response*",
    "reduction in *albuminuria*"): the last outcome word before the phrase ends."""
    window = text[at:at + span]
    end = _NP_END.search(window, 1)
    np_ = window[:end.start()] if end else window
    nxt = re.search(r"\bsignifican", window[1:], re.I)
    if nxt:
        window = window[:nxt.start() + 1]  # "an increase in X, and a significant decrease in Y": that one is about Y
    if _TIME_TO_GOOD.search(np_):
        return -1  # "a shorter time to healing", "recovery time": less time to a good state is better
    terms = [(m.start(), +1) for m in HIGHER_IS_BETTER.finditer(np_)] + [
        (m.start(), -1) for m in LOWER_IS_BETTER.finditer(np_)]
    if terms:
        # an evaluative word ("response", "relief", "effective") rules its modifiers ("headache response")
        return +1 if any(t[1] > 0 for t in terms) else -1
    lo = LOWER_IS_BETTER.search(window)
    hi = HIGHER_IS_BETTER.search(window)
    if hi and (not lo or hi.start() < lo.start()):
        return +1
    if lo:
        return -1
    before = text[max(0, at - 60):at]
    if _TIME_TO_GOOD.search(before):
        return -1
    if HIGHER_IS_BETTER.search(before):
        return +1
    if LOWER_IS_BETTER.search(before):
        return -1
    return 0


def _change_direction(word: str, rest: str, text: str, at: int) -> str | None:
    """better/worse for a change word ("reduced", "greater fall", "higher") by the polarity of what changed."""
    up = bool(_UP.match(word))
    noun = _CHANGE_NOUN_DOWN.match(rest) or _CHANGE_NOUN_UP.match(rest)
    if _CHANGE_NOUN_DOWN.match(rest):
        up = False
    elif _CHANGE_NOUN_UP.match(rest):
        up = True
    if noun:
        # "greater reduction in albuminuria": the outcome follows the change noun
        after = rest[noun.end():]
        obj = re.match(r"\s*(?:in|of)\s+", after)
        at = at + noun.end() + (obj.end() if obj else 0)
    pol = _polarity(text, at)
    if pol == 0:
        # an unnamed fall is taken as a gain, except a "loss" ("greater bone loss" is no benefit)
        return None if up or (noun and noun.group(0).lower().rstrip().endswith("loss")) else "better"
    return "better" if (up and pol > 0) or (not up and pol < 0) else "worse"


_TARGET_KEYS = ("placebo", "control", "vehicle", "sham", "untreated", "@", "other", "monotherap", "conventional",
                "immediate", "standard", "usual", "individual")


_DEGREE_WORDS = frozenset({"extent", "degree", "so", "markedly", "effectively", "rapidly", "quickly", "often"})
_CONNECTORS = frozenset({"a", "an", "the", "than", "to", "over", "versus", "vs", "with", "compared", "relative", "from",
                         "as", "that", "of", "those", "in", "on", "patients", "receiving", "given", "treated", "seen",
                         "observed", "significantly", "statistically", "did", "was", "were"})
_CHANGE_VERB = _rx(r"\b(?P<v>reliev\w*|improv\w*|alleviat\w*|enhanc\w*|reduc\w*|decreas\w*|lower(?:ed|s|ing)|"
                   r"increas\w*|rais\w*|prolong\w*|shorten\w*|attenuat\w*|suppress\w*|prevent\w*)\b")
_GOOD_VERB = re.compile(r"reliev|improv|alleviat|enhanc", re.I)


def _verb_degree(first: str, cmp: str, clause: str, start: int) -> str | None:
    """better/worse when "more" / "to a greater extent" only grades the verb before it ("X relieved itching to a
    greater extent than placebo", "X reduced pain scores more than placebo"): the verb's own direction (a benefit
    verb is better; a change verb takes the polarity of what it changed), reversed for "less"; None when the
    comparison word names its own outcome ("greater pain relief than", "higher response rates than")."""
    low = first.lower()
    if low not in ("more", "greater", "larger", "less", "smaller"):
        return None
    rest = [w for w in re.findall(r"[\w@-]+", cmp.lower())[1:] if w not in _CONNECTORS]
    if len(rest) > 2 or any(w not in _DEGREE_WORDS for w in rest):
        return None
    head = clause[max(0, start - 90):start]
    verbs = list(_CHANGE_VERB.finditer(head))
    if not verbs:
        return None
    v = verbs[-1]
    if _GOOD_VERB.match(v.group("v")):
        d = "better"
    else:
        offset = max(0, start - 90)
        d0 = _change_direction(v.group("v"), clause[offset + v.end():], clause, offset + v.end())
        if d0 is None:
            return None
        d = d0
    return _flip(d) if low in ("less", "smaller") else d


def _targeted(clause: str) -> list[tuple[str, str, float, int]]:
    """(direction, target, confidence, position) of each comparison with a named target in a marked clause."""
    out: list[tuple[str, str, float, int]] = []
    low = clause.lower()
    if not any(k in low for k in _TARGET_KEYS) and not any(w[:1].isupper() for w in clause.split()[1:]):
        return out
    for m in _TARGETED.finditer(clause):
        cmp = m.group("cmp").lower()
        tgt = m.group("target").lower()
        target = "placebo" if _PLACEBO_T.search(tgt) else ("studied" if "@s" in tgt else "active")
        if _BASELINE.search(clause):
            continue
        then = _THAN_TARGET.match(clause, m.end("target")) if target == "studied" else None
        if then:
            # "higher with S than with C": S is where the change was seen, the comparison target follows "than"
            target = "placebo" if _PLACEBO_T.search(then.group("t")) else "active"
            m_end_target = then.start("t")
        else:
            m_end_target = m.start("target")
        neg = bool(_NEG_BEFORE.search(clause[max(0, m.start() - 45):m.start()]))
        link = clause[m.end("cmp"):m.start("target")].lower()
        if _GAIN_NOUN.match(cmp) and re.search(r"\b(?:from|with)\b", link) and not _COMPARES.search(link):
            continue  # "a significant improvement with X", "benefit from X": X is the agent, not a comparator
        if re.match(r"superior|more\s+eff|better|outperform|advantage", cmp):
            d = "no difference" if neg else "better"
        elif re.match(r"inferior|less\s+eff|worse", cmp):
            d = "no difference" if neg else "worse"
        elif re.match(r"similar|comparable|equivalent|equal|as\s+|non-?inferior|useful|suitable|valuable|effective", cmp):
            d = "no difference"
        elif cmp.startswith("different"):
            d = "no difference" if neg else "unclear"
        elif re.match(r"(?:significant\s+)?(?:improvement|relief|benefit)", cmp):
            d = "no difference" if neg else "better"
        else:
            first = cmp.split()[0]
            if first == "significant":
                first = cmp.split()[1]
            at = m.start() + cmp.find(first) + len(first)
            d0 = _verb_degree(first, cmp + " " + clause[m.end("cmp"):m_end_target], clause, m.start())
            if d0 is None:
                d0 = _change_direction(first, clause[at:], clause, at)
            if d0 is None:
                continue
            d = "no difference" if neg else d0
        if d == "unclear":
            continue
        group = _GROUP_IN.search(clause[m.start("cmp"):m.start("target")]) if target == "studied" else None
        if then:
            out.append((d, target, 0.85, m.start()))
            continue
        if group:
            # "higher in the C group than in the S group": the comparator's arm is named before "than"
            out.append((_flip(d), "placebo" if _PLACEBO_T.search(group.group(0)) else "active", 0.85, m.start()))
            continue
        # who is compared with the target: the subject before the comparison word
        head = clause[:m.start()]
        subj = list(re.finditer(r"@([SC])\d+@|\b(placebo|control\s+group|controls)\b", head, re.I))
        if subj:
            last = subj[-1]
            if (last.group(1) or "").upper() == "C" or last.group(2):
                if target in ("studied",):
                    d, target = _flip(d), ("placebo" if last.group(2) else "active")
                elif target == "placebo" and (last.group(1) or "").upper() == "C":
                    continue  # the comparator against placebo: not the studied drug's result
        elif target == "studied":
            continue
        out.append((d, target, 0.85, m.start()))
    return out


_THAN_TARGET = _rx(r"\s*(?:\([^()]*\)\s*)?(?:(?:groups?|arms?|patients|subjects|treatment|therapy)\s+)?,?\s*(?:than|versus|"
                  r"vs\.?|compared\s+(?:with|to))\s+(?:with\s+|in\s+(?:the\s+)?|(?:those|patients)\s+(?:on|receiving|given|"
                  r"treated\s+with|in\s+the)\s+)?(?P<t>@C\d+@|placebo|controls?|vehicle|sham|untreated)")
_GAIN_NOUN = _rx(r"(?:significant\s+)?(?:improvement|reduction|relief|benefit)s?\b")
_GROUP_IN = _rx(r"\b(?:in|with|among|for)\s+(?:the\s+)?(?:@C\d+@|placebo|control|untreated|sham|vehicle)")


def _blank_safety(low: str) -> str:
    """The clause with its harm words and the words just before them ("improved compliance") blanked out."""
    out = low
    for m in SAFETY_CLAUSE.finditer(low):
        prev = re.search(r"(?:improv\w*|better|reduc\w*|fewer|less|lower|decreas\w*|increas\w*|higher|more)\s+$",
                         low[max(0, m.start() - 15):m.start()])
        a = m.start() - (len(prev.group(0)) if prev else 0)
        out = out[:a] + " " * (m.end() - a) + out[m.end():]
    return out


_CONTROL_ARM_ONLY = _rx(r"^\W*(?:in|within|among)\s+(?:the\s+)?(?:placebo|control|untreated|sham|vehicle)[-\s]*"
                       r"(?:treated\s+)?(?:groups?|arms?|patients|subjects|participants|recipients)?\b\s*,?")
_CONTROL_NO_CHANGE = _rx(r"^\W*(?:and\s+)?there\s+(?:was|were)\s+no\s+(?:significant\s+)?(?:effect|change|changes|"
                         r"improvement|response)\s+(?:of|with|in|on)\s+(?:the\s+)?(?:placebo|control|sham|vehicle)\b"
                         r"|^\W*(?:and\s+)?(?:the\s+)?(?:placebo|control|sham|vehicle)\s+(?:group\s+|arm\s+|infusion\s+)?"
                         r"(?:had|showed|produced|caused)\s+no\b"
                         r"|^\W*(?:but\s+)?not\s+(?:in|with|among|for)\s+(?:the\s+)?(?:placebo|controls?|untreated|sham|vehicle)\b"
                         r"|^\W*(?:in\s+contrast,?\s+)?(?:the\s+)?(?:placebo|control|untreated|sham)\s+(?:group|arm|patients|subjects)"
                         r"\s+(?:did\s+not\s+(?:show|change|improve|differ)|showed\s+no|had\s+no)\b")
_COMPARES = _rx(r"\b(?:than|versus|vs\.?|compared|relative\s+to|difference\s+between)\b")


_BALANCE = _rx(r"\b(?:(?P<risk>(?:health\s+)?risks?|harms?)\s+(?:clearly\s+|far\s+)?(?:exceeded?|exceeds|outweigh\w*)\s+"
              r"(?:the\s+|any\s+|its\s+)?(?:\w+\s+)?benefits?|benefits?\s+(?:clearly\s+|far\s+)?(?:exceeded?|exceeds|"
              r"outweigh\w*)\s+(?:the\s+|any\s+|its\s+)?(?:\w+\s+)?(?:risks?|harms?))\b")
_RISK_AND_BENEFIT = _rx(r"\b(?:risks?|harms?)\s*(?:and|or|versus|vs\.?|/|-)\s*benefits?\b|\bbenefits?\s*(?:and|or|versus|"
                        r"vs\.?|/|-)\s*(?:risks?|harms?)\b")


def clause_readings(clause: str, studied: list[str], comparators: list[str]) -> list[Reading]:
    """The readings of one clause about efficacy (none when it is about harms or judges nothing)."""
    low = clause.lower()
    if (_CONTROL_ARM_ONLY.match(low) or _CONTROL_NO_CHANGE.search(low)) and not _COMPARES.search(low):
        return []  # "in the placebo group, no significant change was seen": the control arm alone, no comparison
    if SAFETY_CLAUSE.search(low) and not _EFFICACY_NEAR.search(_blank_safety(low)):
        return []
    balance = _BALANCE.search(low)
    if balance:
        # "overall health risks exceeded benefits", "the benefits outweigh the risks": the trial's own verdict
        return [Reading("worse" if balance.group("risk") else "better", 0.8, None, clause)]
    # "the balance of risks and benefits", "a risk-benefit profile": names the question, judges nothing
    low = _RISK_AND_BENEFIT.sub(" ", low)
    clause = _RISK_AND_BENEFIT.sub(lambda m: " " * len(m.group(0)), clause)
    if not low.strip(" .,;"):
        return []
    hedge = 0.1 if _HEDGE.search(low) else 0.0
    # "significant and comparable relief versus placebo": both arms beat placebo, alike
    clause = re.sub(r"\b(significant\w*)\s+and\s+(?:similar|comparable)\b", r"\1", clause, flags=re.I)
    marked = _mark(clause, studied, comparators)
    readings: list[Reading] = []
    target: str | None  # a named target in the loop; placebo or none for the whole clause after it
    for d, target, conf, at in _targeted(marked):
        # a comparison of harms inside an efficacy sentence ("a tolerability profile comparable to that of Y")
        window = marked[max(0, at - 60):at].lower()
        sm = list(SAFETY_CLAUSE.finditer(window))
        em = list(_EFFICACY_NEAR.finditer(window))
        if sm and (not em or sm[-1].start() > em[-1].start()):
            continue
        readings.append(Reading(d, conf - hedge, target, clause))
    if readings:
        return readings
    both = bool(_BOTH.search(low)) or bool(_BOTH_NAMED.search(marked))
    nd = NO_DIFF.search(clause)
    worse = WORSE.search(clause)
    better = BETTER.search(clause)
    target = "placebo" if _PLACEBO_T.search(low) else None
    if nd and better and better.start() < nd.start() and re.search(
            r"\bsignificant\w*\s+(?:\w+\s+){0,3}(?:reduc|improv|better|greater|lower|decreas)", clause[:nd.start()], re.I):
        return [Reading("mixed", 0.55, target, clause)]
    if nd and (_BASELINE.search(clause) or _OTHER_PEOPLE.search(clause)):
        return []  # alike at baseline, or alike to another population ("similar to that of younger patients")
    if nd:
        about_arms = "@" in marked or target or _ARMS_WORDS.search(clause)
        if target is None and (_INTERNAL.search(clause) or ("@S" in marked and "@C" in marked)):
            # "the three doses were similar to one another", "X did not differ from Y": not against placebo
            target = "active"
        return [Reading("no difference", (0.8 if about_arms else 0.55) - hedge, target, clause)]
    if NEGATED_BETTER.search(clause):
        return [Reading("no difference", 0.65 - hedge, target, clause)]
    if worse and not better:
        # "prevent worsening", "attenuated the deterioration": the drug stopped a bad change
        if _DOWN.search(clause[max(0, worse.start() - 40):worse.start()]) or re.search(
                r"\b(?:without|no|prevent\w*|avoid\w*)\s+(?:\w+\s+){0,2}$", clause[max(0, worse.start() - 30):worse.start()],
                re.I) or _DOWN.search(clause[worse.end():worse.end() + 40]):
            return [Reading("better", 0.6 - hedge, target, clause)]
        d, at = "worse", worse.start()
    elif better:
        at = better.start()
        word = better.group(0)
        d = "better"
        change = re.search(r"(?:reduc|decreas|lower|less|fewer|prevent|increas|higher|greater|more|prolong|longer|"
                           r"shorter|rais|enhanc|attenuat|fall|drop|declin|rise)\w*", word, re.I)
        if change and not re.search(r"effective|efficac|superior|better|benefi|improv|relie|outperform|useful|impeded|"
                                    r"^provid|resolution|protect|\beffects?\b|"
                                    r"slowed|^(?:may|might|could|can)\s", word, re.I):
            d0 = _change_direction(change.group(0), clause[better.end():], clause, better.end())
            if d0 is None:
                # the first change word names an outcome of unknown polarity: try the next one
                later = BETTER.search(clause, better.end())
                return clause_readings(clause[later.start():], studied, comparators) if later else []
            d = d0
            conf = 0.65 if re.search(r"significan", word, re.I) else 0.6
            return [Reading(d, conf - hedge, target, clause)]
    else:
        numeric = _numeric_reading(marked)
        return [Reading(numeric[0], numeric[1] - hedge, numeric[2], clause)] if numeric else []
    if re.match(r"^\s*(?:the\s+)?(?:placebo|control)\b", clause, re.I) and not re.search(
            r"\b(?:than|versus|vs\.?|compared)\b", clause[:at], re.I):
        d = _flip(d)
    if both and target is None:
        # "both drugs were effective" in a comparison of two drugs: each worked, neither beat the other
        return [Reading("no difference", 0.55 - hedge, "active", clause, both=True)]
    return [Reading(d, 0.8 - hedge, target, clause)]


_ARM = r"(?:the\s+)?(?:@[SC]\d+@|placebo|controls?|vehicle|sham)(?:[\s-]+(?:group|arm|patients|treated))?"
_UNIT = r"\s*(?:%|mm\s*hg|points?|mg/dl|mmol/l|days?|hours?|h|kg|ml|min(?:utes)?)?\s*(?:\([^()]{0,40}\)\s*)?"
_VALUE = r"[-−]?\s?\d+(?:[.·]\d+)?"
_NUMBERS = _rx(rf"(?P<v1>{_VALUE}){_UNIT}(?:with|in|for|on|of|after)\s+(?P<a1>{_ARM})\s*(?:\([^()]{{0,40}}\)\s*)?,?\s*"
               rf"(?:and|vs\.?|versus|compared\s+(?:with|to))\s+(?P<v2>{_VALUE}){_UNIT}(?:with|in|for|on|of|after)\s+"
               rf"(?P<a2>{_ARM})")
_DOWN_NOUN = _rx(r"\b(?:reductions?|decreases?|falls?|declines?|drops?|lowering|loss)\b")


def _numeric_reading(marked: str) -> tuple[str, float, str] | None:
    """"60% with X and 30% with placebo (p < 0.001)": the studied arm's figure against the other arm's, read by
    the outcome's polarity (named before the figures); no difference when the clause's statistics say so."""
    m = _NUMBERS.search(marked)
    if not m:
        return None
    a1, a2 = m.group("a1").lower(), m.group("a2").lower()
    if ("@s" in a1) == ("@s" in a2):
        return None
    other = a2 if "@s" in a1 else a1
    target = "active" if "@c" in other else "placebo"
    stats = mark_stats(normalize(marked))
    if not has_significant_stats(stats):
        return ("no difference", 0.7, target) if has_non_significant_stats(stats) else None
    v1, v2 = (float(re.sub(r"\s", "", m.group(k)).replace("−", "-").replace("·", ".")) for k in ("v1", "v2"))
    if v1 == v2:
        return None
    studied_higher = (v1 > v2) == ("@s" in a1)
    head = marked[:m.start()]
    pol = 1 if HIGHER_IS_BETTER.search(head) else (-1 if LOWER_IS_BETTER.search(head) else 0)
    if pol == 0:
        return None
    if _DOWN_NOUN.search(head):
        pol = -pol  # "a mean reduction in pain of 3.1 with X vs 1.2 with placebo": more reduction is better
    return ("better" if studied_higher == (pol > 0) else "worse"), 0.7, target


_TREND = _rx(r"\b(?:trend\w*|tended|numerically)\b")
_SIGNIFICANT = _rx(r"\bsignifican\w*")


def _stats_show_no_difference(clause: str) -> bool:
    """The clause's own statistics say the difference was not shown: only non-significant p-values (or a
    "trend"), no significant one, and no "significant" outside a negation ("p = 0.35", "a trend toward")."""
    if not any(ch.isdigit() for ch in clause) and not _TREND.search(clause):
        return False
    marked = mark_stats(normalize(clause))
    if has_significant_stats(marked):
        return False
    if _SIGNIFICANT.search(NO_DIFF.sub(" ", clause)):
        return False
    return has_non_significant_stats(marked) or bool(_TREND.search(clause))


def sentence_readings(sentence: str, studied: list[str], comparators: list[str]) -> list[Reading]:
    """The efficacy readings of a sentence, clause by clause; a benefit (or harm) the clause's own statistics
    show as non-significant reads as no difference."""
    out: list[Reading] = []
    for c in _CLAUSE_SPLIT.split(sentence):
        if c and _NOT_SIGNIFICANTLY_SO.match(c) and out:
            # "X was better than placebo, but not significantly so": the difference was not shown
            out = [Reading("no difference", r.confidence, r.target, sentence) for r in out]
            continue
        if c and c.strip():
            rs = clause_readings(c, studied, comparators)
            if any(r.direction in ("better", "worse", "mixed") for r in rs) and _stats_show_no_difference(c):
                rs = [Reading("no difference", r.confidence, r.target, r.sentence) for r in rs]
            out.extend(r if r.sentence == sentence else Reading(r.direction, r.confidence, r.target, sentence, r.both)
                       for r in rs)
    if any(r.both for r in out) and any(r.direction in ("better", "worse") for r in out):
        # "both were effective; however, X gave greater relief": the difference stated beside it is the finding
        out = [r for r in out if not r.both]
    return out


_NOT_SIGNIFICANTLY_SO = _rx(r"^\s*(?:(?:although|though|but)\s+)?not\s+(?:statistically\s+)?significant(?:ly)?(?:\s+so)?"
                            r"\s*[.,]?\s*$")
_PRIMARY_RE = _rx(r"\bprimary\s+(?:efficacy\s+)?(?:end[-\s]?points?|outcomes?|efficacy\s+(?:variable|measure|"
                  r"criterion|parameter|assessment)|measures?|variables?|criterion)\b|\bmain\s+(?:outcome|end[-\s]?point)s?"
                  r"\b|\bprimary\s+(?:efficacy\s+)?analysis\b")
_PRIMARY_NAME = _rx(r"\bprimary\s+(?:efficacy\s+)?(?:end[-\s]?points?|outcomes?(?:\s+measures?)?|efficacy\s+(?:variable|"
                    r"measure|criterion|parameter|assessment)|measures?|variables?)\s+(?:was|were|is|:)\s+"
                    r"(?:the\s+)?([^.;]{3,120}?)(?:[.;]|,\s+(?:and|analy[sz]ed|defined|measured)|\s+\(|$)")
_PREFERRED_TARGET = {"placebo": "placebo", "no treatment": "placebo", "add-on": "placebo", "active": "active",
                     "dose": "active"}


def _with_forms(names: list[str], mentions: dict[str, list[str]], text: str) -> list[str]:
    """The drugs' names plus the words the abstract uses for them: the mentions the drug finder matched
    ("valproate" for valproic acid) and an abbreviation defined after a name ("urodilatin (URO)")."""
    out: list[str] = []
    for d in names:
        forms = [d, *(f.lower() for f in mentions.get(d, []))]
        for f in list(forms):
            for m in re.finditer(rf"\b{re.escape(f)}\s*\(([A-Za-z][A-Za-z0-9/-]{{1,7}})\)", text, re.I):
                if any(ch.isupper() for ch in m.group(1)):
                    forms.append(m.group(1).lower())
        out.extend(f for f in forms if f and f not in out)
    return sorted(out, key=len, reverse=True)  # longer names first: "conjugated estrogens" before "estrogens"


def read_direction(view: AbstractView, *, studied: list[str], comparators: list[str],
                   comparator_type: str = "unclear", mentions: dict[str, list[str]] | None = None) -> DirectionResult:
    """The direction on the primary efficacy outcome (see the module docstring); ``mentions`` maps a drug to
    the words the abstract names it by (matched as that drug too)."""
    res = DirectionResult()
    for s in view.sentences:
        m = _PRIMARY_NAME.search(s.text)
        if m:
            res.primary_outcome = m.group(1).strip()
            res.primary_sentence = s.text
            break
    studied_l = [d.lower() for d in studied]
    comps_l = [d.lower() for d in comparators if d.lower() not in studied_l]
    if mentions is not None:
        text = " ".join(s.text for s in view.sentences)
        studied_l = _with_forms(studied_l, mentions, text)
        comps_l = [f for f in _with_forms(comps_l, mentions, text) if f not in studied_l]
    prefer = _PREFERRED_TARGET.get(comparator_type)
    conclusions = [r for s in view.conclusions for r in sentence_readings(s.text, studied_l, comps_l)]
    if conclusions and not (prefer and not any(r.target == prefer for r in conclusions) and (
            len({r.direction for r in conclusions if r.target is None}) > 1
            or any(r.target not in (None, prefer) for r in conclusions))):
        chosen = _choose(conclusions, prefer)
        if chosen is not None and chosen[1] >= MIN_CONFIDENCE:
            return _done(res, *chosen)  # the conclusion judges the comparison the trial is about
    results = view.results or [s for s in view.sentences if s.role == "methods"]
    primary = [r for s in results if _PRIMARY_RE.search(s.text) for r in sentence_readings(s.text, studied_l, comps_l)]
    others = [r for s in results[:12] if not _PRIMARY_RE.search(s.text)
              for r in sentence_readings(s.text, studied_l, comps_l)]
    if prefer and not any(r.target == prefer for r in conclusions):
        # a conclusion that does not name the comparator the trial is about (a placebo-controlled trial concluding
        # on its active arms, a head-to-head trial concluding "provided efficacy"): the result against it
        for group, penalty in ((primary, 0.05), (others, 0.1)):
            targeted = [r for r in group if r.target == prefer and r.confidence >= 0.75]
            chosen = _choose(targeted, prefer)
            untargeted_conflict = len({r.direction for r in conclusions if r.target is None}) > 1
            other_target = any(r.target not in (None, prefer) for r in conclusions)
            if chosen is not None and (not conclusions or untargeted_conflict or other_target):
                return _done(res, chosen[0], chosen[1] - penalty, chosen[2])
    for group, penalty in ((conclusions, 0.0), (primary, 0.05), (others[:6], 0.1)):
        chosen = _choose(group, prefer)
        if chosen is not None and chosen[1] - penalty >= MIN_CONFIDENCE:
            return _done(res, chosen[0], chosen[1] - penalty, chosen[2])
    for group in (conclusions, primary, others):
        chosen = _choose(group, prefer)
        if chosen is not None:
            _done(res, chosen[0], chosen[1] - 0.15, chosen[2])
            break
    if res.direction == "unclear" and USE_MODEL_FALLBACK:
        # the rules read nothing sure: the learned model, on result sentences with their own statistics
        from .fallback import model_direction

        fb = model_direction(view, studied=studied_l, comparators=comps_l)
        if fb is not None:
            return _done(res, fb.direction, fb.confidence, fb.sentence)
    return res


#: Set to False to read the direction by the rules alone (the learned fallback of :mod:`.fallback` off).
USE_MODEL_FALLBACK = True


def _choose(readings: list[Reading], prefer: str | None) -> tuple[str, float, str] | None:
    """One direction from a group of readings: those against the preferred comparator first, then those that
    name no comparator; agreement keeps the direction, a benefit next to no benefit is mixed."""
    if not readings:
        return None
    if prefer == "placebo":
        # against placebo, "X is effective" (no comparator named) speaks of the same comparison
        pools = [r for r in readings if r.target in ("placebo", None)] or readings
    else:
        pools = ([r for r in readings if r.target == prefer] if prefer else readings) or [
            r for r in readings if r.target is None] or readings
    if prefer == "active" and all(r.target is None for r in pools) and any(r.target == "placebo" for r in readings):
        pools = [r for r in readings if r.target == "placebo"]
    weight: dict[str, float] = {}
    for r in pools:
        weight[r.direction] = weight.get(r.direction, 0.0) + r.confidence
    if len(weight) == 1:
        d = next(iter(weight))
        return d, max(r.confidence for r in pools), next(r.sentence for r in pools if r.direction == d)
    ranked = sorted(weight.items(), key=lambda kv: -kv[1])
    (d1, w1), (d2, w2) = ranked[0], ranked[1]
    if {d1, d2} <= {"better", "mixed"}:
        return "better", 0.6, next(r.sentence for r in pools if r.direction == "better")
    if w1 >= 1.6 * w2:
        return d1, 0.6, next(r.sentence for r in pools if r.direction == d1)
    if "better" in (d1, d2) and ({"no difference", "worse"} & {d1, d2}):
        return "mixed", 0.6, pools[0].sentence
    return d1, 0.55, next(r.sentence for r in pools if r.direction == d1)


def _done(res: DirectionResult, d: str, conf: float, sentence: str) -> DirectionResult:
    res.source = FieldSource(value=d, sentence=sentence, confidence=round(max(0.0, conf), 2))
    res.direction = d if conf >= MIN_CONFIDENCE else "unclear"
    res.finding = sentence
    return res


__all__ = ["MIN_CONFIDENCE", "DirectionResult", "Reading", "clause_readings", "read_direction", "sentence_readings"]
