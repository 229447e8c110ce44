"""Audit real health articles the way a fact-checker would, against a pharmacist's annotations.

    python bench/audit_articles.py                 # the dev part (45 articles; those with cached text)
    python bench/audit_articles.py --part heldout  # the held-out part: final figures only (totals, no misses)
    python bench/audit_articles.py --part all      # both, reported per part

Data: bench/data/audit_articles/{dev,heldout}/*.yaml — real consumer pages, AI answer pages, blogs and news
(evaluation material, not shipped), each with its key claims annotated before the tool was run: the claim as
it appears, the verdict a careful clinical pharmacist would give, the reason and the primary evidence URL,
plus the article's real internal contradictions. A held-out part is run only for final figures and never
tuned on; once its misses are read it moves to dev. Two held-out parts have been used that way (articles
11-20, then 21-27; their single runs are recorded in docs/benchmarks.md), then 28-37 (v3), 38-41 (v4) and
42-47 (v5, articles whose cited evidence is in the bench store); heldout/ holds the next part (v6, 48-53,
chosen the same way), annotated before any run and not yet run.

Store: the bundled starter pack plus the Cohen 2006 drug-class review records
(../shared/data/cohen2006_drug_class_reviews, read in place) ingested with the same column mapping as
``rxevidence ingest FILE.csv --map pmid=pubmedID,title=title,abstract=abstract,year=year,authors=authors``.
It is built once in a cache directory outside the repository ($RXEVIDENCE_BENCH_CACHE, default
~/.cache/rxevidence-bench/audit-articles.sqlite) and reused; ``--rebuild`` builds it again (after an appraiser
change, for instance).

Scoring: an annotated claim is *found* when the report's claims cover at least half of its characters; its
verdict is the verdict of the report claim covering most of it (several covering claims that disagree, one
saying supported and another contradicted, read as "partly supported"). Verdict agreement is counted on found
claims. A real contradiction is *found* when a reported pair overlaps both of its sides; a reported pair that
matches no annotated one is *false*. Claims whose cited evidence is itself in the store are also reported
apart ("in store"), so gaps in the store and errors of judgement can be told apart; "always supported" is the
agreement a constant answer would get.

Goal (issue #17, on the held-out part): claims found >= 90%, verdict agreement >= 80%, every real internal
contradiction found, at most one false contradiction per six articles.
Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "audit_articles"
SHARED = Path(os.environ.get("RXEVIDENCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
COHEN = SHARED / "cohen2006_drug_class_reviews"
CACHE = Path(os.environ.get("RXEVIDENCE_BENCH_CACHE", Path.home() / ".cache" / "rxevidence-bench"))
MAPPING = {"pmid": "pubmedID", "title": "title", "abstract": "abstract", "year": "year", "authors": "authors"}
VERDICTS = ("supported", "partly supported", "contradicted", "unverifiable")
GOALS = {"claims_found_rate": 0.90, "verdict_agreement": 0.80, "false_contradictions_per_article": 1 / 6}


# ------------------------------------------------------------------ data


@dataclass
class Article:
    part: str
    name: str
    url: str
    text: str
    claims: list[dict[str, Any]]
    contradictions: list[dict[str, Any]]


TEXTS = CACHE / "audit-articles-text"


def article_text(d: dict[str, Any]) -> tuple[str | None, str]:
    """The article's text and "" or None and why it is missing.

    The repository keeps no publisher text: an annotation names its text file under TEXTS and its sha256; the
    file is the cached copy of the page (fetched from ``source_url``). An inline ``text`` (our own short texts)
    is read as it is."""
    if d.get("text"):
        return d["text"], ""
    name = d.get("text_file")
    if not name:
        return None, "no text and no text_file in the annotation"
    path = TEXTS / name
    if not path.is_file():
        return None, f"text not cached ({path} absent; it is the page at {d['source_url']})"
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != d.get("text_sha256"):
        return None, f"cached text {path} does not match text_sha256 (the page changed or the file was edited)"
    return data.decode("utf-8"), ""


def load_articles(parts: list[str]) -> tuple[list[Article], list[str]]:
    """The annotated articles of ``parts`` whose text is available, and one line per article skipped."""
    out, skipped = [], []
    for part in parts:
        for path in sorted((DATA / part).glob("*.yaml")):
            d = yaml.safe_load(path.read_text(encoding="utf-8"))
            text, why = article_text(d)
            if text is None:
                skipped.append(f"skipped {part}/{path.stem}: {why}")
                continue
            out.append(Article(part, path.stem, d["source_url"], text, d["claims"], d.get("contradictions") or []))
    if not out:
        sys.exit("\n".join(skipped + [f"no articles with text under {DATA} for {', '.join(parts)} (a used held-out "
                                      "part moves to dev: annotate fresh articles in heldout/ before running it)"]))
    return out, skipped


def build_store(path: Path, *, rebuild: bool) -> Any:
    from rxevidence.ingest import ingest_paths
    from rxevidence.pack import install_pack
    from rxevidence.store import SQLiteStore

    if rebuild and path.exists():
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
    fresh = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    store = SQLiteStore(str(path))
    if fresh or store.meta_get("bench_audit_articles") != "1":
        csvs = sorted(COHEN.glob("*.csv"))
        if not csvs:
            sys.exit(f"needs the Cohen 2006 CSVs under {COHEN} (../shared/data, or set RXEVIDENCE_SHARED_DATA)")
        t0 = time.perf_counter()
        ingest_paths(store, csvs, fmt="mapped", options={"mapping": MAPPING})
        install_pack(store)
        store.meta_set("bench_audit_articles", "1")
        print(f"built {path}: {store.count():,} records in {time.perf_counter() - t0:.0f}s")
    return store


# ------------------------------------------------------------------ matching


def _normalise(text: str) -> tuple[str, list[int]]:
    """Whitespace-collapsed lower-case text and, for each of its characters, the offset in ``text``."""
    chars: list[str] = []
    index: list[int] = []
    space = True
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space:
                chars.append(" ")
                index.append(i)
            space = True
            continue
        chars.append(ch.lower())
        index.append(i)
        space = False
    return "".join(chars), index


def _span(fragment: str, norm: str, index: list[int]) -> tuple[int, int] | None:
    """Offsets in the original text of ``fragment`` (compared whitespace- and case-insensitively)."""
    frag, _ = _normalise(fragment)
    frag = frag.strip()
    pos = norm.find(frag) if frag else -1
    if pos < 0:
        return None
    return index[pos], index[pos + len(frag) - 1] + 1


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _covering(span: tuple[int, int], claims: list[Any]) -> tuple[float, Any | None, str | None]:
    """(share of ``span`` covered by report claims, the claim covering most of it, the combined verdict)."""
    covered = [False] * (span[1] - span[0])
    parts = []
    for c in claims:
        ov = _overlap(span, (c.start, c.end))
        if ov <= 0:
            continue
        for i in range(max(span[0], c.start), min(span[1], c.end)):
            covered[i - span[0]] = True
        parts.append((ov, c))
    if not parts:
        return 0.0, None, None
    parts.sort(key=lambda t: (-t[0], t[1].end - t[1].start))
    best = parts[0][1]
    big = {c.verdict for ov, c in parts if ov >= 0.25 * (span[1] - span[0])}
    verdict = best.verdict
    if "contradicted" in big and big & {"supported", "partly supported"}:
        verdict = "partly supported"  # a true half and a false half, reported as two claims
    return sum(covered) / len(covered), best, verdict


def _pair_matches(pair: Any, gold: dict[str, Any], norm: str, index: list[int]) -> bool:
    def spans(v: Any) -> list[tuple[int, int]]:
        vals = v if isinstance(v, list) else [v]
        return [s for s in (_span(x, norm, index) for x in vals) if s]

    ga, gb = spans(gold["a"]), spans(gold["b"])
    ra, rb = _span(pair.a, norm, index), _span(pair.b, norm, index)
    if ra is None or rb is None:
        return False

    def hit(r: tuple[int, int], golds: list[tuple[int, int]]) -> bool:
        return any(_overlap(r, g) >= 0.3 * min(r[1] - r[0], g[1] - g[0]) for g in golds)

    return (hit(ra, ga) and hit(rb, gb)) or (hit(ra, gb) and hit(rb, ga))


def _ids_of(urls: list[str]) -> list[str]:
    out = []
    for u in urls:
        m = re.search(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d+)", u)
        if m:
            out.append(f"pmid:{m.group(1)}")
    return out


# ------------------------------------------------------------------ scoring


@dataclass
class Score:
    claims: int = 0
    found: int = 0
    agree: int = 0
    constant: int = 0  # agreement of an "always supported" answer on found claims
    in_store: int = 0
    in_store_found: int = 0
    in_store_agree: int = 0
    contra_real: int = 0
    contra_found: int = 0
    contra_false: int = 0
    articles: int = 0
    confusion: Counter = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for k in ("claims", "found", "agree", "constant", "in_store", "in_store_found", "in_store_agree",
                  "contra_real", "contra_found", "contra_false", "articles"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.confusion.update(other.confusion)

    def figures(self) -> dict[str, Any]:
        def rate(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        return {
            "articles": self.articles, "claims": self.claims, "claims_found": self.found,
            "claims_found_rate": rate(self.found, self.claims), "verdict_agreement": rate(self.agree, self.found),
            "verdict_agreement_always_supported": rate(self.constant, self.found),
            "in_store_claims": self.in_store, "in_store_verdict_agreement": rate(self.in_store_agree,
                                                                                 self.in_store_found),
            "contradictions_real": self.contra_real, "contradictions_found": self.contra_found,
            "contradictions_false": self.contra_false,
            "false_contradictions_per_article": rate(self.contra_false, self.articles),
        }


def score_article(art: Article, report: Any, store: Any) -> Score:
    s = Score(articles=1)
    norm, index = _normalise(report.text)
    for gold in art.claims:
        s.claims += 1
        ids = _ids_of(gold.get("evidence") or [])
        stored = bool(ids) and bool(store.get_records(ids))
        s.in_store += stored
        span = _span(gold["text"], norm, index)
        if span is None:
            s.misses.append(f"  ! annotated text not in the report text: {gold['text'][:90]!r}")
            continue
        share, best, verdict = _covering(span, report.claims)
        if share < 0.5 or best is None:
            s.misses.append(f"  not found ({share:.0%} covered) [{gold['verdict']}]: {gold['text'][:110]!r}")
            continue
        s.found += 1
        s.in_store_found += stored
        s.constant += gold["verdict"] == "supported"
        s.confusion[(gold["verdict"], verdict)] += 1
        if verdict == gold["verdict"]:
            s.agree += 1
            s.in_store_agree += stored
        else:
            s.misses.append(f"  verdict {verdict!r}, pharmacist {gold['verdict']!r}{' (evidence in store)' if stored else ''}: "
                            f"{gold['text'][:90]!r}\n      tool: {best.reason[:160]}\n      pharmacist: {gold['reason'][:160]}")
    matched: set[int] = set()
    for pair in report.contradictions:
        hits = [i for i, g in enumerate(art.contradictions) if _pair_matches(pair, g, norm, index)]
        if hits:
            matched.update(hits)
        else:
            s.contra_false += 1
            s.misses.append(f"  false contradiction: {pair.a[:70]!r} <> {pair.b[:70]!r}")
    s.contra_real = len(art.contradictions)
    s.contra_found = len(matched)
    for i, g in enumerate(art.contradictions):
        if i not in matched:
            a = g["a"] if isinstance(g["a"], str) else g["a"][0]
            b = g["b"] if isinstance(g["b"], str) else g["b"][0]
            s.misses.append(f"  missed contradiction: {a[:70]!r} <> {b[:70]!r}")
    return s


def print_score(label: str, s: Score) -> None:
    f = s.figures()

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.0%}"

    print(f"{label}: claims found {s.found}/{s.claims} ({pct(f['claims_found_rate'])}), verdict agreement "
          f"{s.agree}/{s.found} ({pct(f['verdict_agreement'])}; always-supported {pct(f['verdict_agreement_always_supported'])}; "
          f"evidence in store {s.in_store_agree}/{s.in_store_found}), contradictions found {s.contra_found}/"
          f"{s.contra_real}, false {s.contra_false}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=["dev", "heldout", "all"], default="dev",
                    help="which folder of bench/data/audit_articles/ to run: dev (default), heldout (the current "
                    "held-out part, final figures only, no misses) or all (both, reported per part)")
    ap.add_argument("--store", type=Path, default=CACHE / "audit-articles.sqlite")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached store")
    ap.add_argument("--article", help="only articles whose file name contains this")
    ap.add_argument("--show-misses", action="store_true",
                    help="also print held-out articles one by one with their misses (the held-out part then becomes dev)")
    args = ap.parse_args()

    from rxevidence.audit import audit
    from rxevidence.pipeline import build_context

    parts = ["dev", "heldout"] if args.part == "all" else [args.part]
    loaded, skipped = load_articles(parts)
    articles = [a for a in loaded if not args.article or args.article in a.name]
    for line in skipped:
        print(line, file=sys.stderr)
    store = build_store(args.store, rebuild=args.rebuild)
    context = build_context(store)  # built once: store, vocabulary, pack facts
    print(f"store {args.store} ({store.count():,} records); parts: {', '.join(parts)}; {len(articles)} articles"
          f"{f' ({len(skipped)} skipped: text not available)' if skipped else ''}\n")
    totals = {p: Score(articles=0) for p in parts}
    t0 = time.perf_counter()
    for art in articles:
        report = audit(art.text, context=context, kind="text")
        s = score_article(art, report, store)
        totals[art.part].add(s)
        if art.part == "heldout" and not args.show_misses:
            continue  # the held-out part reports its totals only: nobody reads its misses while developing
        print_score(f"[{art.part}] {art.name}", s)
        for m in s.misses:
            print(m)
        print()
    seconds = time.perf_counter() - t0
    print("Per part")
    for p in parts:
        print_score(f"  {p}", totals[p])
    confusion = Counter()
    for p in parts:
        confusion.update(totals[p].confusion)
    print("\nConfusion on found claims (rows pharmacist, columns tool): " + " / ".join(VERDICTS))
    for g in VERDICTS:
        print(f"  {g:<17}" + "".join(f"{confusion[(g, v)]:>8}" for v in VERDICTS))
    print(f"\nGoals on the held-out part: claims found >= {GOALS['claims_found_rate']:.0%}, verdict agreement >= "
          f"{GOALS['verdict_agreement']:.0%}, every real contradiction found, <= 1 false contradiction per 6 articles.")
    out: dict[str, Any] = {"benchmark": "audit_articles", "parts": parts, "seconds": round(seconds, 1),
                           "articles_skipped": len(skipped)}
    for p in parts:
        out[p] = totals[p].figures()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
