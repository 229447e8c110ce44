"""The starter pack: valid, complete for its scope, loaded as curated appraisals, and it fills briefs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rxevidence.ask import ask
from rxevidence.models import Query
from rxevidence.pack import SCOPE, install_pack, load_pack, study_appraisal, validate_pack
from rxevidence.store import SQLiteStore
from rxevidence.synthesis import PLACEBO

ROOT = Path(__file__).resolve().parents[1]


def test_pack_validates_and_covers_scope():
    assert validate_pack() == []
    pack = load_pack()
    assert set(SCOPE) <= set(pack.drugs)
    for s in pack.studies:
        assert s.verified_url.startswith("http") and s.verified_date
        assert s.id.startswith(("pmid:", "nct:"))
    assert len({s.id for s in pack.studies}) == len(pack.studies)


def test_curated_appraisals_sit_beside_automatic_ones():
    store = SQLiteStore(":memory:")
    counts = install_pack(store)
    pack = load_pack()
    assert counts.added == len(pack.studies)
    s = pack.studies[0]
    apps = store.get_appraisals(s.id)
    assert [a.appraiser for a in apps] == ["curated"]
    assert apps[0] == study_appraisal(s)
    assert install_pack(store).added == 0  # same version: nothing to do
    store.close()


def _pairs() -> list[tuple[str, str]]:
    pack = load_pack()
    pairs = {(d, s.condition) for s in pack.studies for d in s.drugs if d in pack.drugs}
    return sorted(pairs)


@pytest.fixture(scope="module")
def store():
    s = SQLiteStore(":memory:")
    install_pack(s)
    yield s
    s.close()


def test_every_drug_condition_pair_gets_a_filled_brief(store):
    """On a fresh install, asking about each drug in scope with its studied conditions fills every section."""
    from rxevidence.ask import load_vocab

    vocab = load_vocab(store)
    pack = load_pack()
    failures = []
    for drug, cond in _pairs():
        mention = vocab.resolve_drug(drug)
        concept = vocab.condition(cond)
        q = Query(text=f"How effective is {drug} for {concept.name}?",
                  drugs=[mention.model_copy(update={"text": drug})],
                  condition={"text": concept.name, "id": cond, "name": concept.name, "narrower": vocab.narrower(cond)})
        b = ask(q, store=store)
        study_ids = {st.id for st in b.studies}
        expected = {s.id for s in pack.studies if drug in s.drugs and s.condition == cond}
        problems = []
        if not b.drugs or not b.drugs[0].classes:
            problems.append("no drug panel")
        if not any(r.jurisdiction == "US FDA" and r.source for r in b.regulatory):
            problems.append("no US FDA row with a source")
        if not expected <= study_ids | {st.id for st in b.excluded}:
            problems.append(f"missing studies {sorted(expected - study_ids)}")
        # a verdict is owed when the drug itself (not as background therapy in every arm) was tested in a
        # review or in a trial of at least 50 people
        tested = [s for s in pack.studies if s.id in expected and not s.healthy_volunteers
                  and (s.design in ("meta-analysis", "systematic review") or (s.design == "rct" and (s.n or 0) >= 50))
                  and drug not in (s.comparator or "").lower().replace(f"{drug} alone", "")]
        # ... unless every such study compared it with another active drug only (how it compares, not whether
        # it works): then the brief must say so
        placebo_controlled = [s for s in tested if len(s.drugs) > 1 and s.design == "rct"
                              or PLACEBO.search(s.comparator or "placebo")]
        if (tested and not placebo_controlled and b.verdict == "insufficient evidence"
                and not any("head-to-head" in r for r in b.reasons)):
            problems.append(f"head-to-head only {[s.id for s in tested]} but the brief does not say so")
        if b.verdict == "insufficient evidence" and placebo_controlled:
            problems.append(f"no verdict despite {[s.id for s in placebo_controlled]}")
        if problems:
            failures.append(f"{drug} / {cond}: {', '.join(problems)}")
    assert not failures, "\n".join(failures)


def test_generated_docs_are_current():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr
