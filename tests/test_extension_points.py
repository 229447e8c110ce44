"""The four "how to add" of docs/architecture.md, each proved by registering a fake entry in its one table and
watching it flow through: an output format, a jurisdiction, a record source (id prefix + file format), an audit
verdict word. Nothing else is edited, so a real addition needs that table entry (plus its data or renderer)."""

from __future__ import annotations

import copy
import io
import json
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

from rxevidence import domain, ids
from rxevidence.cli import app
from rxevidence.models import Record
from rxevidence.pack import load_pack
from rxevidence.pack.schema import Position
from rxevidence.pipeline import ask, build_context, find_record
from rxevidence.render import formats
from rxevidence.sources import registry

QUESTION = "How effective is ibuprofen for low back pain?"


def test_a_new_output_format_is_one_table_entry(monkeypatch, tmp_path):
    fake = formats.OutputFormat("verdict", brief=lambda b: f"VERDICT {b.verdict}\n",
                                audit=lambda r: f"{len(r.claims)} claims\n")
    monkeypatch.setitem(formats.FORMATS, "verdict", fake)
    db = str(tmp_path / "none.db")  # no store there: the pack alone, in memory
    r = CliRunner().invoke(app, ["ask", QUESTION, "--db", db, "--offline", "--format", "VERDICT"])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("VERDICT ") and r.stdout[8:].strip() in domain.VERDICTS, r.stdout
    out = tmp_path / "brief.txt"
    r = CliRunner().invoke(app, ["ask", QUESTION, "--db", db, "--offline", "-f", "verdict", "--out", str(out)])
    assert r.exit_code == 0 and out.read_text().startswith("VERDICT ")
    r = CliRunner().invoke(app, ["ask", QUESTION, "--db", db, "--offline", "--format", "nope"])
    assert r.exit_code == 2 and "choose one of terminal, md, json, html, verdict" in r.output  # no silent fallback


def test_a_format_that_cannot_render_audits_is_refused_for_audit(monkeypatch, tmp_path):
    monkeypatch.setitem(formats.FORMATS, "briefonly", formats.OutputFormat("briefonly", brief=lambda b: "x"))
    article = tmp_path / "a.txt"
    article.write_text("Ibuprofen relieves low back pain.", encoding="utf-8")
    r = CliRunner().invoke(app, ["audit", str(article), "--db", str(tmp_path / "n.db"), "--format", "briefonly"])
    assert r.exit_code == 2 and "briefonly" not in r.output.split("choose one of", 1)[1]


def _fake_jurisdiction(monkeypatch) -> str:
    name = "Narnia MB"  # a made-up body: only the table can teach the code about it
    monkeypatch.setitem(domain.JURISDICTIONS, name, domain.Jurisdiction(
        name, re.compile(r"\b(Narnia|Narnian)\b"), hosts=("www.nmb.example",),
        bodies=re.compile(r"\bNarnia Medicines Board\b")))
    return name


def test_a_new_jurisdiction_is_one_table_entry_plus_pack_data(monkeypatch, store):
    name = _fake_jurisdiction(monkeypatch)
    pos = Position.model_validate({
        "jurisdiction": name, "condition": "low-back-pain", "status": "not recommended",
        "statement": "Made-up position for the test.", "source_name": "NMB test page",
        "verified_url": "https://www.nmb.example/ibuprofen", "verified_date": "2026-12-04"})
    with pytest.raises(ValueError, match="unknown jurisdiction"):
        Position.model_validate({**pos.model_dump(), "jurisdiction": "Nowhere"})
    pack = copy.deepcopy(load_pack())
    pack.drugs["ibuprofen"].positions.append(pos)  # the "data" part of adding it
    ctx = build_context(store, pack=pack)
    brief = ask(QUESTION, context=ctx)  # validated: its sentences cite the body's own page
    rows = [r for r in brief.regulatory if r.jurisdiction == name]
    assert [(r.status, r.source) for r in rows] == [("not recommended", "https://www.nmb.example/ibuprofen")]
    assert list(dict.fromkeys(r.jurisdiction for r in brief.regulatory))[-1] == name  # table order

    from rxevidence.audit import audit
    from rxevidence.audit.meaning import is_regulatory

    claim = "The Narnia Medicines Board recommends ibuprofen for low back pain."
    assert is_regulatory(claim)  # the body's name comes from the table
    report = audit(claim, context=ctx)
    judged = [c for c in report.claims if c.jurisdiction == name]
    assert judged and judged[0].verdict == "contradicted", [(c.text, c.jurisdiction, c.verdict) for c in report.claims]


