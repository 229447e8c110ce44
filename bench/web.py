"""Load test of the web app on loopback: 100 concurrent users, cached and uncached asks, plus big audits.

Starts ``rxevidence serve`` on a free 127.0.0.1 port over a temporary SQLite store (or ``--db``), warms the
brief cache with the home page's example questions, then runs two phases of ``--duration`` seconds each
with ``--users`` concurrent users (one keep-alive connection each, ``--think`` seconds between asks as a
person reading the answer would; ``--think 0`` is a back-to-back stress test; 1 s of warm-up not measured):

1. **asks**: every user loops over the cached URLs (``/api/ask`` and ``/ask`` of the examples); one request
   in ``--uncached-every`` is a question nobody asked yet (pack drug x condition pairs, checked with
   ``/api/parse`` first), so it runs the whole ask pipeline;
2. **asks + audits**: the same, while ``--audit-users`` of the users instead post distinct 200,000-character
   articles to ``POST /api/audit`` (the bounded pool answers 429 + Retry-After when full; the client waits).

Reports requests/s and latency percentiles per kind and phase; goal: p95 <= 300 ms for asks, no errors
(429 from the audit pool is the documented answer, counted apart). Ends with one JSON line of figures.

    python bench/web.py            # 100 users, 2 x 30 s
    python bench/web.py --quick    # 100 users, 2 x 5 s
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

import httpx

GOAL_P95_MS = 300.0
AUDIT_CHARS = 200_000
AUDIT_BASE = ("Diazepam is effective for low back pain, a new report says. The FDA approved diazepam for muscle "
              "spasm. Studies show diazepam did not help sciatica. Ibuprofen works for migraine. ")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, port: int, audit_dir: str) -> subprocess.Popen:
    cmd = [sys.executable, "-c", "from rxevidence.cli import main; main()", "serve", "--host", "127.0.0.1",
           "--port", str(port), "--db", db, "--log-level", "warning"]
    env = {**os.environ, "RXEVIDENCE_AUDIT_DIR": audit_dir}
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early:\n{proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not become ready")


def proc_cpu_s(pid: int) -> float:
    """User+system CPU seconds of a process and its children (Linux /proc), 0.0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


