"""Answer anything online: when the store holds nothing for a question, fetch it first.

``ask(..., online="auto")`` (the default of ``rxevidence ask``) calls :func:`fetch_when_missing` when the
brief built from the local store cites no study for the pair. It

1. checks that the network is there with one short TCP connect to the PubMed host (no DNS, no route, or a
   refused connection answer in well under a second, so an unreachable network costs almost nothing);
2. fetches PubMed systematic reviews and RCTs for drug AND condition, the openFDA label and
   ClinicalTrials.gov studies (:func:`rxevidence.live.fetch_for_query`), stores and appraises them, with a
   progress callback (``progress(source, done, total)``; the CLI prints it on stderr, the library prints
   nothing);
3. returns the notes the brief should carry: what was fetched, or why nothing could be.

Once the records are stored, the same question is answered from the store without any network: the
store now has studies for the pair, or (when the live sources had nothing that matches) a marker in its
``http_cache`` table records that this question was searched, and when. The answer is deterministic from
then on. ``offline=True`` or ``RXEVIDENCE_OFFLINE=1`` forbids all of it.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from .live import ClientOptions, ProgressFn, fetch_for_query
from .models import Query
from .sources.http import env_cache_max_age, env_offline
from .sources.pubmed_api import PubMedClient, build_pubmed_term
from .store.base import Store

PROBE_TIMEOUT_S = 1.5
AUTO_OPTIONS = ClientOptions(timeout=15.0, max_attempts=2, backoff_base=0.5)
"""Shorter timeouts and fewer retries than ``ask --online``: a question is waiting."""


@dataclass
class AutoFetch:
    """What :func:`fetch_when_missing` did."""

    attempted: bool = False
    reachable: bool | None = None
    fetched: int = 0
    notes: tuple[str, ...] = ()


def auto_allowed(*, offline: bool) -> bool:
    """Online fetching is allowed unless ``offline`` or ``RXEVIDENCE_OFFLINE`` says no."""
    return not offline and not env_offline()


def probe(url: str | None = None, *, timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """None when a TCP connection to the PubMed host (``$RXEVIDENCE_PUBMED_URL`` or the public one) opens
    within ``timeout`` seconds, else the reason in a few words."""
    base = url or os.environ.get(PubMedClient.env_url) or PubMedClient.default_url
    parts = urlsplit(base)
    host = parts.hostname or base
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except socket.gaierror:
        return f"cannot resolve {host} (no network?)"
    except TimeoutError:
        return f"no answer from {host} within {timeout:g} s"
    except OSError as e:
        return f"cannot reach {host} ({e.strerror or type(e).__name__})"


def marker_key(query: Query) -> str:
    """The ``http_cache`` key that records an automatic search for this question (drugs and condition)."""
    drugs = sorted(d.name.lower() for d in query.drugs)
    cond = query.condition.id if query.condition else ""
    return "autofetch:" + json.dumps([drugs, cond, query.relation])


def fetch_when_missing(
    store: Store,
    query: Query,
    *,
    client: Any = None,
    progress: ProgressFn | None = None,
    options: ClientOptions | None = None,
    check_network: bool = True,
) -> AutoFetch:
    """Fetch, store and appraise the live records for ``query``; never raises for a source.

    :param client: an ``httpx.Client`` to use (tests hand in one bound to the loopback fake); when given,
        the network probe is skipped.
    """
    seen = store.cache_get(marker_key(query), max_age_s=env_cache_max_age())
    if seen is not None:
        info = json.loads(seen[0])
        return AutoFetch(attempted=False, reachable=None, notes=(
            f"The live sources were searched for this question on {info.get('at', '?')} "
            f"({info.get('fetched', 0)} records stored); none of them is a study of this drug for this "
            "condition.",))
    if check_network and client is None:
        reason = probe()
        if reason:
            return AutoFetch(attempted=False, reachable=False, notes=(
                f"Nothing stored for this question, and the live sources are unreachable: {reason}. "
                "This brief is answered from the local store only; run again with a network, or "
                "`rxevidence fetch pubmed ...`, to add records.",))
    result = fetch_for_query(store, query, client=client, progress=progress, options=options or AUTO_OPTIONS)
    fetched = sum(result.counts.values())
    notes: list[str] = []
    if fetched:
        parts = ", ".join(f"{n} from {src}" for src, n in result.counts.items() if n)
        notes.append(f"Nothing was stored for this question, so rxevidence fetched {fetched} records ({parts}) "
                     "from the live sources, stored and appraised them; later answers use them offline.")
    for e in result.errors:
        notes.append(f"Live sources: {e}")
    if not fetched and not result.errors:
        notes.append("Nothing was stored for this question and the live sources returned no records for it.")
    if not result.errors:  # a complete search: remember it, so the next answer needs no network
        at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        store.cache_put(marker_key(query), json.dumps({"at": at, "fetched": fetched,
                                                       "term": build_pubmed_term(query)}).encode())
    return AutoFetch(attempted=True, reachable=True, fetched=fetched, notes=tuple(notes))


__all__ = ["AUTO_OPTIONS", "AutoFetch", "auto_allowed", "fetch_when_missing", "probe"]
