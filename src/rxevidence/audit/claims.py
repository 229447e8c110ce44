"""Claims: one per checkable proposition of an article, with its drugs, condition and meaning.

Segments (:mod:`.article`) are split into propositions at clause boundaries ("…, but …", "…, although …",
"…, which is why …", "…; …"); pronouns ("it", "this medication", "these drugs") resolve to the drug the
article is talking about; each claim gets its own condition (the lead-in, the study being described, the
paragraph, then the title only when the claim names none) and what it asserts (:mod:`.meaning`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rxevidence.vocab import Vocabulary

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import ConditionMention, DrugMention
from ..models.audit import Claim
from ..question import unknown_drugs
from ..vocab import vocab_call
from . import meaning as M
from .article import Segment, has_verb, segments
from .propositions import Proposition, split_propositions

__all__ = ["Proposition", "split_propositions", "find_claims", "listed_uses"]


# ------------------------------------------------------------------ drugs

_PRONOUN = re.compile(r"^(?P<bare>this|these|that) (can|may|might|will|helps?|is|are|was|has|also|could|would)\b|"
                      r"\b(?P<det>this|that|the|these|those|both) (?:(?P<num>two|three|both) )?(?P<noun>drugs?|medications?|medicines?|compounds?|"
                      r"substances?|treatments?|agents?|pills?)\b|\b(?P<both>both|either)\b(?! of)|"
                      r"(?:^|[,;]\s*)(?P<pron>it|they)\b|"
                      r"\b(?P<pron2>it|they) (can|may|might|is|are|was|were|does|do|did|has|have|works?|helps?|reduces?|"
                      r"increases?|causes?|relieves?|provides?|belongs?|acts?)\b", re.I)
_EXPLETIVE = re.compile(r"\bit['’]?s?\s*(is\s+)?(important|essential|crucial|worth|possible|unclear|recommended|"
                        r"necessary|vital|wise|best|not known|likely|true)\b", re.I)
# a proposition with no subject of its own, as list items and summaries write them ("Significantly reduces the
# frequency of flares", "Decrease hospitalization rates"): its subject is the article's drug
_SUBJECTLESS = re.compile(r"^(?:(?:significantly|also|further|markedly|greatly|modestly|effectively|may|can|often|"
                          r"usually|generally|clearly)\s+)?(?:reduces?|decreases?|lowers?|improves?|prevents?|shortens?|"
                          r"hastens?|boosts?|relieves?|eases?|alleviates?|helps?|controls?|suppresses?|provides?|"
                          r"speeds? up|facilitates?|treats?|works?|increases?|prolongs?|halves?|cuts?)\b", re.I)
# "Comparable efficacy to NSAIDs": a comparison whose first side (the article's drug) goes unsaid
_COMPARE_HEAD = re.compile(r"^(?:(?:with|has|had|shows?|showed|offers?|provides?)\s+)?(?:comparable|similar|equal|"
                           r"equivalent|superior|better|greater|inferior|lower|higher)\s+(?:efficacy|effectiveness|"
                           r"effects?|benefits?|results|outcomes|pain relief|relief)\s+(?:to|as|than|with|versus|vs\.?)\b",
                           re.I)
# a class name used as an adjective of a property ("anti-inflammatory effects", "analgesic properties"): no drug
_PROPERTY = re.compile(r"\s*(effects?|properties|property|actions?|activity|activities|benefits?|qualities)\b", re.I)
_COMBO_REF = re.compile(r"\b(this|the|that) combination\b|\bthe (pair|combo)\b", re.I)
# words in a drug's place that are English adjectives or adverbs ("more efficacious than", "markedly"), not agents
_NOT_AGENT = re.compile(r"^[a-z]+(?:ous|ly|ful|ness|ment)$")
_UNKNOWN_AGENT = re.compile(r"\b(vitamin [A-Z]\d*|[a-z]+ (?:supplements?|extract|oil))\b", re.I)


# substances the body makes: named in claims as what a drug acts on, not as a second drug
_ENDOGENOUS = {"serotonin", "norepinephrine", "noradrenaline", "epinephrine", "adrenaline", "dopamine", "histamine",
               "acetylcholine", "insulin", "glucose", "gamma-aminobutyric acid", "endorphin", "beta-endorphin",
               "cortisol", "melatonin", "prostaglandin", "nitric oxide", "bradykinin", "immunoglobulins", "cholesterol"}


def _plain(text: str) -> str:
    """The text with possessive endings blanked, offsets kept ("Ambien’s standard version" names Ambien)."""
    return re.sub(r"(?<=[A-Za-z])[’']s\b", "  ", text)


def _named_plainly(name: str, text: str) -> bool:
    """At least one mention not negated by a prefix ("non-opioid medications", "non-benzodiazepine relaxants")."""
    for m in re.finditer(rf"\b{re.escape(name)}", text, re.I):
        if not re.search(r"\bnon-?\s*$", text[: m.start()], re.I):
            return True
    return False


def _drug_names(hits: Sequence[DrugMention], known: Any, vocab: Vocabulary) -> tuple[list[str], list[str]]:
    """(drug names, class names) named in a proposition, in order, without duplicates."""
    drugs: list[str] = []
    classes: list[str] = []
    for d in hits:
        if not d.is_class and not known(d):
            head = [h for h in vocab.find_drugs(d.text.split()[-1]) if h.is_class]  # "second-generation antihistamine"
            if head:
                d = head[0]
        if d.is_class or (not known(d) and re.search(r"s$|antagonists|inhibitors|blockers|agonists", d.text, re.I)
                          and vocab_call(vocab, "class_members", d.name, default=None)):
            if d.name not in classes:
                classes.append(d.name)
        elif known(d) and d.name not in drugs:
            drugs.append(d.name)
    return drugs, classes


def _examples_of_class(text: str, classes: list[str], drugs: list[str], vocab: Vocabulary) -> list[str]:
    """Drugs named as examples of a class in the same claim ("NSAIDs (naproxen or ibuprofen)", "NSAIDs like
    naproxen"): they are alternatives standing for the class, not extra drugs."""
    out = []
    for cls in classes:
        members = set(vocab_call(vocab, "class_members", cls, default=[]) or [])
        for d in drugs:
            if d in members and re.search(rf"(\(|\be\.g\.|\bsuch as\b|\blike\b|\bincluding\b|\bor\b)[^)]*"
                                          rf"\b{re.escape(d)}\b", text, re.I):
                out.append(d)
    return out


# ------------------------------------------------------------------ conditions

# a condition named as a harm ("side effects like diarrhea", "can cause dizziness") is not what the claim treats
_HARM_MENTION = re.compile(r"\b(side[- ]effects?|adverse (?:effects?|events?|reactions?)|(?:can|may|might|could|often) "
                           r"cause)\b(?:\s+(?:like|such as|including|include|of|are|is))?[\s\w,]{0,30}$", re.I)
_OUTCOME_MENTION = re.compile(r"\b(less|more|lower|higher|reduced|increased|decreased|fewer)\s+$", re.I)
_EXPERIMENTAL = re.compile(r"\b(tourniquet|cold pressor|heat pain|heat-related pain|electrical (stimulation|pain)|"
                           r"capsaicin|experimental pain|pain model|healthy volunteers|laboratory pain|"
                           r"judge an experience as painful)\b", re.I)
_AFFECTIVE = re.compile(r"\b(emotional|affective|unpleasant\w*|distress|perceptions? around|anxiety about)\b", re.I)
_SENSORY = re.compile(r"\b(sensory|intensity|actual perception|perception of pain itself|heat[- ]related|"
                      r"judge an experience as painful)\b", re.I)
_STUDY_INTRO = re.compile(r"\b(a|one|two|three|four|another|the|this|that|recent|some other|other|several)\s+"
                          r"(?:[\w-]+,?\s+){0,3}?"
                          r"(study|studies|trial|trials|research|experiment|analysis)\b|^research\b", re.I)
# a bare lead-in to a study's results ("Key findings include:", "The results:", "Main outcomes were:")
_FINDINGS_LEAD = re.compile(r"^\s*(?:the\s+)?(?:key|main|major|principal|primary)?\s*(?:findings?|results?|outcomes?)"
                            r"(?:\s+(?:include[sd]?|were|are|was|showed))?\s*:\s*$", re.I)
_STUDY_CHAIN = re.compile(r"^(individuals|participants|patients|people|those|subjects|volunteers) who\b|"
                          r"^(these|the) (researchers|investigators|authors|participants|patients)\b|"
                          r"^(the|this|that)\s+(?:[\w-]+,?\s+){0,4}?(study|trial)\b|"
                          r"^in (this|that|the) (particular )?(study|trial)\b|"
                          r"^researchers\b|^they\b|"
                          r"^(?:all|both|the)\s+(?:two|three|four|five|six|seven|eight|nine|ten|\d+)?\s*(?:studies|trials)"
                          r"\s+(?:included|analy[sz]ed|reviewed|pooled)\b|"
                          r"^(?:the )?results? (?:showed|show|shown|found|suggest\w*|indicated?|revealed)\b|"
                          r"^the (?:difference|differences) (?:of|in|between|was|were)\b|^(?:his|her|their) (?:research )?team\b|"
                          r"^(?:the )?(?:improvements?|benefits?|reductions?|responses?) (?:in [\w-]+ )?(?:were|was) "
                          r"(?:noted|seen|observed|reported|found|maintained|sustained)\b",
                          re.I)


def _most_specific(conds: list[ConditionMention], vocab: Vocabulary) -> list[ConditionMention]:
    ids = {c.id for c in conds}
    out: list[ConditionMention] = []
    for c in conds:
        narrower = set(vocab_call(vocab, "narrower", c.id, default=[]) or [])
        if not (narrower & (ids - {c.id})) and c.id not in {o.id for o in out}:
            out.append(c)
    return out


_QUALIFIED = re.compile(r"^\s*(associated with|due to|caused by|from|of|in|related to)\s+(?:the\s+)?$", re.I)


def _qualify(text: str, found: list[ConditionMention], vocab: Vocabulary) -> list[ConditionMention]:
    """"neuropathic pain associated with diabetes mellitus" -> the narrower concept naming both, when there is one."""
    out = list(found)
    low = text.lower()
    for a in found:
        for b in found:
            if a is b or a not in out or b not in out:
                continue
            pa, pb = low.find(a.text.lower()), low.find(b.text.lower())
            if pa < 0 or pb <= pa or not _QUALIFIED.match(text[pa + len(a.text):pb]):
                continue
            stem = b.text.lower().split()[0][:5]
            for nid in vocab_call(vocab, "narrower", a.id, default=[]) or []:
                cond = vocab_call(vocab, "condition", nid)
                if cond is not None and stem in cond.name.lower():
                    out[out.index(a)] = ConditionMention(text=text[pa:pb + len(b.text)], id=cond.id, name=cond.name)
                    out.remove(b)
                    break
    return out


# words a MeSH lookup can read as a condition but that never name the condition a claim is about
_NOT_CONDITIONS = {"combination", "combined", "treatment", "therapy", "medication", "placebo", "relief", "effect",
                   "effects", "response", "outcome", "outcomes", "quality of life", "pain relief", "side effects",
                   "adverse events", "infection", "infections", "drug interactions"}
_PRESUPPOSED = re.compile(r"^(in addition to|besides|apart from|as well as|beyond)\b[^,]{0,120},\s*", re.I)


def _short_name_ok(c: ConditionMention) -> bool:
    """A short MeSH mention is kept when it is an acronym ("ADHD", "GERD") or a word of the heading's own name
    ("gout" for Gout, "acne" for Acne Vulgaris), not a loose synonym that may be an everyday word."""
    t = c.text.strip()
    if len(t) >= 3 and t.isupper() and t.isalpha():
        return True
    name_words = {w.lower().strip(",") for w in (c.name or "").split()}
    return len(t) >= 4 and (t.lower() in name_words or t.lower() + "s" in name_words)


def _own_conditions(text: str, vocab: Vocabulary) -> tuple[list[ConditionMention], list[ConditionMention]]:
    """(conditions the claim is about, conditions it names only as outcomes: "less anxiety about the task")."""
    text = _PRESUPPOSED.sub("", text)  # "In addition to its use in treating X, it treats Y": the claim is about Y
    found: list[ConditionMention] = [
        c for c in vocab.find_conditions(text)
        if (not c.id.startswith("mesh:") or len(c.text) > 5 or _short_name_ok(c))
        and c.text.lower() not in _NOT_CONDITIONS]
    found = _qualify(text, found, vocab)
    about: list[ConditionMention] = []
    outcomes: list[ConditionMention] = []
    for c in found:
        pos = text.lower().find(c.text.lower())
        (outcomes if pos > 0 and (_OUTCOME_MENTION.search(text[:pos]) or _HARM_MENTION.search(text[:pos]))
         else about).append(c)
    return _most_specific(about, vocab), outcomes


_LIST_GAP = re.compile(r"^[\s,;]*(?:(?:and|or|as well as|plus|&)\b)?[\s,;]*(?:(?:for|to treat|in)\b)?[\s]*$", re.I)
_NARROWING_GAP = re.compile(r"^[\s,;(]*(?:including|such as|e\.g\.,?|like|especially|in particular|namely)\s*$", re.I)


# words that attach a condition to a drug as its use ("approved ... to treat malaria", "for the treatment of X")
_USE_BEFORE = re.compile(r"\b(?:for|to treat|treat(?:s|ed|ing)?|treatment of|to manage|manag(?:e|es|ing)|management of|"
                         r"prevent(?:s|ing|ion of)?|relie(?:f of|ve|ves|ving)|against|in|as)\s+(?:(?:the|a|an|only)\s+)?"
                         r"(?:[\w-]+\s+){0,2}$", re.I)


def use_attached(text: str, condition: str | None) -> bool:
    """The condition is named as a use of the drug ("approved to treat malaria", "for the treatment of X"), not in
    a clause about something else ("only 1,500 people received malaria diagnoses")."""
    if not condition:
        return False
    for m in re.finditer(re.escape(condition), text, re.I):
        if _USE_BEFORE.search(text[max(0, m.start() - 45): m.start()]) or re.match(
                r"\s*(?:drugs?|medications?|medicines?|treatments?|indications?|uses?)\b", text[m.end():], re.I):
            return True
    return False


def listed_uses(sentence: str, conds: list[ConditionMention]) -> list[ConditionMention]:
    """The uses a sentence names as a list ("for A, B and C"), in order. A condition that only qualifies
    another ("muscle spasm from back injuries") is not a separate use; one introduced by "including" or
    "such as" replaces the broader term before it (the claim is about the named kinds)."""
    low = sentence.lower()
    found = sorted(((low.find(c.text.lower()), c) for c in conds if low.find(c.text.lower()) >= 0),
                   key=lambda t: t[0])
    if not found:
        return []
    out = [found[0][1]]
    end = found[0][0] + len(found[0][1].text)
    narrowed = False
    for pos, c in found[1:]:
        if pos < end:
            continue
        gap = sentence[end:pos]
        if _NARROWING_GAP.match(gap) or (narrowed and _LIST_GAP.match(gap)):
            if not narrowed:
                out.pop()
                narrowed = True
            out.append(c)
        elif _LIST_GAP.match(gap) or re.match(r"^\s*,\s*(?:(?:and|or)\s+)?(?:[\w-]+\s+){0,2}$", gap):
            out.append(c)
        else:
            continue
        end = pos + len(c.text)
    return out


# ------------------------------------------------------------------ reading the article


@dataclass
class _Context:
    """What the article is talking about at this point."""

    drugs: list[str] = field(default_factory=list)
    condition: ConditionMention | None = None  # the last condition a claim named in this block
    block: int = -1
    title: ConditionMention | None = None
    section: ConditionMention | None = None
    lead: ConditionMention | None = None
    lead_text: str | None = None
    study: ConditionMention | None = None  # the condition of the study being described in this block
    study_block: int = -1
    combo: list[str] = field(default_factory=list)
    uses: list[ConditionMention] = field(default_factory=list)  # every condition named in this block
    main: list[str] = field(default_factory=list)  # the article's drug (the title's, else the first one named)
    main_all: list[str] = field(default_factory=list)  # every drug the title names
    lead_drugs: list[str] = field(default_factory=list)
    item_drugs: list[str] = field(default_factory=list)  # drugs a list item's "Label:" names
    item_line: int = -1
    line: int = -1
    study_drugs: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)  # the class the last claim was about, when it named no drug
    last_drugs: list[str] = field(default_factory=list)  # the drugs of the last claim and its block
    last_block: int = -1


