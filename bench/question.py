"""Benchmark: does the question parser find the focus drug of real consumer medication questions?

Data: MedInfo 2019 Medication QA (690 questions, each annotated with its "Focus (Drug)"), read in
place from ../shared/data/medication_qa_medinfo2019 (override with RXEVIDENCE_SHARED_DATA).
There is no training split: the whole set is an evaluation set; nothing is tuned on single questions.

Matching (fair and explicit):
  * the focus string is split into parts on , ; | + & / and the words "and", "or", "with"
    ("gabapentin and Lyrica" -> gabapentin, Lyrica); quotes and parenthetical remarks are dropped;
  * each part is normalised through the same vocabulary (brand -> ingredient, salt/form words such as
    "hcl", "patch", "ER" ignored, a class alias -> the class, e.g. "beta blockers" -> beta blocker,
    a combination product -> its ingredients);
  * a question is correct when the parser's drugs (ingredients and classes, after expanding
    combination products) include at least one normalised focus part; "all parts" accuracy is
    reported too;
  * focus parts that name no drug or class in the vocabulary ("drugs that cause hirsutism") can only
    be matched by the parser finding a drug whose words equal that part, so they mostly count as misses;
  * focus "n/a" (no drug: 3 questions) is excluded, and so is a focus that describes drugs by an
    effect ("drugs that cause hirsutism", "medicines that raise blood sugar": 7 questions): neither
    names a drug. Both are listed, and the accuracy counting the latter as misses is reported too.

Part 2 (issue 15): how a pharmacist reads the question, on the hand-labelled set bench/data/questions.yaml:
MedInfo 2019 rows that name a condition (or a relation between drugs), read in place by row, plus questions
written for the set across medicine (cardiology, endocrinology, psychiatry, respiratory, GI, urology,
dermatology, infections, women's health, neurology, pain, ...) with lay words, brands, misspellings,
populations and relation words. Expected answers were written before the parser saw the questions.
  * condition: the parsed condition's MeSH descriptor (``condition.mesh_id``) is one of the acceptable ids
    (no condition expected: none parsed);
  * drugs: the parsed drug set equals the expected set (each expected name normalised through the vocabulary
    as in part 1; a combination product counts as its ingredients);
  * relation: single | combination | comparison | alternatives;
  * population condition ("in people with dementia"), populations and unknown drug words where labelled.
Every third question is held out (``split: heldout``): never tuned on; its misses print only with
--show-heldout.

Goal (issue 3): accuracy >= 0.97; parse < 5 ms per question after start-up; vocabulary load < 300 ms.
Goal (issue 15): condition accuracy >= 0.95, drug accuracy >= 0.97 on the set (both splits reported).

Usage: python bench/question.py [--quick] [--show-heldout]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
XLSX = SHARED / "medication_qa_medinfo2019" / "MedInfo2019-QA-Medications.xlsx"
SET = ROOT / "bench" / "data" / "questions.yaml"


def read_questions(path: Path) -> list[tuple[str, str]]:
    try:
        import openpyxl
    except ImportError:
        sys.exit("needs openpyxl: pip install -e '.[bench]'")
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    head = [str(h) for h in rows[0]]
    qi, fi = head.index("Question"), head.index("Focus (Drug)")
    return [(str(r[qi] or ""), str(r[fi] or "")) for r in rows[1:] if r[qi]]


# a focus that describes drugs by an effect names no drug: "drugs that cause hirsutism"
_BY_EFFECT = re.compile(r"^(drugs?|medications?|medicines?)\s+(that|which)\s+", re.I)
_SPLIT = re.compile(r"\s*(?:[,;|+&/]|\band\b|\bor\b|\bwith\b)\s*", re.I)


def focus_parts(focus: str) -> list[str]:
    f = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", focus).replace('"', " ")
    return [p.strip() for p in _SPLIT.split(f) if p and p.strip()]


def normalise(part: str, vocab) -> set[str]:
    names: set[str] = set()
    for hit in vocab.find_drugs(part):
        if hit.members and not hit.is_class:
            names.update(hit.members)
        else:
            names.add(hit.name)
    return names


def parsed_names(q) -> set[str]:
    return {d.name for d in q.drugs}


def focus_accuracy(rows: list[tuple[str, str]], v, question, vocab) -> dict:
    """Part 1: the focus drug of every MedInfo question."""
    times: list[float] = []
    cpu_times: list[float] = []
    n = correct = all_parts = excluded = 0
    misses: list[tuple[str, str, list[str], list[str]]] = []
    unresolvable = 0
    by_effect: list[tuple[str, str]] = []
    for text, focus in rows:
        if not focus.strip() or focus.strip().lower().startswith("n/a"):
            excluded += 1
            continue
        if _BY_EFFECT.match(focus.strip()):
            by_effect.append((text, focus))
            continue
        t, c = time.perf_counter(), time.process_time()
        q = question.parse(text[:500], vocab=v)
        times.append((time.perf_counter() - t) * 1000)
        cpu_times.append((time.process_time() - c) * 1000)
        got = parsed_names(q)
        got_text = {vocab.norm(d.text) for d in q.drugs}
        parts = focus_parts(focus)
        wanted = [normalise(p, v) or {vocab.norm(p)} for p in parts]
        if not any(normalise(p, v) for p in parts):
            unresolvable += 1
        # an unresolved focus part also counts when it is the whole or the start of a parsed mention's
        # words ("tetanus" in "tetanus shot")
        hits = [bool(w & got) or any(t == x or t.startswith(x + " ") for t in got_text for x in w) for w in wanted]
        n += 1
        if any(hits):
            correct += 1
            if all(hits):
                all_parts += 1
        else:
            misses.append((text, focus, sorted(set().union(*wanted)), sorted(got)))
    return {"n": n, "correct": correct, "all_parts": all_parts, "excluded": excluded, "misses": misses,
            "unresolvable": unresolvable, "by_effect": by_effect, "times": times, "cpu_times": cpu_times}


# --------------------------------------------------------------------------- part 2: the labelled set


def load_set(path: Path, rows: list[tuple[str, str]]) -> list[dict]:
    """The labelled questions; MedInfo rows get their text from the sheet (checked by SHA-1 prefix)."""
    import hashlib

    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items: list[dict] = []
    for e in data.get("medinfo", []):
        text = rows[e["row"]][0]
        if hashlib.sha1(text.encode()).hexdigest()[:10] != e["sha1"]:
            sys.exit(f"{path.name}: MedInfo row {e['row']} does not match its sha1 (a different sheet?)")
        items.append({**e, "q": text, "source": "medinfo"})
    items.extend({**e, "source": "own"} for e in data.get("own", []))
    return items


def mesh_ids(labels: list[str]) -> list[str]:
    return [x.split()[0] for x in labels or []]


def expected_drugs(names: list[str], v) -> set[str]:
    out: set[str] = set()
    for n in names:
        out |= normalise(n, v) or {vocab_norm(n)}
    return out


def vocab_norm(text: str) -> str:
    from rxevidence.vocab import norm

    return norm(text)


def judge(item: dict, q, v) -> dict[str, bool | None]:
    """Which parts of one parse match the labels (None: not labelled)."""
    cond = q.condition.mesh_id if q.condition is not None else None
    want_c = mesh_ids(item.get("condition", []))
    got_d = parsed_names(q)
    want_d = expected_drugs(item.get("drugs", []), v)
    pop_c = [c.mesh_id for c in getattr(q, "population_conditions", []) or []]
    out: dict[str, bool | None] = {
        "condition": (cond in want_c) if want_c else cond is None,
        "drugs": got_d == want_d,
        "relation": q.relation == item["relation"] if len(want_d) + len(item.get("unknown", [])) >= 2 or
        item["relation"] != "single" else q.relation == "single",
        "population": sorted(q.population) == sorted(item.get("population", [])),
        "population_condition": None,
        "unknown": None,
    }
    if item.get("population_condition"):
        out["population_condition"] = any(m in pop_c for m in mesh_ids(item["population_condition"]))
    if item.get("unknown"):
        words = {s.word.lower() for s in q.unknown}
        out["unknown"] = all(w.lower() in words for w in item["unknown"])
    return out


def describe(q) -> str:
    c = q.condition
    cond = f"{c.mesh_id} {c.name} ({c.id})" if c is not None else "none"
    pop_c = ", ".join(f"{p.mesh_id} {p.name}" for p in getattr(q, "population_conditions", []) or [])
    unk = ", ".join(s.word for s in q.unknown)
    return (f"drugs={sorted(parsed_names(q))} relation={q.relation} condition={cond} population={q.population}"
            + (f" population_condition=[{pop_c}]" if pop_c else "") + (f" unknown=[{unk}]" if unk else ""))


def set_accuracy(items: list[dict], v, question) -> dict:
    """Part 2: condition, drugs, relation, population on the labelled set, by split and source."""
    fields = ("condition", "drugs", "relation", "population", "population_condition", "unknown")
    tally: dict[tuple[str, str], list[int]] = {}
    misses: dict[str, list[tuple[dict, str, list[str]]]] = {"tune": [], "heldout": []}
    for item in items:
        q = question.parse(item["q"][:500], vocab=v)
        verdict = judge(item, q, v)
        for f in fields:
            ok = verdict[f]
            if ok is None:
                continue
            for key in ((item["split"], f), ("all", f), (item["source"], f)):
                t = tally.setdefault(key, [0, 0])
                t[0] += int(ok)
                t[1] += 1
        wrong = [f for f in fields if verdict[f] is False]
        if wrong:
            misses[item["split"]].append((item, describe(q), wrong))

    def acc(split: str, f: str) -> float:
        ok, n = tally.get((split, f), [0, 0])
        return ok / n if n else 0.0

    return {"tally": tally, "misses": misses, "acc": acc, "n": len(items),
            "n_split": {s: sum(1 for i in items if i["split"] == s) for s in ("tune", "heldout")},
            "n_source": {s: sum(1 for i in items if i["source"] == s) for s in ("medinfo", "own")}}


def print_set_report(res: dict, show_heldout: bool) -> None:
    acc, tally = res["acc"], res["tally"]
    print("\nPart 2 - reading of hand-labelled questions (bench/data/questions.yaml)")
    print(f"  n={res['n']} (MedInfo 2019 rows {res['n_source']['medinfo']}, written for the set "
          f"{res['n_source']['own']}); tune {res['n_split']['tune']}, held out {res['n_split']['heldout']}")
    print(f"  {'':22} {'all':>7} {'tune':>7} {'heldout':>8} {'medinfo':>8} {'own':>7}   n(all)")
    for f, goal in (("condition", " goal >= 0.95"), ("drugs", " goal >= 0.97"), ("relation", ""),
                    ("population", ""), ("population_condition", ""), ("unknown", "")):
        cells = " ".join(f"{acc(s, f):>7.3f}" if tally.get((s, f)) else f"{'-':>7}"
                         for s in ("all", "tune", "heldout", "medinfo", "own"))
        print(f"  {f:22} {cells}   {tally.get(('all', f), [0, 0])[1]}{goal}")
    print(f"\nMisses on the tune split ({len(res['misses']['tune'])}):")
    for item, got, wrong in res["misses"]["tune"]:
        want = (f"drugs={item.get('drugs')} relation={item['relation']} condition={item.get('condition') or 'none'}"
                + (f" population={item['population']}" if item.get("population") else "")
                + (f" population_condition={item['population_condition']}" if item.get("population_condition") else ""))
        print(f"  - [{item['source']}] {item['q'][:100]!r} wrong: {', '.join(wrong)}\n      want {want}\n      got  {got}")
    held = res["misses"]["heldout"]
    if show_heldout:
        print(f"\nMisses on the held-out split ({len(held)}; do not tune on these):")
        for item, got, wrong in held:
            print(f"  - {item['q'][:100]!r} wrong: {', '.join(wrong)}\n      got  {got}")
    else:
        print(f"\nHeld-out misses: {len(held)} (not shown; --show-heldout prints them)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Question-parser accuracy on real and hand-labelled consumer questions.")
    ap.add_argument("--quick", action="store_true", help="first 200 MedInfo questions only in part 1")
    ap.add_argument("--show-heldout", action="store_true", help="print the held-out misses too")
    args = ap.parse_args(argv)
    if not XLSX.exists():
        sys.exit(f"needs {XLSX} (../shared/data is not in a fresh clone)")

    t0 = time.perf_counter()
    from rxevidence import question, vocab

    t1, c1 = time.perf_counter(), time.process_time()
    v = vocab.load_vocabulary()
    t2, c2 = time.perf_counter(), time.process_time()
    load_cpu_ms = (c2 - c1) * 1000
    question.parse("warm up: is ibuprophen good for back pain?", vocab=v)  # builds lazy indexes
    t3 = time.perf_counter()
    import_ms, load_ms, first_ms = (t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000

    all_rows = read_questions(XLSX)
    rows = all_rows[:200] if args.quick else all_rows
    r = focus_accuracy(rows, v, question, vocab)
    n, correct, all_parts, misses, by_effect = r["n"], r["correct"], r["all_parts"], r["misses"], r["by_effect"]
    times, cpu_times = r["times"], r["cpu_times"]
    acc = correct / n if n else 0.0
    mean = statistics.fmean(times) if times else 0.0
    p95 = sorted(times)[int(0.95 * (len(times) - 1))] if times else 0.0
    print("Part 1 - question parser: focus drug of real consumer medication questions")
    print(f"  data: {XLSX.name} (MedInfo 2019), split: all ({'quick: first 200' if args.quick else 'full'}), "
          f"n={n} (+{r['excluded']} excluded: focus n/a)")
    print(f"  excluded as naming no drug (focus describes drugs by an effect): {len(by_effect)}")
    for text, focus in by_effect:
        print(f"      {text[:70]!r} (focus {focus!r})")
    acc_incl = correct / (n + len(by_effect)) if n else 0.0
    print(f"  accuracy (any focus part found): {acc:.3f}   goal >= 0.97")
    print(f"  accuracy counting the effect-described foci as misses: {acc_incl:.3f} (n={n + len(by_effect)})")
    print(f"  accuracy (all focus parts found): {all_parts / n if n else 0:.3f}")
    print(f"  focus strings naming no vocabulary drug/class: {r['unresolvable']}")
    cpu_mean = statistics.fmean(cpu_times) if cpu_times else 0.0
    cpu_p95 = sorted(cpu_times)[int(0.95 * (len(cpu_times) - 1))] if cpu_times else 0.0
    print(f"  parse time per question (wall): mean {mean:.2f} ms, p95 {p95:.2f} ms   goal < 5 ms; "
          f"CPU mean {cpu_mean:.2f} ms, p95 {cpu_p95:.2f} ms")
    print(f"  vocabulary load: {load_ms:.0f} ms wall, {load_cpu_ms:.0f} ms CPU (goal < 300 ms); "
          f"import {import_ms:.0f} ms; first parse (builds the fuzzy index) {first_ms:.0f} ms")
    print(f"  machine load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall times grow with it)")
    print(f"\nMisses ({len(misses)}):")
    for text, focus, wanted, got in misses:
        print(f"  - {text[:90]!r}\n      focus={focus!r} -> {wanted}; parsed={got}")

    res = set_accuracy(load_set(SET, all_rows), v, question)
    print_set_report(res, args.show_heldout)
    sa = res["acc"]
    print(json.dumps({
        "accuracy": round(acc, 4), "accuracy_all_parts": round(all_parts / n, 4) if n else 0.0, "n": n,
        "excluded": r["excluded"] + len(by_effect), "accuracy_incl_effect_foci": round(acc_incl, 4),
        "misses": len(misses), "parse_ms_mean": round(mean, 3), "parse_ms_p95": round(p95, 3),
        "parse_ms_cpu_mean": round(cpu_mean, 3), "parse_ms_cpu_p95": round(cpu_p95, 3), "load_ms": round(load_ms, 1),
        "load_ms_cpu": round(load_cpu_ms, 1), "import_ms": round(import_ms, 1), "first_parse_ms": round(first_ms, 1),
        "set_n": res["n"], "set_n_heldout": res["n_split"]["heldout"],
        **{f"set_{f}_accuracy": round(sa("all", f), 4) for f in ("condition", "drugs", "relation", "population")},
        **{f"set_{f}_accuracy_heldout": round(sa("heldout", f), 4) for f in ("condition", "drugs", "relation")},
        **{f"set_{f}_accuracy_tune": round(sa("tune", f), 4) for f in ("condition", "drugs", "relation")},
        "set_population_condition_accuracy": round(sa("all", "population_condition"), 4),
        "set_unknown_accuracy": round(sa("all", "unknown"), 4),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
