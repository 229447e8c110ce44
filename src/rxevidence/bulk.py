"""``bulk``: ingest many files in parallel on Dask (a LocalCluster or an existing scheduler).

Each file is one *prepare* task on a worker: parse it (``sources.registry``) and appraise every
record (``appraise.appraise_record``), keeping the result as compact JSON lines. The writes then
happen **in file order where order matters**:

* PostgreSQL (several writers): a *commit* task runs on the worker that holds the prepared file
  and writes it itself, in batches of ``batch_size``, each batch in one transaction with the
  file's progress mark (exactly as :func:`rxevidence.ingest.ingest_file`). The client learns
  each prepared file's record ids and makes file *i*'s commit depend on the commit of every
  earlier, still uncommitted file *j* whose ids intersect file *i*'s. Baseline files (disjoint
  PMIDs) therefore commit in parallel, while an update file that revises or deletes a record
  of an earlier file waits for it: for every record the writes land in file order, so the final
  store equals a serial run (writes to different ids commute).
* SQLite (one writer): workers return the prepared files to the client, which writes them
  strictly in file order as they arrive.

Parsing and appraisal (about 25 ms a record, by far the largest cost) run fully in parallel;
only the short writes are ordered. At most ``window`` files are prepared but not yet committed,
which bounds memory. Files are sorted by name (natural order), so a PubMed baseline
(``pubmed24n0001``...) comes before its update files (``pubmed24n1220``...).

Resumable per file: a file marked ``done`` is skipped, a ``partial`` one resumes after its
last committed batch (the same progress keys as the serial ingest, so either can resume the
other). Workers must see the same paths as the client (a shared file system on a cluster).
"""

from __future__ import annotations

import re
import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, ParseError, RxEvidenceError, StoreError
from .ingest import (
    FINISHED,
    PARTIAL,
    FileSummary,
    IngestSummary,
    default_appraiser,
    file_key,
    reason_key,
    skip_message,
)
from .models import Appraisal, Deletion, Record, Section, Skipped, VocabTerm
from .sources.registry import FileUnreadable, detect, load_builtin
from .store import open_store
from .store.base import Store, UpsertCounts

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

# item tags in a prepared file (one JSON document per item)
_REC, _DEL, _SKIP, _VOCAB = "r", "d", "s", "v"


@dataclass
class FileJob:
    """One file to ingest, as planned on the client."""

    index: int
    path: str
    format: str
    key: str  # progress key (rxevidence.ingest.file_key)


