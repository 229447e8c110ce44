"""Reliability of the stores (#19): busy writers, disk full, read-only stores, schema versions,
missing stores. Every case runs on SQLite and PostgreSQL; each failed on the code before #19."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from faults import (
    PG_URL,
    article,
    assert_one_clean_line,
    fresh_pg,
    medline_xml,
    read_only_view,
    run_cli,
    store_url,
    tmpfs,
)

from rxevidence.errors import SchemaTooNew, StoreBusy, StoreIOError, StoreMissing, StoreReadOnly
from rxevidence.ingest import ingest_file, ingest_paths
from rxevidence.store import open_store
from rxevidence.store.sqlite import MIGRATIONS as SQLITE_MIGRATIONS
from rxevidence.store.sqlite import SQLiteStore

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


def write_medline(path: Path, n: int, first: int = 1000) -> Path:
    path.write_bytes(medline_xml(list(range(first, first + n))))
    return path


# ------------------------------------------------------------------ concurrent writers


def _in_transaction(store) -> bool:
    if isinstance(store, SQLiteStore):
        return store.conn.in_transaction
    import psycopg

    return store.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE


def test_appraisal_runs_outside_the_write_transaction(backend, tmp_path):
    """The slow part (appraisal) must not hold the store: another writer waits only for batch writes."""
    url = store_url(backend, tmp_path)
    store = open_store(url)
    seen: list[bool] = []

    def appraiser(rec):
        seen.append(_in_transaction(store))
        return None

    f = write_medline(tmp_path / "a.xml", 30)
    s = ingest_file(store, f, appraiser=appraiser, batch_size=10)
    assert s.counts.added == 30 and len(seen) == 30
    assert not any(seen), "appraisal ran inside the write transaction"
    store.close()


def test_a_second_writer_waits_for_a_batch_not_for_appraisal(tmp_path):
    """With a slow appraiser, another SQLite writer gets the lock within a second (it used to wait for
    the whole batch's appraisal: 5.5 s per 1,000 records)."""
    db = str(tmp_path / "s.db")
    store = SQLiteStore(db)
    started = threading.Event()

    def slow(rec):
        started.set()
        time.sleep(0.05)
        return None

    f = write_medline(tmp_path / "a.xml", 60)
    t = threading.Thread(target=lambda: ingest_file(SQLiteStore(db), f, appraiser=slow, batch_size=60))
    t.start()
    assert started.wait(30)
    c = sqlite3.connect(db, timeout=1.0, isolation_level=None)
    t0 = time.perf_counter()
    c.execute("BEGIN IMMEDIATE")  # raises "database is locked" after 1 s if the lock is held
    waited = time.perf_counter() - t0
    c.execute("ROLLBACK")
    c.close()
    t.join()
    store.close()
    assert waited < 1.0


def _hold_write_lock(backend: str, url: str):
    """Another process's write lock on the store, held until closed."""
    if backend == "sqlite":
        c = sqlite3.connect(url, isolation_level=None)
        c.execute("BEGIN IMMEDIATE")
        return c
    import psycopg

    c = psycopg.connect(url)
    c.execute("LOCK TABLE records, ingest_progress IN EXCLUSIVE MODE")
    return c


def test_busy_store_gives_one_line_and_exit_75(backend, tmp_path):
    url = store_url(backend, tmp_path)
    open_store(url).close()
    f = write_medline(tmp_path / "a.xml", 20)
    lock = _hold_write_lock(backend, url)
    try:
        r = run_cli("ingest", str(f), "--db", url, "--no-appraise", env={"RXEVIDENCE_BUSY_TIMEOUT": "1"}, timeout=120)
    finally:
        lock.close()
    assert r.returncode == 75, (r.returncode, r.stderr[-1500:])
    assert_one_clean_line(r.stderr, "store busy", "records committed", "re-run resumes")
    r = run_cli("ingest", str(f), "--db", url, "--no-appraise", "--json")
    assert r.returncode == 0, r.stderr[-1500:]


def test_store_busy_error_says_how_much_was_committed(backend, tmp_path):
    url = store_url(backend, tmp_path)
    store = open_store(url)
    f = write_medline(tmp_path / "a.xml", 30)
    real = store.upsert_many
    calls = {"n": 0}

    def flaky(records, counts=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise StoreBusy("store busy: another process is writing to it", url=url)
        return real(records, counts)

    store.upsert_many = flaky  # type: ignore[method-assign]
    with pytest.raises(StoreBusy) as ei:
        ingest_paths(store, [f], appraise=False, batch_size=10)
    assert ei.value.committed == 20 and "20 records committed" in ei.value.message
    store.upsert_many = real  # type: ignore[method-assign]
    s = ingest_paths(store, [f], appraise=False, batch_size=10)
    assert s.counts.added == 10 and s.files[0].resumed_from == 20 and store.count() == 30
    store.close()


# ------------------------------------------------------------------ disk full


def test_disk_full_is_one_clear_line_and_resume_completes_sqlite(tmp_path):
    """A real full disk: a 1 MB tmpfs. One line (no chained 'cannot rollback' traceback) saying what
    was committed; the store stays whole and a re-run on a bigger disk resumes."""
    f = write_medline(tmp_path / "big.xml", 3000)
    with tmpfs(tmp_path / "small", "1m") as mnt:
        db = str(mnt / "s.db")
        r = run_cli("ingest", str(f), "--db", db, "--no-appraise", "--batch-size", "200")
        assert r.returncode == 1, r.stderr[-1500:]
        assert_one_clean_line(r.stderr, "disk full", "records committed", "resume")
        assert "cannot rollback" not in r.stderr
        c = sqlite3.connect(db)
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n, done = c.execute("SELECT count(*), (SELECT max(done) FROM ingest_progress) FROM records").fetchone()
        c.close()
        assert n == (done or 0) < 3000
        big = tmp_path / "big_disk"
        big.mkdir()
        for name in os.listdir(mnt):
            (big / name).write_bytes((mnt / name).read_bytes())
    r = run_cli("ingest", str(f), "--db", str(big / "s.db"), "--no-appraise", "--json")
    assert r.returncode == 0, r.stderr[-1500:]
    assert SQLiteStore(str(big / "s.db")).count() == 3000


def test_disk_full_error_from_the_driver_is_translated(backend, tmp_path):
    """The driver's own disk-full error (SQLite SQLITE_FULL via max_page_count; PostgreSQL DiskFull,
    injected: a server's disk cannot be filled from a test) becomes one StoreIOError with the count."""
    url = store_url(backend, tmp_path)
    store = open_store(url)
    f = write_medline(tmp_path / "a.xml", 400)
    if backend == "sqlite":
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 40}")
    else:
        import psycopg

        real = store.upsert_record
        n = {"k": 0}

        def full(record, counts=None):
            n["k"] += 1
            if n["k"] > 250:
                raise psycopg.errors.DiskFull("could not extend file: No space left on device")
            return real(record, counts)

        store.upsert_record = full  # type: ignore[method-assign]
    with pytest.raises(StoreIOError) as ei:
        ingest_paths(store, [f], appraise=False, batch_size=50)
    msg = ei.value.message
    assert msg.startswith("disk full") and "records committed" in msg and "cannot rollback" not in msg
    committed = ei.value.committed
    assert committed is not None and 0 < committed < 400 and committed % 50 == 0
    store.close()
    again = open_store(url)
    assert again.count() == committed
    again.close()


# ------------------------------------------------------------------ read-only stores


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_read_only_directory_reads_work_and_nothing_is_written(tmp_path, shared):
    """A store (without the pack) in a directory mounted read-only: search, show and ask work (the pack
    is read from the package), the file is byte-for-byte unchanged, ingest is one clear line."""
    src = tmp_path / "rw"
    src.mkdir()
    db = src / "s.db"
    r = run_cli("ingest", str(write_medline(tmp_path / "a.xml", 5)), "--db", str(db), "--no-appraise")
    assert r.returncode == 0, r.stderr
    before = _sha(db)
    with read_only_view(src, tmp_path / "ro") as ro:
        rdb = str(ro / "s.db")
        assert not open_store(rdb).writable
        r = run_cli("search", "diazepam", "--db", rdb, "--json")
        assert r.returncode == 0, r.stderr[-1500:]
        assert '"pmid:1000"' in r.stdout
        r = run_cli("ask", "How effective is diazepam for low back pain?", "--db", rdb, "--format", "json")
        assert r.returncode == 0, r.stderr[-1500:]
        assert '"verdict"' in r.stdout and "Traceback" not in r.stderr
        r = run_cli("ingest", str(tmp_path / "a.xml"), "--db", rdb, "--no-appraise", "--restart")
        assert r.returncode == 1
        assert_one_clean_line(r.stderr, "read-only")
        assert sorted(os.listdir(ro)) == ["s.db"]
    assert _sha(db) == before


def _read_only_store_with_one_record(backend: str, url: str):
    """The store at ``url`` holding pmid:7, reopened read-only: SQLite ``mode=ro``, or a PostgreSQL
    session whose transactions are read-only (``default_transaction_read_only``, as on a standby)."""
    w = open_store(url)
    w.upsert_record(article(7))
    w.close()
    if backend == "sqlite":
        return SQLiteStore(url, readonly=True)
    from rxevidence.store.postgres import PostgresStore

    return PostgresStore(url + "?options=-c%20default_transaction_read_only%3Don")


def test_read_only_store_in_process(backend, tmp_path):
    """Without mounts: SQLite opened read-only (``mode=ro``) and a PostgreSQL session whose transactions
    are read-only (``default_transaction_read_only``, as on a standby). Reads work, the pack is layered
    in memory, every write is StoreReadOnly and nothing changes."""
    from rxevidence.ask import ask

    url = store_url(backend, tmp_path)
    ro = _read_only_store_with_one_record(backend, url)
    assert not ro.writable
    assert ro.get_record("pmid:7") is not None and ro.search("diazepam")
    brief = ask("How effective is diazepam for low back pain?", store=ro)
    assert brief.studies
    with pytest.raises(StoreReadOnly):
        ingest_file(ro, write_medline(tmp_path / "a.xml", 3), appraiser=None)
    ro.close()
    w = open_store(url)
    assert w.count() == 1 and w.meta_get("pack_version") is None
    w.close()


def test_ask_on_a_read_only_store_does_not_fetch_what_it_cannot_keep(backend, tmp_path, monkeypatch):
    """``ask`` (online by default when the store has nothing) on a read-only store searches no live
    source, since nothing fetched could be stored; the brief says so instead of listing write errors."""
    import rxevidence.autofetch
    import rxevidence.live
    from rxevidence.ask import ask

    def no_network(*_a, **_k):
        raise AssertionError("a live source was asked for a read-only store")

    monkeypatch.setattr(rxevidence.autofetch, "fetch_when_missing", no_network)
    monkeypatch.setattr(rxevidence.live, "fetch_for_query", no_network)
    monkeypatch.delenv("RXEVIDENCE_OFFLINE", raising=False)
    url = store_url(backend, tmp_path)
    ro = _read_only_store_with_one_record(backend, url)
    for online in ("auto", True):
        brief = ask("How effective is metformin for type 2 diabetes?", store=ro, install_pack=False, online=online)
        assert not brief.studies
        assert any("read-only, so the live sources were not searched" in n for n in brief.notes), brief.notes
    ro.close()


# ------------------------------------------------------------------ schema versions


def test_a_store_from_a_newer_schema_is_refused(backend, tmp_path):
    url = store_url(backend, tmp_path)
    s = open_store(url)
    s.upsert_record(article(9))
    s.close()
    if backend == "sqlite":
        c = sqlite3.connect(url)
        c.execute("PRAGMA user_version = 99")
        c.commit()
        c.close()
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as c:
            c.execute("INSERT INTO schema_migrations VALUES ('999_from_the_future', 0)")
    with pytest.raises(SchemaTooNew) as ei:
        open_store(url)
    assert "newer rxevidence" in ei.value.message
    for args in (("search", "diazepam"), ("ingest", str(write_medline(tmp_path / "a.xml", 2)))):
        r = run_cli(*args, "--db", url)
        assert r.returncode == 1
        assert_one_clean_line(r.stderr, "newer rxevidence")
    if backend == "postgres":
        fresh_pg()  # leave no future schema behind for other tests


def test_an_unknown_migration_is_refused_sqlite(tmp_path):
    db = str(tmp_path / "s.db")
    SQLiteStore(db).close()
    c = sqlite3.connect(db)
    c.execute("INSERT INTO schema_migrations VALUES ('003_renamed_columns', 0)")
    c.commit()
    c.close()
    with pytest.raises(SchemaTooNew):
        SQLiteStore(db)


@pytest.mark.parametrize("version", range(len(SQLITE_MIGRATIONS)))
def test_sqlite_upgrades_from_every_earlier_version(tmp_path, version):
    """A store built with only the first ``version`` migrations (as an older rxevidence left it) opens,
    is upgraded in order, keeps its records and ends at the current version."""
    db = str(tmp_path / "old.db")
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at REAL)")
    for name, fn in SQLITE_MIGRATIONS[:version]:
        c.execute("BEGIN")
        fn(c)
        c.execute("INSERT INTO schema_migrations VALUES (?, 0)", (name,))
        c.execute("COMMIT")
    if version:
        c.execute("INSERT INTO records (id, kind, title, hash, data, updated_at) VALUES "
                  "('pmid:1', 'article', 'Old', 'x', '{\"id\": \"pmid:1\", \"kind\": \"article\", \"title\": \"Old\"}', 0)")
    c.close()
    s = SQLiteStore(db)
    assert s.migrations_applied() == sorted(n for n, _ in SQLITE_MIGRATIONS)
    assert s.conn.execute("PRAGMA user_version").fetchone()[0] == len(SQLITE_MIGRATIONS)
    if version:
        assert s.get_record("pmid:1").title == "Old"
    s.upsert_record(article(2))
    assert s.search("diazepam")
    s.close()


