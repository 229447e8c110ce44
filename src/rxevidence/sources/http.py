"""Shared machinery of the live API clients: rate limits, retries, the response cache, offline mode.

Every live client (:mod:`.pubmed_api`, :mod:`.openfda_api`, :mod:`.ctgov_api`, :mod:`.rxnav_api`)
is an :class:`ApiClient`. It is handed an ``httpx.Client`` (so tests inject a fake server or an
``httpx.MockTransport``) and optionally a :class:`~rxevidence.store.Store`, whose ``http_cache``
table keeps response bodies with their age.

One GET goes through these steps:

1. cache lookup (``store.cache_get(key, max_age_s=...)``); a hit is parsed and returned with its age;
2. offline mode (``offline=True`` or ``RXEVIDENCE_OFFLINE=1``) raises :class:`OfflineError` here,
   before any request;
3. the per-host rate limiter (one per host, shared by every thread and client of this process);
4. the request, retried with exponential backoff (tenacity) on 429, 5xx, timeouts and transport
   errors such as a connection cut mid-body; ``Retry-After`` (seconds or an HTTP date) is honoured
   by pushing back the host's limiter, so every thread waits;
5. ``parse(body)``: a body that does not parse (a truncated XML or JSON document) raises
   :class:`SourceError` and is neither cached nor returned, so no partial record is ever stored;
6. cache store of the good body.
"""

from __future__ import annotations

import email.utils
import inspect
import os
import random
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlencode, urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from ..errors import OfflineError, RxEvidenceError, SourceError
from ..store.base import Store

T = TypeVar("T")

RETRY_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503, 504})
# query parameters kept out of cache keys and error messages
SECRET_PARAMS: frozenset[str] = frozenset({"api_key", "email"})
DEFAULT_CACHE_MAX_AGE_S = 7 * 24 * 3600.0
USER_AGENT = "rxevidence/0.1 (evidence briefs; https://pypi.org/project/rxevidence/)"

Params = Mapping[str, str | int | float | None]


def env_offline() -> bool:
    """True when ``RXEVIDENCE_OFFLINE`` is set to 1/true/yes."""
    return os.environ.get("RXEVIDENCE_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def env_cache_max_age() -> float:
    """``RXEVIDENCE_CACHE_MAX_AGE`` (seconds; default one week)."""
    raw = os.environ.get("RXEVIDENCE_CACHE_MAX_AGE", "").strip()
    try:
        return float(raw) if raw else DEFAULT_CACHE_MAX_AGE_S
    except ValueError:
        return DEFAULT_CACHE_MAX_AGE_S


# --------------------------------------------------------------------------- rate limiting


class RateLimiter:
    """A thread-safe minimum-interval limiter: at most ``rate`` requests per second, no bursts.

    Each :meth:`acquire` reserves the next free slot under a lock and sleeps outside it, so
    concurrent threads are spaced ``1/rate`` seconds apart in the order they asked.
    """

    def __init__(self, rate_per_s: float) -> None:
        if rate_per_s <= 0:
            raise ValueError("rate must be positive")
        self._lock = threading.Lock()
        self._interval = 1.0 / rate_per_s
        self._next = 0.0

    @property
    def rate(self) -> float:
        return 1.0 / self._interval

    def set_rate(self, rate_per_s: float) -> None:
        if rate_per_s <= 0:
            raise ValueError("rate must be positive")
        with self._lock:
            self._interval = 1.0 / rate_per_s

    def _reserve(self) -> tuple[float, float]:
        """(the next free slot, now), the slot taken: under the lock, so slots are ``1/rate`` apart."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self._interval
        return slot, now

    def acquire(self) -> float:
        """Wait for the next slot; returns the seconds waited."""
        slot, now = self._reserve()
        delay = slot - now
        if delay > 0:
            time.sleep(delay)
        return delay

    def defer(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` from now (a server's ``Retry-After``)."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + max(0.0, seconds))


_LIMITERS: dict[str, RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(host: str, rate_per_s: float) -> RateLimiter:
    """The process-wide limiter of ``host`` (``name:port``); the latest client sets its rate."""
    with _LIMITERS_LOCK:
        lim = _LIMITERS.get(host)
        if lim is None:
            lim = _LIMITERS[host] = RateLimiter(rate_per_s)
        elif abs(lim.rate - rate_per_s) > 1e-9:
            lim.set_rate(rate_per_s)
        return lim


# --------------------------------------------------------------------------- helpers


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date; None if absent/bad."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    ref = time.time() if now is None else now
    return max(0.0, when.timestamp() - ref)


def safe_url(url: str, params: Params | None = None) -> str:
    """``url?params`` with secrets (api_key, email) removed, for messages and cache keys."""
    items = sorted((k, str(v)) for k, v in (params or {}).items() if v is not None and k not in SECRET_PARAMS)
    return url + ("?" + urlencode(items) if items else "")


def make_http_client(*, timeout: float = 30.0, email: str | None = None) -> httpx.Client:
    """An ``httpx.Client`` with rxevidence's User-Agent; proxies come from the usual env vars."""
    ua = USER_AGENT
    email = email or os.environ.get("RXEVIDENCE_EMAIL")
    if email:
        ua += f" mailto:{email}"
    return httpx.Client(timeout=timeout, headers={"User-Agent": ua}, follow_redirects=True)


@dataclass
class ApiResponse:
    """A response body and where it came from."""

    url: str  # without secrets
    status: int
    body: bytes
    from_cache: bool = False
    age_s: float = 0.0
    attempts: int = 0


@dataclass
class ClientStats:
    requests: int = 0  # HTTP requests actually sent (retries included)
    retries: int = 0
    cache_hits: int = 0
    cache_ages_s: list[float] = field(default_factory=list)
    waited_s: float = 0.0  # time spent in the rate limiter

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "retries": self.retries,
            "cache_hits": self.cache_hits,
            "max_cache_age_s": round(max(self.cache_ages_s), 1) if self.cache_ages_s else None,
            "rate_wait_s": round(self.waited_s, 3),
        }


