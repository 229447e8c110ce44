"""Comparison and combination claims.

Comparisons ("A is as effective as B", "A is preferred over B", "5 mg is as effective as 10 mg") are read
from head-to-head studies only, from A's side; two verdicts for each drug alone never rank them. A claim
that one drug is "the most effective" of its class is read against head-to-head studies with any member.
A claim that the evidence for A is "better established" than for B compares how much evidence each has.

Combinations: "A + B is more effective than either alone" needs the combination to beat each part; an
add-on claim ("B adds little to A", "no benefit to adding B") reads studies of A + B against A; a
combination with an agent the vocabulary does not know (a vitamin, a supplement) is never judged from
single-drug evidence.
"""

from __future__ import annotations

import re

from ...domain import FLIPPED_DIRECTION, AuditVerdict, is_randomised
from ...models import Brief, StudySummary
from ...models.audit import Claim, ClaimEvidence
from ..briefs import Facts
from .evidence import direction_for, names_of, summarise, tested

_WANT = {"same": {"no difference"}, "better": {"better"}, "worse": {"worse"},
         "better-or-same": {"better", "no difference"}, "same-or-worse": {"no difference", "worse"}}


def _head_to_head(studies: list[StudySummary], a: str, b: str, names_a: set[str] | None = None,
                  names_b: set[str] | None = None) -> list[tuple[StudySummary, str]]:
    """Studies of A alone against B (or of B alone against A, read from A's side); a class stands for its
    members. An automatic appraisal may list the comparator among the drugs: it counts when the comparator
    names it and the first drug is the other side."""
    na, nb = names_a or {a}, names_b or {b}
    out: list[tuple[StudySummary, str]] = []
    for st in studies:
        tested_, comp = set(st.drugs), (st.comparator or "").lower()
        if not tested_ or not is_randomised(st.design) or st.direction in ("unclear", "mixed"):
            continue
        in_comp_a = any(re.search(rf"\b{re.escape(x)}\b", comp) for x in na)
        in_comp_b = any(re.search(rf"\b{re.escape(x)}\b", comp) for x in nb)
        first = st.drugs[0]
        if in_comp_b and (tested_ <= na or (first in na and tested_ <= na | nb and not in_comp_a)):
            out.append((st, st.direction))
        elif in_comp_a and (tested_ <= nb or (first in nb and tested_ <= na | nb and not in_comp_b)):
            out.append((st, FLIPPED_DIRECTION.get(st.direction, st.direction)))
    return out


def _in_scope(studies: list[StudySummary], facts: Facts, claim: Claim) -> list[StudySummary]:
    """Studies of the claim's condition (or a narrower one) when the claim names a condition."""
    if not claim.condition_id or claim.condition_id.startswith("mesh:"):
        return studies  # no curated hierarchy to place a MeSH-only condition's studies in
    wanted = {claim.condition_id}
    for b in facts.briefs():
        if b.query.condition is not None and b.query.condition.id == claim.condition_id:
            wanted |= set(b.query.condition.narrower)
    return [s for s in studies if s.condition_id is None or s.condition_id in wanted]


def _asserted(claim: Claim) -> str:
    rel = claim.relation or "better"
    if claim.polarity == "negative" and rel == "better":
        return "same-or-worse"
    return rel


def _doses(claim: Claim, facts: Facts) -> bool:
    """"5 mg is as effective as 10 mg": a study that compared those doses and said how they compared."""
    doses = re.findall(r"\b\d+(?:\.\d+)? ?mg\b", claim.text)
    if len(doses) < 2 or not claim.drugs:
        return False
    pat = [re.escape(d.replace(" ", "")).replace("mg", r"\s?mg") for d in doses[:2]]
    for sid, text in facts.texts.items():
        if all(re.search(p, text) for p in pat):
            same = re.search(r"as effective as|no (significant )?difference|similar", text, re.I)
            want_same = claim.relation in ("same", "better-or-same")
            claim.evidence = [ClaimEvidence(id=sid)]
            claim.verdict = "supported" if bool(same) == want_same else "partly supported"
            claim.reason = f"{sid} compared these doses of {claim.drugs[0]}" + (": similar effect." if same else ".")
            return True
    claim.verdict, claim.reason = "unverifiable", f"No study comparing these doses of {claim.drugs[0]} was found."
    return True


