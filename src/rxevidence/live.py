"""Live fetching: pull the records a question needs from PubMed, openFDA, ClinicalTrials.gov and
RxNav, appraise them and keep them in the store.

``fetch_for_query`` is what ``ask --online`` calls before synthesising; each source fails on its
own (the error is recorded in :class:`LiveResult` and the caller answers from the store). The
``fetch_*`` functions back ``rxevidence fetch pubmed|labels|trials``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import OfflineError, RxEvidenceError, SourceError
from .ingest import Appraiser, default_appraiser
from .models import Deletion, Query, Record, Skipped
from .sources.ctgov_api import CTGovClient
from .sources.http import ApiClient, env_offline, iso_now, make_http_client
from .sources.openfda_api import OpenFDAClient
from .sources.pubmed_api import BATCH_SIZE, PubMedClient, build_pubmed_term
from .sources.rxnav_api import RxNavClient
from .store.base import Store, UpsertCounts

ProgressFn = Callable[[str, int, int | None], None]
"""``progress(source, done, total)``: records fetched so far by a source (total when known)."""

SOURCES: tuple[str, ...] = ("rxnav", "pubmed", "openfda", "ctgov")
UNREACHABLE_SUFFIX = "; answering from the local store"


@dataclass
class ClientOptions:
    """Knobs shared by every live client (tests shrink timeouts and backoff)."""

    timeout: float = 30.0
    max_attempts: int = 4
    backoff_base: float = 0.5
    cache_max_age_s: float | None = None  # default: $RXEVIDENCE_CACHE_MAX_AGE or one week
    rates: dict[str, float] = field(default_factory=dict)  # per source name, overrides the API limit
    base_urls: dict[str, str] = field(default_factory=dict)  # per source name, overrides the env/default

    def kwargs(self, name: str, offline: bool) -> dict[str, Any]:
        return {
            "offline": offline or env_offline(),
            "timeout": self.timeout,
            "max_attempts": self.max_attempts,
            "backoff_base": self.backoff_base,
            "cache_max_age_s": self.cache_max_age_s,
            "rate": self.rates.get(name),
            "base_url": self.base_urls.get(name),
        }


@dataclass
class SourceSummary:
    """What one source fetched and what happened to it in the store."""

    source: str
    query: str | None = None
    fetched: int = 0
    ids: list[str] = field(default_factory=list)
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    appraised: int = 0
    total_available: int | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    failure: str | None = None  # the error that stopped the fetch (also in ``errors``)
    status: int | None = None  # its status (502 source error, 503 offline/unreachable, 400 bad input)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"ok": not self.errors}
        if self.errors:
            d.update(error=self.failure or self.errors[0], status=self.status or 502)
        return d | {
            "source": self.source,
            "query": self.query,
            "fetched": self.fetched,
            **self.counts.as_dict(),
            "appraised": self.appraised,
            "total_available": self.total_available,
            **self.stats,
            "ids": self.ids,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class LiveResult:
    """The outcome of :func:`fetch_for_query`: counts per source, errors, the ids fetched."""

    counts: dict[str, int] = field(default_factory=dict)  # source -> records fetched
    ids: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sources: dict[str, SourceSummary] = field(default_factory=dict)
    rxcuis: dict[str, str] = field(default_factory=dict)  # ingredient -> RxCUI
    classes: dict[str, list[str]] = field(default_factory=dict)  # ingredient -> class names
    pubmed_term: str | None = None
    offline: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "offline": self.offline,
            "counts": dict(self.counts),
            "ids": list(self.ids),
            "errors": list(self.errors),
            "rxcuis": dict(self.rxcuis),
            "classes": {k: list(v) for k, v in self.classes.items()},
            "pubmed_term": self.pubmed_term,
            "sources": {k: v.as_dict() for k, v in self.sources.items()},
            "seconds": round(self.seconds, 3),
        }


# --------------------------------------------------------------------------- storing


def store_items(
    store: Store,
    items: Iterable[Record | Deletion | Skipped],
    summary: SourceSummary,
    *,
    appraiser: Appraiser | None,
) -> None:
    """Store one whole batch in one transaction, then appraise what was added or changed.

    An appraiser failure is reported, never loses the stored records.
    """
    now = iso_now()
    changed: list[Record] = []
    with store.transaction():
        for item in items:
            if isinstance(item, Record):
                if item.provenance is not None and not item.provenance.retrieved_at:
                    item.provenance.retrieved_at = now
                outcome = store.upsert_record(item, summary.counts)
                summary.fetched += 1
                if item.id not in summary.ids:
                    summary.ids.append(item.id)
                if outcome in ("added", "updated"):
                    changed.append(item)
            elif isinstance(item, Deletion):
                if store.delete_record(item.id):
                    summary.counts.deleted += 1
            else:
                summary.counts.skip(item.reason)
    if appraiser is None or not changed:
        return
    with store.transaction():
        for rec in changed:
            try:
                a = appraiser(rec)
            except Exception as e:  # an appraiser bug must not lose fetched records
                summary.errors.append(f"appraising {rec.id} failed: {type(e).__name__}: {e}")
                continue
            if a is not None:
                store.put_appraisal(a)
                summary.appraised += 1


def _appraiser(appraise: bool) -> Appraiser | None:
    return default_appraiser() if appraise else None


@contextmanager
def _guard(summary: SourceSummary, client: ApiClient, *, strict: bool) -> Iterator[None]:
    """Time the fetch, copy the client's stats; when not ``strict``, record the error instead of raising."""
    t0 = time.perf_counter()
    try:
        yield
    except Exception as e:  # isolate the source (strict=False) or re-raise
        if strict:
            raise
        summary.failure = e.message if isinstance(e, RxEvidenceError) else f"unexpected {type(e).__name__}: {e}"
        summary.status = e.status if isinstance(e, RxEvidenceError) else 500
        summary.errors.append(summary.failure)
    finally:
        summary.stats = client.stats.as_dict()
        summary.seconds = time.perf_counter() - t0


