"""Text helpers for the appraiser: sentences, sections, numbers written in words.

Everything here is plain regular expressions, compiled once: the appraiser must read
hundreds of abstracts per second on one core.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..models import Record

#: The confidence below which a field the appraiser reads (kind, drug role, comparator type, direction) says
#: "unclear" instead of a guess; the reading itself is kept in ``Appraisal.sources``.
MIN_CONFIDENCE = 0.5


def rx(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern, compiled once at import (the appraiser's rule tables)."""
    return re.compile(pattern, re.IGNORECASE)


# Abbreviations after which a full stop does not end a sentence.
_ABBREV = (
    "e.g", "i.e", "vs", "etc", "et al", "Fig", "Figs", "approx", "No", "no", "Dr", "Mr", "Mrs", "Ms", "St",
    "ca", "cf", "resp", "Jr", "Inc", "Ltd", "Co", "Corp", "min", "max", "wk", "wks", "yr", "yrs", "mo",
    "b.i.d", "t.i.d", "q.i.d", "q.d", "p.o", "i.v", "i.m", "s.c", "Ph.D", "U.S", "U.K",
)
_ABBREV_RE = re.compile(r"(?:\b(?:" + "|".join(re.escape(a) for a in _ABBREV) + r")|\b[A-Z])\.$")
_SPLIT_RE = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
_WS_RE = re.compile(r"\s+")


def normalise_space(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; keeps decimals, abbreviations and initials together."""
    return list(_split_cached(text))


@lru_cache(maxsize=4096)
def _split_cached(text: str) -> tuple[str, ...]:
    return tuple(_split(text))


def _split(text: str) -> list[str]:
    text = normalise_space(text)
    if not text:
        return []
    out: list[str] = []
    start = 0
    for m in _SPLIT_RE.finditer(text):
        candidate = text[start:m.start()].rstrip()
        # do not split after an abbreviation or a single capital initial ("J. Smith")
        tail = candidate[-12:]
        if _ABBREV_RE.search(tail):
            continue
        if candidate:
            out.append(candidate)
        start = m.end()
    last = text[start:].strip()
    if last:
        out.append(last)
    return out


@dataclass(frozen=True)
class Part:
    """A block of a record's text with its (upper-cased) section label, if any."""

    label: str  # "BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS", "" when unlabelled
    text: str


_LABEL_ALIASES = {
    "OBJECTIVE": "BACKGROUND", "OBJECTIVES": "BACKGROUND", "AIM": "BACKGROUND", "AIMS": "BACKGROUND",
    "PURPOSE": "BACKGROUND", "INTRODUCTION": "BACKGROUND", "CONTEXT": "BACKGROUND",
    "METHOD": "METHODS", "DESIGN": "METHODS", "SETTING": "METHODS", "PATIENTS": "METHODS",
    "PARTICIPANTS": "METHODS", "INTERVENTIONS": "METHODS", "INTERVENTION": "METHODS",
    "MATERIALS AND METHODS": "METHODS", "PATIENTS AND METHODS": "METHODS", "SUBJECTS": "METHODS",
    "STUDY DESIGN": "METHODS", "MAIN OUTCOME MEASURES": "METHODS", "OUTCOME MEASURES": "METHODS",
    "RESULT": "RESULTS", "FINDINGS": "RESULTS", "MAIN RESULTS": "RESULTS",
    "CONCLUSION": "CONCLUSIONS", "INTERPRETATION": "CONCLUSIONS", "AUTHORS' CONCLUSIONS": "CONCLUSIONS",
    "CONCLUSIONS AND RELEVANCE": "CONCLUSIONS", "DISCUSSION": "CONCLUSIONS", "IMPLICATIONS": "CONCLUSIONS",
    "CLINICAL RELEVANCE": "CONCLUSIONS", "SIGNIFICANCE": "CONCLUSIONS", "PERSPECTIVE": "CONCLUSIONS",
    # back matter after the conclusion: not part of it
    "TRIAL REGISTRATION": "OTHER", "CLINICAL TRIAL REGISTRATION": "OTHER", "TRIAL REGISTRATION NUMBER": "OTHER",
    "REGISTRATION": "OTHER", "FUNDING": "OTHER", "ELECTRONIC SUPPLEMENTARY MATERIAL": "OTHER",
    "KEYWORDS": "OTHER", "KEY WORDS": "OTHER",
}
_CANON = {"BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"}
# inline labels of flat structured abstracts: "... BACKGROUND: text METHODS: text"
# (upper case, or capitalised as many CSV and RIS exports write them: "Results:", "Trial registration:")
_INLINE_LABEL_RE = re.compile(
    r"(?:(?<=^)|(?<=[.:;]\s))("
    + "|".join(sorted((re.escape(v) for k in list(_LABEL_ALIASES) + list(_CANON) for v in (k, k.capitalize())),
                      key=len, reverse=True))
    + r")\s*:\s*"
)


def canonical_label(label: str | None) -> str:
    if not label:
        return ""
    up = label.strip().rstrip(":").upper()
    if up in _CANON:
        return up
    return _LABEL_ALIASES.get(up, up)


def record_parts(record: Record) -> list[Part]:
    """The record's text as labelled parts (structured MEDLINE abstracts keep their labels)."""
    parts: list[Part] = []
    for s in record.sections:
        if not s.text:
            continue
        label = canonical_label(s.code if s.code and s.code.upper() in _CANON else s.label)
        if label:
            parts.append(Part(label, s.text))
        else:
            parts.extend(split_inline_labels(s.text))
    return parts


def split_inline_labels(text: str) -> list[Part]:
    """Split "BACKGROUND: ... METHODS: ..." text into parts (one unlabelled part otherwise)."""
    matches = list(_INLINE_LABEL_RE.finditer(text))
    if len(matches) < 2:
        return [Part("", text)]
    parts: list[Part] = []
    if matches[0].start() > 0 and text[: matches[0].start()].strip():
        parts.append(Part("", text[: matches[0].start()].strip()))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[m.end():end].strip()
        if body:
            parts.append(Part(canonical_label(m.group(1)), body))
    return parts


_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000}
NUMBER_WORDS_RE = (
    r"(?:(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r"|hundred|thousand|and)"
    r"(?:[\s-]+(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r"|hundred|thousand|and))*)"
)


