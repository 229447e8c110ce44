"""The ``rxevidence`` command line: a thin shell over the library.

Each command group lives in its own module and registers itself on :data:`app`.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="rxevidence",
    help="Evidence briefs for 'How effective is <drug> for <condition>?', from real, cited records.",
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

for _mod in _COMMAND_MODULES:
    try:
        importlib.import_module(_mod).register(app)
    except ModuleNotFoundError as _e:  # a command group not built yet
        if _e.name != _mod:
            raise


def main() -> None:
    app()


__all__ = ["app", "main"]
