"""``pack info | validate | load | coverage``."""

from __future__ import annotations

import typer
from rich.table import Table

from ..errors import ValidationFailed
from ..pack import coverage_table, install_pack, load_pack, pack_info, validate_pack
from .common import DbOption, JsonOption, console, emit_json, get_store, handle_errors


def register(app: typer.Typer) -> None:
    pack_app = typer.Typer(help="The bundled starter evidence pack (curated, verified facts).", no_args_is_help=True)
    app.add_typer(pack_app, name="pack")

    @pack_app.command("info")
    def info(json_: JsonOption = False) -> None:
        """Summarise the pack: drugs, studies, positions, coverage.

        Example: rxevidence pack info --json
        """
        with handle_errors(json_):
            d = pack_info()
            if json_:
                emit_json(d)
                return
            console.print(
                f"Starter pack [bold]{d['version']}[/]: {d['drugs']} drugs, {d['studies']} studies, "
                f"{d['positions']} regulatory positions, {d['conditions']} conditions"
            )
            t = Table("design", "studies", show_edge=False)
            for k, v in d["designs"].items():
                t.add_row(k, str(v))
            console.print(t)

    @pack_app.command("validate")
    def validate(json_: JsonOption = False) -> None:
        """Check every fact: schema, ids, verification URL and date, duplicates, drug facts. Exit 1 on problems.

        Example: rxevidence pack validate
        """
        with handle_errors(json_):
            problems = validate_pack()
            if json_ and not problems:
                emit_json({"ok": True, "problems": [], **{k: v for k, v in pack_info().items() if k != "pairs"}})
                return
            if problems:
                raise ValidationFailed(f"The starter pack has {len(problems)} problem(s)", problems)
            d = pack_info()
            console.print(f"[green]ok[/] {d['drugs']} drugs, {d['studies']} studies, all valid")

    @pack_app.command("load")
    def load(db: DbOption = None, json_: JsonOption = False, force: bool = False) -> None:
        """Load the pack's studies and curated appraisals into the store (done automatically by ask).

        Example: rxevidence pack load --db my.db
        """
        with handle_errors(json_):
            store = get_store(db)
            counts = install_pack(store, force=force)
            d = counts.as_dict()
            d["version"] = load_pack().digest
            if json_:
                emit_json(d)
                return
            console.print(
                f"Pack {d['version']} loaded into {store.url}: {d['added']} records added, {d['updated']} updated,"
                f" {d['unchanged']} already present"
            )

    @pack_app.command("coverage")
    def coverage() -> None:
        """Print the drugs x conditions coverage table (Markdown).

        Example: rxevidence pack coverage > docs/pack-coverage.md
        """
        with handle_errors(False):
            typer.echo(coverage_table())
