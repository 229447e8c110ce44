"""Driver errors (sqlite3, psycopg) -> one :class:`~rxevidence.errors.StoreError` with a clear line.

Both backends and the CLI's last-resort handler call :func:`store_error`, so disk full, read-only,
permission and busy errors read the same whichever backend raised them and wherever they surfaced.
"""

from __future__ import annotations

from ..errors import StoreBusy, StoreError, StoreIOError, StoreReadOnly

BUSY_HINT = "another process is writing to it"


def _sqlite_kind(e: BaseException) -> str:
    name = getattr(e, "sqlite_errorname", "") or ""
    msg = str(e).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in msg:
        return "busy"
    if name == "SQLITE_FULL" or "disk is full" in msg:
        return "full"
    if name.startswith("SQLITE_READONLY") or "readonly database" in msg:
        return "readonly"
    if name in ("SQLITE_PERM", "SQLITE_AUTH") or "permission" in msg:
        return "permission"
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or "disk i/o error" in msg or "unable to open" in msg:
        return "io"
    if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in msg or "not a database" in msg:
        return "corrupt"
    return ""


def _pg_kind(e: BaseException) -> str:
    code = getattr(e, "sqlstate", None) or ""
    if code in ("55P03", "40P01") or type(e).__name__ in ("LockNotAvailable", "DeadlockDetected"):
        return "busy"
    if code == "53100":
        return "full"
    if code == "25006":
        return "readonly"
    if code == "42501":
        return "permission"
    if code.startswith("58") or code.startswith("53"):
        return "io"
    return ""


def error_kind(e: BaseException) -> str:
    """"busy", "full", "readonly", "permission", "io", "corrupt" or "" for a driver error."""
    mod = type(e).__module__
    if mod.startswith("sqlite3"):
        return _sqlite_kind(e)
    if mod.startswith("psycopg"):
        return _pg_kind(e)
    if isinstance(e, PermissionError):
        return "permission"
    if isinstance(e, OSError):
        return "full" if getattr(e, "errno", None) == 28 else "io"
    return ""


def store_error(e: BaseException, url: str, *, committed: int | None = None, busy_wait: float | None = None) -> StoreError:
    """The StoreError for a driver error ``e`` on the store at ``url``.

    ``committed`` (records already stored safely) goes into the message: the data promise is that
    they are kept and a re-run resumes after them.
    """
    kind = error_kind(e)
    detail = " ".join(str(e).split())[:200]
    if kind == "busy":
        waited = f" for {busy_wait:g} s" if busy_wait else ""
        msg = f"store busy: {BUSY_HINT} and held it{waited}; " \
              f"{committed or 0:,} records committed, re-run resumes ({url})"
        return StoreBusy(msg, committed=committed, url=url, busy_wait=busy_wait)
    what = {
        "full": "disk full",
        "readonly": "the store is read-only",
        "permission": "permission denied",
        "io": "I/O error",
        "corrupt": "the store file is damaged",
    }.get(kind, "store error")
    if committed is None:
        tail = "nothing was changed" if kind in ("readonly", "permission") else "the last write was rolled back"
    else:
        tail = f"{committed:,} records committed; free space or fix access, then re-run to resume"
        if kind in ("readonly", "permission"):
            tail = f"{committed:,} records committed; open a writable store (--db) and re-run to resume"
    msg = f"{what} writing {url} ({detail}); {tail}"
    cls = StoreReadOnly if kind in ("readonly", "permission") else StoreIOError if kind in ("full", "io") else StoreError
    return cls(msg, committed=committed, url=url, busy_wait=busy_wait)


def with_committed(e: StoreError, committed: int) -> StoreError:
    """``e`` again, its message saying that ``committed`` records are safely stored and a re-run resumes."""
    cause = e.__cause__
    if cause is not None and is_driver_error(cause) and e.url:
        out = store_error(cause, e.url, committed=committed, busy_wait=e.busy_wait)
    else:
        base = e.message.split("; ", 1)[0] if e.committed is not None else e.message
        out = type(e)(f"{base}; {committed:,} records committed, re-run resumes", committed=committed,
                      url=e.url, busy_wait=e.busy_wait)
    out.__cause__ = cause
    return out


def is_driver_error(e: BaseException) -> bool:
    """True for sqlite3 / psycopg errors (the ones :func:`store_error` translates)."""
    mod = type(e).__module__
    return mod.startswith("sqlite3") or mod.startswith("psycopg")


__all__ = ["error_kind", "is_driver_error", "store_error", "with_committed"]