def test_postgres_upgrades_from_every_earlier_version():
    from rxevidence.store.postgres import MIGRATIONS, PostgresStore

    for version in range(len(MIGRATIONS)):
        url = fresh_pg()
        import psycopg

        with psycopg.connect(url, autocommit=True) as c, c.cursor() as cur:
            cur.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at DOUBLE PRECISION)")
            for name, fn in MIGRATIONS[:version]:
                fn(cur)
                cur.execute("INSERT INTO schema_migrations VALUES (%s, 0)", (name,))
        s = PostgresStore(url)
        assert s.migrations_applied() == sorted(n for n, _ in MIGRATIONS)
        s.upsert_record(article(2))
        assert s.search("diazepam")
        s.close()
    assert PG_URL


# ------------------------------------------------------------------ a store that does not exist


@pytest.mark.parametrize("cmd", [("search", "diazepam"), ("show", "pmid:1"), ("parse", "diazepam for pain")])
def test_read_commands_refuse_a_missing_store_and_create_nothing(tmp_path, cmd):
    db = tmp_path / "typo" / "nested" / "s.db"
    r = run_cli(*cmd, "--db", str(db))
    assert r.returncode == 1
    assert_one_clean_line(r.stderr, "No store at", "rxevidence ingest")
    assert not (tmp_path / "typo").exists()
    with pytest.raises(StoreMissing):
        open_store(str(db), must_exist=True)


