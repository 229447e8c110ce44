"""Snapshot what rxevidence prints, to prove a refactor changes nothing.

    python scripts/snapshot_briefs.py write DIR      # run every case, write one file per output into DIR
    python scripts/snapshot_briefs.py diff DIR       # run the cases listed in DIR again; exit 1 on any difference
    python scripts/snapshot_briefs.py diff DIR --show 3   # ... and print the first 3 diffs

The cases (see :func:`cases`): ``ask --format json`` for every starter-pack drug x condition pair (from
``pack info --json``), on two stores: the pack alone, and the pack plus real Cohen 2006 PubMed records from
``../shared/data`` (one file appraised at ingest, one ingested with ``--no-appraise`` so the brief appraises on
read); a few comparison / combination / class / no-drug / dose / safety questions; ``parse --json`` for a handful
of questions; markdown, HTML and terminal renderings of a few briefs; ``show --json`` of a few records; and
``audit --format json|md`` for ``/work/shared/examples`` articles. Everything runs in one process through the CLI
(``typer.testing.CliRunner``), so the snapshots are the command-line contract, not internals.

Time stamps (``as_of`` and any ISO date-time) are replaced by ``<time>``. ``diff`` re-uses the case list stored
in ``DIR/cases.json``, so a baseline and a later run always ask the same questions. Re-baseline (``write``) after
merging behaviour changes from others; a behaviour-preserving commit must leave ``diff`` silent.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
if not SHARED.exists() and Path("/work/shared/data").exists():
    SHARED = Path("/work/shared/data")
SHARED = SHARED.resolve()
EXAMPLES = SHARED.parent / "examples"

_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_VOLATILE_KEYS = {"as_of", "retrieved_at", "generated_at", "seconds", "records_per_s", "elapsed_ms"}
COHEN_MAP = "pmid=pubmedID,title=title,abstract=abstract,year=year,authors=authors"

EXTRA_QUESTIONS = [
    "How effective is diazepam for pain?",
    "Does Valium help back spasms?",
    "tramadol vs codeine for dental pain",
    "Is ibuprofen better than acetaminophen for dental pain?",
    "Diazepam plus naproxen for acute low back pain",
    "Is taking ibuprofen and acetaminophen together better than either alone for dental pain?",
    "Do benzodiazepines help low back pain?",
    "Do NSAIDs work for osteoarthritis?",
    "How effective is ibuprofen?",
    "What works for sciatica?",
    "Is it safe to take 800 mg ibuprofen for migraine?",
    "Is gabapentin safe for older adults with neuropathic pain?",
    "Does sumatriptan help sciatica?",
    "Does Lyrica help sciatica nerve pain?",
    "Is zorblaxin better than flimzotide for back pain?",
    "",
]
PARSE_QUESTIONS = [
    "How effective is diazepam for pain?",
    "does Lyrica help sciatica?",
    "Is taking ibuprofen and acetaminophen together better than either alone?",
    "tramadol vs codeine for dental pain",
    "Do benzodiazepines help low back pain in older adults?",
    "Does metformin work for type 2 diabetes?",
    "Is zorblaxin better than flimzotide for back pain?",
    "valium for back spasms",
]
RENDER_QUESTIONS = [
    "How effective is diazepam for pain?",
    "tramadol vs codeine for dental pain",
    "Diazepam plus naproxen for acute low back pain",
    "Does sumatriptan help sciatica?",
]
SHOW_IDS = ["pmid:28187918", "nct:NCT00533286", "28187918", "pmid:10770520", "pmid:999999999"]


def _scrub(obj):
    if isinstance(obj, dict):
        return {k: ("<time>" if k in _VOLATILE_KEYS else _scrub(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_scrub(x) for x in obj]
    if isinstance(obj, str):
        return _TIME.sub("<time>", obj)
    return obj


def _normalise(text: str) -> str:
    try:
        obj = json.loads(text)
    except ValueError:
        return _TIME.sub("<time>", text)
    return json.dumps(_scrub(obj), indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:80] or "empty"


def cases(with_cohen: bool) -> list[dict]:
    """Every case to run: {name, store, args}. ``store`` is "pack" or "cohen"."""
    from typer.testing import CliRunner

    from rxevidence.cli import app

    info = json.loads(CliRunner().invoke(app, ["pack", "info", "--json"]).stdout)
    from rxevidence.vocab import load_vocabulary

    vocab = load_vocabulary()
    questions = []
    for pair in info["pairs"]:
        drug, cid = (x.strip() for x in pair.split(" / "))
        c = vocab.condition(cid) if hasattr(vocab, "condition") else None
        cname = getattr(c, "name", None) or cid.replace("-", " ")
        questions.append(f"How effective is {drug} for {cname}?")
    questions += EXTRA_QUESTIONS
    stores = ["pack"] + (["cohen"] if with_cohen else [])
    out: list[dict] = []
    for st in stores:
        for q in questions:
            out.append({"name": f"{st}/ask/{_slug(q)}.json", "store": st, "args": ["ask", q, "--format", "json"]})
    for q in PARSE_QUESTIONS:
        out.append({"name": f"pack/parse/{_slug(q)}.json", "store": "pack", "args": ["parse", q, "--json"]})
    for q in RENDER_QUESTIONS:
        for fmt in ("md", "html", "terminal"):
            out.append({"name": f"pack/render/{_slug(q)}.{fmt}", "store": "pack",
                        "args": ["ask", q, "--format", fmt]})
    out.append({"name": "pack/render/bad-format.txt", "store": "pack",
                "args": ["ask", RENDER_QUESTIONS[0], "--format", "bogus"]})
    for st in stores:
        for rid in SHOW_IDS:
            out.append({"name": f"{st}/show/{_slug(rid)}.json", "store": st, "args": ["show", rid, "--json"]})
    if EXAMPLES.exists():
        for art in sorted(EXAMPLES.glob("*.txt")):
            for st in stores:
                out.append({"name": f"{st}/audit/{art.stem}.json", "store": st,
                            "args": ["audit", str(art), "--format", "json"]})
            out.append({"name": f"pack/audit/{art.stem}.md", "store": "pack",
                        "args": ["audit", str(art), "--format", "md"]})
    return out


def build_stores(work: Path, want: set[str]) -> dict[str, str]:
    from typer.testing import CliRunner

    from rxevidence.cli import app

    dbs = {"pack": str(work / "pack.db")}
    runner = CliRunner()
    r = runner.invoke(app, ["pack", "load", "--db", dbs["pack"]])
    assert r.exit_code == 0, r.output
    if "cohen" in want:
        dbs["cohen"] = str(work / "cohen.db")
        cohen = SHARED / "cohen2006_drug_class_reviews"
        for fname, extra in (("SkeletalMuscleRelaxants.csv", []), ("NSAIDS.csv", []),
                             ("Opiods.csv", ["--no-appraise"])):
            r = runner.invoke(app, ["ingest", str(cohen / fname), "--db", dbs["cohen"], "--map", COHEN_MAP,
                                    "--json", *extra])
            assert r.exit_code == 0, r.output
        r = runner.invoke(app, ["pack", "load", "--db", dbs["cohen"]])
        assert r.exit_code == 0, r.output
    return dbs


def run(case_list: list[dict], out_dir: Path) -> None:
    from typer.testing import CliRunner

    from rxevidence.cli import app

    work = Path(tempfile.mkdtemp(prefix="rxsnap-"))
    try:
        dbs = build_stores(work, {c["store"] for c in case_list})
        runner = CliRunner()
        t0 = time.perf_counter()
        for c in case_list:
            r = runner.invoke(app, [*c["args"], "--db", dbs[c["store"]]], env={"COLUMNS": "100", "RXEVIDENCE_OFFLINE": "1"})
            text = _normalise(r.stdout) + (f"\n--- stderr\n{_TIME.sub('<time>', r.stderr)}" if r.stderr else "")
            text = text.replace(str(work), "<work>").replace(str(SHARED.parent), "<shared>")
            text += f"\n--- exit {r.exit_code}\n"
            if r.exception is not None and not isinstance(r.exception, SystemExit):
                text += f"--- exception {type(r.exception).__name__}: {r.exception}\n"
            p = out_dir / c["name"]
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        print(f"{len(case_list)} cases in {time.perf_counter() - t0:.1f}s -> {out_dir}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["write", "diff"])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--show", type=int, default=0, help="diff: print the first N differing files' diffs")
    args = ap.parse_args(argv)
    if args.mode == "write":
        with_cohen = (SHARED / "cohen2006_drug_class_reviews").exists()
        case_list = cases(with_cohen)
        if args.dir.exists():
            shutil.rmtree(args.dir)
        args.dir.mkdir(parents=True)
        (args.dir / "cases.json").write_text(json.dumps(case_list, indent=1) + "\n", encoding="utf-8")
        run(case_list, args.dir)
        print(json.dumps({"cases": len(case_list), "with_cohen": with_cohen}))
        return 0
    case_list = json.loads((args.dir / "cases.json").read_text(encoding="utf-8"))
    new = Path(tempfile.mkdtemp(prefix="rxsnap-new-"))
    run(case_list, new)
    changed = []
    for c in case_list:
        a = (args.dir / c["name"]).read_text(encoding="utf-8")
        b = (new / c["name"]).read_text(encoding="utf-8")
        if a != b:
            changed.append((c["name"], a, b))
    for name, a, b in changed[: args.show]:
        sys.stdout.writelines(difflib.unified_diff(a.splitlines(True), b.splitlines(True), f"base/{name}",
                                                   f"new/{name}", n=2))
    for name, _, _ in changed:
        print(f"changed: {name}")
    print(json.dumps({"cases": len(case_list), "changed": len(changed), "new_dir": str(new)}))
    if not changed:
        shutil.rmtree(new, ignore_errors=True)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
