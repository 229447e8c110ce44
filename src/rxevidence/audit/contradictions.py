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

from .judges.safety import TOPICS
from .report import Claim, Contradiction

_RELIEF = re.compile(r"\b(relie\w*|reduc\w* (the )?pain|effective (for|at|in)|pain reliever|even more effective|"
                     r"more effective at reducing pain|effective in some cases|successful in relieving)\b", re.I)
_CAUSE_SPECIFIC = re.compile(r"\b(if the pain arises|resulting from|caused by|due to|from certain causes)\b", re.I)
_OTHER_OUTCOME = re.compile(r"\b(treat|cure|address|fix|reverse)\w* the (underlying )?(cause|disease|condition)|"
                            r"\bspeed (up )?(the )?recovery|\bcure\w*\b|\bprogression\b|\bcourse of the\b|"
                            r"\bprevent\w* (it|them|recurrence|relapse)", re.I)
_SCOPED = re.compile(r"\b(up to|for up to|over|within|less than)\s+\w+\s+(weeks?|months?|years?|days?)\b", re.I)
_STRONG_HEDGE = {"may", "might", "could", "possibly", "potentially", "perhaps", "seems to", "appears to",
                 "does not seem", "do not seem", "suggests", "suggested", "in some", "sometimes"}


def _hedged(c: Claim) -> bool:
    return bool(c.hedge) and c.hedge.lower() in _STRONG_HEDGE or bool(
        c.hedge and re.match(r"(may|might|could|seems?|appears?|in some|some )", c.hedge, re.I))


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


def _effect(claims: list[Claim]) -> Iterator[Contradiction]:
    eff = [c for c in claims if c.kind == "effect" and c.dimension is None and not c.evidence_quality]
    for i, a in enumerate(eff):
        for b in eff[i + 1:]:
            if a.polarity == b.polarity or _hedged(a) or _hedged(b) or not _drugs(a) or _drugs(a) != _drugs(b):
                continue
            if a.attribution == "study" and b.attribution == "study":
                continue  # two studies may well have found different things
            if a.condition_id != b.condition_id or a.condition_id is None:
                continue
            if _doses(a) != _doses(b):
                continue  # results for particular doses are not results for the drug
            pos, neg = (a, b) if a.polarity == "positive" else (b, a)
            if _OTHER_OUTCOME.search(neg.text) and not _OTHER_OUTCOME.search(pos.text):
                continue  # "relieves symptoms" and "does not treat the cause" are about different outcomes
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
                    and not _hedged(a) and not _hedged(b)):
                yield Contradiction(a=a.text, b=b.text, reason="One sentence asserts the status the other denies.")


def find_contradictions(claims: list[Claim]) -> list[Contradiction]:
    """Every pair of claims in the article that cannot both be true (see the module docstring)."""
    out: list[Contradiction] = []
    seen: set[tuple[str, str]] = set()
    for rule in (_effect, _perception, _combination, _safety, _comparison, _regulatory):
        for x in rule(claims):
            key = tuple(sorted((x.a, x.b)))
            if key not in seen:
                seen.add(key)
                out.append(x)
    return out
