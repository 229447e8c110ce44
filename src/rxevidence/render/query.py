"""Terminal view of a parsed question (``rxevidence parse``): drugs, relation, condition, intent, population."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..models import Query


def render_query_terminal(console: Console, q: Query) -> None:
    """The Query as a two-column table, then the parser's messages."""
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


__all__ = ["render_query_terminal"]
