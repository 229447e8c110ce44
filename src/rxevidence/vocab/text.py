"""Text normalisation shared by the drug and condition vocabularies.

Matching works on normalised token strings (:func:`norm`): lower case, apostrophes dropped, every
other non-alphanumeric character a word break.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
MAX_DRUG_WORDS = 8
MAX_CONDITION_WORDS = 10
# words after a drug name that still belong to it ("oxycodone hcl", "diclofenac sodium gel")
_TRAILERS = {
    "hcl", "hydrochloride", "sodium", "potassium", "succinate", "tartrate", "maleate", "phosphate", "sulfate",
    "sulphate", "acetate", "citrate", "besylate", "mesylate", "bromide", "calcium", "er", "sr", "xr", "xl", "cr",
    "la", "ir", "dr", "ec", "cd", "patch", "cream", "gel", "ointment", "injection", "injections", "tablets", "tablet",
    "pills", "pill", "capsules", "capsule", "topical", "oral", "liquid", "solution", "spray", "drops", "shot", "shots",
    # routes and dosage forms ("erythromycin ophthalmic ointment" is erythromycin)
    "ophthalmic", "otic", "nasal", "vaginal", "rectal", "transdermal", "lotion", "suppository", "suppositories",
}

# salt counterions: "trospium chloride" is the ingredient trospium when the vocabulary holds both
_SALTS = frozenset({
    "hcl", "hydrochloride", "sodium", "potassium", "succinate", "tartrate", "maleate", "phosphate", "sulfate",
    "sulphate", "acetate", "citrate", "besylate", "mesylate", "bromide", "calcium", "chloride", "fumarate",
    "hydrobromide", "nitrate", "oxalate", "lactate", "gluconate", "hyclate", "monohydrate", "dihydrate",
    "magnesium", "tosylate", "napsylate", "pamoate", "bitartrate", "dipropionate", "propionate", "valerate",
    "aspartate", "saccharate",
    # esters ("estradiol cypionate", "testosterone enanthate" are the ingredient)
    "benzoate", "cypionate", "enanthate", "enantate", "undecylate", "undecanoate", "caproate", "isocaproate",
    "phenylpropionate", "hemisuccinate", "dibenzoate", "dicypionate", "dienanthate", "hemihydrate", "pivalate",
})


_DOSE = re.compile(r"\d+(\s?\d+)?\s?(mg|mcg|ug|g|ml|iu|units?|meq|%)?\b|\d+(mg|mcg|ml|meq|iu)\b")


# the last text tokenised and its tokens, one tuple swapped whole (thread-safe): the concept index scans
# each title and abstract three times (conditions, ingredients, classes)
_last: tuple[str, list[tuple[str, int, int]]] = ("", [])


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(normalised token, start, end) for each word of ``text`` (the list may be shared: do not change it)."""
    global _last
    last = _last
    if last[0] == text:
        return last[1]
    out = [
        (m.group().lower().replace("'", "").replace("’", ""), m.start(), m.end()) for m in _TOKEN.finditer(text)
    ]
    _last = (text, out)
    return out


def stems(word: str) -> list[str]:
    """The word and the bases it may be an inflection of ("interferes" -> "interfere", ...)."""
    out = [word]
    for suf, add in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""),
                     ("ing", "e"), ("ly", ""), ("er", ""), ("ers", "")):
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            out.append(word[: -len(suf)] + add)
    return out


def norm(text: str) -> str:
    """The matching key of a name: ``"Vitamin B-12"`` -> ``"vitamin b 12"``, ``"can't"`` -> ``"cant"``."""
    return " ".join(t for t, _, _ in tokens(text))


def first_word_lengths(holder: dict, slot: str, terms: Collection[str]) -> dict[str, int]:
    """First word of each term -> the most words a term starting with it has, so a text scan tries only the
    lengths that can match. Kept in ``holder[slot]`` and rebuilt when the number of terms changes."""
    got = holder.get(slot)
    if got is None or got[0] != len(terms):
        first: dict[str, int] = {}
        for t in terms:
            w, n = t.split(" ", 1)[0], t.count(" ") + 1
            if n > first.get(w, 0):
                first[w] = n
        got = holder[slot] = (len(terms), first)
    return got[1]


__all__ = ["MAX_CONDITION_WORDS", "MAX_DRUG_WORDS", "first_word_lengths", "norm", "stems", "tokens"]
