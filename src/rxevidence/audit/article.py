"""Article input: plain text, Markdown or HTML to (title, text), and text to sentences with offsets."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from ..errors import InputError

MAX_ARTICLE_CHARS = 200_000



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
