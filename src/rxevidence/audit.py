"""Audit a health article: each checkable claim gets a verdict against the evidence.

Flow: article text -> sentences -> claims (drug/treatment + condition/outcome + an asserted effect,
regulatory status, mechanism or description) -> for each claim the same path as ``ask``
(retrieve + synthesize for its drug and condition) -> verdict + evidence + one-line reason.
Also: pairs of claims in the article that contradict each other, and reporting checks in the
spirit of HealthNewsReview's criteria.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from lxml import html as lxml_html
from pydantic import BaseModel, Field

from .errors import InputError
from .models import Brief, ConditionMention, DrugMention, Query
from .retrieve import retrieve
from .store.base import Store
from .synthesize import _PLACEBO, _clip, _vocab_call, synthesize

MAX_ARTICLE_CHARS = 200_000

Verdict = Literal["supported", "partly supported", "contradicted", "unverifiable"]
ClaimKind = Literal["effect", "combination", "comparison", "regulatory", "mechanism", "description", "safety"]


class ClaimEvidence(BaseModel):
    id: str  # record id or URL
    note: str | None = None


class Claim(BaseModel):
    text: str
    start: int
    end: int
    kind: ClaimKind
    polarity: Literal["positive", "negative"]
    drugs: list[str] = Field(default_factory=list)
    condition: str | None = None
    condition_id: str | None = None
    jurisdiction: str | None = None
    dimension: str | None = None  # affective / sensory when the claim is about a pain dimension
    conditions: list[str] = Field(default_factory=list)  # every condition id a regulatory claim names
    verdict: Verdict = "unverifiable"
    reason: str = ""
    evidence: list[ClaimEvidence] = Field(default_factory=list)


class Contradiction(BaseModel):
    a: str
    b: str
    reason: str


class ReportingCheck(BaseModel):
    criterion: str
    passed: bool
    detail: str


class AuditReport(BaseModel):
    schema_version: str = "1.0"
    title: str | None = None
    text: str
    claims: list[Claim] = Field(default_factory=list)
    contradictions: list[Contradiction] = Field(default_factory=list)
    checks: list[ReportingCheck] = Field(default_factory=list)
    summary: dict[str, int] = Field(default_factory=dict)
    disclaimer: str = (
        "Not medical advice. Verdicts compare the article's claims with the records in this store and the "
        "starter pack; 'unverifiable' means no evidence was found, not that the claim is false."
    )


# ------------------------------------------------------------------ text


def article_text(raw: str, *, kind: str | None = None) -> tuple[str | None, str]:
    """(title, plain text) from plain text, Markdown or HTML."""
    if len(raw) > MAX_ARTICLE_CHARS:
        raise InputError(f"Article too long ({len(raw):,} characters; the limit is {MAX_ARTICLE_CHARS:,}).")
    if not raw.strip():
        raise InputError("Empty article: nothing to audit.")
    looks_html = kind == "html" or (kind is None and re.search(r"<(html|body|p|div|h1|article)\b", raw, re.I))
    if looks_html:
        parser = lxml_html.HTMLParser(remove_comments=True, no_network=True, recover=True)
        doc = lxml_html.document_fromstring(raw, parser=parser)
        for bad in doc.xpath("//script|//style|//noscript|//template"):
            bad.drop_tree()
        title_el = doc.find(".//title")
        h1 = doc.find(".//h1")
        title = (h1.text_content().strip() if h1 is not None else None) or (
            title_el.text_content().strip() if title_el is not None else None)
        blocks = [el.text_content().strip() for el in doc.xpath("//h1|//h2|//h3|//p|//li|//blockquote")]
        text = "\n\n".join(b for b in blocks if b) or doc.text_content()
        return title, text
    text = raw
    if kind == "md" or re.search(r"^#{1,6} |\*\*|\[[^\]]+\]\([^)]+\)", raw, re.M):
        text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
        text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"^#{1,6}\s*", "", text, flags=re.M)
        text = re.sub(r"(\*\*|__|\*|_|`)", "", text)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    title = lines[0].strip() if lines and len(lines[0]) < 150 and not lines[0].rstrip().endswith(".") else None
    return title, text


_BOUNDARY = re.compile(r"[.!?]+[\"”’)\]]*(?=\s|$)|\n\s*\n|\n(?=\s*[-*•#])")
_ABBREVIATIONS = {"e.g", "i.e", "dr", "mr", "mrs", "ms", "vs", "etc", "al", "no", "fig", "approx", "st", "prof",
                  "u.s", "u.k", "ca", "cf", "jr", "sr", "inc", "ltd"}


def split_sentences(text: str) -> list[tuple[str, int, int]]:
    """(sentence, start, end) with character offsets into ``text``; abbreviations do not end sentences."""
    out: list[tuple[str, int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group(0).startswith("."):
            before = text[start : m.start()].rsplit(None, 1)
            last = before[-1].lower().strip("(\"“") if before else ""
            nxt = text[end : end + 3].lstrip()
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()) or (nxt[:1].islower()):
                continue
        _emit(text, start, end, out)
        start = end
    _emit(text, start, len(text), out)
    return out


_LIST_MARKER = re.compile(r"^(?:[-*•+]\s+|\d{1,2}[.)]\s+)")


def _emit(text: str, start: int, end: int, out: list[tuple[str, int, int]]) -> None:
    seg = text[start:end]
    stripped = _LIST_MARKER.sub("", seg.strip())  # "- ", "* ", "• ", "1. " of list items are not claim text
    if stripped:
        lead = seg.index(stripped)
        out.append((stripped, start + lead, start + lead + len(stripped)))


# ------------------------------------------------------------------ claim detection

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
_JURIS = [
    ("US FDA", re.compile(r"\b(FDA|Food and Drug Administration|United States|American)\b", re.I)),
    ("UK NICE/NHS", re.compile(r"\b(NHS|NICE|National Health Service|UK|United Kingdom|British)\b", re.I)),
    ("EU EMA", re.compile(r"\b(EMA|European Medicines Agency|EU|European)\b", re.I)),
]


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
    from .pack import load_pack

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

# safety claims: what the label says about harms, dependence and duration of use
_SAFETY_TOPICS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    # topic: (words in the claim, words in the label that settle it)
    "addiction": (re.compile(r"\b(addict\w*|habit[- ]forming|dependen\w*|abus\w*|misuse)\b", re.I),
                  re.compile(r"\b(addict\w*|abuse|misuse|dependence|withdrawal|controlled substance|schedule (i|ii|iii|iv|v)\b)",
                             re.I)),
    "long-term use": (re.compile(r"\b(long[- ]term|for years|indefinitely|chronic use)\b", re.I),
                      re.compile(r"\b(short[- ]term|short periods?|two to three weeks|2 to 3 weeks|up to (2|3|two|three) "
                                 r"weeks)\b", re.I)),
    "drowsiness": (re.compile(r"\b(drows\w*|sleep(y|iness)|sedat\w*|somnolen\w*)\b", re.I),
                   re.compile(r"\b(drows\w*|sleepiness|sedation|sedative|somnolence)\b", re.I)),
    "dizziness": (re.compile(r"\bdizz\w*\b", re.I), re.compile(r"\bdizz\w*\b", re.I)),
    "breathing": (re.compile(r"\b(breath\w*|respirat\w*)\b", re.I),
                  re.compile(r"\b(respiratory depression|breathing (problems|depression)|slowed breathing)\b", re.I)),
    "bleeding": (re.compile(r"\b(bleed\w*|ulcers?|stomach)\b", re.I),
                 re.compile(r"\b(bleeding|ulceration|ulcers?|perforation)\b", re.I)),
    "children": (re.compile(r"\b(child(ren)?|kids?|p(a)?ediatric|infants?|babies|teen\w*)\b", re.I),
                 re.compile(r"\b(child(ren)?|p(a)?ediatric|infants?|under (12|18)|younger than)\b", re.I)),
    "opioid or sedative combination": (
        re.compile(r"\b(combin\w*|together|mix\w*|with)\b.{0,30}\b(opioids?|benzodiazepines?|alcohol|sedatives?)\b", re.I),
        re.compile(r"\b(opioids?|benzodiazepines?|alcohol|CNS depressants?|sedatives?)\b", re.I)),
    "heart": (re.compile(r"\b(heart|cardiovascular|stroke)\b", re.I),
              re.compile(r"\b(cardiovascular|heart attack|myocardial infarction|stroke)\b", re.I)),
}
_SAFETY = re.compile(r"\b(safe|safer|safest|unsafe|side[- ]effects?|addict\w*|habit[- ]forming|dependen\w*|"
                     r"drows\w*|dizz\w*|sedat\w*|long[- ]term use|breath\w*|respirat\w*|overdose|bleed\w*|"
                     r"ulcers?|dangerous|danger)\b", re.I)
_COMPARATIVE_SAFETY = re.compile(r"\b(less|more|fewer|lower|higher)\s+(\w+\s+)?(addictive|dangerous|risky|side[- ]effects|"
                                 r"harmful|habit[- ]forming)\b.{0,40}\bthan\b|\b(safer|riskier|gentler)\s+than\b",
                                 re.I)
_DENIES_HARM = re.compile(
    r"\b(no|without|free of|zero|never any)\s+(serious\s+|major\s+|significant\s+|real\s+|dangerous\s+)?"
    r"(side[- ]effects?|risks?|harms?|dangers?)\b|\b(completely|totally|perfectly|entirely|100%)\s+safe\b|"
    r"\bsafe for (everyone|anyone|all)\b", re.I)
_LABEL_SECTIONS = ("34066-1", "43685-7", "34071-1", "42227-9", "34084-4", "34070-3", "42228-7")


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


# ------------------------------------------------------------------ verdicts


class _BriefCache:
    def __init__(self, store: Store, vocab: Any) -> None:
        self.store, self.vocab = store, vocab
        self._cache: dict[tuple, Brief] = {}

    def brief(self, drugs: list[str], condition_id: str | None, relation: str = "single") -> Brief | None:
        key = (tuple(sorted(drugs)), condition_id, relation)
        if key in self._cache:
            return self._cache[key]
        mentions = []
        for name in drugs:
            m = self.vocab.resolve_drug(name)
            if m is not None:
                mentions.append(DrugMention(**{**m.model_dump(), "text": name}))
        if not mentions:
            return None
        cond = None
        if condition_id:
            c = self.vocab.condition(condition_id)
            cond = ConditionMention(text=c.name, id=c.id, name=c.name, narrower=self.vocab.narrower(c.id))
        q = Query(text=" + ".join(drugs) + (f" for {cond.name}" if cond else ""), drugs=mentions,
                  relation=relation if len(mentions) > 1 else "single", condition=cond, intent="efficacy")
        ev = retrieve(self.store, q, vocab=self.vocab)
        b = synthesize(q, ev, vocab=self.vocab)
        self._cache[key] = b
        return b


_POSITIVE_VERDICTS = {"effective": 2, "probably effective": 1}
_NEGATIVE_VERDICTS = {"ineffective": 2, "probably ineffective": 1}


def _direction_for(study: Any, drugs: list[str]) -> str | None:
    """The study's result for ``drugs`` as tested: an arm-level outcome ("ibuprofen alone") when the
    study tested a combination and the claim is about one of its parts; None when it cannot tell."""
    if len(drugs) == 1 and len(study.drugs) > 1:
        arm = [o for o in study.outcomes if re.search(rf"\b{re.escape(drugs[0])} alone\b", o.name, re.I)]
        if arm:
            return arm[0].direction
        others = set(study.drugs) - set(drugs)
        comparator = (study.comparator or "").lower()
        if others and all(o in comparator for o in others):
            return study.direction  # add-on design: X + Y vs Y tests X
        return None
    return study.direction


def _best_direct(brief: Brief, drugs: list[str]) -> list[Any]:
    """The two strongest direct studies of the drug(s) themselves (not pooled class reviews), each with
    its direction for those drugs."""
    rank = {"meta-analysis": 0, "systematic review": 1, "rct": 2}
    cands = []
    for s in brief.studies:
        if s.design not in rank or s.healthy_volunteers or s.humans is False or not set(drugs) & set(s.drugs):
            continue
        if len(s.drugs) > 2 and s.design in ("meta-analysis", "systematic review"):
            continue
        if len(s.drugs) == 1 and s.comparator and not _PLACEBO.search(s.comparator):
            continue  # head-to-head against another active drug: says how it compares, not whether it works
        d = _direction_for(s, drugs)
        if d is None or d == "unclear":
            continue
        cands.append(s.model_copy(update={"direction": d}))
    cands.sort(key=lambda s: (rank[s.design], -(s.n or 0), s.id))
    return cands[:2]


def _judge_effect(claim: Claim, brief: Brief) -> None:
    ids = [s.id for s in brief.studies if s.design not in ("animal",)][:8]
    claim.evidence = [ClaimEvidence(id=i) for i in ids]
    pos = claim.polarity == "positive"
    if claim.dimension in ("affective", "sensory", "both"):
        rows = [r for r in brief.matrix if r.condition_id == "experimental-pain"]
        aff = [r for r in rows if "unpleasantness" in r.outcome or "tolerance" in r.outcome]
        sen = [r for r in rows if "intensity" in r.outcome or "threshold" in r.outcome]
        if aff or sen:
            aff_better = any(r.directions.get("better") for r in aff)
            sen_better = any(r.directions.get("better") for r in sen)
            claim.evidence = [ClaimEvidence(id=i) for i in sorted({i for r in aff + sen for i in r.study_ids})]
            if claim.dimension == "affective":
                ok = aff_better == pos
            elif claim.dimension == "sensory":
                ok = sen_better == pos
            else:  # "changes the emotional side but not the sensory side" style sentences
                ok = aff_better and not sen_better
            measured = " ".join(r.outcome for r in rows)
            specific = re.search(r"tourniquet|tolerat|longer|heat", claim.text, re.I)
            claim.verdict = ("partly supported" if ok and specific and not re.search("tolerance", measured)
                             else "supported" if ok else "contradicted")
            claim.reason = (
                "In experimental pain in healthy volunteers the drug "
                f"{'changed' if aff_better else 'did not change'} the affective side of pain (unpleasantness) and "
                f"{'changed' if sen_better else 'did not change'} the sensory side (intensity)"
                + ("; the exact pain model named here was not among the studies found" if specific and ok and
                   claim.verdict == "partly supported" else "") + "."
            )
            return
    best = _best_direct(brief, claim.drugs)
    if best:
        dirs = {s.direction for s in best}
        labels = ", ".join(f"{s.id} ({s.design}, N={s.n or '?'}, {s.condition or ''}: {s.direction})" for s in best)
        if dirs <= {"no difference", "worse"}:
            claim.verdict = "contradicted" if pos else "supported"
            claim.reason = f"The strongest direct studies found no benefit: {labels}."
            claim.evidence = [ClaimEvidence(id=s.id, note=s.finding) for s in best] + [
                ClaimEvidence(id=i) for i in ids if i not in {s.id for s in best}][:6]
            return
        if dirs == {"better"} and (brief.verdict in _POSITIVE_VERDICTS or any(s.design != "rct" for s in best)
                                   or all((s.n or 0) >= 100 for s in best)):
            claim.verdict = "supported" if pos else "contradicted"
            claim.reason = f"The strongest direct studies found a benefit: {labels}."
            return
    auto = [st for st in brief.studies if st.appraiser == "automatic" and st.finding][:12]
    if auto and not any(st.appraiser == "curated" for st in brief.studies):
        if _judge_by_conclusions(claim, auto):
            return
    v = brief.verdict
    if v == "insufficient evidence" or not ids:
        claim.verdict = "unverifiable"
        claim.reason = f"No usable evidence in the store for {' + '.join(claim.drugs)}" + (
            f" in {claim.condition}." if claim.condition else ".")
        return
    if v in _POSITIVE_VERDICTS:
        claim.verdict = "supported" if pos else "contradicted"
    elif v in _NEGATIVE_VERDICTS:
        claim.verdict = "contradicted" if pos else "supported"
    else:
        claim.verdict = "partly supported"
    claim.reason = (f"The evidence for {' + '.join(claim.drugs)} in {claim.condition or 'this condition'} is rated "
                    f"'{v}' ({brief.certainty} certainty)"
                    + (f"; rated down for {brief.reasons[0]}" if brief.reasons else "") + ".")


def _judge_by_conclusions(claim: Claim, studies: list[Any]) -> bool:
    """Automatic evidence only: compare the claim with each study's conclusion sentence (claimcheck).

    Returns False (and leaves the claim alone) when the classifier is unavailable or undecided.
    """
    try:
        from .claimcheck import classify_many
    except ImportError:
        return False
    try:
        labels = classify_many([(claim.text, st.finding) for st in studies])
    except Exception:  # noqa: BLE001 - missing weights must not break an audit
        return False
    sup = [st for st, (lab, p) in zip(studies, labels, strict=True) if lab == "supports" and p >= 0.5]
    ref = [st for st, (lab, p) in zip(studies, labels, strict=True) if lab == "refutes" and p >= 0.5]
    if not sup and not ref:
        return False
    if len(sup) >= 2 * max(1, len(ref)):
        claim.verdict = "supported"
    elif len(ref) >= 2 * max(1, len(sup)):
        claim.verdict = "contradicted"
    else:
        claim.verdict = "partly supported"
    claim.evidence = [ClaimEvidence(id=st.id, note=st.finding) for st in (sup + ref)[:8]]
    claim.reason = (f"Of {len(studies)} automatically appraised studies, {len(sup)} conclude in line with the claim "
                    f"and {len(ref)} against it (machine-read conclusions; check the records).")
    return True


def _judge_comparison(claim: Claim, brief: Brief) -> None:
    """"A is as effective as / better than / worse than B": head-to-head studies only, read from A's side."""
    a, b = claim.drugs[0], claim.drugs[1]
    flip = {"better": "worse", "worse": "better"}
    h2h: list[tuple[Any, str]] = []
    for st in brief.studies:
        tested, comp = set(st.drugs), (st.comparator or "").lower()
        if st.design not in ("meta-analysis", "systematic review", "rct") or st.direction in ("unclear", "mixed"):
            continue
        if tested and tested <= {a} and re.search(rf"\b{re.escape(b)}\b", comp):
            h2h.append((st, st.direction))
        elif tested and tested <= {b} and re.search(rf"\b{re.escape(a)}\b", comp):
            h2h.append((st, flip.get(st.direction, st.direction)))
    if not h2h:
        claim.verdict = "unverifiable"
        claim.reason = f"No head-to-head study of {a} against {b} was found in the store."
        return
    asserted = _asserted_comparison(claim.text) or "better"
    if claim.polarity == "negative" and asserted == "better":
        asserted = "same-or-worse"
    found = [d for _, d in h2h]
    want = {"same": {"no difference"}, "better": {"better"}, "worse": {"worse"},
            "same-or-worse": {"no difference", "worse"}}[asserted]
    agree = sum(d in want for d in found)
    claim.verdict = ("supported" if agree == len(found) else "contradicted" if agree == 0 else "partly supported")
    claim.evidence = [ClaimEvidence(id=st.id, note=st.finding) for st, _ in h2h[:6]]
    words = {"better": f"{a} did better", "worse": f"{a} did worse", "no difference": "no difference"}
    claim.reason = (f"{len(h2h)} head-to-head {'study' if len(h2h) == 1 else 'studies'} of {a} against {b}: "
                    + ", ".join(f"{st.id} ({st.design}, {st.condition or ''}: {words.get(d, d)})" for st, d in h2h[:4])
                    + ".")


