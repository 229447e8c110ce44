"""The hand-labelled question set of bench/question.py: well formed, MeSH ids that name what they say."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "bench" / "data" / "questions.yaml"
NEWER_THAN_2015 = {"D000072716": "Cancer Pain"}  # MeSH 2017


def _items() -> list[dict]:
    data = yaml.safe_load(SET.read_text(encoding="utf-8"))
    return data["medinfo"] + data["own"]


def test_set_is_well_formed():
    items = _items()
    assert len(items) >= 150
    for e in items:
        assert e["relation"] in {"single", "combination", "comparison", "alternatives"}, e
        assert e["split"] in {"tune", "heldout"}, e
        assert isinstance(e["drugs"], list) and isinstance(e["condition"], list), e
        assert ("q" in e) != ("row" in e), e
    held = sum(e["split"] == "heldout" for e in items)
    assert 0.25 <= held / len(items) <= 0.4


def test_condition_ids_name_their_mesh_descriptor(shared):
    names = {}
    with open(shared("mesh_2015_dhimmel", "terms.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            names[r["mesh_id"]] = r["mesh_name"]
    names.update(NEWER_THAN_2015)
    for e in _items():
        for label in e["condition"] + e.get("population_condition", []):
            mid, _, name = label.partition(" ")
            assert names.get(mid) == name, (e.get("q") or e.get("row"), label)
