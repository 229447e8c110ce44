"""The public façade stays small and importable."""

import rxevidence


def test_exported_members():
    assert sorted(rxevidence.__all__) == rxevidence.__all__
    for name in rxevidence.__all__:
        assert hasattr(rxevidence, name), name


def test_ask_through_the_facade():
    brief = rxevidence.ask("Does Lyrica help sciatica?", store=rxevidence.open_store(":memory:"))
    assert brief.query.drugs[0].name == "pregabalin"
    assert any(s.id.startswith("pmid:") for s in brief.studies)