def _evidence_amount(claim: Claim, facts: Facts) -> None:
    a, b = claim.drugs[0], claim.drugs[1]
    ba, bb = facts.per_drug.get(a), facts.per_drug.get(b)
    na = len(tested(ba, a)) if ba else 0
    nb = len(tested(bb, b)) if bb else 0
    order = {"high": 4, "moderate": 3, "low": 2, "very low": 1}
    ca = order.get(ba.certainty, 0) if ba and na else 0
    cb = order.get(bb.certainty, 0) if bb and nb else 0
    if not (na or nb):
        claim.verdict, claim.reason = "unverifiable", f"No studies of {a} or {b} in this condition were found."
        return
    more = (na, ca) > (nb, cb)
    claim.verdict = "supported" if more == (claim.relation != "worse") else "contradicted"
    claim.reason = (f"{a}: {na} direct {'study' if na == 1 else 'studies'} ({ba.certainty if ba else 'n/a'} certainty); "
                    f"{b}: {nb} ({bb.certainty if bb else 'n/a'} certainty).")
    claim.evidence = [ClaimEvidence(id=s.id) for br in (ba, bb) if br for s in br.studies[:2]]


def _peers(claim: Claim, studies: list[StudySummary], a: str) -> list[str]:
    """The other side of "A is the most effective X" or "A vs other X": active comparators in A's studies."""
    out: list[str] = []
    for s in studies:
        if a not in s.drugs:
            continue
        for d in s.drugs:
            if d != a and d not in out and re.search(rf"\b{re.escape(d)}\b", s.comparator or "", re.I):
                out.append(d)
    return out


def _within_class(studies: list[StudySummary], names: set[str]) -> list[tuple[StudySummary, str]]:
    """"No member of the class is better than another": head-to-head studies between two members."""
    out: list[tuple[StudySummary, str]] = []
    for s in studies:
        if not s.drugs or s.drugs[0] not in names or not is_randomised(s.design) or s.direction in ("unclear", "mixed"):
            continue
        others = [d for d in names if d != s.drugs[0] and re.search(rf"\b{re.escape(d)}\b", s.comparator or "", re.I)]
        if others:
            out.append((s, s.direction))
    return out


def _against_words(claim: Claim, studies: list[StudySummary], names: set[str]) -> list[tuple[StudySummary, str]]:
    """Studies of A whose comparator matches the claim's comparator words ("non-opioid medications")."""
    words = [w for w in re.findall(r"[a-z]{4,}", (claim.comparator or "").lower()) if w not in ("than", "with")]
    out: list[tuple[StudySummary, str]] = []
    for s in studies:
        comp = (s.comparator or "").lower()
        if set(s.drugs) & names:
            if words and all(re.search(rf"\b{re.escape(w[:6])}", comp) for w in words[:2]):
                out.append((s, s.direction))
    return out


def judge_comparison(claim: Claim, facts: Facts) -> None:
    if len(claim.drugs) < 2:
        if _doses(claim, facts):
            return
        studies = _in_scope([s for b in facts.briefs() for s in b.studies], facts, claim)
        a = claim.drugs[0] if claim.drugs else ""
        names = set().union(*(names_of(b, a) for b in facts.briefs())) if a else set()
        h2h = _against_words(claim, studies, names) if claim.comparator else []
        if not h2h and a:
            h2h = [(st, d) for b in _peers(claim, studies, a) for st, d in _head_to_head(studies, a, b)]
        if not h2h and a in claim.classes:
            h2h = _within_class(studies, names)
        if h2h:
            _verdict(claim, a, [claim.comparator or "its peers"], h2h)
            return
        claim.verdict = "unverifiable"
        claim.reason = (f"No head-to-head study of {claim.drugs[0] if claim.drugs else 'the drug'} against "
                        f"{claim.comparator or 'that comparator'} was found.")
        return
    if claim.evidence_quality == "strong":
        _evidence_amount(claim, facts)
        return
    a = claim.drugs[0]
    others = [d for d in claim.drugs[1:] if d != a]
    studies = []
    for br in facts.briefs():
        studies += [s for s in br.studies if s.id not in {x.id for x in studies}]
    studies = _in_scope(studies, facts, claim)
    nm = {d: set().union(*(names_of(br, d) for br in facts.briefs())) for d in [a, *others]}
    h2h = [(st, d) for b in others for st, d in _head_to_head(studies, a, b, nm[a], nm[b])]
    if not h2h:
        claim.verdict = "unverifiable"
        claim.reason = f"No head-to-head study of {a} against {', '.join(others)} was found in the store."
        return
    _verdict(claim, a, others, h2h)


