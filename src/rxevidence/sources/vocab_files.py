"""Vocabulary files a user may have: RxNorm ``RXNCONSO.RRF``, the DrugBank open vocabulary CSV and
an ATC table (``atc_code,atc_name,...``). ``rxevidence ingest`` stores their terms
(:class:`~rxevidence.models.VocabTerm`) and :func:`rxevidence.vocab.load_vocabulary` merges them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from ..models import Skipped, VocabTerm
from .registry import SourceFormat, bad_text, open_text, register

RXNORM_TTY_INGREDIENT = {"IN", "PIN", "MIN"}
RXNORM_TTY_SYNONYM = {"SY", "TMSY", "PSN"}


def _sniff_rxnorm(name: str, head: bytes) -> bool:
    if not name.endswith(".rrf") or "rxnconso" not in name:
        return False
    first = head.split(b"\n", 1)[0]
    return first.count(b"|") >= 17


def parse_rxnorm(path: str, **_: object) -> Iterator[VocabTerm | Skipped]:
    """RXNCONSO.RRF (English RxNorm atoms): ingredients, their synonyms, and brand names when a
    sibling RXNREL.RRF links them (``has_tradename``)."""
    ingredient: dict[str, str] = {}
    synonyms: list[tuple[str, str]] = []
    brands: dict[str, str] = {}
    with open_text(path) as f:
        for n, line in enumerate(f, 1):
            cols = line.rstrip("\n").split("|")
            bad = bad_text(line)
            if bad:
                yield Skipped(reason=bad, path=path, position=f"line {n}")
                continue
            if len(cols) < 15:
                yield Skipped(reason="RXNCONSO line with fewer than 15 fields", path=path, position=f"line {n}")
                continue
            rxcui, lat, sab, tty, string = cols[0], cols[1], cols[11], cols[12], cols[14]
            if lat != "ENG" or sab != "RXNORM" or not string:
                continue
            if tty in RXNORM_TTY_INGREDIENT:
                ingredient.setdefault(rxcui, string.lower())
            elif tty in RXNORM_TTY_SYNONYM:
                synonyms.append((rxcui, string))
            elif tty == "BN":
                brands[rxcui] = string
    for name in sorted(set(ingredient.values())):
        yield VocabTerm(term=name, kind="drug", canonical=name, source="rxnorm")
    for rxcui, s in synonyms:
        if rxcui in ingredient:
            yield VocabTerm(term=s, kind="synonym", canonical=ingredient[rxcui], source="rxnorm")
    rel = Path(path).with_name("RXNREL.RRF")
    if brands and rel.exists():
        with open_text(rel) as f:
            for line in f:
                cols = line.split("|")
                if bad_text(line) or len(cols) <= 7 or cols[7] not in ("tradename_of", "has_tradename"):
                    continue
                a, b = cols[0], cols[4]  # the direction of the relation differs between releases: accept both
                if a in brands and b in ingredient:
                    a, b = b, a
                if b in brands and a in ingredient:
                    yield VocabTerm(term=brands[b], kind="brand", canonical=ingredient[a], source="rxnorm")


def _sniff_drugbank(name: str, head: bytes) -> bool:
    text = head[:600].decode("utf-8", "replace")
    return "DrugBank ID" in text and "Common name" in text and "Synonyms" in text


def parse_drugbank_vocabulary(path: str, **_: object) -> Iterator[VocabTerm | Skipped]:
    """DrugBank open vocabulary CSV (CC0): ``DrugBank ID, Accession Numbers, Common name, CAS, UNII,
    Synonyms, Standard InChI Key`` (comma or semicolon separated; an Excel ``Column1;...`` line is skipped)."""
    with open_text(path) as f:
        lines = f.read().splitlines()
    while lines and "DrugBank ID" not in lines[0]:
        lines.pop(0)
    if not lines:
        return
    delim = ";" if lines[0].count(";") > lines[0].count(",") else ","
    for n, row in enumerate(csv.DictReader(lines, delimiter=delim), 2):
        name = (row.get("Common name") or "").strip()
        bad = bad_text(row)
        if bad:
            yield Skipped(reason=bad, path=path, position=f"row {n}")
            continue
        if not name:
            yield Skipped(reason="DrugBank vocabulary row without a common name", path=path, position=f"row {n}")
            continue
        canonical = name.lower()
        yield VocabTerm(term=name, kind="drug", canonical=canonical, source="drugbank-open")
        for syn in (row.get("Synonyms") or "").split("|"):
            syn = syn.strip()
            if syn and syn.lower() != canonical:
                yield VocabTerm(term=syn, kind="synonym", canonical=canonical, source="drugbank-open")


def _sniff_atc(name: str, head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").lower().startswith(b"atc_code,atc_name")


def parse_atc(path: str, **_: object) -> Iterator[VocabTerm | Skipped]:
    """ATC table (``atc_code, atc_name, ...``): each substance (level 5) becomes a member of its
    level-4 group, e.g. ``class:benzodiazepine derivatives`` -> diazepam."""
    names: dict[str, str] = {}
    subs: list[tuple[str, str]] = []
    with open_text(path) as f:
        for n, row in enumerate(csv.DictReader(f), 2):
            code, name = (row.get("atc_code") or "").strip(), (row.get("atc_name") or "").strip()
            bad = bad_text(row)
            if bad:
                yield Skipped(reason=bad, path=path, position=f"row {n}")
                continue
            if not code or not name:
                yield Skipped(reason="ATC row without code or name", path=path, position=f"row {n}")
                continue
            names.setdefault(code, name)
            if len(code) == 7 and "combination" not in name.lower():
                subs.append((code, name))
    for code, name in subs:
        group = names.get(code[:5])
        if group:
            yield VocabTerm(term=name, kind=f"class:{group.lower()}", canonical=name.lower(), source="atc")


register(SourceFormat("rxnorm-rrf", "RxNorm RXNCONSO.RRF (ingredients, synonyms, brands)", _sniff_rxnorm, parse_rxnorm, 20))
register(
    SourceFormat(
        "drugbank-vocabulary", "DrugBank open vocabulary CSV (names, synonyms)", _sniff_drugbank,
        parse_drugbank_vocabulary, 20,
    )
)
register(SourceFormat("atc-csv", "WHO ATC table CSV (atc_code, atc_name, ...)", _sniff_atc, parse_atc, 20))