class RawConnection:
    """A minimal HTTP/1.1 keep-alive GET client on asyncio streams (the server always sends Content-Length).

    httpx costs several ms of CPU per request, enough to make the load generator, not the server, the thing
    measured on a small machine; audits (few, large) use httpx.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next((int(h.split(":", 1)[1]) for h in lines[1:] if h.lower().startswith("content-length:")), 0)
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


@dataclass
class Stats:
    cached: list[float] = field(default_factory=list)
    uncached: list[float] = field(default_factory=list)
    audits: list[float] = field(default_factory=list)
    audit_429: int = 0
    audits_started: int = 0
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def asks(self) -> list[float]:
        return self.cached + self.uncached


class Workload:
    """Hands out the next URL: cached examples, and every ``every``-th request a fresh question."""

    def __init__(self, cached: list[str], fresh: list[str], every: int) -> None:
        self.cached, self.fresh, self.every = cached, list(fresh), max(1, every)
        self.n = 0

    def next(self) -> tuple[str, bool]:
        self.n += 1
        if self.fresh and self.n % self.every == 0:
            return self.fresh.pop(), True
        return self.cached[self.n % len(self.cached)], False


async def ask_user(conn: RawConnection, work: Workload, record_from: float, stop_at: float, st: Stats,
                   think: float, rng: random.Random) -> None:
    while time.monotonic() < stop_at:
        if think:  # a person reads the answer before asking again
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        url, fresh = work.next()
        t0 = time.perf_counter()
        status = 0
        try:
            status = await conn.get(url)
        except (OSError, asyncio.IncompleteReadError, ValueError) as e:
            st.errors.append(f"{url}: {type(e).__name__}")
            conn.writer = None
        if time.monotonic() < record_from:
            continue
        (st.uncached if fresh else st.cached).append((time.perf_counter() - t0) * 1000)
        if status != 200 and len(st.errors) < 1000:
            st.errors.append(f"{url}: HTTP {status}")


async def audit_user(i: int, hx: httpx.AsyncClient, stop_at: float, st: Stats) -> None:
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        tag = f"Article {i}-{n}. "
        text = (tag + AUDIT_BASE * (AUDIT_CHARS // len(AUDIT_BASE) + 1))[:AUDIT_CHARS]
        t0 = time.perf_counter()
        st.audits_started += 1
        try:
            r = await hx.post("/api/audit", content=text.encode(), headers={"content-type": "text/plain"},
                              timeout=300)
        except httpx.HTTPError as e:
            st.errors.append(f"audit: {type(e).__name__}")
            continue
        if r.status_code == 429:
            st.audit_429 += 1
            await asyncio.sleep(min(float(r.headers.get("retry-after", "1")), max(0.0, stop_at - time.monotonic())))
        elif r.status_code == 200:
            st.audits.append((time.perf_counter() - t0) * 1000)
        else:
            st.errors.append(f"audit: HTTP {r.status_code}")


async def phase(base: str, work: Workload, users: int, audit_users: int, duration: float, think: float,
                warmup: float = 1.0) -> Stats:
    st = Stats()
    host, port = base.split("//", 1)[1].split(":")
    conns = [RawConnection(host, int(port)) for _ in range(users - audit_users)]
    async with httpx.AsyncClient(base_url=base, timeout=300) as hx:
        start = time.monotonic()
        record_from = start + warmup
        stop_at = record_from + duration
        askers = [asyncio.create_task(ask_user(c, work, record_from, stop_at, st, think, random.Random(i)))
                  for i, c in enumerate(conns)]
        auditors = [asyncio.create_task(audit_user(i, hx, stop_at, st)) for i in range(audit_users)]
        await asyncio.wait_for(asyncio.gather(*askers), timeout=warmup + duration + 120)
        st.elapsed = time.monotonic() - record_from
        for t in auditors:  # an audit still running at the end is not waited for
            t.cancel()
        await asyncio.gather(*auditors, return_exceptions=True)
    for c in conns:
        await c.close()
    return st


def fresh_questions(base: str, exclude: set[str], limit: int) -> list[str]:
    """Questions from the pack's drug x condition pairs that parse with a drug and a condition."""
    from rxevidence.pack import load_pack

    seen: set[str] = set()
    out: list[str] = []
    with httpx.Client(base_url=base, timeout=30) as hx:
        for st in load_pack().studies:
            for drug in st.drugs:
                q = f"Does {drug} help {st.condition.replace('-', ' ')}?"
                if q in seen or q in exclude:
                    continue
                seen.add(q)
                parsed = hx.get("/api/parse", params={"q": q}).json()
                if parsed.get("drugs") and parsed.get("condition"):
                    out.append("/api/ask?q=" + quote_plus(q))
                if len(out) >= limit:
                    return out
    return out


