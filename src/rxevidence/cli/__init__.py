"""The ``rxevidence`` command line: a thin shell over the library.

Each command group lives in its own module and registers itself on :data:`app`.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="rxevidence",
    help="Evidence briefs for 'How effective is <drug> for <condition>?', from real, cited records.",
    epilog="Exit codes: 0 ok; 1 error; 2 bad command line; 65 input data errors (ingest skipped malformed "
    "records or a file ended early); 75 store busy (another writer: try again, a re-run resumes).",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    pretty_exceptions_enable=False,
)

_COMMAND_MODULES = [
    "rxevidence.cli.records",  # ingest, search, show
    "rxevidence.cli.ask",  # ask
    "rxevidence.cli.parse",  # parse
    "rxevidence.cli.appraise",  # appraise
    "rxevidence.cli.pack",  # pack info|validate|load
    "rxevidence.cli.fetch",  # fetch pubmed|labels|trials
    "rxevidence.cli.audit",  # audit
    "rxevidence.cli.serve",  # serve
]


@app.callback()
def _options(
    debug: bool = typer.Option(False, "--debug", help="Show Python tracebacks of unexpected errors."),
) -> None:
    """Global options (before the command: ``rxevidence --debug ingest ...``)."""
    import os

    from .common import DEBUG

    DEBUG["on"] = debug or bool(os.environ.get("RXEVIDENCE_DEBUG"))


for _mod in _COMMAND_MODULES:
    try:
        importlib.import_module(_mod).register(app)
    except ModuleNotFoundError as _e:  # a command group not built yet
        if _e.name != _mod:
            raise


def main() -> None:
    try:
        app()
    except Exception as e:  # noqa: BLE001 - outside any command's handler (option parsing, start-up)
        from .common import DEBUG, print_error

        if DEBUG["on"]:
            raise
        print_error(f"unexpected {type(e).__name__}: {e} (run with --debug for the traceback)")
        raise SystemExit(1) from None


__all__ = ["app", "main"]
