"""HTML rendering of briefs and audit reports (Jinja2, autoescaped); shared by the CLI and the web app."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..domain import AUDIT_VERDICT
from ..ids import citation_label as id_citation_label
from ..ids import record_url
from ..models import Brief
from .brief import SECTION_TITLES, VERDICT_STYLE, citation_label, title_of


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("rxevidence", "web/templates"),
        autoescape=select_autoescape(["html", "xml"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from ..web.reading import heading_of, reading_of

    env.globals.update(record_url=_url, citation_label=citation_label, SECTION_TITLES=SECTION_TITLES,
                       VERDICT_STYLE=VERDICT_STYLE, title_of=title_of, heading_of=heading_of,
                       reading_of=reading_of, has_studies=has_studies, id_label=id_citation_label,
                       AUDIT_VERDICT=AUDIT_VERDICT)
    env.filters["for_readers"] = for_readers
    return env


def has_studies(brief: Brief) -> bool:
    """False for the "no studies found" state: nothing to grade, chart or tabulate."""
    return bool(brief.studies or brief.matrix or brief.combinations)


def for_readers(notes: list[str]) -> list[str]:
    """Notes without command-line instructions (a page reader cannot run `rxevidence ...`)."""
    return [n for n in notes if "`rxevidence" not in n]


def _url(cid: str | None) -> str | None:
    if not cid:
        return None
    return cid if cid.startswith(("https://", "http://")) else record_url(cid)


@lru_cache(maxsize=1)
def inline_css() -> Markup:
    """The web app's stylesheet, inlined into standalone HTML files (our own file, not record text)."""
    return Markup((resources.files("rxevidence.web") / "static" / "app.css").read_text(encoding="utf-8"))


def render_html(brief: Brief, *, standalone: bool = True, **context: Any) -> str:
    tpl = environment().get_template("brief.html")
    if standalone:
        context.setdefault("inline_css", inline_css())
    return tpl.render(brief=brief, standalone=standalone, **context)
