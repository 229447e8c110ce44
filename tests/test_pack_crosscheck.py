"""Every curated US FDA position of the starter pack agrees with the label-facts index, or the difference is
listed in bench/data/pack_index_differences.yaml with the primary page that settles it."""

from __future__ import annotations

from pathlib import Path

import yaml

from rxevidence.labelfacts import finding_for_query, load_label_facts
from rxevidence.pack import load_pack
from rxevidence.pack.schema import is_primary_regulatory
from rxevidence.question import parse
from rxevidence.vocab import load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
COMPATIBLE = {("not recommended", "off-label")}  # a regulator advising against an unlabelled use


def _disagreements() -> dict[tuple[str, str], tuple[str, str]]:
    pack, vocab, facts = load_pack(), load_vocabulary(), load_label_facts()
    out = {}
    for d in pack.drugs.values():
        for p in d.positions:
            if p.jurisdiction != "US FDA":
                continue
            try:
                cname = vocab.condition(p.condition).name
            except (KeyError, LookupError):
                cname = p.condition.replace("-", " ")
            q = parse(f"How effective is {d.name} for {cname}?", vocab=vocab)
            f = finding_for_query(q, d.name, facts, vocab) if q.drugs else None
            got = f.status if f else "none"
            if got != p.status and (p.status, got) not in COMPATIBLE:
                out[(d.name, p.condition)] = (p.status, got)
    return out


def test_pack_and_index_agree_or_the_difference_is_settled():
    doc = yaml.safe_load((ROOT / "bench" / "data" / "pack_index_differences.yaml").read_text(encoding="utf-8"))
    listed = {(e["drug"], e["condition"]): e for e in doc["differences"]}
    for e in listed.values():
        assert is_primary_regulatory(e["settled_by"]), e
        assert e["right"] in ("pack", "index") and e["why"], e
    found = _disagreements()
    unexplained = {k: v for k, v in found.items() if k not in listed}
    assert not unexplained, f"pack vs index disagreements without a settled entry: {unexplained}"
    stale = {k for k, e in listed.items() if found.get(k) != (e["pack"], e["index"])}
    assert not stale, f"listed differences that no longer occur as listed: {stale}"