def _judge_combination(claim: Claim, brief: Brief) -> None:
    rows = [c for c in brief.combinations if set(claim.drugs) <= set(c.combination)]
    if not rows:
        claim.verdict = "unverifiable"
        claim.reason = f"No study of {' + '.join(claim.drugs)} together was found."
        return
    claim.evidence = [ClaimEvidence(id=i, note=r.finding) for r in rows for i in r.study_ids]
    pos = claim.polarity == "positive"
    beyond = bool(re.search(r"either|than (each|any)|alone|even more|more effective", claim.text, re.I))
    # arm-level outcomes: did one component alone do as well as the combination?
    studies = {s.id: s for s in brief.studies}
    solo_better: list[str] = []
    for r in rows:
        for sid in r.study_ids:
            st = studies.get(sid)
            if st is None:
                continue
            for d in claim.drugs:
                if re.search(rf"{re.escape(d)} alone", (st.finding or ""), re.I) and r.direction == "better":
                    solo_better.append(d)
    combo_better = any(r.direction == "better" for r in rows)
    if pos and beyond and solo_better:
        claim.verdict = "contradicted"
        claim.reason = (f"The combination helped, but {solo_better[0]} alone did as well; the trial did not show the "
                        "pair beating each drug alone.")
    elif combo_better:
        claim.verdict = "supported" if pos else "contradicted"
        claim.reason = "A study of the combination found it better than its comparator."
    else:
        claim.verdict = "contradicted" if pos else "supported"
        claim.reason = "Studies of the combination found no advantage over the comparator."


