"""Safety and mechanism claims, judged only on evidence about that harm or that mechanism.

Safety: what the label facts (boxed warnings, label sections, labelled uses) and the studies of the drug say
about the harm the claim names; a claim that denies a harm the evidence reports is contradicted, a claim
that asserts it is supported; a comparative claim ("more drowsiness than B") needs a study naming both.
Mechanism: the label's mechanism and the drug's pharmacological classes, or a study sentence about the same
mechanism; general efficacy evidence never settles a mechanism or a causal explanation.
"""

from __future__ import annotations

import re

from ...ids import is_study_id
from ...models.audit import Claim, ClaimEvidence
from ..briefs import Facts, sentences_with

# topic: (words in the claim, words in the evidence that speak to it)
TOPICS: dict[str, tuple[str, str]] = {
    "drowsiness": (r"drows\w*|sleep(y|iness)|sedat\w*|somnolen\w*", r"drows\w*|sleepiness|sedat\w*|somnolen\w*"),
    "dependence": (r"addict\w*|habit[- ]forming|dependen\w*|abus\w*|misuse|withdrawal",
                   r"addict\w*|abuse|misuse|dependence|withdrawal|controlled substance|schedule (i|ii|iii|iv|v)\b"),
    "long-term use": (r"long[- ]term|for years|indefinitely|chronic use|short[- ]term option",
                      r"short[- ]term|short periods?|two to three weeks|2 to 3 weeks|up to (2|3|two|three) weeks"),
    "dizziness": (r"dizz\w*", r"dizz\w*"),
    "dry mouth": (r"dry mouth|xerostomia", r"dry mouth|xerostomia"),
    "constipation": (r"constipat\w*", r"constipat\w*"),
    "nausea": (r"nause\w*|vomit\w*", r"nause\w*|vomit\w*"),
    "headache": (r"headaches?", r"headaches?"),
    "stomach": (r"stomach ?aches?|abdominal pain|gentler on the stomach|\bulcers?|bleed\w*", r"abdominal pain|"
                r"stomach|gastrointestinal|ulcer\w*|bleed\w*|perforation"),
    "weight": (r"weight gain", r"weight (gain|increase)"),
    "appetite": (r"appetite", r"appetite|anorexia"),
    "sleep": (r"insomnia|sleep(ing)? problems|trouble sleeping", r"insomnia|sleep"),
    "psychiatric": (r"hallucinat\w*|psychosis|psychotic|mania|manic", r"hallucinat\w*|psychos\w*|psychotic|manic"),
    "tics": (r"\btics?\b|twitch\w*", r"\btics?\b|tourette"),
    "heart": (r"heart|cardiovascular|cardiac|stroke|blood clots?|hypotension|blood pressure|coronary|angina|"
              r"vascular disease",
              r"cardiovascular|cardiac|myocardial|stroke|thrombo\w*|hypotension|blood pressure|coronary|"
              r"isch(?:a)?emi\w*|vasospas\w*|angina|vascular disease|infarct\w*"),
    "liver": (r"liver", r"hepat\w*|liver"),
    "cognition": (r"dementia|cognitive|memory|confusion|cns (side )?effects", r"dementia|cognit\w*|memory|"
                  r"confusion|central nervous system|cns"),
    "breathing": (r"breath\w*|respirat\w*", r"respiratory depression|breathing"),
    "overdose": (r"overdose|coma|death", r"overdos\w*|coma|death|fatal"),
    "children": (r"child(ren)?|kids?|p(a)?ediatric|infants?|teen\w*|\b1[0-8] years", r"child(ren)?|p(a)?ediatric|"
                 r"infants?|younger than|under (12|18)"),
    "cns depressants": (r"(combin\w*|together|mix\w*|with)\b.{0,30}\b(opioids?|benzodiazepines?|alcohol|sedatives?|"
                        r"cns depressants?)", r"opioids?|benzodiazepines?|alcohol|cns depressants?|sedatives?"),
    "serious harms": (r"serious|life-threatening", r"serious|boxed warning|death|fatal"),
    "side effects": (r"side[- ]effects?|adverse (events?|effects?|reactions?)|unwanted effects",
                     r"adverse (events?|effects?|reactions?)|side effects?"),
}
_NEG_NEAR = re.compile(r"\b(no|not|without|neither|nor|did not|does not|free of|similar to placebo|comparable to "
                       r"placebo|non-?sedating)\b", re.I)