def _error_message(e: BaseException) -> str:
    if isinstance(e, SourceError):  # OfflineError included
        return e.message + UNREACHABLE_SUFFIX
    if isinstance(e, RxEvidenceError):
        return e.message
    return f"unexpected {type(e).__name__}: {e}{UNREACHABLE_SUFFIX}"


# --------------------------------------------------------------------------- explicit fetches


def fetch_pubmed(
    store: Store,
    term: str,
    *,
    http: httpx.Client,
    offline: bool = False,
    max_articles: int = 200,
    batch_size: int = BATCH_SIZE,
    appraise: bool = True,
    progress: ProgressFn | None = None,
    options: ClientOptions | None = None,
    strict: bool = True,
) -> SourceSummary:
    """Search PubMed and store up to ``max_articles`` records, batch by batch.

    On failure, raises :class:`SourceError` (``strict``) or records it in ``summary.errors``;
    batches stored before the failure stay stored (each batch is whole), the failing one stores nothing.
    """
    opts = options or ClientOptions()
    client = PubMedClient(http, store, **opts.kwargs("pubmed", offline))
    summary = SourceSummary("pubmed", query=term)
    appraiser = _appraiser(appraise)
    with _guard(summary, client, strict=strict):
        search, batches = client.search_and_fetch(term, max_records=max_articles, batch_size=batch_size)
        summary.total_available = search.count
        want = min(max_articles, search.count if search.webenv else len(search.ids))
        if progress:
            progress("pubmed", 0, want)
        for batch in batches:
            store_items(store, batch, summary, appraiser=appraiser)
            if progress:
                progress("pubmed", summary.fetched, want)
    return summary


def fetch_labels(
    store: Store,
    drug: str,
    *,
    http: httpx.Client,
    offline: bool = False,
    limit: int = 10,
    approvals: bool = True,
    appraise: bool = True,
    progress: ProgressFn | None = None,
    options: ClientOptions | None = None,
    strict: bool = True,
) -> SourceSummary:
    """Store the openFDA labels (and Drugs@FDA approvals) of a generic name."""
    opts = options or ClientOptions()
    client = OpenFDAClient(http, store, **opts.kwargs("openfda", offline))
    summary = SourceSummary("openfda", query=drug)
    appraiser = _appraiser(appraise)
    with _guard(summary, client, strict=strict):
        labels = client.labels(drug, limit=limit)
        store_items(store, labels, summary, appraiser=appraiser)
        if progress:
            progress("openfda", summary.fetched, None)
        if approvals:
            store_items(store, client.approvals(drug, limit=limit), summary, appraiser=appraiser)
            if progress:
                progress("openfda", summary.fetched, None)
    return summary


def fetch_trials(
    store: Store,
    *,
    condition: str | None = None,
    intervention: str | None = None,
    http: httpx.Client,
    offline: bool = False,
    page_size: int = 50,
    max_pages: int = 5,
    appraise: bool = True,
    progress: ProgressFn | None = None,
    options: ClientOptions | None = None,
    strict: bool = True,
) -> SourceSummary:
    """Store the CT.gov v2 studies for a condition and/or intervention (bounded pages)."""
    opts = options or ClientOptions()
    client = CTGovClient(http, store, **opts.kwargs("ctgov", offline))
    summary = SourceSummary("ctgov", query=" / ".join(x for x in (condition, intervention) if x))
    appraiser = _appraiser(appraise)
    with _guard(summary, client, strict=strict):
        for page in client.study_pages(
            condition=condition, intervention=intervention, page_size=page_size, max_pages=max_pages
        ):
            if page.total is not None:
                summary.total_available = page.total
            store_items(store, page.records, summary, appraiser=appraiser)
            if progress:
                want = min(summary.total_available, page_size * max_pages) if summary.total_available else None
                progress("ctgov", summary.fetched, want)
    return summary


