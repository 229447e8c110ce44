"""Judges for effect, comparison and combination claims: what the studies in the brief found."""

from __future__ import annotations

import re
from typing import Any

from ...domain import is_randomised, is_review
from ...models import Brief
from ...synthesize import _PLACEBO
from ..claims import _asserted_comparison
from ..report import Claim, ClaimEvidence

_POSITIVE_VERDICTS = {"effective": 2, "probably effective": 1}
_NEGATIVE_VERDICTS = {"ineffective": 2, "probably ineffective": 1}


def _direction_for(study: Any, drugs: list[str]) -> str | None:
    """The study's result for ``drugs`` as tested: an arm-level outcome ("ibuprofen alone") when the
    study tested a combination and the claim is about one of its parts; None when it cannot tell."""
    if len(drugs) == 1 and len(study.drugs) > 1:
        arm = [o for o in study.outcomes if re.search(rf"\b{re.escape(drugs[0])} alone\b", o.name, re.I)]
        if arm:
            return arm[0].direction
        others = set(study.drugs) - set(drugs)
        comparator = (study.comparator or "").lower()
        if others and all(o in comparator for o in others):
            return study.direction  # add-on design: X + Y vs Y tests X
        return None
    return study.direction


def _best_direct(brief: Brief, drugs: list[str]) -> list[Any]:
    """The two strongest direct studies of the drug(s) themselves (not pooled class reviews), each with
    its direction for those drugs."""
    rank = {"meta-analysis": 0, "systematic review": 1, "rct": 2}
    cands = []
    for s in brief.studies:
        if s.design not in rank or s.healthy_volunteers or s.humans is False or not set(drugs) & set(s.drugs):
            continue
        if len(s.drugs) > 2 and is_review(s.design):
            continue
        if len(s.drugs) == 1 and s.comparator and not _PLACEBO.search(s.comparator):
            continue  # head-to-head against another active drug: says how it compares, not whether it works
        d = _direction_for(s, drugs)
        if d is None or d == "unclear":
            continue
        cands.append(s.model_copy(update={"direction": d}))
    cands.sort(key=lambda s: (rank[s.design], -(s.n or 0), s.id))
    return cands[:2]


def _judge_effect(claim: Claim, brief: Brief) -> None:
    ids = [s.id for s in brief.studies if s.design not in ("animal",)][:8]
    claim.evidence = [ClaimEvidence(id=i) for i in ids]
    pos = claim.polarity == "positive"
    if claim.dimension in ("affective", "sensory", "both"):
        rows = [r for r in brief.matrix if r.condition_id == "experimental-pain"]
        aff = [r for r in rows if "unpleasantness" in r.outcome or "tolerance" in r.outcome]
        sen = [r for r in rows if "intensity" in r.outcome or "threshold" in r.outcome]
        if aff or sen:
            aff_better = any(r.directions.get("better") for r in aff)
            sen_better = any(r.directions.get("better") for r in sen)
            claim.evidence = [ClaimEvidence(id=i) for i in sorted({i for r in aff + sen for i in r.study_ids})]
            if claim.dimension == "affective":
                ok = aff_better == pos
            elif claim.dimension == "sensory":
                ok = sen_better == pos
            else:  # "changes the emotional side but not the sensory side" style sentences
                ok = aff_better and not sen_better
            measured = " ".join(r.outcome for r in rows)
            specific = re.search(r"tourniquet|tolerat|longer|heat", claim.text, re.I)
            claim.verdict = ("partly supported" if ok and specific and not re.search("tolerance", measured)
                             else "supported" if ok else "contradicted")
            claim.reason = (
                "In experimental pain in healthy volunteers the drug "
                f"{'changed' if aff_better else 'did not change'} the affective side of pain (unpleasantness) and "
                f"{'changed' if sen_better else 'did not change'} the sensory side (intensity)"
                + ("; the exact pain model named here was not among the studies found" if specific and ok and
                   claim.verdict == "partly supported" else "") + "."
            )
            return
    best = _best_direct(brief, claim.drugs)
    if best:
        dirs = {s.direction for s in best}
        labels = ", ".join(f"{s.id} ({s.design}, N={s.n or '?'}, {s.condition or ''}: {s.direction})" for s in best)
        if dirs <= {"no difference", "worse"}:
            claim.verdict = "contradicted" if pos else "supported"
            claim.reason = f"The strongest direct studies found no benefit: {labels}."
            claim.evidence = [ClaimEvidence(id=s.id, note=s.finding) for s in best] + [
                ClaimEvidence(id=i) for i in ids if i not in {s.id for s in best}][:6]
            return
        if dirs == {"better"} and (brief.verdict in _POSITIVE_VERDICTS or any(s.design != "rct" for s in best)
                                   or all((s.n or 0) >= 100 for s in best)):
            claim.verdict = "supported" if pos else "contradicted"
            claim.reason = f"The strongest direct studies found a benefit: {labels}."
            return
    auto = [st for st in brief.studies if st.appraiser == "automatic" and st.finding][:12]
    if auto and not any(st.appraiser == "curated" for st in brief.studies):
        if _judge_by_conclusions(claim, auto):
            return
    v = brief.verdict
    if v == "insufficient evidence" or not ids:
        claim.verdict = "unverifiable"
        claim.reason = f"No usable evidence in the store for {' + '.join(claim.drugs)}" + (
            f" in {claim.condition}." if claim.condition else ".")
        return
    if v in _POSITIVE_VERDICTS:
        claim.verdict = "supported" if pos else "contradicted"
    elif v in _NEGATIVE_VERDICTS:
        claim.verdict = "contradicted" if pos else "supported"
    else:
        claim.verdict = "partly supported"
    claim.reason = (f"The evidence for {' + '.join(claim.drugs)} in {claim.condition or 'this condition'} is rated "
                    f"'{v}' ({brief.certainty} certainty)"
                    + (f"; rated down for {brief.reasons[0]}" if brief.reasons else "") + ".")


