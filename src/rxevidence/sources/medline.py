"""MEDLINE / PubMed XML: ``MedlineCitationSet`` (older baselines) and ``PubmedArticleSet``
(current baselines, updates and efetch), streamed with a hardened ``iterparse``.

Each field is a small pure function of the ``MedlineCitation`` (or ``PubmedArticle``) element,
so it can be tested on a snippet. ``DeleteCitation`` yields one :class:`Deletion` per PMID.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from typing import Any

from lxml.etree import _Element as El

from ..errors import ParseError
from ..models import Deletion, MeshHeading, Provenance, Record, Section, Skipped
from .registry import Checkpoint, SourceFormat, register
from .xmlsafe import clean, dedupe, open_stream, read_errors, text_of
from .xmlstream import Broken, stream_records

FORMAT = "medline-xml"
NCT_RE = re.compile(r"\bNCT\d{8}\b")
_YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}

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
#
# Each public ``parse_<field>(mc)`` finds its container and hands it to a private ``_<field>``
# helper. :func:`parse_citation` reads every container once (one pass over the citation's and the
# article's children, see :func:`_firsts`) and calls the same helpers, so the snippet-tested
# functions and the streaming path cannot drift apart.


def _firsts(el: El | None) -> dict[Any, El]:
    """The first child of ``el`` for each tag, in one pass over its children."""
    d: dict[Any, El] = {}
    if el is not None:
        for c in el:
            t = c.tag
            if t not in d:
                d[t] = c
    return d


def _t(el: El | None) -> str | None:
    return el.text if el is not None else None


def _unique(values: Iterable[str | None]) -> list[str]:
    """Cleaned values, first of each kept, empty ones dropped (``dedupe(clean(v) ...)`` in one loop)."""
    seen: dict[str, None] = {}
    for v in values:
        if v:
            v = " ".join(v.split())
            if v:
                seen[v] = None
    return list(seen)


def parse_pmid(mc: El) -> str | None:
    """PMID of a MedlineCitation, e.g. "17942999"."""
    t = _text(mc, "PMID")
    return t.strip() if t and t.strip() else None


def parse_pmid_version(mc: El) -> str | None:
    el = _at(mc, "PMID")
    return el.get("Version") if el is not None else None


def _title(art: dict[Any, El]) -> str | None:
    t = text_of(art.get("ArticleTitle"))
    if t is None:
        t = text_of(art.get("VernacularTitle"))
    return t


def parse_title(mc: El) -> str | None:
    return _title(_firsts(_at(mc, "Article")))


def _abstract_texts(parent: El | None, out: list[Section]) -> None:
    if parent is None:
        return
    for at in parent.iterchildren("AbstractText"):
        t = clean(at.text) if len(at) == 0 else text_of(at)
        if t:
            get = at.get
            out.append(Section(label=get("Label") or None, code=get("NlmCategory") or None, text=t))


def _abstract_sections(abstract: El | None, other_abstract: El | None) -> list[Section]:
    out: list[Section] = []
    _abstract_texts(abstract, out)
    if not out:  # some citations only carry an author-supplied OtherAbstract
        _abstract_texts(other_abstract, out)
    return out


def parse_abstract_sections(mc: El) -> list[Section]:
    """AbstractText blocks with their Label and NlmCategory (structured abstracts)."""
    return _abstract_sections(_at(mc, "Article", "Abstract"), _at(mc, "OtherAbstract"))


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


def _date(pub_date: El | None, article_date: El | None) -> str | None:
    if pub_date is not None:
        f = _firsts(pub_date)
        d = _iso(_t(f.get("Year")), _t(f.get("Month")), _t(f.get("Day")))
        if d:
            return d
        md = _t(f.get("MedlineDate"))
        if md:
            m = _YEAR_RE.search(md)
            if m:
                return m.group(1)
    if article_date is not None:
        f = _firsts(article_date)
        return _iso(_t(f.get("Year")), _t(f.get("Month")), _t(f.get("Day")))
    return None


def parse_date(mc: El) -> str | None:
    """ISO date (YYYY, YYYY-MM or YYYY-MM-DD): PubDate, else the MedlineDate year, else ArticleDate."""
    return _date(_at(mc, "Article", "Journal", "JournalIssue", "PubDate"), _at(mc, "Article", "ArticleDate"))


def parse_year(mc: El) -> int | None:
    d = parse_date(mc)
    return int(d[:4]) if d else None


def _authors(al: El | None) -> list[str]:
    out: list[str] = []
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
        if last:  # clean() inlined: this loop runs for every author of every citation
            last = " ".join(last.split())
        if last:
            ini = " ".join(ini.split()) if ini else None
            if not ini and fore:
                ini = " ".join(fore.split())
            out.append(f"{last} {ini}" if ini else last)
        elif coll:
            out.append(coll)
    return out


def parse_authors(mc: El) -> list[str]:
    """"Last FM" strings (LastName + Initials), or the CollectiveName of a group author."""
    return _authors(_at(mc, "Article", "AuthorList"))


def _article_ids(id_list: El | None, elocations: Iterable[El]) -> dict[str, str]:
    ids: dict[str, str] = {}
    if id_list is not None:
        for aid in id_list.iterchildren("ArticleId"):
            t = clean(aid.text)
            kind = aid.get("IdType")
            if t and kind and kind not in ids:
                ids[kind] = t
    for el in elocations:
        t = clean(el.text)
        kind = el.get("EIdType")
        if t and kind and kind not in ids and el.get("ValidYN", "Y") == "Y":
            ids[kind] = t
    return ids


def parse_article_ids(article: El) -> dict[str, str]:
    """IdType -> value from PubmedData/ArticleIdList (not the reference list), then ELocationID."""
    mc = article if article.tag == "MedlineCitation" else _at(article, "MedlineCitation")
    return _article_ids(
        _at(article, "PubmedData", "ArticleIdList"), _all(mc, "Article", "ELocationID") if mc is not None else ()
    )


def _publication_types(ptl: El | None) -> list[str]:
    return _unique(p.text for p in ptl.iterchildren("PublicationType")) if ptl is not None else []


def parse_publication_types(mc: El) -> list[str]:
    return _publication_types(_at(mc, "Article", "PublicationTypeList"))


def _mesh_headings(mhl: El | None) -> list[MeshHeading]:
    out: list[MeshHeading] = []
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


def parse_mesh_headings(mc: El) -> list[MeshHeading]:
    """Descriptor, UI, major (descriptor's MajorTopicYN), qualifiers and the major ones."""
    return _mesh_headings(_at(mc, "MeshHeadingList"))


def _chemicals(cl: El | None) -> list[str]:
    return _unique(_text(c, "NameOfSubstance") for c in cl.iterchildren("Chemical")) if cl is not None else []


def parse_chemicals(mc: El) -> list[str]:
    return _chemicals(_at(mc, "ChemicalList"))


def _keywords(keyword_lists: Iterable[El]) -> list[str]:
    return dedupe(text_of(k) or "" for kl in keyword_lists for k in kl.iterchildren("Keyword"))


def parse_keywords(mc: El) -> list[str]:
    return _keywords(mc.iterchildren("KeywordList"))


def parse_language(mc: El) -> str | None:
    return clean(_text(mc, "Article", "Language"))


def _databank_nct_ids(dbl: El | None) -> list[str]:
    out: list[str] = []
    if dbl is None:
        return out
    for db in dbl.iterchildren("DataBank"):
        if (db.findtext("DataBankName") or "").strip().lower().replace(" ", "") == "clinicaltrials.gov":
            out.extend(clean(a.text) or "" for a in db.iterfind("AccessionNumberList/AccessionNumber"))
    return dedupe(x.upper() for x in out)


def parse_databank_nct_ids(mc: El) -> list[str]:
    """NCT ids registered in DataBankList under ClinicalTrials.gov."""
    return _databank_nct_ids(_at(mc, "Article", "DataBankList"))


def parse_text_nct_ids(sections: list[Section]) -> list[str]:
    return dedupe(m for s in sections if "NCT" in s.text for m in NCT_RE.findall(s.text))


def _retraction(ccl: El | None, publication_types: list[str]) -> tuple[bool, list[str]]:
    notices = []
    if ccl is not None:
        for cc in ccl.iterchildren("CommentsCorrections"):
            if cc.get("RefType") == "RetractionIn":
                p = clean(cc.findtext("PMID"))
                if p:
                    notices.append(f"pmid:{p}")
    retracted = bool(notices) or "Retracted Publication" in publication_types
    return retracted, dedupe(notices)


def parse_retraction(mc: El, publication_types: list[str]) -> tuple[bool, list[str]]:
    """(retracted, ids of the RetractionIn notices)."""
    return _retraction(_at(mc, "CommentsCorrectionsList"), publication_types)


def parse_citation(article: El, *, path: str = "", position: int | None = None) -> Record | Skipped:
    """One ``MedlineCitation`` or ``PubmedArticle`` element -> Record (Skipped when it has no PMID)."""
    mc = article if article.tag == "MedlineCitation" else _at(article, "MedlineCitation")
    pos = f"record {position}" if position is not None else None
    if mc is None:
        return Skipped(reason=f"{article.tag} without MedlineCitation", path=path or None, position=pos)
    # one pass over the citation's children: first of each tag, every KeywordList
    m: dict[Any, El] = {}
    keyword_lists: list[El] = []
    for c in mc:
        t = c.tag
        if t == "KeywordList":
            keyword_lists.append(c)
        elif t not in m:
            m[t] = c
    pmid_el = m.get("PMID")
    pmid = pmid_el.text.strip() if pmid_el is not None and pmid_el.text else None
    if not pmid or not pmid.isdigit():
        return Skipped(reason="citation without a numeric PMID", path=path or None, position=pos)
    # ... and one over the article's: first of each tag, every ELocationID
    art_el = m.get("Article")
    art: dict[Any, El] = {}
    elocations: list[El] = []
    if art_el is not None:
        for c in art_el:
            t = c.tag
            if t == "ELocationID":
                elocations.append(c)
            elif t not in art:
                art[t] = c
    sections = _abstract_sections(art.get("Abstract"), m.get("OtherAbstract"))
    pts = _publication_types(art.get("PublicationTypeList"))
    retracted, notices = _retraction(m.get("CommentsCorrectionsList"), pts)
    ids = _article_ids(_at(article, "PubmedData", "ArticleIdList"), elocations)
    journal_el = art.get("Journal")
    date = _date(_at(journal_el, "JournalIssue", "PubDate"), art.get("ArticleDate"))
    pmc = ids.get("pmc")
    extra: dict[str, Any] = {}
    ta = clean(_text(m.get("MedlineJournalInfo"), "MedlineTA"))
    if ta:
        extra["journal_abbrev"] = ta
    status = mc.get("Status")
    if status:
        extra["medline_status"] = status
    text_ncts = parse_text_nct_ids(sections)
    return Record(
        id=f"pmid:{pmid}",
        kind="article",
        title=_title(art),
        sections=sections,
        pmid=pmid,
        doi=ids.get("doi"),
        pmcid=pmc if pmc is None or pmc.upper().startswith("PMC") else f"PMC{pmc}",
        nct_ids=dedupe(_databank_nct_ids(art.get("DataBankList")) + text_ncts),
        version=pmid_el.get("Version") if pmid_el is not None else None,
        journal=clean(_text(journal_el, "Title")) or ta,
        year=int(date[:4]) if date else None,
        date=date,
        authors=_authors(art.get("AuthorList")),
        language=clean(_t(art.get("Language"))),
        publication_types=pts,
        mesh=_mesh_headings(m.get("MeshHeadingList")),
        chemicals=_chemicals(m.get("ChemicalList")),
        keywords=_keywords(keyword_lists),
        retracted=retracted,
        retraction_notices=notices,
        extra=extra,
        provenance=Provenance(source=path, format=FORMAT, position=pos),
    )


# ------------------------------------------------------------------ streaming


_TAGS = ("PubmedArticle", "MedlineCitation", "DeleteCitation", "PubmedBookArticle")
# top-level records of each document kind: their end tags are where a file can be cut and resumed
_BOUNDARIES = {
    "PubmedArticleSet": ("PubmedArticle", "PubmedBookArticle", "DeleteCitation"),
    "MedlineCitationSet": ("MedlineCitation", "DeleteCitation"),
}


def parse(path: str, *, checkpoints: bool = False, resume: Checkpoint | None = None,
          **_options: Any) -> Iterator[Record | Deletion | Skipped | Checkpoint]:
    """Stream records and deletions from a MEDLINE/PubMed XML file (``.gz`` transparently).

    A malformed record (bad XML, an invalid UTF-8 byte, a text over 10 MB) is skipped with its
    position and the rest is read; a file that ends inside a record raises :class:`ParseError`
    (file, line, byte) after everything before it. ``checkpoints``/``resume``: see
    :class:`~rxevidence.sources.registry.Checkpoint`.
    """
    with ExitStack() as stack:
        f = stack.enter_context(open_stream(path))
        head = stack.enter_context(open_stream(path)) if resume is not None else None
        stream = stream_records(f, _TAGS, boundaries=_BOUNDARIES, checkpoints=checkpoints, resume=resume,
                                prolog_source=head)
        with read_errors(path):
            yield from _parse_elements(stream, path, k=int(resume.state.get("k", 0)) if resume else 0)


def parse_medline_bytes(body: bytes, *, source: str = "<bytes>") -> Iterator[Record | Deletion | Skipped]:
    """The same as :func:`parse` for a document in memory (an efetch response)."""
    stream = stream_records(io.BytesIO(body), _TAGS, boundaries=_BOUNDARIES)
    for item in _parse_elements(stream, source):
        if not isinstance(item, Checkpoint):
            yield item


def _where(b: Broken) -> str:
    return (f"line {b.line}, " if b.line is not None else "") + f"byte {b.offset:,}"


def _parse_elements(elements: Iterator[El | Checkpoint | Broken], path: str, *,
                    k: int = 0) -> Iterator[Record | Deletion | Skipped | Checkpoint]:
    for el in elements:
        if isinstance(el, Checkpoint):
            yield Checkpoint(el.offset, {"k": k})
            continue
        if isinstance(el, Broken):
            if el.ended_early:
                raise ParseError(el.reason, path=path, position=f"after record {k}, {_where(el)}")
            k += 1
            yield Skipped(reason=el.reason, path=path, position=f"record {k}, {_where(el)}")
            continue
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
            yield Skipped(reason="PubMed book article (not supported)", path=path, position=f"record {k}",
                          unsupported=True)
            continue
        try:
            yield parse_citation(el, path=path, position=k)
        except Exception as e:  # a field that does not fit the model: this record only
            yield Skipped(reason=f"unreadable citation: {type(e).__name__}: {e}"[:300], path=path,
                          position=f"record {k}")


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
        resumable=True,
    )
)

__all__ = ["FORMAT", "ParseError", "parse", "parse_citation", "parse_medline_bytes"]
