"""The bottom line: which studies answer the question, the verdict and the notes around it."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..domain import Certainty, Verdict
from ..models import Claims, Query, Record, Sentence
from ..models.evidence import Evidence
from .grading import Grade, grade
from .select import comparison_view, curated_precedence
from .study import (
    StudyView,
    background_drugs,
    comparator_kind,
    efficacy_outcomes_only_harms,
    is_add_on,
    is_combination,
    is_direct,
    tests_all,
    tests_drug,
)
from .wording import and_list, cite, fmt_counts

DOSE_QUESTION = re.compile(r"\b\d+(\.\d+)?\s?(mg|mcg|µg|g|ml|milligrams?)\b|\b(dose|dosage|dosing|how much|how many|"
                            r"too much|maximum|max|overdose|how often)\b", re.I)


def completed_without_results(t: Record) -> bool:
    status = str(t.extra.get("status", "")).lower()
    return status in ("completed", "terminated") and t.extra.get("has_results") is False


def nothing_found(query: Query) -> str:
    return ("Nothing in the store answers this question. What would help: ingest PubMed records "
            "(`rxevidence ingest FILE`), fetch them live (`rxevidence ask --online`), or ask about a drug "
            "and condition the starter pack covers (`rxevidence pack info`).")


@dataclass
class BottomLine:
    """The verdict with its certainty and reasons, the bottom-line sentences and the notes around them."""

    verdict: Verdict
    certainty: Certainty
    reasons: list[str]
    sentences: list[Sentence]
    notes: list[str]


@dataclass
class _Answering:
    """The studies that answer the question, and how they were chosen."""

    direct: list[StudyView]  # counted in the verdict
    indirect: list[StudyView]  # experimental, animal or healthy-volunteer studies
    aside: list[StudyView] = field(default_factory=list)  # automatic studies a curated design covers
    only_head_to_head: bool = False  # every direct study compared the drug with another active drug
    alone: bool = False  # a combination question answered by studies of the drugs alone
    no_h2h: bool = False  # a comparison question without a head-to-head study
    add_on_only: list[str] = field(default_factory=list)  # background drugs when only add-on trials answer
    before: list[Sentence] = field(default_factory=list)  # said before the verdict
    separate: list[Sentence] = field(default_factory=list)  # the second drug's own verdict in a comparison
    notes: list[str] = field(default_factory=list)


def bottom_line(query: Query, ev: Evidence, included: list[StudyView]) -> BottomLine:
    """The verdict for ``query`` from the ``included`` studies, and what the brief says around it."""
    ans = _answering(query, ev, included)
    no_results = [t.id for t in ev.trials if completed_without_results(t)]
    g, notes = _overall_grade(query, ev, included, ans, no_results)
    notes = ans.notes + notes
    used = ans.direct if ans.direct else ans.indirect
    subject = _subject(query, ans)
    cname = query.condition.name if query.condition else None
    sentences = list(ans.before)
    if used:
        sentences.extend(_verdict_sentences(subject, cname, g, used, ans))
    else:
        notes.append(nothing_found(query))
        sentences.append(Sentence(text=f"No evidence found in this store for {subject}"
                                       + (f" and {cname}" if cname else "") + ".",
                                  citations=[], section="bottom-line", claims=Claims(absence=True)))
    return BottomLine(g.verdict, g.certainty, [r for r, _ in g.reasons], sentences, notes + question_notes(query))


def _answering(query: Query, ev: Evidence, included: list[StudyView]) -> _Answering:
    drugs = ev.drug_names
    direct = [v for v in included if is_direct(v) and tests_drug(v, drugs) and not efficacy_outcomes_only_harms(v)]
    indirect = [v for v in included if not is_direct(v) and tests_drug(v, drugs)]
    # curated appraisals win, first and over everything that answers: automatic studies of a curated drug count
    # only with a stronger design than any curated study of it -- also when the curated studies are then set
    # apart (head-to-head, experimental), so ingested records never turn a curated answer into another one
    counted, aside = curated_precedence(direct + indirect, drugs)
    keep = {id(v) for v in counted}
    ans = _Answering([v for v in direct if id(v) in keep], [v for v in indirect if id(v) in keep], aside)
    direct = ans.direct
    head_to_head = [v for v in direct if comparator_kind(v) == "active" and not is_combination(v)]
    if query.relation == "comparison" and len(query.drugs) >= 2:
        _comparison(query, ans)
    elif head_to_head and len(head_to_head) == len(direct):
        # only comparisons with other active drugs: "no difference" there means "as good as", not "no effect"
        ans.only_head_to_head = True
        ans.before.append(Sentence(
            text=f"The only {'study' if len(head_to_head) == 1 else 'studies'} found compared the drug with another "
                 "active drug; they say how it compares, not whether it works better than placebo, so no efficacy "
                 "verdict is drawn from them.",
            citations=cite(v.id for v in head_to_head), section="bottom-line"))
    elif head_to_head and len(head_to_head) < len(direct):
        # an efficacy question is answered by placebo-controlled evidence; head-to-head results say how the
        # drug compares with another active drug, not whether it works
        ans.direct = [v for v in direct if v not in head_to_head]
        ans.before.append(Sentence(
            text=f"{len(head_to_head)} head-to-head {'study' if len(head_to_head) == 1 else 'studies'} against "
                 "another active drug are listed but not counted in the efficacy verdict.",
            citations=cite(v.id for v in head_to_head), section="bottom-line"))
    if query.relation == "single":
        _add_on_trials(ans, drugs)
    if query.relation == "combination":
        combo_direct = [v for v in ans.direct if tests_all(v, query)]
        ans.alone = not combo_direct
        ans.direct = combo_direct or ans.direct
    return ans


def _add_on_trials(ans: _Answering, drugs: list[str]) -> None:
    """A single-drug question: an add-on trial (the drug added to a background drug every arm received, against
    that background alone) shows what the drug adds to that treatment. Beside usable evidence of the drug
    itself (placebo or no treatment, or a review of it) it is shown in its own line with its own grade and not
    counted, so it never overturns that evidence; when add-on trials are all there is, they carry the verdict
    and the subject says so."""
    add_on = [v for v in ans.direct if is_add_on(v, drugs)]
    if not add_on:
        return
    rest = [v for v in ans.direct if not is_add_on(v, drugs)]
    backgrounds = sorted({d for v in add_on for d in background_drugs(v)})
    if not rest or grade(rest).weight <= 0:
        ans.add_on_only = backgrounds
        return
    ans.direct = rest
    g = grade(add_on)
    designs = dict(Counter(v.design for v in add_on))
    ans.separate.append(Sentence(
        text=f"Add-on {'trial' if len(add_on) == 1 else 'trials'} (the drug added to {and_list(backgrounds)}, "
             f"which every arm received): “{g.verdict}” ({g.certainty} certainty; "
             f"{fmt_counts(Counter(v.design for v in add_on))}). "
             f"{'It shows' if len(add_on) == 1 else 'They show'} what the drug adds to that treatment, not whether "
             "it works on its own, so "
             f"{'it is' if len(add_on) == 1 else 'they are'} listed but not counted beside the evidence of the drug "
             "against placebo or no treatment.",
        citations=cite(v.id for v in add_on), section="bottom-line", claims=Claims(designs=designs)))


def _comparison(query: Query, ans: _Answering) -> None:
    """A comparison: head-to-head studies read from the first drug's side, else the first drug's own evidence
    with the second's verdict said separately."""
    h2h = comparison_view(ans.direct, query)
    first, second = query.drugs[0].name, query.drugs[1].name
    if h2h:
        ans.direct = h2h
        ans.notes.append(f"A comparison: the verdict reads from {first}'s side against {second} "
                         f"(“effective” = {first} did better; “ineffective” = no better or worse).")
        return
    others = [v for v in ans.direct if tests_drug(v, query.drugs[1].members or [second])
              and not tests_drug(v, query.drugs[0].members or [first])]
    ans.direct = [v for v in ans.direct if tests_drug(v, query.drugs[0].members or [first])]
    ans.no_h2h = True
    ans.notes.append(f"No head-to-head study of {first} against {second} was found; the verdict is "
                     f"about {first} against placebo or other comparators.")
    if others:
        # side by side, not compared: the second drug's own evidence for the same condition
        g2 = grade(others)
        ans.separate.append(Sentence(
            text=f"Separately, for {second} against placebo or other comparators: “{g2.verdict}” "
                 f"({g2.certainty} certainty; {fmt_counts(Counter(v.design for v in others))}); two "
                 "separate verdicts do not show which drug works better.",
            citations=cite(v.id for v in others), section="bottom-line",
            claims=Claims(designs=dict(Counter(v.design for v in others)))))