_DENIES = re.compile(r"\b(no|without|free of|zero|never any)\s+(serious\s+|major\s+|significant\s+|real\s+)?"
                     r"(side[- ]effects?|risks?|harms?|dangers?)\b|\b(completely|totally|perfectly|entirely|100%)\s+safe\b|"
                     r"\bsafe for (everyone|anyone|all)\b|\bdo(es)? not (exhibit|cause|have|produce)\b|\bnon-?sedating\b|"
                     r"\bnot (habit[- ]forming|addictive)\b|\bsafe for (long[- ]term|children)\b|\bis safe\b", re.I)
_WARNS = re.compile(r"\b(should|must|do) (not|never)\b|\bnever (be )?(combin|mix|take|use)|\bavoid\b|\bonly\b.{0,30}"
                    r"\b(short[- ]term|after)\b|\bcan\b.{0,40}\b(stop|cause|lead|kill|harm)|\brisks?\b", re.I)
_COMPARATIVE = re.compile(r"\b(less|more|fewer|lower|higher|greater)\s+(\w+\s+){0,3}(addictive|dangerous|risky|"
                          r"side[- ]effects|harmful|habit[- ]forming|risk|rates?|incidence|association)\b|"
                          r"\b(safer|riskier|gentler)\b.{0,30}\b(than|compared)\b", re.I)
_MORE_WORDS = re.compile(r"\b(greater|more|higher|promot\w*|increas\w*|most common|frequent\w*)\b", re.I)


