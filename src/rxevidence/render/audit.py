"""Render an AuditReport: terminal, Markdown, HTML (claims highlighted in the text), JSON."""

from __future__ import annotations

import json

from markupsafe import Markup, escape
from rich.console import Console
from rich.text import Text

from ..domain import AUDIT_VERDICT
from ..ids import record_url
from ..models.audit import AuditReport
from .html import environment, inline_css


def _look(verdict: str) -> tuple[str, str]:
    """(icon, style) of a verdict, from the domain table."""
    info = AUDIT_VERDICT.get(verdict)
    return (info.icon, info.style) if info is not None else ("?", "")


def audit_json(report: AuditReport) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def _ev_label(eid: str) -> str:
    return eid if not eid.startswith("http") else eid.split("//", 1)[-1][:50]


def render_audit_terminal(console: Console, report: AuditReport) -> None:
    head = Text("Audit" + (f": {report.title}" if report.title else ""), style="bold")
    console.print(head)
    summary = ", ".join(f"{n} {v}" for v, n in report.summary.items()) or "no checkable claims found"
    console.print(Text(f"{len(report.claims)} claims: {summary}", style="dim"))
    for i, c in enumerate(report.claims, 1):
        console.print()
        icon, style = _look(c.verdict)
        console.print(Text.assemble((f"{i:>2}. {icon} {c.verdict.upper()}", style), (f"  [{c.kind}]", "dim")))
        console.print(Text("    “" + c.text + "”", style="italic"))
        console.print(Text("    " + c.reason))
        if c.evidence:
            console.print(Text("    evidence: " + " ".join(_ev_label(e.id) for e in c.evidence[:6]), style="dim"))
    if report.contradictions:
        console.print()
        console.print(Text("Internal contradictions", style="bold underline"))
        for x in report.contradictions:
            console.print(Text.assemble(("  ⇄ ", "magenta"), x.reason))
            console.print(Text(f"      “{x.a}”\n      “{x.b}”", style="dim"))
    console.print()
    console.print(Text("Reporting checks (HealthNewsReview-style)", style="bold underline"))
    for k in report.checks:
        console.print(Text.assemble(("  ✔ " if k.passed else "  ✘ ", "green" if k.passed else "red"),
                                    (k.criterion, "bold"), f": {k.detail}"))
    console.print()
    console.print(Text(report.disclaimer, style="dim italic"))


def render_audit_markdown(report: AuditReport) -> str:
    out = [f"# Audit{': ' + report.title if report.title else ''}\n"]
    out.append(", ".join(f"**{n}** {v}" for v, n in report.summary.items()) + "\n")
    out.append("| # | verdict | claim | reason | evidence |\n|---|---|---|---|---|")
    for i, c in enumerate(report.claims, 1):
        ev = " ".join(f"[{_ev_label(e.id)}]({record_url(e.id) or e.id})" for e in c.evidence[:6])
        out.append(f"| {i} | {c.verdict} | {c.text.replace('|', '/')} | {c.reason.replace('|', '/')} | {ev} |")
    if report.contradictions:
        out.append("\n## Internal contradictions\n")
        for x in report.contradictions:
            out.append(f"- {x.reason}\n  - “{x.a}”\n  - “{x.b}”")
    out.append("\n## Reporting checks\n")
    for k in report.checks:
        out.append(f"- {'✔' if k.passed else '✘'} **{k.criterion}**: {k.detail}")
    out.append(f"\n---\n*{report.disclaimer}*\n")
    return "\n".join(out)


def highlighted_text(report: AuditReport) -> Markup:
    """The article text, escaped, with each claim wrapped in a <mark> carrying its verdict."""
    parts: list[str] = []
    pos = 0
    for i, c in enumerate(sorted(report.claims, key=lambda c: c.start), 1):
        if c.start < pos:
            continue
        parts.append(str(escape(report.text[pos : c.start])))
        cls = c.verdict.replace(" ", "-")
        parts.append(f'<mark class="claim v-{cls}" id="claim-{i}" title="{escape(c.verdict)}: {escape(c.reason)}">'
                     f"{escape(report.text[c.start : c.end])}<sup>{escape(c.verdict)}</sup></mark>")
        pos = c.end
    parts.append(str(escape(report.text[pos:])))
    html = "".join(parts).replace("\n\n", "</p><p>")
    return Markup("<p>" + html + "</p>")


def render_audit_html(report: AuditReport, **context: object) -> str:
    context.setdefault("standalone", True)
    context.setdefault("inline_css", inline_css())
    tpl = environment().get_template("audit_report.html")
    return tpl.render(report=report, highlighted=highlighted_text(report), record_url=lambda i: record_url(i) or i,
                      ev_label=_ev_label, **context)