def test_ask_on_a_missing_store_answers_from_the_pack_and_creates_nothing(tmp_path):
    db = tmp_path / "typo" / "s.db"
    r = run_cli("ask", "How effective is diazepam for low back pain?", "--db", str(db), "--format", "json")
    assert r.returncode == 0, r.stderr[-1500:]
    assert '"verdict"' in r.stdout and "starter pack alone" in r.stderr
    assert not (tmp_path / "typo").exists()


def test_ingest_commits_with_synchronous_full(tmp_path):
    """Ingest batches are durable on power loss (PRAGMA synchronous=FULL while ingesting); other
    writes keep NORMAL."""
    store = SQLiteStore(str(tmp_path / "s.db"))
    modes: list[int] = []

    def appraiser(rec):
        modes.append(store.conn.execute("PRAGMA synchronous").fetchone()[0])
        return None

    ingest_file(store, write_medline(tmp_path / "a.xml", 3), appraiser=appraiser)
    assert modes == [2, 2, 2]
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 1
    store.close()


# ------------------------------------------------------------------ kill -9 with two writers


def _progress_done(store, key: str) -> int:
    p = store.progress_get(key)
    return int(p["done"]) if p else 0


def test_kill_minus_9_during_a_two_writer_ingest_loses_nothing(backend, tmp_path):
    """Two ``rxevidence ingest`` processes write overlapping files (half the ids the same) into one store;
    one of them is killed with SIGKILL mid-file (after it committed a batch since it started) four times
    and restarted. Afterwards every record is there once, with its index entry, and both files are done.
    (``bench/faults.py`` does the same with 20 kills.)"""
    import signal
    import subprocess
    import sys

    from rxevidence.ingest import file_key

    url = store_url(backend, tmp_path)
    open_store(url).close()
    n = 2000
    files = []
    for w in range(2):
        f = tmp_path / f"w{w}.xml"
        f.write_bytes(medline_xml(list(range(1 + w * n // 2, 1 + w * n // 2 + n))))
        files.append(f)
    keys = [file_key(f, {"format": "medline-xml"}) for f in files]
    cmds = [[sys.executable, "-c", "from rxevidence.cli import main; main()", "ingest", str(f), "--db", url,
             "--batch-size", "50", "--no-appraise", "--json"] for f in files]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    def done_of(i: int) -> int:
        s = open_store(url)
        try:
            return _progress_done(s, keys[i])
        finally:
            s.close()

    def start(i: int):
        return subprocess.Popen(cmds[i], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env), done_of(i)

    # Each writer is killed twice, when its committed progress first passes a fifth and then half of its
    # file: the kills land mid-file however fast the machine is (a random timer could miss on a fast one).
    marks = {0: [n // 5, n // 2], 1: [n // 5, n // 2]}
    procs = [start(0), start(1)]
    kills, deadline = 0, time.monotonic() + 240
    while any(p.poll() is None for p, _ in procs) and time.monotonic() < deadline:
        time.sleep(0.01)
        for i, (p, d0) in enumerate(procs):
            if p.poll() is not None or not marks[i]:
                continue
            done = done_of(i)
            if marks[i][0] <= done < n and done > d0:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
                kills += 1
                marks[i].pop(0)
                procs[i] = start(i)
    for p, _ in procs:
        p.wait(timeout=120)
    assert kills == 4, f"only {kills} kills landed mid-file"
    for i, (p, _) in enumerate(procs):
        assert p.returncode == 0, p.stderr.read().decode()[-1500:]
        assert done_of(i) == n
    s = open_store(url)
    got = [r.id for r in s.iter_records()]
    assert len(got) == len(set(got)) == n + n // 2  # nothing lost, nothing twice
    assert {h.id for h in s.search("Diazepam", limit=10_000)} == set(got)  # every record indexed once
    s.close()


def test_a_directory_as_the_store_is_one_clear_line(tmp_path):
    r = run_cli("search", "diazepam", "--db", str(tmp_path))
    assert r.returncode == 1
    assert_one_clean_line(r.stderr, "it is a directory")
