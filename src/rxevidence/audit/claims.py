"""Claims: the checkable sentences of an article, with their drugs, condition, kind and polarity."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from ..domain import JURISDICTIONS
from ..models import ConditionMention, DrugMention
from ..synthesize import _vocab_call
from .article import split_sentences
from .report import Claim, ClaimKind

_NEG = re.compile(
    r"\b(not|no|never|neither|nor|didn['’]?t|doesn['’]?t|don['’]?t|isn['’]?t|wasn['’]?t|won['’]?t|cannot|can['’]?t|"
    r"without|fail(?:ed|s)? to|unaffected|did not|does not|has not|have not|were not|was not)\b",
    re.I,
)
_EFFECT = re.compile(
    r"\b(effective|efficacy|relie(?:f|ve|ved|ves|ving)|reduc\w*|help(?:s|ed|ful)?|work(?:s|ed)?|improv\w*|"
    r"eas(?:e|es|ed|ing)|alleviat\w*|better|benefit\w*|successful|affected|alter\w*|"
    r"decreas\w*|lower\w*|change[sd]?|useful|tolerat\w*|endure|longer)\b",
    re.I,
)
_REG = re.compile(
    r"\b(FDA|Food and Drug Administration|approv\w*|licensed|NHS|NICE|National Health Service|recommend\w*|"
    r"EMA|prescrib\w*|on-label|off-label|guideline\w*)\b",
    re.I,
)
_MECH = re.compile(r"\b(mechanism|endorphin\w*|receptor\w*|GABA|gene expression|opioid system|neurotransmitter)\b",
                   re.I)
_CLASS = re.compile(r"\b(member of|class of|family of|is an?|is one of)\b", re.I)
_COMBO = re.compile(r"\b(combin\w*|together with|along with|plus|with)\b", re.I)
_AFFECTIVE = re.compile(r"\b(emotional|affective|unpleasant\w*|anxiety|distress|perceptions? around)\b", re.I)
_SENSORY = re.compile(r"\b(sensory|intensity|actual perception|perception of pain itself|heat[- ]related|"
                      r"judge an experience as painful)\b", re.I)
_PRONOUN_DRUG = re.compile(r"\b(this (drug|medication|medicine|compound|substance)|the (drug|medication)|it)\b", re.I)
_NON_PAIN_NEG = re.compile(r"\b(not considered a pain reliever|not .{0,20}pain reliever)\b", re.I)
_JURIS = [(j.name, j.mentions) for j in JURISDICTIONS.values()]


@dataclass
class _Context:
    drug: DrugMention | None = None
    condition: ConditionMention | None = None


_CLAUSE_SPLIT = re.compile(r"\s*(?:,|;|\bbut\b|\bhowever\b|\balthough\b|\bwhich\b|\byet\b|\bwhile\b)\s*", re.I)
_PRACTICE = re.compile(r"\b(doctors?|physicians?|clinicians?|prescribers?)\b.{0,60}\b(use|prescribe|give|given|attitude)\b",
                       re.I)
_METHOD = re.compile(r"\b(to test|to assess|to measure|to study|to find a mechanism|attempt to)\b", re.I)
_RESULT = re.compile(r"\b(found|showed|concluded|demonstrat\w*|did not|was not|were not|no (significant )?"
                     r"(difference|effect)|yield\w*|effective)\b", re.I)
_STRONG = re.compile(r"\b(quite|very|highly|extremely|even more|most commonly|especially)\b", re.I)


def clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE_SPLIT.split(sentence) if c and c.strip()]


def _clause_polarity(clause: str) -> Literal["positive", "negative"]:
    return "negative" if len(_NEG.findall(clause)) % 2 == 1 else "positive"


def _polarity(sentence: str) -> Literal["positive", "negative"]:
    """Polarity of the main assertion: the last clause that carries an effect word decides."""
    parts = [c for c in clauses(sentence) if _EFFECT.search(c) or re.search(r"pain relie", c, re.I)]
    if not parts:
        return _clause_polarity(sentence)
    return _clause_polarity(parts[-1])


def _mixed_polarity(sentence: str) -> bool:
    parts = [c for c in clauses(sentence) if _EFFECT.search(c) or re.search(r"pain relie", c, re.I)]
    return len({_clause_polarity(c) for c in parts}) > 1


def _known_drug(vocab: Any, hit: DrugMention) -> bool:
    """Drop vocabulary hits that are not a known medicine (common words, body substances)."""
    from ..pack import load_pack

    if hit.is_class or len(hit.text) < 4:
        return False
    if load_pack().drug(hit.name) is not None:
        return True
    try:
        return bool(vocab.drug_classes(hit.name))
    except (KeyError, LookupError):
        return False


_COMBO_REF = re.compile(r"\b(this|the|that) combination\b", re.I)
_SAME = re.compile(r"\b((just |about |equally )?as (effective|good|well|useful|helpful) as|equally (effective|good)|"
                   r"no (better|worse|more effective|less effective) than|similar(ly)? (effective )?to|on a par with)\b", re.I)
_BETTER = re.compile(r"\b(better than|more effective than|superior to|outperform\w*|beats?|stronger than|"
                     r"works? better)\b", re.I)
_WORSE = re.compile(r"\b(less effective than|worse than|inferior to|not as (effective|good) as|weaker than)\b", re.I)


def _asserted_comparison(sentence: str) -> str | None:
    """How the first-named drug is said to compare with the second: "same", "better", "worse" or None."""
    if _SAME.search(sentence):
        return "same"
    if _WORSE.search(sentence):
        return "worse"
    if _BETTER.search(sentence):
        return "better"
    return None

_SAFETY = re.compile(r"\b(safe|safer|safest|unsafe|side[- ]effects?|addict\w*|habit[- ]forming|dependen\w*|"
                     r"drows\w*|dizz\w*|sedat\w*|long[- ]term use|breath\w*|respirat\w*|overdose|bleed\w*|"
                     r"ulcers?|dangerous|danger)\b", re.I)

def _narrower(vocab: Any, condition_id: str) -> set[str]:
    """Concept ids below ``condition_id`` (empty for an unknown id)."""
    return set(_vocab_call(vocab, "narrower", condition_id, default=[]) or [])


def _most_specific(conds: list[ConditionMention], vocab: Any) -> list[ConditionMention]:
    """Drop a condition when a narrower one is named in the same sentence ("leg pain from sciatica" ->
    sciatica; "nerve pain from shingles" -> postherpetic neuralgia); order and duplicates kept out."""
    ids = {c.id for c in conds}
    out: list[ConditionMention] = []
    for c in conds:
        if not (_narrower(vocab, c.id) & (ids - {c.id})) and c.id not in {o.id for o in out}:
            out.append(c)
    return out


_LIST_GAP = re.compile(r"^[\s,;]*(?:(?:and|or|as well as|plus|&)\b)?[\s,;]*(?:(?:for|to treat|in)\b)?[\s]*$", re.I)
_NARROWING_GAP = re.compile(r"^[\s,;(]*(?:including|such as|e\.g\.,?|like|especially|in particular|namely)\s*$", re.I)


def _listed(sentence: str, conds: list[ConditionMention]) -> list[ConditionMention]:
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
        elif _LIST_GAP.match(gap):
            out.append(c)
        else:
            continue
        end = pos + len(c.text)
    return out


def find_claims(text: str, vocab: Any, *, title: str | None = None) -> list[Claim]:
    """The checkable claims of an article, with drugs and conditions resolved (pronouns carried over).

    The title's condition ("Tramadol for osteoarthritis") is the context of the first sentences that
    name none.
    """
    claims: list[Claim] = []
    ctx = _Context()
    pain_kinds = _narrower(vocab, "pain")
    if title:
        tconds = _most_specific(vocab.find_conditions(title), vocab)
        ctx.condition = tconds[0] if tconds else None
    last_combo: list[str] = []
    for sent, start, end in split_sentences(text):
        if sent.rstrip().endswith("?"):
            continue  # a question is not a claim
        hits = vocab.find_drugs(sent)
        named = [d for d in hits if _known_drug(vocab, d)]
        classes = [d for d in hits if d.is_class]
        conds = _most_specific(
            [c for c in vocab.find_conditions(sent) if not c.id.startswith("mesh:") or len(c.text) > 5], vocab)
        names = list(dict.fromkeys(d.name for d in named))
        if _COMBO_REF.search(sent) and last_combo and len(names) < 2:
            names = list(dict.fromkeys(last_combo + names))
        subject = named[0] if named else None
        if subject is None and ctx.drug and (_PRONOUN_DRUG.search(sent) or _REG.search(sent) or _MECH.search(sent)
                                             or _COMBO_REF.search(sent)):
            subject = ctx.drug
        if not names and subject is not None:
            names = [subject.name]
        cond = conds[0] if conds else None
        if (cond is not None and cond.id == "pain" and ctx.condition is not None
                and ctx.condition.id in pain_kinds):
            cond = ctx.condition  # "pain relief" in an article about osteoarthritis is about osteoarthritis pain
        if cond is not None and ctx.condition is not None and cond.id != ctx.condition.id:
            if ctx.condition.id in _narrower(vocab, cond.id) and re.search(rf"\b(this|the|such|that)\s+{re.escape(cond.text)}", sent, re.I):
                cond = ctx.condition  # "this facial pain" refers back to the narrower condition named before
        if subject is None:
            if cond is not None:
                ctx.condition = cond
            continue
        kind: ClaimKind | None = None
        jurisdiction = None
        has_effect = bool(_EFFECT.search(sent) or re.search(r"pain relie", sent, re.I))
        if re.search(r"\b(FDA|NHS|NICE|EMA|approv\w*|licensed|recommend\w*)\b", sent, re.I):
            kind = "regulatory"
            for j, rx in _JURIS:
                if rx.search(sent):
                    jurisdiction = j
                    break
        elif _MECH.search(sent):
            kind = "mechanism"
        elif _SAFETY.search(sent) and not (has_effect and cond is not None):
            kind = "safety"
        elif _PRACTICE.search(sent) and not re.search(r"\b(effective|relie\w*|reduc\w*|work)", sent, re.I):
            kind = None  # describes prescribing habits, not an effect
        elif _METHOD.search(sent) and not _RESULT.search(sent):
            kind = None  # describes a study's method
        elif len(names) >= 2 and _asserted_comparison(sent) is not None:
            kind = "comparison"
        elif len(names) >= 2 and (_COMBO.search(sent) or _COMBO_REF.search(sent)) and has_effect:
            kind = "combination"
        elif has_effect and (cond is not None or ctx.condition is not None or "pain" in sent.lower()):
            kind = "effect"
        elif named and (classes or re.search(r"\b(prescribed for|used for|used to treat|indicated for)\b", sent, re.I)):
            kind = "description"
        if len(names) >= 2:
            last_combo = names
        if kind is None:
            ctx.drug = subject
            if cond is not None:
                ctx.condition = cond
            continue
        aff, sen = bool(_AFFECTIVE.search(sent)), bool(_SENSORY.search(sent))
        dimension = "both" if aff and sen else ("affective" if aff else ("sensory" if sen else None))
        listed = _listed(sent, conds) if kind == "regulatory" else []
        if listed:
            cond = listed[0]
        use_cond = cond or ctx.condition
        if dimension is not None and kind == "effect":
            use_cond = None  # dimension claims are about experimental pain, whatever words surround them
        claims.append(Claim(
            text=sent, start=start, end=end, kind=kind, polarity=_polarity(sent),
            drugs=names, condition=use_cond.text if use_cond else None,
            condition_id=use_cond.id if use_cond else ("experimental-pain" if dimension else None),
            jurisdiction=jurisdiction, dimension=dimension,
            conditions=[c.id for c in listed] if len(listed) > 1 else [],
        ))
        ctx.drug = subject
        if cond is not None:
            ctx.condition = cond
    return claims