# --------------------------------------------------------------------------- for a question


def query_ingredients(query: Query, *, max_class_members: int = 5) -> list[str]:
    """Ingredient names to look up: each drug, or the first members of a drug class."""
    out: list[str] = []
    for d in query.drugs:
        names = d.members[:max_class_members] if d.is_class and d.members else [d.name]
        for n in names:
            if n and n.lower() not in (x.lower() for x in out):
                out.append(n)
    return out


def _error_text(source: str, e: BaseException) -> str:
    return f"{source}: {_error_message(e)}"


def fetch_for_query(
    store: Store,
    query: Query,
    *,
    client: httpx.Client | None = None,
    offline: bool = False,
    max_articles: int = 200,
    progress: ProgressFn | None = None,
    options: ClientOptions | None = None,
    sources: Iterable[str] = SOURCES,
    max_labels: int = 5,
    max_trial_pages: int = 2,
) -> LiveResult:
    """Fetch, appraise and store what the live sources hold for ``query``; never raises for a source.

    Each source's failure (offline, unreachable, HTTP error, malformed body) is recorded in
    ``result.errors`` with the note that the answer comes from the local store; the others go on.
    """
    offline = offline or env_offline()
    opts = options or ClientOptions()
    wanted = set(sources)
    result = LiveResult(offline=offline)
    t0 = time.perf_counter()
    http = client or make_http_client(timeout=opts.timeout)
    ingredients = query_ingredients(query)

    def record(summary: SourceSummary) -> None:
        prev = result.sources.get(summary.source)
        if prev is not None:  # several calls per source (one per drug): merge
            prev.fetched += summary.fetched
            prev.ids.extend(summary.ids)
            prev.counts.merge(summary.counts)
            prev.appraised += summary.appraised
            prev.errors.extend(summary.errors)
            prev.failure = prev.failure or summary.failure
            prev.seconds += summary.seconds
            for k, v in summary.stats.items():
                if isinstance(v, int | float) and isinstance(prev.stats.get(k), int | float):
                    prev.stats[k] = max(prev.stats[k], v) if k == "max_cache_age_s" else prev.stats[k] + v
        else:
            result.sources[summary.source] = summary
        result.counts[summary.source] = result.counts.get(summary.source, 0) + summary.fetched
        for i in summary.ids:
            if i not in result.ids:
                result.ids.append(i)
        result.errors.extend(
            f"{summary.source}: {e}{UNREACHABLE_SUFFIX if e == summary.failure else ''}" for e in summary.errors
        )

    try:
        if "rxnav" in wanted and ingredients:
            rx = RxNavClient(http, store, **opts.kwargs("rxnav", offline))
            try:
                for name in ingredients:
                    known = next((d.rxcui for d in query.drugs if d.name == name and d.rxcui), None)
                    cui = known or rx.resolve(name)
                    if cui:
                        result.rxcuis[name] = cui
                    names = [c.class_name for c in rx.classes(name)]
                    result.classes[name] = list(dict.fromkeys(names))[:20]
            except Exception as e:  # isolate the source: the brief is answered from the store
                result.errors.append(_error_text("rxnav", e))
            result.counts.setdefault("rxnav", 0)

        if "pubmed" in wanted:
            try:
                result.pubmed_term = build_pubmed_term(query)
                record(fetch_pubmed(store, result.pubmed_term, http=http, offline=offline,
                                    max_articles=max_articles, progress=progress, options=opts, strict=False))
            except Exception as e:  # isolate the source
                result.errors.append(_error_text("pubmed", e))
                result.counts.setdefault("pubmed", 0)

        if "openfda" in wanted:
            for name in ingredients:
                try:
                    record(fetch_labels(store, name, http=http, offline=offline, limit=max_labels,
                                        progress=progress, options=opts, strict=False))
                except Exception as e:  # isolate the source
                    result.errors.append(_error_text("openfda", e))
                    result.counts.setdefault("openfda", 0)
                    if isinstance(e, OfflineError) or "cannot reach" in str(e):
                        break  # the same host for every drug: do not wait for it again

        if "ctgov" in wanted and (ingredients or query.condition):
            try:
                cond = query.condition.name if query.condition else None
                intr = " OR ".join(ingredients) if ingredients else None
                record(fetch_trials(store, condition=cond, intervention=intr, http=http, offline=offline,
                                    max_pages=max_trial_pages, progress=progress, options=opts, strict=False))
            except Exception as e:  # isolate the source
                result.errors.append(_error_text("ctgov", e))
                result.counts.setdefault("ctgov", 0)
    finally:
        if client is None:
            http.close()
    result.seconds = time.perf_counter() - t0
    return result


__all__ = [
    "ClientOptions",
    "LiveResult",
    "SOURCES",
    "SourceSummary",
    "fetch_for_query",
    "fetch_labels",
    "fetch_pubmed",
    "fetch_trials",
    "query_ingredients",
]
