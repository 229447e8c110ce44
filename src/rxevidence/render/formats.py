"""The output formats, one table: what ``--format NAME`` means for a brief (``ask``) and an audit report (``audit``).

    >>> from rxevidence.render.formats import FORMATS, output_format
    >>> list(FORMATS), output_format("markdown").name
    (['terminal', 'md', 'json', 'html'], 'md')

``terminal`` draws on a rich Console (the caller gives the console and its options); every other format is a
function from the object to text. Adding a format (say ``csv``) is one entry here plus its renderer functions;
the CLI's ``--format`` accepts it, lists it in its errors and writes it to stdout or ``--out``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..models import Brief
from ..models.audit import AuditReport
from .audit import audit_json, render_audit_html, render_audit_markdown
from .brief import brief_json, render_markdown
from .html import render_html


@dataclass(frozen=True)
class OutputFormat:
    """One ``--format``: its name, other spellings, and a renderer per kind of output (None: not available)."""

    name: str
    brief: Callable[[Brief], str] | None = None
    audit: Callable[[AuditReport], str] | None = None
    aliases: tuple[str, ...] = ()
    terminal: bool = False  # drawn on a rich Console instead of returned as text

    def renderer(self, kind: str) -> Callable[[Any], str] | None:
        """The text renderer for ``kind`` ("brief" or "audit"); None for the terminal or when it has none."""
        fn: Callable[[Any], str] | None = getattr(self, kind, None)
        return fn


#: Every output format, in the order ``--help`` and errors list them.
FORMATS: dict[str, OutputFormat] = {
    "terminal": OutputFormat("terminal", aliases=("text",), terminal=True),
    "md": OutputFormat("md", render_markdown, render_audit_markdown, aliases=("markdown",)),
    "json": OutputFormat("json", brief_json, audit_json),
    "html": OutputFormat("html", render_html, render_audit_html, aliases=("htm",)),
}


def output_format(name: str, kind: str | None = None) -> OutputFormat:
    """The format named ``name`` (a name or alias, any case); a UsageError (exit 2) naming the choices when there
    is none, or when it cannot render ``kind``."""
    low = name.lower()
    fmt = FORMATS.get(low) or next((f for f in FORMATS.values() if low in f.aliases), None)
    if fmt is None or (kind is not None and not fmt.terminal and fmt.renderer(kind) is None):
        usable = [f.name for f in FORMATS.values() if kind is None or f.terminal or f.renderer(kind) is not None]
        raise UsageError(f"Unknown --format {low!r}; choose one of {', '.join(usable)}")
    return fmt


def render_text(obj: Brief | AuditReport, fmt: OutputFormat) -> str:
    """``obj`` rendered as text in ``fmt`` (not the terminal)."""
    kind = "audit" if isinstance(obj, AuditReport) else "brief"
    fn = fmt.renderer(kind)
    if fn is None:
        raise UsageError(f"--format {fmt.name} cannot render a {kind}")
    return fn(obj)


__all__ = ["FORMATS", "OutputFormat", "output_format", "render_text"]
