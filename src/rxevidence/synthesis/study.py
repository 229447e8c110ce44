"""A study as the synthesis sees it (:class:`StudyView`) and what one study is: which drugs it tested, what it
compared them with, whether it is direct evidence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..domain import design_rank, is_effect_design, is_review
from ..models import Appraisal, Query, Record


@dataclass
class StudyView:
    """A study as the synthesis sees it: record + best appraisal + where it sits in the matrix."""

    id: str
    record: Record | None
    appraisal: Appraisal
    condition_id: str | None
    condition_name: str | None
    related_ids: list[str]

    @property
    def design(self) -> str:
        return self.appraisal.design

    @property
    def n(self) -> int | None:
        return self.appraisal.n

    @property
    def curated(self) -> bool:
        return self.appraisal.appraiser == "curated"

    @property
    def retracted(self) -> bool:
        return "retracted" in self.appraisal.flags or bool(self.record and self.record.retracted)

    @property
    def year(self) -> int | None:
        return self.record.year if self.record else None

    def sort_key(self) -> tuple:
        return (
            design_rank(self.design),
            0 if self.curated else 1,
            -(self.n or 0),
            -(self.year or 0),
            self.id,
        )


_BACKGROUND_LEAD = (r"(?:\b(?:patients|people|subjects|adults|children|women|men|those)\b[^.;:]{0,60}?\b(?:already |"
                    r"previously )?(?:treated|pretreated|receiving|taking|maintained|stabili[sz]ed|on)\b(?: with| on)?"
                    r"(?: (?:high|low|standard|usual|stable|maximal|chronic|long-term)[- ]dose)?(?: of)? |"
                    r"\b(?:added|add-on|adjunct\w*|in addition|supplementary|on top) (?:therapy |treatment )?to "
                    r"(?:ongoing |existing |background |conventional |standard )?(?:therapy with |treatment with )?)")


def background_in_title(v: StudyView, drugs: set[str]) -> set[str]:
    """Which of ``drugs`` the record's title names as the patients' existing treatment after naming another of
    them ("Effect of felodipine ... in patients with heart failure treated with enalapril", "atenolol ... in
    patients pretreated with high-dose enalapril"): background therapy, not what the study tested, whatever
    role the automatic reader gave it."""
    title = (v.record.title if v.record else "") or ""
    found = set()
    for d in drugs:
        m = re.search(_BACKGROUND_LEAD + rf"{re.escape(d)}\b", title, re.I)
        # only when the title names another tested drug first ("Effect of felodipine ... treated with enalapril");
        # "patients treated with low-dose olanzapine or haloperidol" names what was tested
        if m and any(re.search(rf"\b{re.escape(o)}\b", title[:m.start()], re.I) for o in drugs - {d}):
            found.add(d)
    return found


#: Words a comparator arm may hold besides the background drugs when it is "the same background without the
#: drug": joiners and inactive-control words ("naproxen + placebo", "ibuprofen alone", "codeine plus dummy").
_ADD_ON_FILLER = re.compile(r"\b(alone|only|and|with|plus|matching|identical|the|same|dose)\b|[+/,().-]", re.I)


def background_drugs(v: StudyView) -> set[str]:
    """The drugs every arm of the study received (background therapy), as far as the appraisal says: drugs read
    with the ``background`` role, a drug the title names as the patients' existing treatment, and -- curated or
    automatic -- the drugs of a single comparator arm that holds only drugs of the tested regimen and an
    inactive control ("naproxen + placebo" beside "naproxen + cyclobenzaprine"). A comparator of several arms
    ("placebo; ibuprofen alone") or naming anything else (another dose, a control patch) is not read as one."""
    a = v.appraisal
    found = {r.drug for r in a.roles if r.role == "background"}
    studied = {r.drug for r in a.roles if r.role == "studied"}
    if len(studied) > 1:
        found |= background_in_title(v, studied)
    comp = a.comparator or ""
    if comp and not re.search(r";|\bor\b|\bversus\b|\bvs\b", comp, re.I):
        named = {d for d in a.drugs if re.search(rf"\b{re.escape(d)}\b", comp, re.I)}
        rest = comp
        for d in named:
            rest = re.sub(rf"\b{re.escape(d)}\b", " ", rest, flags=re.I)
        rest = _ADD_ON_FILLER.sub(" ", PLACEBO.sub(" ", rest))
        if named and named < set(a.drugs) and not rest.strip():
            found |= named
    return found


def is_add_on(v: StudyView, drugs: Iterable[str]) -> bool:
    """An add-on trial for ``drugs``: one of them was tested added to a background drug that is none of them
    ("cyclobenzaprine + naproxen vs naproxen + placebo" for cyclobenzaprine). It shows what the drug adds to
    that treatment, not whether the drug works on its own."""
    drugs = set(drugs)
    background = background_drugs(v)
    return bool(background) and not background & drugs and tests_drug(v, drugs)


def tests_drug(v: StudyView, drugs: Iterable[str]) -> bool:
    """Whether the study tested one of ``drugs`` (alone, as an add-on, or in a combination).

    A drug every arm received (``diazepam + naproxen vs naproxen + placebo``) is background
    therapy, not what the study tested.
    """
    drugs = set(drugs)
    studied = {r.drug for r in v.appraisal.roles if r.role == "studied"}
    if len(studied) > 1 and v.appraisal.appraiser != "curated":
        studied -= background_in_title(v, studied)
    if studied:  # the appraisal read each drug's role: only what the study tested counts
        return bool(studied & drugs)
    if not v.appraisal.drugs:
        return True
    comparator = (v.appraisal.comparator or "").lower()
    tested = {d for d in v.appraisal.drugs if not (len(v.appraisal.drugs) > 1 and re.search(
        rf"\b{re.escape(d)}\b", comparator) and not re.search(rf"\b{re.escape(d)} alone\b", comparator))}
    return bool(tested & drugs)


#: The one word list for an inactive control, "placebo or no treatment" (the comparator types ``placebo`` and
#: ``no treatment`` of :mod:`rxevidence.domain`): placebo, sham, vehicle, dummy; no treatment or drug, usual or
#: standard care, a waiting list, an untreated control group. :func:`comparator_kind` reads a comparator naming
#: one as placebo-like, and :func:`equivalence_claim` never calls "as effective as <one of these>" a comparison
#: with another drug.
PLACEBO = re.compile(r"\b(placebo|sham|vehicle|dummy|no treatment|no drug|usual care|standard care|waiting list|"
                     r"wait-list|control group|untreated)\b", re.I)
#: A before-after comparator (the domain's ``uncontrolled``: the patients' own baseline): not another active
#: drug, so :func:`comparator_kind` counts it with placebo, but not a word a conclusion's equivalence can name
#: ("reduced pain from baseline as much as naproxen" still compares two drugs).
BEFORE_AFTER = re.compile(r"\b(baseline|pre-drug)\b", re.I)


_HARM_OUTCOME = re.compile(r"\b(adverse|safety|side[- ]effects?|tolerab\w*|cost\w*|bleed\w*|cardiovascular|ulcer\w*|"
                           r"mortality|death|harms?|toxicity|withdrawals? due|dropouts?)\b", re.I)


#: A "no difference" result worded as equivalence with another treatment ("as effective as naproxen", "equally
#: efficacious", "comparable efficacy", "non-inferior"): the study compared the drug with an active one, whatever
#: comparator type was read (placebo arms often sit beside the active arm). "as effective as placebo" (or as
#: usual care, or any other :data:`PLACEBO` word) is not one.
_EQUIVALENCE = re.compile(r"\b(as (effective|efficacious|good) as|equally (effective|efficacious)|(comparable|similar) "
                          r"(efficacy|effectiveness)|non-?inferior\w*|equivalent (to|efficacy))\b", re.I)


def equivalence_claim(v: StudyView) -> bool:
    """An automatically read "no difference" whose conclusion says the drug is as good as another treatment."""
    a = v.appraisal
    finding = a.finding or ""
    return (a.appraiser != "curated" and a.direction == "no difference" and bool(_EQUIVALENCE.search(finding))
            and not PLACEBO.search(finding))


def comparator_kind(v: StudyView) -> str:
    """'placebo' (placebo, sham, usual care, no treatment), 'active' (another drug) or 'unknown'."""
    a = v.appraisal
    if a.comparator_type in ("active", "dose"):
        return "active"  # another drug, or another dose of the same drug: a comparison, not "does it work"
    if equivalence_claim(v):
        return "active"  # "as effective as <another drug>": how it compares, not whether it works
    if a.comparator_type in ("placebo", "no treatment", "add-on"):
        return "placebo"
    if a.comparator and (PLACEBO.search(a.comparator) or BEFORE_AFTER.search(a.comparator)):
        return "placebo"
    if any(arm.role == "placebo" for arm in a.arms):
        return "placebo"
    if a.comparator or any(arm.role == "comparator" and arm.drugs for arm in a.arms):
        return "active"
    return "unknown"


def efficacy_outcomes_only_harms(v: StudyView) -> bool:
    """True when every outcome the study reports is a harm, safety or cost outcome."""
    outs = v.appraisal.outcomes
    return bool(outs) and all(_HARM_OUTCOME.search(o.name or "") for o in outs)


def tests_all(v: StudyView, query: Query) -> bool:
    """The study's regimen contains every drug (or a member of every class) the question combines."""
    got = set(v.appraisal.drugs)
    return len(query.drugs) > 1 and all(got & set(m.members or [m.name]) for m in query.drugs)


def is_combination(v: StudyView) -> bool:
    """A tested regimen of several drugs (a review that pools several drugs is not a combination)."""
    return len(v.appraisal.drugs) > 1 and not is_review(v.design)


#: The condition of pain induced on purpose (in volunteers or patients): a study filed under it is an
#: experimental study, whatever design was read.
EXPERIMENTAL_PAIN = "experimental-pain"


def is_experimental(v: StudyView) -> bool:
    """An experimental-pain study: read as one, done in healthy volunteers, or filed under experimental pain."""
    return (v.design == "experimental pain model" or bool(v.appraisal.population.healthy_volunteers)
            or v.condition_id == EXPERIMENTAL_PAIN)


def evidence_design(v: StudyView) -> str:
    """The design a study has as evidence for precedence: an experimental-pain trial (randomised or not) is an
    experimental pain study, a review keeps its design."""
    if is_experimental(v) and not is_review(v.design) and is_effect_design(v.design):
        return "experimental pain model"
    return v.design


def is_direct(v: StudyView) -> bool:
    """Direct evidence of effect in patients: an effect design, in humans, not an experimental-pain study."""
    return is_effect_design(v.design) and v.appraisal.population.humans is not False and not is_experimental(v)
