"""Small wording helpers shared by the sections: citations, study labels, counts, lists, clipping."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..domain import design_name
from .study import StudyView


def acronyms(text: str) -> str:
    return re.sub(r"\b(nsaid|snri|ssri|cox-2|gaba|5-ht)(s?)\b", lambda m: m.group(1).upper() + m.group(2), text)


def with_article(phrase: str) -> str:
    """``phrase`` with its indefinite article: "an opioid", "a benzodiazepine", "an nsaid"."""
    vowel_sound = phrase[:1].lower() in "aeiou" or re.match(r"(nsaid|snri|ssri|h2|x-)", phrase.lower())
    return f"{'an' if vowel_sound else 'a'} {phrase}"


def and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else (", ".join(items[:-1]) + " and " + items[-1] if items else "")


def cite(ids: Iterable[str | None]) -> list[str]:
    return sorted(dict.fromkeys(i for i in ids if i))


def study_label(v: StudyView) -> str:
    bits = []
    if v.record and v.record.authors:
        first = v.record.authors[0].split(" ")[0]
        bits.append(f"{first} et al." if len(v.record.authors) > 1 else first)
    elif v.record and v.record.journal:
        bits.append(v.record.journal)
    if v.year:
        bits.append(str(v.year))
    return " ".join(bits) if bits else v.id


def fmt_counts(c: dict[str, int]) -> str:
    return ", ".join(f"{n} {design_name(d, n)}" for d, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def fmt_directions(c: dict[str, int]) -> str:
    words = {"better": "favoured the drug", "worse": "favoured the comparator",
             "no difference": "found no difference", "mixed": "had mixed results", "unclear": "were unclear"}
    return "; ".join(f"{n} {words.get(d, d)}" for d, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def strip_end(text: str) -> str:
    return text.strip().rstrip(".;")


def clip(text: str, n: int) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1].rsplit(" ", 1)[0] + "…"
