"""The studies the brief lists: a summary of each, a sentence for each key study (best evidence first) and
for each retracted one left out."""

from __future__ import annotations

from ..domain import design_name, is_review
from ..ids import record_url
from ..models import Claims, Sentence, StudySummary
from .study import StudyView, is_combination
from .wording import and_list, clip, study_label

KEY_STUDIES = 12  # studies given a sentence of their own

_DIRECTION_WORDS = {"better": "favoured the drug", "worse": "favoured the comparator",
                    "no difference": "found no difference", "mixed": "had mixed results",
                    "unclear": "reported no clear direction"}


def summarise_study(v: StudyView) -> StudySummary:
    a = v.appraisal
    main = a.outcomes[0] if a.outcomes else None
    return StudySummary(
        id=v.id,
        title=v.record.title if v.record else None,
        year=v.year,
        journal=v.record.journal if v.record else None,
        design=a.design,
        n=a.n,
        direction=a.direction,
        condition=v.condition_name,
        condition_id=v.condition_id,
        comparator=a.comparator,
        outcome=main.name if main else None,
        pain_dimension=main.pain_dimension if main else None,
        drugs=list(a.drugs),
        humans=a.population.humans,
        healthy_volunteers=a.population.healthy_volunteers,
        finding=a.finding,
        effect=main.effect if main else None,
        appraiser=a.appraiser,
        flags=list(a.flags),
        retracted=v.retracted,
        url=record_url(v.id),
        related_ids=list(v.related_ids),
        outcomes=[o.model_copy() for o in a.outcomes],
    )


def retracted_sentences(excluded: list[StudyView]) -> list[Sentence]:
    return [Sentence(text=f"{study_label(v)} ({v.id}) is retracted and was left out of the synthesis.",
                     citations=[v.id], section="evidence", claims=Claims(retracted=True)) for v in excluded]


def key_study_sentences(included: list[StudyView]) -> list[Sentence]:
    """One sentence for each of the first :data:`KEY_STUDIES` studies."""
    return [_key_study_sentence(v) for v in included[:KEY_STUDIES]]


def _key_study_sentence(v: StudyView) -> Sentence:
    a = v.appraisal
    desc = design_name(a.design)
    if is_review(a.design) and a.n_studies:
        desc += f" of {a.n_studies} studies"
    bits = [desc]
    if a.n:
        bits.append(f"{a.n:,} participants")
    if v.condition_name:
        bits.append(v.condition_name)
    finding = a.finding or ""
    if a.appraiser == "automatic" and finding:
        finding = f"the authors conclude: “{clip(finding, 260)}”"
    dir_txt = _DIRECTION_WORDS[a.direction]
    comp = f" vs {a.comparator}" if a.comparator else ""
    # a regimen of several drugs reads "A + B"; a review covering several drugs "A, B and C"
    tested = " + ".join(a.drugs) if is_combination(v) else and_list(a.drugs)
    text = f"{study_label(v)} ({', '.join(bits)}; {tested or 'drug'}{comp}) {dir_txt}"
    text += f": {finding}" if finding else "."
    if not text.endswith((".", "”")):
        text += "."
    claims = Claims(direction=a.direction, design=a.design, n=a.n)
    return Sentence(text=text, citations=[v.id, *v.related_ids], section="evidence", claims=claims)
