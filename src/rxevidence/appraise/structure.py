"""The parts of an abstract a reader looks at first: the aim, the methods, the results, the conclusion.

Structured MEDLINE abstracts carry section labels; CSV and RIS imports, and old abstracts, are one flat
paragraph. :func:`view` gives both the same shape — every sentence with a role — so the readers of
study kind, drug roles, N and direction work the same way on both. Roles of a flat abstract come from the
position of a sentence and its words: the first sentences that state an aim ("to compare", "the purpose of
this study"), the last sentences that judge ("in conclusion", "these results suggest", "X is effective"),
the sentences with figures and p-values in between (results).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Record
from .text import Part, record_parts, split_sentences

AIM_RE = re.compile(
    r"\b(?:to\s+(?:assess|evaluate|compare|determine|investigate|examine|test|study|establish|explore|measure|"
    r"describe|review|quantify|characteri[sz]e|identify|document|analy[sz]e|estimate|demonstrate|validate|develop)|"
    r"(?:aim|aims|objective|objectives|purpose|goal)\s+(?:of|was|were|is)|we\s+(?:hypothesi[sz]ed|sought|aimed|"
    r"wanted|tested\s+the\s+hypothesis|evaluated|assessed|compared|investigated|examined|studied|tested|determined|"
    r"measured|analy[sz]ed|conducted|undertook|performed|review(?:ed)?|summari[sz]e)|this\s+(?:study|trial|paper|article|review|analysis)\s+(?:was\s+designed|"
    r"examined|investigated|evaluated|assessed|compared|reports|describes|examines|investigates|evaluates|assesses|"
    r"compares|considers|summari[sz]es|reviews)|(?:was|were)\s+(?:conducted|undertaken|performed|designed)\s+to|"
    r"in\s+order\s+to)\b",
    re.I,
)
CONCLUSION_RE = re.compile(
    r"^(?:in\s+conclusion|to\s+conclude|conclusions?|we\s+conclude|in\s+summary|to\s+summari[sz]e|overall|"
    r"taken\s+together|thus|therefore|hence|consequently|finally|our\s+(?:results|findings|data|study)|"
    r"these\s+(?:results|findings|data|observations)|this\s+(?:study|trial|analysis|review)|the\s+(?:results|"
    r"findings|data|present\s+(?:study|data|results|findings))|(?:the\s+)?present\s+(?:data|results|findings)|"
    r"in\s+(?:this|our)\s+(?:study|trial|population|analysis))\b|"
    r"\b(?:we\s+conclude|conclude\s+that|suggests?\s+that|indicates?\s+that|demonstrates?\s+that|shows?\s+that|"
    r"support\w*\s+(?:the|its|a)\b|(?:is|are|was|were|appears?\s+to\s+be|seems?\s+to\s+be|may\s+be)\s+(?:an?\s+)?"
    r"(?:safe|effective|efficacious|useful|well\s+tolerated|beneficial|superior|an?\s+(?:effective|useful|"
    r"alternative|option)))",
    re.I,
)
# words that judge a treatment, in a sentence without figures: part of the conclusion
JUDGEMENT_RE = re.compile(
    r"\b(?:effective|efficacious|ineffective|superior|inferior|comparable|similar|equivalent|as\s+(?:effective|good)\s+as|"
    r"no\s+(?:significant\s+)?(?:difference|effect|benefit|advantage)|did\s+not|does\s+not|failed|useful|beneficial|"
    r"benefit|improv\w+|reduc\w+|confirm\w*|demonstrat\w+|outperform\w*|neither|absence\s+of|recommend\w*|"
    r"should|alternative|advantage|favou?rable|positive\s+effect)\b",
    re.I,
)
RESULT_WORDS_RE = re.compile(r"\b(?:significan\w+|differ(?:ed|ences?)|superior|improv\w+|similar|comparable|"
                             r"equivalent|outperform\w*|respond\w*|fail\w*\s+to|(?:was|were)\s+(?:obtained|achieved|observed|noted|seen))\b",
                             re.I)
CONNECTIVE_RE = re.compile(r"^(?:however|moreover|furthermore|in\s+addition|additionally|also|nevertheless|"
                           r"nonetheless|similarly|likewise|in\s+contrast)\b", re.I)
STATS_RE = re.compile(r"\b\d+\.\d+\b(?!\s*(?:mg|mcg|µg|ug|g|ml|mmol|iu|units?|microg)\b)|\bper\s+\d[\d,]*\b|\b[Pp]\s*[<=>≤≥]|\b(?:95|90|99)\s*%|\bCI\b|\bconfidence\s+interval|\d+(?:\.\d+)?\s*%|"
                      r"\+/-|±|\bn\s*=\s*\d|\bodds\s+ratio|\brelative\s+risk|\bhazard\s+ratio", re.I)


@dataclass(frozen=True)
class Sentence:
    text: str
    role: str  # "title", "aim", "methods", "results", "conclusion", "background", "other" (registration, funding)
    index: int  # position among the abstract's sentences (title: -1)


@dataclass
class AbstractView:
    """A record's title and abstract sentences with their roles."""

    title: str
    sentences: list[Sentence]
    structured: bool
    parts: list[Part] = field(default_factory=list)

    def role(self, *roles: str) -> list[Sentence]:
        return [s for s in self.sentences if s.role in roles]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def aim(self) -> list[Sentence]:
        return self.role("aim")

    @property
    def conclusions(self) -> list[Sentence]:
        return self.role("conclusion")

    @property
    def results(self) -> list[Sentence]:
        return self.role("results")