def around(text: str, pattern: re.Pattern[str], n: int) -> str:
    """About ``n`` characters of ``text`` around the first match of ``pattern`` (the words that settle it)."""
    t = " ".join(text.split())
    m = pattern.search(t)
    if m is None or len(t) <= n:
        return t if len(t) <= n else t[: n - 1].rsplit(" ", 1)[0] + "…"
    start = max(0, m.start() - n // 3)
    start = t.rfind(" ", 0, start) + 1 if start else 0
    piece = t[start:]
    piece = piece if len(piece) <= n else piece[: n - 1].rsplit(" ", 1)[0] + "…"
    return ("…" if start else "") + piece


def _topics(text: str) -> list[str]:
    return [t for t, (c, _) in TOPICS.items() if re.search(c, text, re.I)]


def _occurs(sentence: str, topic_rx: str) -> bool:
    """The evidence sentence reports the harm (rather than its absence)."""
    m = re.search(topic_rx, sentence, re.I)
    if m is None:
        return False
    before = sentence[max(0, m.start() - 40): m.start()]
    after = sentence[m.end(): m.end() + 25]
    return not (_NEG_NEAR.search(before) or re.match(r"\W*(did|was|were|is) not\b|\W*(no|not) (different|"
                                                      r"increased|more)", after, re.I))


def _evidence_for(drug: str, facts: Facts) -> list[tuple[str, str]]:
    """(source, text) about ``drug``: label facts, and studies of the drug (their sentences naming it when the
    study tested several drugs)."""
    out = list(facts.labels)
    for b in facts.briefs():
        for s in b.studies:
            if drug not in s.drugs:
                continue
            text = facts.texts.get(s.id, "")
            if len(s.drugs) > 1:
                text = " ".join(sentences_with(text, re.compile(rf"\b{re.escape(drug)}\b", re.I)))
            out.append((s.id, text))
    return out


def _comparative(claim: Claim, topics: list[str], facts: Facts) -> bool:
    if not _COMPARATIVE.search(claim.text) or (len(claim.drugs) < 2 and not claim.classes):
        return False
    a = claim.drugs[0]
    for sid, text in facts.texts.items():
        if len(claim.drugs) < 2 or not re.search(rf"\b{re.escape(a)}\b", text, re.I) or not any(
                re.search(rf"\b{re.escape(d)}\b", text, re.I) for d in claim.drugs[1:]):
            continue
        for t in topics or ["side effects"]:
            for sent in sentences_with(text, re.compile(TOPICS[t][1], re.I)):
                am = re.search(rf"\b{re.escape(a)}\b", sent, re.I)
                mm = _MORE_WORDS.search(sent)
                if am and mm and abs(am.start() - mm.start()) < 60:
                    claim.verdict = "supported"
                    claim.evidence = [ClaimEvidence(id=sid, note=sent[:200])]
                    claim.reason = f"{sid}: “{sent[:160]}”"
                    return True
    claim.verdict = "unverifiable"
    claim.reason = ("A comparison of harms between drugs; labels do not rank drugs and no study naming both and this "
                    "harm was found.")
    return True


# "adverse events did not differ between groups", "side effects were similar to placebo": a between-arm result of
# a trial (no excess harm), settled only by a study comparing the arms, never by a label listing the harm
NO_EXCESS = re.compile(r"\b(did not|do not|does not|didn['’]t|don['’]t|doesn['’]t)\s+differ\b|\bno (statistically )?"
                       r"(significant )?differences?\b|\b(similar|comparable|equal)\b.{0,40}\b(between|across|to|with|in "
                       r"both|among)\b|\bsimilar to placebo\b|\bno more (often|frequent\w*|common)\b", re.I)
_NO_EXCESS_EVIDENCE = re.compile(r"\b(did not|was not|were not|not)\s+(significantly\s+)?differ\w*|\bno (statistically )?"
                                 r"(significant )?differences?\b|\b(similar|comparable)\b", re.I)


def _no_excess(claim: Claim, drug: str, topics: list[str], facts: Facts) -> tuple[str, str, list[ClaimEvidence]]:
    for src, text in _evidence_for(drug, facts):
        if not is_study_id(src):
            continue  # a label lists harms; it does not say whether they were more common than with the comparator
        for t in topics or ["side effects"]:
            for sent in sentences_with(text, re.compile(TOPICS[t][1], re.I)):
                if _NO_EXCESS_EVIDENCE.search(sent):
                    quote = around(sent, _NO_EXCESS_EVIDENCE, 150)
                    return "supported", f"{src} reports no excess of {t} with {drug}: “{quote}”.", [
                        ClaimEvidence(id=src, note=quote)]
    return ("unverifiable", f"A between-group result on {' or '.join(topics) or 'harms'}; no study of {drug} reporting "
            "it was found (a label listing side effects does not say whether they were more common than with the "
            "comparator).", [])


def _one(claim: Claim, drug: str, topics: list[str], facts: Facts) -> tuple[str, str, list[ClaimEvidence]]:
    if NO_EXCESS.search(claim.text) and not _DENIES.search(claim.text):
        return _no_excess(claim, drug, topics, facts)
    denies = bool(_DENIES.search(claim.text)) and not _WARNS.search(claim.text) or (
        claim.polarity == "negative" and not _WARNS.search(claim.text))
    if "long-term use" in topics and not re.search(r"\b(not|never|avoid|only|short)\b", claim.text, re.I):
        denies = True  # "safe for long-term use" against a label that limits use to short periods
    evidence = _evidence_for(drug, facts)
    for t in topics:
        rx = TOPICS[t][1]
        for src, text in evidence:
            for sent in sentences_with(text, re.compile(rx, re.I)):
                occurs = _occurs(sent, rx) or t == "long-term use"
                ok = occurs != denies
                quote = around(sent, re.compile(rx, re.I), 150)
                what = "a boxed warning" if sent.lower().startswith("boxed warning") else (
                    "the label" if not is_study_id(src) else src)
                return ("supported" if ok else "contradicted",
                        f"On {t}, {what} for {drug} {'agrees' if ok else 'says otherwise'}: “{quote}”.",
                        [ClaimEvidence(id=src, note=quote)])
    boxed = [(s, t) for s, t in facts.labels if re.search(r"boxed|warning|risk", t, re.I)]
    if denies and boxed and re.search(r"\bsafe\b|no (serious )?side effects", claim.text, re.I):
        return "contradicted", f"The {drug} label carries a boxed warning: “{boxed[0][1][:140]}”.", [
            ClaimEvidence(id=boxed[0][0], note=boxed[0][1][:160])]
    what = " or ".join(topics) if topics else "this"
    return "unverifiable", f"Nothing found about {what} for {drug} in its label facts or studies.", []


def judge_safety(claim: Claim, facts: Facts) -> None:
    topics = _topics(claim.text)
    if _comparative(claim, topics, facts):
        return
    parts = [(d, _one(claim, d, topics, facts)) for d in claim.drugs]
    verdicts = {v for _, (v, _, _) in parts}
    if "contradicted" in verdicts and "supported" in verdicts:
        claim.verdict = "partly supported"
    else:
        claim.verdict = next((v for v in ("contradicted", "supported", "unverifiable") if v in verdicts),
                             "unverifiable")
    claim.reason = " ".join(r for _, (_, r, _) in parts)
    claim.evidence = [e for _, (_, _, ev) in parts for e in ev][:6]


# ------------------------------------------------------------------ mechanism

_MECH_WORDS = re.compile(r"^(receptor|pump|enzyme|atpase|inhibit|reuptake|serotonin|norepinephrine|noradrenalin|"
                         r"epinephrine|adrenaline|dopamine|gaba|histamine|acetylcholine|muscarinic|antimuscarinic|"
                         r"prostaglandin|cyclooxygenase|cox|opioid|opiate|narcotic|analgesic|insulin|glucose|hepatic|"
                         r"acid|secretion|parietal|endorphin|genes?$|inflammat|detrusor|salivary|selectiv|adrenergic|"
                         r"beta|calcium|sodium|channel|neurotransmitter|transporter|absorption|synthesis|nervous)", re.I)
_STOP = {"effective", "effectiveness", "taken", "within", "response", "active", "patients", "treatment", "symptoms",
         "relief", "works", "work", "which", "their", "these", "those", "helps", "amount", "action", "making", "about",
         "while", "there", "would", "could", "other", "system", "effect", "effects", "levels", "level", "body",
         "brain", "reduces", "reducing", "increase", "increasing", "decrease", "decreasing", "because", "stomach",
         "benefit", "benefits", "clinical", "clinically", "significant", "significantly", "confirmed", "specific",
         "reduce", "reduced", "increases", "increased", "lower", "higher", "times", "concomitant"}


def _content(text: str, drugs: list[str]) -> set[str]:
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z+/-]{4,}", text)}
    return {w for w in words if w not in _STOP and not any(w.startswith(d[:5]) for d in drugs)}


