"""PubMed E-utilities: a search built from a :class:`~rxevidence.models.Query`, esearch on the
history server, efetch XML in batches parsed by :mod:`rxevidence.sources.medline`.

Limits (NCBI): 3 requests/s without ``NCBI_API_KEY``, 10 with one. Every request carries
``tool=rxevidence`` and, when set, ``email=$RXEVIDENCE_EMAIL``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

from lxml import etree

from ..errors import InputError, ParseError, SourceError
from ..models import Deletion, Query, Record, Skipped
from .http import ApiClient

DEFAULT_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
BATCH_SIZE = 200

_HARDENED = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False)

# Publication types (and two text words, after the Cochrane highly sensitive search strategy, so that
# trials not yet indexed are found) that mark clinical studies, reviews and guidelines.
STUDY_FILTER = (
    "randomized controlled trial[pt] OR controlled clinical trial[pt] OR clinical trial[pt] "
    "OR meta-analysis[pt] OR systematic review[pt] OR review[pt] OR practice guideline[pt] "
    "OR guideline[pt] OR observational study[pt] OR comparative study[pt] "
    "OR randomized[tiab] OR placebo[tiab]"
)
# Keeps human studies and records not yet MeSH-indexed; drops animal-only studies.
HUMANS_FILTER = "NOT (animals[mh] NOT humans[mh])"

# keep the query short and specific: the first names are the best ones (vocabulary order)
MAX_DRUG_PHRASES = 10
MAX_CONDITION_PHRASES = 15


# --------------------------------------------------------------------------- the search term


def _clean_term(text: str) -> str:
    """A phrase safe to quote in a PubMed query (no quotes, brackets or field tags)."""
    text = re.sub(r'["\[\]()]', " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _or(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _phrases(words: list[str], limit: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for w in words:
        c = _clean_term(w)
        if len(c) >= 2 and c.lower() not in seen:
            seen.add(c.lower())
            out.append(c)
            if len(out) >= limit:
                break
    return out


def drug_terms(query: Query) -> list[str]:
    """One ORed group per drug mention: its names and synonyms in [tiab], its name as MeSH."""
    groups: list[str] = []
    for d in query.drugs:
        names = [d.name] + ([] if not d.is_class else d.members[:20]) + d.synonyms + [d.text]
        phrases = _phrases(names, MAX_DRUG_PHRASES)
        if not phrases:
            continue
        parts = [f'"{p}"[tiab]' for p in phrases]
        parts.append(f'"{phrases[0]}"[MeSH Terms]')
        groups.append(_or(parts))
    return groups


def condition_terms(query: Query) -> str | None:
    """The condition's names, synonyms and narrower concepts in [tiab], ORed with its MeSH term."""
    c = query.condition
    if c is None:
        return None
    narrower = [n.replace("-", " ") for n in c.narrower if not n.startswith("mesh:")]
    phrases = _phrases([c.name, c.text, *narrower, *c.synonyms], MAX_CONDITION_PHRASES)
    if not phrases:
        return None
    parts = [f'"{p}"[tiab]' for p in phrases]
    parts.append(f'"{phrases[0]}"[MeSH Terms]')
    return _or(parts)


def build_pubmed_term(query: Query, *, humans: bool = True, studies: bool = True) -> str:
    """The PubMed search for a query: drugs AND condition AND study types, human studies only.

    Drug mentions are ORed for a single drug and ANDed for a combination or a comparison.
    Raises :class:`InputError` when the query names no drug.
    """
    groups = drug_terms(query)
    if not groups:
        raise InputError("Cannot search PubMed: the question names no drug")
    joiner = " AND " if query.relation in ("combination", "comparison") and len(groups) > 1 else " OR "
    term = groups[0] if len(groups) == 1 else "(" + joiner.join(groups) + ")"
    cond = condition_terms(query)
    if cond:
        term += f" AND {cond}"
    if studies:
        term += f" AND ({STUDY_FILTER})"
    if humans:
        term += f" {HUMANS_FILTER}"
    return term


# --------------------------------------------------------------------------- response parsing


@dataclass
class SearchResult:
    count: int
    ids: list[str] = field(default_factory=list)
    webenv: str | None = None
    query_key: str | None = None
    translation: str | None = None


