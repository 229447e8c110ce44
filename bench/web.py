"""Load test of the web app on loopback: N concurrent users asking cached questions.

Starts ``rxevidence serve`` on a free 127.0.0.1 port over a temporary SQLite store (or uses --db),
warms the brief cache with the home page's example questions, then runs ``--users`` asyncio clients (a light raw HTTP/1.1 client by default, ``--client httpx`` optional)
(one keep-alive connection each; 1 s of connection warm-up is not measured) for ``--duration`` seconds, alternating the JSON API
(/api/ask) and the brief page (/ask). Reports requests/s and p50/p95/p99 latency; goal p95 <= 500 ms.

    python bench/web.py            # 50 users, 20 s
    python bench/web.py --quick    # 50 users, 5 s

Ends with one JSON line of figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote_plus

import httpx

GOAL_P95_MS = 500.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-c", "from rxevidence.cli import main; main()", "serve", "--host", "127.0.0.1",
           "--port", str(port), "--db", db, "--log-level", "warning"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


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
    """User+system CPU seconds of a process (Linux /proc), 0.0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def own_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


class RawConnection:
    """A minimal HTTP/1.1 keep-alive GET client on asyncio streams (the server always sends Content-Length).

    httpx costs several ms of CPU per request, enough to make the load generator, not the server, the thing
    measured on a small machine; ``--client httpx`` uses httpx instead.
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


async def user(i: int, get, urls: list[str], record_from: float, stop_at: float,  # noqa: ANN001
               lat: list[float], errors: list[str]) -> None:
    n = i
    while time.monotonic() < stop_at:
        url = urls[n % len(urls)]
        n += 1
        t0 = time.perf_counter()
        status = 0
        try:
            status = await get(url)
        except (httpx.HTTPError, OSError, asyncio.IncompleteReadError, ValueError) as e:
            errors.append(f"{url}: {type(e).__name__}")
        if time.monotonic() < record_from:  # connection warm-up, not measured
            continue
        lat.append((time.perf_counter() - t0) * 1000)
        if status != 200 and len(errors) < 1000:
            errors.append(f"{url}: HTTP {status}")


async def load(base: str, urls: list[str], users: int, duration: float, *, client: str = "raw",
               warmup: float = 1.0) -> tuple[list[float], list[str], float]:
    """``users`` concurrent loops, one keep-alive connection each; the first ``warmup`` seconds are not measured."""
    lat: list[float] = []
    errors: list[str] = []
    host, port = base.split("//", 1)[1].split(":")
    raw = [RawConnection(host, int(port)) for _ in range(users)]
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as hx:
        async def hx_get(url: str) -> int:
            return (await hx.get(url)).status_code

        getters = [hx_get] * users if client == "httpx" else [c.get for c in raw]
        start = time.monotonic()
        record_from = start + warmup
        stop_at = record_from + duration
        await asyncio.wait_for(
            asyncio.gather(*(user(i, getters[i], urls, record_from, stop_at, lat, errors) for i in range(users))),
            timeout=warmup + duration + 60)
        elapsed = time.monotonic() - record_from
    for c in raw:
        await c.close()
    return lat, errors, elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    ap.add_argument("--quick", action="store_true", help="5 s of load")
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw",
                    help="load generator: raw asyncio HTTP/1.1 (light) or httpx (heavier on the client side)")
    ap.add_argument("--db", help="store to serve (default: a fresh temporary SQLite store with the starter pack)")
    args = ap.parse_args()
    duration = 5.0 if args.quick else args.duration
    users = max(1, min(args.users, 500))

    from rxevidence.web.core import EXAMPLES

    tmp = tempfile.TemporaryDirectory(prefix="rxevidence-bench-web-")
    db = args.db or os.path.join(tmp.name, "bench.db")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(db, port)
    try:
        t0 = time.perf_counter()
        wait_ready(base, proc)
        startup_s = time.perf_counter() - t0
        urls: list[str] = []
        cold: list[float] = []
        for q in EXAMPLES:
            for path in ("/api/ask?q=", "/ask?q="):
                url = path + quote_plus(q)
                t = time.perf_counter()
                r = httpx.get(base + url, timeout=60)
                cold.append((time.perf_counter() - t) * 1000)
                if r.status_code == 200:
                    urls.append(url)
        if not urls:
            raise SystemExit("no example question could be answered")
        srv_cpu0, cli_cpu0 = proc_cpu_s(proc.pid), own_cpu_s()
        lat, errors, elapsed = asyncio.run(load(base, urls, users, duration, client=args.client))
        srv_cpu, cli_cpu = proc_cpu_s(proc.pid) - srv_cpu0, own_cpu_s() - cli_cpu0
        load_avg = os.getloadavg()[0]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        tmp.cleanup()

    n = len(lat)
    p50, p95, p99 = pct(lat, 50), pct(lat, 95), pct(lat, 99)
    rps = n / elapsed if elapsed else 0.0
    print("rxevidence web load test (loopback)")
    print(f"  server: rxevidence serve on {base}, store {'given' if args.db else 'temporary'} ({Path(db).name}); "
          f"ready in {startup_s:.1f} s (starter pack installed at startup)")
    print(f"  workload: {len(urls)} cached URLs ({len(urls) // 2} example questions x /api/ask and /ask), "
          f"{users} concurrent users, {duration:.0f} s, {args.client} client; no test split (no model is tuned here)")
    print(f"  warm-up (cache misses): median {statistics.median(cold):.0f} ms, max {max(cold):.0f} ms")
    print(f"  requests: {n:,} in {elapsed:.1f} s = {rps:,.0f} requests/s; errors: {len(errors)}")
    print(f"  latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {max(lat):.1f} ms")
    verdict = "meets" if p95 <= GOAL_P95_MS else "MISSES"
    print(f"  goal: p95 <= {GOAL_P95_MS:.0f} ms -> {verdict} the goal (anchor: issue 9)")
    if errors:
        print("  sample of errors: " + "; ".join(errors[:5]))
    print(f"  CPU per request: server {srv_cpu / max(n, 1) * 1000:.2f} ms, load generator "
          f"{cli_cpu / max(n, 1) * 1000:.2f} ms; server capacity ~{n / srv_cpu if srv_cpu else 0:,.0f} requests/s "
          "per core")
    print(f"  cores: {os.cpu_count()} (client and server share them); 1-min load average at the end: "
          f"{load_avg:.1f} (other work on the machine inflates latency)")
    print(json.dumps({"users": users, "client": args.client, "requests": n, "errors": len(errors), "duration_s": round(elapsed, 1),
                      "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "p99_ms": round(p99, 1),
                      "rps": round(rps, 1), "goal_p95_ms": GOAL_P95_MS,
                      "server_cpu_ms_per_request": round(srv_cpu / max(n, 1) * 1000, 2),
                      "load_average": round(load_avg, 1)}))


if __name__ == "__main__":
    main()