def _judge_regulatory(claim: Claim, brief: Brief) -> None:
    j = claim.jurisdiction or "US FDA"
    rows = [r for r in brief.regulatory if r.jurisdiction == j]
    if not rows or all(r.status == "no position found" and not r.details for r in rows):
        claim.verdict = "unverifiable"
        claim.reason = f"No {j} position for this use was found."
        return
    row = rows[0]
    claim.evidence = [ClaimEvidence(id=x, note=n) for x, n in
                      [(row.source, row.note)] + [(d.source, d.statement) for d in row.details] if x]
    text = claim.text.lower()
    says_approved = bool(re.search(r"approv|licensed|on-label", text))
    says_recommend = bool(re.search(r"recommend", text))
    pos = claim.polarity == "positive"
    if says_recommend:
        exact = [row.status] if row.status != "no position found" else []
        has_rec = any(s in ("recommended", "on-label") for s in exact)
        has_not = any(s == "not recommended" for s in exact)
        if pos and has_rec and not has_not:
            claim.verdict = "supported"
        elif pos and has_rec and has_not:
            claim.verdict = "partly supported"
        elif pos and has_not:
            claim.verdict = "contradicted"
        elif not pos and has_not:
            claim.verdict = "supported"
        elif not pos and has_rec:
            claim.verdict = "contradicted"
        else:
            claim.verdict = "unverifiable"
            nots = [d for d in row.details if d.status == "not recommended"]
            if nots:
                claim.evidence = [ClaimEvidence(id=d.source, note=d.statement) for d in nots if d.source]
                claim.reason = (f"No {j} recommendation for {claim.condition or 'this use'} was found; "
                                + "; ".join(f"{d.source_name or j} advises against it for {d.condition_name}"
                                            for d in nots) + ".")
                return
    elif says_approved:
        on = [d for d in row.details if d.status == "on-label"]
        main_on = row.status == "on-label"
        if pos:
            claim.verdict = "supported" if main_on else ("partly supported" if on else "contradicted")
        else:
            claim.verdict = "contradicted" if main_on else ("partly supported" if on else "supported")
    else:
        claim.verdict = "unverifiable"
    notes = "; ".join(f"{d.condition_name or d.condition}: {d.status}" for d in row.details)
    claim.reason = f"{j}: {row.status} for {claim.condition or 'this use'}" + (f" ({notes})" if notes else "") + "."


