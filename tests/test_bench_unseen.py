"""bench/unseen.py: the evaluation sets are well formed and the scoring helpers do what they say."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
VERDICTS = {"effective", "probably effective", "mixed/uncertain", "probably ineffective", "ineffective",
            "insufficient evidence"}
CERTAINTIES = ["very low", "low", "moderate", "high"]


def _load(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip() and not line.startswith("//")]


@pytest.fixture(scope="module")
def unseen():
    spec = importlib.util.spec_from_file_location("bench_unseen", ROOT / "bench" / "unseen.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_unseen"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name,minimum,test_minimum", [
    ("unseen_questions.jsonl", 60, 30), ("unseen_pack_questions.jsonl", 40, 0)])
def test_question_sets_are_well_formed(name, minimum, test_minimum):
    qs = _load(name)
    assert len(qs) >= minimum
    assert sum(q["split"] == "test" for q in qs) >= test_minimum
    assert len({q["id"] for q in qs}) == len(qs)
    for q in qs:
        assert q["split"] in ("dev", "test"), q["id"]
        assert q["verdict"] in VERDICTS and set(q["accepted"]) <= VERDICTS, q["id"]
        assert q["verdict"] in q["accepted"], q["id"]
        assert q["certainty"] and all(c in CERTAINTIES for c in q["certainty"]), q["id"]
        assert q["urls"] and all(u.startswith(("https://", "http://")) for u in q["urls"]), q["id"]
        assert q["verified"] in ("search", "known", "pack-source"), q["id"]
        assert q["reason"].strip(), q["id"]


def test_unseen_questions_avoid_starter_pack_pairs():
    """No unseen question names a drug the pack has curated studies of for the same condition."""
    from rxevidence.pack import load_pack

    pack_pairs = {(d, s.condition) for s in load_pack().studies for d in s.drugs}
    for q in _load("unseen_questions.jsonl"):
        assert q["drug_terms"] and q["condition_terms"], q["id"]
        for drug, cond in pack_pairs:
            assert not (drug in q["drug_terms"] and cond.replace("-", " ") in q["question"].lower()), q["id"]


def test_records_follow_the_held_out_rule(unseen):
    labels = _load("unseen_records.jsonl")
    assert len(labels) >= 200
    assert len({lab["id"] for lab in labels}) == len(labels)
    for lab in labels:
        assert unseen.held_out(lab["id"].split(":", 1)[1]), lab["id"]
        assert lab["kind"] and lab["population"] and lab["design"], lab["id"]


def test_score_question_uses_accepted_set_and_certainty_range(unseen):
    q = {"verdict": "effective", "accepted": ["effective", "probably effective"], "certainty": ["moderate", "high"]}
    ok = unseen.score_question(q, unseen.Answer(verdict="probably effective", certainty="moderate"))
    assert ok == {"best": False, "accepted": True, "certainty": True}
    bad = unseen.score_question(q, unseen.Answer(error="ValidationFailed: x"))
    assert bad == {"best": False, "accepted": False, "certainty": False}


def test_score_record_roles_and_alternatives(unseen):
    lab = {"kind": "efficacy", "population": "patients", "design": "rct", "comparator_type": "active",
           "comparator_type_alt": ["placebo"], "direction": "no difference", "n": 100,
           "studied": ["celecoxib"], "comparators": ["rofecoxib"]}
    pred = {"kind": "efficacy", "population": "patients", "design": "rct", "comparator_type": "placebo",
            "direction": "no difference", "n": 105, "roles": {"celecoxib": "studied", "rofecoxib": "studied"}}
    got = unseen.score_record(lab, pred)
    assert got["comparator_type"] and got["direction"] and got["n"] and got["role_studied"]
    assert got["role_comparator"] is False


def test_parse_ei_abstract_keeps_sections_in_order(unseen):
    text = "TITLE: \nA trial of X\n\n\n\nABSTRACT.BACKGROUND:\nWhy.\n\nABSTRACT.RESULTS:\nX won.\n"
    assert unseen.parse_ei_abstract(text) == ("A trial of X", "Background: Why. Results: X won.")
