"""Render a Brief: terminal (rich), Markdown, JSON. HTML lives in :mod:`.html`. Renderers never query."""

from __future__ import annotations

import json

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..ids import record_url
from ..models import Brief, Sentence

VERDICT_STYLE = {
    "effective": "bold green",
    "probably effective": "green",
    "mixed/uncertain": "yellow",
    "probably ineffective": "red",
    "ineffective": "bold red",
    "insufficient evidence": "dim",
}
SECTION_TITLES = [
    ("drug", "The drug"),
    ("regulatory", "Regulatory status"),
    ("evidence", "What the studies found"),
    ("combination", "Combinations"),
    ("harms", "Harms that matter"),
    ("bottom-line", "Bottom line"),
]


def brief_json(brief: Brief) -> str:
    return json.dumps(brief.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def citation_label(c: str) -> str:
    return c if not c.startswith("http") else c.split("//", 1)[-1][:60]


def _sentences(brief: Brief, section: str) -> list[Sentence]:
    return [s for s in brief.sentences if s.section == section]


def title_of(brief: Brief) -> str:
    joiner = " vs " if brief.query.relation == "comparison" else " + "
    drugs = joiner.join(d.text for d in brief.query.drugs) or "?"
    cond = brief.query.condition.text if brief.query.condition else "any condition"
    return f"{drugs} for {cond}"


def _short_source(name: str | None, source: str | None, date: str | None) -> str:
    bits = [b for b in (name or (citation_label(source) if source else None), date) if b]
    return f" [{', '.join(bits)}]" if bits else ""


def render_terminal(console: Console, brief: Brief, *, all_sentences: bool = False) -> None:
    """A brief people enjoy reading in an 80-column terminal: verdict first, then each section."""
    style = VERDICT_STYLE.get(brief.verdict, "")
    head = Text()
    head.append(f"{title_of(brief)}\n", style="bold")
    head.append("Verdict: ")
    head.append(brief.verdict, style=style)
    head.append(f"   Certainty: {brief.certainty}")
    if brief.reasons:
        head.append("\nRated down for: " + "; ".join(brief.reasons), style="dim")
    console.print(Panel(head, title="rxevidence brief", expand=False))

    def heading(text: str) -> None:
        console.print()
        console.print(Text(text, style="bold underline"))

    if brief.drugs:
        heading("The drug")
        for d in brief.drugs:
            console.print(Text.assemble((d.name, "bold"), f" — {', '.join(d.classes) or 'class unknown'}"))
            for ind in d.indications:
                console.print(Text("  · US label: " + ind.rstrip(".") + "."), soft_wrap=False)

    if brief.regulatory:
        heading("Regulatory status")
        for r in brief.regulatory:
            st = {"on-label": "green", "recommended": "green", "not recommended": "red",
                  "off-label": "yellow"}.get(r.status, "dim")
            console.print(Text.assemble((f"{r.jurisdiction:<12}", "bold"), " ", (r.status, st), "  ",
                                        (r.note or ""), (_short_source(r.source_name, r.source, r.date), "dim")))
            for det in r.details:
                console.print(Text.assemble("    ↳ ", (f"{det.condition_name or det.condition}: ", "bold"), det.status,
                                            (f" — {det.statement}" if det.statement else ""),
                                            (_short_source(det.source_name, det.source, det.date), "dim")))

    if brief.matrix:
        heading("Evidence matrix")
        t = Table(show_edge=False, pad_edge=False)
        for c in ("condition", "outcome", "studies", "N", "result", "certainty"):
            t.add_column(c, overflow="fold")
        for row in brief.matrix:
            t.add_row(row.condition + (f"\n[dim]{row.note}[/]" if row.note else ""), row.outcome,
                      ", ".join(f"{n} {d}" for d, n in row.designs.items()), f"{row.total_n:,}" if row.total_n else "",
                      ", ".join(f"{n} {d}" for d, n in row.directions.items()), row.certainty)
        console.print(t)

    if brief.combinations:
        heading("Combinations")
        for combo in brief.combinations:
            console.print(Text.assemble(("  " + " + ".join(combo.combination), "bold"),
                                        f" vs {'; '.join(combo.comparators)}" if combo.comparators else "",
                                        f" ({combo.condition})" if combo.condition else "", f": {combo.direction}",
                                        (f"  [{' '.join(combo.study_ids)}]", "dim")))

    if brief.harms:
        heading("Harms that matter")
        for h in brief.harms:
            console.print(Text.assemble(("  ⚠ ", "yellow"), (f"{h.drug} ({h.kind}): ", "bold"), h.text,
                                        (_short_source(None, h.source, h.date), "dim")))

    if brief.studies:
        heading(f"Studies ({len(brief.studies)}, best evidence first)")
        t = Table(show_edge=False, pad_edge=False)
        for c in ("study", "year", "design", "N", "condition", "result"):
            t.add_column(c, overflow="fold")
        for s in brief.studies[:15]:
            t.add_row(s.id, str(s.year or ""), s.design + ("" if s.appraiser == "curated" else " (auto)"),
                      str(s.n or ""), s.condition or "", s.direction)
        console.print(t)
        if len(brief.studies) > 15:
            console.print(f"[dim]… and {len(brief.studies) - 15} more (--format md or json lists them all)[/]")
        if brief.excluded:
            console.print(f"[dim]Retracted, listed but not used: {', '.join(s.id for s in brief.excluded)}[/]")

    keys = SECTION_TITLES if all_sentences else [("evidence", "What the studies found"),
                                                 ("bottom-line", "Bottom line")]
    for key, title in keys:
        items = _sentences(brief, key)
        if key == "evidence" and not all_sentences:
            items = [s for s in items if s.claims.direction is not None][:6]
        if not items:
            continue
        heading(title)
        for sent in items:
            cites = " ".join(f"[{citation_label(c)}]" for c in sent.citations[:6])
            more = f" (+{len(sent.citations) - 6})" if len(sent.citations) > 6 else ""
            console.print(Text.assemble("  • ", sent.text, (f" {cites}{more}", "dim")))
    for n in brief.notes:
        console.print(Text("Note: " + n, style="yellow"))
    console.print()
    console.print(Text(brief.disclaimer + f" (as of {brief.as_of})", style="dim italic"))
    if not all_sentences:
        console.print(Text("Every statement with its sources: add --full, or --format md|json|html.", style="dim"))


def render_markdown(brief: Brief) -> str:
    out: list[str] = []
    out.append(f"# {title_of(brief)}\n")
    out.append(f"**Verdict:** {brief.verdict} · **Certainty:** {brief.certainty}\n")
    if brief.reasons:
        out.append("Rated down for: " + "; ".join(brief.reasons) + "\n")
    for key, title in SECTION_TITLES:
        items = _sentences(brief, key)
        if key == "regulatory" and brief.regulatory:
            out.append(f"## {title}\n")
            out.append("| jurisdiction | status | note | source | date |\n|---|---|---|---|---|")
            for r in brief.regulatory:
                out.append(f"| {r.jurisdiction} | {r.status} | {_md(r.note)} | {_md(r.source_name or '')} "
                           f"{_link(r.source)} | {r.date or ''} |")
                for d in r.details:
                    out.append(f"| ↳ {_md(d.condition_name or d.condition)} | {d.status} | {_md(d.statement)} | "
                               f"{_md(d.source_name or '')} {_link(d.source)} | {d.date or ''} |")
            out.append("")
            continue
        if key == "evidence" and brief.matrix:
            out.append(f"## {title}\n")
            out.append("| condition | outcome | studies | N | directions | certainty | studies |\n|---|---|---|---|---|---|---|")
            for row in brief.matrix:
                out.append(
                    f"| {_md(row.condition)}{' (' + row.note + ')' if row.note else ''} | {row.outcome} | "
                    + ", ".join(f"{n} {d}" for d, n in row.designs.items())
                    + f" | {row.total_n or ''} | "
                    + ", ".join(f"{n} {d}" for d, n in row.directions.items())
                    + f" | {row.certainty} | " + " ".join(_link(i) for i in row.study_ids) + " |")
            out.append("")
            for s in items:
                out.append(f"- {_md(s.text)} " + " ".join(_link(c) for c in s.citations))
            out.append("")
            continue
        if not items:
            continue
        out.append(f"## {title}\n")
        for s in items:
            out.append(f"- {_md(s.text)} " + " ".join(_link(c) for c in s.citations))
        out.append("")
    if brief.studies:
        out.append("## Studies\n")
        out.append("| id | year | design | N | condition | direction | finding |\n|---|---|---|---|---|---|---|")
        for st in brief.studies:
            out.append(f"| {_link(st.id)} | {st.year or ''} | {st.design} | {st.n or ''} | {_md(st.condition or '')} | "
                       f"{st.direction} | {_md(st.finding or '')}{'' if st.appraiser == 'curated' else ' (automatic)'} |")
        out.append("")
    if brief.excluded:
        out.append("Excluded (retracted): " + ", ".join(_link(s.id) for s in brief.excluded) + "\n")
    for n in brief.notes:
        out.append(f"> {n}\n")
    out.append(f"---\n*{brief.disclaimer}* As of {brief.as_of}.\n")
    return "\n".join(out)


def _md(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _link(cid: str | None) -> str:
    if not cid:
        return ""
    url = cid if cid.startswith("http") else record_url(cid)
    label = citation_label(cid)
    return f"[{label}]({url})" if url else f"[{label}]"


def render_text_group(brief: Brief) -> Group:  # pragma: no cover - convenience for embedding
    return Group(Text(title_of(brief)))
