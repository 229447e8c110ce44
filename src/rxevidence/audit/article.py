"""Article input: plain text, Markdown or HTML to (title, text); text to segments a fact-checker reads.

A *segment* is one sentence of a paragraph or list item, or a short list read as one statement
("Dry mouth incidence: Tolterodine: 37%; Oxybutynin: 61%"). Headings, bylines and reference lines are
segments too, marked by role, so claims never glue a heading onto a sentence and never come from a source
line. Citation markers ("... dependence. 1", "significant1–3:", "[4]") are left out of segment text; the
offsets still point into the article text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from lxml import html as lxml_html

from ..errors import InputError

MAX_ARTICLE_CHARS = 200_000

Role = Literal["heading", "lead", "sentence", "item", "list", "source"]


@dataclass(frozen=True)
class Segment:
    text: str  # cleaned text (list and citation markers removed)
    start: int  # offsets into the article text
    end: int
    role: Role
    block: int  # index of the paragraph or list it belongs to
    lead: str | None = None  # the lead-in line a list item belongs to ("Side effects include:")
    section: str | None = None  # the heading above it
    line: int = -1  # offset of the line (list item) it comes from


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
        blocks = []
        for el in doc.xpath("//h1|//h2|//h3|//h4|//p|//li|//blockquote"):
            t = " ".join(el.text_content().split())
            if t:
                blocks.append(("- " + t) if el.tag == "li" else t)
        text = "\n\n".join(blocks) or doc.text_content()
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


# ------------------------------------------------------------------ sentences

# a sentence ends at . ! ? (with closing quotes/brackets and a glued citation number: "…10 days.4 Next")
_BOUNDARY = re.compile(r"(?<!\d)[.!?]+[\"”’)\]]*\d{1,2}(?:\s*[,–-]\s*\d{1,2})*(?=\s|$)|[.!?]+[\"”’)\]]*(?=\s|$)|\n\s*\n|"
                       r"\n(?=\s*[-*•#])")
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


_LIST_MARKER = re.compile(r"^(?:[-*•+–]\s+|\d{1,2}[.)]\s+)")


def _emit(text: str, start: int, end: int, out: list[tuple[str, int, int]]) -> None:
    seg = text[start:end]
    stripped = _LIST_MARKER.sub("", seg.strip())  # "- ", "* ", "• ", "1. " of list items are not claim text
    if stripped:
        lead = seg.index(stripped)
        out.append((stripped, start + lead, start + lead + len(stripped)))


# ------------------------------------------------------------------ citation markers and source lines

_NUMBER_WORDS = {"type", "grade", "stage", "phase", "level", "class", "schedule", "step", "day", "week", "month", "year",
                 "version", "group", "arm", "tier", "n", "number", "of",
                 "to", "and", "or", "vs", "than", "from", "by", "at", "in", "about", "approximately", "is", "was",
                 "top", "under", "over", "aged", "age", "every", "first", "only", "dose"}
_TRAILING_MARK = re.compile(r"(\S+)\s+\d{1,2}(?:\s*[,–-]\s*\d{1,2})*\s*([.;:]?)\s*$")
_GLUED_MARK = re.compile(r"(?<=[a-z)\]%])\d{1,2}(?:[–,-]\d{1,2})*(?=[:;.,]?(?:\s|$))")
_AFTER_STOP_MARK = re.compile(r"(?<=[.!?])\d{1,2}(?:\s*[,–-]\s*\d{1,2})*$")
_BRACKET_MARK = re.compile(r"\s*\[(?:\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]")
_PAREN_CITE = re.compile(r"\s*\((?:[A-Z][A-Za-z'’-]+(?: et al\.?| and [A-Z][A-Za-z'’-]+)?,? (?:19|20)\d{2}[a-z]?"
                         r"(?:[;,] ?)?)+\)")
_SOURCE_LINE = re.compile(r"\bdoi:\s*10\.|\bdoi\.org/|\bPMID:?\s*\d|\bet al\.?,?\s*[“\"]|\bRetrieved from\b|"
                          r"\bAccessed\b.{0,20}\b(19|20)\d{2}|^\s*\d+\.\s+[A-Z][a-z]+,? [A-Z]{1,2}\b|"
                          r"^\s*[A-Z][a-z]+, [A-Z][a-z]+ [A-Z]?\.?,? et al\.|\b(19|20)\d{2};\s*\d+\(\d+\)", re.I)


def clean_citations(text: str) -> str:
    """Claim text without citation markers: trailing "1, 2", glued "significant1–3:", "[4]", "(Smith et al. 2017)"."""
    t = re.sub(r"^\d{1,2}(?:\s*,\s*\d{1,2})*\s+(?=[A-Z])", "", _BRACKET_MARK.sub("", text))
    t = _PAREN_CITE.sub("", t)
    t = _AFTER_STOP_MARK.sub("", t)
    t = _GLUED_MARK.sub("", t)
    for _ in range(2):
        m = _TRAILING_MARK.search(t)
        if m is None or (m.group(1).lower().strip(",;:()") in _NUMBER_WORDS and not m.group(1).endswith(")")) or re.fullmatch(r"[\d.,%<>=-]+", m.group(1)) \
                and not re.search(r"\d[-–]\d|%|\)$", m.group(1)):
            break
        t = t[: m.start()] + m.group(1) + m.group(2)
    return t.strip()


def is_source_line(text: str) -> bool:
    """A reference-list or byline-style line ("Friedman, B. W., et al. “…” Ann Emerg Med. 2017. doi:…")."""
    return bool(_SOURCE_LINE.search(text))


# ------------------------------------------------------------------ segments

_ITEM = re.compile(r"^(\s*)(?:[-*•+–—]\s+|[–—](?=[A-Z])|\d{1,2}[.)]\s+)")
_VERB = re.compile(
    r"\b(is|are|was|were|be|been|being|has|have|had|do|does|did|can|could|may|might|must|should|will|would|"
    r"seems?|appears?|shows?|showed|shown|found|finds|reduces?|reduced|relieves?|relieved|improves?|improved|"
    r"helps?|helped|works?|worked|causes?|caused|increases?|decreases?|lowers?|treats?|prevents?|provides?|"
    r"affects?|leads?|led|produces?|blocks?|inhibits?|acts?|binds?|demonstrates?|demonstrated|suggests?|"
    r"suggested|indicates?|remains?|offers?|gives?|gave|achieved|reported|concluded|recommends?|approved|"
    r"maintains?|occurred|include[sd]?|includes|requires?|takes?|took|needs?|compared|received|tested|"
    r"found|yield(?:s|ed)?|did|didn['’]t|doesn['’]t|isn['’]t|aren['’]t|won['’]t|can['’]t|cannot)\b", re.I)


def has_verb(text: str) -> bool:
    """Rough test for a finite verb (a clause rather than a noun phrase such as "Reduced micturition frequency")."""
    words = text.split()
    rest = " ".join(words[1:]) if words and words[0].lower().endswith("ed") else text
    return bool(_VERB.search(rest))


def _is_fragment(text: str) -> bool:
    body = text.split(":", 1)[-1] if re.match(r"^[^:]{1,40}:", text) else text
    return not has_verb(body) and len(body.split()) <= 12


@dataclass
class _Line:
    text: str
    start: int
    end: int
    indent: int
    item: bool


def _lines(text: str) -> list[_Line | None]:
    out: list[_Line | None] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        if not line.strip():
            out.append(None)
        else:
            m = _ITEM.match(line)
            body_at = m.end() if m else len(line) - len(line.lstrip())
            indent = len(line) - len(line.lstrip())
            body = line[body_at:].rstrip()
            out.append(_Line(body, pos + body_at, pos + body_at + len(body), indent, bool(m)))
        pos += len(raw)
    return out


_FUNCTION_END = re.compile(r"\b(the|a|an|of|and|or|to|with|for|in|on|by|from|as|that|which|is|are|was|were)$", re.I)


def _heading_like(line: _Line) -> bool:
    t = clean_citations(line.text.strip())
    return (not line.item and len(t) <= 90 and not re.search(r"[.!?:;,]$", t) and len(t.split()) <= 12
            and t[:1].isupper() and not _FUNCTION_END.search(t) and not is_source_line(t))


_LABEL = re.compile(r"^[^:]{1,40}:\s")


def _starts_section(lines: list[_Line | None], k: int) -> bool:
    """Line ``k`` is a heading inside running text: heading-like and followed by a new sentence or a list."""
    ln = lines[k]
    if ln is None or not _heading_like(ln):
        return False
    nxt = lines[k + 1] if k + 1 < len(lines) else None
    return nxt is None or nxt.item or nxt.text[:1].isupper() or nxt.text[:1].isdigit()


def _labelled_line(prev: _Line | None, ln: _Line) -> bool:
    """``ln`` is a list item written without a marker ("Sleep Improvement: X improves sleep ...") under a line
    that ends without a sentence end ("... the condition 3"): its own statement, never the rest of the line above."""
    if prev is None or not (_LABEL.match(ln.text) and ln.text[:1].isupper()):
        return False
    above = clean_citations(prev.text.strip())
    return not _FUNCTION_END.search(above) and not above.endswith(",")


def segments(text: str) -> list[Segment]:
    """The article as segments, in order (see the module docstring)."""
    lines = _lines(text)
    out: list[Segment] = []
    section: str | None = None
    block = 0
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln is None:
            block += 1
            i += 1
            continue
        prev_blank = i == 0 or lines[i - 1] is None
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        next_starts = nxt is None or nxt.item or nxt.text[:1].isupper() or nxt.text[:1].isdigit()
        if _heading_like(ln) and (prev_blank or next_starts):
            section = ln.text.strip()
            out.append(Segment(section, ln.start, ln.end, "heading", block, section=section))
            block += 1
            i += 1
            continue
        if is_source_line(ln.text):
            out.append(Segment(" ".join(ln.text.split()), ln.start, ln.end, "source", block, section=section))
            i += 1
            continue
        if ln.text.rstrip().endswith(":"):
            i = _lead(lines, i, out, block, section)
            continue
        if not ln.item:  # a paragraph: consecutive text lines
            j = i
            last = ln
            while j + 1 < len(lines) and (nx := lines[j + 1]) is not None and not nx.item \
                    and not nx.text.rstrip().endswith(":") and not _starts_section(lines, j + 1) \
                    and not dateline_end(nx.text) \
                    and not _labelled_line(lines[j], nx):  # a dateline starts the story: the line above is a heading
                j += 1
                last = nx
            _sentences(text, ln.start, last.end, "sentence", block, None, section, out)
            i = j + 1
            continue
        _sentences_line(ln, "item", block, None, section, out)
        i += 1
    return out


def _lead(lines: list[_Line | None], i: int, out: list[Segment], block: int, section: str | None) -> int:
    """A line ending with ':' and the list under it: one segment when the items are short fragments
    ("Tolterodine: 69%"), otherwise the lead-in and then each item (a sentence) on its own."""
    lead = lines[i]
    assert lead is not None
    j = i + 1
    while j < len(lines) and lines[j] is None and j + 1 < len(lines) and (nx := lines[j + 1]) and nx.item:
        j += 1  # blank lines between a lead-in and its list
    kids: list[_Line] = []
    while j < len(lines) and (kid := lines[j]) is not None and kid.item and (not lead.item or kid.indent > lead.indent):
        kids.append(kid)
        j += 1
        while j < len(lines) and lines[j] is None and j + 1 < len(lines) and (nx := lines[j + 1]) and nx.item \
                and (not lead.item or nx.indent > lead.indent):
            j += 1
    top = min((k.indent for k in kids), default=0)
    direct = [k for k in kids if k.indent == top]
    text_of = lead.text.rstrip()
    lead_start = lead.start
    sents = split_sentences(text_of)
    if len(sents) > 1:  # "X is a muscle relaxant. It acts ... While approved for ..., it has shown:": the
        for sent, s, e in sents[:-1]:  # sentences before the last one are statements of their own
            _add(sent, lead.start + s, lead.start + e, "item" if lead.item else "sentence", block, None, section, out)
        _, s_last, _ = sents[-1]
        text_of, lead_start = text_of[s_last:], lead.start + s_last
    labelled = any(_LABEL.match(k.text) for k in direct)
    if kids and all(_is_fragment(k.text) for k in kids) and not (labelled and has_verb(text_of)):
        joined = text_of + " " + "; ".join(clean_citations(k.text) for k in kids)
        out.append(Segment(clean_citations(joined), lead_start, kids[-1].end, "list", block, section=section))
        return j
    role: Role = "lead"
    out.append(Segment(clean_citations(text_of), lead_start, lead.end, role, block, section=section))
    if not kids:
        return i + 1
    k = i + 1
    while k < j:  # the items, each read on its own (nested lead-ins handled recursively)
        ln = lines[k]
        if ln is None:
            k += 1
            continue
        if ln.text.rstrip().endswith(":"):
            k = _lead(lines, k, out, block, section)
            continue
        _sentences_line(ln, "item", block, text_of, section, out)
        k += 1
    return j


def _sentences_line(ln: _Line, role: Role, block: int, lead: str | None, section: str | None,
                    out: list[Segment]) -> None:
    for sent, s, e in split_sentences(ln.text):
        _add(sent, ln.start + s, ln.start + e, role, block, lead, section, out, line=ln.start)


def _sentences(text: str, start: int, end: int, role: Role, block: int, lead: str | None, section: str | None,
               out: list[Segment]) -> None:
    chunk = text[start:end]
    for sent, s, e in split_sentences(chunk):
        _add(sent, start + s, start + e, role, block, lead, section, out)


# a news dateline before the first sentence ("THURSDAY, July 30, 2015 (HealthDay News) — ", "LONDON (Reuters) – ",
# "Dec. 12, 2006 -- "): where and when the story was filed, not part of any claim
_DATELINE = re.compile(
    r"^(?P<place>[A-Z]{3,}(?:[ -][A-Z]{2,})*,?\s+)?"
    r"(?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,\s*(?:19|20)\d{2})?\s*)?"
    r"(?P<src>\([A-Z][^()]{1,40}\)\s*)?(?:—|–|--|-)\s*(?=[A-Z\"“‘'])")


def dateline_end(text: str) -> int:
    """Where the claim text starts after a leading news dateline (0 when there is none)."""
    m = _DATELINE.match(text)
    if m is None or not (m.group("date") or m.group("src")):
        return 0
    return m.end()


def _add(sent: str, start: int, end: int, role: Role, block: int, lead: str | None, section: str | None,
         out: list[Segment], line: int = -1) -> None:
    cut = dateline_end(sent)
    if cut:
        sent, start = sent[cut:], start + cut
    clean = clean_citations(" ".join(sent.split()))
    if not re.search(r"[A-Za-z]{2}", clean):
        return  # a lone citation number or stray punctuation
    if is_source_line(clean):
        role = "source"
    out.append(Segment(clean, start, end, role, block, lead, section, line))
