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
from .synthesize import synthesize

MAX_ARTICLE_CHARS = 200_000

Verdict = Literal["supported", "partly supported", "contradicted", "unverifiable"]
ClaimKind = Literal["effect", "combination", "regulatory", "mechanism", "description"]


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


_SENT = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’)]*|\n|$)")
_ABBREV = re.compile(r"\b(e\.g|i\.e|et al|vs|Dr|Mr|Mrs|Ms|approx|no|fig)\.$", re.I)


def split_sentences(text: str) -> list[tuple[str, int, int]]:
    """(sentence, start, end) with character offsets into ``text``."""
    out: list[tuple[str, int, int]] = []
    pending_start: int | None = None
    for m in _SENT.finditer(text):
        seg = m.group(0)
        if not seg.strip():
            continue
        start = m.start() if pending_start is None else pending_start
        if _ABBREV.search(seg.strip()) and m.end() < len(text) and text[m.end() : m.end() + 1] != "\n":
            pending_start = start
            continue
        pending_start = None
        s = text[start : m.end()]
        lead = len(s) - len(s.lstrip())
        s = s.strip()
        if s:
            out.append((s, start + lead, start + lead + len(s)))
    return out


# ------------------------------------------------------------------ claim detection

_NEG = re.compile(
    r"\b(not|no|never|neither|nor|didn['’]?t|doesn['’]?t|don['’]?t|isn['’]?t|wasn['’]?t|won['’]?t|cannot|can['’]?t|"
    r"without|fail(?:ed|s)? to|unaffected|did not|does not|has not|have not|were not|was not)\b",
    re.I,
)
_EFFECT = re.compile(
    r"\b(effective|efficacy|relie(?:f|ve|ved|ves|ving)|reduc\w*|help(?:s|ed|ful)?|work(?:s|ed)?|improv\w*|"
    r"eas(?:e|es|ed|ing)|alleviat\w*|better|benefit\w*|treat(?:s|ed|ing)?|successful|affected|alter\w*|"
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


def _polarity(sentence: str) -> Literal["positive", "negative"]:
    negs = _NEG.findall(sentence)
    # "not ... but ... can be effective": the clause after "but/however" carries the claim
    parts = re.split(r"\b(?:but|however|although|yet)\b", sentence, flags=re.I)
    if len(parts) > 1 and _EFFECT.search(parts[-1]):
        return "negative" if _NEG.search(parts[-1]) else "positive"
    return "negative" if len(negs) % 2 == 1 else "positive"


def find_claims(text: str, vocab: Any) -> list[Claim]:
    """The checkable claims of an article, with drugs and conditions resolved (pronouns carried over)."""
    claims: list[Claim] = []
    ctx = _Context()
    article_drugs: dict[str, DrugMention] = {}
    for sent, start, end in split_sentences(text):
        drugs = [d for d in vocab.find_drugs(sent) if not d.is_class or d.members]
        conds = vocab.find_conditions(sent)
        named = [d for d in drugs if not d.is_class]
        for d in named:
            article_drugs.setdefault(d.name, d)
        subject = named[0] if named else None
        if subject is None and (_PRONOUN_DRUG.search(sent) or _REG.search(sent) or _MECH.search(sent)) and ctx.drug:
            subject = ctx.drug
        cond = conds[0] if conds else None
        if subject is None:
            if cond is not None:
                ctx.condition = cond
            continue
        kind: ClaimKind | None = None
        jurisdiction = None
        if _REG.search(sent) and (re.search(r"\b(FDA|NHS|NICE|EMA|approv\w*|licensed|recommend\w*)\b", sent, re.I)):
            kind = "regulatory"
            for j, rx in _JURIS:
                if rx.search(sent):
                    jurisdiction = j
                    break
        elif _MECH.search(sent):
            kind = "mechanism"
        elif len(named) >= 2 and _COMBO.search(sent) and _EFFECT.search(sent):
            kind = "combination"
        elif _EFFECT.search(sent) and (cond is not None or ctx.condition is not None or "pain" in sent.lower()):
            kind = "effect"
        elif named and _CLASS.search(sent) and (drugs and any(d.is_class for d in vocab.find_drugs(sent))
                                                  or re.search(r"\b(prescribed for|used for|used to treat)\b", sent, re.I)):
            kind = "description"
        if kind is None:
            ctx.drug = subject
            if cond is not None:
                ctx.condition = cond
            continue
        use_cond = cond or ctx.condition
        dimension = None
        if _AFFECTIVE.search(sent) and not _SENSORY.search(sent):
            dimension = "affective"
        elif _SENSORY.search(sent) and not _AFFECTIVE.search(sent):
            dimension = "sensory"
        elif _AFFECTIVE.search(sent) and _SENSORY.search(sent):
            dimension = "both"
        polarity = _polarity(sent)
        if _NON_PAIN_NEG.search(sent) and kind == "effect":
            polarity = _polarity(sent)
        claims.append(Claim(
            text=sent, start=start, end=end, kind=kind, polarity=polarity,
            drugs=[d.name for d in named] or [subject.name],
            condition=use_cond.text if use_cond else None,
            condition_id=use_cond.id if use_cond else None,
            jurisdiction=jurisdiction, dimension=dimension,
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


def _judge_effect(claim: Claim, brief: Brief) -> None:
    ids = [s.id for s in brief.studies if s.design not in ("animal",)][:8]
    claim.evidence = [ClaimEvidence(id=i) for i in ids]
    if claim.dimension in ("affective", "sensory", "both"):
        rows = [r for r in brief.matrix if r.condition_id == "experimental-pain"]
        aff = [r for r in rows if "unpleasantness" in r.outcome or "tolerance" in r.outcome]
        sen = [r for r in rows if "intensity" in r.outcome or "threshold" in r.outcome]
        if aff or sen:
            aff_better = any(r.directions.get("better") for r in aff)
            sen_better = any(r.directions.get("better") for r in sen)
            claim.evidence = [ClaimEvidence(id=i) for r in aff + sen for i in r.study_ids]
            if claim.dimension == "affective":
                ok = aff_better == (claim.polarity == "positive")
            elif claim.dimension == "sensory":
                ok = sen_better == (claim.polarity == "positive")
            else:  # "changes the emotional side but not the sensory side" style sentences
                ok = aff_better and not sen_better
            claim.verdict = "supported" if ok else "contradicted"
            claim.reason = (
                "In experimental pain in healthy volunteers the drug changed the affective side of pain "
                f"({'yes' if aff_better else 'no'}) and the sensory side ({'yes' if sen_better else 'no'})."
            )
            return
    v = brief.verdict
    if v == "insufficient evidence" or not ids:
        claim.verdict = "unverifiable"
        claim.reason = f"No usable evidence in the store for {' + '.join(claim.drugs)}" + (
            f" in {claim.condition}." if claim.condition else ".")
        return
    pos = claim.polarity == "positive"
    if v in _POSITIVE_VERDICTS:
        claim.verdict = "supported" if pos else "contradicted"
    elif v in _NEGATIVE_VERDICTS:
        claim.verdict = "contradicted" if pos else "supported"
    else:
        claim.verdict = "partly supported"
    claim.reason = (f"The evidence for {' + '.join(claim.drugs)} in {claim.condition or 'this condition'} is rated "
                    f"'{v}' ({brief.certainty} certainty)"
                    + (f"; rated down for {brief.reasons[0]}" if brief.reasons else "") + ".")


def _judge_combination(claim: Claim, brief: Brief) -> None:
    rows = [c for c in brief.combinations if set(claim.drugs) <= set(c.combination)]
    if not rows:
        claim.verdict = "unverifiable"
        claim.reason = f"No study of {' + '.join(claim.drugs)} together was found."
        return
    claim.evidence = [ClaimEvidence(id=i, note=r.finding) for r in rows for i in r.study_ids]
    better = [r for r in rows if r.direction == "better"]
    pos = claim.polarity == "positive"
    text = claim.text.lower()
    says_beyond_single = bool(re.search(r"either (compound |drug )?alone|than (either|each)", text))
    if better and pos:
        if says_beyond_single and any(r.finding and re.search(r"not with ibuprofen alone|alone", r.finding, re.I)
                                       and re.search(r"attributed to|diazepam alone", r.finding or "", re.I)
                                       for r in rows):
            claim.verdict = "partly supported"
            claim.reason = ("The combination helped, but the trial attributed the benefit to one component rather "
                            "than showing the pair beat each drug alone.")
        else:
            claim.verdict = "supported"
            claim.reason = "A study of the combination found it better than its comparator."
    elif better and not pos:
        claim.verdict = "contradicted"
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
    statuses = [row.status] + [d.status for d in row.details]
    claim.evidence = [ClaimEvidence(id=x, note=n) for x, n in
                      [(row.source, row.note)] + [(d.source, d.statement) for d in row.details] if x]
    text = claim.text.lower()
    says_approved = bool(re.search(r"approv|licensed|on-label", text))
    says_recommend = bool(re.search(r"recommend", text))
    pos = claim.polarity == "positive"
    if says_recommend:
        has_rec = any(s in ("recommended", "on-label") for s in statuses)
        has_not = any(s == "not recommended" for s in statuses)
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


def _judge_description(claim: Claim, brief: Brief) -> None:
    text = claim.text.lower()
    panel = brief.drugs[0] if brief.drugs else None
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
    out: list[Contradiction] = []
    for i, a in enumerate(claims):
        for b in claims[i + 1 :]:
            if a.kind not in ("effect", "combination") or b.kind not in ("effect", "combination"):
                continue
            if not set(a.drugs) & set(b.drugs):
                continue
            if a.polarity == b.polarity:
                continue
            if a.dimension and b.dimension and a.dimension != b.dimension:
                continue  # "changes the emotional side" vs "not the sensory side" is consistent
            same_cond = a.condition_id == b.condition_id or a.condition_id is None or b.condition_id is None
            if not same_cond:
                continue
            if a.kind == "combination" and b.kind == "combination":
                continue
            drug = sorted(set(a.drugs) & set(b.drugs))[0]
            out.append(Contradiction(a=a.text, b=b.text, reason=(
                f"One says {drug} {'works' if a.polarity == 'positive' else 'does not work'}"
                f" for {a.condition or 'pain'}, the other says it "
                f"{'works' if b.polarity == 'positive' else 'does not'}.")))
    return out


def _checks(text: str, claims: list[Claim]) -> list[ReportingCheck]:
    low = text.lower()
    cites = re.search(r"(pmid|doi|https?://|et al\.|\(\d{4}\)|journal|published in)", low)
    numbers = re.search(r"\d+\s?%|\bnnt\b|\d+ (patients|participants|people|subjects)|\bconfidence interval\b", low)
    harms = re.search(r"side effect|adverse|risk|dependen|addict|withdrawal|warning|harm|drowsi|sedat", low)
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
        from .pack import ensure_pack

        ensure_pack(store)
    title, text = article_text(raw, kind=kind)
    vocab = load_vocab(store)
    claims = find_claims(text, vocab)
    cache = _BriefCache(store, vocab)
    for c in claims:
        brief = cache.brief(c.drugs, c.condition_id, "combination" if c.kind == "combination" else "single")
        if brief is None:
            c.verdict, c.reason = "unverifiable", "Drug not recognised."
            continue
        if c.kind == "effect":
            _judge_effect(c, brief)
        elif c.kind == "combination":
            _judge_combination(c, brief)
        elif c.kind == "regulatory":
            _judge_regulatory(c, brief)
        elif c.kind == "description":
            _judge_description(c, brief)
        else:
            _judge_mechanism(c, brief)
    report = AuditReport(title=title, text=text, claims=claims)
    report.contradictions = _contradictions(claims)
    report.checks = _checks(text, claims)
    counts: dict[str, int] = {}
    for c in claims:
        counts[c.verdict] = counts.get(c.verdict, 0) + 1
    report.summary = dict(sorted(counts.items()))
    return report
