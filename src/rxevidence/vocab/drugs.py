"""The drug half of the vocabulary: names, brands and misspellings -> canonical ingredients and classes."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz, process

from ..models import DrugMention
from .text import _DOSE, _SALTS, _TRAILERS, MAX_DRUG_WORDS, first_word_lengths, norm, stems, tokens


class DrugHit(DrugMention):
    """A drug mention found in a longer text, with character offsets."""

    start: int = 0
    end: int = 0


class DrugVocabulary:
    """Drug lookups; the data attributes are set by :class:`rxevidence.vocab.Vocabulary`."""

    _drugs: dict[str, list[Any]]
    _terms: dict[str, list[str]]
    _brands: set[str]
    _common: frozenset[str]
    _english: frozenset[str]
    _classes: dict[str, list[str]]
    _class_alias: dict[str, str]
    _member_classes: dict[str, list[str]]
    _cterms: dict[str, str]
    _by_canon: dict[str, list[str]] | None
    _fuzzy_index: dict[tuple[str, int], list[str]] | None
    _condition_words: frozenset[str] | None
    _fuzzy_memo: dict[tuple[str, float | None], tuple[str, float] | None]
    _real: set[str]
    _scanner: IngredientScanner | None

    def is_drug(self, name: str) -> bool:
        """Whether ``name`` is (an ingredient of) a medicine: in DrugCentral, Drugs@FDA or RxNorm, or one of our
        classes and names; not an enzyme, receptor, lab analyte or endogenous substance."""
        canons = self._terms.get(norm(name))
        return bool(canons and all(c in self._real for c in canons))

    def find_ingredients(self, text: str) -> list[tuple[str, int, int]]:
        """Ingredients of medicines named in a long text, as (canonical name, start, end); see
        :class:`IngredientScanner`."""
        scanner = self.__dict__.get("_scanner")
        if scanner is None:
            scanner = self.__dict__["_scanner"] = IngredientScanner(self._terms, self._real)
        return scanner.scan(text)

    def find_classes(self, text: str, *, unique: bool = True) -> list[str]:
        """Drug classes named in a long text ("ACE inhibitors reduce mortality"), by their aliases; a cheap
        scan for the concept index (no spelling correction). ``unique=False`` returns one entry per mention
        (a class named three times is listed three times), as :meth:`find_ingredients` does, so a caller can
        tell a class named once in passing from one a text is about."""
        first = first_word_lengths(self.__dict__, "_class_first", self._class_alias)
        toks = [t for t, _, _ in tokens(text)]
        out: list[str] = []
        i = 0
        while i < len(toks):
            n = min(first.get(toks[i], 0), len(toks) - i)
            while n > 0 and " ".join(toks[i : i + n]) not in self._class_alias:
                n -= 1
            if n:
                name = self._class_alias[" ".join(toks[i : i + n])]
                if not unique or name not in out:
                    out.append(name)
                i += n
            else:
                i += 1
        return out

    @property
    def drug_names(self) -> list[str]:
        return sorted(self._drugs)

    @property
    def class_names(self) -> list[str]:
        return sorted(self._classes)

    def class_members(self, class_name: str) -> list[str]:
        """Canonical ingredients of a class (by class name or any alias, e.g. "muscle relaxants")."""
        key = norm(class_name)
        cname = self._class_alias.get(key, key)
        return list(self._classes.get(cname, []))

    def drug_classes(self, name: str) -> list[str]:
        """Classes an ingredient (or brand / synonym) belongs to."""
        out: list[str] = []
        for canon in self._terms.get(norm(name), [norm(name)]):
            for c in self._member_classes.get(canon, []):
                if c not in out:
                    out.append(c)
        return out

    def drug_forms(self, name: str) -> list[str]:
        """``name`` and the real drugs that are a form of it: a salt, ester or named preparation
        ("estradiol valerate", "esterified estrogens", "estrogens, conjugated", "insulin lispro") or a
        combination product with it as one ingredient ("estradiol/norethisterone"). A form is a name that
        starts or ends with the ingredient's words (a plural counts), one ingredient of a combination at a
        time; a name with the words in its middle ("selective estrogen receptor modulators") is no form.
        What a full-text search for the ingredient's name finds, as concept ids."""
        key = norm(name)
        words = tuple(key.split())
        out = [key]
        if not words:
            return out
        index: dict[str, list[str]] | None = self.__dict__.get("_form_index")
        if index is None:
            index = {}
            for canon in self._real:
                for part in canon.split("/"):
                    for w in {*_form_words(part)[:1], *_form_words(part)[-1:]}:
                        index.setdefault(w.removesuffix("s"), []).append(canon)
            self.__dict__["_form_index"] = index
        seen = {key}
        for canon in sorted(set(index.get(words[0].removesuffix("s"), [])) | set(index.get(words[-1].removesuffix("s"), []))):
            if canon in seen:
                continue
            for part in canon.split("/"):
                pw = tuple(w.removesuffix("s") for w in _form_words(part))
                qw = tuple(w.removesuffix("s") for w in words)
                if len(pw) > len(qw) and (pw[: len(qw)] == qw or pw[-len(qw) :] == qw) or pw == qw:
                    out.append(canon)
                    seen.add(canon)
                    break
        return out

    def ingredient_of(self, name: str) -> str | None:
        """The one ingredient a drug name stands for, with salts, esters and hydrates folded into it
        ("estradiol valerate", "estradiol cypionate" -> estradiol; "naproxen sodium" -> naproxen; a brand
        -> its ingredient); None for a combination product or a name that is no drug. With
        :meth:`drug_classes` it links a named form to its family ("conjugated estrogens" -> estrogen)."""
        key = norm(name)
        canons = self._terms.get(key)
        words = key.split()
        while canons is None and len(words) > 1 and (words[-1] in _SALTS or words[-1] in _TRAILERS):
            words = words[:-1]
            canons = self._terms.get(" ".join(words))
        if not canons or len(canons) != 1:
            return None
        return self._base_ingredient(canons[0])

    def synonyms(self, name: str) -> list[str]:
        """Search terms for an ingredient: the ingredient, salts, synonyms and brand names."""
        canons = self._terms.get(norm(name), [norm(name)])
        if self._by_canon is None:
            idx: dict[str, list[str]] = {}
            for term, cs in self._terms.items():
                if len(cs) == 1:  # single-ingredient names only; combination brands are not synonyms
                    idx.setdefault(cs[0], []).append(term)
            self._by_canon = idx
        out: list[str] = []
        for c in canons[:1]:
            out.append(c)
            out.extend(sorted((t for t in self._by_canon.get(c, []) if t != c), key=lambda t: (len(t), t)))
        return out

    def is_brand(self, term: str) -> bool:
        return norm(term) in self._brands

    def _mention(self, text: str, canons: list[str], score: float = 1.0) -> DrugMention:
        if len(canons) == 1:
            c = canons[0]
            info = self._drugs.get(c, [None, None, None])
            return DrugMention(
                text=text, name=c, classes=list(self._member_classes.get(c, [])), rxcui=info[1],
                drugbank_id=info[0], synonyms=self.synonyms(c)[:25], score=score,
            )
        # a combination product (Percocet): members are its ingredients
        return DrugMention(text=text, name=" + ".join(canons), members=list(canons), score=score)

    def _class_mention(self, text: str, cname: str, score: float = 1.0) -> DrugMention:
        return DrugMention(
            text=text, name=cname, is_class=True, members=list(self._classes.get(cname, [])),
            synonyms=[a for a, c in self._class_alias.items() if c == cname], score=score,
        )

    def _lookup(self, key: str, text: str) -> DrugMention | None:
        if key in self._class_alias:
            return self._class_mention(text, self._class_alias[key])
        if key in self._terms:
            return self._mention(text, [self._base_ingredient(c) for c in self._terms[key]])
        return None

    def _base_ingredient(self, canon: str) -> str:
        """The ingredient of a salt the vocabulary also holds bare ("trospium chloride" -> trospium)."""
        words = canon.split()
        if len(words) > 1 and words[-1] in _SALTS:
            base = " ".join(words[:-1])
            if base in self._drugs and base in self._real and base not in _SALTS:  # sodium chloride stays
                return base
        return canon

    def resolve_drug(self, text: str, *, fuzzy: bool = True) -> DrugMention | None:
        """The drug or class a name refers to ("Valium" -> diazepam), or None."""
        key = norm(text)
        if not key:
            return None
        hit = self._lookup(key, text)
        if hit:
            return hit
        words = key.split()
        while len(words) > 1 and words[-1] in _TRAILERS:  # "oxycodone hcl", "lidocaine patch"
            words = words[:-1]
            hit = self._lookup(" ".join(words), text)
            if hit:
                return hit
        if fuzzy and len(words) == 1:
            best = self._fuzzy(words[0])
            if best:
                term, score = best
                m = self._lookup(term, text)
                if m:
                    m.score = round(score / 100, 3)
                    return m
        return None

    # fuzzy matching of misspelt single words ("ibuprophen" -> ibuprofen)
    def _fuzzy_candidates(self, word: str, spread: int = 3) -> list[str]:
        """Single-word names with the same first letter and a length within ``spread``."""
        if self._fuzzy_index is None:
            idx: dict[tuple[str, int], list[str]] = {}
            for t in list(self._terms) + list(self._class_alias):
                if " " not in t and len(t) >= 5 and t.isalpha():
                    idx.setdefault((t[0], len(t)), []).append(t)
            self._fuzzy_index = idx
        out: list[str] = []
        for n in range(len(word) - spread, len(word) + spread + 1):
            out.extend(self._fuzzy_index.get((word[:1], n), []))
        return out

    def _shortened_salt(self, short: str, salt: str) -> str | None:
        """The one salt of a medicine ("potassium chloride") whose first word starts with ``short`` ("pot",
        "pots"), a shortening of 3-5 letters that names nothing itself and is no everyday word."""
        short = short.removesuffix("s") if len(short) > 3 else short
        if not (3 <= len(short) <= 5 and short.isalpha()) or short in self._terms:
            return None
        if self.looks_like_word(short, frequent_only=True):  # "the sodium", "low potassium"
            return None
        index: dict[str, list[str]] | None = self.__dict__.get("_salt_index")
        if index is None:
            index = {}
            for t in self._terms:
                words = t.split()
                if len(words) == 2 and words[1] in _SALTS and len(words[0]) > 5:
                    index.setdefault(words[1], []).append(words[0])
            self.__dict__["_salt_index"] = index
        cands = [w for w in index.get(salt, []) if w.startswith(short)]
        if len(cands) != 1:
            return None
        name = f"{cands[0]} {salt}"
        return name if all(c in self._real for c in self._terms.get(name, [])) else None

    def looks_like_word(self, word: str, *, frequent_only: bool = False) -> bool:
        """True for English or condition words that are not read as a misspelt drug.

        ``frequent_only`` ignores rarer dictionary words (used where context says a drug name is
        likely, e.g. right before a dose: "singular 10 mg")."""
        if self._condition_words is None:
            cw = {w for t in self._cterms for w in t.split()}
            self._condition_words = frozenset(cw)
        for s in stems(word):
            if s in self._common or s in self._condition_words:
                return True
            if not frequent_only and s in self._english:
                return True
        return False

    def _fuzzy(
        self, word: str, *, cutoff: float | None = None, guard: bool = True, dosed: bool = False
    ) -> tuple[str, float] | None:
        if len(word) < 5 or not word.isalpha() or (guard and self.looks_like_word(word, frequent_only=dosed)):
            return None
        if word in _SALTS:  # "chloride" alone is no misspelt chlorothiazide
            return None
        memo_key = (word, cutoff)
        if memo_key in self._fuzzy_memo:
            return self._fuzzy_memo[memo_key]
        got = self._fuzzy_search(word, cutoff)
        if len(self._fuzzy_memo) > 20000:
            self._fuzzy_memo.clear()
        self._fuzzy_memo[memo_key] = got
        return got

    def _fuzzy_search(self, word: str, cutoff: float | None) -> tuple[str, float] | None:
        """The drug name a misspelt word is, when the difference is a typical slip (see :func:`typo_cost`)
        and the name is a medicine; a farther look-alike is left for :meth:`suggest` ("flimzotide" is not
        silently read as Flixotide)."""
        if cutoff is None:
            cutoff = 80.0 if len(word) >= 8 else 82.0 if len(word) == 7 else 85.0 if len(word) == 6 else 90.0
        got = process.extract(word, self._fuzzy_candidates(word), scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
        for term, score, _ in got:
            canons = self._class_alias.get(term) and [term] or self._terms.get(term, [])
            if term not in self._class_alias and not all(c in self._real for c in canons):
                continue  # not a medicine ("cholesteron" is not cholesterol the drug)
            if typo_cost(word, term) <= max(1, len(term) // 3):
                return term, float(score)
        return None

    def suggest(self, word: str, limit: int = 3) -> list[str]:
        """"Did you mean" suggestions for a word that names no known drug."""
        key = norm(word)
        if len(key) < 4 or " " in key:
            return []
        cands = [c for c in self._fuzzy_candidates(key, 6) if len(c) >= 0.7 * len(key)]
        got = process.extract(key, cands, scorer=fuzz.WRatio, score_cutoff=80, limit=limit * 3)
        out: list[str] = []
        for term, _score, _ in got:
            canon = self._class_alias.get(term) or " + ".join(self._terms.get(term, [term]))
            label = term if term == canon else f"{term} ({canon})"
            if label not in out:
                out.append(label)
        return out[:limit]

    def find_drugs(self, text: str, *, fuzzy: bool = True, skip: list[tuple[int, int]] | None = None) -> list[DrugHit]:
        """Every drug or class mention in ``text``, longest match first, with character offsets.

        ``skip`` lists character spans (e.g. condition mentions) in which no drug is looked for.
        """
        toks = tokens(text)
        skip = skip or []
        hits: list[DrugHit] = []
        i = 0
        while i < len(toks):
            if any(s <= toks[i][1] < e for s, e in skip):
                i += 1
                continue
            found = None
            for n in range(min(MAX_DRUG_WORDS, len(toks) - i), 0, -1):
                key = " ".join(t for t, _, _ in toks[i : i + n])
                m = self._lookup(key, "")
                if m is not None:
                    found = (n, m)
                    break
            if found is None and fuzzy and i + 1 < len(toks) and toks[i + 1][0] in _SALTS:
                # a cation shortened before its salt ("pot chloride", "mag sulfate")
                name = self._shortened_salt(toks[i][0], toks[i + 1][0])
                m = self._lookup(name, "") if name else None
                if m is not None:
                    found = (2, m)
            if found is None and fuzzy and i + 1 < len(toks):
                # a name split in two ("level iracetam", "hydro codone")
                a, b = toks[i][0], toks[i + 1][0]
                if (
                    len(a) >= 3 and len(b) >= 3 and a.isalpha() and b.isalpha()
                    and a not in self._terms and b not in self._terms and b not in self._class_alias
                    and not (self.looks_like_word(a, frequent_only=True) and self.looks_like_word(b, frequent_only=True))
                ):
                    best = self._fuzzy(a + b, guard=False)
                    if best and best[1] >= 85:
                        m = self._lookup(best[0], "")
                        if m is not None:
                            m.score = round(best[1] / 100, 3)
                            found = (2, m)
            if found is None and fuzzy:
                # a word right before a dose ("singular 10 mg") is likely a drug name
                dosed = i + 1 < len(toks) and bool(_DOSE.match(" ".join(t for t, _, _ in toks[i + 1 : i + 3])))
                best = self._fuzzy(toks[i][0], dosed=dosed)
                if best:
                    m = self._lookup(best[0], "")
                    if m is not None:
                        m.score = round(best[1] / 100, 3)
                        found = (1, m)
            if found is None:
                i += 1
                continue
            n, m = found
            j = i + n
            while j < len(toks) and toks[j][0] in _TRAILERS and not m.is_class:
                j += 1
            start, end = toks[i][1], toks[j - 1][2]
            data = m.model_dump()
            data["text"] = text[start:end]
            hits.append(DrugHit(**data, start=start, end=end))
            i = j
        return hits



_VOWELS = frozenset("aeiouy")
# letters people swap for one another when spelling by ear
_SOUND_ALIKE = [frozenset(p) for p in ("ck", "cs", "sz", "kq", "cq", "fv", "bp", "dt", "gj", "mn", "iy", "xz", "xs")]


def _soft_swap(a: str, b: str) -> bool:
    return (a in _VOWELS and b in _VOWELS) or any({a, b} == p for p in _SOUND_ALIKE)


def typo_cost(typed: str, name: str) -> int:
    """How far ``typed`` is from ``name`` in typical misspellings: a missing letter, a vowel for a vowel,
    a sound-alike letter (c/k, s/z, m/n...), a doubled or undoubled letter, a plural "s" or two letters
    swapped cost 1;
    any other change (an unrelated letter, an extra consonant) costs 3. "ph" is read as "f"."""
    typed, name = typed.replace("ph", "f"), name.replace("ph", "f")
    n, m = len(typed), len(name)
    prev2: list[int] = []
    prev = list(range(m + 1))  # inserting the name's letters: the typist left them out
    for i in range(1, n + 1):
        a = typed[i - 1]
        extra = 1 if (a in _VOWELS or (i > 1 and typed[i - 2] == a) or (i < n and typed[i] == a) or a == "h"
                      or (a == "s" and i == n)) else 3  # a plural "s" ("percocets")
        cur = [prev[0] + extra] + [0] * m
        for j in range(1, m + 1):
            b = name[j - 1]
            sub = 0 if a == b else 1 if _soft_swap(a, b) else 3
            best = min(prev[j - 1] + sub, prev[j] + extra, cur[j - 1] + 1)
            if i > 1 and j > 1 and a == name[j - 2] and typed[i - 2] == b:
                best = min(best, prev2[j - 2] + 1)
            cur[j] = best
        prev2, prev = prev, cur
    return prev[m]


# words around a substance's name that make it a measured value, not a treatment: "serum estradiol",
# "insulin levels", "angiotensin II concentrations", "insulin resistance"
_ANALYTE_BEFORE = re.compile(
    r"(?:serum|plasma|blood|urinary|urine|salivary|circulating|endogenous|fasting|intracellular|tissue|csf|"
    r"cerebrospinal|hepatic|cellular|free|total|baseline)[\s-]+$", re.I)
_ANALYTE_AFTER = re.compile(
    r"^[\s-]+(?:levels?|concentrations?|values?|secretion|production|synthesis|release|sensitivity|resistance|"
    r"receptors?|deficiency|excess|metabolism|signal\w*|pathways?|activity|responses?|gene|mrna|expression|"
    r"binding|antibod\w*|inhibitors?|antagonists?|agonists?|blockers?|analogues?|analogs?|function|gland|"
    r"hormones?|status|test\w*|axis|excretion|uptake|turnover)\b", re.I)


class IngredientScanner:
    """Fast scan of long texts (abstracts, titles) for medicines' ingredients, as (name, start, end).

    Only real drugs (:meth:`DrugVocabulary.is_drug`), no classes, no spelling correction; a mention written as
    a measured value ("serum estradiol", "insulin levels") is not a treatment and is left out. Names with a
    stereo or locant prefix are found by their base name ("17beta-estradiol" -> estradiol).
    """

    def __init__(self, terms: dict[str, list[str]], real: set[str]) -> None:
        self._terms = {t: cs[0] for t, cs in terms.items() if len(cs) == 1 and cs[0] in real}
        self._multi = {t: cs for t, cs in terms.items() if len(cs) > 1 and all(c in real for c in cs)}
        longest: dict[str, int] = {}
        for t in list(self._terms) + list(self._multi):
            words = t.split()
            if len(words) > 1:
                longest[words[0]] = max(longest.get(words[0], 1), min(len(words), MAX_DRUG_WORDS))
        self._longest = longest

    def scan(self, text: str) -> list[tuple[str, int, int]]:
        toks = tokens(text)
        out: list[tuple[str, int, int]] = []
        i = 0
        while i < len(toks):
            w = toks[i][0]
            found: tuple[int, list[str]] | None = None
            for n in range(min(self._longest.get(w, 1), len(toks) - i), 0, -1):
                key = w if n == 1 else " ".join(t for t, _, _ in toks[i : i + n])
                single = self._terms.get(key)
                if single is not None:
                    found = (n, [single])
                    break
                multi = self._multi.get(key)
                if multi is not None:
                    found = (n, multi)
                    break
            if found is None:
                i += 1
                continue
            n, names = found
            start, end = toks[i][1], toks[i + n - 1][2]
            if not (_ANALYTE_BEFORE.search(text[max(0, start - 20):start]) or _ANALYTE_AFTER.match(text[end:end + 25])):
                out.extend((name, start, end) for name in names)
            i += n
        return out


def _form_words(name: str) -> list[str]:
    return re.findall(r"[\w-]+", name.lower())
