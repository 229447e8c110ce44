"""The evaluation that keeps the automatic engine honest (issue #20 item 5).

    python bench/unseen.py [--part questions|records|pack|all] [--split dev|test|all] [--rebuild]
                           [--cache DIR] [--misses N]

Three hand-made sets in ``bench/data/`` (ids, our own labels and the URLs of the primary sources that
verify them; no abstract or other dataset text is stored). Every expected answer was written before the
tool was run on it and checked against a primary source (Cochrane / PubMed / FDA label / NICE) with its
URL recorded; an expected answer changes only when a primary source shows it was wrong (noted in the file).

1. ``unseen_questions.jsonl`` -- drug-condition questions over the Cohen 2006 drug classes and the Evidence
   Inference trials, none of them a starter-pack pair, phrased as people ask. Each has the best verdict, the
   set of defensible verdicts, a certainty range, a reason and its URL(s), and a split: ``dev`` (the engine
   helper may look at its misses) or ``test`` (held out: nobody tunes on it). Asked against a store holding
   the starter pack, all 14 Cohen CSVs (``ingest --map``) and the Evidence Inference abstracts.
2. ``unseen_records.jsonl`` -- records checked by hand (kind of study, population, design, each drug's role,
   comparator type, primary-outcome direction, randomised N), read from the records themselves. Only
   records whose ``sha1(id)[-1]`` is in "01234567" (the engine helper develops on the others), stratified
   over drug classes and designs. The automatic appraiser is run on each and its fields are scored.
3. ``unseen_pack_questions.jsonl`` -- everyday questions about starter-pack drugs (lay words, brands,
   "a new bout of", "together", subtypes), asked against the pack alone and against pack + Cohen: agreement
   with the pharmacist's answer, and every correct verdict that ingesting Cohen changes. Every curated
   pack pair is also asked both ways and any change of its curated certainty is listed.

Citation precision: every study a brief cites (its study list and sentence citations, labels excluded) is
judged relevant when it is about the asked drug AND the asked condition. Judgements come from
``unseen_citations.jsonl`` (by hand, per question and record id) and, for ids not judged there, from a
documented rule: the record's title or abstract names the drug (one of the question's ``drug_terms``) and
the condition (one of its ``condition_terms``). The report gives the hand-judged count, the rule-judged
count and how often the rule agrees with the hand judgements.

Stores are built in a cache directory outside the repository (``$RXEVIDENCE_BENCH_CACHE`` or
``~/.cache/rxevidence-bench``), keyed by a hash of the ingest/appraise code and the pack, and rebuilt
when either changes (or with ``--rebuild``). Data are read in place from ``../shared/data``.
Goals (issue #20): verdict agreement >= 0.80 on unseen pairs, direction >= 0.85 on the hand-checked
records, citation precision >= 0.90, ingesting Cohen changes no correct pack verdict and no curated
certainty, >= 0.90 on the everyday pack questions. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"


def _shared() -> Path:
    """``$RXEVIDENCE_SHARED_DATA``, else ``../shared/data`` of the checkout (or of its parent, for worktrees)."""
    if os.environ.get("RXEVIDENCE_SHARED_DATA"):
        return Path(os.environ["RXEVIDENCE_SHARED_DATA"])
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "data").exists():
            return base / "shared" / "data"
    return ROOT.parent / "shared" / "data"


SHARED = _shared()
COHEN = SHARED / "cohen2006_drug_class_reviews"
EI = SHARED / "evidence_inference"
CACHE = Path(os.environ.get("RXEVIDENCE_BENCH_CACHE", Path.home() / ".cache" / "rxevidence-bench"))
MAPPING = {"pmid": "pubmedID", "title": "title", "abstract": "abstract", "year": "year", "authors": "authors"}
EI_MAPPING = {"id": "id", "pmcid": "pmcid", "title": "title", "abstract": "abstract"}
GOALS = {"verdict_agreement": 0.80, "direction_accuracy": 0.85, "citation_precision": 0.90,
         "pack_everyday_agreement": 0.90}
VERDICTS = ("effective", "probably effective", "mixed/uncertain", "probably ineffective", "ineffective",
            "insufficient evidence")
CERTAINTIES = ("very low", "low", "moderate", "high")
HELD_OUT_DIGITS = "01234567"


def held_out(record_id: str) -> bool:
    """The selection rule of the hand-checked records: sha1 of the bare id, last hex digit in 0-7."""
    return hashlib.sha1(record_id.encode()).hexdigest()[-1] in HELD_OUT_DIGITS


def record_half(record_id: str) -> str:
    """Which half of the hand-checked records a record is in (2026-12-03, session 4): ``opened`` (sha1 of the
    bare id, second-to-last hex digit in 0-7: the engine helper may look at its misses, ``--show-opened-misses``)
    or ``kept`` (the others: still held out, never looked at; the honest figure)."""
    return "opened" if hashlib.sha1(record_id.encode()).hexdigest()[-2] in HELD_OUT_DIGITS else "kept"


def load_jsonl(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip() and not line.startswith("//")]


# --------------------------------------------------------------------------- stores


def _code_key() -> str:
    """Hash of everything that decides what a built store holds (ingest, parsers, appraiser, pack, store)."""
    h = hashlib.sha1()
    src = ROOT / "src" / "rxevidence"
    parts = ["appraise", "sources", "store", "pack", "ingest.py", "models.py", "vocab.py", "vocab_data"]
    for part in parts:
        p = src / part
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(src)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def ei_abstracts() -> list[dict[str, str]]:
    """Evidence Inference abstracts (``abstracts_v2/PMC*.abst``) as rows: id, pmcid, title, abstract.

    Stored as ``ext:PMC...`` (the record-id prefixes briefs may cite are pmid/nct/spl/fda/doi/ext)."""
    rows = []
    for path in sorted((EI / "abstracts_v2").glob("PMC*.abst")):
        text = path.read_text(encoding="utf-8", errors="replace")
        title, abstract = parse_ei_abstract(text)
        if abstract:
            rows.append({"id": f"ext:{path.stem}", "pmcid": path.stem, "title": title, "abstract": abstract})
    return rows


def parse_ei_abstract(text: str) -> tuple[str, str]:
    """``TITLE: ... ABSTRACT.BACKGROUND: ...`` -> (title, abstract with its section labels kept as words)."""
    m = re.search(r"TITLE:\s*(.*?)\n\s*\n", text, re.S)
    title = " ".join(m.group(1).split()) if m else ""
    body = text[m.end():] if m else text
    parts = []
    for sec in re.split(r"\n\s*\n", body):
        sec = sec.strip()
        if not sec:
            continue
        lab = re.match(r"ABSTRACT(?:\.([A-Z /&-]+))?:\s*", sec)
        if lab:
            label = (lab.group(1) or "").strip().capitalize()
            sec = sec[lab.end():]
            sec = f"{label}: {sec}" if label else sec
        parts.append(" ".join(sec.split()))
    return title, " ".join(parts)


def build_store(kind: str, cache: Path, *, rebuild: bool) -> Any:
    """``pack`` (the starter pack alone) or ``full`` (pack + Cohen CSVs + Evidence Inference abstracts)."""
    from rxevidence.ingest import ingest_paths
    from rxevidence.pack import install_pack
    from rxevidence.store import SQLiteStore

    key = _code_key()
    path = cache / f"unseen-{kind}-{key}.db"
    if path.exists() and not rebuild:
        return SQLiteStore(str(path))
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob(f"unseen-{kind}-*.db*"):
        old.unlink()
    tmp = cache / f"unseen-{kind}-{key}.building.db"
    for old in cache.glob(tmp.name + "*"):
        old.unlink()
    store = SQLiteStore(str(tmp))
    install_pack(store)
    if kind == "full":
        t0 = time.perf_counter()
        csvs = sorted(COHEN.glob("*.csv"))
        s1 = ingest_paths(store, csvs, fmt="mapped", options={"mapping": MAPPING}).as_dict()
        jl = cache / "evidence_inference_abstracts.jsonl"
        with open(jl, "w", encoding="utf-8") as f:
            for row in ei_abstracts():
                f.write(json.dumps(row) + "\n")
        s2 = ingest_paths(store, [jl], fmt="mapped", options={"mapping": EI_MAPPING}).as_dict()
        print(f"  built {kind} store: Cohen added {s1.get('added')}, EI added {s2.get('added')} "
              f"in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    store.close() if hasattr(store, "close") else None
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(tmp) + suffix)
        if src.exists():
            src.rename(Path(str(path) + suffix))
    return SQLiteStore(str(path))


# --------------------------------------------------------------------------- asking


@dataclass
class Answer:
    verdict: str | None = None
    certainty: str | None = None
    cited: list[str] = field(default_factory=list)
    error: str | None = None
    sub: list[str] = field(default_factory=list)


def ask_one(store: Any, question: str) -> Answer:
    from rxevidence.ask import ask
    from rxevidence.errors import RxEvidenceError

    try:
        brief = ask(question, store=store, offline=True)
    except RxEvidenceError as e:
        return Answer(error=f"{type(e).__name__}: {' '.join(str(e).split())[:300]}")
    cited: list[str] = []
    for s in brief.studies:
        cited.append(s.id)
    for sent in brief.sentences:
        cited.extend(sent.citations)
    study_like = [c for c in dict.fromkeys(cited) if c.split(":", 1)[0] in ("pmid", "nct", "pmc", "ext", "doi")]
    return Answer(verdict=brief.verdict, certainty=brief.certainty, cited=study_like)


def score_question(q: dict[str, Any], a: Answer) -> dict[str, Any]:
    accepted = set(q["accepted"]) | {q["verdict"]}
    lo, hi = q["certainty"][0], q["certainty"][-1]
    cert_ok = a.certainty is not None and CERTAINTIES.index(lo) <= CERTAINTIES.index(a.certainty) <= \
        CERTAINTIES.index(hi)
    return {"best": a.verdict == q["verdict"], "accepted": a.verdict in accepted, "certainty": cert_ok}


def run_questions(store: Any, qs: list[dict[str, Any]]) -> dict[str, tuple[dict, Answer]]:
    out = {}
    for q in qs:
        a = ask_one(store, q["question"])
        out[q["id"]] = (score_question(q, a), a)
    return out


def agreement_table(qs: list[dict[str, Any]], res: dict[str, tuple[dict, Answer]], label: str) -> dict:
    figures: dict[str, Any] = {}
    print(f"\n{label}: verdict agreement (best word / within the accepted set / certainty in range)")
    for split in ("dev", "test", "all"):
        sel = [q for q in qs if split == "all" or q.get("split") == split]
        if not sel:
            continue
        n = len(sel)
        best = sum(res[q["id"]][0]["best"] for q in sel) / n
        acc = sum(res[q["id"]][0]["accepted"] for q in sel) / n
        cert = sum(res[q["id"]][0]["certainty"] for q in sel) / n
        figures[split] = {"n": n, "best": round(best, 3), "accepted": round(acc, 3), "certainty": round(cert, 3)}
        print(f"  {split:5s} n={n:3d}  best {best:.3f}   accepted {acc:.3f}   certainty {cert:.3f}")
    return figures


SHOW_HELD_OUT = False  # --show-test-misses: print the misses of the held-out parts too
SHOW_OPENED = False  # --show-opened-misses: print the misses of the opened half of the hand-checked records


def print_misses(qs: list[dict[str, Any]], res: dict[str, tuple[dict, Answer]], limit: int) -> None:
    """Every miss of the dev part (and of the test part with --show-test-misses); "near" = an accepted
    word that is not the best one."""
    shown = hidden = 0
    for q in qs:
        sc, a = res[q["id"]]
        if sc["accepted"] and sc["best"]:
            continue
        if q.get("split") == "test" and not SHOW_HELD_OUT:
            hidden += 1
            continue
        if shown >= limit:
            print("  ... more misses (--misses N to see them)")
            break
        shown += 1
        mark = "MISS" if not sc["accepted"] else "near"
        got = a.error or f"{a.verdict} ({a.certainty})"
        print(f"  {mark} [{q['split']}] {q['id']} {q['question']!r}: got {got}; expected {q['verdict']} "
              f"(accept {', '.join(q['accepted'])}; {'-'.join([q['certainty'][0], q['certainty'][-1]])})")
    if hidden:
        print(f"  {hidden} misses of the held-out test part are not shown (--show-test-misses)")


# --------------------------------------------------------------------------- citations


def _terms_re(terms: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(t.lower()) for t in terms) + r")", re.I)


def citation_precision(store: Any, qs: list[dict[str, Any]], res: dict[str, tuple[dict, Answer]]) -> dict:
    hand = {(j["question"], j["record"]): bool(j["relevant"]) for j in load_jsonl("unseen_citations.jsonl")}
    judged = {"hand": 0, "rule": 0, "unjudgeable": 0}
    relevant = total = 0
    agree = compared = 0
    hand_relevant = 0
    unjudged: list[str] = []
    irrelevant: list[str] = []
    for q in qs:
        _, a = res[q["id"]]
        drug_re, cond_re = _terms_re(q["drug_terms"]), _terms_re(q["condition_terms"])
        for rid in a.cited:
            rec = store.get_record(rid)
            text = f"{rec.title or ''} {rec.abstract}" if rec is not None else ""
            rule = bool(text) and bool(drug_re.search(text)) and bool(cond_re.search(text))
            if (q["id"], rid) in hand:
                verdict = hand[(q["id"], rid)]
                judged["hand"] += 1
                hand_relevant += verdict
                if text:
                    compared += 1
                    agree += rule == verdict
            elif text:
                verdict = rule
                judged["rule"] += 1
            else:
                judged["unjudgeable"] += 1
                unjudged.append(f"{q['id']}:{rid}")
                continue
            total += 1
            relevant += verdict
            if not verdict and (q.get("split") != "test" or SHOW_HELD_OUT):
                irrelevant.append(f"{q['id']} {rid}")
    prec = relevant / total if total else None
    hand_prec = hand_relevant / judged["hand"] if judged["hand"] else None
    print(f"\ncitation precision (cited studies about the drug AND the condition): "
          f"{'n/a' if prec is None else f'{prec:.3f}'} ({relevant}/{total}; judged by hand {judged['hand']}, "
          f"by rule {judged['rule']}; not judgeable {judged['unjudgeable']}; rule agrees with hand "
          f"{agree}/{compared})")
    if hand_prec is not None:
        print(f"  on the hand-judged cited ids alone: {hand_prec:.3f} ({hand_relevant}/{judged['hand']}); the rule "
              "is lenient (a record naming both words need not study the drug for the condition), so the "
              "overall figure is an upper bound")
    for line in irrelevant[:25]:
        print(f"  not relevant: {line}")
    if len(irrelevant) > 25:
        print(f"  ... {len(irrelevant) - 25} more")
    if unjudged:
        print(f"  unjudged ids: {', '.join(unjudged[:20])}")
    return {"precision": None if prec is None else round(prec, 3), "cited": total, **judged,
            "hand_precision": None if hand_prec is None else round(hand_prec, 3),
            "rule_agreement": round(agree / compared, 3) if compared else None}


# --------------------------------------------------------------------------- hand-checked records


def record_rows(labels: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """id -> (title, abstract), read in place from the Cohen CSVs and the EI abstracts."""
    want_cohen = defaultdict(set)
    for lab in labels:
        src = lab["source"]
        if src.startswith("cohen2006/"):
            want_cohen[src.split("/", 1)[1]].add(lab["id"].split(":", 1)[1])
    out: dict[str, tuple[str, str]] = {}
    for cls, pmids in want_cohen.items():
        with open(COHEN / f"{cls}.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["pubmedID"] in pmids:
                    out[f"pmid:{row['pubmedID']}"] = (row.get("title") or "", row.get("abstract") or "")
    for lab in labels:
        if lab["source"] == "evidence_inference":
            stem = lab["id"].split(":", 1)[1]
            path = EI / "abstracts_v2" / f"{stem}.abst"
            if path.exists():
                out[lab["id"]] = parse_ei_abstract(path.read_text(encoding="utf-8", errors="replace"))
    return out


_ROLE_OF_ARM = {"intervention": "studied", "combination": "studied", "comparator": "comparator",
                "placebo": "comparator"}


def predicted_fields(a: Any) -> dict[str, Any]:
    """The appraisal's answer for each scored field (names as the engine helper defines them, with the
    older fields as fall-backs): kind, population kind, comparator type, design, direction, N, roles."""
    pop = getattr(a, "population", None)
    population = getattr(pop, "kind", None)
    if population is None and pop is not None:
        if pop.species or pop.humans is False:
            population = "animals"
        elif pop.healthy_volunteers:
            population = "healthy volunteers"
        elif pop.humans:
            population = "patients"
    roles: dict[str, str] = {}
    for drug, role in (getattr(a, "drug_roles", None) or {}).items():
        roles[drug.lower()] = str(role)
    for r in getattr(a, "roles", None) or []:  # the appraisal's list of DrugRole (drug, role)
        roles.setdefault(r.drug.lower(), str(r.role))
    if not roles:
        for arm in getattr(a, "arms", []) or []:
            for d in arm.drugs:
                roles.setdefault(d.lower(), _ROLE_OF_ARM.get(arm.role, "other"))
        for d in getattr(a, "drugs", []) or []:
            roles.setdefault(d.lower(), "studied")
    n = getattr(a, "n_randomised", None) or a.n
    return {"kind": getattr(a, "kind", None), "population": population,
            "comparator_type": getattr(a, "comparator_type", None), "design": a.design,
            "direction": a.direction, "n": n, "roles": roles}


def _alts(lab: dict[str, Any], name: str) -> list[Any]:
    return [lab.get(name)] + list(lab.get(f"{name}_alt") or [])


def score_record(lab: dict[str, Any], pred: dict[str, Any]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for f in ("kind", "population", "design", "comparator_type"):
        if lab.get(f) not in (None, "unclear"):
            out[f] = pred[f] in _alts(lab, f)
    if lab.get("direction") not in (None, "unclear") and lab.get("kind") in ("efficacy", "secondary analysis",
                                                                             "extension"):
        out["direction"] = pred["direction"] in _alts(lab, "direction")
    if lab.get("n") is not None:
        out["n"] = pred["n"] is not None and any(
            w is not None and abs(pred["n"] - w) <= 0.1 * w for w in _alts(lab, "n"))
    roles = pred["roles"]
    for d in lab.get("studied") or []:
        out.setdefault("role_studied", True)
        out["role_studied"] = out["role_studied"] and roles.get(d.lower()) == "studied"
    for key, want in (("comparators", "comparator"), ("background", "background"), ("rescue", "rescue")):
        drugs = lab.get(key) or []
        if drugs:
            out[f"role_{want}"] = all(roles.get(d.lower()) == want for d in drugs)
    return out


def run_records(limit: int) -> dict[str, Any]:
    from rxevidence.appraise import appraise_record
    from rxevidence.models import Record, Section

    labels = load_jsonl("unseen_records.jsonl")
    bad = [lab["id"] for lab in labels if not held_out(lab["id"].split(":", 1)[1])]
    if bad:
        sys.exit(f"records outside the held-out selection rule: {bad[:5]}")
    rows = record_rows(labels)
    scores: dict[str, list[bool]] = defaultdict(list)
    half_scores: dict[str, dict[str, list[bool]]] = {"opened": defaultdict(list), "kept": defaultdict(list)}
    misses: list[str] = []
    n_missed = 0
    for lab in labels:
        if lab["id"] not in rows:
            misses.append(f"{lab['id']}: record not found in ../shared/data")
            continue
        title, abstract = rows[lab["id"]]
        rec = Record(id=lab["id"], kind="article", title=title or None,
                     sections=[Section(text=abstract)] if abstract else [])
        a = appraise_record(rec)
        if a is None:
            misses.append(f"{lab['id']}: no appraisal")
            continue
        pred = predicted_fields(a)
        half = record_half(lab["id"].split(":", 1)[1])
        for f, ok in score_record(lab, pred).items():
            scores[f].append(ok)
            half_scores[half][f].append(ok)
            n_missed += not ok
            if not ok and (SHOW_HELD_OUT or (SHOW_OPENED and half == "opened")):
                want = {k: lab.get(k) for k in ("studied", "comparators", "background", "rescue")} \
                    if f.startswith("role_") else lab.get(f)
                got = pred["roles"] if f.startswith("role_") else pred.get(f)
                misses.append(f"{lab['id']} [{lab['source']}] {f}: got {got!r}, expected {want!r}")
    print(f"\nhand-checked records ({len(labels)}; automatic appraiser, field accuracy: all / opened half / "
          "kept half, the honest one)")
    figures: dict[str, Any] = {}
    halves: dict[str, dict[str, float]] = {"opened": {}, "kept": {}}
    for f in ("kind", "population", "design", "comparator_type", "direction", "n", "role_studied",
              "role_comparator", "role_background", "role_rescue"):
        if scores.get(f):
            acc = sum(scores[f]) / len(scores[f])
            figures[f] = round(acc, 3)
            line = f"  {f:16s} {acc:.3f}  (n={len(scores[f])})"
            for h in ("opened", "kept"):
                hs = half_scores[h].get(f) or []
                if hs:
                    halves[h][f] = round(sum(hs) / len(hs), 3)
                    line += f"   {h} {sum(hs) / len(hs):.3f} (n={len(hs)})"
            print(line)
    if not SHOW_HELD_OUT and not SHOW_OPENED:
        print(f"  {n_missed} field misses not shown: these records are held out from the engine's "
              "development (--show-test-misses; --show-opened-misses for the opened half only)")
    else:
        for m in misses[:limit]:
            print(f"  miss {m}")
        if len(misses) > limit:
            print(f"  ... {len(misses) - limit} more misses (--misses N to see them)")
    return {"fields": figures, "halves": halves, "n_records": len(labels),
            "n_direction": len(scores.get("direction", []))}


# --------------------------------------------------------------------------- pack questions


def curated_pairs() -> list[tuple[str, str, str]]:
    """Every (drug, condition id, condition name) of a single-drug curated pack study, in a fixed order."""
    from rxevidence.pack import load_pack
    from rxevidence.vocab import load_vocabulary

    vocab = load_vocabulary()
    pairs: set[tuple[str, str]] = set()
    for s in load_pack().studies:
        d = s.model_dump()
        drugs = d.get("drugs") or []
        cond = d.get("condition")
        if len(drugs) == 1 and isinstance(cond, str):
            pairs.add((drugs[0], cond))
    out = []
    for drug, cid in sorted(pairs):
        try:
            name = vocab.condition(cid).name
        except (KeyError, LookupError):
            name = cid.replace("-", " ")
        out.append((drug, cid, name))
    return out


def run_pack(pack_store: Any, full_store: Any, limit: int) -> dict[str, Any]:
    qs = load_jsonl("unseen_pack_questions.jsonl")
    without = run_questions(pack_store, qs)
    with_cohen = run_questions(full_store, qs)
    fig_without = agreement_table(qs, without, "everyday pack questions, starter pack alone")
    print_misses(qs, without, limit)
    fig_with = agreement_table(qs, with_cohen, "everyday pack questions, pack + Cohen records")
    print_misses(qs, with_cohen, limit)
    changed = []
    for q in qs:
        (s0, a0), (s1, a1) = without[q["id"]], with_cohen[q["id"]]
        if s0["accepted"] and (a0.verdict, a0.certainty) != (a1.verdict, a1.certainty):
            if q.get("split") == "test" and not SHOW_HELD_OUT:
                changed.append(f"{q['id']} (held-out test question)")
                continue
            changed.append(f"{q['id']} {q['question']!r}: {a0.verdict} ({a0.certainty}) -> "
                           f"{a1.verdict} ({a1.certainty}){'' if s1['accepted'] else '  [now wrong]'}")
    print(f"\ncorrect everyday pack verdicts that ingesting Cohen changes: {len(changed)}")
    for line in changed:
        print(f"  {line}")
    cert_changed = []
    pairs = curated_pairs()
    for drug, _cid, name in pairs:
        question = f"How effective is {drug} for {name}?"
        a0, a1 = ask_one(pack_store, question), ask_one(full_store, question)
        if (a0.verdict, a0.certainty) != (a1.verdict, a1.certainty):
            cert_changed.append(f"{question!r}: {a0.error or f'{a0.verdict} ({a0.certainty})'} -> "
                                f"{a1.error or f'{a1.verdict} ({a1.certainty})'}")
    print(f"\ncurated pack pairs whose verdict or certainty changes with Cohen ingested: "
          f"{len(cert_changed)} of {len(pairs)}")
    for line in cert_changed:
        print(f"  {line}")
    return {"without": fig_without, "with": fig_with, "verdicts_changed": len(changed),
            "curated_changed": len(cert_changed), "curated_pairs": len(pairs)}


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", default="all", choices=["questions", "records", "pack", "all"])
    ap.add_argument("--split", default="all", choices=["dev", "test", "all"],
                    help="which split of the unseen questions to ask (the report gives both)")
    ap.add_argument("--cache", type=Path, default=CACHE, help="where the built stores live (outside the repo)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached stores")
    ap.add_argument("--misses", type=int, default=200, help="misses to print per part")
    ap.add_argument("--show-test-misses", action="store_true",
                    help="also print the misses of the held-out parts (test questions, hand-checked records)")
    ap.add_argument("--show-opened-misses", action="store_true",
                    help="print the misses of the opened half of the hand-checked records (the kept half stays "
                         "held out)")
    args = ap.parse_args()
    global SHOW_HELD_OUT, SHOW_OPENED
    SHOW_HELD_OUT = args.show_test_misses
    SHOW_OPENED = args.show_opened_misses
    if not COHEN.exists() or not EI.exists():
        sys.exit(f"needs ../shared/data (Cohen 2006 CSVs and Evidence Inference) under {SHARED}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    t0 = time.perf_counter()
    out: dict[str, Any] = {}
    print(f"bench/unseen.py — code key {_code_key()}, cache {args.cache}")
    if args.part in ("records", "all"):
        rec = run_records(args.misses)
        out["direction_accuracy"] = rec["fields"].get("direction")
        out["record_fields"] = rec["fields"]
        out["direction_accuracy_kept_half"] = rec["halves"]["kept"].get("direction")
        out["record_fields_kept_half"] = rec["halves"]["kept"]
        out["record_fields_opened_half"] = rec["halves"]["opened"]
        out["hand_checked_records"] = rec["n_records"]
    if args.part in ("questions", "pack", "all"):
        full = build_store("full", args.cache, rebuild=args.rebuild)
    if args.part in ("questions", "all"):
        qs = [q for q in load_jsonl("unseen_questions.jsonl") if args.split in ("all", q["split"])]
        res = run_questions(full, qs)
        fig = agreement_table(qs, res, "unseen drug-condition questions (store: pack + Cohen + EI)")
        print_misses(qs, res, args.misses)
        cp = citation_precision(full, qs, res)
        for split in ("test", "dev", "all"):
            if split in fig:
                out[f"verdict_agreement_{split}"] = fig[split]["best"]
                out[f"verdict_accepted_{split}"] = fig[split]["accepted"]
                out[f"certainty_in_range_{split}"] = fig[split]["certainty"]
        top = fig.get("test") or fig.get("all") or {}
        out["verdict_agreement"] = top.get("accepted")
        out["verdict_agreement_best"] = top.get("best")
        out["citation_precision"] = cp["precision"]
        out["citation_precision_hand"] = cp["hand_precision"]
        out["citation_rule_agreement"] = cp["rule_agreement"]
        out["citations_judged_by_hand"] = cp["hand"]
        out["citations_judged_by_rule"] = cp["rule"]
    if args.part in ("pack", "all"):
        pack = build_store("pack", args.cache, rebuild=args.rebuild)
        pk = run_pack(pack, full, args.misses)
        out["pack_everyday_agreement"] = pk["without"]["all"]["accepted"]
        out["pack_everyday_agreement_best"] = pk["without"]["all"]["best"]
        out["pack_everyday_agreement_with_cohen"] = pk["with"]["all"]["accepted"]
        out["pack_everyday_agreement_test"] = pk["without"].get("test", {}).get("accepted")
        out["pack_verdicts_changed"] = pk["verdicts_changed"]
        out["curated_pairs_changed"] = pk["curated_changed"]
    print("\ngoals: " + "; ".join(f"{k} >= {v}" for k, v in GOALS.items())
          + "; pack_verdicts_changed = 0; curated_pairs_changed = 0")
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
