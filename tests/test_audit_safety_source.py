"""The safety judge names a study by its id, whatever its prefix (``ids.is_study_id``); a label is "the label"."""

from __future__ import annotations

import pytest

from rxevidence.audit.briefs import Facts
from rxevidence.audit.judges.safety import _one
from rxevidence.models import Query
from rxevidence.models.audit import Claim
from rxevidence.models.brief import Brief, StudySummary

TEXT = "Diazepam causes drowsiness."


@pytest.mark.parametrize("rid", ["pmid:123", "nct:NCT01234567", "doi:10.1000/x1", "ext:abc"])
def test_a_study_is_named_by_its_id(rid):
    brief = Brief(query=Query(text="diazepam"), studies=[StudySummary(id=rid, drugs=["diazepam"])])
    facts = Facts(brief=brief, texts={rid: "Drowsiness occurred in 30% of patients on diazepam."})
    claim = Claim(text=TEXT, start=0, end=len(TEXT), kind="safety", polarity="positive", drugs=["diazepam"])
    verdict, reason, evidence = _one(claim, "diazepam", ["drowsiness"], facts)
    assert verdict == "supported" and reason.startswith(f"On drowsiness, {rid} for diazepam agrees")
    assert [e.id for e in evidence] == [rid]


def test_a_label_is_the_label():
    facts = Facts(labels=[("spl:x", "Drowsiness is common with diazepam.")])
    claim = Claim(text=TEXT, start=0, end=len(TEXT), kind="safety", polarity="positive", drugs=["diazepam"])
    verdict, reason, _ = _one(claim, "diazepam", ["drowsiness"], facts)
    assert verdict == "supported" and reason.startswith("On drowsiness, the label for diazepam agrees")
