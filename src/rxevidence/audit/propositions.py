"""Propositions: one sentence split at clause boundaries ("…, but …", "…, although …", "…, which is why …",
"…; …"), each with its link to the neighbouring one (cause, effect, concession) and whether it has a subject.

Split out of :mod:`.claims` (module size); behaviour unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .article import has_verb

_SPLIT = re.compile(
    r"\s*;\s*(?:however,?\s*)?|"
    r",?\s+\b(but|although|though|whereas)\b\s+|"
    r",\s+(however|while|yet|despite)\b,?\s+|"
    r",\s+(which is why|and this is why|so)\s+|"
    r",\s+(and)\s+(?=(?:it\s+|they\s+)?(?:can|may|might|could|does|do|did|is|are|was|were|has|have|will|also|"
    r"often|helps?|works?|reduces?|increases?|improves?|causes?)\b)|"
    r",\s+(with)\s+(?=(?:only|no|one|two|a|an|\d|most|some|few)\b)", re.I)
_CAUSE_AFTER = {"which is why", "and this is why", "so"}
_CAUSE_BEFORE = {"because", "since"}


@dataclass
class Proposition:
    text: str
    offset: int  # in the segment text
    link: str | None = None  # "cause" (explains the next one), "effect", "concession"
    inherits: bool = False  # no subject of its own: takes the previous proposition's drugs


def _paren_spans(text: str) -> list[tuple[int, int]]:
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i))
    return spans


_LEADING_CONCESSIVE = re.compile(r"^((?:[\w ]{1,25}:\s*)?(?:while|although|though|whereas|even though)\s+)([^,]{8,}?),\s+",
                                 re.I)


def split_propositions(text: str) -> list[Proposition]:
    """The propositions of one sentence (see the module docstring); short or verbless pieces stay attached."""
    m = _LEADING_CONCESSIVE.match(text)
    if m and has_verb(text[m.end():]):  # "While X, Y" / "Although approved for X, Y": two propositions
        rest = split_propositions(text[m.end():])
        for r in rest:
            r.offset += m.end()
        rest[0].link = "concession"
        return [Proposition(m.group(2), len(m.group(1)))] + rest
    parens = _paren_spans(text)
    cuts: list[tuple[int, int, str]] = []
    for m in _SPLIT.finditer(text):
        if any(a <= m.start() <= b for a, b in parens):
            continue
        word = next((g for g in m.groups() if g), ";").lower()
        right = text[m.end():]
        if word not in ("despite", "with", "because", "since") and not has_verb(right.split(",")[0] + " " + right):
            continue  # elliptical ("…, but not the sensory experience of it"): one proposition
        cuts.append((m.start(), m.end(), word))
    props: list[Proposition] = []
    pos = 0
    pending_link: str | None = None
    for a, b, word in cuts:
        piece = text[pos:a]
        if len(piece.split()) >= 3:
            props.append(Proposition(piece.strip(" ,"), pos + (len(piece) - len(piece.lstrip(" ,"))), pending_link))
            pending_link = None
            if word in _CAUSE_AFTER:
                props[-1].link = "cause"
                pending_link = "effect"
            elif word in _CAUSE_BEFORE:
                props[-1].link = "effect"
                pending_link = "cause"
            elif word in ("but", "although", "though", "whereas", "however", "while", "yet", "despite"):
                pending_link = "concession"
            pos = b
    tail = text[pos:]
    if props and len(tail.split()) < 3:
        props[-1].text = (props[-1].text + " " + tail).strip()
    elif tail.strip():
        props.append(Proposition(tail.strip(" ,"), pos + (len(tail) - len(tail.lstrip(" ,"))), pending_link))
    for p in props[1:]:
        p.inherits = bool(re.match(r"(?:also\s+|often\s+|only\s+)?(can|may|might|could|does|do|did|is|are|was|"
                                   r"were|has|have|will|helps?|works?|reduces?|increases?|improves?|causes?|"
                                   r"makes?|not)\b", p.text, re.I))
    return props or [Proposition(text, 0)]