def words_to_int(text: str) -> int | None:
    """"sixty-two" -> 62, "one hundred and twenty" -> 120; None when not a number."""
    total = 0
    current = 0
    seen = False
    for w in re.split(r"[\s-]+", text.lower().strip()):
        if not w or w == "and":
            continue
        if w in _NUMBER_WORDS:
            current += _NUMBER_WORDS[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif w == "thousand":
            total += max(current, 1) * 1000
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def to_int(token: str) -> int | None:
    """"1,234" / "1 234" / "sixty" -> int; None when not a whole number."""
    t = token.strip()
    digits = re.sub(r"(?<=\d)[,\u2009\u00a0 ](?=\d{3}\b)", "", t)
    if digits.isdigit():
        return int(digits)
    return words_to_int(t)


class Gated:
    """A compiled pattern behind a cheap substring pre-check (keeps bulk appraisal fast).

    ``search`` returns None at once when none of ``keys`` (lower-case literals) occurs in the
    lower-cased text; every real match of the pattern must contain one of them.
    """

    __slots__ = ("pattern", "keys")

    def __init__(self, pattern: re.Pattern[str], *keys: str) -> None:
        self.pattern = pattern
        self.keys = keys

    def _maybe(self, text: str) -> bool:
        low = text.lower()
        return any(k in low for k in self.keys)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self._maybe(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self._maybe(text) else iter(())

    def sub(self, repl: str, text: str) -> str:
        return self.pattern.sub(repl, text) if self._maybe(text) else text
