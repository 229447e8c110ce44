"""What one proposition asserts: its kind, stance, hedges, attribution, comparison, combination, numbers.

Pure text functions over one claim's words (no vocabulary, no store): :mod:`.claims` finds the drugs and the
condition, this module reads what is said about them. Every rule is about how health writing phrases a
claim, never about a particular drug or article.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rxevidence.vocab import Vocabulary

import re
from dataclasses import dataclass, field

from ..domain import names_regulator

# ------------------------------------------------------------------ stance (does the claim assert or deny it?)

_NEG_WORD = r"(?:not|no|never|n['’]t|cannot|without|neither|nor|none|nothing|fail(?:s|ed)? to|unable to)"
# efficacy denied: "no better than placebo", "did not reduce", "adds little to", "have not been shown to confer"
_NO_EFFECT = re.compile(
    r"\b(no|not any|without)\s+(?:\w+\s+){0,3}?(differences?|effects?|benefits?|improvements?|advantages?|changes?|"
    r"relief|better|effective|superior|results?)\b|"
    r"(?:\bnot|n['’]t)\s+(?:find|found|see|saw|detect|detected|observe|observed|show|showed)\s+(?:any\s+|a\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:differences?|benefits?|effects?|improvements?|advantages?|changes?)\b|"
    r"(?:\bnot|n['’]t|\bnever)\s+(?:\w+\s+){0,3}?(better|effective|superior|significant|work|works|help|helps|"
    r"reduce|reduces|relieve|relieves|improve|improves|affect|affects|alter|change|changes|decrease|lower|"
    r"yield|show|shown|confer|benefit|get|provide|prevent|treat|useful|helpful|recommended|established|"
    r"supported|proven|approved|affected|altered|changed|reduced|improved|relieved|helped|seem to affect|"
    r"shorten|hasten|boost|speed up|prolong|increase)\b|"
    r"\b(fail(?:s|ed)? to|unable to)\s+\w+|\bineffective\b|\badds? (little|nothing)\b|\blittle (or|to) no\b|"
    r"\b(minimal|no) (to no )?(proven )?(efficacy|benefit|effect)\b|\bnot been shown\b|\bunaffected\b|"
    r"\b(was|were|is|are|remained)\s+(weak|lacking|absent|negligible)\b|\bno evidence\b|\blacks?\b", re.I)
_NOT_NEGATION = re.compile(r"\b(no doubt|not only|no matter|not just|no longer than|not exceed|no more than|"
                           r"not considered a \w+ reliever|whether or not)\b", re.I)
_RELATIVE = re.compile(r"\b(for|in|among)\s+(those|people|patients|anyone)\s+who\b[^,;]*", re.I)
# a limit on who benefits or how often ("does not work for everyone", "not all patients respond", "does not always
# help"): it says the drug works for some, so it neither denies the effect nor contradicts a claim that it works
QUANTIFIER = re.compile(r"\b(?:not|n['’]t)\s+(?:\w+\s+){0,3}?(?:for|in|with|on)\s+(?:everyone|everybody|every\s+\w+|"
                        r"all(?:\s+(?:patients|people|cases|individuals|users|women|men|children))?)\b|"
                        r"\bnot\s+(?:everyone|everybody|all\s+(?:patients|people|individuals|users))\b|"
                        r"\b(?:not|n['’]t)\s+(?:\w+\s+){0,2}?always\b|\bnot always\b", re.I)


def denies(text: str) -> bool:
    """True when the proposition denies the effect / status it names ("did not reduce", "no better than"), or is
    the elliptical second half of a contrast ("… works for other pain states | but not low-back pain …")."""
    t = _NOT_NEGATION.sub(" ", _RELATIVE.sub(" ", QUANTIFIER.sub(" ", text)))
    return bool(_NO_EFFECT.search(t)) or bool(re.match(r"\s*not\s+(?!only\b|just\b|all\b|every|always\b|surprisingly\b|unlike\b)", t, re.I))


# ------------------------------------------------------------------ hedges, attribution, strength

# ("more likely to report improvement", "three times as likely": a comparison of chances, not a hedge)
_HEDGE = re.compile(r"\b(may|might|could|possibly|potentially|perhaps|(?<!more )(?<!less )(?<!as )likely|appears? to|seems? to|"
                    r"does not seem|do not seem|suggests?|suggested|some evidence|in some cases|for some people|"
                    r"sometimes|tends? to|thought to|believed to|uncertain|in some|some (patients|people|individuals)|"
                    r"can (also )?(help|reduce|relieve|prevent|improve|ease|alleviate))\b", re.I)
_SINGLE_STUDY = re.compile(
    r"\b(a|one|another|the|this|that|an?|our|their|in (?:a|one|this|the))\s+(?:[\w-]+,?\s+){0,5}?"
    r"(study|trial|rct|meta-analysis|systematic review|review|analysis|experiment)\b|"
    r"\b(researchers|investigators|authors)\b|\bet al\b|"
    r"\b(?:his|her|their|the|our)\s+(?:research\s+|study\s+)?(?:team|group|colleagues)\s+(?:\w+\s+){0,2}?"
    r"(?:found|find|finds|reported|reports|noted|observed|showed|shows|concluded|saw)\b", re.I)
_BODY_OF_EVIDENCE = re.compile(r"\b(studies|trials|research|evidence|data|reviews|the literature|clinical studies)\b"
                               r"(?:\s+\w+){0,3}\s+(show|showed|shows|suggest|suggests|indicate|indicates|found|find|"
                               r"demonstrate|demonstrates|support|supports|report)\b|\baccording to\b", re.I)
_STRONG = re.compile(r"\b(very|highly|extremely|quite|significant(?:ly)?|substantial(?:ly)?|dramatic(?:ally)?|"
                     r"proven|definitely|always|consistently|the most|best|clearly|strongly|excellent|good,? "
                     r"first-choice|first-choice|cures?|guaranteed)\b", re.I)


def hedge_of(text: str) -> str | None:
    q = QUANTIFIER.search(text)
    if q:
        return "not for everyone"  # "does not work for everyone": works for some
    m = _HEDGE.search(text)
    return m.group(0).lower() if m else None


# what guidelines or a recommendation say ("guidelines cite X as the top choice", "the universal recommendation to
# provide X as a first-line treatment"): a report of a position, not the article's own claim that X works
_GUIDELINE = re.compile(r"\b(guidelines?|guidance|recommendations?)\b(?:\s+[\w-]+){0,6}?\s+(?:cites?|cited|names?|named|"
                        r"lists?|listed|recommends?|recommended|advises?|advised|says?|said|calls?|to (?:provide|use|give|"
                        r"offer|prescribe))\b|\b(?:the|a) (?:universal |standard |usual |current )?recommendation to\b|"
                        r"\b(?:top|first) choice\b|\btreatment of choice\b", re.I)


def attribution_of(text: str) -> str | None:
    """"study" for a reported single study ("one trial found ..."), "studies" for a body of evidence,
    "guideline" for a reported guideline position or recommendation."""
    if _SINGLE_STUDY.search(text):
        return "study"
    if _BODY_OF_EVIDENCE.search(text):
        return "studies"
    if _GUIDELINE.search(text):
        return "guideline"
    return None


# absolute words: no drug cures or works for everyone every time; such a claim overstates any benefit found
ABSOLUTE = re.compile(r"\b(cures?|cured|curing|always (works?|helps?|relieves?|stops?)|guarantee\w*|100 ?%|"
                      r"works? (for|in) (everyone|everybody|every (patient|case|person))|every time|never fails?|"
                      r"completely (eliminates?|cures?|stops?|relieves?|gets? rid)|eliminates?|permanently|miracle)\b",
                      re.I)


def strength_of(text: str) -> str | None:
    if not QUANTIFIER.search(text):
        a = ABSOLUTE.search(text)
        if a:
            return a.group(0).lower()
    m = _STRONG.search(text)
    return m.group(0).lower() if m else None


# ------------------------------------------------------------------ evidence-quality claims

_EVIDENCE_WEAK = re.compile(
    r"\b(limited|little|weak|sparse|insufficient|mixed|inconsistent|conflicting|low[- ]quality|poor|scant|"
    r"lacking|unclear|uncertain)\b(?:\s+\w+){0,3}\s+(evidence|data|support|proof)\b|"
    r"\b(evidence|data)\b(?:\s+[\w'’]+){0,8}\s+(is|was|are|remains?)\s+(?:\w+\s+)?(mixed|limited|weak|sparse|"
    r"insufficient|inconsistent|conflicting|uncertain|lacking|unclear)\b|"
    r"\bnot (?:been )?(?:well[- ])?(supported|established)\b|\bunproven\b|\bno good evidence\b|"
    r"\bonly (fair|moderate|modest|some)\b(?:\s+\w+){0,2}\s+(evidence|data|support|proof)\b", re.I)
# the design of the studies ("studies … have been small", "they were not randomized, controlled trials")
_EVIDENCE_SMALL = re.compile(
    r"\b(studies|trials)\b(?:\s+[\w-]+){0,6}?\s+(?:have been|had been|were|are)\s+(?:too\s+|very\s+|mostly\s+|all\s+)?"
    r"(small|few|short|poor(?:ly designed)?|uncontrolled|unblinded|flawed)\b|"
    r"\b(?:were|was|are|is)\s+not\s+randomi[sz]ed\b", re.I)
_EVIDENCE_NONE = re.compile(r"\bno (studies|trials|research|study|trial)\b.{0,30}\b(investigated|examined|studied|tested|"
                            r"evaluated|looked at|assessed|compared)\b|\bhas never been (studied|tested)\b", re.I)
_EVIDENCE_STRONG = re.compile(r"\b(better|well|firmly) established\b|\b(strong|good|robust|solid|high[- ]quality|"
                              r"convincing) evidence\b", re.I)


def evidence_quality(text: str) -> str | None:
    """"weak" / "mixed" / "strong" when the claim is about the state of the evidence itself."""
    if _EVIDENCE_NONE.search(text):
        return "none"
    if _EVIDENCE_SMALL.search(text):
        return "small"
    m = _EVIDENCE_WEAK.search(text)
    if m:
        return "mixed" if re.search(r"mixed|inconsistent|conflicting", m.group(0), re.I) else "weak"
    if _EVIDENCE_STRONG.search(text):
        return "strong"
    return None


# ------------------------------------------------------------------ comparisons

_SAME = re.compile(r"\b((just |about |equally )?as (effective|good|useful|helpful|efficacious) as|equally "
                   r"(effective|good)|no (better|worse|more effective|less effective) than|similar(ly)? (effective|"
                   r"effectiveness|efficacy)?|comparable|on (a )?par with|equivalent|no differences? (in efficacy )?"
                   r"(was|were)? ?(seen|noted|found)? ?(among|between)|none (was|is) (clearly )?(better|superior)|"
                   r"no single .{0,60} (has been proven|is|was) superior)\b", re.I)
_BETTER_OR_SAME = re.compile(r"\b(equal or superior|as good or better|at least as (effective|good)|non-?inferior(ity)?)\b",
                             re.I)
_BETTER = re.compile(r"\b(better than|more effective than|more efficacious than|superior to|outperform\w*|beats?|"
                     r"stronger than|works? better|preferred (over|to)|the most effective|more potent than|"
                     r"higher potency than|superiority over|favou?r(ing|s)?|superior (efficacy|effectiveness) "
                     r"(compared (to|with)|over|to))\b", re.I)
_WORSE = re.compile(r"\b(less effective than|worse than|inferior to|not as (effective|good) as|weaker than|"
                    r"less potent than)\b", re.I)


def comparison_relation(text: str) -> str | None:
    """How the first-named drug is said to compare with the other(s): better / same / worse / better-or-same."""
    if _BETTER_OR_SAME.search(text):
        return "better-or-same"
    if _SAME.search(text):
        return "same"
    if _WORSE.search(text):
        return "worse"
    if _BETTER.search(text):
        return "better"
    return None


# ------------------------------------------------------------------ combinations

_COMBO = re.compile(r"\b(combin\w*|together with|along with|plus|in conjunction with|added to|adding|add-on|"
                    r"adds? (little|nothing|benefit)|co-?administ\w*)\b|\+", re.I)
_VS_EACH = re.compile(r"\b(than|over|versus|vs\.?|compared (with|to))\s+(either|each|both)\b.{0,30}\balone\b|"
                      r"\bthan (either|each) (compound|drug|medication|component|one)\b", re.I)
_ALONE = re.compile(r"\b(\w[\w-]*) alone\b", re.I)
_ALTERNATIVES = re.compile(r"\b([a-z][\w-]+)\s+or\s+([a-z][\w-]+)\b", re.I)


@dataclass
class Combination:
    vs: str | None = None  # "each alone" / "alone" (add-on against one part) / None
    added: str | None = None  # the drug said to be added ("no benefit to adding ibuprofen")


def combination_of(text: str) -> Combination | None:
    if not _COMBO.search(text):
        return None
    c = Combination()
    if _VS_EACH.search(text):
        c.vs = "each alone"
    elif _ALONE.search(text):
        c.vs = "alone"
    m = re.search(r"\badding ([\w-]+)|\b([\w-]+) (?:was |is )?added to\b|\b([\w-]+) adds? (?:little|nothing)", text,
                  re.I)
    if m:
        c.added = (m.group(1) or m.group(2) or m.group(3)).lower()
    return c


def alternatives_in(text: str) -> list[tuple[str, str]]:
    """Word pairs offered as alternatives ("naproxen or ibuprofen")."""
    return [(a.lower(), b.lower()) for a, b in _ALTERNATIVES.findall(text)]


# ------------------------------------------------------------------ regulatory

_REG = re.compile(r"\b(FDA|Food and Drug Administration|EMA|European Medicines Agency|NICE|NHS|National Health "
                  r"Service|MHRA|Health Canada|TGA|approv\w*|authori[sz]\w*|licen[sc]ed|indicated for|"
                  r"on-label|off-label|off label|unapproved)\b", re.I)
_RECOMMEND = re.compile(r"\b(recommend\w*|advises? against|first[- ]line|second[- ]line|guidelines?)\b", re.I)
_REG_NEG = re.compile(r"\b(not|never|n['’]t|no longer|neither)\s+(?:\w+[\s-]+){0,3}?(approv\w*|authori[sz]\w*|"
                      r"licen[sc]ed|indicated|recommended)|\b(off[- ]label|unapproved|without (FDA )?approval)\b|"
                      r"\badvises? against\b|\bnot\s+(?:been\s+)?(?:FDA|EMA)[- ]approved\b|"
                      r"\bneither\b[^.;]{0,80}?\bnor\b[^.;]{0,60}?\b(approv|authori[sz]|licen[sc]|indicated|recommended)",
                      re.I)  # "neither A nor B is FDA-approved for ..."


_DEFINITION = re.compile(r"\bmeaning (that )?[^,]*,|[“\"]?off-label,?[”\"]?,? meaning\b[^,]*,?", re.I)


def is_regulatory(text: str) -> bool:
    text = _DEFINITION.sub(" ", text)
    return bool(_REG.search(text)) or names_regulator(text) or bool(
        re.search(r"\brecommend\w*\b", text, re.I) and re.search(r"\b(NICE|NHS|guideline|FDA|EMA)\b", text, re.I))


def regulatory_claim(text: str) -> tuple[str, bool]:
    """(what status is claimed: "approved" / "recommended", whether it is denied)."""
    status = "approved" if re.search(r"approv|authori[sz]|licen[sc]|indicated|on-label|off[- ]label|unapproved",
                                     text, re.I) else "recommended"
    if status == "approved" and not re.search(r"approv|authori|licen|indicated|label", text, re.I):
        status = "recommended"
    return status, bool(_REG_NEG.search(text))


# ------------------------------------------------------------------ safety, mechanism, description

SAFETY = re.compile(
    r"\b(safe|safer|safest|safety|unsafe|side[- ]effects?|adverse (events?|effects?|reactions?)|unwanted effects|"
    r"risks?(?! of bias)|addict\w*|habit[- ]forming|dependen\w*|abus\w*|misuse|withdrawal|tolerance|drows\w*|dizz\w*|"
    r"sedat\w*|somnolen\w*|sleepiness|dry mouth|constipation|nausea|vomiting|headaches?|stomach ?aches?|"
    r"weight gain|appetite|insomnia|sleep(ing)? problems|hallucinations?|tics?|confusion|coma|death|overdose|"
    r"bleed\w*|ulcers?|liver (damage|injury|toxicity)|toxicity|contraindicat\w*|interactions?|dangerous|"
    r"danger|heart problems|cardiovascular|stroke|blood clots?|breast cancer|dementia|cognitive|"
    r"gentler on the stomach|breathing|respirat\w*|falls?|never be combined|should not be combined|"
    r"should (?:also )?(?:not|never) (?:be )?(?:taken|used|given|prescribed|take|use)|should (?:also )?avoid|"
    r"(?:prescribed|used|taken) with caution)\b", re.I)
_MECHANISM = re.compile(
    r"\b(mechanism|works? by|acts? (by|on|as)|by (reducing|blocking|inhibiting|increasing|enhancing|stopping|"
    r"binding|altering|decreasing|slowing|lowering)|inhibit\w*|block\w*|binds?|binding|receptors?|reuptake|"
    r"neurotransmitters?|enzyme|chemicals? in the brain|brain chemicals|increases? (the amount|levels) of|"
    r"endorphin\w*|gene expression|serotonin|norepinephrine|noradrenalin\w*|dopamine|GABA|prostaglandin\w*|"
    r"selectivity|proton pumps?|(increas|decreas|reduc)\w* the (amount|production|levels?) of)\b",
    re.I)
_DESCRIPTION = re.compile(r"\b(member of|class of|family of|belongs? to|(is|are) (not )?considered (a|an)|"
                          r"is an? ([\w-]+ ){0,3}(drug|medication|"
                          r"medicine|antidepressant|analgesic|opioid|antihistamine|stimulant|benzodiazepine|"
                          r"antipsychotic|inhibitor|agent|relaxant|triptan)|is one of|classified as|"
                          r"(prescribed|used) (for|to treat)|used in treating|mainly used|indicated for|"
                          r"abortive medication|mental health medication|not a sleep aid|not an? \w+ aid|"
                          r"(lacks?|no|not|minimal|without)\b.{0,40}\banti-?inflammatory|(take|use|taking|using) the "
                          r"(drug|medication|medicine)|most (commonly|often|widely|frequently) (used|prescribed))\b",
                          re.I)


def is_safety(text: str) -> bool:
    return bool(SAFETY.search(text))


_TREATS = re.compile(r"\b(reduc\w*|decreas\w*|prevent\w*|control\w*|reliev\w*|treat\w*|eas(e|es|ed|ing)|alleviat\w*|"
                     r"suppress\w*|lower\w*|stop\w*|manag\w*)\s+(?:[\w-]+\s+){0,3}$", re.I)
_HARM_ONLY = re.compile(r"side|adverse|unwanted|risk|safe|danger|toxic|contraindicat|interaction|addict|dependen|"
                        r"abus|misuse|withdrawal|overdose|death", re.I)


def harm_is_target(text: str) -> bool:
    """Every symptom word the safety rule sees is what the drug treats ("reduced vomiting", "prevents nausea"):
    an efficacy claim about that symptom, not a statement about harms."""
    hits = list(SAFETY.finditer(text))
    if not hits:
        return False
    for m in hits:
        if _HARM_ONLY.match(m.group(0)) or not _TREATS.search(text[max(0, m.start() - 40): m.start()]):
            return False
    return True


def is_mechanism(text: str) -> bool:
    return bool(_MECHANISM.search(text))


def is_description(text: str) -> bool:
    return bool(_DESCRIPTION.search(text))


# ------------------------------------------------------------------ effect words

EFFECT = re.compile(
    r"\b(effective|effectiveness|efficacy|efficacious|effects? on|modest effect|small effect|large effect|relie(?:f|ve|ved|ves|ving)|reduc\w*|help(?:s|ed|ful)?|"
    r"work(?:s|ed)?|improv\w*|eas(?:e|es|ed|ing)|alleviat\w*|better|benefit\w*|beneficial|successful|affect\w*|"
    r"alter\w*|decreas\w*|lower\w*|change[sd]?|useful|superior|inferior|worse|treat(?:s|ed|ing|ment)?|"
    r"prevent\w*|control\w*|suppress\w*|respon\w*|remission|recovery|healed|heal|cure\w*|outcomes?|"
    r"improvement|no difference|placebo|longer|tolerat\w*|endur\w*|able to|boost\w*|hasten\w*|shorten\w*|"
    r"speed(?:s|ed)? up|facilitat\w*)\b", re.I)
_PRACTICE_DOCTORS = re.compile(r"\b(doctors?|physicians?|clinicians?|prescribers?|healthcare (professionals|"
                               r"providers))\b.{0,60}\b(use|uses|prescribe|prescribes|give|given|attitude|sometimes "
                               r"prescribe)\b", re.I)
_PRACTICE = re.compile(r"\b(regimens?|options?|treatments?) include\b|\brel(y|ies) on the (use|administration)\b|"
                       r"\bamong the (\w+ )?medications commonly used\b|\bprescri\w+ (of|for) .{0,40}\b(has|have) "
                       r"(significantly )?(increased|risen|grown|doubled)\b|\b(off-label )?prescri\w+ of \w+ "
                       r"(has|have) (significantly )?(increased|risen)\b", re.I)
_ADVICE = re.compile(r"^(consider|avoid|always|never|talk|ask|consult|take|try|speak|check|remember|make sure|do not|"
                     r"don['’]t|be sure|keep|stop|tell|call|seek|discuss)\b|^(if|when)\b[^,]{0,80},\s*(consider|avoid|"
                     r"talk|ask|consult|use|try|see|call)\b|\bit['’]?s (crucial|important|essential|wise|best|advisable|"
                     r"vital|necessary) to\b|\bit is (crucial|important|essential|wise|advisable|necessary) to\b", re.I)
# advice offering a drug for the reader's condition ("If you have mild attacks, try X first", "Consider X for Y")
_RECOMMENDS = re.compile(r"^(?:(?:if|when)\b[^,]{0,80},\s*)?(?:try|consider)\b(?!\s+(?:talking|asking|speaking|seeing|"
                         r"omitting|stopping|avoiding|discontinuing|reducing|tapering|switching|not\b|"
                         r"whether|if|how|other (?:options|treatments|approaches)\b(?!,? including)))", re.I)
_DOSING = re.compile(r"\b(standard|usual|typical|recommended|starting|initial|maximum) (adult )?(dose|dosage)\b|"
                     r"^dosage\b|\b(dose|dosing) (is|of|range)\b", re.I)
_EFFICACY = re.compile(r"\b(effective|effectiveness|efficacy|efficacious|relie(?:f|ve|ved|ves|ving)|reduc\w* "
                       r"(pain|symptoms|the|hot|urge|micturition|blood|a1c|your risk|risk)|improv\w*|help(?:s|ed|ful)?|work(?:s|ed)?|"
                       r"benefit\w*|alleviat\w*|better|superior|boost\w*|hasten\w*|shorten\w*)\b", re.I)
# "… relieves pain, with a moderate side effect profile": the harm is an aside to an efficacy claim
_ADJUNCT = re.compile(r",?\s+with (a |an )?(\w+ ){0,2}(side[- ]effect profile|side effects|tolerability)\b.*$", re.I)
_ANTI_INFLAMMATORY = re.compile(r"\b(lacks?|no|not|minimal|little|without|doesn['’]t|does not)\b.{0,40}"
                                r"\b(anti-?inflammatory|(combat|reduce|effect on)\b.{0,25}\b(swelling|inflammation))",
                                re.I)
_DESIGN_ONLY = re.compile(r"\b(compared|comparing|compares|tested|randomi[sz]ed|enrolled|involved|included|"
                          r"assigned)\b", re.I)
_TIMING = re.compile(r"\b(when|if) taken\b|\btaken (with|before|after|within|at)\b|\bwithin an hour of\b|"
                     r"\bon an empty stomach\b|\bat bedtime\b", re.I)
_EVIDENCE_COMPARE = re.compile(r"\b(better|more firmly|more|less|best) (established|studied|supported|proven|"
                               r"researched|evaluated)\b", re.I)
_METHOD = re.compile(r"\b(to (test|assess|measure|study|find out|see|determine|evaluate|examine|compare)|"
                     r"attempt(ed)? to|(patients|participants|subjects) (were given|received)|were randomi[sz]ed to|"
                     r"whether|the primary outcome)\b", re.I)
_RESULT = re.compile(r"\b(found|showed|shows|concluded|demonstrat\w*|did not|was not|were not|no (significant )?"
                     r"(difference|effect)|yield\w*|effective|better|worse|reduced|improved|relieved)\b", re.I)


DOSE_REF = re.compile(r"\b(?:low|lower|high|higher|standard|usual|single|double)[- ]dos(?:e|es|ing)\b", re.I)


def has_effect_words(text: str) -> bool:
    return bool(EFFECT.search(text))


# ------------------------------------------------------------------ numbers

_NUMBER = re.compile(
    r"\b1 in (?:every )?(?P<nnt1>\d+)(?: to (?P<nnt2>\d+))?\b|"
    r"(?P<pct>[-−]?\d+(?:\.\d+)?)\s*%|"
    r"\b(?:n|N)\s*=\s*(?P<n>\d[\d,]*)|"
    r"\b(?P<count>\d[\d,.]*(?:\s+million)?)\s+(?:[a-z-]+\s+){0,3}?(?:patients|participants|people|subjects|women|men|"
    r"children|adults|individuals|volunteers|Americans|users)\b|"
    r"\bNNT\W{0,3}(?:=\s*)?(?P<nnt>\d+(?:\.\d+)?)|"
    r"\b(?P<fold>\d+(?:\.\d+)?)-fold\b|"
    r"\beffect sizes? of (?P<es1>\d*\.\d+)\s*(?:-|–|to)\s*(?P<es2>\d*\.\d+)|"
    r"\b(?P<trials>\d+)\s+(?:RCTs|trials|studies)\b|"
    r"\b(?P<pts>\d+(?:\.\d+)?)\s+points\b", re.I)


@dataclass
class Number:
    kind: str  # pct, n, count, nnt, fold, es, trials, points
    value: float
    text: str


# a value reported per arm ("17 days in both paracetamol groups and 16 days in the placebo group")
_ARM_VALUE = re.compile(r"\b(\d+(?:\.\d+)?)\s+(?:days?|weeks?|months?|hours?|points?|attacks?|episodes?)\s+(?:in|with|for|"
                        r"among)\s+(?:the\s+|both\s+|each\s+)?(?:[\w-]+\s+){0,2}?(?:groups?|arms?)\b", re.I)


def numbers_in(text: str) -> list[Number]:
    """The checkable numbers of a claim (percentages, N, NNT, fold changes, effect sizes, trial counts, values
    reported per study arm)."""
    out: list[Number] = []
    for m in _ARM_VALUE.finditer(text):
        out.append(Number("arm", float(m.group(1)), m.group(0)))
    for m in _NUMBER.finditer(text):
        for kind in ("pct", "n", "count", "nnt", "fold", "trials", "pts"):
            v = m.group(kind)
            if v:
                mult = 1e6 if "million" in v else 1.0
                num = v.replace("million", "").replace(",", "").replace("−", "-").strip().rstrip(".")
                out.append(Number({"n": "count", "pts": "points"}.get(kind, kind), float(num) * mult, m.group(0)))
        if m.group("nnt1"):
            out.append(Number("nnt", float(m.group("nnt1")), m.group(0)))
            if m.group("nnt2"):
                out.append(Number("nnt", float(m.group("nnt2")), m.group(0)))
        if m.group("es1"):
            out.append(Number("es", float(m.group("es1")), m.group(0)))
            out.append(Number("es", float(m.group("es2")), m.group(0)))
    return out


# ------------------------------------------------------------------ everything about one proposition


_THAN = re.compile(r"\b(?:better|worse|more effective|less effective|superior|inferior|no better|no worse)\s+"
                   r"(?:than|to)\s+([\w\s-]{3,40}?)(?=\s+(?:at|for|in|on|when|with)\b|[,.;]|$)", re.I)


def comparator_of(text: str) -> str | None:
    """The comparator words after "no better than" / "superior to" ("placebo", "non-opioid medications")."""
    m = _THAN.search(text)
    return m.group(1).strip().lower() if m else None


@dataclass
class Meaning:
    kind: str
    denies: bool
    hedge: str | None = None
    attribution: str | None = None
    strength: str | None = None
    evidence: str | None = None  # weak / mixed / strong: a claim about the state of the evidence
    relation: str | None = None
    combination: Combination | None = None
    numbers: list[Number] = field(default_factory=list)
    regulatory: tuple[str, bool] | None = None
    comparator: str | None = None


def combination_cues(text: str) -> list[tuple[int, int]]:
    """Where the words that join drugs into a combination stand ("combined with", "plus", "+")."""
    return [(m.start(), m.end()) for m in _COMBO.finditer(text)]


def read(text: str, *, n_drugs: int, has_condition: bool, joins_drugs: bool = True,
         names_condition: bool = False) -> Meaning:
    """Interpret one proposition naming ``n_drugs`` drugs; ``joins_drugs=False`` when its combination words
    join no drug ("ulcers combined with ulcer complications"), so that it is no combination claim."""
    m = Meaning(kind="none", denies=denies(text), hedge=hedge_of(text), attribution=attribution_of(text),
                strength=strength_of(text), evidence=evidence_quality(text), numbers=numbers_in(text))
    relation = comparison_relation(text) if n_drugs >= 2 or _SAME.search(text) else None
    combo = combination_of(text) if n_drugs >= 2 and joins_drugs else None
    if _ANTI_INFLAMMATORY.search(text):
        m.kind = "description"  # a drug property ("lacks anti-inflammatory properties"), read from its classes
        return m
    if _RECOMMENDS.search(text.strip()) and names_condition and n_drugs >= 1 and not is_safety(text) and not m.denies:
        m.kind, m.hedge = "effect", "advised"  # "If you have mild migraine, try X first": X is offered as helping
        return m
    if _ADVICE.search(text.strip()) or (_DOSING.search(text) and not _EFFICACY.search(text)):
        return m  # advice to the reader or a dose (rxevidence never judges doses), not a claim
    doctors = _PRACTICE_DOCTORS.search(text) and not re.search(r"\b(effective|relie\w*|reduc\w*|works?)\b", text, re.I)
    if (doctors or _PRACTICE.search(text)) and not (is_regulatory(text) and not re.search(r"prescri\w+ of", text, re.I)):
        return m  # describes prescribing habits, not an effect
    if _METHOD.search(text) and not _RESULT.search(text):
        return m  # describes what a study set out to do
    if is_description(text) and not _EFFICACY.search(text.split(",")[-1]) and not is_regulatory(text) \
            and not is_safety(text):
        m.kind = "description"
    elif is_regulatory(text):
        m.kind, m.regulatory = "regulatory", regulatory_claim(text)
    elif relation and n_drugs >= 2 and not (combo and combo.vs):
        m.kind, m.relation = "comparison", relation
    elif combo and (has_effect_words(text) or combo.added):
        m.kind, m.combination = "combination", combo
    elif is_mechanism(text) and not (m.evidence and has_effect_words(text)):
        m.kind = "mechanism"
    elif is_safety(_ADJUNCT.sub("", text)) and not harm_is_target(text) and not (m.evidence or (_EFFICACY.search(text) and not re.search(
            r"side[- ]effects?|adverse|unwanted|(?<!reduces your )(?<!reduces the )risks?\b|somnolen|drows|sedat",
            _ADJUNCT.sub("", text), re.I))) and not re.search(r"\breduc\w* (your |the )?risk", text, re.I):
        m.kind = "safety"
    elif has_effect_words(text) or m.evidence:
        m.kind = "effect"
    elif is_description(text):
        m.kind = "description"
    elif m.numbers and m.attribution:
        m.kind = "study"
    if m.attribution == "study" and _DESIGN_ONLY.search(text) and not _RESULT.search(text):
        m.kind = "study"  # "a study compared A with B": describes the study, asserts no result
    if relation == "same" and m.kind == "effect" and re.search(r"\b(no single|none of the|among (the )?\w+)", text, re.I):
        m.kind, m.relation = "comparison", relation  # "no single antihistamine has been proven superior"
    named_doses = len(DOSE_REF.findall(text)) >= 2  # "low-dose regimen is as effective as high-dose regimens"
    doses = len(re.findall(r"\b\d+(?:\.\d+)? ?mg\b", text)) >= 2 or named_doses
    if relation and (m.kind == "effect" or (named_doses and m.kind == "safety" and _EFFICACY.search(text))) and (
            n_drugs >= 2 or doses):
        m.kind, m.relation = "comparison", relation  # two drugs, or two doses of one drug
    if m.kind == "effect" and any(n.kind == "arm" for n in m.numbers) and not _EFFICACY.search(text):
        m.kind = "study"  # values per arm with no direction word: a reported result, checked by its numbers
    if m.kind == "effect" and _TIMING.search(text):
        m.kind = "mechanism"  # "most effective when taken within an hour of a meal": how to take it, not whether
    comp = comparator_of(text)
    if comp and m.kind == "effect" and n_drugs == 1 and not re.search(r"placebo|nothing|no treatment|dummy", comp):
        m.kind, m.relation, m.comparator = "comparison", comparison_relation(text) or "better", comp
    ev = _EVIDENCE_COMPARE.search(text)
    if ev and n_drugs >= 2 and re.search(r"\bthan\b", text):
        m.kind, m.evidence = "comparison", "strong"
        m.relation = "worse" if ev.group(1).lower() == "less" else "better"
    return m


def slash_product(text: str, vocab: Vocabulary) -> list[str]:
    """Two drugs written as one product ("oxycodone/acetaminophen", "paracetamol/ibuprofen")."""
    for m in re.finditer(r"\b([A-Za-z][\w-]{3,})\s*/\s*([A-Za-z][\w-]{3,})\b", text):
        a = [d.name for d in vocab.find_drugs(m.group(1)) if not d.is_class]
        b = [d.name for d in vocab.find_drugs(m.group(2)) if not d.is_class]
        if a and b:
            return [a[0], b[0]]
    return []