_HARM_OUTCOME = re.compile(r"adverse|tolerab|side[- ]effect|dry mouth|somnolen|drows|withdraw\w* (due|because)|"
                           r"dose reduction|cns", re.I)


def _tolerability(claim: Claim, h2h: list[tuple[StudySummary, str]]) -> bool:
    """"A is better tolerated than B" / "fewer side effects": the head-to-head studies' harm outcomes."""
    if not re.search(r"tolera|side[- ]effects?|adverse|dry mouth|cns (side )?effects", claim.text, re.I):
        return False
    a = claim.drugs[0]
    seen: list[tuple[StudySummary, str]] = []
    for st, _ in h2h:
        flip = a not in st.drugs[:1]
        for o in st.outcomes:
            if _HARM_OUTCOME.search(o.name) and o.direction in ("better", "worse", "no difference"):
                seen.append((st, FLIPPED_DIRECTION.get(o.direction, o.direction) if flip else o.direction))
                break
    if not seen:
        return False
    better = sum(d == "better" for _, d in seen)
    claim.verdict = "supported" if better and better >= len(seen) / 2 else ("partly supported" if better else
                                                                          "contradicted")
    claim.evidence = [ClaimEvidence(id=st.id, note=st.finding) for st, _ in seen[:5]]
    claim.reason = (f"Harm outcomes of head-to-head studies, from {a}'s side: "
                    + ", ".join(f"{st.id}: {d}" for st, d in seen[:5]) + ".")
    return True


def _verdict(claim: Claim, a: str, others: list[str], h2h: list[tuple[StudySummary, str]]) -> None:
    if _tolerability(claim, h2h):
        return
    want = _WANT[_asserted(claim)]
    agree = sum(d in want for _, d in h2h)
    if claim.hedge and agree:
        claim.verdict = "supported"
    else:
        claim.verdict = "supported" if agree == len(h2h) else "contradicted" if agree == 0 else "partly supported"
    words = {"better": f"{a} did better", "worse": f"{a} did worse", "no difference": "no difference"}
    claim.evidence = [ClaimEvidence(id=st.id, note=st.finding) for st, _ in h2h[:6]]
    claim.reason = (f"{len(h2h)} head-to-head {'study' if len(h2h) == 1 else 'studies'} of {a} against "
                    f"{', '.join(others)}: " + ", ".join(f"{st.id} ({st.design}, {words.get(d, d)})" for st, d in h2h[:4])
                    + ".")


# ------------------------------------------------------------------ combinations


def _arm(study: StudySummary, drug: str) -> str | None:
    return next((o.direction for o in study.outcomes if re.search(rf"\b{re.escape(drug)} alone\b", o.name, re.I)), None)


def _mentions(study: StudySummary, drug: str) -> bool:
    return drug in study.drugs or bool(re.search(rf"\b{re.escape(drug)}\b", study.comparator or "", re.I))


def _combo_studies(brief: Brief | None, drugs: list[str]) -> list[StudySummary]:
    """Studies that gave the drugs together (in one arm, or as the background of both arms)."""
    if brief is None:
        return []
    return [s for s in brief.studies if all(_mentions(s, d) for d in drugs) and s.direction != "unclear"]


