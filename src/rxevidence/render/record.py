"""Terminal view of one record and its appraisals."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from ..models import Appraisal, Record


def render_record_terminal(console: Console, rec: Record, appraisals: list[Appraisal]) -> None:
    head = f"[bold]{escape(rec.title or '(no title)')}[/]\n{escape(rec.id)} · {rec.kind}"
    bits = [b for b in (rec.journal, str(rec.year) if rec.year else None, rec.date) if b]
    if bits:
        head += " · " + " · ".join(bits)
    if rec.url:
        head += f"\n{rec.url}"
    if rec.retracted:
        head += "\n[bold red]RETRACTED[/]"
    console.print(Panel(head, expand=False))
    ids = {k: v for k, v in (("DOI", rec.doi), ("PMCID", rec.pmcid), ("set id", rec.set_id),
                               ("version", rec.version), ("application", rec.application)) if v}
    if rec.nct_ids:
        ids["NCT"] = ", ".join(rec.nct_ids)
    if ids:
        console.print("  ".join(f"[dim]{k}[/] {v}" for k, v in ids.items()))
    if rec.publication_types:
        console.print("[dim]Publication types[/] " + "; ".join(rec.publication_types))
    if rec.mesh:
        console.print("[dim]MeSH[/] " + "; ".join(m.descriptor + ("*" if m.major else "") for m in rec.mesh))
    for s in rec.sections:
        label = s.label or s.code
        console.print((f"[bold]{escape(label)}[/] " if label else "") + escape(s.text), soft_wrap=True)
    for k, v in rec.extra.items():
        if k != "index_terms":
            console.print(f"[dim]{k}[/] {v}", soft_wrap=True)
    if rec.provenance:
        console.print(f"[dim]source[/] {rec.provenance.source}" + (
            f" (retrieved {rec.provenance.retrieved_at})" if rec.provenance.retrieved_at else ""))
    for a in appraisals:
        t = Table(title=f"Appraisal ({a.appraiser} {a.appraiser_version})", show_edge=False, show_header=False)
        t.add_column("field", style="dim")
        t.add_column("value")
        t.add_row("design", a.design + (f" ({a.design_detail})" if a.design_detail else "") + (
            f" [dim]from {a.design_source}[/]" if a.design_source else ""))
        pop = a.population
        pbits = [x for x in (
            "humans" if pop.humans else ("animals" if pop.humans is False else None),
            "healthy volunteers" if pop.healthy_volunteers else None,
            pop.condition, pop.age_group) if x]
        if pbits:
            t.add_row("population", escape(", ".join(pbits)))
        if a.n is not None:
            t.add_row("N", f"{a.n:,}")
        if a.n_studies is not None:
            t.add_row("studies", str(a.n_studies))
        if a.drugs:
            t.add_row("drugs", escape(", ".join(a.drugs)))
        for arm in a.arms:
            t.add_row("arm", escape(f"{arm.name} ({arm.role})" + (f": {arm.dose}" if arm.dose else "")))
        if a.comparator:
            t.add_row("comparator", escape(a.comparator))
        for o in a.outcomes:
            desc = f"{o.name}: {o.direction}"
            if o.pain_dimension:
                desc += f" ({o.pain_dimension})"
            if o.effect:
                desc += f"; {o.effect}"
            if o.ci:
                desc += f" {o.ci}"
            t.add_row("outcome", escape(desc))
        t.add_row("direction", a.direction)
        if a.flags:
            t.add_row("flags", ", ".join(a.flags))
        if a.finding:
            t.add_row("finding", escape(a.finding))
        if a.verified_url:
            t.add_row("verified", f"{a.verified_url} ({a.verified_date})")
        console.print(t)