@dataclass
class PreparedFile:
    """A parsed and appraised file, items serialised as JSON (cheap to move and to keep)."""

    job: FileJob
    start_at: int = 0  # items already committed by an earlier run
    already_done: bool = False
    # (tag, item JSON, appraisal JSON or "") in file order, from position start_at + 1
    items: list[tuple[str, str, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # record ids (and vocabulary keys) this file writes or deletes
    final_error: str | None = None  # a ParseError that cut the file short
    seconds: float = 0.0


# ---------------------------------------------------------------- worker side

_WORKER_STORES: dict[str, Store] = {}


def _worker_store(url: str) -> Store:
    """One store per worker process and URL (connections and migrations are not free)."""
    s = _WORKER_STORES.get(url)
    if s is None:
        s = open_store(url)
        _WORKER_STORES[url] = s
    return s


def warm_up() -> bool:
    """Load the parsers and the appraiser's models in this process (run on every worker)."""
    load_builtin()
    appraiser = default_appraiser()
    if appraiser is not None:
        text = ("Sixty adults with acute low back pain were randomised to diazepam 5 mg or placebo for 7 days. "
                "Pain intensity did not differ between groups (mean difference -0.3, 95% CI -1.1 to 0.5).")
        appraiser(Record(id="pmid:0", kind="article", title="Diazepam for acute low back pain: a randomised trial",
                         sections=[Section(text=text)], publication_types=["Randomized Controlled Trial"]))
    return True


def prepare_file(
    job: FileJob,
    *,
    options: dict[str, Any],
    appraise: bool,
    start_at: int | None = None,
    store_url: str | None = None,
    restart: bool = False,
) -> PreparedFile:
    """Parse and appraise one file (a Dask task). The progress mark is read from ``store_url``
    when given (PostgreSQL: the worker reads it itself), else ``start_at`` comes from the client."""
    t0 = time.perf_counter()
    out = PreparedFile(job=job)
    if store_url is not None and not restart:
        prog = _worker_store(store_url).progress_get(job.key)
        if prog and prog["status"] in FINISHED:
            out.already_done = True
            return out
        start_at = int(prog["done"]) if prog else 0
    if start_at is not None and start_at < 0:  # the client found it done
        out.already_done = True
        return out
    out.start_at = start_at or 0
    source = detect(job.path, fmt=job.format)
    appraiser = default_appraiser() if appraise else None
    ids: dict[str, None] = {}
    position = 0
    try:
        for item in source.parse(job.path, **options):
            position += 1
            if position <= out.start_at:
                continue
            if isinstance(item, Record):
                a = appraiser(item) if appraiser is not None else None
                out.items.append((_REC, item.model_dump_json(exclude_defaults=True),
                                  a.model_dump_json(exclude_defaults=True) if a is not None else ""))
                ids[item.id] = None
            elif isinstance(item, Deletion):
                out.items.append((_DEL, item.model_dump_json(exclude_defaults=True), ""))
                ids[item.id] = None
            elif isinstance(item, VocabTerm):
                out.items.append((_VOCAB, item.model_dump_json(exclude_defaults=True), ""))
                # vocabulary rows are keys too: two files adding the same term commit one after the other
                # (concurrent inserts of the same keys in different orders could deadlock)
                ids[f"vocab:{item.term}\t{item.kind}\t{item.canonical}"] = None
            elif isinstance(item, Skipped):
                out.items.append((_SKIP, item.model_dump_json(exclude_defaults=True), ""))
    except ParseError as e:
        # the rest of the file is unreadable: keep what was read, report where it broke
        out.final_error = str(e)
    out.ids = list(ids)
    out.seconds = time.perf_counter() - t0
    return out


def prepared_ids(prepared: PreparedFile) -> list[str]:
    """The record ids a prepared file touches (a tiny task, so the client need not fetch items)."""
    return prepared.ids


def commit_prepared(store: Store, prepared: PreparedFile, *, batch_size: int = 1000) -> FileSummary:
    """Write a prepared file in batches; each batch and the progress mark in one transaction."""
    job = prepared.job
    summary = FileSummary(path=job.path, format=job.format, resumed_from=prepared.start_at)
    if prepared.already_done:
        summary.already_done = True
        return summary
    t0 = time.perf_counter()
    position = prepared.start_at
    items = prepared.items

    def flush(chunk: list[tuple[str, str, str]], final: bool) -> None:
        nonlocal position
        counts = UpsertCounts()
        vocab: list[tuple[str, str, str, str]] = []
        with store.transaction():
            for tag, body, extra in chunk:
                if tag == _REC:
                    record = Record.model_validate_json(body)
                    outcome = store.upsert_record(record, counts)
                    if extra and outcome in ("added", "updated"):
                        store.put_appraisal(Appraisal.model_validate_json(extra))
                elif tag == _DEL:
                    if store.delete_record(Deletion.model_validate_json(body).id):
                        counts.deleted += 1
                    else:
                        counts.skip("deletion of a record not in the store")
                elif tag == _VOCAB:
                    v = VocabTerm.model_validate_json(body)
                    vocab.append((v.term, v.kind, v.canonical, v.source or job.format))
                elif tag == _SKIP:
                    s = Skipped.model_validate_json(body)
                    counts.skip(reason_key(s.reason))
                    if not s.unsupported:
                        summary.problem(skip_message(s, job.path))
            if final and prepared.final_error:
                counts.skip("malformed input")
                summary.problem(prepared.final_error)
                summary.complete = False
            if vocab:
                summary.vocab_terms += store.vocab_add(vocab)
            position += len(chunk)
            info = {"problems": summary.problems, "errors": summary.errors} if final and summary.problems else {}
            store.progress_set(job.key, status=summary.status if final else PARTIAL, done=position, info=info)
        summary.counts.merge(counts)

    step = max(1, batch_size)
    for i in range(0, len(items), step):
        flush(items[i : i + step], final=i + step >= len(items))
    if not items:
        flush([], final=True)
    summary.records = len(items)
    summary.seconds = prepared.seconds + (time.perf_counter() - t0)
    return summary


def commit_on_worker(prepared: PreparedFile, store_url: str, after: list[Any], batch_size: int) -> FileSummary:
    """A Dask task: write a prepared file into the (PostgreSQL) store from the worker.

    ``after`` holds the results of the commits this one must follow; Dask resolves them first,
    which is the whole ordering mechanism."""
    del after
    return commit_prepared(_worker_store(store_url), prepared, batch_size=batch_size)


# ---------------------------------------------------------------- client side

_NUM = re.compile(r"(\d+)")


def _natural(name: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p.lower() for p in _NUM.split(name))


def plan_files(paths: Iterable[str | Path], *, fmt: str | None = None,
               options: dict[str, Any] | None = None) -> tuple[list[FileJob], list[FileSummary]]:
    """Expand directories, detect formats, and order files by name (baseline before updates).

    Returns the jobs and summaries for files skipped as unrecognised (found by walking a directory).
    """
    found: list[tuple[str, bool]] = []
    for p in paths:
        pp = Path(p)
        if pp.is_dir():
            found.extend((str(x), True) for x in sorted(pp.rglob("*")) if x.is_file() and not x.name.startswith("."))
        else:
            if not pp.exists():
                raise InputError(f"{pp}: no such file")
            found.append((str(pp), False))
    found.sort(key=lambda t: (_natural(Path(t[0]).name), t[0]))
    jobs: list[FileJob] = []
    skipped: list[FileSummary] = []
    seen: set[str] = set()
    for f, walked in found:
        if f in seen:
            continue
        seen.add(f)
        try:
            source = detect(f, fmt=fmt)
        except FileUnreadable as e:
            fs = FileSummary(path=f, format="unknown", complete=False)
            fs.counts.skip("unreadable file")
            fs.problem(f"{e.message}; skipped")
            skipped.append(fs)
            continue
        except InputError:
            if not walked or fmt is not None:
                raise
            fs = FileSummary(path=f, format="unknown")
            fs.counts.skip("unrecognised format")
            fs.errors.append(f"{f}: not a known record format; skipped (name one with --format)")
            skipped.append(fs)
            continue
        key = file_key(f, {"format": source.name, **(options or {})})
        jobs.append(FileJob(index=len(jobs), path=f, format=source.name, key=key))
    return jobs, skipped


def local_client(workers: int) -> Client:
    """A LocalCluster client: ``workers`` processes, one thread each; its HTTP status server on a free port."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:  # pragma: no cover - depends on extras
        raise InputError(f"--workers needs Dask: pip install 'rxevidence[server]' ({e})") from e
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=40)
    return Client(cluster)


def _is_postgres(store: Store) -> bool:
    return str(getattr(store, "url", "")).startswith(("postgresql://", "postgres://"))


def ingest_parallel(
    store: Store,
    paths: Iterable[str | Path],
    *,
    workers: int = 2,
    scheduler: str | None = None,
    fmt: str | None = None,
    options: dict[str, Any] | None = None,
    appraise: bool = True,
    batch_size: int = 1000,
    restart: bool = False,
    client: Client | None = None,
    window: int | None = None,
) -> IngestSummary:
    """Ingest files in parallel on Dask; the same result as :func:`rxevidence.ingest.ingest_paths`.

    :param workers: LocalCluster size when neither ``scheduler`` nor ``client`` is given.
    :param scheduler: address of an existing Dask scheduler (``tcp://host:8786``).
    :param client: an existing ``distributed.Client`` (kept open; tests and benchmarks reuse one).
    :param window: most files prepared but not yet committed (memory bound; default 2 x workers + 2).
    :raises InputError: a named file is missing or of unknown format.
    :raises StoreError: a write failed.
    """
    options = dict(options or {})
    jobs, unknown = plan_files(paths, fmt=fmt, options=options)
    total = IngestSummary()
    for fs in unknown:
        total.files.append(fs)
        total.counts.merge(fs.counts)
    t0 = time.perf_counter()
    own_client = None
    if client is None:
        if scheduler:
            from distributed import Client as _Client

            own_client = _Client(scheduler)
        else:
            own_client = local_client(max(1, workers))
        client = own_client
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        window = window or (2 * n_workers + 2)
        if _is_postgres(store):
            summaries = _run_postgres(client, store, jobs, options, appraise, batch_size, restart, window)
        else:
            summaries = _run_single_writer(client, store, jobs, options, appraise, batch_size, restart, window)
    finally:
        if own_client is not None:
            cluster = own_client.cluster if scheduler is None else None
            own_client.close()
            if cluster is not None:
                cluster.close()
    for fs in summaries:
        total.vocab_terms += fs.vocab_terms
        total.files.append(fs)
        total.counts.merge(fs.counts)
    total.files.sort(key=lambda f: (_natural(Path(f.path).name), f.path))
    total.seconds = time.perf_counter() - t0
    return total


def _raise(err: BaseException) -> None:
    if isinstance(err, RxEvidenceError):
        raise err
    raise StoreError(f"Parallel ingest failed: {type(err).__name__}: {err}") from err


def _run_single_writer(client: Client, store: Store, jobs: list[FileJob], options: dict[str, Any],
                       appraise: bool, batch_size: int, restart: bool, window: int) -> list[FileSummary]:
    """Workers prepare, the client writes, strictly in file order (SQLite: one writer)."""
    from distributed import as_completed

    out: list[FileSummary] = []
    futures: dict[int, Any] = {}
    ready: dict[int, PreparedFile] = {}
    next_submit = 0
    next_write = 0
    ac = as_completed()

    def submit_more() -> None:
        nonlocal next_submit
        while next_submit < len(jobs) and next_submit - next_write < window:
            job = jobs[next_submit]
            prog = None if restart else store.progress_get(job.key)
            start = -1 if (prog and prog["status"] in FINISHED) else (int(prog["done"]) if prog else 0)
            f = client.submit(prepare_file, job, options=options, appraise=appraise, start_at=start,
                              pure=False, key=f"rx-prepare-{job.index}-{time.time_ns()}")
            futures[job.index] = f
            ac.add(f)
            next_submit += 1

    submit_more()
    try:
        for fut in ac:
            try:
                prepared: PreparedFile = fut.result()
            except Exception as e:  # a worker error: stop everything, report it once
                _raise(e)
            ready[prepared.job.index] = prepared
            futures.pop(prepared.job.index, None)
            while next_write in ready:
                out.append(commit_prepared(store, ready.pop(next_write), batch_size=batch_size))
                next_write += 1
            submit_more()
    finally:
        for f in futures.values():
            f.cancel()
    return out


def _run_postgres(client: Client, store: Store, jobs: list[FileJob], options: dict[str, Any],
                  appraise: bool, batch_size: int, restart: bool, window: int) -> list[FileSummary]:
    """Workers prepare and write; commits that touch the same ids follow file order."""
    from distributed import as_completed

    url = store.url
    out: list[FileSummary] = []
    prep: dict[int, Any] = {}
    ids_known: dict[int, frozenset[str]] = {}
    commits: dict[int, Any] = {}
    kinds: dict[Hashable, tuple[str, int]] = {}  # future key -> (stage, file index)
    next_submit = 0
    next_commit = 0  # the first file whose commit is not submitted yet
    finished = 0
    ac = as_completed()

    def submit_more() -> None:
        nonlocal next_submit
        while next_submit < len(jobs) and next_submit - finished < window:
            job = jobs[next_submit]
            p = client.submit(prepare_file, job, options=options, appraise=appraise, store_url=url,
                              restart=restart, pure=False, key=f"rx-prepare-{job.index}-{time.time_ns()}")
            q = client.submit(prepared_ids, p, pure=False, key=f"rx-ids-{job.index}-{time.time_ns()}")
            prep[job.index] = p
            kinds[q.key] = ("ids", job.index)
            ac.add(q)
            next_submit += 1

    def submit_commits() -> None:
        nonlocal next_commit
        while next_commit in ids_known:
            i = next_commit
            mine = ids_known[i]
            after = [commits[j] for j in range(i) if j in commits and mine & ids_known[j]]
            c = client.submit(commit_on_worker, prep[i], url, after, batch_size, pure=False, priority=10,
                              key=f"rx-commit-{i}-{time.time_ns()}")
            commits[i] = c
            kinds[c.key] = ("commit", i)
            ac.add(c)
            next_commit += 1

    submit_more()
    try:
        for fut in ac:
            stage, i = kinds.pop(fut.key)
            try:
                result = fut.result()
            except Exception as e:  # a worker error: stop everything, report it once
                _raise(e)
            if stage == "ids":
                ids_known[i] = frozenset(result)
                submit_commits()
            else:
                out.append(result)
                finished += 1
                prep.pop(i, None)  # release the prepared file on its worker
                commits.pop(i, None)
                ids_known[i] = frozenset()  # committed: nothing later needs to wait for it
                submit_more()
    finally:
        for f in list(prep.values()) + list(commits.values()):
            f.cancel()
    return out


__all__ = [
    "FileJob",
    "PreparedFile",
    "commit_prepared",
    "ingest_parallel",
    "local_client",
    "plan_files",
    "prepare_file",
    "warm_up",
]
