"""RxNav (NLM): drug name to RxCUI, approximate matching, and drug-class membership (RxClass).

Limit: 20 requests/s per IP. No key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import ParseError
from .http import ApiClient

DEFAULT_URL = "https://rxnav.nlm.nih.gov/REST"


@dataclass(frozen=True)
class ApproxMatch:
    rxcui: str
    score: float
    rank: int
    name: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class DrugClass:
    class_id: str
    class_name: str
    class_type: str | None = None  # "EPC", "MOA", "ATC1-4", "DISEASE", ...
    rela: str | None = None  # "has_epc", "may_treat", ...
    rela_source: str | None = None  # "DAILYMED", "ATCPROD", "MEDRT", ...
    rxcui: str | None = None  # the drug concept the class was found for


def _json(body: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ParseError(f"malformed or truncated RxNav {what} JSON: {e}") from e
    if not isinstance(data, dict):
        raise ParseError(f"RxNav {what} response is not a JSON object")
    return data


def parse_rxcui(body: bytes) -> list[str]:
    group = _json(body, "rxcui").get("idGroup") or {}
    return [str(x) for x in group.get("rxnormId") or []]


def parse_approximate(body: bytes) -> list[ApproxMatch]:
    group = _json(body, "approximateTerm").get("approximateGroup") or {}
    out: list[ApproxMatch] = []
    seen: set[str] = set()
    for c in group.get("candidate") or []:
        cui = str(c.get("rxcui") or "")
        if not cui or cui in seen:
            continue
        seen.add(cui)
        try:
            score = float(c.get("score") or 0)
            rank = int(c.get("rank") or 0)
        except ValueError as e:
            raise ParseError(f"bad approximateTerm candidate {c!r}: {e}") from e
        out.append(ApproxMatch(cui, score, rank, c.get("name"), c.get("source")))
    return out


def parse_classes(body: bytes) -> list[DrugClass]:
    info = (_json(body, "rxclass").get("rxclassDrugInfoList") or {}).get("rxclassDrugInfo") or []
    out: list[DrugClass] = []
    seen: set[tuple[str, str | None]] = set()
    for item in info:
        cls = item.get("rxclassMinConceptItem") or {}
        cid, cname = cls.get("classId"), cls.get("className")
        if not cid or not cname:
            continue
        key = (str(cid), item.get("rela"))
        if key in seen:
            continue
        seen.add(key)
        out.append(
            DrugClass(
                class_id=str(cid),
                class_name=str(cname),
                class_type=cls.get("classType"),
                rela=item.get("rela") or None,
                rela_source=item.get("relaSource") or None,
                rxcui=(item.get("minConcept") or {}).get("rxcui"),
            )
        )
    return out


class RxNavClient(ApiClient):
    """RxNorm / RxClass client."""

    name = "rxnav"
    env_url = "RXEVIDENCE_RXNAV_URL"
    default_url = DEFAULT_URL
    default_rate = 20.0

    def rxcui(self, name: str) -> list[str]:
        """RxCUIs whose name matches exactly (normalised search, ``search=2``)."""
        ids, _ = self.fetch("rxcui.json", {"name": name, "search": 2}, parse_rxcui)
        return ids

    def approximate(self, term: str, *, max_entries: int = 5) -> list[ApproxMatch]:
        """Approximate matches, best first (misspellings, brand names)."""
        matches, _ = self.fetch("approximateTerm.json", {"term": term, "maxEntries": max_entries}, parse_approximate)
        return sorted(matches, key=lambda m: (m.rank, -m.score))

    def resolve(self, name: str) -> str | None:
        """The RxCUI of a name: exact first, else the best approximate match."""
        ids = self.rxcui(name)
        if ids:
            return ids[0]
        approx = self.approximate(name, max_entries=1)
        return approx[0].rxcui if approx else None

    def classes(self, drug_name: str, *, rela_source: str | None = None) -> list[DrugClass]:
        """Classes the drug belongs to (EPC, MoA, ATC, ...), optionally from one source."""
        classes, _ = self.fetch(
            "rxclass/class/byDrugName.json", {"drugName": drug_name, "relaSource": rela_source}, parse_classes
        )
        return classes


__all__ = ["ApproxMatch", "DrugClass", "RxNavClient", "parse_approximate", "parse_classes", "parse_rxcui"]