def _overall_grade(query: Query, ev: Evidence, included: list[StudyView], ans: _Answering,
                   no_results: list[str]) -> tuple[Grade, list[str]]:
    """The grade of the answering studies (direct first, else indirect), and a note when it needs one."""
    direct, indirect = ans.direct, ans.indirect
    broad = bool(query.condition and len(ev.condition_ids) > 3 and len({v.condition_id for v in direct}) > 1)
    if query.condition is None:
        return (Grade("insufficient evidence", "very low", [("no condition named in the question", [])], 0, 0, 0),
                ["Name a condition (e.g. 'for low back pain') to get a verdict; "
                 "the matrix shows the evidence across conditions."])
    if direct and ans.only_head_to_head:
        g = grade(direct, trials_without_results=no_results, broad=broad)
        return Grade("insufficient evidence", g.certainty,
                     [("indirectness: only head-to-head comparisons with other active drugs, no placebo-controlled "
                       "study", cite(v.id for v in direct)), *g.reasons], g.better, g.against, g.weight), []
    if direct:
        return grade(direct, trials_without_results=no_results, broad=broad), []
    if indirect:
        g = grade(indirect, indirect_reason="only experimental, animal or healthy-volunteer studies",
                  trials_without_results=no_results)
        return Grade("insufficient evidence", g.certainty, g.reasons, g.better, g.against, g.weight), []
    if included:
        return Grade("insufficient evidence", "very low", [(
            "no study tested the drug itself for this condition (the studies found used it as background therapy "
            "or as a comparator)", [])], 0, 0, 0), []
    return Grade("insufficient evidence", "very low", [("no studies found", [])], 0, 0, 0), []


