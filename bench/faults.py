"""Reliability figures for #19: kill -9 during a concurrent two-writer ingest, resume cost, JSON memory.

Parts (all by default):
  kills   two ``rxevidence ingest`` processes write overlapping MEDLINE files into one store; a
          random one of them (once past start-up) is killed with SIGKILL at random moments and
          restarted, in rounds of new files until 20 kills (by default) have been made and both finish. Then: every expected record is there once, the full-text
          index matches the records, SQLite's integrity check passes, every file is "done".
          A probe takes the write lock every 0.25 s and reports the longest it waited (how long a
          writer waits for another). SQLite, and PostgreSQL when --pg URL is given.
  resume  a gzipped PubmedArticleSet of N records (default 100,000, as in #19) ingested whole, then
          again killed at 77 % and resumed: the resume's time against the full run's.
  json    peak RSS of ``ingest --no-appraise`` of a ~200 MB ClinicalTrials.gov v2 JSON page.

    python bench/faults.py                      # everything, SQLite
    python bench/faults.py --pg postgresql://rxevidence:rxevidence@127.0.0.1:5432/rxevidence_t19
    python bench/faults.py --quick              # 5 kills, 20,000 records, 50 MB JSON

The data is synthetic (real-shaped records written by this script); no model is trained or tuned,
so there is no held-out split. Ends with one JSON line of figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from faults import medline_xml, trial_study  # noqa: E402


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from rxevidence.cli import main; main()", *args]


ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}
MIN_AGE_S = 1.0
MAX_ROUNDS = 20
"""A writer is killed only after running this long and committing a batch of its own since it started."""


# ------------------------------------------------------------------ kills


def _probe(db: str, stop: threading.Event, waits: list[float]) -> None:
    """Take the SQLite write lock every 0.25 s; record how long each take waited."""
    while not stop.is_set():
        c = sqlite3.connect(db, timeout=60, isolation_level=None)
        t0 = time.perf_counter()
        try:
            c.execute("BEGIN IMMEDIATE")
            waits.append(time.perf_counter() - t0)
            c.execute("ROLLBACK")
        except sqlite3.OperationalError:
            waits.append(time.perf_counter() - t0)
        finally:
            c.close()
        stop.wait(0.25)


def _done(url: str, key: str) -> int:
    """Records of one file committed so far (its ``ingest_progress`` position; 0 before the first batch)."""
    q = "SELECT done FROM ingest_progress WHERE file_key = "
    try:
        if url.startswith("postgres"):
            import psycopg

            with psycopg.connect(url, connect_timeout=5) as c:
                row = c.execute(q + "%s", (key,)).fetchone()
        else:
            c = sqlite3.connect(url, timeout=5)
            try:
                row = c.execute(q + "?", (key,)).fetchone()
            finally:
                c.close()
    except Exception:  # noqa: BLE001 - a probe; the tables may not exist yet
        return 0
    return int(row[0]) if row else 0


def _round_files(tmp: Path, rnd: int, records: int) -> tuple[list[Path], set[str]]:
    """Two MEDLINE files for one round; writer 1 overlaps half of writer 0's records (the same ids from
    two processes). Each round uses new PMIDs."""
    base = 1 + rnd * 2 * records
    files = []
    for w in range(2):
        first = base + w * records // 2
        f = tmp / f"writer{w}-round{rnd}.xml"
        f.write_bytes(medline_xml(list(range(first, first + records))))
        files.append(f)
    return files, {f"pmid:{p}" for p in range(base, base + records + records // 2)}


def kills(url: str, tmp: Path, *, n_kills: int, records: int, appraise: bool, seed: int) -> dict:
    """Two concurrent writers; SIGKILL a random one at a random moment once it has committed a batch
    since it (re)started (so the kill lands mid-file, while it parses, appraises or writes, never in
    start-up), restart it, and repeat in rounds of new files until ``n_kills`` kills have been made and
    both writers finished."""
    rng = random.Random(seed)
    sqlite = not url.startswith("postgres")
    if sqlite:
        from rxevidence.store import open_store

        open_store(url).close()
    waits: list[float] = []
    stop = threading.Event()
    probe = threading.Thread(target=_probe, args=(url, stop, waits), daemon=True) if sqlite else None
    if probe:
        probe.start()
    expected: set[str] = set()
    killed = restarts = rounds = 0
    grew: list[int] = []  # records of its file a writer committed between its (re)start and its kill
    bad_exits: list[str] = []
    t0 = time.perf_counter()
    while (killed < n_kills and rounds < MAX_ROUNDS) or rounds == 0:
        files, ids = _round_files(tmp, rounds, records)
        expected |= ids
        rounds += 1
        cmds = [cli("ingest", str(f), "--db", url, "--batch-size", "100", "--json",
                    *([] if appraise else ["--no-appraise"])) for f in files]

        from rxevidence.ingest import file_key

        keys = [file_key(f, {"format": "medline-xml"}) for f in files]

        def start(i: int, cmds: list[list[str]] = cmds, keys: list[str] = keys) -> tuple[subprocess.Popen, float, int]:
            return (subprocess.Popen(cmds[i], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV),
                    time.perf_counter(), _done(url, keys[i]))

        procs = [start(i) for i in range(2)]
        done = [False, False]
        while not all(done):
            time.sleep(rng.uniform(0.2, 1.5))
            for i, (p, _, _) in enumerate(procs):
                if not done[i] and p.poll() is not None:
                    if p.returncode == 0:
                        done[i] = True
                    else:
                        bad_exits.append(f"writer {i} exit {p.returncode}: {p.stderr.read().decode()[-300:]}")
                        procs[i] = start(i)
                        restarts += 1
            now = time.perf_counter()  # ripe: past start-up and has committed a batch since (re)starting
            ripe = [i for i, (p, t, d0) in enumerate(procs) if not done[i] and p.poll() is None
                    and now - t >= MIN_AGE_S and _done(url, keys[i]) > d0]
            if killed < n_kills and ripe:
                i = rng.choice(ripe)
                os.kill(procs[i][0].pid, signal.SIGKILL)
                procs[i][0].wait()
                killed += 1
                grew.append(_done(url, keys[i]) - procs[i][2])
                procs[i] = start(i)
                restarts += 1
    seconds = time.perf_counter() - t0
    stop.set()
    if probe:
        probe.join()
    return {"kills": killed, "restarts": restarts, "rounds": rounds, "seconds": round(seconds, 1),
            "kills_after_commits": sum(1 for g in grew if g > 0), "bad_exits": bad_exits,
            **check(url, expected, appraise, files=2 * rounds),
            "max_lock_wait_s": round(max(waits), 3) if waits else None, "lock_probes": len(waits)}


def check(url: str, expected: set[str], appraise: bool, *, files: int = 2) -> dict:
    from rxevidence.store import open_store

    s = open_store(url)
    got = [r.id for r in s.iter_records()]
    out = {"records": len(got), "expected": len(expected), "missing": len(expected - set(got)),
           "duplicates": len(got) - len(set(got)), "unexpected": len(set(got) - expected)}
    if url.startswith("postgres"):
        row = s._exec("SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE tsv IS NULL) FROM records").fetchone()
        out["index_rows"] = row[0] - row[2]
        out["integrity"] = "ok" if row[0] == row[1] else "duplicate ids"
        statuses = [r[0] for r in s._exec("SELECT status FROM ingest_progress").fetchall()]
        n_appr = s._exec("SELECT count(*) FROM appraisals WHERE appraiser = 'automatic'").fetchone()[0]
    else:
        c = s.conn
        out["integrity"] = c.execute("PRAGMA integrity_check").fetchone()[0]
        out["index_rows"] = c.execute("SELECT count(*) FROM records_fts").fetchone()[0]
        statuses = [r[0] for r in c.execute("SELECT status FROM ingest_progress")]
        n_appr = c.execute("SELECT count(*) FROM appraisals WHERE appraiser = 'automatic'").fetchone()[0]
    out["files_done"] = sum(1 for st in statuses if st == "done")
    if appraise:
        out["appraised"] = n_appr
    s.close()
    return out


# ------------------------------------------------------------------ resume at 77 %


def resume(tmp: Path, n: int) -> dict:
    sys.path.insert(0, str(ROOT / "bench"))
    import ingest as ingest_bench  # the same real-shaped file as bench/ingest.py

    f = tmp / "resume.xml.gz"
    ingest_bench.build_file(f, n, ingest_bench.sample_articles())
    full_db, part_db = str(tmp / "full.db"), str(tmp / "part.db")
    args = ["--no-appraise", "--json", "--batch-size", "1000"]
    t0 = time.perf_counter()
    r = subprocess.run(cli("ingest", str(f), "--db", full_db, *args), capture_output=True, text=True, env=ENV)
    full = time.perf_counter() - t0
    assert r.returncode == 0, r.stderr[-500:]
    from rxevidence.store import open_store

    open_store(part_db).close()
    p = subprocess.Popen(cli("ingest", str(f), "--db", part_db, *args), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=ENV)
    target = int(n * 0.77)
    while p.poll() is None:
        c = sqlite3.connect(part_db, timeout=5)
        row = c.execute("SELECT done FROM ingest_progress").fetchone()
        c.close()
        if row and row[0] >= target:
            os.kill(p.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    p.wait()
    c = sqlite3.connect(part_db)
    at = c.execute("SELECT done FROM ingest_progress").fetchone()[0]
    c.close()
    t0 = time.perf_counter()
    r = subprocess.run(cli("ingest", str(f), "--db", part_db, *args), capture_output=True, text=True, env=ENV)
    resumed = time.perf_counter() - t0
    d = json.loads(r.stdout)
    return {"records": n, "resumed_at": at, "full_seconds": round(full, 2), "resume_seconds": round(resumed, 2),
            "resume_ratio": round(resumed / full, 3), "added_on_resume": d["added"],
            "complete": open_store(part_db).count() == n}


# ------------------------------------------------------------------ JSON memory


def json_memory(tmp: Path, target_mb: int) -> dict:
    f = tmp / "ctgov.json"
    with open(f, "w", encoding="utf-8") as out:
        out.write('{"studies": [')
        k = 0
        while out.tell() < target_mb * 1_000_000:
            s = trial_study(f"NCT{40000000 + k}", **{"descriptionModule.detailedDescription":
                                                      " ".join(f"word{(k * 31 + j) % 5000}" for j in range(3000))})
            out.write(("," if k else "") + json.dumps(s))
            k += 1
        out.write('], "nextPageToken": "x"}')
    size = f.stat().st_size / 1e6
    code = ("import resource, sys, json\nfrom rxevidence.ingest import ingest_paths\nfrom rxevidence.store import open_store\n"
            "s = open_store(sys.argv[2]); d = ingest_paths(s, [sys.argv[1]], appraise=False)\n"
            "print(json.dumps({'added': d.counts.added, 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", code, str(f), str(tmp / "json.db")], capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, r.stderr[-800:]
    d = json.loads(r.stdout)
    return {"file_mb": round(size, 1), "studies": k, "added": d["added"], "peak_rss_mb": round(d["peak_rss_mb"], 1),
            "seconds": round(time.perf_counter() - t0, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--pg", help="also run the kills on this PostgreSQL database (it is emptied)")
    ap.add_argument("--kills", type=int, default=None)
    ap.add_argument("--no-appraise", dest="appraise", action="store_false",
                    help="kills: writers only store (by default they appraise too, as #19's busy-writer case did)")
    ap.add_argument("--parts", default="kills,resume,json")
    ap.add_argument("--seed", type=int, default=19)
    a = ap.parse_args()
    n_kills = a.kills or (5 if a.quick else 20)
    parts = set(a.parts.split(","))
    figures: dict = {}
    print("rxevidence reliability benchmark (#19)")
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; data: synthetic, written by this script")
    with tempfile.TemporaryDirectory(prefix="rxe-faults-") as t:
        tmp = Path(t)
        if "kills" in parts:
            backends = [("sqlite", str(tmp / "kills.db"))] + ([("postgres", a.pg)] if a.pg else [])
            for name, url in backends:
                if name == "postgres":
                    import psycopg

                    with psycopg.connect(url, autocommit=True) as c:
                        c.execute("DROP SCHEMA IF EXISTS public CASCADE")
                        c.execute("CREATE SCHEMA public")
                r = kills(url, tmp, n_kills=n_kills, records=3000 if a.quick else 6000, appraise=a.appraise,
                          seed=a.seed)
                print(f"  kills/{name}: {r['kills']} SIGKILLs, {r['restarts']} restarts in {r['seconds']}s; records "
                      f"{r['records']:,} of {r['expected']:,} expected, missing {r['missing']}, duplicates "
                      f"{r['duplicates']}, index rows {r['index_rows']:,}, "
                      + (f"appraised {r['appraised']:,}, " if "appraised" in r else "")
                      + f"integrity {r['integrity']}, files done "
                      f"{r['files_done']}/{2 * r['rounds']} in {r['rounds']} round(s); {r['kills_after_commits']} kills after the "
                      f"victim had committed a batch" + (f", longest wait for the write lock {r['max_lock_wait_s']}s over "
                                               f"{r['lock_probes']} probes" if r["max_lock_wait_s"] is not None else ""))
                for b in r["bad_exits"][:5]:
                    print(f"    ! {b}")
                figures[f"kills_{name}"] = r["kills"]
                figures[f"kills_after_commits_{name}"] = r["kills_after_commits"]
                if "appraised" in r:
                    figures[f"records_without_appraisal_{name}"] = r["records"] - r["appraised"]
                figures[f"files_done_{name}"] = f"{r['files_done']}/{2 * r['rounds']}"
                figures[f"missing_records_{name}"] = r["missing"]
                figures[f"duplicate_records_{name}"] = r["duplicates"]
                figures[f"index_matches_records_{name}"] = r["index_rows"] == r["records"]
                figures[f"integrity_{name}"] = r["integrity"]
                figures[f"unexpected_exits_{name}"] = len(r["bad_exits"])
                if r["max_lock_wait_s"] is not None:
                    figures[f"max_lock_wait_s_{name}"] = r["max_lock_wait_s"]
        if "resume" in parts:
            r = resume(tmp, 20_000 if a.quick else 100_000)
            print(f"  resume: {r['records']:,} records (gz); full run {r['full_seconds']}s; killed at {r['resumed_at']:,}"
                  f" ({r['resumed_at'] / r['records']:.0%}); resume {r['resume_seconds']}s = {r['resume_ratio']:.2f}x"
                  f" the full run (before #19: 48 s vs 45 s, 1.07x); complete {r['complete']}")
            figures.update({f"resume_{k}": v for k, v in r.items()})
        if "json" in parts:
            r = json_memory(tmp, 50 if a.quick else 200)
            print(f"  json: {r['file_mb']} MB CT.gov page, {r['studies']:,} studies, ingest --no-appraise peak RSS"
                  f" {r['peak_rss_mb']} MB in {r['seconds']}s (before #19: 2.79 GB for 200 MB)")
            figures.update({f"json_{k}": v for k, v in r.items()})
    print("Goal: no record lost, none duplicated, index whole; a writer waits seconds, not minutes; resume "
          "costs the rest of the file only; JSON memory flat")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