_ROLE = re.compile(r"^(?P<target>.+?)[\s-]+(?P<role>inhibitor|blocker|blocking agent|antagonist|agonist|reuptake inhibitor)s?$",
                   re.I)
_ACTS = {"inhibitor": r"inhibit|block|stop|suppress|shut", "blocker": r"block|inhibit|stop|antagoni",
         "blocking agent": r"block|inhibit|stop|antagoni", "antagonist": r"block|antagoni|inhibit",
         "agonist": r"activat|stimulat|bind|mimic|acts? on|agonist",
         "reuptake inhibitor": r"reuptake|re-uptake|increas|boost|tak\w* (?:it|them) (?:back )?up|"
                               r"(?:re-?absorb|recycl)\w*|more \w+ (?:is |are )?(?:left )?available"}
# how consumer pages name a class's target ("an acid-producing enzyme" for the proton pump)
_LAY_TARGET = {"proton pump": r"acid[- ]producing (?:enzymes?|pumps?|proteins?)|(?:stomach |gastric )?acid pumps?|"
                              r"pumps? that (?:make|produce|secrete)s? (?:stomach )?acid",
               "histamine-2 receptor": r"histamine(?:-2| 2| h2)? receptors?|h2 receptors?",
               "cyclooxygenase": r"cox(?:-?[12])? enzymes?|cyclo-?oxygenase|prostaglandin-making enzymes?"}


def _class_named(claim: Claim, facts: Facts) -> tuple[str, str, str] | None:
    """The claim describes the drug by its own pharmacological class: "a beta blocker", "blocks proton pumps"
    (class "proton pump inhibitor"), "is a proton pump inhibitor". (drug, class, source) or None."""
    text = claim.text
    for b in facts.briefs():
        for p in b.drugs:
            if p.name not in claim.drugs or not p.sources:
                continue
            for cls in p.classes:
                if re.search(rf"\b{re.escape(cls)}s?\b", text, re.I):
                    return p.name, cls, p.sources[0]
                m = _ROLE.match(cls)
                if m is None or len(m.group("target")) < 4:
                    continue
                target = re.escape(m.group("target")).replace(r"\ ", r"[\s-]+")
                lay = _LAY_TARGET.get(m.group("target").lower())
                if lay:
                    target = f"(?:{target}|{lay})"
                if re.search(rf"\b{target}", text, re.I) and re.search(
                        rf"\b({_ACTS[m.group('role').lower()]})", text, re.I):
                    return p.name, cls, p.sources[0]
    return None


