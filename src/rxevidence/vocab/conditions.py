"""The condition half of the vocabulary: phrases -> condition concepts, and their hierarchy."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from ..errors import InputError
from ..models import ConditionMention
from .text import MAX_CONDITION_WORDS, first_word_lengths, norm, tokens


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
    """Condition lookups and the concept hierarchy.

    Concepts are MeSH descriptors (``mesh:D003924``) and the curated concepts of ``curated.yaml``
    (``low-back-pain``), which own their MeSH descriptor: a MeSH heading resolves to the curated concept
    that is that descriptor. The hierarchy joins MeSH tree parents with the curated parents.
    """

    _concepts: dict[str, dict[str, Any]]
    _mesh: dict[str, list[Any]]
    _mesh_by_name: dict[str, str] | None
    _owner: dict[str, str]
    _parents_tsv: str
    _parents: dict[str, list[str]] | None
    _children: dict[str, list[str]] | None
    _cterms: dict[str, str]
    _cterms_by_id: dict[str, str]
    _ambiguous: dict[str, list[str]]
    _patterns: list[tuple[re.Pattern[str], str]]

    def _init_conditions(self, conditions: dict[str, Any]) -> None:
        self._concepts = conditions["concepts"]
        self._mesh = {}  # MeSH id -> [name, tree numbers]
        for line in conditions["mesh_tsv"].split("\n"):
            mid, name, trees = line.split("\t")
            self._mesh[mid] = [name, trees.split("|") if trees else []]
        self._mesh_by_name = None
        self._owner = dict(conditions.get("owner", {}))  # MeSH id -> the curated concept that is it
        self._parents_tsv = conditions.get("parents_tsv", "")
        self._parents = None
        self._children = None
        self._cterms = {}  # term -> concept id
        self._cterms_by_id = dict(conditions["terms_by_id"])  # concept id -> tab-joined terms
        for cid, joined in self._cterms_by_id.items():
            for t in joined.split("\t"):
                self._cterms[t] = cid
        self._ambiguous = conditions.get("ambiguous", {})
        self._patterns = [(re.compile(p), cid) for cid, c in self._concepts.items() for p in c.get("patterns", [])]

    # ------------------------------------------------------------------ concepts and hierarchy
    def condition(self, cid: str) -> Concept:
        """A condition concept by id (``low-back-pain`` or ``mesh:D001172``)."""
        if cid in self._concepts:
            c = self._concepts[cid]
            return Concept(
                id=cid, name=c["name"], mesh_ids=list(c["mesh_ids"]), tree_numbers=list(c["tree_numbers"]),
                parents=self._parent_ids(cid), children=list(self._child_index().get(cid, [])),
                synonyms=list(c["terms"]),
            )
        if cid.startswith("mesh:") and cid[5:] in self._mesh:
            name, trees = self._mesh[cid[5:]]
            syn = [t for t in self._cterms_by_id.get(cid, "").split("\t") if t and self._cterms.get(t) == cid]
            return Concept(id=cid, name=name, mesh_ids=[cid[5:]], tree_numbers=list(trees),
                           parents=self._parent_ids(cid), children=list(self._child_index().get(cid, [])),
                           synonyms=syn)
        raise InputError(f"Unknown condition id {cid!r}")

    def has_condition(self, cid: str) -> bool:
        return cid in self._concepts or (cid.startswith("mesh:") and cid[5:] in self._mesh)

    @property
    def condition_ids(self) -> list[str]:
        """The curated concept ids (MeSH concepts are ``mesh:`` + any shipped descriptor id)."""
        return list(self._concepts)

    @property
    def mesh_ids(self) -> list[str]:
        """Every shipped MeSH descriptor id."""
        return list(self._mesh)

    def concept_for_mesh(self, ui: str | None = None, name: str | None = None) -> str | None:
        """The concept a MeSH heading names (by descriptor id, else by name), or None outside the vocabulary."""
        if not ui and name:
            if self._mesh_by_name is None:
                self._mesh_by_name = {n.lower(): m for m, (n, _t) in self._mesh.items()}
            ui = self._mesh_by_name.get(name.lower())
        if not ui or ui not in self._mesh and ui not in self._owner:
            return None
        return self._owner.get(ui, f"mesh:{ui}")

    def _parent_index(self) -> dict[str, list[str]]:
        if self._parents is None:
            parents: dict[str, list[str]] = {cid: list(c["parents"]) for cid, c in self._concepts.items()}
            for line in self._parents_tsv.split("\n") if self._parents_tsv else []:
                node, _, joined = line.partition("\t")
                parents[node] = joined.split("|")
            self._parents = parents
        return self._parents

    def _child_index(self) -> dict[str, list[str]]:
        if self._children is None:
            children: dict[str, list[str]] = {}
            for node, ps in self._parent_index().items():
                for p in ps:
                    children.setdefault(p, []).append(node)
            for kids in children.values():
                kids.sort(key=lambda k: (k.startswith("mesh:"), k))
            self._children = children
        return self._children

    def _parent_ids(self, cid: str) -> list[str]:
        return list(self._parent_index().get(cid, []))

    def narrower(self, cid: str) -> list[str]:
        """All descendants of a concept (depth first, curated ones first, no duplicates)."""
        children = self._child_index()
        out: list[str] = []
        seen: set[str] = set()
        stack = list(reversed(children.get(cid, [])))
        while stack:
            c = stack.pop()
            if c in seen:
                continue
            seen.add(c)
            out.append(c)
            stack.extend(reversed(children.get(c, [])))
        return out

    def broader(self, cid: str) -> list[str]:
        """All ancestors of a concept, nearest first."""
        parents = self._parent_index()
        out: list[str] = []
        frontier = list(parents.get(cid, []))
        while frontier:
            c = frontier.pop(0)
            if c not in out:
                out.append(c)
                frontier.extend(parents.get(c, []))
        return out

    def is_narrower(self, cid: str, than: str) -> bool:
        """Whether ``cid`` is a descendant of ``than``."""
        return than in self.broader(cid)

    def related(self, a: str, b: str) -> bool:
        """The same concept, or one narrower than the other."""
        return a == b or self.is_narrower(a, b) or self.is_narrower(b, a)

    def condition_terms(self, cid: str, include_narrower: bool = True, limit: int = 400) -> list[str]:
        """Phrases for full-text search: the concept's names and synonyms (and its descendants')."""
        ids = [cid] + (self.narrower(cid) if include_narrower else [])
        out: list[str] = []
        seen: set[str] = set()
        for c in ids:
            concept = self.condition(c)
            for t in [concept.name.lower(), *(self._mesh.get(m, [m])[0].lower() for m in concept.mesh_ids),
                      *concept.synonyms]:
                if t and t not in seen:
                    seen.add(t)
                    out.append(t)
            if len(out) >= limit:
                break
        return out[:limit]

    def condition_mention(self, cid: str, text: str, score: float = 1.0) -> ConditionMention:
        """A full mention of concept ``cid``: names, MeSH id, narrower concepts and search synonyms."""
        c = self.condition(cid)
        return ConditionMention(
            text=text, id=cid, name=c.name, mesh_id=c.mesh_id, tree_numbers=c.tree_numbers,
            narrower=self.narrower(cid), synonyms=self.condition_terms(cid, limit=60), score=score,
        )

    def _light_hit(self, cid: str, text: str, score: float, start: int, end: int) -> ConditionHit:
        """A mention without the narrower concepts and synonyms (cheap; for scanning texts)."""
        c = self.condition(cid)
        return ConditionHit(text=text, id=cid, name=c.name, mesh_id=c.mesh_id, tree_numbers=c.tree_numbers,
                            synonyms=c.synonyms[:20], score=score, start=start, end=end)

    def resolve_condition(self, text: str) -> ConditionMention | None:
        """The concept a condition phrase refers to ("slipped disc" -> sciatica), or None."""
        key = norm(text)
        if not key:
            return None
        if key in self._cterms:
            return self.condition_mention(self._cterms[key], text)
        hits = self.find_conditions(text)
        if hits:
            best = max(hits, key=lambda h: h.end - h.start)
            return self.condition_mention(best.id, best.text, best.score)
        return None

    def alternatives(self, text: str) -> list[str]:
        """Other concepts an ambiguous phrase may mean (first item is the preferred reading)."""
        return list(self._ambiguous.get(norm(text), []))

    def find_conditions(self, text: str, *, fuzzy: bool = False, compose: bool = True) -> list[ConditionHit]:
        """Every condition mention in ``text`` (lay patterns and exact phrases), in text order.

        The longest phrase wins where phrases overlap. ``fuzzy`` also reads misspelt words as the condition
        word they are closest to ("diabetis", "glaucoma"; for questions, not for abstracts). ``compose``
        joins a phrase that qualifies another into the most specific concept below both ("nerve pain from
        shingles" -> postherpetic neuralgia, "sciatica nerve pain" -> sciatica).
        """
        low = text.lower().replace("\u2019", "'")
        spans: list[tuple[int, int, str, float]] = []
        gate = self._pattern_gate()
        if gate is None or gate.search(low):  # most texts match no pattern: one scan tells, not one per pattern
            for rx, cid in self._patterns:
                for m in rx.finditer(low):
                    spans.append((m.start(), m.end(), cid, 0.9))
        toks = tokens(text)
        keys = [t for t, _, _ in toks]
        fixed = [False] * len(keys)
        if fuzzy:
            for i, w in enumerate(keys):
                better = self._fuzzy_condition_word(w)
                if better:
                    keys[i], fixed[i] = better, True
        first = self._first_words()
        for i in range(len(toks)):
            top = first.get(keys[i])
            if not top:
                continue  # no term starts with this word
            for n in range(min(top, MAX_CONDITION_WORDS, len(toks) - i), 0, -1):
                term_cid = self._cterms.get(" ".join(keys[i : i + n]))
                if term_cid:
                    spans.append((toks[i][1], toks[i + n - 1][2], term_cid, 0.85 if any(fixed[i : i + n]) else 1.0))
                    break
        # keep the longest non-overlapping spans; on a tie, a curated concept beats a MeSH one
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[2].startswith("mesh:"), s[0]))
        chosen: list[tuple[int, int, str, float]] = []
        for s in spans:
            if all(s[1] <= c[0] or s[0] >= c[1] for c in chosen):
                chosen.append(s)
        chosen.sort()
        if compose:
            chosen = self._compose(chosen, low)
        out: list[ConditionHit] = []
        for start, end, cid, score in chosen:
            try:
                out.append(self._light_hit(cid, text[start:end], score, start, end))
            except InputError:
                continue
        return out

    def _pattern_gate(self) -> re.Pattern[str] | None:
        """One regex that matches where any lay pattern matches (their alternation), so a text none of them
        matches is scanned once; None when the patterns cannot be joined (back-references). Rebuilt when the
        patterns change."""
        got = self.__dict__.get("_gate")
        if got is None or got[0] is not self._patterns or got[1] != len(self._patterns):
            pats = [rx.pattern for rx, _cid in self._patterns]
            joinable = pats and not any(re.search(r"\\\d|\(\?P=|\(\?[aiLmsux]", p) for p in pats)
            gate = re.compile("|".join(f"(?:{p})" for p in pats)) if joinable else None
            got = self.__dict__["_gate"] = (self._patterns, len(self._patterns), gate)
        return got[2]

    def _first_words(self) -> dict[str, int]:
        """First word of each condition term -> the most words a term starting with it has (rebuilt when
        terms are added), so a text scan tries only the lengths that can match."""
        return first_word_lengths(self.__dict__, "_cfirst", self._cterms)

    def _compose(self, spans: list[tuple[int, int, str, float]], low: str) -> list[tuple[int, int, str, float]]:
        """Join neighbouring mentions where one qualifies the other (see :meth:`find_conditions`)."""
        out = list(spans)
        i = 0
        while i + 1 < len(out):
            a, b = out[i], out[i + 1]
            gap = low[a[1]:b[0]]
            joined = None
            if _ADJACENT.match(gap) or _CAUSED_BY.match(gap):
                joined = self._meet(a[2], b[2])
            elif _WITHIN.match(gap):
                joined = self._meet(a[2], b[2], containment_only=True)
            if joined is not None:
                out[i : i + 2] = [(a[0], b[1], joined, min(a[3], b[3]))]
                continue
            i += 1
        return out

    def _meet(self, a: str, b: str, *, containment_only: bool = False) -> str | None:
        """The concept both mentions describe: the narrower of the two when one contains the other, else
        (unless ``containment_only``) the one broadest concept narrower than both (None when there is
        none or several)."""
        if a == b:
            return a
        na, nb = self._narrower_set(a), self._narrower_set(b)
        if b in na:
            return b
        if a in nb:
            return a
        common = na & nb
        if containment_only or not common:
            return None
        top = [c for c in common if not any(c in self._narrower_set(o) for o in common if o != c)]
        return top[0] if len(top) == 1 else None

    def _narrower_set(self, cid: str) -> frozenset[str]:
        memo = self.__dict__.setdefault("_narrower_memo", {})
        got = memo.get(cid)
        if got is None:
            got = memo[cid] = frozenset(self.narrower(cid))
        return got

    def _fuzzy_condition_word(self, word: str) -> str | None:
        """The condition word a misspelt word is closest to, or None for known and short words."""
        if len(word) < 6 or not word.isalpha() or word in self._condition_word_index()[1]:
            return None
        guard = getattr(self, "looks_like_word", None)
        if guard is not None and guard(word, frequent_only=True):
            return None
        if getattr(self, "_terms", {}).get(word) is not None:
            return None  # a drug name
        index = self._condition_word_index()[0]
        cands = [c for n in range(len(word) - 2, len(word) + 3) for c in index.get((word[0], n), ())]
        got = process.extract(word, cands, scorer=fuzz.ratio, score_cutoff=85 if len(word) < 8 else 80, limit=8)
        if not got:
            return None
        # equally close words ("artheritis": arthritis, arteritis): the one more condition names use
        uses = self.__dict__["_cword_uses"]
        return max(got, key=lambda g: (g[1], uses.get(g[0], 0), g[0]))[0]

    def _condition_word_index(self) -> tuple[dict[tuple[str, int], list[str]], frozenset[str]]:
        idx = self.__dict__.get("_cword_index")
        if idx is None:
            uses: dict[str, int] = {}
            for t in self._cterms:
                for w in t.split():
                    uses[w] = uses.get(w, 0) + 1
            words = frozenset(uses)
            index: dict[tuple[str, int], list[str]] = {}
            for w in sorted(words):
                if len(w) >= 5 and w.isalpha():
                    index.setdefault((w[0], len(w)), []).append(w)
            self.__dict__["_cword_uses"] = uses
            idx = self.__dict__["_cword_index"] = (index, words)
        return idx


# words between two mentions that make one qualify the other: "sciatica nerve pain" (adjacent), "nerve pain
# from shingles", "nerve pain in the feet from diabetes" (a cause: the concept below both), "pain of sciatica"
# (within: only when one contains the other, so "anemia in kidney disease" stays two conditions)
_ADJACENT = re.compile(r"^[\s-]*$")
_CAUSED_BY = re.compile(
    r"^\s+(?:[a-z]+\s+){0,3}?(?:from|due\s+to|caused\s+by|because\s+of|after|following|associated\s+with|"
    r"related\s+to)\s+(?:(?:the|a|an|my|his|her|their|your)\s+)?$"
)
_WITHIN = re.compile(r"^\s+(?:of|with|in)\s+(?:(?:the|a|an|my|his|her|their|your)\s+)?$")
