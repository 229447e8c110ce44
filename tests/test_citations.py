"""No regulatory citation in any brief points at a third-party copy: every pack regulatory fact and every
regulatory row of the briefs for the pack's drugs cites a regulator's or guideline body's own page."""

from __future__ import annotations

import pytest

from rxevidence.ask import ask
from rxevidence.pack import load_pack
from rxevidence.pack.schema import is_primary_regulatory
from rxevidence.store import SQLiteStore
from rxevidence.vocab import load_vocabulary


def test_every_pack_regulatory_fact_cites_a_primary_page():
    pack = load_pack()
    bad = []
    for d in pack.drugs.values() if isinstance(pack.drugs, dict) else pack.drugs:
        if d.fda is not None and not is_primary_regulatory(d.fda.verified_url):
            bad.append((d.name, "fda", d.fda.verified_url))
        bad += [(d.name, p.condition, p.verified_url) for p in d.positions if not is_primary_regulatory(p.verified_url)]
    assert not bad, bad


def test_primary_hosts_are_exact_not_any_nhs_or_fda_lookalike():
    assert is_primary_regulatory("https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid=x")
    assert is_primary_regulatory("https://www.nice.org.uk/guidance/ng59")
    for copy in ("https://fda.report/DailyMed/x", "https://medicines.necsu.nhs.uk/x", "https://ndclist.com/ndc/1",
                 "https://dailymed.nlm.nih.gov.example.com/x", "https://www.medicinesresources.nhs.uk/x"):
        assert not is_primary_regulatory(copy), copy


@pytest.fixture(scope="module")
def store():
    s = SQLiteStore(":memory:")
    yield s
    s.close()


def _pairs() -> list[tuple[str, str]]:
    pack, vocab = load_pack(), load_vocabulary()
    drugs = pack.drugs.values() if isinstance(pack.drugs, dict) else pack.drugs
    out = []
    for d in drugs:
        conds = sorted({p.condition for p in d.positions})[:2]
        for c in conds:
            try:
                out.append((d.name, vocab.condition(c).name))
            except (KeyError, LookupError):
                continue
    return out


@pytest.mark.parametrize("drug,condition", _pairs())
def test_brief_regulatory_rows_cite_primary_pages(store, drug, condition):
    b = ask(f"How effective is {drug} for {condition}?", store=store)
    for row in b.regulatory:
        if row.source:
            assert is_primary_regulatory(row.source), (row.jurisdiction, row.source)
        for d in row.details:
            if d.source:
                assert is_primary_regulatory(d.source), (row.jurisdiction, d.source)
    for s in b.sentences:
        if s.section == "regulatory":
            for c in s.citations:
                assert c.startswith(("pmid:", "nct:")) or is_primary_regulatory(c), (s.text, c)


def test_cited_labels_and_applications_resolve_in_the_cli_and_the_web(tmp_path):
    """Every spl:/fda: record behind a regulatory row resolves in `show` and /api/records, fetched or not."""
    import json
    import re

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from rxevidence.cli import app
    from rxevidence.labelfacts import load_label_facts
    from rxevidence.web import create_app

    facts = load_label_facts()
    db = tmp_path / "s.db"
    ids = set()
    for drug, cond in [("ibuprofen", "low back pain"), ("sumatriptan", "cluster headache"),
                       ("zolmitriptan", "migraine"), ("metformin", "type 2 diabetes")]:
        b = ask(f"How effective is {drug} for {cond}?", store=SQLiteStore(str(db)))
        for row in b.regulatory:
            src = row.source or ""
            if m := re.search(r"setid=([0-9a-f-]{36})", src, re.I):
                ids.add(f"spl:{m.group(1)}")
            if m := re.search(r"ApplNo=(\d{6})", src):
                ids.add("fda:" + next(p.appl for p in facts.drug(drug).products if p.appl.endswith(m.group(1))))
    assert ids
    client = TestClient(create_app(str(db)))
    for rid in sorted(ids):
        r = CliRunner().invoke(app, ["show", rid, "--db", str(db), "--json"])
        assert r.exit_code == 0, (rid, r.output)
        assert json.loads(r.output)["id"] == rid
        assert client.get(f"/api/records/{rid}").status_code == 200, rid