class _Retryable(Exception):
    """Internal: an attempt failed in a way worth retrying."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None, connect: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.connect = connect  # the host could not be reached at all


# --------------------------------------------------------------------------- the client base


class ApiClient:
    """Base of the live clients: GET with cache, offline guard, per-host rate limit and retries.

    :param http: the ``httpx.Client`` to send requests with (inject a fake one in tests).
    :param store: where to cache response bodies; ``None`` disables the cache.
    :param base_url: overrides ``$<env_url>`` and the default public URL.
    :param offline: forbid the network (cache hits are still served); default ``$RXEVIDENCE_OFFLINE``.
    :param rate: requests per second for this host (default: the API's published limit).
    :param timeout: seconds per request (connect, read, write, pool).
    :param max_attempts: attempts per request, first included.
    :param backoff_base: first backoff in seconds; doubles each retry (with jitter), capped at ``backoff_max``.
    :param max_retry_after: give up rather than wait when a server asks for a longer ``Retry-After``.
    :param cache_max_age_s: accept cached bodies younger than this (default ``$RXEVIDENCE_CACHE_MAX_AGE`` or a week).
    """

    name: ClassVar[str] = "api"
    env_url: ClassVar[str] = ""
    default_url: ClassVar[str] = ""
    default_rate: ClassVar[float] = 1.0

    def __init__(
        self,
        http: httpx.Client,
        store: Store | None = None,
        *,
        base_url: str | None = None,
        offline: bool | None = None,
        rate: float | None = None,
        timeout: float = 30.0,
        max_attempts: int = 4,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        max_retry_after: float = 120.0,
        cache_max_age_s: float | None = None,
    ) -> None:
        self.http = http
        self.store = store
        self.base_url = (base_url or os.environ.get(self.env_url) or self.default_url).rstrip("/")
        self.offline = env_offline() if offline is None else offline
        self.host = urlsplit(self.base_url).netloc or self.base_url
        self.hostname = urlsplit(self.base_url).hostname or self.host
        self.rate = rate if rate is not None else self.default_rate
        self.limiter = limiter_for(self.host, self.rate)
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_retry_after = max_retry_after
        self.cache_max_age_s = env_cache_max_age() if cache_max_age_s is None else cache_max_age_s
        self.stats = ClientStats()
        self._stats_lock = threading.Lock()

    # -- hooks for subclasses
    def default_params(self) -> dict[str, str]:
        """Parameters added to every request (API keys, tool/email identification)."""
        return {}

    # -- public
    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def cache_key(self, path: str, params: Params | None) -> str:
        return f"{self.name} GET {safe_url(self.url(path), params)}"

    def fetch(
        self,
        path: str,
        params: Params | None,
        parse: Callable[[bytes], T],
        *,
        accept: Collection[int] = (),
        use_cache: bool = True,
    ) -> tuple[T, ApiResponse]:
        """GET ``path`` and parse the body; cached bodies are re-parsed, bad bodies never cached.

        ``accept`` lists extra HTTP statuses handed to ``parse`` instead of raising (e.g. openFDA's
        404 for "no match"); those responses are not cached.
        """
        params = {k: v for k, v in (params or {}).items() if v is not None}
        shown = safe_url(self.url(path), params)
        key = self.cache_key(path, params)
        if use_cache and self.store is not None:
            hit = self.store.cache_get(key, max_age_s=None if self.offline else self.cache_max_age_s)
            if hit is not None:
                body, age = hit
                try:
                    cached = parse(body)
                except (RxEvidenceError, ValueError):
                    pass  # an unreadable cache entry: fetch again below
                else:
                    with self._stats_lock:
                        self.stats.cache_hits += 1
                        self.stats.cache_ages_s.append(age)
                    return cached, ApiResponse(shown, 200, body, from_cache=True, age_s=age)
        if self.offline:
            raise OfflineError(
                f"offline mode (--offline or RXEVIDENCE_OFFLINE=1) forbids the network: not fetching {shown}",
                url=shown,
            )
        resp = self._get(path, params, shown, accept=accept)
        try:
            value = parse(resp.body)
        except (RxEvidenceError, ValueError) as e:
            if isinstance(e, SourceError):
                raise
            raise SourceError(
                f"truncated or malformed response from {self.hostname} ({shown}): {e}; nothing was stored",
                url=shown,
                http_status=resp.status,
            ) from e
        if use_cache and self.store is not None and resp.status == 200:
            self.store.cache_put(key, resp.body, content_type=None)
        return value, resp

    # -- internals
    def _stop(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self.max_attempts:
            return True
        exc = state.outcome.exception() if state.outcome else None
        # an unreachable host is tried twice, not max_attempts times: fail fast, answer from the store
        return isinstance(exc, _Retryable) and exc.connect and state.attempt_number >= 2

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return 0.0  # the host limiter was pushed back; acquire() does the waiting
        n = max(1, state.attempt_number)
        delay = min(self.backoff_max, self.backoff_base * (2 ** (n - 1)))
        return delay * (0.5 + random.random() / 2)

    def _get(self, path: str, params: dict[str, Any], shown: str, *, accept: Collection[int]) -> ApiResponse:
        url = self.url(path)
        full = {**params, **self.default_params()}
        attempts = 0

        def attempt() -> ApiResponse:
            nonlocal attempts
            attempts += 1
            waited = self.limiter.acquire()
            with self._stats_lock:
                self.stats.requests += 1
                self.stats.waited_s += waited
                if attempts > 1:
                    self.stats.retries += 1
            try:
                r = self.http.get(url, params=full, timeout=self.timeout)
            except httpx.TimeoutException as e:
                raise _Retryable(f"{self.hostname} timed out after {self.timeout:g}s ({type(e).__name__})") from e
            except (httpx.ConnectError, httpx.UnsupportedProtocol, httpx.ProxyError) as e:
                raise _Retryable(f"cannot reach {self.hostname}: {e or type(e).__name__}", connect=True) from e
            except httpx.TransportError as e:  # cut mid-body, reset, protocol error
                raise _Retryable(f"transfer from {self.hostname} failed: {e or type(e).__name__}") from e
            if r.status_code in RETRY_STATUSES:
                ra = parse_retry_after(r.headers.get("Retry-After"))
                if ra is not None and ra > self.max_retry_after:
                    raise SourceError(
                        f"{self.hostname} answered HTTP {r.status_code} and asks to retry after {ra:.0f}s "
                        f"(more than {self.max_retry_after:.0f}s); try again later ({shown})",
                        url=shown,
                        http_status=r.status_code,
                    )
                if ra is not None:
                    self.limiter.defer(ra)
                raise _Retryable(f"{self.hostname} answered HTTP {r.status_code}", status=r.status_code, retry_after=ra)
            if r.status_code != 200 and r.status_code not in accept:
                snippet = r.text[:200].strip().replace("\n", " ")
                raise SourceError(
                    f"{self.hostname} answered HTTP {r.status_code} for {shown}" + (f": {snippet}" if snippet else ""),
                    url=shown,
                    http_status=r.status_code,
                )
            return ApiResponse(shown, r.status_code, r.content, attempts=attempts)

        retrying = Retrying(
            stop=self._stop,
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _Retryable as e:
            raise SourceError(
                f"{e.message} (gave up after {attempts} attempt{'s' if attempts != 1 else ''}; {shown})",
                url=shown,
                http_status=e.status,
            ) from e


def call_converter(fn: Callable[..., Any], item: Any, *, source: str, position: int) -> Any:
    """Call a per-result converter whatever its keywords (``source=`` or ``path=``/``position=``)."""
    params: Mapping[str, inspect.Parameter]
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        params = {}
    kwargs: dict[str, Any] = {}
    if "source" in params:
        kwargs["source"] = source
    elif "path" in params:
        kwargs["path"] = source
    if "position" in params:
        kwargs["position"] = position
    return fn(item, **kwargs)


def iso_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


__all__ = [
    "ApiClient",
    "call_converter",
    "ApiResponse",
    "ClientStats",
    "RateLimiter",
    "RETRY_STATUSES",
    "env_offline",
    "iso_now",
    "limiter_for",
    "make_http_client",
    "parse_retry_after",
    "safe_url",
]
