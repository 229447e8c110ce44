"""Judges for safety and mechanism claims: label facts (boxed warnings, label sections) and the drug panel."""

from __future__ import annotations

import re

from ...models import Brief
from ...store.base import Store
from ...synthesize import _clip
from ..report import Claim, ClaimEvidence

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
_COMPARATIVE_SAFETY = re.compile(r"\b(less|more|fewer|lower|higher)\s+(\w+\s+)?(addictive|dangerous|risky|side[- ]effects|"
                                 r"harmful|habit[- ]forming)\b.{0,40}\bthan\b|\b(safer|riskier|gentler)\s+than\b",
                                 re.I)
_DENIES_HARM = re.compile(
    r"\b(no|without|free of|zero|never any)\s+(serious\s+|major\s+|significant\s+|real\s+|dangerous\s+)?"
    r"(side[- ]effects?|risks?|harms?|dangers?)\b|\b(completely|totally|perfectly|entirely|100%)\s+safe\b|"
    r"\bsafe for (everyone|anyone|all)\b", re.I)
_LABEL_SECTIONS = ("34066-1", "43685-7", "34071-1", "42227-9", "34084-4", "34070-3", "42228-7")


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
