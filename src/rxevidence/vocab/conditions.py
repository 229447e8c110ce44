"""The condition half of the vocabulary: phrases -> condition concepts, and their hierarchy."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..models import ConditionMention
from .text import MAX_CONDITION_WORDS, norm, tokens


@dataclass(frozen=True)
class Concept:
    """A condition concept: one of the curated ids (``low-back-pain``) or ``mesh:D001172``."""

    id: str
    name: str
    mesh_ids: list[str] = field(default_factory=list)
    tree_numbers: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)

    @property
    def mesh_id(self) -> str | None:
        return self.mesh_ids[0] if self.mesh_ids else None


class ConditionHit(ConditionMention):
    """A condition mention found in a longer text, with character offsets."""

    start: int = 0
    end: int = 0


class ConditionVocabulary:
    """Condition lookups; the data attributes are set by :class:`rxevidence.vocab.Vocabulary`."""

    _concepts: dict[str, dict[str, Any]]
    _mesh: dict[str, list[Any]]
    _cterms: dict[str, str]
    _cterms_by_id: dict[str, str]
    _ambiguous: dict[str, list[str]]
    _children: dict[str, list[str]]
    _patterns: list[tuple[re.Pattern[str], str]]

    def condition(self, cid: str) -> Concept:
        """A condition concept by id (``low-back-pain`` or ``mesh:D001172``)."""
        if cid in self._concepts:
            c = self._concepts[cid]
            return Concept(
                id=cid, name=c["name"], mesh_ids=list(c["mesh_ids"]), tree_numbers=list(c["tree_numbers"]),
                parents=list(c["parents"]), children=list(self._children.get(cid, [])), synonyms=list(c["terms"]),
            )
        if cid.startswith("mesh:") and cid[5:] in self._mesh:
            name, trees = self._mesh[cid[5:]]
            syn = [t for t in self._cterms_by_id.get(cid, "").split("\t") if t and self._cterms.get(t) == cid]
            return Concept(id=cid, name=name, mesh_ids=[cid[5:]], tree_numbers=list(trees), synonyms=syn)
        raise InputError(f"Unknown condition id {cid!r}")

    @property
    def condition_ids(self) -> list[str]:
        return list(self._concepts)

    def narrower(self, cid: str) -> list[str]:
        """All descendants of a curated concept (depth first, no duplicates)."""
        out: list[str] = []
        stack = list(reversed(self._children.get(cid, [])))
        while stack:
            c = stack.pop()
            if c in out:
                continue
            out.append(c)
            stack.extend(reversed(self._children.get(c, [])))
        return out

    def broader(self, cid: str) -> list[str]:
        """All ancestors of a curated concept, nearest first."""
        out: list[str] = []
        frontier = list(self._concepts.get(cid, {}).get("parents", []))
        while frontier:
            c = frontier.pop(0)
            if c not in out:
                out.append(c)
                frontier.extend(self._concepts.get(c, {}).get("parents", []))
        return out

    def condition_terms(self, cid: str, include_narrower: bool = True) -> list[str]:
        """Phrases for full-text search: the concept's names and synonyms (and its descendants')."""
        ids = [cid] + (self.narrower(cid) if include_narrower else [])
        out: list[str] = []
        for c in ids:
            concept = self.condition(c)
            for t in [concept.name.lower(), *(self._mesh.get(m, [m])[0].lower() for m in concept.mesh_ids), *concept.synonyms]:
                if t and t not in out:
                    out.append(t)
        return out

    def _cmention(self, text: str, cid: str, score: float = 1.0) -> ConditionMention:
        c = self.condition(cid)
        return ConditionMention(
            text=text, id=cid, name=c.name, mesh_id=c.mesh_id, tree_numbers=c.tree_numbers,
            narrower=self.narrower(cid), synonyms=self.condition_terms(cid)[:60], score=score,
        )

    def resolve_condition(self, text: str) -> ConditionMention | None:
        """The concept a condition phrase refers to ("slipped disc" -> sciatica), or None."""
        key = norm(text)
        if not key:
            return None
        if key in self._cterms:
            return self._cmention(text, self._cterms[key])
        hits = self.find_conditions(text)
        if hits:
            best = max(hits, key=lambda h: h.end - h.start)
            return ConditionMention(**best.model_dump(exclude={"start", "end"}))
        return None

    def alternatives(self, text: str) -> list[str]:
        """Other concepts an ambiguous phrase may mean (first item is the preferred reading)."""
        return list(self._ambiguous.get(norm(text), []))

    def find_conditions(self, text: str) -> list[ConditionHit]:
        """Every condition mention in ``text`` (lay patterns and exact phrases), longest first."""
        low = text.lower().replace("’", "'")
        spans: list[tuple[int, int, str, float]] = []
        for rx, cid in self._patterns:
            for m in rx.finditer(low):
                spans.append((m.start(), m.end(), cid, 0.9))
        toks = tokens(text)
        for i in range(len(toks)):
            for n in range(min(MAX_CONDITION_WORDS, len(toks) - i), 0, -1):
                key = " ".join(t for t, _, _ in toks[i : i + n])
                cid = self._cterms.get(key)
                if cid:
                    spans.append((toks[i][1], toks[i + n - 1][2], cid, 1.0))
                    break
        # keep the longest non-overlapping spans; on a tie, a curated concept beats a MeSH one
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[2].startswith("mesh:"), s[0]))
        chosen: list[tuple[int, int, str, float]] = []
        for s in spans:
            if all(s[1] <= c[0] or s[0] >= c[1] for c in chosen):
                chosen.append(s)
        chosen.sort()
        out: list[ConditionHit] = []
        for start, end, cid, score in chosen:
            try:
                m = self._cmention(text[start:end], cid, score)
            except InputError:
                continue
            out.append(ConditionHit(**m.model_dump(), start=start, end=end))
        return out