def test_a_new_record_source_is_an_id_prefix_plus_its_parser(monkeypatch, tmp_path, store):
    monkeypatch.setitem(ids.PREFIXES, "isrctn", ids.IdPrefix(
        "isrctn", "ISRCTN registry", lambda v: f"https://www.isrctn.com/{v}", upper=True, label=lambda v: v,
        kind="trial", curated=re.compile(r"ISRCTN\d{8}")))

    def parse(path: str, **_options):
        for row in json.loads(open(path, encoding="utf-8").read()):
            yield Record(id=f"isrctn:{row['id']}", kind="trial", title=row["title"])

    monkeypatch.setitem(registry.FORMATS, "isrctn-json", registry.SourceFormat(
        "isrctn-json", "ISRCTN registry export (test)", lambda name, head: name.endswith(".isrctn.json"), parse))
    f = tmp_path / "x.isrctn.json"
    f.write_text(json.dumps([{"id": "ISRCTN12345678", "title": "Ibuprofen for back pain"}]), encoding="utf-8")

    from rxevidence.ingest import ingest_files

    summary = ingest_files(store, [str(f)], appraise=False)
    assert summary.as_dict()["added"] == 1
    rid = ids.normalise_id("ISRCTN:isrctn12345678")
    assert rid == "isrctn:ISRCTN12345678" and ids.is_record_id(rid) and ids.is_study_id(rid)
    assert ids.record_url(rid) == "https://www.isrctn.com/ISRCTN12345678" and ids.citation_label(rid) == "ISRCTN12345678"
    assert ids.is_curated_study_id(rid) and ids.kind_of(rid) == "trial"
    found = find_record(store, "isrctn:ISRCTN12345678")
    assert found is not None and found.as_json()["url"] == "https://www.isrctn.com/ISRCTN12345678"

    from rxevidence.render.html import environment

    label = environment().from_string('{% import "_macros.html" as m %}{{ m.cite_label(c) }}').render(c=rid)
    assert label.strip() == "ISRCTN12345678"


def test_a_new_audit_verdict_word_is_one_table_entry(monkeypatch):
    from rxevidence.models.audit import AuditReport, Claim
    from rxevidence.render.audit import render_audit_terminal
    from rxevidence.render.html import environment

    monkeypatch.setitem(domain.AUDIT_VERDICT, "overstated", domain.AuditVerdictInfo("↑", "magenta"))
    text = "Ibuprofen cures all pain."
    base = Claim(text=text, start=0, end=len(text), kind="effect", polarity="positive")
    claim = Claim.model_construct(**{**base.__dict__, "verdict": "overstated"})  # the Literal is checked by mypy
    report = AuditReport.model_construct(**{**AuditReport(text=claim.text).__dict__, "claims": [claim]})
    buf = io.StringIO()
    render_audit_terminal(Console(file=buf, width=100), report)
    assert "↑ OVERSTATED" in buf.getvalue()
    page = environment().get_template("audit.html").render(
        standalone=False, report=None, text="", fmt="text", formats=[], max_chars=1, error=None, segments=[],
        local_ids=set(), page="audit")
    assert '<span class="chip v-overstated">overstated</span>.' in page
