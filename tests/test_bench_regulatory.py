"""The regulatory benchmark set: every pair well formed and settled on a recorded label with a primary address."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "bench" / "data" / "regulatory.yaml"
PRIMARY = ("https://dailymed.nlm.nih.gov/", "https://www.accessdata.fda.gov/", "https://nctr-crs.fda.gov/",
           "https://webharvest.gov/peth04/20041017044003/http:/www.fda.gov/")
STATUSES = {"on-label", "off-label", "no position found"}


def _doc() -> dict:
    return yaml.safe_load(SET.read_text(encoding="utf-8"))


def test_pairs_are_well_formed_and_cite_known_sources():
    doc = _doc()
    sources = doc["sources"]
    lines = [x for x in doc["pairs"].strip().splitlines() if x.strip()]
    assert len(lines) >= 150
    seen = set()
    unverified = 0
    for line in lines:
        drug, cond, status, because, kind, source = (f.strip() for f in line.split(" | "))
        assert status in STATUSES, line
        assert because and kind, line
        assert (drug, cond) not in seen, line
        seen.add((drug, cond))
        assert source == "-" or source in sources, line
        unverified += source == "-"
    assert unverified / len(lines) < 0.05  # nearly every expected answer is settled on a recorded label


def test_every_source_names_a_primary_address_where_it_was_read_and_when():
    for key, s in _doc()["sources"].items():
        assert set(s) == {"primary", "read", "label", "checked"}, key
        for url in s["primary"].split(" ; "):
            assert url.startswith(PRIMARY), (key, url)
        assert s["read"] and s["label"], key
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(s["checked"])), key