@dataclass
class Reader:
    """Turns segments into claims; ``known`` says whether a vocabulary hit is a real medicine."""

    vocab: Vocabulary
    known: Any
    ctx: _Context = field(default_factory=_Context)
    pain_kinds: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.pain_kinds = set(vocab_call(self.vocab, "narrower", "pain", default=[]) or [])

    # -------------------------------------------------------------- context

    def _first_condition(self, text: str) -> ConditionMention | None:
        about, _ = _own_conditions(text, self.vocab)
        return about[0] if about else None

    def _enter(self, seg: Segment) -> None:
        self.ctx.line = seg.line
        label = re.match(r"^([^:]{2,40}):\s", seg.text)
        if label and seg.role == "item":
            names = [d.name for d in self.vocab.find_drugs(_plain(label.group(1))) if not d.is_class and self.known(d)]
            if names:
                self.ctx.item_drugs, self.ctx.item_line = names, seg.line
        if seg.block != self.ctx.block:
            self.ctx.block, self.ctx.condition, self.ctx.uses = seg.block, None, []
        if seg.role != "item":
            self.ctx.lead, self.ctx.lead_text, self.ctx.lead_drugs = None, None, []
        if seg.role == "lead":
            self.ctx.lead, self.ctx.lead_text = self._first_condition(seg.text), seg.text
            criteria = re.search(r"\b(when|if|only when|unless):\s*$", seg.text, re.I)  # "Consider X only when:"
            self.ctx.lead_drugs = [] if criteria else [
                d.name for d in self.vocab.find_drugs(_plain(seg.text)) if not d.is_class and self.known(d)]
            if not criteria and not self.ctx.lead_drugs and self.ctx.last_block == seg.block and _FINDINGS_LEAD.match(
                    seg.text):  # "… a systematic review of X … Key findings include:": the findings about that drug
                self.ctx.lead_drugs = list(self.ctx.last_drugs)

    def _fallback_condition(self, text: str) -> ConditionMention | None:
        c = self.ctx
        if _EXPERIMENTAL.search(text):
            return _experimental()
        for cand in (c.lead, c.study if c.study_block == c.block else None, c.condition, c.section, c.title):
            if cand is not None:
                return cand
        return None

    def _topic_condition(self) -> ConditionMention | None:
        """The condition of the lead-in, the section or the title: what a generic "pain" in a claim means."""
        return self.ctx.lead or self.ctx.section or self.ctx.title

    def _condition(self, text: str, conds: list[ConditionMention], outcomes: list[ConditionMention],
                   chained: bool) -> ConditionMention | None:
        own = conds[0] if conds else None
        fallback = self._fallback_condition(text)
        if chained and self.ctx.study is not None and (own is None or own.id == "pain"):
            return self.ctx.study
        topic = self._topic_condition()
        if own is not None and re.search(rf"\b(?:other|different|another)\s+(?:[\w-]+\s+)?{re.escape(own.text)}", text,
                                         re.I):
            return own  # "works for other pain states": not the article's own kind of pain
        if own is not None and topic is not None and own.id != topic.id and topic.id in set(
                vocab_call(self.vocab, "narrower", own.id, default=[]) or []):
            return topic  # "pain relief" in an article about osteoarthritis is about osteoarthritis pain
        if own is not None and fallback is not None and fallback.id in set(
                vocab_call(self.vocab, "narrower", own.id, default=[]) or []) and re.search(
                rf"\b(this|the|such|that)\s+{re.escape(own.text)}", text, re.I):
            return fallback  # "this facial pain" refers back to the narrower condition named before
        if own is None and outcomes and fallback is None:
            return outcomes[0]
        return own or fallback

    # -------------------------------------------------------------- one proposition

    def _drugs_for(self, text: str, prop: Proposition, prev: list[str]) -> tuple[list[str], list[str], list[str]]:
        hits = [h for h in self.vocab.find_drugs(_plain(text)) if _named_plainly(h.text, text) and not (
            h.is_class and getattr(h, "end", None) is not None and _PROPERTY.match(text[h.end:]))]
        if any(h.name not in _ENDOGENOUS and not h.is_class for h in hits):
            hits = [h for h in hits if h.name not in _ENDOGENOUS]  # "raises serotonin": a target, not a drug
        elif hits and all(h.name in _ENDOGENOUS for h in hits) and _PRONOUN.search(text) and not _EXPLETIVE.search(text):
            hits = []  # "These drugs work by equalizing the level of serotonin": the drugs named before act on it
        drugs, classes = _drug_names(hits, self.known, self.vocab)
        examples = _examples_of_class(text, classes, drugs, self.vocab)
        drugs = [d for d in drugs if d not in examples]
        if _COMBO_REF.search(text) and self.ctx.combo and len(drugs) < 2:
            drugs = list(dict.fromkeys(self.ctx.combo + drugs))
        if _COMPARE_HEAD.match(text) and (drugs or classes) and self.ctx.main and self.ctx.main[0] not in drugs:
            drugs = list(self.ctx.main) + drugs  # "Comparable efficacy to NSAIDs": the article's drug against them
        if not drugs:
            pron = _PRONOUN.search(text)
            anaphora = bool(pron) and not _EXPLETIVE.search(text)
            definite = bool(pron and pron.group("noun") and not pron.group("num") and not re.match(
                r"these|those|both", pron.group("det") or "", re.I))
            plural = bool(pron and (re.match(r"these|those|both|they|either", pron.group(0).strip(",; "), re.I)
                                    or pron.group("num")))
            if prop.inherits and prev and not classes:
                drugs = list(prev)
            elif anaphora and plural and len(self.ctx.main_all) >= 2:
                drugs = list(self.ctx.main_all)
            elif anaphora and definite and self.ctx.main:
                drugs = list(self.ctx.main)  # "this medication", "the drug": the article's drug
            elif anaphora and prev and not classes:
                drugs = list(prev)
            elif anaphora and plural and not classes and self.ctx.classes and not self.ctx.drugs:
                classes = list(self.ctx.classes)  # "Triptans are effective … They reduce pain within two hours"
            elif anaphora and self.ctx.drugs:
                drugs = list(self.ctx.drugs)
            elif not classes and self.ctx.item_drugs and self.ctx.item_line == self.ctx.line:
                drugs = list(self.ctx.item_drugs)  # "Ibuprofen & Naproxen: … . Effective for mild pain."
            elif not classes and self.ctx.lead_drugs:
                drugs = list(self.ctx.lead_drugs)  # an item under "Cyclobenzaprine versus placebo:"
            elif not classes and _STUDY_CHAIN.search(text) and self.ctx.study_drugs and \
                    self.ctx.study_block >= self.ctx.block - 1:
                drugs = list(self.ctx.study_drugs)  # "This randomized study involved 114 patients"
            elif not classes and _STUDY_CHAIN.search(text) and self.ctx.last_drugs and \
                    self.ctx.last_block == self.ctx.block:
                drugs = list(self.ctx.last_drugs)  # "A review of X … All three studies included (n = 1647) …"
            elif not classes and self.ctx.main and _SUBJECTLESS.match(text):
                drugs = list(self.ctx.main)  # "Significantly reduces the frequency of flares": the article's drug
            elif not classes and self.ctx.main and M.evidence_quality(text) in ("weak", "mixed", "small") and re.search(
                    r"\b(studies|trials|evidence)\b", text, re.I):
                drugs = list(self.ctx.main)  # "Studies of patients with X have been small": the article's drug's
            elif not classes and self.ctx.main and (M.DOSE_REF.search(text) or M.is_safety(self._unconditioned(text)) or re.search(
                    r"\b\d+(\.\d+)? ?mg\b|\b(administration|route|routes|subcutaneous(ly)?|intranasal|oral|SC|"
                    r"injection|taking (the |this )?medication|dose|doses|dosing)\b", text, re.I)):
                drugs = list(self.ctx.main)  # "Adverse events include somnolence": the article's drug
        return drugs, classes, examples

    def _unconditioned(self, text: str) -> str:
        """The text without its condition names: "Migraine headaches are common" names no harm of a drug."""
        for c in self.vocab.find_conditions(text):
            text = re.sub(re.escape(c.text), " ", text, flags=re.I)
        return text

    def _joins_drugs(self, text: str, unknown: list[str]) -> bool:
        """A combination word stands next to a medicine (within three words): "ibuprofen combined with
        paracetamol", "combination products that contain X"; not "ulcers combined with ulcer complications"."""
        cues = M.combination_cues(text)
        if not cues:
            return True
        spans = [(h.start, h.end) for h in self.vocab.find_drugs(_plain(text)) if getattr(h, "start", None) is not None
                 and h.name not in _ENDOGENOUS and (h.is_class or self.known(h))]
        low = text.lower()
        for u in unknown:
            i = low.find(u.lower())
            if i >= 0:
                spans.append((i, i + len(u)))
        if re.search(r"\b(this|the|that) combination\b|\bthe (pair|combo)\b|\b(both|together)\b", text, re.I):
            return True
        for a, b in cues:
            for s, e in spans:
                gap = text[b:s] if s >= b else (text[e:a] if e <= a else "")
                if (s >= b or e <= a) and len(re.findall(r"[\w%.-]+", gap)) <= 3:
                    return True
                if s < b and e > a:  # the cue is inside the name ("paracetamol/ibuprofen")
                    return True
        return False

    def claim(self, seg: Segment, prop: Proposition, start: int, end: int, prev: list[str]) -> Claim | None:
        text = prop.text
        drugs, classes, examples = self._drugs_for(text, prop, prev)
        if prop.link == "concession" and prev and re.match(r"(a|an|the|its)\b", text, re.I) and not set(prev) & set(drugs):
            drugs = list(prev) + [d for d in drugs if d not in prev]  # "…, despite a higher risk of X than Y"
        subjects = drugs or classes
        if not subjects:
            return None
        conds, outcomes = _own_conditions(text, self.vocab)
        chained = bool(_STUDY_CHAIN.search(text)) and seg.block - 1 <= self.ctx.study_block <= seg.block
        if not chained and _STUDY_INTRO.search(text) and (conds or drugs):
            self.ctx.study, self.ctx.study_block = (conds[0] if conds else None), seg.block
            self.ctx.study_drugs = [d for d in drugs if d not in classes]
        elif _STUDY_INTRO.search(text) and _EXPERIMENTAL.search(text):
            self.ctx.study, self.ctx.study_block = _experimental(), seg.block
        cond = self._condition(text, conds, outcomes, chained)
        unknown = [m.group(0) for m in _UNKNOWN_AGENT.finditer(text) if not any(d in m.group(0).lower() for d in drugs)]
        unknown += [u.word for u in unknown_drugs(text, vocab=self.vocab) if u.word not in unknown
                    and not _NOT_AGENT.search(u.word)]
        # an agent the vocabulary does not know still takes part ("diclofenac combined with vitamin K")
        mean = M.read(text, n_drugs=len(drugs) + len(classes) + len(unknown), has_condition=cond is not None,
                      joins_drugs=self._joins_drugs(text, unknown), names_condition=bool(conds))
        if chained and not mean.attribution:
            mean.attribution = "study"
        if chained and mean.kind == "none" and mean.numbers:
            mean.kind = "study"  # "This randomized study involved 114 patients"
        if mean.kind == "none":
            return None
        aff, sen = bool(_AFFECTIVE.search(text)), bool(_SENSORY.search(text))
        dimension = "both" if aff and sen else ("affective" if aff else ("sensory" if sen else None))
        both = mean.kind in ("combination", "comparison") and drugs
        parts = classes
        if both:  # "the pain reliever ibuprofen": a class naming a drug of the claim describes it
            parts = [k for k in classes if not set(drugs) & set(vocab_call(self.vocab, "class_members", k, default=[]) or [])]
        if both:  # the first-named side is the subject: "NSAIDs are superior to acetaminophen"
            low = text.lower()

            def order(n: str) -> int:
                hit = [h.start for h in self.vocab.find_drugs(_plain(text)) if h.name == n and hasattr(h, "start")]
                pos = hit[0] if hit else low.find(n.lower())
                return pos if pos >= 0 else -1  # a subject the claim leaves unsaid ("Comparable efficacy to X") comes first
            merged = sorted(drugs + [k for k in parts if k not in drugs], key=order)
            drugs, parts = [d for d in merged if d in drugs], [k for k in merged if k not in drugs]
        product = M.slash_product(text, vocab=self.vocab)
        if product and mean.kind in ("comparison", "effect"):
            mean.kind = "combination"  # "paracetamol/ibuprofen 500/200 mg": a combination product
            than = re.search(r"\b(than|versus|vs\.?|compared (?:with|to))\b(.*)$", text, re.I)
            if than:  # against each part only when the claim names each part (or "either") after "than"
                rest = than.group(2)
                named = [d for d in product if re.search(rf"\b{re.escape(d)}\b", rest, re.I) or any(
                    re.search(rf"\b{re.escape(h.text)}\b", rest, re.I) for h in self.vocab.find_drugs(rest)
                    if h.name == d)]
                each = len(named) >= len(product) or re.search(r"\b(either|each|both)\b", rest, re.I)
                mean.combination = M.Combination(vs="each alone" if each else "alone")
        c = Claim(text=text, start=start, end=end, kind=mean.kind, polarity="negative" if mean.denies else "positive",
                  drugs=(merged if both else (drugs or classes)), classes=classes, alternatives=examples, condition=cond.text if cond else None,
                  condition_id=cond.id if cond else None, dimension=dimension, hedge=mean.hedge,
                  attribution=mean.attribution, strength=mean.strength, evidence_quality=mean.evidence,
                  relation=mean.relation, comparator=mean.comparator, numbers=[n.text for n in mean.numbers], link=prop.link,
                  unknown_agents=unknown)
        if c.unknown_agents and mean.kind in ("effect", "comparison") and M.combination_of(text):
            c.kind = "combination"  # "X combined with vitamin K": a combination, whatever the vocabulary knows
        if dimension is not None and mean.kind == "effect" and (cond is None or cond.id in ("pain", "experimental-pain")):
            c.condition, c.condition_id = "experimental pain", "experimental-pain"
        self._meaning_details(c, mean, text, conds)
        self.ctx.last_drugs, self.ctx.last_block = [d for d in c.drugs if d not in classes], seg.block
        return c

    def _meaning_details(self, c: Claim, mean: M.Meaning, text: str, conds: list[ConditionMention]) -> None:
        if mean.regulatory:
            c.claimed_status, denied = mean.regulatory
            c.polarity = "negative" if denied else "positive"
            from ..domain import jurisdictions_named

            named = jurisdictions_named(text)
            c.jurisdiction = named[0] if named else None
            uses = listed_uses(text, conds)
            if not uses and re.search(r"\b(these|those|such|any of these|all of these) (uses|conditions|purposes|"
                                      r"indications)\b", text, re.I):
                uses = list(self.ctx.uses)
            if uses:
                c.condition, c.condition_id = uses[0].text, uses[0].id
                c.conditions = [u.id for u in uses] if len(uses) > 1 else []
            if denied and re.search(r"\boff[- ]label\b", text, re.I) and not re.search(
                    r"\bnot\b[^.;]{0,30}\b(approv|licen[sc]|authori[sz]|indicated)", text, re.I) and not (
                    uses and use_attached(text, c.condition)) and not re.search(
                    r"\bfor (?:this|that|the|these|those|such)\s+(?:[\w-]+\s+)?(?:indications?|uses?|conditions?|"
                    r"purposes?|problems?)\b", text, re.I):
                c.condition, c.condition_id, c.conditions = None, None, []  # "prescribed off-label": for unnamed uses
        if mean.combination:
            c.combination_vs = mean.combination.vs
            c.added = mean.combination.added

    # -------------------------------------------------------------- the article

    def read(self, text: str, title: str | None) -> list[Claim]:
        if title:
            self._topic(title)
        claims: list[Claim] = []
        lede = title is None  # an article with no title line: its first sentence names what it is about
        for seg in segments(text):
            self._enter(seg)
            if seg.role == "heading":
                self.ctx.section = self._first_condition(seg.text) or self.ctx.section
                continue
            if lede and seg.role != "source":
                lede = False
                if self.ctx.title is None:
                    self.ctx.title = self._first_condition(seg.text)
            if seg.text.rstrip().endswith("?"):
                self._topic(seg.text)
            if seg.role == "source" or seg.text.rstrip().endswith("?") or (seg.role == "lead" and not has_verb(seg.text)):
                self._remember(seg.text)
                continue
            prev: list[str] = []
            first: Claim | None = None
            cause: tuple[Proposition, int, int] | None = None
            for prop in split_propositions(seg.text):
                start, end = _locate(text, seg, prop)
                c = self.claim(seg, prop, start, end, prev)
                self._remember(prop.text, c)
                if c is None and prop.link == "cause":
                    cause = (prop, start, end)
                    continue
                if c is not None:
                    if cause is not None and c.link == "effect":  # "X, which is why Y": X explains Y's result
                        claims.append(_cause_claim(cause, c))
                    if first is not None and first.attribution in ("study", "studies") and c.attribution is None \
                            and c.link == "concession":
                        c.attribution = first.attribution  # "The study found X, while Y": Y is reported too
                    first = first or c
                    claims.append(c)
                    prev = [d for d in c.drugs if d not in c.classes] or c.drugs
                cause = None
        return claims

    def _topic(self, text: str) -> None:
        """The title (or an opening question): the article's drug and condition, when not known yet."""
        if self.ctx.title is None:
            self.ctx.title = self._first_condition(text)
        if not self.ctx.main:
            names = [d.name for d in self.vocab.find_drugs(_plain(text)) if not d.is_class and self.known(d)]
            self.ctx.main, self.ctx.main_all = names[:1], list(dict.fromkeys(names))

    def _remember(self, text: str, claim: Claim | None = None) -> None:
        about, _ = _own_conditions(text, self.vocab)
        for cnd in about:
            if cnd.id not in {u.id for u in self.ctx.uses}:
                self.ctx.uses.append(cnd)
        if claim is None:
            hits = [d.name for d in self.vocab.find_drugs(_plain(text)) if not d.is_class and self.known(d)]
            if hits:
                self.ctx.drugs = hits[:1]
            return
        named = [d for d in claim.drugs if d not in claim.classes]
        if named:
            self.ctx.classes = []
        elif claim.classes and claim.kind != "comparison":
            self.ctx.classes = list(claim.classes)
        if named and not self.ctx.main:
            self.ctx.main = named[:1]
        if named and claim.kind not in ("comparison",):
            self.ctx.drugs = named[:1] if claim.kind != "combination" else named
        if len(named) >= 2 and claim.kind == "combination":
            self.ctx.combo = named
        if claim.condition_id and claim.condition_id != "experimental-pain":
            self.ctx.condition = next((c for c in about if c.id == claim.condition_id), self.ctx.condition)