def parse_esearch(body: bytes) -> SearchResult:
    """An esearch response, XML or JSON; SourceError when it reports an error."""
    head = body.lstrip()[:1]
    if head == b"{":
        try:
            data = json.loads(body)
        except json.JSONDecodeError as e:
            raise ParseError(f"malformed esearch JSON: {e}") from e
        r = data.get("esearchresult") if isinstance(data, dict) else None
        if not isinstance(r, dict):
            raise ParseError("esearch JSON without 'esearchresult'")
        if r.get("ERROR"):
            raise SourceError(f"PubMed esearch error: {r['ERROR']}")
        return SearchResult(
            count=int(r.get("count", 0)),
            ids=[str(i) for i in r.get("idlist", [])],
            webenv=r.get("webenv"),
            query_key=str(r["querykey"]) if r.get("querykey") is not None else None,
            translation=r.get("querytranslation"),
        )
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(**_HARDENED))
    except etree.XMLSyntaxError as e:
        raise ParseError(f"malformed esearch XML: {e.msg}") from e
    if root.tag != "eSearchResult":
        raise ParseError(f"expected eSearchResult, got <{root.tag}>")
    err = root.findtext("ERROR")
    if err:
        raise SourceError(f"PubMed esearch error: {err}")
    count = root.findtext("Count")
    return SearchResult(
        count=int(count) if count and count.isdigit() else 0,
        ids=[i.text for i in root.iterfind("IdList/Id") if i.text],
        webenv=root.findtext("WebEnv"),
        query_key=root.findtext("QueryKey"),
        translation=root.findtext("QueryTranslation"),
    )


def parse_efetch(body: bytes, *, source: str) -> list[Record | Deletion | Skipped]:
    """A whole efetch PubmedArticleSet; ParseError when it is truncated or is not one."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(**_HARDENED))
    except etree.XMLSyntaxError as e:
        raise ParseError(f"malformed or truncated efetch XML: {e.msg}", path=source) from e
    if root.tag != "PubmedArticleSet":
        err = root.findtext(".//ERROR") or f"unexpected root <{root.tag}>"
        raise ParseError(f"efetch did not return a PubmedArticleSet: {err}", path=source)
    from .medline import parse_medline_bytes

    return list(parse_medline_bytes(body, source=source))


# --------------------------------------------------------------------------- the client


class PubMedClient(ApiClient):
    """E-utilities client (esearch + efetch on the history server)."""

    name = "pubmed"
    env_url = "RXEVIDENCE_PUBMED_URL"
    default_url = DEFAULT_URL
    default_rate = 3.0

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.api_key = os.environ.get("NCBI_API_KEY") or None
        if kwargs.get("rate") is None:
            kwargs["rate"] = 10.0 if self.api_key else 3.0
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.email = os.environ.get("RXEVIDENCE_EMAIL") or None

    def default_params(self) -> dict[str, str]:
        p = {"tool": "rxevidence"}
        if self.email:
            p["email"] = self.email
        if self.api_key:
            p["api_key"] = self.api_key
        return p

    def esearch(self, term: str, *, retmax: int = 0, use_history: bool = True) -> SearchResult:
        """Run a search; with ``use_history`` the result carries WebEnv and query_key for efetch."""
        if not term.strip():
            raise InputError("Empty PubMed search")
        params: dict[str, str | int] = {"db": "pubmed", "term": term, "retmax": retmax, "sort": "relevance"}
        if use_history:
            params["usehistory"] = "y"
        result, _ = self.fetch("esearch.fcgi", params, parse_esearch)
        return result

    def efetch_batches(
        self, search: SearchResult, *, max_records: int = 200, batch_size: int = BATCH_SIZE
    ) -> Iterator[list[Record | Deletion | Skipped]]:
        """Fetch up to ``max_records`` of a search as MEDLINE XML, one parsed batch at a time.

        Uses WebEnv/query_key when the search has them, else the id list. A truncated batch
        raises :class:`SourceError` before anything from it is yielded.
        """
        total = min(max_records, search.count if search.webenv else len(search.ids))
        for start in range(0, total, batch_size):
            n = min(batch_size, total - start)
            params: dict[str, str | int] = {"db": "pubmed", "retmode": "xml", "rettype": "abstract"}
            if search.webenv and search.query_key:
                params.update(WebEnv=search.webenv, query_key=search.query_key, retstart=start, retmax=n)
            else:
                params["id"] = ",".join(search.ids[start : start + n])
            url = self.url("efetch.fcgi")
            items, _ = self.fetch("efetch.fcgi", params, partial(parse_efetch, source=url))
            yield items

    def search_and_fetch(
        self,
        term: str,
        *,
        max_records: int = 200,
        batch_size: int = BATCH_SIZE,
    ) -> tuple[SearchResult, Iterator[list[Record | Deletion | Skipped]]]:
        """esearch then a lazy iterator of efetch batches."""
        search = self.esearch(term, retmax=min(max_records, 10_000) if max_records else 0)
        return search, self.efetch_batches(search, max_records=max_records, batch_size=batch_size)


__all__ = [
    "BATCH_SIZE",
    "HUMANS_FILTER",
    "PubMedClient",
    "STUDY_FILTER",
    "SearchResult",
    "build_pubmed_term",
    "condition_terms",
    "drug_terms",
    "parse_efetch",
    "parse_esearch",
]
