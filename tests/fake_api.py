"""A loopback fake of the four live APIs for tests, without internet.

Each API runs as a real ``http.server`` on 127.0.0.1 (port 0, so its own port and therefore its
own rate limiter) in a daemon thread. Responses are the real captured ones in
``../shared/data/biomcp_api_fixtures`` and ``../shared/data/biopython_entrez_medline_samples``,
read in place; RxNav has no captured responses there, so it serves small hand-written ones shaped
like the real API. Scripted failures are queued per path: an HTTP status (429 with Retry-After,
500), a delay longer than the client's timeout, a connection cut mid-body, or a body truncated by
the server (a complete HTTP response whose document is cut).

Every request is logged with its arrival time (``time.monotonic()``), for rate-limit tests.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

Response = tuple[int, dict[str, str], bytes]
Route = Callable[[str, dict[str, str]], Response]


@dataclass
class Seen:
    t: float  # time.monotonic() at arrival
    path: str
    query: dict[str, str]


@dataclass
class Fail:
    """A scripted failure for the next request whose path contains ``path``."""

    path: str
    status: int | None = None  # answer this status instead
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # sleep before answering (longer than the client timeout = a timeout)
    cut: bool = False  # announce the full Content-Length, send half the body, close
    truncate: bool = False  # send a complete 200 response whose body is the first half of the document
    after: int = 0  # let this many matching requests through first


class FakeApi:
    """One fake API server."""

    def __init__(self, name: str, route: Route) -> None:
        self.name = name
        self.route = route
        self.log: list[Seen] = []
        self.failures: deque[Fail] = deque()
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                api._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"fake-{name}", daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def fail(self, path: str, **kwargs: object) -> None:
        self.failures.append(Fail(path, **kwargs))  # type: ignore[arg-type]

    def requests(self, path: str = "") -> list[Seen]:
        with self._lock:
            return [s for s in self.log if path in s.path]

    def reset(self) -> None:
        with self._lock:
            self.log.clear()
            self.failures.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _next_failure(self, path: str) -> Fail | None:
        with self._lock:
            for f in self.failures:
                if f.path in path:
                    if f.after > 0:
                        f.after -= 1
                        return None
                    self.failures.remove(f)
                    return f
        return None

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self._lock:
            self.log.append(Seen(time.monotonic(), parts.path, query))
        fail = self._next_failure(parts.path)
        try:
            if fail and fail.delay:
                time.sleep(fail.delay)
            if fail and fail.status:
                body = json.dumps({"error": f"scripted {fail.status}"}).encode()
                self._send(h, fail.status, {"Content-Type": "application/json", **fail.headers}, body)
                return
            status, headers, body = self.route(parts.path, query)
            if fail and fail.cut:
                h.send_response(status)
                for k, v in headers.items():
                    h.send_header(k, v)
                h.send_header("Content-Length", str(len(body)))
                h.send_header("Connection", "close")
                h.end_headers()
                h.wfile.write(body[: len(body) // 2])
                h.wfile.flush()
                h.close_connection = True
                return
            if fail and fail.truncate:
                body = body[: len(body) // 2]
            self._send(h, status, headers, body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            h.close_connection = True

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)


# --------------------------------------------------------------------------- routes


XML = {"Content-Type": "text/xml; charset=UTF-8"}
JSON = {"Content-Type": "application/json"}
# efetch batches, in order (real efetch responses, 1-2 articles each)
EFETCH_FILES = ["pubmed1.xml", "pubmed2.xml", "pubmed4.xml", "pubmed5.xml", "pubmed6.xml", "pubmed7.xml"]
CTGOV_FIRST = "search_phelan_limit5_20260811.json"  # has nextPageToken
CTGOV_NEXT = "search_phelan_next_20260811.json"  # the page behind it (has another token)
CTGOV_LAST = "search_phelan_limit50_20260811.json"  # no token: the end


def _not_found(what: str) -> Response:
    return 404, JSON, json.dumps({"error": f"no route for {what}"}).encode()


def pubmed_route(shared: Path) -> Route:
    entrez = shared / "biopython_entrez_medline_samples"

    def route(path: str, q: dict[str, str]) -> Response:
        if path.endswith("/esearch.fcgi"):
            # esearch2.xml is a real history-server answer: Count, QueryKey, WebEnv, IdList
            return 200, XML, (entrez / "esearch2.xml").read_bytes()
        if path.endswith("/efetch.fcgi"):
            if "WebEnv" in q:
                k = int(q.get("retstart", "0")) // max(1, int(q.get("retmax", "1")))
            else:
                k = 0
            return 200, XML, (entrez / EFETCH_FILES[k % len(EFETCH_FILES)]).read_bytes()
        return _not_found(path)

    return route


def openfda_route(shared: Path) -> Route:
    d = shared / "biomcp_api_fixtures" / "openfda"

    def route(path: str, q: dict[str, str]) -> Response:
        if "nosuchdrug" in q.get("search", ""):
            # openFDA's real answer when nothing matches
            return 404, JSON, b'{"error": {"code": "NOT_FOUND", "message": "No matches found!"}}'
        if path.endswith("/drug/label.json"):
            return 200, JSON, (d / "label_keytruda_20260811.json").read_bytes()
        if path.endswith("/drug/drugsfda.json"):
            return 200, JSON, (d / "drugsfda_imatinib_20260811.json").read_bytes()
        return _not_found(path)

    return route


def ctgov_route(shared: Path) -> Route:
    d = shared / "biomcp_api_fixtures" / "ctgov"
    first_token = json.loads((d / CTGOV_FIRST).read_bytes())["nextPageToken"]

    def route(path: str, q: dict[str, str]) -> Response:
        if path.endswith("/studies"):
            token = q.get("pageToken")
            name = CTGOV_FIRST if not token else CTGOV_NEXT if token == first_token else CTGOV_LAST
            return 200, JSON, (d / name).read_bytes()
        if "/studies/NCT" in path:
            f = d / f"get_{path.rsplit('/', 1)[-1].lower()}_20260811.json"
            return (200, JSON, f.read_bytes()) if f.exists() else _not_found(path)
        return _not_found(path)

    return route


# Hand-written RxNav answers in the real response shapes (no captured RxNav responses are available).
RXNAV_RXCUI = {"diazepam": "3322", "pembrolizumab": "1547545"}
RXNAV_CLASSES = {
    "diazepam": [
        ("N05BA", "Benzodiazepine derivatives", "ATC1-4", "", "ATCPROD"),
        ("N0000175694", "Benzodiazepine", "EPC", "has_epc", "DAILYMED"),
    ]
}


def rxnav_route() -> Route:
    def route(path: str, q: dict[str, str]) -> Response:
        if path.endswith("/rxcui.json"):
            name = q.get("name", "")
            group: dict[str, object] = {"name": name}
            if name.lower() in RXNAV_RXCUI:
                group["rxnormId"] = [RXNAV_RXCUI[name.lower()]]
            return 200, JSON, json.dumps({"idGroup": group}).encode()
        if path.endswith("/approximateTerm.json"):
            term = q.get("term", "").lower()
            cands = [
                {"rxcui": cui, "rxaui": "1", "score": "8.5", "rank": "1", "name": name, "source": "RXNORM"}
                for name, cui in RXNAV_RXCUI.items()
                if name[:5] == term[:5]
            ]
            return 200, JSON, json.dumps({"approximateGroup": {"inputTerm": term, "candidate": cands}}).encode()
        if path.endswith("/rxclass/class/byDrugName.json"):
            name = q.get("drugName", "").lower()
            info = [
                {
                    "minConcept": {"rxcui": RXNAV_RXCUI.get(name, ""), "name": name, "tty": "IN"},
                    "rxclassMinConceptItem": {"classId": cid, "className": cname, "classType": ctype},
                    "rela": rela,
                    "relaSource": src,
                }
                for cid, cname, ctype, rela, src in RXNAV_CLASSES.get(name, [])
            ]
            return 200, JSON, json.dumps({"rxclassDrugInfoList": {"rxclassDrugInfo": info}} if info else {}).encode()
        return _not_found(path)

    return route


def shared_root() -> Path | None:
    """../shared/data (or $RXEVIDENCE_SHARED_DATA) when it holds the captured responses, else None."""
    root = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))
    needed = ("biomcp_api_fixtures", "biopython_entrez_medline_samples")
    return root if all((root / n).is_dir() for n in needed) else None


class FakeApis:
    """The four fake APIs; ``env()`` gives the RXEVIDENCE_*_URL variables pointing at them."""

    def __init__(self, shared: Path) -> None:
        self.pubmed = FakeApi("pubmed", pubmed_route(shared))
        self.openfda = FakeApi("openfda", openfda_route(shared))
        self.ctgov = FakeApi("ctgov", ctgov_route(shared))
        self.rxnav = FakeApi("rxnav", rxnav_route())
        self.all = [self.pubmed, self.openfda, self.ctgov, self.rxnav]

    def base_urls(self) -> dict[str, str]:
        return {a.name: a.url for a in self.all}

    def env(self) -> dict[str, str]:
        return {f"RXEVIDENCE_{a.name.upper()}_URL": a.url for a in self.all}

    def total_requests(self) -> int:
        return sum(len(a.requests()) for a in self.all)

    def reset(self) -> None:
        for a in self.all:
            a.reset()

    def close(self) -> None:
        for a in self.all:
            a.close()