def _cause_claim(cause: tuple[Proposition, int, int], effect: Claim) -> Claim:
    """The premise of a causal sentence, judged as a mechanism claim about the drug whose result it explains."""
    prop, start, end = cause
    return Claim(text=prop.text, start=start, end=end, kind="mechanism", polarity="positive", drugs=list(effect.drugs),
                 condition=effect.condition, condition_id=effect.condition_id, link="cause")


def _experimental() -> ConditionMention:
    return ConditionMention(text="experimental pain", id="experimental-pain", name="experimental pain")


def _locate(text: str, seg: Segment, prop: Proposition) -> tuple[int, int]:
    """Offsets of a proposition in the article text (its words, whatever the spacing and removed markers)."""
    words = prop.text.split()
    if not words:
        return seg.start, seg.end
    head = r"\s+".join(re.escape(w) for w in words[: min(4, len(words))])
    m = re.compile(head).search(text, seg.start, seg.end + 1)
    if m is None:
        return seg.start, seg.end
    last = words[-1].rstrip(".,;:")
    expected = m.start() + len(prop.text)
    ends = [t.end() for t in re.finditer(re.escape(last), text[: seg.end + 1])] if last else []
    ends = [e for e in ends if e >= m.end()]
    end = min(ends, key=lambda e: abs(e - expected)) if ends else min(seg.end, expected)
    while end < len(text) and end < seg.end and text[end] in ".!?":
        end += 1
    return m.start(), max(end, m.end())


def find_claims(text: str, vocab: Vocabulary, *, title: str | None = None, known: Any = None) -> list[Claim]:
    """The checkable claims of an article (see the module docstring).

    ``known(mention)`` says whether a vocabulary hit is a medicine (default: every non-class hit of 4+ letters).
    """
    reader = Reader(vocab, known or (lambda d: len(d.text) >= 4))
    return reader.read(text, title)
