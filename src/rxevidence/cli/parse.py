"""``parse``: show how a question is understood (drugs, condition, relation, intent, population)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from .common import DbOption, JsonOption, console, emit_json, get_store, handle_errors


def register(app: typer.Typer) -> None:
    @app.command()
    def parse(
        question: Annotated[str, typer.Argument(help="The question, in your own words.")],
        db: DbOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Parse a question into a structured query.

        Uses the shipped vocabulary, extended with vocabulary files ingested into the store
        (RxNorm, DrugBank open vocabulary, ATC) when --db or $RXEVIDENCE_DB names a store.

        Example: rxevidence parse "does Lyrica help sciatica?" --json
        """
        from ..question import parse as parse_question
        from ..vocab import load_vocabulary

        with handle_errors(json_):
            vocab = load_vocabulary(_store_if_any(db))
            q = parse_question(question, vocab=vocab)
            if json_:
                emit_json(q)
                return
            t = Table(show_header=False, show_edge=False, box=None)
            t.add_column(style="bold")
            t.add_column()
            drugs = []
            for d in q.drugs:
                label = f"{d.name}" + (" (class)" if d.is_class else "")
                if d.text.lower() != d.name:
                    label += f"  ← {d.text!r}"
                if d.is_class and d.members:
                    label += f"\n  members: {', '.join(d.members[:12])}{' …' if len(d.members) > 12 else ''}"
                elif d.classes:
                    label += f"  [{', '.join(d.classes)}]"
                drugs.append(label)
            t.add_row("drugs", escape("\n".join(drugs)) or "-")
            t.add_row("relation", q.relation)
            if q.condition:
                c = q.condition
                cond = f"{c.id} ({c.name})  ← {c.text!r}"
                if c.mesh_id:
                    cond += f"  MeSH {c.mesh_id}"
                if c.narrower:
                    cond += f"\n  widens to: {', '.join(c.narrower)}"
                t.add_row("condition", escape(cond))
            else:
                t.add_row("condition", "-")
            t.add_row("intent", q.intent)
            t.add_row("population", ", ".join(q.population) or "-")
            t.add_row("confidence", f"{q.confidence:.2f}")
            if q.alternatives:
                t.add_row("alternatives", ", ".join(f"{a['id']} ({a['name']})" for a in q.alternatives))
            console.print(t)
            for m in q.messages:
                console.print(f"[yellow]•[/] {escape(m)}", soft_wrap=True)


def _store_if_any(db: str | None):
    """The store named by --db / $RXEVIDENCE_DB, or None when none is named (parse works without one)."""
    import os

    if not db and not os.environ.get("RXEVIDENCE_DB"):
        return None
    from ..store import store_exists

    if not db and not store_exists(os.environ["RXEVIDENCE_DB"]):
        return None  # $RXEVIDENCE_DB not created yet: parse needs no store (a mistyped --db is an error)
    return get_store(db, read=True)
