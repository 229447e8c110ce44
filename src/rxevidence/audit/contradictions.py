"""Contradictions: pairs of claims in the article that cannot both be true.

Only explicit opposites count, read from what each claim asserts (never from sentences that merely name the
same drug in different words):

- effect: one claim says a drug works for a condition, another that it does not (same drug, same or nested
  condition, neither hedged, not two reports of different studies);
- pain perception: a claim that a drug relieves pain against one that it does not change the sensory
  experience of pain (relieving pain is changing how much it hurts; not two reports of different studies);
- combination: "A + B works better than either alone" (or "A is more effective combined with B") against
  "B gives no relief" for the same condition: a part that does nothing cannot be what makes the pair better;
- safety: one claim denies a harm (unhedged, not limited to a time span) that another asserts for that drug;
- comparison: a drug called the best of its class against "no member of the class has been shown superior";
- regulatory: the same status for the same drug and use, asserted and denied.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .claims import use_attached
from .judges.safety import TOPICS
from .report import Claim, Contradiction

_RELIEF = re.compile(r"\b(relie\w*|reduc\w* (the )?pain|effective (for|at|in)|pain reliever|even more effective|"
                     r"more effective at reducing pain|effective in some cases|successful in relieving)\b", re.I)
_CAUSE_SPECIFIC = re.compile(r"\b(if the pain arises|resulting from|caused by|due to|from certain causes)\b", re.I)
_OTHER_OUTCOME = re.compile(r"\b(treat|cure|address|fix|reverse)\w* the (underlying )?(cause|disease|condition)|"
                            r"\bspeed (up )?(the )?recovery|\bcure\w*\b|\bprogression\b|\bcourse of the\b|"
                            r"\bprevent\w* (it|them|recurrence|relapse)", re.I)
# preventing a condition is another use than treating it once it is there
_PREVENTS = re.compile(r"\b(?:prevent\w*|prophyla\w*|preventive|preventative)\b", re.I)
_SCOPED = re.compile(r"\b(up to|for up to|over|within|less than)\s+\w+\s+(weeks?|months?|years?|days?)\b", re.I)
_STRONG_HEDGE = {"may", "might", "could", "possibly", "potentially", "perhaps", "seems to", "appears to",
                 "does not seem", "do not seem", "suggests", "suggested", "in some", "sometimes", "not for everyone",
                 "advised"}


def _hedged(c: Claim) -> bool:
    return bool(c.hedge and c.hedge.lower() in _STRONG_HEDGE) or bool(
        c.hedge and re.match(r"(may|might|could|seems?|appears?|in some|some |suggest)", c.hedge, re.I))


def _doses(c: Claim) -> set[str]:
    return {d.replace(" ", "") for d in re.findall(r"\b\d+(?:\.\d+)? ?mg\b", c.text)}


def _drugs(c: Claim) -> set[str]:
    return {d for d in c.drugs if d not in c.classes}


def _same_condition(a: Claim, b: Claim) -> bool:
    if a.condition_id is None or b.condition_id is None:
        return a.condition_id == b.condition_id
    if a.condition_id == b.condition_id:
        return True
    return "pain" in (a.condition_id, b.condition_id)  # "for pain" covers a kind of pain named elsewhere


# who a claim is about, when it names a part of the patients: a result in one group is no result in another
_GROUPS: dict[str, str] = {
    "female": r"women|woman|female\w*|girls?|mothers?|pregnan\w*",
    "male": r"men|man|males?|boys?",
    "children": r"child(?:ren)?|kids?|p(?:a)?ediatric|infants?|toddlers?|adolescents?|teen\w*|youths?",
    "older": r"elderly|older (?:adults?|people|patients|women|men)|seniors|aged (?:6|7|8)\d",
    "adults": r"adults?",
    # (of the patients or the condition: "moderate pain", not the size of an effect or of the evidence:
    # "moderate reductions in pain", "moderate-certainty evidence")
    "severity": r"(?:mild(?:er)?|moderate|severe|moderate[- ]to[- ]severe|mild[- ]to[- ]moderate|refractory|"
                r"treatment[- ]resistant)(?![- ](?:reductions?|improvements?|benefits?|effects?|evidence|quality|"
                r"certainty|gains?|decreases?|increases?|changes?|differences?|relief|efficacy|(?:to|and) \w+ "
                r"(?:reductions?|improvements?|benefits?|effects?|evidence)))",
    "size": r"(?:large|larger|small|smaller|big|bigger|tiny) (?:stones?|ones|tumou?rs?|lesions?|polyps?|infarcts?|"
            r"wounds?|ulcers?)|\d+(?:\.\d+)? ?(?:to|-|–) ?\d+ ?mm|\d+ ?mm",
    "risk": r"(?:high|low|higher|lower)[- ]risk|at (?:high |low )?risk",
    "subgroup": r"subgroups?|a subset|some (?:patients|people)|those who|patients who|people who",
}
_GROUP_RX = {k: re.compile(rf"\b(?:{v})\b", re.I) for k, v in _GROUPS.items()}
_WITH_GROUP = re.compile(r"\b(?:patients|people|those|individuals|adults|children|men|women|anyone) (?:who (?:have|had)|"
                         r"with|suffering from) (?:both )?([\w'’-]+(?: [\w'’-]+)?)", re.I)


def _groups(c: Claim) -> set[str]:
    """The parts of the patients a claim is limited to ("in women", "large stones", "patients with X")."""
    text = c.text
    out = set()
    for k, rx in _GROUP_RX.items():
        m = rx.search(text)
        if m:  # the kind of group, and for severity and size which one ("mild" is not "severe")
            out.add(k + (":" + m.group(0).lower().split()[0] if k in ("severity", "size") else ""))
    cond_words = set((c.condition or "").lower().split())
    for m in _WITH_GROUP.finditer(text):
        words = set(m.group(1).lower().split())
        if not words & cond_words:  # "people with depression" in a claim about depression names no subgroup
            out.add("with " + m.group(1).lower())
    if out == {"adults"}:
        return set()  # "in adults" is the usual population of an article, not a subgroup
    return out


# the outcome a negative result names, when it is not the condition itself ("no difference in urologic
# interventions, time to stone passage or pain"; "did not shorten hospital stays"): a null result on one outcome
# does not deny a benefit on another
_NEG_OUTCOME = re.compile(r"\bno (?:significant |statistically significant |clear |meaningful )?(?:differences?|change|"
                          r"effect|improvement|benefit)s? (?:in|on|for|between groups in)\s+([^.;]{3,120})|"
                          r"\b(?:did not|does not|do not|didn['’]t|doesn['’]t|failed to|not)\s+(?:significantly\s+)?"
                          r"(?:shorten|reduce|lower|improve|change|affect|increase|decrease|prolong|lengthen)\s+"
                          r"([^.;]{3,120})", re.I)
_SECONDARY = re.compile(r"\b(secondary|other|additional|exploratory|tertiary)\s+(?:\w+\s+)?(outcomes?|end ?points?|"
                        r"measures?)\b", re.I)
_OUTCOME_STOP = {"the", "a", "an", "of", "in", "on", "for", "and", "or", "to", "with", "their", "its", "time", "rate",
                 "rates", "number", "need", "any", "more", "less", "people", "patients", "it", "them"}


# the outcome a null result is stated about when it is the subject ("Pain outcomes did not show significant
# improvement", "Sleep quality did not differ")
_NEG_SUBJECT = re.compile(r"^\s*(?:the\s+|but\s+|however,?\s+)?((?:[A-Za-z][\w-]*\s+){0,3}?[A-Za-z][\w-]*)\s+"
                          r"(?:outcomes?\s+|scores?\s+|measures?\s+|ratings?\s+)?(?:did|does|do|was|were|is|are)\s*"
                          r"(?:not|n['’]t)\s+(?:show\s+|see\s+|reach\s+)?(?:any\s+|a\s+)?(?:statistically\s+)?"
                          r"(?:significant(?:ly)?\s+|meaningful(?:ly)?\s+)?(?:improve|improvement|change|differ|"
                          r"difference|benefit|decrease|reduction)", re.I)
# what a positive claim sets aside ("for its effects on sleep rather than pain relief"): not an outcome it claims
_SET_ASIDE = re.compile(r"\b(?:rather than|instead of|but not|not for|as opposed to)\s+[^,.;]+", re.I)
_SUBJECT_STOP = {"patients", "people", "participants", "subjects", "those", "group", "groups", "who", "taking",
                 "treated", "results", "they", "it", "this", "that", "these", "study", "trial", "researchers"}


def _outcome_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z-]{2,}", text.lower()) if w not in _OUTCOME_STOP}


def _neg_outcome_phrase(neg: Claim) -> str | None:
    m = _NEG_OUTCOME.search(neg.text)
    if m is not None:
        return m.group(1) or m.group(2) or ""
    s = _NEG_SUBJECT.match(neg.text)
    if s is None:
        return None
    words = set(s.group(1).lower().split())
    drug_words = {w for d in neg.drugs for w in d.lower().split()}
    if words & (_SUBJECT_STOP | drug_words):
        return None  # "Patients did not improve", "Gabapentin did not help": no outcome named
    return s.group(1)


def _other_outcome(pos: Claim, neg: Claim) -> bool:
    """The negative claim's null result is on an outcome other than the one the positive claim's benefit is on."""
    if _SECONDARY.search(neg.text):
        return True
    found = _neg_outcome_phrase(neg)
    if found is None:
        return False
    phrase = re.split(r"\s+(?:for|in|among|with|after|than|compared|versus|vs\.?)\s", found)[0]
    named = _outcome_words(phrase)
    cond = _outcome_words(neg.condition or "") | _outcome_words(pos.condition or "")
    if not named or named & cond or re.match(r"\s*(?:it|them|this|that|symptoms?|the condition)\b", phrase, re.I):
        return False  # "no difference in pain" in a claim about pain, "did not reduce symptoms": the same outcome
    return not (named & _outcome_words(_SET_ASIDE.sub(" ", pos.text)))


# a claim about another kind of the condition ("a different subtype of insomnia (sleep maintenance insomnia)")
_OTHER_KIND = re.compile(r"\b(?:a |an )?(?:different|another|other) (?:sub-?types?|types?|kinds?|forms?|varieties) of\b|"
                         r"\b(?:different|other) (?:[\w-]+ ){0,2}(?:states|conditions|types|kinds|forms|disorders)\b", re.I)
# words that name a kind of a condition where they stand before it ("acute low back pain", "sleep-onset insomnia")
_KIND_WORDS = re.compile(r"^(?:acute|sub-?acute|chronic|episodic|recurrent|persistent|intermittent|nocturnal|"
                         r"(?:sleep-)?onset|maintenance|primary|secondary|early|late|neuropathic|nociceptive|"
                         r"post-?operative|post-?herpetic|allergic|seasonal|perennial|bacterial|viral|fungal|erosive|"
                         r"non-?erosive|distal|proximal|upper|lower|menstrual|tension-type|cluster|localized|"
                         r"generalized|focal|resistant|inflammatory|mechanical|radicular|non-?specific)$", re.I)


def _qualifiers(c: Claim) -> set[str]:
    """The words that narrow the condition where the claim names it ("sleep-onset insomnia", "acute low back pain")."""
    words = (c.condition or "").lower().split()
    if not words:
        return set()
    head, own = words[-1], set(words)
    out: set[str] = set()
    for m in re.finditer(rf"((?:[\w'’-]+\s+){{1,3}}){re.escape(head)}\b", c.text.lower()):
        out |= {w for w in m.group(1).split() if _KIND_WORDS.match(w) and w not in own}
    return out


def _other_kind(a: Claim, b: Claim) -> bool:
    """The two claims are about different kinds of the condition."""
    if _OTHER_KIND.search(a.text) or _OTHER_KIND.search(b.text):
        return True
    qa, qb = _qualifiers(a), _qualifiers(b)
    return bool(qa and qb and not qa & qb)


def _effect(claims: list[Claim]) -> Iterator[Contradiction]:
    eff = [c for c in claims if c.kind == "effect" and c.dimension is None and not c.evidence_quality]
    for i, a in enumerate(eff):
        for b in eff[i + 1:]:
            if a.polarity == b.polarity or _hedged(a) or _hedged(b) or not _drugs(a) or _drugs(a) != _drugs(b):
                continue
            if a.attribution == "study" and b.attribution == "study":
                continue  # two studies may well have found different things
            if "guideline" in (a.attribution, b.attribution):
                continue  # what a guideline recommends is a reported position, not the article saying the drug works
            if a.condition_id != b.condition_id or a.condition_id is None:
                continue
            if _doses(a) != _doses(b):
                continue  # results for particular doses are not results for the drug
            if _groups(a) != _groups(b):
                continue  # "works in men" and "does not work in women": different patients
            if _other_kind(a, b):
                continue  # "for sleep-onset insomnia" and "not for sleep maintenance insomnia": different conditions
            pos, neg = (a, b) if a.polarity == "positive" else (b, a)
            if _OTHER_OUTCOME.search(neg.text) and not _OTHER_OUTCOME.search(pos.text):
                continue  # "relieves symptoms" and "does not treat the cause" are about different outcomes
            if _other_outcome(pos, neg):
                continue  # a null result on another outcome ("no difference in secondary outcomes")
            if "prevent" not in (pos.condition_id or "") and bool(_PREVENTS.search(pos.text)) != bool(
                    _PREVENTS.search(neg.text)):
                continue  # "treats established X" and "does not prevent X when given early": different uses
            drug = sorted(_drugs(a))[0]
            yield Contradiction(a=pos.text, b=neg.text, reason=(
                f"One sentence says {drug} works for {pos.condition or 'this'}; the other says it does not."))


def _perception(claims: list[Claim]) -> Iterator[Contradiction]:
    for b in claims:
        if not (b.kind == "effect" and b.polarity == "negative" and b.dimension == "sensory" and not _hedged(b)):
            continue
        for a in claims:
            if a is b or not (_drugs(a) & _drugs(b)) or a.polarity != "positive" or _hedged(a):
                continue
            if a.kind not in ("effect", "combination") or a.dimension is not None or a.condition_id == "experimental-pain":
                continue
            if a.attribution == "study" and b.attribution == "study":
                continue  # two reported studies may well have found different things
            if not _RELIEF.search(a.text) or _CAUSE_SPECIFIC.search(a.text):
                continue
            drug = sorted(_drugs(a) & _drugs(b))[0]
            yield Contradiction(a=a.text, b=b.text, reason=(
                f"One sentence says {drug} relieves pain; the other that it does not change the sensory experience "
                "of pain, which is what relieving pain means."))
            break


def _combination(claims: list[Claim]) -> Iterator[Contradiction]:
    combos = [c for c in claims if c.kind == "combination" and c.polarity == "positive" and not _hedged(c)
              and (c.combination_vs == "each alone" or re.search(r"\b(even more|more effective|better)\b", c.text, re.I))]
    for a in combos:
        for b in claims:
            if b.kind != "effect" or b.polarity != "negative" or len(_drugs(b)) != 1 or _hedged(b):
                continue
            part = next(iter(_drugs(b)))
            if part not in _drugs(a) or (a.combination_vs != "each alone" and part == a.drugs[0]):
                continue
            if not _same_condition(a, b):
                continue
            yield Contradiction(a=a.text, b=b.text, reason=(
                f"One sentence says the combination works better than each drug alone (or that adding {part} helps); "
                f"the other says {part} gives no relief here, so it cannot be what makes the combination better."))


def _safety(claims: list[Claim]) -> Iterator[Contradiction]:
    from .judges.safety import _DENIES

    safety = [c for c in claims if c.kind == "safety"]
    for a in safety:
        if not _DENIES.search(a.text) or _hedged(a) or _SCOPED.search(a.text):
            continue
        topics = [t for t, (rx, _) in TOPICS.items() if re.search(rx, a.text, re.I)]
        for b in safety:
            if b is a or b.polarity == "negative" or _DENIES.search(b.text):
                continue
            shared = _drugs(a) & set(b.drugs[:1] or [])
            hit = [t for t in topics if re.search(TOPICS[t][0], b.text, re.I)]
            if shared and hit:
                yield Contradiction(a=a.text, b=b.text, reason=(
                    f"One sentence says {sorted(shared)[0]} does not cause {hit[0]}; the other that it does."))
                break


def _comparison(claims: list[Claim]) -> Iterator[Contradiction]:
    comps = [c for c in claims if c.kind == "comparison"]
    for a in comps:
        if a.relation != "better" or _hedged(a) or a.attribution:
            continue
        for b in comps:
            if b is a or b.relation != "same" or _hedged(b):
                continue
            if set(a.classes) & set(b.classes) and not _drugs(b):
                yield Contradiction(a=a.text, b=b.text, reason=(
                    f"One sentence names {a.drugs[0]} the most effective of its class; the other says no member of "
                    "the class has been shown superior."))
                break


def _regulatory(claims: list[Claim]) -> Iterator[Contradiction]:
    reg = [c for c in claims if c.kind == "regulatory" and c.condition_id]
    for i, a in enumerate(reg):
        for b in reg[i + 1:]:
            if (a.polarity != b.polarity and _drugs(a) & _drugs(b) and a.condition_id == b.condition_id
                    and a.claimed_status == b.claimed_status and a.jurisdiction == b.jurisdiction
                    and not _hedged(a) and not _hedged(b) and use_attached(a.text, a.condition)
                    and use_attached(b.text, b.condition)):
                yield Contradiction(a=a.text, b=b.text, reason="One sentence asserts the status the other denies.")


def find_contradictions(claims: list[Claim]) -> list[Contradiction]:
    """Every pair of claims in the article that cannot both be true (see the module docstring)."""
    out: list[Contradiction] = []
    seen: set[tuple[str, ...]] = set()
    for rule in (_effect, _perception, _combination, _safety, _comparison, _regulatory):
        for x in rule(claims):
            key = tuple(sorted((x.a, x.b)))
            if key not in seen:
                seen.add(key)
                out.append(x)
    return out