def _judge_by_conclusions(claim: Claim, studies: list[Any]) -> bool:
    """Automatic evidence only: compare the claim with each study's conclusion sentence (claimcheck).

    Returns False (and leaves the claim alone) when the classifier is unavailable or undecided.
    """
    try:
        from ...claimcheck import classify_many
    except ImportError:
        return False
    try:
        labels = classify_many([(claim.text, st.finding) for st in studies])
    except Exception:  # noqa: BLE001 - missing weights must not break an audit
        return False
    sup = [st for st, (lab, p) in zip(studies, labels, strict=True) if lab == "supports" and p >= 0.5]
    ref = [st for st, (lab, p) in zip(studies, labels, strict=True) if lab == "refutes" and p >= 0.5]
    if not sup and not ref:
        return False
    if len(sup) >= 2 * max(1, len(ref)):
        claim.verdict = "supported"
    elif len(ref) >= 2 * max(1, len(sup)):
        claim.verdict = "contradicted"
    else:
        claim.verdict = "partly supported"
    claim.evidence = [ClaimEvidence(id=st.id, note=st.finding) for st in (sup + ref)[:8]]
    claim.reason = (f"Of {len(studies)} automatically appraised studies, {len(sup)} conclude in line with the claim "
                    f"and {len(ref)} against it (machine-read conclusions; check the records).")
    return True


def _judge_comparison(claim: Claim, brief: Brief) -> None:
    """"A is as effective as / better than / worse than B": head-to-head studies only, read from A's side."""
    a, b = claim.drugs[0], claim.drugs[1]
    flip = {"better": "worse", "worse": "better"}
    h2h: list[tuple[Any, str]] = []
    for st in brief.studies:
        tested, comp = set(st.drugs), (st.comparator or "").lower()
        if not is_randomised(st.design) or st.direction in ("unclear", "mixed"):
            continue
        if tested and tested <= {a} and re.search(rf"\b{re.escape(b)}\b", comp):
            h2h.append((st, st.direction))
        elif tested and tested <= {b} and re.search(rf"\b{re.escape(a)}\b", comp):
            h2h.append((st, flip.get(st.direction, st.direction)))
    if not h2h:
        claim.verdict = "unverifiable"
        claim.reason = f"No head-to-head study of {a} against {b} was found in the store."
        return
    asserted = _asserted_comparison(claim.text) or "better"
    if claim.polarity == "negative" and asserted == "better":
        asserted = "same-or-worse"
    found = [d for _, d in h2h]
    want = {"same": {"no difference"}, "better": {"better"}, "worse": {"worse"},
            "same-or-worse": {"no difference", "worse"}}[asserted]
    agree = sum(d in want for d in found)
    claim.verdict = ("supported" if agree == len(found) else "contradicted" if agree == 0 else "partly supported")
    claim.evidence = [ClaimEvidence(id=st.id, note=st.finding) for st, _ in h2h[:6]]
    words = {"better": f"{a} did better", "worse": f"{a} did worse", "no difference": "no difference"}
    claim.reason = (f"{len(h2h)} head-to-head {'study' if len(h2h) == 1 else 'studies'} of {a} against {b}: "
                    + ", ".join(f"{st.id} ({st.design}, {st.condition or ''}: {words.get(d, d)})" for st, d in h2h[:4])
                    + ".")


def _judge_combination(claim: Claim, brief: Brief) -> None:
    rows = [c for c in brief.combinations if set(claim.drugs) <= set(c.combination)]
    if not rows:
        claim.verdict = "unverifiable"
        claim.reason = f"No study of {' + '.join(claim.drugs)} together was found."
        return
    claim.evidence = [ClaimEvidence(id=i, note=r.finding) for r in rows for i in r.study_ids]
    pos = claim.polarity == "positive"
    beyond = bool(re.search(r"either|than (each|any)|alone|even more|more effective", claim.text, re.I))
    # arm-level outcomes: did one component alone do as well as the combination?
    studies = {s.id: s for s in brief.studies}
    solo_better: list[str] = []
    for r in rows:
        for sid in r.study_ids:
            st = studies.get(sid)
            if st is None:
                continue
            for d in claim.drugs:
                if re.search(rf"{re.escape(d)} alone", (st.finding or ""), re.I) and r.direction == "better":
                    solo_better.append(d)
    combo_better = any(r.direction == "better" for r in rows)
    if pos and beyond and solo_better:
        claim.verdict = "contradicted"
        claim.reason = (f"The combination helped, but {solo_better[0]} alone did as well; the trial did not show the "
                        "pair beating each drug alone.")
    elif combo_better:
        claim.verdict = "supported" if pos else "contradicted"
        claim.reason = "A study of the combination found it better than its comparator."
    else:
        claim.verdict = "contradicted" if pos else "supported"
        claim.reason = "Studies of the combination found no advantage over the comparator."
