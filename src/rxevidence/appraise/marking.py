"""Text normalisation for the direction and evidence models (moved out of ``appraise.direction``).

p-values become ``PSIG`` / ``PNS``, confidence intervals ``CI_HAS0`` / ``CI_HAS1`` / ``CI_POS`` / ``CI_NEG``,
and words of the intervention / comparator / outcome of a prompt become ``INTV`` / ``COMP`` / ``OUTC``;
plus the sentence splitter the models were trained with. ``appraise.direction`` re-exports every name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_STOP = frozenset(
    """a an and are as at be been being between but by for from group groups had has have in into is it
    its of on or patients patient subjects participants than that the their them then there these they this
    those to was were which with without who whom within after before during per versus vs compared
    treatment treated therapy study trial arm arms mg kg dose doses daily day days week weeks month months
    year years ml received receiving given plus alone""".split()
)
_SPACE = re.compile(r"\s+")
_NUM = r"(?:\d+(?:[.,·]\d+)?|[.,·]\d+)"
_PVAL = re.compile(
    r"\b[pP]s?(?:\s*-?\s*values?)?\s*(?:\(\w+\)\s*)?(<=|>=|≤|≥|<|>|=|of|was|were|is)\s*(" + _NUM + r")"
    r"(?:\s*[x×]\s*10\s*[-−]\s*\d+)?"
)
_NS = re.compile(r"\b(?:n\.\s?s\.|NS|n\.s)(?=[\s,;:)\].]|$)")
_CI = re.compile(
    r"(?:\b(?:95|90|99)\s*%?\s*(?:CI|confidence interval)s?\b[^0-9−\-]{0,12}|\[)"
    r"(−?-?\s?" + _NUM + r")\s*(?:to|–|—|-|,|;|‑)\s*(−?-?\s?" + _NUM + r")"
)
_TOKEN = re.compile(r"[a-z][a-z0-9_]*(?:['-][a-z0-9]+)*|\d+(?:\.\d+)?|[<>=≤≥%±]")
_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def normalize(text: str) -> str:
    """NFKC, unified minus signs and spaces (thin / no-break spaces occur in the articles)."""
    t = unicodedata.normalize("NFKC", text)
    t = t.replace("\u2212", "-").replace("\u2013", "–").replace("\u200a", " ").replace("\u2009", " ")
    return _SPACE.sub(" ", t).strip()


def _to_float(s: str) -> float | None:
    s = s.replace(" ", "").replace("−", "-").replace("·", ".").replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def _pval_token(m: re.Match[str]) -> str:
    op, val = m.group(1), _to_float(m.group(2))
    if val is None or val > 1:
        return m.group(0)
    if op in (">", ">=", "≥"):
        return " PNS " if val >= 0.05 else m.group(0)
    return " PSIG " if val <= 0.05 else " PNS "


def _ci_token(m: re.Match[str]) -> str:
    lo, hi = _to_float(m.group(1)), _to_float(m.group(2))
    if lo is None or hi is None:
        return m.group(0)
    if lo > hi:
        lo, hi = hi, lo
    if lo <= 0 <= hi:
        tok = "CI_HAS0"
    elif lo < 1 < hi:
        tok = "CI_HAS1"
    elif hi < 1:
        tok = "CI_NEG CI_LT1" if hi < 0 else "CI_LT1"
    else:
        tok = "CI_POS"
    return f" {tok} "


#: The tokens :func:`mark_stats` writes for a significant difference / for a difference not shown.
SIGNIFICANT_STATS: tuple[str, ...] = ("PSIG", "CI_POS", "CI_NEG", "CI_LT1")
NON_SIGNIFICANT_STATS: tuple[str, ...] = ("PNS", "CI_HAS0", "CI_HAS1")


_STAT_TOKENS = frozenset(SIGNIFICANT_STATS + NON_SIGNIFICANT_STATS)


def has_significant_stats(marked: str) -> bool:
    """A text marked by :func:`mark_stats` carries a significant p-value or confidence interval."""
    return any(t in marked for t in SIGNIFICANT_STATS)


def has_non_significant_stats(marked: str) -> bool:
    """A text marked by :func:`mark_stats` carries a non-significant p-value or confidence interval."""
    return any(t in marked for t in NON_SIGNIFICANT_STATS)


def mark_stats(text: str) -> str:
    """Replace p-values and confidence intervals by tokens the n-grams can use."""
    t = _PVAL.sub(_pval_token, text)
    t = _NS.sub(" PNS ", t)
    return _CI.sub(_ci_token, t)


def _content_words(phrase: str | None) -> set[str]:
    if not phrase:
        return set()
    return {w for w in _WORD.findall(normalize(phrase).lower()) if len(w) >= 3 and w not in _STOP}


def _stem(w: str) -> str:
    return w[:6]


_GROUP_AFTER = re.compile(r"\b(?:group|arm|cohort)\s*([A-Za-z]{1,3}\d?|\d{1,2})\b", re.IGNORECASE)
_GROUP_BEFORE = re.compile(r"\b([A-Z]{1,4}\d?)\s*(?:group|arm)\b")
_ABBR = re.compile(r"\b([A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*)\b")
_GENERIC_COMP = frozenset({"placebo", "control", "controls", "sham", "usual", "vehicle", "saline"})


def _designators(phrase: str | None) -> set[str]:
    """Group names ("Group A", "arm 2", "RM group") and abbreviations ("IVCP") in a prompt phrase."""
    if not phrase:
        return set()
    p = normalize(phrase)
    out = {m.group(1).lower() for m in _GROUP_AFTER.finditer(p)}
    out |= {m.group(1).lower() for m in _GROUP_BEFORE.finditer(p)}
    out |= {m.group(1).lower() for m in _ABBR.finditer(p) if 2 <= len(m.group(1)) <= 8}
    return out


@dataclass(frozen=True)
class _Prompt:
    intv: frozenset[str]
    comp: frozenset[str]
    outc: frozenset[str]
    intv_groups: frozenset[str] = frozenset()
    comp_groups: frozenset[str] = frozenset()

    @classmethod
    @lru_cache(maxsize=256)
    def make(cls, intervention: str | None, comparator: str | None, outcome: str | None) -> _Prompt:
        i = {_stem(w) for w in _content_words(intervention)}
        c = {_stem(w) for w in _content_words(comparator)}
        o = {_stem(w) for w in _content_words(outcome)}
        shared = i & c
        if not (i & _GENERIC_COMP):
            c |= _GENERIC_COMP - i
        gi, gc = _designators(intervention), _designators(comparator)
        gs = gi & gc
        return cls(
            frozenset(i - shared),
            frozenset(c - shared),
            frozenset(o - i - c),
            frozenset(gi - gs),
            frozenset(gc - gs),
        )

    def mark_groups(self, text: str) -> str:
        """Replace "group A" / "A group" / "IVCP" by INTV or COMP according to the prompt."""
        if not (self.intv_groups or self.comp_groups):
            return text

        def sub(m: re.Match[str]) -> str:
            d = m.group(1).lower()
            if d in self.intv_groups:
                return " INTV "
            if d in self.comp_groups:
                return " COMP "
            return m.group(0)

        text = _GROUP_AFTER.sub(sub, text)
        text = _GROUP_BEFORE.sub(sub, text)
        return _ABBR.sub(sub, text)


def _tokens(sentence: str, prompt: _Prompt) -> list[str]:
    """Lower-cased tokens with stats marked and prompt words replaced by INTV / COMP / OUTC."""
    text = prompt.mark_groups(mark_stats(normalize(sentence)))
    toks = _TOKEN.findall(
        text.replace("PSIG", "psig_").replace("INTV", "intv_").replace("COMP", "comp_").lower()
    )
    out: list[str] = []
    for t in toks:
        if t == "psig_":
            t = "PSIG"
        elif t == "intv_":
            t = "INTV"
        elif t == "comp_":
            t = "COMP"
        elif t in ("pns", "ci_has0", "ci_has1", "ci_pos", "ci_neg", "ci_lt1"):
            t = t.upper()
        elif t[0].isdigit():
            t = "NUM"
        else:
            s = _stem(t)
            if s in prompt.intv:
                t = "INTV"
            elif s in prompt.comp:
                t = "COMP"
            elif s in prompt.outc:
                t = "OUTC"
        if out and t == out[-1] and t in ("INTV", "COMP", "OUTC", "NUM"):
            continue  # "INTV INTV INTV" -> "INTV"
        out.append(t)
    return out


# --------------------------------------------------------------------------------------------
# Sentence splitting (articles are plain text with section headers on their own lines)
# --------------------------------------------------------------------------------------------

_ABBREV = re.compile(
    r"(?:\b(?:vs|et al|e\.g|i\.e|fig|figs|ref|approx|resp|no|nos|vol|ca|cf|dr|mr|mrs|ms|st|min|max|sd|se|"
    r"incl|eq|al|inc|ltd|co|corp|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)|\b[A-Z])\.$",
    re.IGNORECASE,
)
_BOUNDARY = re.compile(r"[.!?](?:[\"')\]]*)\s+(?=[\"'(\[]?[A-Z0-9])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``; lines are never joined into one sentence."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        s = 0
        for m in _BOUNDARY.finditer(line):
            head = line[s : m.start() + 1]
            if (
                _ABBREV.search(head)
                or re.search(r"\d\.$", head)
                and m.end() < len(line)
                and line[m.end()].isdigit()
            ):
                continue
            if head.strip():
                spans.append((start + s, start + m.end()))
            s = m.end()
        if line[s:].strip():
            spans.append((start + s, start + len(line)))
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (see :func:`sentence_spans`)."""
    return [text[a:b].strip() for a, b in sentence_spans(text)]
