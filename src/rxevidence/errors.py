"""Domain exceptions, translated once at the edge (CLI: ``Error: ...`` and exit 1; web: 4xx/5xx).

Hierarchy::

    RxEvidenceError
    ├── InputError            bad user input (empty question, bad option, unreadable file)
    │   ├── ParseError        malformed record data; carries ``path`` and ``position``
    │   └── UnknownDrug       a word that names no known drug; carries ``suggestions``
    ├── StoreError            the store cannot be opened / migrated / written
    ├── SourceError           a live source failed (network, HTTP status, bad body)
    │   └── OfflineError      the network is forbidden (``--offline``) or unreachable
    └── ValidationFailed      a brief or pack fact failed validation; carries ``problems``
"""

from __future__ import annotations


class RxEvidenceError(Exception):
    """Base class of every error rxevidence raises on purpose."""

    status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class InputError(RxEvidenceError):
    status = 400


class ParseError(InputError):
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
    "InputError",
    "OfflineError",
    "ParseError",
    "RxEvidenceError",
    "SourceError",
    "StoreError",
    "UnknownDrug",
    "ValidationFailed",
    "error_body",
]