def _subject(query: Query, ans: _Answering) -> str:
    """What the verdict is about: "a + b", "a versus b", or the drugs alone when no study tested them together."""
    subject = (" versus " if query.relation == "comparison" else " + ").join(m.name for m in query.drugs) or "the drug"
    if query.relation == "combination" and ans.alone:
        subject = and_list([m.name for m in query.drugs]) + " (each alone: no study of them together)"
    if ans.no_h2h:
        subject = f"{query.drugs[0].name} (no head-to-head study against {query.drugs[1].name})"
    if ans.add_on_only:
        subject = f"{subject} as an add-on to {and_list(ans.add_on_only)} (the only trials found)"
    return subject


def _verdict_sentences(subject: str, cname: str | None, g: Grade, used: list[StudyView],
                       ans: _Answering) -> list[Sentence]:
    """The bottom-line sentence, then what was set apart, each condition's own verdict and the reasons."""
    sentences = [Sentence(
        text=f"Bottom line: for {subject} in {cname or 'the conditions studied'}, the verdict is "
             f"“{g.verdict}” with {g.certainty} certainty, from {len(used)} "
             f"{'study' if len(used) == 1 else 'studies'} ({fmt_counts(Counter(v.design for v in used))}).",
        citations=cite(v.id for v in used), section="bottom-line",
        claims=Claims(designs=dict(Counter(v.design for v in used))))]
    sentences.extend(ans.separate)
    if ans.aside:
        sentences.append(Sentence(
            text=f"{len(ans.aside)} automatically appraised {'study is' if len(ans.aside) == 1 else 'studies are'} "
                 "listed but not counted in the verdict: curated evidence of the same or a stronger design "
                 "covers the drug.",
            citations=cite(v.id for v in ans.aside), section="bottom-line"))
    by_cond: dict[str, list[StudyView]] = defaultdict(list)
    for v in used:
        by_cond[v.condition_id or "unspecified"].append(v)
    if len(by_cond) > 1:
        for cid, group in sorted(by_cond.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            sub = grade(group)
            sentences.append(Sentence(
                text=f"For {group[0].condition_name or cid} alone: “{sub.verdict}” ({sub.certainty} certainty; "
                     f"{fmt_counts(Counter(v.design for v in group))}).",
                citations=cite(v.id for v in group), section="bottom-line",
                claims=Claims(designs=dict(Counter(v.design for v in group)))))
    for reason, ids in g.reasons:
        if ids:
            sentences.append(Sentence(text=f"Rated down for {reason}.", citations=cite(ids), section="bottom-line"))
    if ans.indirect and ans.direct:
        sentences.append(Sentence(
            text=f"{len(ans.indirect)} experimental or animal "
                 f"{'study is' if len(ans.indirect) == 1 else 'studies are'} shown apart and not counted in the verdict.",
            citations=cite(v.id for v in ans.indirect), section="bottom-line"))
    return sentences


def question_notes(query: Query) -> list[str]:
    """Notes on what the brief does not answer: doses, and safety (the verdict grades benefit)."""
    notes: list[str] = []
    if DOSE_QUESTION.search(query.text):
        notes.append("This question is about a dose: rxevidence never suggests or judges doses. The product "
                     "label states the approved doses; a pharmacist or doctor can say what is right for you.")
    if query.intent == "safety" or query.population:
        notes.append(
            "This question asks about safety" + (f" ({', '.join(query.population)})" if query.population else "")
            + ": the verdict grades benefit, not safety; see the harms section and the label, and ask a "
              "pharmacist.")
    return notes
