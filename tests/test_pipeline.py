"""The pipeline stage by stage: a Context built once; retrieve, appraise_missing and validate tested directly."""

from __future__ import annotations

import pytest

from rxevidence.models import (
    Appraisal,
    Brief,
    Claims,
    ConditionMention,
    DrugMention,
    Query,
    Record,
    Section,
    Sentence,
)
from rxevidence.pack import PACK_VERSION_KEY, load_pack
from rxevidence.pipeline import (
    appraise_missing,
    ask,
    brief_problems,
    build_context,
    install_pack_into,
    reset_caches,
    retrieve,
    validate_brief,
)
from rxevidence.store import SQLiteStore


@pytest.fixture
def ctx():
    s = SQLiteStore(":memory:")
    yield build_context(s)
    s.close()


def _query(drug: str, cond_id: str | None = None, cond_name: str | None = None, **kw) -> Query:
    cond = ConditionMention(text=cond_name or cond_id, id=cond_id, name=cond_name or cond_id) if cond_id else None
    return Query(text=f"{drug} for {cond_name or cond_id}", drugs=[DrugMention(text=drug, name=drug)],
                 condition=cond, **kw)


def _article(pmid: str, title: str, abstract: str) -> Record:
    return Record(id=f"pmid:{pmid}", kind="article", pmid=pmid, title=title, year=2020,
                  sections=[Section(label="ABSTRACT", text=abstract)])


def test_build_context_installs_the_pack_once(ctx):
    assert ctx.store.meta_get(PACK_VERSION_KEY) == ctx.pack.digest
    assert install_pack_into(ctx.store, ctx.pack) is False  # same version: writes nothing
    assert ctx.vocab.resolve_drug("Valium").name == "diazepam"
    assert ctx.label_facts is not None and ctx.appraiser is not None


def test_build_context_without_installing_leaves_the_store_alone():
    s = SQLiteStore(":memory:")
    c = build_context(s, install_pack=False, appraise_on_read=False)
    assert s.meta_get(PACK_VERSION_KEY) is None and c.appraiser is None
    s.close()


def test_retrieve_finds_curated_studies_by_concept_and_reads_only(ctx):
    q = _query("diazepam", "acute-low-back-pain", "acute low back pain")
    before = ctx.store.count()
    ev = retrieve(ctx, q)
    assert ctx.store.count() == before
    assert ev.drug_names == ["diazepam"] and ev.condition_ids[0] == "acute-low-back-pain"
    pack_ids = {s.id for s in load_pack().studies if "diazepam" in s.drugs and s.condition == "acute-low-back-pain"}
    assert pack_ids and pack_ids <= ev.curated_ids
    assert all(ev.appraisals[i].appraiser == "curated" for i in pack_ids)
    assert all(ev.scores[i] == 1000.0 for i in pack_ids)


def test_retrieve_without_a_drug_finds_nothing(ctx):
    ev = retrieve(ctx, Query(text="what helps pain?"))
    assert not ev.records and not ev.appraisals and not ev.drug_names


def test_records_without_appraisal_are_appraised_in_the_explicit_step(ctx):
    rec = _article("90000001", "Zolmitriptan versus placebo for acute migraine: a randomised controlled trial",
                   "In this randomised, double-blind, placebo-controlled trial of 300 adults with migraine, "
                   "zolmitriptan was superior to placebo for headache relief at two hours (p<0.001).")
    ctx.store.upsert_record(rec)
    q = _query("zolmitriptan", "migraine", "migraine")
    ev = retrieve(ctx, q)
    assert rec.id in ev.records and rec.id not in ev.appraisals  # retrieval never appraises
    assert appraise_missing(ctx, ev) == 1
    a = ev.appraisals[rec.id]
    assert a.appraiser == "automatic" and a.design == "rct"
    assert not ctx.store.get_appraisals(rec.id)  # nothing written
    # with no appraiser the record stays out
    ctx2 = build_context(ctx.store, install_pack=False, appraise_on_read=False)
    ev2 = retrieve(ctx2, q)
    assert appraise_missing(ctx2, ev2) == 0 and rec.id not in ev2.appraisals


def test_ask_takes_a_context_built_once(ctx):
    b1 = ask("Does Valium help acute low back pain?", context=ctx)
    b2 = ask("Does Valium help acute low back pain?", store=ctx.store)
    assert b1.model_dump(exclude={"as_of"}) == b2.model_dump(exclude={"as_of"})
    with pytest.raises(TypeError):
        ask("anything")


def _appraisal(rid: str, **kw) -> Appraisal:
    return Appraisal(record_id=rid, appraiser="curated", **kw)


def test_validate_accepts_claims_that_match_and_rejects_the_rest(ctx):
    rid = "pmid:28187918"  # a pack study, in the store after build_context
    a = ctx.store.best_appraisal(rid)
    assert a is not None
    good = Brief(query=Query(text="q"), sentences=[
        Sentence(text="one study", citations=[rid], claims=Claims(direction=a.direction, design=a.design, n=a.n)),
        Sentence(text="nothing found", claims=Claims(absence=True)),
        Sentence(text="guideline", citations=["https://www.nice.org.uk/guidance/ng59"]),
    ])
    assert brief_problems(good, ctx.store) == []
    validate_brief(good, ctx.store)
    bad = Brief(query=Query(text="q"), sentences=[
        Sentence(text="wrong direction", citations=[rid], claims=Claims(direction="better" if a.direction != "better"
                                                                            else "worse")),
        Sentence(text="wrong n", citations=[rid], claims=Claims(n=(a.n or 0) + 1)),
        Sentence(text="wrong counts", citations=[rid], claims=Claims(designs={"meta-analysis": 2})),
        Sentence(text="uncited"),
        Sentence(text="missing record", citations=["pmid:1"]),
        Sentence(text="not an id", citations=["see the label"]),
        Sentence(text="", citations=[rid]),
    ])
    problems = brief_problems(bad, ctx.store)
    joined = "\n".join(problems)
    for expected in ("says", "N=", "design counts", "no citation", "pmid:1 is not in the store",
                     "neither a record id nor a URL", "empty"):
        assert expected in joined, expected
    from rxevidence.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        validate_brief(bad, ctx.store)


def test_validate_checks_total_n_of_primary_studies(ctx):
    rid = "pmid:28187918"
    a = ctx.store.best_appraisal(rid)
    ok = Brief(query=Query(text="q"), sentences=[
        Sentence(text="row", citations=[rid], claims=Claims(designs={a.design: 1}, n_total=a.n or 0))])
    assert brief_problems(ok, ctx.store) == []
    off = Brief(query=Query(text="q"), sentences=[
        Sentence(text="row", citations=[rid], claims=Claims(designs={a.design: 1}, n_total=(a.n or 0) + 5))])
    assert any("total N" in p for p in brief_problems(off, ctx.store))


def test_reset_caches_gives_fresh_loads():
    p1 = load_pack()
    reset_caches()
    p2 = load_pack()
    assert p1 is not p2 and p1.digest == p2.digest