def report(name: str, st: Stats) -> None:
    n = len(st.asks) + len(st.audits)
    print(f"  {name}: {n:,} requests in {st.elapsed:.1f} s = {n / st.elapsed:,.0f}/s; errors {len(st.errors)}")
    print(f"    cached asks   {len(st.cached):6,}  p50 {pct(st.cached, 50):7.1f}  p95 {pct(st.cached, 95):7.1f}  "
          f"p99 {pct(st.cached, 99):7.1f} ms")
    if st.uncached:
        print(f"    uncached asks {len(st.uncached):6,}  p50 {pct(st.uncached, 50):7.1f}  "
              f"p95 {pct(st.uncached, 95):7.1f}  max {max(st.uncached):7.1f} ms")
    print(f"    all asks      {len(st.asks):6,}  p50 {pct(st.asks, 50):7.1f}  p95 {pct(st.asks, 95):7.1f} ms")
    if st.audits or st.audit_429:
        running = st.audits_started - len(st.audits) - st.audit_429
        print(f"    audits of {AUDIT_CHARS:,} chars: {len(st.audits)} done (p50 {pct(st.audits, 50) / 1000:.1f} s), "
              f"{st.audit_429} answered 429 (pool full), {running} still running or queued at the end")
    if st.errors:
        print("    sample of errors: " + "; ".join(st.errors[:5]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=100)
    ap.add_argument("--audit-users", type=int, default=6, help="users posting big audits in phase 2")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of load per phase")
    ap.add_argument("--quick", action="store_true", help="5 s per phase")
    ap.add_argument("--uncached-every", type=int, default=40, help="one request in N is a new question")
    ap.add_argument("--think", type=float, default=1.0,
                    help="mean seconds a user waits between asks (uniform 0.5x-1.5x); 0 = back-to-back stress")
    ap.add_argument("--db", help="store to serve (default: a fresh temporary SQLite store with the starter pack)")
    args = ap.parse_args()
    duration = 5.0 if args.quick else args.duration
    users = max(2, min(args.users, 500))
    audit_users = max(0, min(args.audit_users, users - 1))

    from rxevidence.web.core import EXAMPLES

    tmp = tempfile.TemporaryDirectory(prefix="rxevidence-bench-web-")
    db = args.db or os.path.join(tmp.name, "bench.db")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(db, port, os.path.join(tmp.name, "audits"))
    try:
        t0 = time.perf_counter()
        wait_ready(base, proc)
        startup_s = time.perf_counter() - t0
        cached, cold = [], []
        for q in EXAMPLES:
            for path in ("/api/ask?q=", "/ask?q="):
                t = time.perf_counter()
                r = httpx.get(base + path + quote_plus(q), timeout=60)
                cold.append((time.perf_counter() - t) * 1000)
                if r.status_code == 200:
                    cached.append(path + quote_plus(q))
        if not cached:
            raise SystemExit("no example question could be answered")
        fresh = fresh_questions(base, set(EXAMPLES), limit=400)
        half = len(fresh) // 2
        cpu0 = proc_cpu_s(proc.pid)
        a = asyncio.run(phase(base, Workload(cached, fresh[:half], args.uncached_every), users, 0, duration,
                              args.think))
        b = asyncio.run(phase(base, Workload(cached, fresh[half:], args.uncached_every), users, audit_users,
                              duration, args.think))
        srv_cpu = proc_cpu_s(proc.pid) - cpu0
        load_avg = os.getloadavg()[0]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        tmp.cleanup()

    asks = a.asks + b.asks
    errors = len(a.errors) + len(b.errors)
    p95 = pct(asks, 95)
    print("rxevidence web load test (loopback)")
    print(f"  server: rxevidence serve on {base}, store {'given' if args.db else 'temporary'}; ready in "
          f"{startup_s:.1f} s; audit pool: RXEVIDENCE_AUDIT_WORKERS/QUEUE defaults (1 worker process, 4 waiting)")
    print(f"  workload: {users} concurrent users; {len(cached)} cached URLs ({len(cached) // 2} examples x /api/ask "
          f"and /ask); 1 request in {args.uncached_every} a new question ({len(fresh)} pack drug x condition "
          f"questions available); think time {args.think:g} s a request (0.5x-1.5x); phase 2: {audit_users} "
          f"of the users post {AUDIT_CHARS:,}-character audits back to back")
    print(f"  warm-up (cache misses): median {statistics.median(cold):.0f} ms, max {max(cold):.0f} ms; "
          "no test split (nothing is tuned here)")
    report("phase 1, asks", a)
    report("phase 2, asks + audits", b)
    slow = pct(b.cached, 50) / pct(a.cached, 50) if a.cached and b.cached else float("nan")
    print(f"  cached asks while big audits run: p50 x{slow:.2f} ({pct(a.cached, 50):.1f} -> {pct(b.cached, 50):.1f} ms)")
    verdict = "meets" if p95 <= GOAL_P95_MS and errors == 0 else "MISSES"
    print(f"  goal: p95 <= {GOAL_P95_MS:.0f} ms for asks and no errors -> {verdict} the goal "
          f"(p95 {p95:.1f} ms, {errors} errors)")
    print(f"  server CPU (with audit workers): {srv_cpu:.1f} s; cores: {os.cpu_count()} shared by client and "
          f"server; 1-min load average at the end: {load_avg:.1f}")
    print(json.dumps({
        "users": users, "audit_users": audit_users, "think_s": args.think, "duration_s": duration, "requests": len(asks) + len(b.audits),
        "errors": errors, "p95_ms": round(p95, 1), "p50_ms": round(pct(asks, 50), 1),
        "cached_p95_ms": round(pct(a.cached + b.cached, 95), 1),
        "uncached_p95_ms": round(pct(a.uncached + b.uncached, 95), 1),
        "uncached_asks": len(a.uncached) + len(b.uncached),
        "cached_p50_ms_without_audits": round(pct(a.cached, 50), 1),
        "cached_p50_ms_with_audits": round(pct(b.cached, 50), 1),
        "cached_p95_ms_with_audits": round(pct(b.cached, 95), 1),
        "audits": len(b.audits), "audit_429": b.audit_429,
        "rps": round((len(a.asks) / a.elapsed + len(b.asks) / b.elapsed) / 2, 1),
        "goal_p95_ms": GOAL_P95_MS, "load_average": round(load_avg, 1)}))


if __name__ == "__main__":
    main()
