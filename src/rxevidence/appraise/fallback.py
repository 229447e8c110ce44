"""The learned fallback for the effect direction, where the rules of :mod:`.effect` find no reading.

The rules read judgements ("X was superior to placebo", "no significant difference") and answer about half
of the result sentences; where they read nothing at all, the Evidence Inference direction model
(:mod:`.direction`, trained by ``scripts/train_direction.py``) reads the result sentences that carry their own
statistics (a p-value or a confidence interval): "no difference" when it says so with probability at least
:data:`NO_DIFFERENCE_MIN`, a difference when it says "increased" / "decreased" with probability at least
:data:`DIFFERENCE_MIN` *and* the sentence's statistics show a significant difference *and* the outcome's
polarity is known (less pain is better, more responders are better), so that "increased" can be turned into
better or worse. Anything less stays "unclear": the model never guesses a direction it cannot justify.
Thresholds were set on the development records (``bench/appraise_fields.py``) and the Evidence Inference
validation split, never on the held-out records.
"""

from __future__ import annotations

from dataclasses import dataclass

from .structure import AbstractView

#: The model's probability needed to read "no difference" / a difference.
NO_DIFFERENCE_MIN = 0.85
DIFFERENCE_MIN = 0.75
#: The confidence given to a fallback reading (below the rules' usual 0.8: a model's word, not a judgement).
FALLBACK_CONFIDENCE = 0.6


@dataclass(frozen=True)
class FallbackReading:
    direction: str  # "better" | "worse" | "no difference"
    confidence: float
    sentence: str


def _candidates(view: AbstractView) -> list[tuple[str, str]]:
    """Result sentences with statistics (then conclusions with statistics), in reading order, each with its
    statistics marked (:func:`.direction.mark_stats`)."""
    from .direction import has_non_significant_stats, has_significant_stats, mark_stats, normalize

    out: list[tuple[str, str]] = []
    for group in (view.results or view.role("methods"), view.conclusions):
        for s in group[:14]:
            if any(ch.isdigit() for ch in s.text):
                marked = mark_stats(normalize(s.text))
                if has_significant_stats(marked) or has_non_significant_stats(marked):
                    out.append((s.text, marked))
    return out


def _polarity(sentence: str) -> int:
    """+1 when more of the sentence's outcome is better, -1 when less is, 0 unknown."""
    from .outcomes import outcome_of

    oc = outcome_of(sentence)
    if oc is not None and oc[2] in (-1, 1) and oc[0] != "adverse events":
        return oc[2]
    from .effect_cues import HIGHER_IS_BETTER, LOWER_IS_BETTER

    hi, lo = HIGHER_IS_BETTER.search(sentence), LOWER_IS_BETTER.search(sentence)
    if hi and not lo:
        return +1
    if lo and not hi:
        return -1
    return 0


def model_direction(view: AbstractView, *, studied: list[str], comparators: list[str]) -> FallbackReading | None:
    """The direction the learned model reads in the result sentences with statistics, or None (see the module
    docstring). The studied drug is the prompt's intervention, the first comparator (or placebo) its comparator."""
    from .direction import DIRECTION_LABELS, direction_proba, has_significant_stats
    from .effect_cues import SAFETY_CLAUSE

    candidates = [(s, m) for s, m in _candidates(view) if not SAFETY_CLAUSE.search(s.lower())]
    if not candidates:
        return None
    sents = [s for s, _ in candidates]
    intervention = studied[0] if studied else None
    comparator = comparators[0] if comparators else "placebo"
    proba = direction_proba(sents, intervention=intervention, comparator=comparator)
    i_nd = DIRECTION_LABELS.index("no difference")
    readings: list[FallbackReading] = []
    for (s, marked), p in zip(candidates, proba, strict=True):
        significant = has_significant_stats(marked)
        if p[i_nd] >= NO_DIFFERENCE_MIN and not significant:
            readings.append(FallbackReading("no difference", FALLBACK_CONFIDENCE, s))
            continue
        j = int(p.argmax())
        if j == i_nd or p[j] < DIFFERENCE_MIN or not significant:
            continue
        pol = _polarity(s)
        if pol == 0:
            continue
        up = DIRECTION_LABELS[j] == "increased"
        readings.append(FallbackReading("better" if up == (pol > 0) else "worse", FALLBACK_CONFIDENCE, s))
    if not readings:
        return None
    first = readings[0]
    if any(r.direction != first.direction for r in readings[:3]):
        return None  # the model's readings disagree: unclear
    return first


__all__ = ["DIFFERENCE_MIN", "NO_DIFFERENCE_MIN", "FallbackReading", "model_direction"]
