"""``find_record``: one record by id, a cited label built from the context's facts (never loaded here)."""

from __future__ import annotations

from rxevidence.models import Appraisal, Record
from rxevidence.models.evidence import Facts
from rxevidence.pack import load_pack
from rxevidence.pipeline import Context, find_record
from rxevidence.pipeline.records import MAX_ID_CHARS


def _cited_set_id() -> tuple[str, str]:
    """(set id, drug) of a DailyMed label the starter pack cites."""
    pack = load_pack()
    d = next(d for d in pack.drugs.values() if d.fda and d.fda.set_id)
    return d.fda.set_id, d.name


def test_stored_record_with_its_appraisals(store):
    store.upsert_record(Record(id="pmid:123", kind="article", title="A trial"))
    store.put_appraisal(Appraisal(record_id="pmid:123", appraiser="automatic", appraiser_version="t", design="rct"))
    found = find_record(store, "PMID 123", context=lambda: (_ for _ in ()).throw(AssertionError("not needed")))
    assert found is not None and found.record.id == "pmid:123" and [a.design for a in found.appraisals] == ["rct"]
    d = found.as_json()
    assert d["url"] == "https://pubmed.ncbi.nlm.nih.gov/123/" and d["appraisal"]["design"] == "rct"


def test_cited_label_comes_from_the_context_it_is_given(store):
    set_id, drug = _cited_set_id()
    calls = []
    ctx = Context(store=store, facts=Facts(vocab=None, pack=load_pack(), label_facts=None),  # type: ignore[arg-type]
                  appraiser=None)

    def context() -> Context:
        calls.append(1)
        return ctx

    found = find_record(store, f"spl:{set_id}", context=context)
    assert found is not None and found.record.kind == "label" and drug in found.record.extra["ingredients"]
    assert calls == [1] and found.appraisals == [] and found.as_json()["appraisal"] is None
    empty = Context(store=store, facts=Facts(vocab=None, pack=None, label_facts=None), appraiser=None)  # type: ignore[arg-type]
    assert find_record(store, f"spl:{set_id}", context=empty) is None  # nothing loaded behind the context's back


def test_unknown_empty_and_overlong_ids_name_no_record(store):
    assert find_record(store, "pmid:999") is None
    assert find_record(store, "") is None
    assert find_record(store, "pmid:" + "1" * MAX_ID_CHARS) is None


def test_web_services_build_their_context_once_per_store_state():
    from rxevidence.web.core import Services

    svc = Services(store_url=":memory:")
    try:
        ctx = svc.context()
        assert svc.context() is ctx and ctx.store is svc.open()  # the pack layered over the store in open()
        svc.open().upsert_record(Record(id="pmid:77", kind="article", title="New"))
        assert svc.state is not None
        svc.state._at = 0.0  # the fingerprint is recomputed at most every second: force it
        assert svc.context() is not ctx  # the store changed: a new context
    finally:
        svc.close()


def test_reset_caches_forgets_every_module_level_cache():
    from rxevidence.appraise import resources, size
    from rxevidence.pipeline import reset_caches
    from rxevidence.store import concepts

    concepts.shipped_vocabulary()
    assert resources.vocabulary() is not None and size._single_word_drugs()
    reset_caches()
    assert concepts._vocab is None and resources._state["vocab"] is None
    assert size._single_word_drugs.cache_info().currsize == 0
