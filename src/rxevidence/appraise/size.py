"""Size and arms: randomised N, number of studies (reviews), arms with drugs and doses as stated.

Doses are copied from the record's words ("10 mg", "5 mg three times daily"); nothing is
ever computed or recommended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..models import Arm
from .resources import on_reset, vocabulary
from .text import NUMBER_WORDS_RE, to_int

_NUM = r"(\d{1,3}(?:[,\u2009\u00a0 ]\d{3})+|\d+|" + NUMBER_WORDS_RE + r")"
_PEOPLE = (
    r"(?:(?:(?:asa|class|type|grade|stage)\s+[ivx\d]+(?:\s*(?:-|–|or|and)\s*[ivx\d]+)?|adult|elderly|older|male|female|healthy|eligible|consecutive|evaluable|outpatient|hospitali[sz]ed|"
    r"ambulatory|postmenopausal|hypertensive|diabetic|obese|young|otherwise\s+healthy|[a-z][a-z'.]*(?:-[a-z0-9]+)*)\s+){0,3}"
    r"(?:patients|participants|subjects|volunteers|individuals|persons|people|women|men|children|adults|adolescents|"
    r"infants|outpatients|inpatients|smokers|users|cases|mothers|neonates|veterans|students|residents|workers)"
)
_RANDOMISED = r"(?:randomi[sz]ed|randomly\s+(?:assigned|allocated|divided)|allocated|assigned)"
# between the people and their verb: a few words, a parenthesis ("(31 boys and three girls ...)") or a short
# qualifier ("> or = 60 years old with PUB"), never a sentence break
_GAP = r"\s*(?:\([^()]{0,80}\)\s*)?(?:(?!(?:were|was|had|have|enrolled|included|recruited|randomi[sz]ed|assigned|allocated|entered)\b)[^\s.;()]+\s+){0,12}?"
_ENROL = r"(?:enrolled|included|recruited|studied|treated|entered|evaluated|analy[sz]ed|assessed)"
# (pattern, priority, cheap pre-check that must match first; keeps bulk appraisal fast)
_N_PATTERNS: tuple[tuple[re.Pattern[str], int, re.Pattern[str]], ...] = tuple(
    (re.compile(p, re.I), prio, re.compile(gate, re.I))
    for p, prio, gate in (
        (_RANDOMISED + r"\s+(?:a\s+total\s+of\s+)?" + _NUM + r"\s+" + _PEOPLE, 0, r"randomi|assigned|allocated"),
        (r"\b" + _NUM + r"\s+" + _PEOPLE + _GAP + r"(?:were|was|had\s+been)\s+(?:\w+\s+)?" + _RANDOMISED, 0,
         r"(?:were|was|been)\s+(?:\w+\s+)?(?:randomi|randomly|assigned|allocated)"),
        # "..., 967 were randomized", "were enrolled; 47 were randomized"
        (r"(?:^|[,;:]\s*|\band\s+)" + _NUM + r"\s+(?:of\s+(?:them|these|whom)\s+)?(?:were|was)\s+(?:\w+\s+)?"
         + _RANDOMISED, 0, r"\d\s+(?:of\s+\w+\s+)?(?:were|was)\s+(?:\w+\s+)?(?:randomi|randomly|assigned|allocated)"),
        (r"\ba\s+total\s+of\s+" + _NUM + r"\s+(?:\w+\s+){0,3}?" + _PEOPLE, 1, r"a\s+total\s+of"),
        (r"\b" + _NUM + r"\s+" + _PEOPLE + r"\s+(?:\w+\s+){0,6}?(?:were|was)\s+(?:\w+\s+)?" + _ENROL, 2,
         r"(?:were|was)\s+(?:\w+\s+)?" + _ENROL),
        (r"\b(?:enrolled|included|recruited|studied|involved|involving|enrolling|including|comprised|comprising)\s+(?:a\s+total\s+of\s+)?" + _NUM + r"\s+" + _PEOPLE, 2,
         r"enrol|includ|recruit|studied|involv|compris"),
        (r"\b" + _NUM + r"\s+" + _PEOPLE + _GAP + r"(?:received|took\s+part|participated|completed|underwent|entered)\b", 2,
         r"received|took\s+part|participated|completed|underwent|entered"),
        (r"\b(?:total|overall)\s+(?:sample|population|cohort)?\s*(?:\(n\s*=\s*|of\s+|size\s+(?:of|was)\s+)" + _NUM, 2, r"total|overall"),
        (r"^" + _NUM + r"\s+" + _PEOPLE + r"(?!\s+(?:\w+\s+)?(?:did\s+not|were\s+excluded|withdrew|discontinued|dropped|died))",
         3, r"^\w"),
        (r"\b(?:in|of|among|on|with)\s+(?:the\s+)?" + _NUM + r"\s+" + _PEOPLE, 4, r"\b(?:in|of|among|on|with)\s+[\dA-Za-z]"),
    )
)
_HAS_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                         r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
                         r"ninety|hundred|thousand)", re.I)
_N_EQ_RE = re.compile(r"\b[nN]\s*=\s*(\d{1,3}(?:,\d{3})+|\d+)")
_STUDIES_RE = re.compile(
    _NUM + r"\s+(?:(?:randomi[sz]ed|controlled|clinical|double-blind|placebo-controlled|eligible|relevant|primary|"
    r"published|included|individual|original)\s+){0,4}(?:trials|studies|rcts|articles|reports)\b"
    r"(?:\s*\((?:n\s*=\s*)?" + _NUM + r"\s+(?:participants|patients|subjects|women|men|children|people|individuals)"
    r"|\s+(?:with|involving|including|enrolling|of|comprising|and|totalling|totaling)\s+(?:a\s+total\s+of\s+)?"
    + _NUM + r"\s+(?:participants|patients|subjects|women|men|children|people|individuals))?",
    re.I,
)


_REVIEW_PEOPLE_RE = re.compile(
    r"\b(?:a\s+total\s+of|involving|including|included|enrolling|enrolled|comprising|randomi[sz]ed|with)\s+" + _NUM
    + r"\s+(?:participants|patients|subjects|women|men|children|people|individuals)",
    re.I,
)
_STUDIES_GATE = re.compile(r"\b(?:trials|studies|rcts|articles|reports)\b", re.I)


def _num(tok: str | None) -> int | None:
    if tok is None:
        return None
    v = to_int(tok)
    if v is None or v <= 0 or v > 5_000_000:
        return None
    return v


@dataclass
class SizeResult:
    n: int | None = None
    n_studies: int | None = None
    evidence: str | None = None


# the other arms' counts beside the first one: "52 patients were randomized to X and 50 patients to Y",
# "six NIDDM subjects and six hypercholesterolemic subjects were treated"
_MORE_ARMS = re.compile(r"\s*(?:,|\band\b|,\s*and\b)\s+" + _NUM + r"\s+(?:\([^()]{0,80}\)\s*)?(?:" + _PEOPLE + r"\s+)?"
                        r"(?:to|received|receiving|in\s+the|on|into)\b", re.I)
_ARM_BEFORE = re.compile(r"\b" + _NUM + r"\s+" + _PEOPLE + r"\s+and\s+$", re.I)


# a number that labels something rather than counts people: "ASA 1 children", "physical status 1-2 outpatients",
# "type 2 diabetic patients", "group 3 patients"
_LABEL_NUMBER = re.compile(r"(?:\b(?:asa|class|type|grade|stage|phase|status|group|day|week|visit|step|level|"
                           r"score|dose)\s*(?:[ivx\d]+\s*[-–]\s*)?|\d\s*[-–]\s*)$", re.I)


def _other_arms(s: str, m: re.Match[str]) -> int:
    """The counts of the other arms named beside a matched count (0 when none): later ones after the match,
    in the same sentence, each joined by "and" or a comma, and one "N people and" just before a count."""
    extra = 0
    if re.search(r"\btotal\b|\boverall\b", s[max(0, m.start() - 20):m.end()], re.I):
        return 0  # "a total of 50 patients were randomised (25 to X and 25 to Y)": already the sum
    before = _ARM_BEFORE.search(s[max(0, m.start(1) - 80):m.start(1)])
    if before and m.start(1) > 0:
        extra += _num(before.group(1)) or 0
    inside = re.search(r"\band\s+" + _NUM + r"\s+(?:" + _PEOPLE + r"|(?=(?:in|on)\s+the\b))", s[m.end(1):m.end()], re.I)
    if inside:  # "six NIDDM subjects and six hypercholesterolemic subjects were treated"
        extra += _num(inside.group(1)) or 0
    parallel = "receiv" in m.group(0).lower()  # "received X ... and 40 received Y"; else only "and 50 to Y"
    at = m.end()
    while True:
        nxt = _MORE_ARMS.match(s, at)
        if nxt is None:
            # skip to the next joined count in the rest of the clause ("... to receive X (10 mg) and 50 to Y")
            rest = re.search(r"(?=(?:,|\band\b)\s+" + _NUM + r"\s+(?:\([^()]{0,80}\)\s*)?(?:" + _PEOPLE
                             + r"\s+)?(?:to|received|into)\b)",
                             s[at:at + 160], re.I)
            if rest is None:
                break
            nxt = _MORE_ARMS.match(s, at + rest.start())
            if nxt is None:
                break
        v = _num(nxt.group(1))
        if "receiv" in nxt.group(0).lower() and not parallel:
            break  # "749 were recruited and 637 received a dose": a subset, not another arm
        if s[:nxt.start(1)].count("(") > s[:nxt.start(1)].count(")"):
            break  # inside a parenthesis: a breakdown of the count, not another arm
        if v is None or re.match(r"\s*(?:mg|g|ml|%|years?|weeks?|days?|months?|hours?)\b", s[nxt.end(1):], re.I):
            break
        extra += v
        at = nxt.end()
    return extra


def extract_n(sentences: list[str], *, review: bool = False) -> SizeResult:
    """Randomised / enrolled N (and, for reviews, the number of studies and participants)."""
    res = SizeResult()
    m: re.Match[str] | None
    if review:
        for s in sentences:
            if not _STUDIES_GATE.search(s):
                continue
            for m in _STUDIES_RE.finditer(s):
                k = _num(m.group(1))
                people = _num(m.group(2) or m.group(3))
                if k is not None and res.n_studies is None and k < 2000:
                    res.n_studies = k
                    if people is not None:
                        res.n = people
                        res.evidence = s
                        return res
        for s in sentences:
            if not _STUDIES_GATE.search(s):
                continue
            m = _REVIEW_PEOPLE_RE.search(s)
            if m:
                v = _num(m.group(1))
                if v:
                    res.n = v
                    res.evidence = s
                    return res
        return res
    best: tuple[int, int, int, str] | None = None  # (priority, sentence index, n, sentence)
    for i, s in enumerate(sentences):
        if not _HAS_NUMBER.search(s):
            continue  # every pattern needs a number (in figures or in words)
        for rx, prio, gate in _N_PATTERNS:
            if best is not None and prio >= best[0]:
                break  # a later sentence wins only with a better priority (the patterns are in priority order)
            if not gate.search(s):
                continue
            m = next((x for x in rx.finditer(s) if not _LABEL_NUMBER.search(s[max(0, x.start(1) - 24):x.start(1)])),
                     None)
            if not m:
                continue
            v = _num(m.group(1))
            if v is None:
                continue
            if re.match(r"\s*(?:mg|g|ml|%|years?|weeks?|days?|months?|hours?)\b", s[m.end(1):], re.I):
                continue
            cand = (prio, i, v + _other_arms(s, m), s)
            if best is None or cand[:2] < best[:2]:
                best = cand
            break
    if best is not None and best[0] <= 2:
        res.n, res.evidence = best[2], best[3]
        return res
    # "(n = 30)" per arm: sum them in the sentence that allocates
    for s in sentences:
        if re.search(_RANDOMISED + r"|\breceived\b", s, re.I) and not re.search(r"%\s*\(\s*n\s*=", s, re.I):
            vals = [_num(v) for v in _N_EQ_RE.findall(s)]
            vals2 = [v for v in vals if v]
            if len(vals2) >= 2:
                res.n, res.evidence = sum(vals2), s
                return res
            if len(vals2) == 1 and re.search(_RANDOMISED, s, re.I):
                res.n, res.evidence = vals2[0], s
                return res
    if best is not None:
        res.n, res.evidence = best[2], best[3]
        return res
    for s in sentences:
        m = _N_EQ_RE.search(s)
        if m:
            res.n, res.evidence = _num(m.group(1)), s
            return res
    return res


# ------------------------------------------------------------------ drugs, arms, doses

_DOSE_UNIT = r"(?:mg/kg(?:/d(?:ay)?)?|mg/m2|mg/d(?:ay)?|mcg|µg|μg|ug|mg|g|ml|mL|IU|units?|%)"
_FREQ = (
    r"(?:\s*(?:once|twice|(?:[1-6]|one|two|three|four|five|six)\s+times)\s+(?:a\s+|per\s+)?(?:daily|day|a\s+day|weekly|week)"
    r"|\s*(?:daily|nightly|at\s+bedtime|per\s+day|a\s+day|/day|/d|q\.?d\.?|b\.?i\.?d\.?|t\.?i\.?d\.?|q\.?i\.?d\.?|"
    r"q\.?h\.?s\.?|every\s+\d+\s+(?:h|hours|days|weeks)|bid|tid|qid|qd))?"
)
DOSE_RE = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?(?:\s*(?:-|–|to|or|/|,)\s*\d+(?:\.\d+)?)*\s*" + _DOSE_UNIT + r")(?![\w/])" + _FREQ,
    re.I,
)
PLACEBO_RE = re.compile(r"\bplacebo\b|\bdummy\s+(?:tablets?|pills?)\b", re.I)
SHAM_RE = re.compile(r"\bsham\b", re.I)
USUAL_CARE_RE = re.compile(r"\busual\s+care\b|\bstandard\s+care\b|\bno\s+treatment\b|\bwaiting\s+list\b|\bwait-list\b", re.I)
COMBO_RE = re.compile(r"\b(?:plus|combined\s+with|in\s+combination\s+with|together\s+with|added\s+to|and)\b|\s\+\s", re.I)

# a tiny fallback when no drug recogniser is available at all
_FALLBACK_DRUGS = (
    "diazepam", "cyclobenzaprine", "ibuprofen", "naproxen", "diclofenac", "paracetamol", "acetaminophen", "aspirin",
    "tizanidine", "baclofen", "methocarbamol", "carisoprodol", "orphenadrine", "tramadol", "morphine", "oxycodone",
    "codeine", "gabapentin", "pregabalin", "amitriptyline", "duloxetine", "celecoxib", "rofecoxib", "ketorolac",
    "sumatriptan", "rizatriptan", "zolmitriptan", "eletriptan", "lorazepam", "clonazepam", "hydrocodone",
)
_FALLBACK_RE = re.compile(r"\b(" + "|".join(_FALLBACK_DRUGS) + r")\b", re.I)
_NOT_DRUGS = {"prostaglandins", "prostaglandin", "cyclooxygenase", "oxygen", "water", "placebo", "saline", "sodium chloride",
              "glucose", "alcohol", "ethanol", "air", "sodium", "nitrogen", "carbon dioxide", "light", "protein",
              "insulin resistance", "vitamin", "heparin lock", "cholesterol", "serotonin", "histamine", "acetylcholine",
              "cortisol", "creatinine", "urea", "lactate", "nitric oxide"}


@dataclass
class DrugHit:
    name: str  # canonical, lower case
    start: int
    end: int


def _vocabulary() -> Any | None:
    return vocabulary()


@lru_cache(maxsize=1)
def _dner() -> Any | None:
    try:
        from drug_named_entity_recognition import find_drugs as dner_find
    except ImportError:
        return None
    return dner_find


# MeSH pharmacological-action / class headings the drug dictionaries also list ("Antidepressive Agents",
# "Receptors, AMPA", "Hypnotics and Sedatives"): not ingredients
_CLASS_LIKE_RE = re.compile(
    r",|\b(?:agents?|drugs|receptors?|inhibitors|antagonists|agonists|blockers|sedatives|hypnotics|analgesics|"
    r"synthases?|enzymes?|kinases?|factors?|hormones?|antibodies|autoantibodies|proteins?|peptides|amino\s+acids|"
    r"neurotransmitters?|cadherins|cytokines|interleukin-\d+|vitamins|fluorides|steroids|glucocorticoids)\b",
    re.I,
)


@lru_cache(maxsize=16384)
def canonical_drug(name: str) -> str | None:
    """The project's canonical ingredient name for a drug name (via ``rxevidence.vocab``), lower case.

    None when the vocabulary knows the word only as a class or not at all and it is a non-drug word.
    """
    low = name.strip().lower()
    if not low or low in _NOT_DRUGS or _CLASS_LIKE_RE.search(low):
        return None
    voc = _vocabulary()
    if voc is not None and hasattr(voc, "resolve_drug"):
        try:
            m = voc.resolve_drug(low, fuzzy=False)
        except (AttributeError, TypeError, ValueError):
            m = None
        if m is not None and not getattr(m, "is_class", False) and getattr(m, "name", None):
            is_drug = getattr(voc, "is_drug", None)
            if is_drug is not None and not is_drug(str(m.name)):
                return None  # an enzyme, analyte or endogenous substance
            return str(m.name).lower()
    if voc is not None:
        return None  # the project vocabulary does not know it as a drug (a protein, a class...)
    return "acetaminophen" if low == "paracetamol" else low


_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*")
# the salt or ester part of a name ("estradiol valerate", "medroxyprogesterone acetate"): never a medicine alone
SALT_WORDS = frozenset({"valerate", "acetate", "hydrochloride", "citrate", "maleate", "succinate", "tartrate", "besylate",
                        "besilate", "mesylate", "fumarate", "phosphate", "sulfate", "sulphate", "benzoate", "propionate",
                        "dipropionate", "cypionate", "enanthate", "hemihydrate", "bitartrate", "hyclate", "gluconate",
                        "lactate", "malate", "napsylate", "pamoate", "tosylate", "undecanoate", "decanoate", "palmitate",
                        "furoate", "butyrate", "stearate", "nitrate", "bromide", "mononitrate", "dihydrate", "monohydrate"})


_SALT_TAIL = frozenset(SALT_WORDS | {"chloride", "sodium", "potassium", "calcium", "magnesium", "hydrobromide"})


def _without_salt(name: str) -> str:
    """A drug named with its salt ("trospium chloride", "oxybutynin chloride") as the drug itself ("trospium"), as
    questions and the pack name it; unchanged when the vocabulary does not know the bare name."""
    parts = name.rsplit(" ", 1)
    if len(parts) == 2 and parts[1] in _SALT_TAIL:
        return canonical_drug(name) or name
    return name


def _not_a_drug_mention(text: str, name: str, a: int, b: int) -> bool:
    """A match that names no medicine: a possessive word ("the Women's Health Initiative" is no brand) or a salt or
    ester word on its own ("oestradiol valerate": valerate is the ester of the drug named before it)."""
    form = text[a:b]
    if form.endswith(("'s", "\u2019s")):
        return True
    return name in SALT_WORDS


def find_drugs(text: str) -> list[DrugHit]:
    """Drug mentions (canonical lower-case names with character offsets), in text order.

    Mentions come from the project vocabulary's ingredient scan (``Vocabulary.find_ingredients``): medicines
    only (no enzymes, analytes or endogenous substances, no classes; "serum estradiol" is a measurement, not a
    treatment), names as queries and the pack use them. Without it, the packaged
    ``drug-named-entity-recognition`` dictionary, else a tiny built-in list.
    """
    voc = _vocabulary()
    hits: list[DrugHit] = []
    if voc is not None and hasattr(voc, "find_ingredients"):
        hits = [DrugHit(_without_salt(name), a, b) for name, a, b in voc.find_ingredients(text)
                if not _not_a_drug_mention(text, name, a, b)]
        hits.sort(key=lambda h: h.start)
        return hits
    dner = _dner()
    if dner is not None:
        toks = list(_TOKEN_RE.finditer(text))
        try:
            found = dner([t.group(0) for t in toks])
        except (KeyError, ValueError, TypeError, IndexError):
            found = []
        covered: set[int] = set()
        for info, a, b in found:
            if a >= len(toks):
                continue
            covered.update(range(a, min(b, len(toks))))
            name = canonical_drug(str(info.get("name", "")))
            if name:
                hits.append(DrugHit(name, toks[a].start(), toks[min(b, len(toks)) - 1].end()))
        hits.extend(_vocabulary_hits(toks, covered))
    else:
        for m in _FALLBACK_RE.finditer(text):
            name = m.group(1).lower()
            hits.append(DrugHit("acetaminophen" if name == "paracetamol" else name, m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    return hits


_PART_RE = re.compile(r"[A-Za-z][A-Za-z0-9']*")


@lru_cache(maxsize=65536)
def vocabulary_drug(word: str) -> str | None:
    """The canonical drug a single word names in the project vocabulary (exact, not a class, not an English word).

    Fills the gaps of the drug dictionary ("estradiol") and reads the parts of joined names
    ("loratadine-pseudoephedrine", "glyburide/metformin").
    """
    if len(word) < 4 or not word.isalpha():
        return None
    voc = _vocabulary()
    if voc is None or not hasattr(voc, "resolve_drug"):
        return None
    looks = getattr(voc, "looks_like_word", None)
    try:
        if looks is not None and looks(word.lower(), frequent_only=True):
            return None
        m = voc.resolve_drug(word, fuzzy=False)
    except (AttributeError, TypeError, ValueError):
        return None
    if m is None or getattr(m, "is_class", False) or " + " in str(getattr(m, "name", "")):
        return None
    return canonical_drug(str(m.name))


@lru_cache(maxsize=1)
def _single_word_drugs() -> frozenset[str]:
    """Lower-case single-word ingredient names of the project vocabulary (a cheap gate before the lookup)."""
    voc = _vocabulary()
    names = getattr(voc, "drug_names", None) if voc is not None else None
    if not names:
        return frozenset()
    return frozenset(n for n in names if " " not in n and n.isalpha() and len(n) >= 4)


on_reset(_single_word_drugs.cache_clear)


def _vocabulary_hits(toks: list[re.Match[str]], covered: set[int]) -> list[DrugHit]:
    """Drugs in the tokens the dictionary left (whole words, and the parts of hyphen- or slash-joined names)."""
    out: list[DrugHit] = []
    known = _single_word_drugs()
    if not known:
        return out
    for i, t in enumerate(toks):
        if i in covered:
            continue
        word = t.group(0)
        if "-" not in word and "/" not in word and word.lower() not in known:
            continue
        if word.isupper() and len(word) > 1:
            continue  # an acronym (a trial's or a scale's name), not a drug name
        if "-" not in word and "/" not in word:
            name = vocabulary_drug(word)
            if name:
                out.append(DrugHit(name, t.start(), t.end()))
            continue
        # a joined name: only when every part is a drug ("loratadine-pseudoephedrine"), not a modifier
        # ("angiotensin-converting", "insulin-dependent")
        parts = [(m.group(0), t.start() + m.start()) for m in _PART_RE.finditer(word)]
        if len(parts) < 2 or any(p.lower() not in known for p, _ in parts):
            continue
        names = [vocabulary_drug(p) for p, _ in parts]
        if len(parts) >= 2 and all(names):
            out.extend(DrugHit(n, st, st + len(p)) for n, (p, st) in zip(names, parts, strict=True) if n)
    return out


def dose_after(text: str, end: int, window: int = 45) -> str | None:
    """The dose written right after a drug mention ("diazepam 5 mg three times daily")."""
    tail = text[end:end + window]
    m = DOSE_RE.search(tail)
    if not m:
        return None
    between = tail[: m.start()]
    # another drug name or a clause break between the drug and the dose: not its dose
    if re.search(r"[.;]|\b(?:or|versus|vs|and|compared|placebo)\b", between, re.I):
        return None
    return re.sub(r"\s+", " ", m.group(0)).strip()


@dataclass
class ArmsResult:
    arms: list[Arm] = field(default_factory=list)
    drugs: list[str] = field(default_factory=list)
    comparator: str | None = None


def extract_arms(title: str, sentences: list[str]) -> ArmsResult:
    """Arms, drugs and comparator from the title and the method sentences."""
    res = ArmsResult()
    text = title + "\n" + "\n".join(sentences)
    hits = find_drugs(text)
    doses: dict[str, str] = {}
    order: list[str] = []
    for h in hits:
        if h.name not in order:
            order.append(h.name)
        if h.name not in doses:
            d = dose_after(text, h.end)
            if d:
                doses[h.name] = d
    res.drugs = order[:8]
    placebo = bool(PLACEBO_RE.search(text))
    sham = bool(SHAM_RE.search(text))
    usual = USUAL_CARE_RE.search(text)
    # combinations: "A plus B" / "A combined with B" / "A + B" in one short span
    combos: list[list[str]] = []
    for a, b in zip(hits, hits[1:], strict=False):
        if a.name == b.name:
            continue
        between = text[a.end:b.start]
        if len(between) <= 40 and COMBO_RE.search(between) and not re.search(
            r"\b(?:or|versus|vs|compared|than|alone)\b|[;.]", between, re.I
        ) and re.search(r"\bplus\b|combin|\+|together|added", between, re.I):
            pair = sorted({a.name, b.name})
            if pair not in combos:
                combos.append(pair)
    combo_drugs = {d for c in combos for d in c}
    for c in combos:
        dose = "; ".join(f"{d} {doses[d]}" for d in c if d in doses) or None
        res.arms.append(Arm(name=" + ".join(c), role="combination", drugs=c, dose=dose))
    for i, d in enumerate(order[:6]):
        if d in combo_drugs and not re.search(rf"\b{re.escape(d)}\s+(?:alone|monotherapy)\b", text, re.I):
            continue
        role = "intervention" if i == 0 or not res.arms else "comparator"
        if res.arms and all(a.role == "combination" for a in res.arms):
            role = "comparator"
        res.arms.append(Arm(name=d, role=role, drugs=[d], dose=doses.get(d)))
    if placebo:
        res.arms.append(Arm(name="placebo", role="placebo"))
        res.comparator = "placebo"
    elif sham:
        res.arms.append(Arm(name="sham", role="placebo"))
        res.comparator = "sham"
    elif usual:
        res.arms.append(Arm(name=usual.group(0).lower(), role="comparator"))
        res.comparator = usual.group(0).lower()
    else:
        comps = [a for a in res.arms if a.role == "comparator"]
        if comps:
            res.comparator = comps[0].name
    return res