def _judge_regulatory_each(claim: Claim, cache: _BriefCache) -> None:
    """A regulatory claim naming several uses ("approved for A, B and C"): each use judged on its own."""
    parts: list[tuple[str, Claim]] = []
    for cid in claim.conditions:
        brief = cache.brief(claim.drugs, cid)
        if brief is None:
            continue
        name = brief.query.condition.name if brief.query.condition else cid
        one = claim.model_copy(update={"condition": name, "condition_id": cid, "conditions": [], "evidence": []})
        _judge_regulatory(one, brief)
        parts.append((name, one))
    if not parts:
        claim.verdict, claim.reason = "unverifiable", "Drug not recognised."
        return
    verdicts = {one.verdict for _, one in parts}
    if len(verdicts) == 1:
        claim.verdict = parts[0][1].verdict
    elif verdicts <= {"supported", "unverifiable"}:
        claim.verdict = "partly supported"
    else:
        claim.verdict = "partly supported" if "supported" in verdicts or "partly supported" in verdicts else (
            "contradicted" if "contradicted" in verdicts else "unverifiable")
    seen: set[str] = set()
    claim.evidence = [e for _, one in parts for e in one.evidence if not (e.id in seen or seen.add(e.id))]
    claim.reason = " ".join(f"{name}: {one.verdict} ({one.reason.rstrip('.')})." for name, one in parts)


