"""Domain exceptions, translated once at the edge (CLI: ``Error: ...`` and ``exit_code``; web: ``status``).

Hierarchy (exit code of the CLI in brackets)::

    RxEvidenceError                [1]
    ├── InputError                 [1]  bad user input (empty question, unreadable file)
    │   ├── UsageError             [2]  a bad option value (``--limit 0``, ``--kind bogus``)
    │   ├── ParseError             [65] malformed record data; carries ``path`` and ``position``
    │   └── UnknownDrug            [1]  a word that names no known drug; carries ``suggestions``
    ├── StoreError                 [1]  the store cannot be opened / migrated / written
    │   ├── StoreMissing           [1]  a read command named a store that does not exist
    │   ├── StoreReadOnly          [1]  a write to a read-only store (file, directory, mount or role)
    │   ├── StoreIOError           [1]  disk full, I/O error, permission denied while writing
    │   ├── StoreBusy              [75] another writer held the store longer than the wait
    │   └── SchemaTooNew           [1]  the store was written by a newer rxevidence
    ├── SourceError                [1]  a live source failed (network, HTTP status, bad body)
    │   └── OfflineError           [1]  the network is forbidden (``--offline``) or unreachable
    └── ValidationFailed           [1]  a brief or pack fact failed validation; carries ``problems``

Store write errors raised during ``ingest`` carry ``committed`` (records safely stored before the
failure) and say that a re-run resumes; the CLI prints them as one line. ``ingest`` itself exits 65
(:data:`EXIT_DATA`) when records were skipped as malformed or a file ended early.
"""

from __future__ import annotations

EXIT_ERROR = 1  # an error (the message says what and what to do)
EXIT_USAGE = 2  # a bad command line
EXIT_DATA = 65  # input data was malformed: records were skipped or a file ended early (sysexits EX_DATAERR)
EXIT_BUSY = 75  # the store was busy; try again later, a re-run resumes (sysexits EX_TEMPFAIL)


class RxEvidenceError(Exception):
    """Base class of every error rxevidence raises on purpose."""

    status: int = 500
    exit_code: int = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class InputError(RxEvidenceError):
    status = 400


class UsageError(InputError):
    """A bad option value or argument combination (exit code 2, like the parser's own errors)."""

    exit_code = EXIT_USAGE
    usage = True


class ParseError(InputError):
    exit_code = EXIT_DATA

    def __init__(self, message: str, *, path: str | None = None, position: str | None = None) -> None:
        where = ""
        if path:
            where = f"{path}"
            if position:
                where += f" ({position})"
            where += ": "
        super().__init__(where + message)
        self.path = path
        self.position = position


class UnknownDrug(InputError):
    def __init__(self, word: str, suggestions: list[str] | None = None) -> None:
        self.word = word
        self.suggestions = list(suggestions or [])
        msg = f"Unknown drug: {word!r}"
        if self.suggestions:
            msg += " - did you mean " + ", ".join(self.suggestions[:5]) + "?"
        super().__init__(msg)


class StoreError(RxEvidenceError):
    status = 500

    def __init__(self, message: str, *, committed: int | None = None, url: str | None = None,
                 busy_wait: float | None = None) -> None:
        super().__init__(message)
        self.committed = committed  # records safely stored before the failure (ingest)
        self.url = url
        self.busy_wait = busy_wait


class StoreMissing(StoreError):
    status = 404


class StoreReadOnly(StoreError):
    status = 503


class StoreIOError(StoreError):
    status = 507


class StoreBusy(StoreError):
    status = 503
    exit_code = EXIT_BUSY


class SchemaTooNew(StoreError):
    status = 500


class SourceError(RxEvidenceError):
    status = 502

    def __init__(self, message: str, *, url: str | None = None, http_status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.http_status = http_status


class OfflineError(SourceError):
    status = 503


class ValidationFailed(RxEvidenceError):
    status = 500

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = list(problems or [])
        if self.problems:
            message = message + ":\n  - " + "\n  - ".join(self.problems[:20])
        super().__init__(message)


def error_body(message: str, *, status: int, errors: list[str] | None = None) -> dict:
    """The one JSON error shape used by the API and by ``--json`` CLI errors."""
    return {"ok": False, "error": message, "errors": list(errors or [message]), "status": status}


__all__ = [
    "EXIT_BUSY",
    "EXIT_DATA",
    "EXIT_ERROR",
    "EXIT_USAGE",
    "InputError",
    "OfflineError",
    "ParseError",
    "RxEvidenceError",
    "SchemaTooNew",
    "SourceError",
    "StoreBusy",
    "StoreError",
    "StoreIOError",
    "StoreMissing",
    "StoreReadOnly",
    "UnknownDrug",
    "UsageError",
    "ValidationFailed",
    "error_body",
]