def _vs_each(claim: Claim, studies: list[StudySummary]) -> tuple[AuditVerdict, str]:
    """"More effective than either alone": the combination must beat each part."""
    beats: dict[str, bool | None] = {}
    for d in claim.drugs:
        res = None
        for st in studies:
            solo = _arm(st, d)
            if solo is None:
                continue
            combo_dir = st.direction
            if solo in ("better",) and combo_dir == "better":
                res = False if res is None else res  # both helped: not shown better than this part alone
            elif solo in ("no difference", "worse") and combo_dir == "better":
                res = True
        beats[d] = res
    known = {d: v for d, v in beats.items() if v is not None}
    if not known:
        return "unverifiable", "The studies of the combination did not test each drug alone."
    yes = [d for d, v in known.items() if v]
    no = [d for d, v in known.items() if not v]
    if yes and no:
        return ("partly supported", f"The combination did better than {', '.join(yes)} alone, but {', '.join(no)} "
                f"alone helped as well (not shown better than {', '.join(no)} alone).")
    if yes:
        return "supported", f"The combination did better than each drug alone ({', '.join(yes)})."
    return "contradicted", f"Each of {', '.join(no)} alone helped as much; the combination was not shown better."


def _added(claim: Claim, studies: list[StudySummary]) -> tuple[AuditVerdict, str] | None:
    """Add-on claims: "B adds little to A", "no benefit to adding B", "A plus B against A alone"."""
    for st in studies:
        comp = (st.comparator or "").lower()
        added = claim.added if claim.added in claim.drugs else None
        base = [d for d in claim.drugs if d != added] if added else [
            d for d in claim.drugs if re.search(rf"\b{re.escape(d)}\b", comp)]
        if not base or not any(re.search(rf"\b{re.escape(b)}\b", comp) for b in base):
            continue
        extra = added or next((d for d in claim.drugs if d not in base), None)
        d = direction_for(st, extra) if extra else st.direction
        d = d or st.direction
        if d in ("unclear", "mixed"):
            continue
        want_benefit = claim.polarity == "positive"
        ok = (d == "better") == want_benefit
        what = f"adding {extra} to {', '.join(base)}" if extra else "the combination"
        return ("supported" if ok else "contradicted",
                f"{st.id} ({st.design}, N={st.n or '?'}): {what} {'helped' if d == 'better' else 'did not help'}.")
    return None


def judge_combination(claim: Claim, facts: Facts) -> None:
    if claim.unknown_agents:
        claim.verdict = "unverifiable"
        claim.reason = (f"The combination includes {', '.join(claim.unknown_agents)}, which is not in the vocabulary; "
                        "evidence for the other drugs alone does not settle a combination.")
        return
    studies = _combo_studies(facts.brief, claim.drugs)
    for b in facts.per_drug.values():
        studies += [s for s in _combo_studies(b, claim.drugs) if s.id not in {x.id for x in studies}]
    if not studies:
        claim.verdict = "unverifiable"
        claim.reason = f"No study of {' + '.join(claim.drugs)} together was found."
        return
    claim.evidence = [ClaimEvidence(id=s.id, note=s.finding) for s in studies[:4]]
    if claim.combination_vs == "each alone" and claim.polarity == "positive":
        claim.verdict, claim.reason = _vs_each(claim, studies)
        return
    if claim.polarity == "positive" and not claim.added and re.search(
            r"\b(more effective|even more|better|enhance\w*|boost\w*)\b", claim.text, re.I):
        first = claim.drugs[0]  # "X is even more effective combined with Y": better than X alone?
        v, r = _vs_each(claim.model_copy(update={"drugs": [first]}), studies)
        if v != "unverifiable":
            claim.verdict = "supported" if v == "supported" else "contradicted"
            claim.reason = r.replace("Each of", "").strip() if v != "supported" else r
            return
    added = _added(claim, studies)
    if added is not None:
        claim.verdict, claim.reason = added
        return
    s = summarise([t for t in [_as_tested(st) for st in studies] if t is not None])
    pos = claim.polarity == "positive"
    by_result: dict[str, AuditVerdict] = {"benefit": "supported" if pos else "contradicted",
                                          "no benefit": "contradicted" if pos else "supported"}
    claim.verdict = by_result.get(s.result, "partly supported")
    claim.reason = f"Studies of {' + '.join(claim.drugs)} together: " + ", ".join(
        f"{st.id} ({st.design}: {st.direction})" for st in studies[:3]) + "."


def _as_tested(st: StudySummary):  # noqa: ANN202 - local helper
    from .evidence import Tested

    return Tested(st, st.direction) if st.direction not in ("unclear",) else None
