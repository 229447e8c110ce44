"""Synthesis: from a Query and its Evidence to a graded, cited Brief.

Every sentence is built from templates filled with facts from appraisals, the starter pack and
labels, and carries the ids of the records behind it plus machine-checkable ``claims`` that
:mod:`rxevidence.validate` compares with the cited appraisals.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..domain import design_name, is_review
from ..labelfacts.brief import drug_panel
from ..models import Brief, Claims, CombinationRow, DrugPanel, Harm, Query, Sentence
from ..models.evidence import Evidence, Facts
from .bottom_line import DOSE_QUESTION, completed_without_results, nothing_found
from .grading import AGAINST, FAVOURS, FIRM_LEVEL, MIN_WEIGHT, Grade, grade, verdict_word
from .matrix import build_matrix, summarise_study
from .regulatory import regulatory_rows
from .select import (
    MAX_STUDIES_LISTED,
    comparison_view,
    condition_name,
    curated_precedence,
    select_studies,
    vocab_call,
)
from .study import (
    PLACEBO,
    StudyView,
    comparator_kind,
    efficacy_outcomes_only_harms,
    is_combination,
    is_direct,
    tests_all,
    tests_drug,
)
from .wording import (
    acronyms,
    and_list,
    cite,
    clip,
    fmt_counts,
    fmt_directions,
    strip_end,
    study_label,
    with_article,
)

__all__ = [
    "AGAINST",
    "DOSE_QUESTION",
    "FAVOURS",
    "FIRM_LEVEL",
    "Grade",
    "MAX_STUDIES_LISTED",
    "MIN_WEIGHT",
    "PLACEBO",
    "StudyView",
    "acronyms",
    "and_list",
    "build_matrix",
    "cite",
    "clip",
    "comparator_kind",
    "comparison_view",
    "completed_without_results",
    "condition_name",
    "curated_precedence",
    "efficacy_outcomes_only_harms",
    "fmt_counts",
    "fmt_directions",
    "grade",
    "is_combination",
    "is_direct",
    "nothing_found",
    "regulatory_rows",
    "select_studies",
    "strip_end",
    "study_label",
    "summarise_study",
    "synthesize",
    "tests_all",
    "tests_drug",
    "verdict_word",
    "vocab_call",
    "with_article",
]


def synthesize(query: Query, ev: Evidence, *, facts: Facts) -> Brief:
    """Build the Brief for ``query`` from ``ev`` and ``facts``: the vocabulary, the starter pack and the
    label-facts index (which fills the drug panel and the US FDA row of drugs the pack does not cover).
    Pure: loads nothing, no store access, deterministic."""
    pack, vocab, label_facts = facts.pack, facts.vocab, facts.label_facts
    brief = Brief(query=query)
    sentences: list[Sentence] = []
    drugs = ev.drug_names
    cond = query.condition
    cname = cond.name if cond else None

    # ---- drug panel
    for m in query.drugs:
        members = m.members if m.is_class and m.members else [m.name]
        if m.is_class:
            panel = DrugPanel(name=m.name, classes=[m.name], indications=[], sources=[])
            in_pack = [x for x in members if pack.drug(x)]
            src = [pack.drug(x).fda.verified_url for x in in_pack if pack.drug(x).fda]  # type: ignore[union-attr]
            panel.indications = [f"members: {', '.join(members[:25])}" + (" …" if len(members) > 25 else "")]
            brief.drugs.append(panel)
            if src:
                sentences.append(Sentence(
                    text=f"The question names a class ({m.name}); this brief covers its members "
                         f"{', '.join(members[:12])}{' and others' if len(members) > 12 else ''}.",
                    citations=cite(src[:3]), section="drug"))
            continue
        d = pack.drug(m.name)
        if d is not None:
            panel = DrugPanel(
                name=d.name,
                classes=list(d.classes),
                indications=list(d.fda.indications) if d.fda else [],
                mechanism=d.mechanism,
                sources=cite([d.fda.verified_url if d.fda else None, d.mechanism_source]),
            )
            brief.drugs.append(panel)
            if d.fda:
                sentences.append(Sentence(
                    text=f"{d.name.capitalize()} is {with_article(acronyms(and_list(list(d.classes))))}.",
                    citations=cite([d.fda.verified_url]), section="drug"))
                if d.fda.approved and d.fda.indications:
                    prod = f" ({d.fda.product})" if d.fda.product else ""
                    sentences.append(Sentence(
                        text=f"Its US label{prod} covers: " + "; ".join(strip_end(x) for x in d.fda.indications) + ".",
                        citations=cite([d.fda.verified_url]), section="drug"))
                elif not d.fda.approved:
                    sentences.append(Sentence(text=f"{d.name.capitalize()} is not approved in the United States.",
                                              citations=cite([d.fda.verified_url]), section="drug"))
            if d.mechanism and d.mechanism_source:
                sentences.append(Sentence(text=f"Mechanism: {d.mechanism}", citations=[d.mechanism_source],
                                          section="drug"))
        else:
            panel = DrugPanel(name=m.name, classes=list(m.classes))
            labels = [r for r in ev.labels if m.name in " ".join(map(str, r.extra.get("ingredients", []))).lower()
                      or m.name in (r.title or "").lower()]
            if labels:
                lab = labels[0]
                ind = lab.section("34067-9", "indications and usage", "indications & usage")
                mech = lab.section("43679-0", "mechanism of action")
                if ind:
                    panel.indications = [clip(ind, 400)]
                    sentences.append(Sentence(text=f"The US label ({lab.title or lab.id}) states its indications as: "
                                                   f"“{clip(ind, 300)}”", citations=[lab.id], section="drug"))
                if mech:
                    panel.mechanism = clip(mech, 300)
                panel.sources = [lab.id]
            else:
                indexed, said = drug_panel(m.name, label_facts)
                if indexed is not None:
                    panel = indexed
                    sentences.extend(said)
            brief.drugs.append(panel)

    # ---- regulatory
    brief.regulatory = regulatory_rows(query, ev, pack, vocab, sentences, label_facts)

    # ---- studies
    included, excluded = select_studies(ev, vocab)
    brief.studies = [summarise_study(v) for v in included[:MAX_STUDIES_LISTED]]
    brief.excluded = [summarise_study(v) for v in excluded]
    for v in excluded:
        sentences.append(Sentence(text=f"{study_label(v)} ({v.id}) is retracted and was left out of the synthesis.",
                                  citations=[v.id], section="evidence", claims=Claims(retracted=True)))

    # ---- matrix
    brief.matrix = build_matrix(included)
    for row in brief.matrix:
        text = (f"{row.condition.capitalize()} — {row.outcome}: {fmt_counts(row.designs)}"
                + (f" (about {row.total_n:,} participants in primary studies)" if row.total_n else "")
                + f"; {fmt_directions(row.directions)}"
                + (f" [{row.note}]" if row.note else "") + f". Certainty: {row.certainty}.")
        sentences.append(Sentence(text=text, citations=row.study_ids, section="evidence",
                                  claims=Claims(designs=row.designs, n_total=row.total_n)))

    # key studies, one sentence each (best evidence first)
    for v in included[:12]:
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
        dir_txt = {"better": "favoured the drug", "worse": "favoured the comparator",
                   "no difference": "found no difference", "mixed": "had mixed results",
                   "unclear": "reported no clear direction"}[a.direction]
        comp = f" vs {a.comparator}" if a.comparator else ""
        # a regimen of several drugs reads "A + B"; a review covering several drugs "A, B and C"
        tested = " + ".join(a.drugs) if is_combination(v) else and_list(a.drugs)
        text = f"{study_label(v)} ({', '.join(bits)}; {tested or 'drug'}{comp}) {dir_txt}"
        text += f": {finding}" if finding else "."
        if not text.endswith((".", "”")):
            text += "."
        claims = Claims(direction=a.direction, design=a.design, n=a.n)
        sentences.append(Sentence(text=text, citations=[v.id, *v.related_ids], section="evidence", claims=claims))

    # ---- combinations
    combos = [v for v in included if is_combination(v) and set(v.appraisal.drugs) & set(drugs)]
    if query.relation == "combination" or combos:
        for v in combos:
            a = v.appraisal
            combo_row = CombinationRow(combination=sorted(a.drugs), comparators=[a.comparator] if a.comparator else [],
                                       condition=v.condition_name, direction=a.direction, study_ids=[v.id],
                                       finding=a.finding)
            brief.combinations.append(combo_row)
            sentences.append(Sentence(
                text=f"Combination {' + '.join(sorted(a.drugs))}"
                     + (f" vs {a.comparator}" if a.comparator else "")
                     + (f" in {v.condition_name}" if v.condition_name else "")
                     + f" ({study_label(v)}, {design_name(a.design)}"
                     + (f", {a.n} participants" if a.n else "") + f"): {a.direction}."
                     + (f" {a.finding}" if a.finding and a.appraiser == "curated" else ""),
                citations=[v.id], section="combination",
                claims=Claims(direction=a.direction, design=a.design, n=a.n)))
        if query.relation == "combination" and not any(tests_all(v, query) for v in combos):
            named = " + ".join(m.name for m in query.drugs)
            brief.notes.append(f"No study of {named} together was found; the verdict and the evidence below are for "
                               "the drugs alone" + (" (other combinations are listed apart)." if combos else "."))

    # ---- harms
    for name in drugs:
        d = pack.drug(name)
        if d and d.fda and d.fda.boxed_warning:
            brief.harms.append(Harm(drug=name, kind="boxed warning", text=d.fda.boxed_warning,
                                    source=d.fda.verified_url, date=d.fda.label_date))
            sentences.append(Sentence(text=f"Boxed warning ({name}): {d.fda.boxed_warning}",
                                      citations=[d.fda.verified_url], section="harms"))
    for lab in ev.labels:
        if any(h.drug in " ".join(map(str, lab.extra.get("ingredients", []))).lower() for h in brief.harms):
            continue
        bw = lab.section("34066-1", "boxed warning")
        if bw:
            drug = next((n for n in drugs if n in (lab.title or "").lower()
                         or n in " ".join(map(str, lab.extra.get("ingredients", []))).lower()), drugs[0])
            brief.harms.append(Harm(drug=drug, kind="boxed warning", text=clip(bw, 500), source=lab.id,
                                    date=lab.date))
            sentences.append(Sentence(text=f"Boxed warning on the {lab.title or 'label'}: “{clip(bw, 300)}”",
                                      citations=[lab.id], section="harms"))

    # ---- bottom line
    direct = [v for v in included if is_direct(v) and tests_drug(v, drugs) and not efficacy_outcomes_only_harms(v)]
    indirect = [v for v in included if not is_direct(v)]
    head_to_head = [v for v in direct if comparator_kind(v) == "active" and not is_combination(v)]
    only_head_to_head = False
    alone = False
    no_h2h = False
    separate: list[Sentence] = []  # the second drug's own verdict in a comparison without a head-to-head study
    if query.relation == "comparison" and len(query.drugs) >= 2:
        h2h = comparison_view(direct, query)
        first, second = query.drugs[0].name, query.drugs[1].name
        if h2h:
            direct = h2h
            brief.notes.append(f"A comparison: the verdict reads from {first}'s side against {second} "
                               f"(“effective” = {first} did better; “ineffective” = no better or worse).")
        else:
            others = [v for v in direct if tests_drug(v, query.drugs[1].members or [second])
                      and not tests_drug(v, query.drugs[0].members or [first])]
            direct = [v for v in direct if tests_drug(v, query.drugs[0].members or [first])]
            no_h2h = True
            brief.notes.append(f"No head-to-head study of {first} against {second} was found; the verdict is "
                               f"about {first} against placebo or other comparators.")
            if others:
                # side by side, not compared: the second drug's own evidence for the same condition
                g2 = grade(others)
                separate.append(Sentence(
                    text=f"Separately, for {second} against placebo or other comparators: “{g2.verdict}” "
                         f"({g2.certainty} certainty; {fmt_counts(Counter(v.design for v in others))}); two "
                         "separate verdicts do not show which drug works better.",
                    citations=cite(v.id for v in others), section="bottom-line",
                    claims=Claims(designs=dict(Counter(v.design for v in others)))))
    elif head_to_head and len(head_to_head) == len(direct):
        # only comparisons with other active drugs: "no difference" there means "as good as", not "no effect"
        only_head_to_head = True
        sentences.append(Sentence(
            text=f"The only {'study' if len(head_to_head) == 1 else 'studies'} found compared the drug with another "
                 "active drug; they say how it compares, not whether it works better than placebo, so no efficacy "
                 "verdict is drawn from them.",
            citations=cite(v.id for v in head_to_head), section="bottom-line"))
    elif head_to_head and len(head_to_head) < len(direct):
        # an efficacy question is answered by placebo-controlled evidence; head-to-head results say how the
        # drug compares with another active drug, not whether it works
        direct = [v for v in direct if v not in head_to_head]
        sentences.append(Sentence(
            text=f"{len(head_to_head)} head-to-head {'study' if len(head_to_head) == 1 else 'studies'} against "
                 "another active drug are listed but not counted in the efficacy verdict.",
            citations=cite(v.id for v in head_to_head), section="bottom-line"))
    no_results = [t.id for t in ev.trials if completed_without_results(t)]
    if query.relation == "combination":
        combo_direct = [v for v in direct if tests_all(v, query)]
        alone = not combo_direct
        direct = combo_direct or direct
    # curated appraisals win: automatic studies of a curated drug count only with a stronger design
    direct, aside = curated_precedence(direct, drugs)
    indirect, aside_indirect = curated_precedence(indirect, drugs)
    aside += aside_indirect
    broad = bool(cond and len(ev.condition_ids) > 3 and len({v.condition_id for v in direct}) > 1)
    if cond is None:
        g = Grade("insufficient evidence", "very low", [("no condition named in the question", [])], 0, 0, 0)
        brief.notes.append("Name a condition (e.g. 'for low back pain') to get a verdict; "
                           "the matrix shows the evidence across conditions.")
    elif direct and only_head_to_head:
        g = grade(direct, trials_without_results=no_results, broad=broad)
        g = Grade("insufficient evidence", g.certainty,
                  [("indirectness: only head-to-head comparisons with other active drugs, no placebo-controlled "
                    "study", cite(v.id for v in direct)), *g.reasons], g.better, g.against, g.weight)
    elif direct:
        g = grade(direct, trials_without_results=no_results, broad=broad)
    elif indirect:
        g = grade(indirect, indirect_reason="only experimental, animal or healthy-volunteer studies",
                  trials_without_results=no_results)
        g = Grade("insufficient evidence", g.certainty, g.reasons, g.better, g.against, g.weight)
    elif included:
        g = Grade("insufficient evidence", "very low", [(
            "no study tested the drug itself for this condition (the studies found used it as background therapy "
            "or as a comparator)", [])], 0, 0, 0)
    else:
        g = Grade("insufficient evidence", "very low", [("no studies found", [])], 0, 0, 0)
    brief.verdict = g.verdict  # type: ignore[assignment]
    brief.certainty = g.certainty  # type: ignore[assignment]
    brief.reasons = [r for r, _ in g.reasons]
    used = direct if direct else indirect
    subject = (" versus " if query.relation == "comparison" else " + ").join(m.name for m in query.drugs) or "the drug"
    if query.relation == "combination" and alone:
        subject = and_list([m.name for m in query.drugs]) + " (each alone: no study of them together)"
    if no_h2h:
        subject = f"{query.drugs[0].name} (no head-to-head study against {query.drugs[1].name})"
    if used:
        sentences.append(Sentence(
            text=f"Bottom line: for {subject} in {cname or 'the conditions studied'}, the verdict is "
                 f"“{g.verdict}” with {g.certainty} certainty, from {len(used)} "
                 f"{'study' if len(used) == 1 else 'studies'} ({fmt_counts(Counter(v.design for v in used))}).",
            citations=cite(v.id for v in used), section="bottom-line",
            claims=Claims(designs=dict(Counter(v.design for v in used)))))
        sentences.extend(separate)
        if aside:
            sentences.append(Sentence(
                text=f"{len(aside)} automatically appraised {'study is' if len(aside) == 1 else 'studies are'} "
                     "listed but not counted in the verdict: curated evidence of the same or a stronger design "
                     "covers the drug.",
                citations=cite(v.id for v in aside), section="bottom-line"))
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
                sentences.append(Sentence(text=f"Rated down for {reason}.", citations=cite(ids),
                                          section="bottom-line"))
        if indirect and direct:
            sentences.append(Sentence(
                text=f"{len(indirect)} experimental or animal "
                     f"{'study is' if len(indirect) == 1 else 'studies are'} shown apart and not counted in the verdict.",
                citations=cite(v.id for v in indirect), section="bottom-line"))
    else:
        brief.notes.append(nothing_found(query))
        sentences.append(Sentence(text=f"No evidence found in this store for {subject}"
                                       + (f" and {cname}" if cname else "") + ".",
                                  citations=[], section="bottom-line", claims=Claims(absence=True)))
    if DOSE_QUESTION.search(query.text):
        brief.notes.append("This question is about a dose: rxevidence never suggests or judges doses. The product "
                           "label states the approved doses; a pharmacist or doctor can say what is right for you.")
    if query.intent == "safety" or query.population:
        brief.notes.append(
            "This question asks about safety" + (f" ({', '.join(query.population)})" if query.population else "")
            + ": the verdict grades benefit, not safety; see the harms section and the label, and ask a "
              "pharmacist.")
    brief.sentences = sentences
    brief.notes.extend(ev.notes)
    return brief