_AIM = re.compile(r"\b(?:sought to|aimed to|aims? (?:was|were|of this) |objective|purpose of|we (?:investigated|examined|"
                  r"hypothesi[sz]ed|tested whether)|to (?:determine|assess|evaluate|examine|investigate) (?:whether|if)|"
                  r"(?:was|were) (?:designed|conducted) to)\b", re.I)


def judge_mechanism(claim: Claim, facts: Facts) -> None:
    """A mechanism or a causal premise, against label mechanism / class facts and study sentences on it."""
    words = _content(claim.text, claim.drugs)
    sources: list[tuple[str, str]] = list(facts.labels)
    several: dict[str, list[str]] = {}  # studies of other drugs too: the other drugs they name
    for b in facts.briefs():
        for p in b.drugs:
            if p.name in claim.drugs:
                sources.append((p.sources[0] if p.sources else "", " ".join(p.classes)))
        for s in b.studies:
            if set(claim.drugs) & set(s.drugs):
                sources.append((s.id, facts.texts.get(s.id, "")))
                if set(s.drugs) - set(claim.drugs):
                    several[s.id] = [d for d in s.drugs if d not in claim.drugs]
    best: tuple[int, str, str] | None = None
    names = [n for b in facts.briefs() for p in b.drugs if p.name in claim.drugs for n in [p.name, *p.classes]]
    names += ["".join(w[0] for w in n.split()) for n in names if len(n.split()) >= 3]  # "SSRI", "SNRI"
    drug_rx = re.compile(r"\b(" + "|".join(re.escape(n[:6]) for n in (names or claim.drugs) if len(n) >= 4) + r")",
                         re.I) if (names or claim.drugs) else None
    for src, text in sources:
        if not src or not text:
            continue
        others = several.get(src, [])
        other = re.compile(r"\b(" + "|".join([re.escape(o[:6]) for o in others if len(o) >= 4] + [
            r"inhibit(?:ors?|ion)\b", r"blockers?\b", r"antagonists?\b", r"agonists?\b"]) + ")", re.I) if is_study_id(src) else None
        for sent in re.split(r"(?<=[.!?])\s+|;", text):
            if other is not None and other.search(sent) and (drug_rx is None or not drug_rx.search(sent)):
                continue  # a study sentence about another drug or class says nothing about this one
            if is_study_id(src) and _AIM.search(sent):
                continue  # what a study set out to ask is not what it found
            shared = {w for w in words if re.search(rf"\b{re.escape(w[:7])}", sent, re.I)}
            specific = any(_MECH_WORDS.search(w) for w in shared)
            if specific and len(shared) >= (1 if len(words) <= 3 else 2) and (best is None or len(shared) > best[0]):
                best = (len(shared), src, sent.strip())
    from_study = best is not None and best[1].startswith("pmid:")  # a study sentence naming the same words
    if (best is None or from_study) and claim.polarity != "negative":
        named = _class_named(claim, facts)  # the label's class fact says it better than a study's aside
        if named is not None:
            drug, cls, src = named
            claim.verdict = "supported"
            claim.evidence = [ClaimEvidence(id=src, note=f"{drug}: {cls}")]
            claim.reason = f"{drug} is a {cls} ({src}), which is what the claim describes."
            return
    if best is None:
        claim.verdict = "unverifiable"
        claim.reason = ("A causal explanation; no study or label fact about that mechanism was found."
                        if claim.link == "cause" else "No label fact or study about this mechanism was found.")
        return
    _, src, sent = best
    denied_claim = claim.polarity == "negative"
    denied_evidence = bool(re.search(r"\b(not|no|did not|does not)\b", sent, re.I))
    claim.verdict = "supported" if denied_claim == denied_evidence or not denied_claim else "unverifiable"
    claim.evidence = [ClaimEvidence(id=src, note=sent[:200])]
    claim.reason = f"{src}: “{sent[:170]}”"
