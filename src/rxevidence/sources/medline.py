"""MEDLINE / PubMed XML: ``MedlineCitationSet`` (older baselines) and ``PubmedArticleSet``
(current baselines, updates and efetch), streamed with a hardened ``iterparse``.

Each field is a small pure function of the ``MedlineCitation`` (or ``PubmedArticle``) element,
so it can be tested on a snippet. ``DeleteCitation`` yields one :class:`Deletion` per PMID.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from ..errors import ParseError
from ..models import Deletion, MeshHeading, Provenance, Record, Section, Skipped
from .registry import SourceFormat, register
from .xmlsafe import clean, dedupe, iter_elements, iter_stream, text_of

FORMAT = "medline-xml"
NCT_RE = re.compile(r"\bNCT\d{8}\b")
_YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}

El = etree._Element


def _at(el: El | None, *path: str) -> El | None:
    """The first child along ``path`` (faster than ``find`` with a path: no ElementPath parsing)."""
    for tag in path:
        if el is None:
            return None
        el = next(el.iterchildren(tag), None)
    return el


def _all(el: El, *path: str) -> Iterator[El]:
    """All children named ``path[-1]`` of the element at ``path[:-1]``."""
    parent = _at(el, *path[:-1])
    return parent.iterchildren(path[-1]) if parent is not None else iter(())


def _text(el: El | None, *path: str) -> str | None:
    e = _at(el, *path)
    return e.text if e is not None else None


# ------------------------------------------------------------------ field functions


def parse_pmid(mc: El) -> str | None:
    """PMID of a MedlineCitation, e.g. "17942999"."""
    t = _text(mc, "PMID")
    return t.strip() if t and t.strip() else None


def parse_pmid_version(mc: El) -> str | None:
    el = _at(mc, "PMID")
    return el.get("Version") if el is not None else None


def parse_title(mc: El) -> str | None:
    t = text_of(_at(mc, "Article", "ArticleTitle"))
    if t is None:
        t = text_of(_at(mc, "Article", "VernacularTitle"))
    return t


def parse_abstract_sections(mc: El) -> list[Section]:
    """AbstractText blocks with their Label and NlmCategory (structured abstracts)."""
    out: list[Section] = []
    for at in _all(mc, "Article", "Abstract", "AbstractText"):
        t = text_of(at)
        if t:
            out.append(Section(label=at.get("Label") or None, code=at.get("NlmCategory") or None, text=t))
    if not out:  # some citations only carry an author-supplied OtherAbstract
        for at in _all(mc, "OtherAbstract", "AbstractText"):
            t = text_of(at)
            if t:
                out.append(Section(label=at.get("Label") or None, code=at.get("NlmCategory") or None, text=t))
    return out


def parse_journal(mc: El) -> str | None:
    return clean(_text(mc, "Article", "Journal", "Title")) or clean(_text(mc, "MedlineJournalInfo", "MedlineTA"))


def _month(value: str | None) -> int | None:
    if not value:
        return None
    v = value.strip().lower()
    if v.isdigit():
        m = int(v)
        return m if 1 <= m <= 12 else None
    return _MONTHS.get(v[:3])


def _iso(year: str | None, month: str | None, day: str | None) -> str | None:
    if not year or not year.strip().isdigit():
        return None
    out = year.strip()
    m = _month(month)
    if m:
        out += f"-{m:02d}"
        if day and day.strip().isdigit() and 1 <= int(day) <= 31:
            out += f"-{int(day):02d}"
    return out


def parse_date(mc: El) -> str | None:
    """ISO date (YYYY, YYYY-MM or YYYY-MM-DD): PubDate, else the MedlineDate year, else ArticleDate."""
    pd = _at(mc, "Article", "Journal", "JournalIssue", "PubDate")
    if pd is not None:
        d = _iso(_text(pd, "Year"), _text(pd, "Month"), _text(pd, "Day"))
        if d:
            return d
        md = _text(pd, "MedlineDate")
        if md:
            m = _YEAR_RE.search(md)
            if m:
                return m.group(1)
    ad = _at(mc, "Article", "ArticleDate")
    if ad is not None:
        return _iso(_text(ad, "Year"), _text(ad, "Month"), _text(ad, "Day"))
    return None


def parse_year(mc: El) -> int | None:
    d = parse_date(mc)
    return int(d[:4]) if d else None


def parse_authors(mc: El) -> list[str]:
    """"Last FM" strings (LastName + Initials), or the CollectiveName of a group author."""
    out: list[str] = []
    al = _at(mc, "Article", "AuthorList")
    if al is None:
        return out
    for a in al:
        last = ini = fore = coll = None
        for c in a:  # one pass over the author's children
            tag = c.tag
            if tag == "LastName":
                last = c.text
            elif tag == "Initials":
                ini = c.text
            elif tag == "ForeName":
                fore = c.text
            elif tag == "CollectiveName":
                coll = text_of(c)
        last = clean(last)
        if last:
            ini = clean(ini) or clean(fore)
            out.append(f"{last} {ini}" if ini else last)
        elif coll:
            out.append(coll)
    return out


def parse_article_ids(article: El) -> dict[str, str]:
    """IdType -> value from PubmedData/ArticleIdList (not the reference list), then ELocationID."""
    ids: dict[str, str] = {}
    for aid in _all(article, "PubmedData", "ArticleIdList", "ArticleId"):
        t = clean(aid.text)
        kind = aid.get("IdType")
        if t and kind and kind not in ids:
            ids[kind] = t
    mc = article if article.tag == "MedlineCitation" else _at(article, "MedlineCitation")
    if mc is not None:
        for el in _all(mc, "Article", "ELocationID"):
            t = clean(el.text)
            kind = el.get("EIdType")
            if t and kind and kind not in ids and el.get("ValidYN", "Y") == "Y":
                ids[kind] = t
    return ids


def parse_publication_types(mc: El) -> list[str]:
    return dedupe(clean(p.text) or "" for p in _all(mc, "Article", "PublicationTypeList", "PublicationType"))


def parse_mesh_headings(mc: El) -> list[MeshHeading]:
    """Descriptor, UI, major (descriptor's MajorTopicYN), qualifiers and the major ones."""
    out: list[MeshHeading] = []
    mhl = _at(mc, "MeshHeadingList")
    if mhl is None:
        return out
    for mh in mhl:
        d = None
        quals: list[str] = []
        major_quals: list[str] = []
        for c in mh:
            if c.tag == "DescriptorName":
                d = c
            elif c.tag == "QualifierName":
                qn = clean(c.text)
                if qn:
                    quals.append(qn)
                    if c.get("MajorTopicYN") == "Y":
                        major_quals.append(qn)
        name = clean(d.text) if d is not None else None
        if not name or d is None:
            continue
        out.append(
            MeshHeading(
                descriptor=name,
                ui=d.get("UI"),
                major=d.get("MajorTopicYN") == "Y",
                qualifiers=quals,
                major_qualifiers=major_quals,
            )
        )
    return out


def parse_chemicals(mc: El) -> list[str]:
    cl = _at(mc, "ChemicalList")
    if cl is None:
        return []
    return dedupe(clean(_text(c, "NameOfSubstance")) or "" for c in cl.iterchildren("Chemical"))


def parse_keywords(mc: El) -> list[str]:
    return dedupe(text_of(k) or "" for kl in mc.iterchildren("KeywordList") for k in kl.iterchildren("Keyword"))


def parse_language(mc: El) -> str | None:
    return clean(_text(mc, "Article", "Language"))


def parse_databank_nct_ids(mc: El) -> list[str]:
    """NCT ids registered in DataBankList under ClinicalTrials.gov."""
    out: list[str] = []
    for db in _all(mc, "Article", "DataBankList", "DataBank"):
        if (db.findtext("DataBankName") or "").strip().lower().replace(" ", "") == "clinicaltrials.gov":
            out.extend(clean(a.text) or "" for a in db.iterfind("AccessionNumberList/AccessionNumber"))
    return dedupe(x.upper() for x in out)


def parse_text_nct_ids(sections: list[Section]) -> list[str]:
    return dedupe(m for s in sections if "NCT" in s.text for m in NCT_RE.findall(s.text))


def parse_retraction(mc: El, publication_types: list[str]) -> tuple[bool, list[str]]:
    """(retracted, ids of the RetractionIn notices)."""
    notices = []
    for cc in _all(mc, "CommentsCorrectionsList", "CommentsCorrections"):
        if cc.get("RefType") == "RetractionIn":
            p = clean(cc.findtext("PMID"))
            if p:
                notices.append(f"pmid:{p}")
    retracted = bool(notices) or "Retracted Publication" in publication_types
    return retracted, dedupe(notices)


def parse_citation(article: El, *, path: str = "", position: int | None = None) -> Record | Skipped:
    """One ``MedlineCitation`` or ``PubmedArticle`` element -> Record (Skipped when it has no PMID)."""
    mc = article if article.tag == "MedlineCitation" else _at(article, "MedlineCitation")
    pos = f"record {position}" if position is not None else None
    if mc is None:
        return Skipped(reason=f"{article.tag} without MedlineCitation", path=path or None, position=pos)
    pmid = parse_pmid(mc)
    if not pmid or not pmid.isdigit():
        return Skipped(reason="citation without a numeric PMID", path=path or None, position=pos)
    sections = parse_abstract_sections(mc)
    pts = parse_publication_types(mc)
    retracted, notices = parse_retraction(mc, pts)
    ids = parse_article_ids(article)
    date = parse_date(mc)
    pmc = ids.get("pmc")
    extra: dict[str, Any] = {}
    ta = clean(_text(mc, "MedlineJournalInfo", "MedlineTA"))
    if ta:
        extra["journal_abbrev"] = ta
    status = mc.get("Status")
    if status:
        extra["medline_status"] = status
    return Record(
        id=f"pmid:{pmid}",
        kind="article",
        title=parse_title(mc),
        sections=sections,
        pmid=pmid,
        doi=ids.get("doi"),
        pmcid=pmc if pmc is None or pmc.upper().startswith("PMC") else f"PMC{pmc}",
        nct_ids=dedupe(parse_databank_nct_ids(mc) + parse_text_nct_ids(sections)),
        version=parse_pmid_version(mc),
        journal=parse_journal(mc),
        year=int(date[:4]) if date else None,
        date=date,
        authors=parse_authors(mc),
        language=parse_language(mc),
        publication_types=pts,
        mesh=parse_mesh_headings(mc),
        chemicals=parse_chemicals(mc),
        keywords=parse_keywords(mc),
        retracted=retracted,
        retraction_notices=notices,
        extra=extra,
        provenance=Provenance(source=path, format=FORMAT, position=pos),
    )


# ------------------------------------------------------------------ streaming


_TAGS = ("PubmedArticle", "MedlineCitation", "DeleteCitation", "PubmedBookArticle")


def parse(path: str, **_options: Any) -> Iterator[Record | Deletion | Skipped]:
    """Stream records and deletions from a MEDLINE/PubMed XML file (``.gz`` transparently).

    A syntax error raises :class:`ParseError` (file, line, column) after everything before it.
    """
    yield from _parse_elements(iter_elements(path, _TAGS), path)


def parse_medline_bytes(body: bytes, *, source: str = "<bytes>") -> Iterator[Record | Deletion | Skipped]:
    """The same as :func:`parse` for a document in memory (an efetch response)."""
    yield from _parse_elements(iter_stream(io.BytesIO(body), _TAGS, source=source), source)


def _parse_elements(elements: Iterator[El], path: str) -> Iterator[Record | Deletion | Skipped]:
    k = 0
    for el in elements:
        tag = el.tag
        if tag == "MedlineCitation":
            parent = el.getparent()
            if parent is not None and parent.tag == "PubmedArticle":
                continue  # handled with its PubmedArticle
        if tag == "DeleteCitation":
            for p in el.iterfind("PMID"):
                v = clean(p.text)
                if v:
                    yield Deletion(id=f"pmid:{v}", provenance=Provenance(source=path, format=FORMAT))
            continue
        k += 1
        if tag == "PubmedBookArticle":
            yield Skipped(reason="PubMed book article (not supported)", path=path, position=f"record {k}")
            continue
        try:
            yield parse_citation(el, path=path, position=k)
        except (ValueError, TypeError) as e:  # a field that does not fit the model
            yield Skipped(reason=f"unreadable citation: {e}", path=path, position=f"record {k}")


def sniff(name: str, head: bytes) -> bool:
    return any(m in head for m in (b"<MedlineCitationSet", b"<PubmedArticleSet", b"<PubmedArticle>",
                                   b"<MedlineCitation ", b"<DeleteCitation"))


register(
    SourceFormat(
        name=FORMAT,
        description="MEDLINE/PubMed XML (MedlineCitationSet, PubmedArticleSet; baselines, updates, efetch)",
        sniff=sniff,
        parse=parse,
        priority=10,
    )
)

__all__ = ["FORMAT", "ParseError", "parse", "parse_citation", "parse_medline_bytes"]