def _judge_description(claim: Claim, brief: Brief) -> None:
    text = claim.text.lower().replace("panic", "anxiety").replace("seizure", "convulsive")
    panel = next((d for d in brief.drugs if d.name in claim.drugs), brief.drugs[0] if brief.drugs else None)
    if panel is None or not (panel.classes or panel.indications):
        claim.verdict = "unverifiable"
        claim.reason = "No label facts for this drug."
        return
    claim.evidence = [ClaimEvidence(id=s) for s in panel.sources]
    hits = [c for c in panel.classes if c.lower().rstrip("s") in text]
    ind_words = {w for i in panel.indications for w in re.findall(r"[a-z]{5,}", i.lower())}
    mentioned = [w for w in ("anxiety", "panic", "seizure", "spasm", "withdrawal", "convuls", "pain", "insomnia")
                 if w in text]
    ok = [w for w in mentioned if any(x.startswith(w[:6]) for x in ind_words)]
    if hits or (mentioned and len(ok) == len(mentioned)):
        claim.verdict = "supported"
    elif ok:
        claim.verdict = "partly supported"
    else:
        claim.verdict = "unverifiable"
    claim.reason = f"{panel.name}: {', '.join(panel.classes)}; labelled uses: {'; '.join(panel.indications)[:200]}"