_LABEL_ROLE = {"BACKGROUND": "background", "METHODS": "methods", "RESULTS": "results", "CONCLUSIONS": "conclusion",
               "OTHER": "other"}


_DIGIT = re.compile(r"\d")


def has_stats(sentence: str) -> bool:
    """:data:`STATS_RE` behind a cheap check (every figure it reads holds a digit, a "CI" or a ratio's name)."""
    if not _DIGIT.search(sentence) and "CI" not in sentence and "confidence" not in sentence and (
            "ratio" not in sentence and "risk" not in sentence):
        return False
    return bool(STATS_RE.search(sentence))


def _structured(parts: list[Part]) -> list[Sentence]:
    out: list[Sentence] = []
    for p in parts:
        role = _LABEL_ROLE.get(p.label)
        for s in split_sentences(p.text):
            r = role or "background"
            if r == "background" and AIM_RE.search(s):
                r = "aim"
            elif p.label in ("", "BACKGROUND") and (len(out) == 0 or r == "background") and AIM_RE.search(s):
                r = "aim"
            out.append(Sentence(s, r, len(out)))
    return out


def _flat(sentences: list[str]) -> list[Sentence]:
    n = len(sentences)
    roles = ["methods"] * n
    if not n:
        return []
    # the aim: the first sentence (of the first half) that states one; everything before it is background
    aim_at = next((i for i, s in enumerate(sentences[: max(2, (n + 1) // 2)]) if AIM_RE.search(s)), None)
    if aim_at is not None:
        for i in range(aim_at):
            roles[i] = "background"
        roles[aim_at] = "aim"
    # the conclusion: the last sentence, and the sentences before it that judge without figures
    if n >= 2:
        roles[-1] = "conclusion"
        floor = (aim_at if aim_at is not None else 0) + 1
        for i in range(n - 2, max(floor, n - 5) - 1, -1):
            s = sentences[i]
            if has_stats(s) or not (CONCLUSION_RE.search(s) or JUDGEMENT_RE.search(s) or CONNECTIVE_RE.match(s)):
                break
            roles[i] = "conclusion"
    elif n == 1:
        roles[0] = "conclusion" if CONCLUSION_RE.search(sentences[0]) else "methods"
    # results: sentences with figures between the aim and the conclusion
    start = (aim_at + 1) if aim_at is not None else 1
    for i in range(start, n):
        if roles[i] == "methods" and has_stats(sentences[i]):
            roles[i] = "results"
    # a sentence after the aim that reports a comparison in words is a result too
    for i in range(start, n):
        if roles[i] == "methods" and RESULT_WORDS_RE.search(sentences[i]):
            roles[i] = "results"
    # a methods-like sentence after the first results sentence is a result stated in words
    first_result = next((i for i in range(n) if roles[i] == "results"), None)
    if first_result is not None:
        for i in range(first_result + 1, n):
            if roles[i] == "methods":
                roles[i] = "results"
    return [Sentence(s, r, i) for i, (s, r) in enumerate(zip(sentences, roles, strict=True))]


def view(record: Record, parts: list[Part] | None = None) -> AbstractView:
    """The record's abstract as sentences with roles (see the module docstring)."""
    parts = record_parts(record) if parts is None else parts
    labelled = [p for p in parts if p.label]
    if len(labelled) >= 2:
        sents = _structured(parts)
        structured = True
    else:
        sents = _flat([s for p in parts for s in split_sentences(p.text)])
        structured = False
    return AbstractView(title=(record.title or "").strip(), sentences=sents, structured=structured, parts=parts)


__all__ = ["AIM_RE", "CONCLUSION_RE", "STATS_RE", "AbstractView", "Sentence", "view"]
