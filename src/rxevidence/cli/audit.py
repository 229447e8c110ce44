"""``audit``: claim-by-claim verdicts for a health article."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError, UsageError
from .common import (
    DbOption,
    FormatOption,
    JsonOption,
    OutOption,
    check_format,
    get_store,
    handle_errors,
    write_output,
)


def register(app: typer.Typer) -> None:
    @app.command()
    def audit(
        file: Annotated[str, typer.Argument(help="Article file (plain text, Markdown or HTML), or - for stdin.")],
        db: DbOption = None,
        json_: JsonOption = False,
        fmt: FormatOption = "terminal",
        out: OutOption = None,
        kind: Annotated[str | None, typer.Option("--input", help="Force the input type: text, md or html.")] = None,
    ) -> None:
        """Check each claim of a health article against the evidence; flag internal contradictions.

        Example: rxevidence audit article.html --format md
        """
        from ..audit import MAX_ARTICLE_CHARS
        from ..audit import audit as audit_fn
        from ..render.audit import render_audit_terminal

        if json_:
            fmt = "json"
        with handle_errors(fmt == "json"):
            fmt = check_format(fmt, "audit")
            if kind is not None and kind not in ("text", "md", "html"):
                raise UsageError(f"Unknown --input {kind!r}; choose one of text, md, html")
            if file == "-":
                raw = sys.stdin.read(MAX_ARTICLE_CHARS + 1)
            else:
                p = Path(file)
                if not p.is_file():
                    raise InputError(f"{file}: no such file")
                if p.stat().st_size > MAX_ARTICLE_CHARS * 4:
                    raise InputError(f"{file}: too large to audit ({p.stat().st_size:,} bytes)")
                raw = p.read_text(encoding="utf-8", errors="replace")
                if kind is None and p.suffix.lower() in (".html", ".htm"):
                    kind = "html"
                elif kind is None and p.suffix.lower() in (".md", ".markdown"):
                    kind = "md"
            report = audit_fn(raw, store=get_store(db, answer=True), kind=None if kind == "text" else kind)
            write_output(report, fmt=fmt, out=out, terminal=render_audit_terminal)