def _label_texts(claim: Claim, brief: Brief, store: Store) -> list[tuple[str, str]]:
    """(source id, text) of what the labels say: boxed warnings and labelled uses from the brief (starter
    pack), and the warning / abuse / adverse-reaction sections of label records in the store."""
    out = [(h.source or "", h.text) for h in brief.harms if h.drug in claim.drugs]
    for panel in brief.drugs:
        if panel.name in claim.drugs:
            out += [(panel.sources[0] if panel.sources else "", i) for i in panel.indications]
    for drug in claim.drugs:
        try:
            hits = store.search_terms([[drug]], kind="label", limit=5)
        except Exception:  # noqa: BLE001 - a search problem must not stop an audit
            hits = []
        for rec in store.get_records([h.id for h in hits]).values():
            if drug not in (rec.title or "").lower() and drug not in " ".join(
                    map(str, rec.extra.get("ingredients", []))).lower():
                continue
            out += [(rec.id, sec.text) for sec in rec.sections if sec.code in _LABEL_SECTIONS]
    return [(src, text) for src, text in out if src and text]


def _around(text: str, pattern: re.Pattern[str], n: int) -> str:
    """About ``n`` characters of ``text`` around the first match of ``pattern`` (the words that settle it)."""
    t = " ".join(text.split())
    m = pattern.search(t)
    if m is None or len(t) <= n:
        return _clip(t, n)
    start = max(0, m.start() - n // 3)
    start = t.rfind(" ", 0, start) + 1 if start else 0
    return ("…" if start else "") + _clip(t[start:], n)


def _judge_safety(claim: Claim, brief: Brief, store: Store) -> None:
    """A claim about harms, dependence or length of use, checked against the label facts."""
    topics = [t for t, (in_claim, _) in _SAFETY_TOPICS.items() if in_claim.search(claim.text)]
    texts = _label_texts(claim, brief, store)
    drug = " + ".join(claim.drugs)
    if _COMPARATIVE_SAFETY.search(claim.text):
        claim.verdict = "unverifiable"
        boxed = [h for h in brief.harms if h.drug in claim.drugs and h.source]
        claim.evidence = [ClaimEvidence(id=h.source or "", note=_clip(h.text, 160)) for h in boxed[:1]]
        claim.reason = ("A comparison of harms between drugs; the label facts do not rank drugs"
                        + (f" (the {drug} label carries a boxed warning: “{_clip(boxed[0].text, 110)}”)." if boxed
                           else "."))
        return
    if not topics:
        boxed = [h for h in brief.harms if h.drug in claim.drugs and h.kind == "boxed warning" and h.source]
        if boxed and _DENIES_HARM.search(claim.text):
            # "no serious side effects", "completely safe": the label's boxed warning says otherwise
            claim.verdict = "contradicted"
            claim.evidence = [ClaimEvidence(id=h.source or "", note=_clip(h.text, 160)) for h in boxed[:2]]
            claim.reason = f"The {drug} label carries a boxed warning: “{_clip(boxed[0].text, 140)}”."
            return
        claim.verdict = "unverifiable"
        claim.reason = f"A general safety statement about {drug}; the store holds no study or label fact that settles it."
        return
    found = {t: [(src, txt) for src, txt in texts if _SAFETY_TOPICS[t][1].search(txt)] for t in topics}
    said = [t for t in topics if found[t]]
    if not said:
        claim.verdict = "unverifiable"
        claim.reason = (f"The label facts for {drug} in the store say nothing about {' or '.join(topics)}; "
                        "that is not evidence either way.")
        return
    # the claim denies the harm ("not addictive", "does not cause drowsiness", "safe for long-term use")
    # or asserts it ("can be habit-forming", "often causes dizziness")
    warns = bool(re.search(r"\b(should|must|do) (not|never)\b|\bnever (be )?(combin|mix|take|use)|\bavoid\b|\bcan\b.{0,40}"
                           r"\b(stop|cause|lead|kill|harm)", claim.text, re.I))
    denies = (claim.polarity == "negative" and not warns) or bool(re.search(r"\bsafe(r|st)?\b", claim.text, re.I)) \
        and not re.search(r"\b(not|never|isn['’]?t) (\w+ )?safe", claim.text, re.I)
    if "long-term use" in said and not re.search(r"\b(not|never|avoid|only short)\b", claim.text, re.I):
        denies = True
    claim.verdict = "contradicted" if denies else "supported"
    if len(said) < len(topics):
        claim.verdict = "partly supported" if claim.verdict == "supported" else claim.verdict
    seen: set[str] = set()
    claim.evidence = [ClaimEvidence(id=src, note=_clip(txt, 160)) for t in said for src, txt in found[t][:2]
                      if not (src in seen or seen.add(src))]
    claim.reason = ("The label " + ("contradicts this: it " if denies else "agrees: it ")
                    + "; ".join(f"addresses {t} (“{_around(found[t][0][1], _SAFETY_TOPICS[t][1], 110)}”)"
                                for t in said) + ".")


def _judge_mechanism(claim: Claim, brief: Brief) -> None:
    panel = brief.drugs[0] if brief.drugs else None
    if panel and panel.mechanism and re.search(r"gaba|receptor", claim.text, re.I):
        claim.verdict = "supported" if re.search(r"gaba", claim.text, re.I) and "gaba" in panel.mechanism.lower() \
            else "unverifiable"
        claim.evidence = [ClaimEvidence(id=s) for s in panel.sources]
        claim.reason = f"Label mechanism: {panel.mechanism[:200]}"
        return
    claim.verdict = "unverifiable"
    claim.reason = "No study of this mechanism was found in the store."


def _contradictions(claims: list[Claim]) -> list[Contradiction]:
    """Pairs of claims about the same drug whose assertions cannot both hold.

    A general "it relieves pain" claim conflicts with a claim that it does not work, or that it does
    not change the sensory experience of pain (which is what relieving pain means). Claims that
    split the affective from the sensory side are consistent with each other.
    """
    out: list[Contradiction] = []
    effect = [c for c in claims if c.kind in ("effect", "combination")]
    for a in effect:
        if a.polarity != "positive" or a.dimension is not None:
            continue
        for b in effect:
            if b is a or b.polarity != "negative" or not set(a.drugs) & set(b.drugs):
                continue
            if b.dimension not in (None, "sensory", "both"):
                continue
            if b.dimension is None and a.condition_id and b.condition_id and a.condition_id != b.condition_id:
                continue
            drug = sorted(set(a.drugs) & set(b.drugs))[0]
            why = ("says it does not change the sensory experience of pain" if b.dimension else "says it does not work")
            out.append(Contradiction(a=a.text, b=b.text, reason=(
                f"One sentence says {drug} relieves {a.condition or 'pain'}; the other {why}.")))
            break
    for c in effect:
        if _mixed_polarity(c.text) and c.dimension is None:
            parts = [p for p in clauses(c.text) if _EFFECT.search(p) or re.search(r"pain relie", p, re.I)]
            out.append(Contradiction(a=parts[0].strip(), b=parts[-1].strip(),
                                     reason="The same sentence asserts the effect and denies it."))
    seen: set[tuple[str, str]] = set()
    uniq = []
    for x in out:
        if (x.a, x.b) not in seen:
            seen.add((x.a, x.b))
            uniq.append(x)
    return uniq


def _checks(text: str, claims: list[Claim], *, raw: str | None = None) -> list[ReportingCheck]:
    low = text.lower()
    # links are gone from the cleaned text: look for them in the input as given
    cites = re.search(r"(pmid|doi|https?://|et al\.|\(\d{4}\)|journal|published in|nejm|lancet|jama|bmj|cochrane)",
                      low) or re.search(r"\]\(\s*https?://|<a\s[^>]*href=[\"']?https?://", raw or "", re.I)
    numbers = re.search(r"\d+\s?%|\bnnt\b|\d+ (patients|participants|people|subjects)|\bconfidence interval\b", low)
    harms = re.search(r"side[- ]effect|adverse|risk|dependen|addict|withdrawal|warning|harm|drowsi|sedat|dizz|"
                      r"sleepi|somnolen|nause|vomit|constipat|bleed|ulcer|weight gain|overdose|fall|confusion|"
                      r"toxic|interaction|contraindicat|not safe|unsafe", low)
    quality = re.search(r"randomi[sz]ed|placebo|controlled|small study|sample size|meta-analysis|systematic review|"
                        r"quality of (the )?evidence|double-blind", low)
    reg = [c for c in claims if c.kind == "regulatory"]
    reg_ok = all(c.verdict in ("supported", "partly supported") for c in reg) if reg else None
    return [
        ReportingCheck(criterion="sources cited", passed=bool(cites),
                       detail="names or links its sources" if cites else "no study, journal or link is named"),
        ReportingCheck(criterion="benefits quantified", passed=bool(numbers),
                       detail="gives numbers for the benefit" if numbers else "no numbers (how much, for how many)"),
        ReportingCheck(criterion="harms mentioned", passed=bool(harms),
                       detail="mentions harms or risks" if harms else
                       "no side effects, dependence or label warnings are mentioned"),
        ReportingCheck(criterion="quality of evidence described", passed=bool(quality),
                       detail="describes study design or quality" if quality else
                       "does not say what kind of studies, how large, or how good"),
        ReportingCheck(criterion="regulatory statements accurate", passed=bool(reg_ok) if reg_ok is not None else True,
                       detail="no regulatory statement" if reg_ok is None else (
                           "regulatory statements match the sources" if reg_ok else
                           "some regulatory statements are contradicted or unverifiable")),
    ]


def audit(raw: str, *, store: Store, kind: str | None = None, install_pack: bool = True) -> AuditReport:
    """Audit an article (plain text, Markdown or HTML) against the store and the starter pack."""
    from .ask import load_vocab

    if install_pack:
        from .pack import with_pack

        store = with_pack(store)
    title, text = article_text(raw, kind=kind)
    vocab = load_vocab(store)
    claims = find_claims(text, vocab, title=title)
    cache = _BriefCache(store, vocab)
    for c in claims:
        relation = "combination" if c.kind == "combination" else "comparison" if c.kind == "comparison" else "single"
        brief = cache.brief(c.drugs, c.condition_id, relation)
        if brief is not None and not brief.studies and c.condition_id not in (None, "pain") and c.kind in (
                "effect", "combination"):
            wider = cache.brief(c.drugs, "pain", relation)  # widen to any pain condition
            if wider is not None and wider.studies:
                brief = wider
        if brief is None:
            c.verdict, c.reason = "unverifiable", "Drug not recognised."
            continue
        if c.kind == "effect":
            _judge_effect(c, brief)
        elif c.kind == "combination":
            _judge_combination(c, brief)
        elif c.kind == "comparison":
            _judge_comparison(c, brief)
        elif c.kind == "regulatory" and c.conditions:
            _judge_regulatory_each(c, cache)
        elif c.kind == "regulatory":
            _judge_regulatory(c, brief)
        elif c.kind == "description":
            _judge_description(c, brief)
        elif c.kind == "safety":
            _judge_safety(c, brief, store)
        else:
            _judge_mechanism(c, brief)
    report = AuditReport(title=title, text=text, claims=claims)
    report.contradictions = _contradictions(claims)
    report.checks = _checks(text, claims, raw=raw)
    counts: dict[str, int] = {}
    for c in claims:
        counts[c.verdict] = counts.get(c.verdict, 0) + 1
    report.summary = dict(sorted(counts.items()))
    return report
