"""Effect claims: does the drug work (or not) for the condition, as the claim says?

Three readings, by how the claim is phrased:

- a body of evidence ("X relieves Y", "studies show X helps"): the strongest studies of X itself against
  placebo or no treatment (or added to a background both arms get) decide; an overstatement of small or
  low-certainty benefit is "partly supported"; a hedged claim ("may help") is not contradicted by weak null data;
- one study's reported result ("a trial found no difference"): supported when a study of that drug and
  condition found that result (an article that correctly reports a null trial is supported by it); a study
  identified by its N that found otherwise contradicts it; no such study found is "unverifiable";
- the state of the evidence ("the evidence is mixed", "no studies have investigated X"): checked against
  how much evidence there is and how consistent it is.

Experimental-pain claims about one side of pain perception are read from typed outcomes (the sensory or
affective aspect of each outcome's pain dimension).
"""

from __future__ import annotations

import re

from ...domain import AuditVerdict, is_review
from ...models import Brief
from ...models.audit import Claim, ClaimEvidence
from ..briefs import Facts
from ..meaning import ABSOLUTE
from .evidence import Summary, Tested, aspect_results, cite, labels, summarise, tested

Verdict = tuple[AuditVerdict, str, list[Tested]]  # (verdict, reason, evidence)


def _asserts_benefit(claim: Claim) -> bool:
    return claim.polarity == "positive"


def _counts(claim: Claim) -> list[int]:
    out = []
    for n in claim.numbers:
        m = re.match(r"(\d[\d,]*)\s+(?:[a-z-]+\s+){0,3}?(patients|participants|people|subjects|women|men|children|"
                     r"adults|individuals|volunteers)", n, re.I) or re.match(r"[nN]\s*=\s*(\d[\d,]*)", n)
        if m:
            out.append(int(m.group(1).replace(",", "")))
    return out


def _described(claim: Claim, items: list[Tested]) -> list[Tested]:
    """Studies fitting how the claim describes the study: its size ("large", "small") or design."""
    t = claim.text.lower()
    out = items
    hit = False
    if re.search(r"\b(large|largest|big|major)\b", t):
        out, hit = [x for x in out if (x.study.n or 0) >= 100], True
    elif re.search(r"\b(small|smallest|pilot)\b", t):
        out, hit = [x for x in out if x.study.n and x.study.n < 100], True
    if re.search(r"\b(meta-analys[ie]s|systematic review|cochrane)\b", t):
        out, hit = [x for x in out if is_review(x.study.design)], True
    return out if hit else []


def _reported(claim: Claim, drug: str, items: list[Tested]) -> Verdict:
    """"A study found ...": existential, unless the study is identified by its size."""
    want = {"better"} if _asserts_benefit(claim) else {"no difference", "worse"}
    sizes = _counts(claim)
    if sizes:
        same = [t for t in items if t.study.n and any(abs(t.study.n - n) <= max(2, 0.03 * n) for n in sizes)]
        if same:
            ok = [t for t in same if t.direction in want]
            if ok:
                return "supported", f"The study described ({labels(ok, 1)}) found this.", ok
            return "contradicted", f"The study of that size ({labels(same, 1)}) found otherwise.", same
    described = _described(claim, items)
    if described:  # "a large trial", "a meta-analysis": the studies fitting that description
        ok = [t for t in described if t.direction in want]
        if ok:
            return "supported", f"A study of {drug} fitting that description found this: {labels(ok, 2)}.", ok
        return ("contradicted", f"The studies of {drug} that fit the description found otherwise: "
                f"{labels(described, 2)}.", described)
    ok = [t for t in items if t.direction in want]
    if ok:
        return "supported", f"A study of {drug} found this: {labels(ok, 2)}.", ok
    if items:
        return ("unverifiable", f"The study described was not found; the studies of {drug} found here found "
                f"otherwise ({labels(items, 2)}), which does not show that no such study exists.", items)
    return "unverifiable", f"No study of {drug} in this condition was found.", []


def _body(claim: Claim, drug: str, s: Summary, brief: Brief | None) -> Verdict:
    """A claim about what a drug does, against the strongest direct studies."""
    where = f" in {claim.condition}" if claim.condition else ""
    if s.result == "none":
        return "unverifiable", f"No study of {drug}{where} against placebo or no treatment was found.", []
    certainty = brief.certainty if brief is not None else "very low"
    found = labels(s.top)
    if s.result == "mixed":
        return ("supported" if claim.hedge else "partly supported",
                f"The strongest studies disagree: {found}.", s.top)
    if _asserts_benefit(claim):
        if s.result == "benefit":
            if claim.strength and ABSOLUTE.fullmatch(claim.strength):
                return ("partly supported", f"Studies found a benefit ({found}), but no study shows “{claim.strength}”: "
                        f"the claim overstates it ({certainty} certainty).", s.top)
            if claim.strength and (s.small or (certainty in ("low", "very low") and not s.strong)):
                return ("partly supported", f"Studies found a benefit, but {'a small one' if s.small else certainty + ' certainty'}"
                        f" ({found}); “{claim.strength}” overstates it.", s.top)
            return "supported", f"The strongest direct studies found a benefit: {found}.", s.top
        if claim.hedge and not s.strong:
            return "partly supported", f"The few studies found no clear benefit: {found}.", s.top
        return "contradicted", f"The strongest direct studies found no benefit: {found}.", s.top
    if s.result == "no benefit":
        return "supported", f"The strongest direct studies found no benefit: {found}.", s.top
    if s.strong:
        return "contradicted", f"The strongest direct studies found a benefit: {found}.", s.top
    return "partly supported", f"Small studies found a benefit ({found}), with {certainty} certainty.", s.top


def _evidence_state(claim: Claim, drug: str, items: list[Tested], s: Summary, brief: Brief | None) -> Verdict:
    """A claim about the evidence itself ("limited evidence", "the evidence is mixed", "no studies")."""
    q = claim.evidence_quality
    any_study = items or [Tested(x, x.direction) for x in (brief.studies if brief else []) if drug in x.drugs]
    if q == "none":
        if any_study:
            return "contradicted", f"Studies of {drug} in this condition exist: {labels(any_study, 2)}.", any_study
        return "unverifiable", f"No study of {drug} was found here, which does not show that none exists.", []
    if not items:
        return "unverifiable", f"No study of {drug} in this condition was found to judge the evidence.", []
    if q == "small":  # "the studies have been small, not randomized": against the designs and sizes found
        strong = [t for t in items if is_review(t.study.design) or (t.study.design == "rct" and (t.study.n or 0) >= 100)]
        if strong:
            return ("contradicted", f"Randomised trials or reviews of them exist for {drug}: {labels(strong, 3)}.",
                    strong)
        return "supported", f"The studies of {drug} found are small or not randomised: {labels(items, 3)}.", items
    certainty = brief.certainty if brief is not None else "very low"
    if q in ("weak", "mixed"):
        if s.result in ("mixed", "no benefit") or certainty in ("low", "very low"):
            return ("supported", f"The evidence is {s.result if s.result != 'benefit' else 'limited'} "
                    f"({certainty} certainty): {labels(s.top)}.", s.top)
        return "contradicted", f"Consistent evidence of {certainty} certainty: {labels(s.top)}.", s.top
    if s.result == "benefit" and certainty in ("high", "moderate"):
        return "supported", f"Consistent evidence of {certainty} certainty: {labels(s.top)}.", s.top
    return "partly supported", f"The evidence is {certainty} certainty: {labels(s.top)}.", s.top


def _aspects(claim: Claim, drug: str, brief: Brief | None) -> Verdict | None:
    """Experimental pain: the affective vs the sensory side of pain, from the outcomes' pain dimensions."""
    res = aspect_results(brief, drug)
    if not (res["affective"] or res["sensory"]):
        return None
    aff, sen = "better" in res["affective"], "better" in res["sensory"]
    pos = _asserts_benefit(claim)
    if claim.dimension == "affective":
        ok = aff == pos if res["affective"] else None
    elif claim.dimension == "sensory":
        ok = sen == pos if res["sensory"] else None
    else:  # "changes the emotional side but not the sensory side"
        ok = aff and not sen
    if ok is None:
        return None
    items = [Tested(s, s.direction) for s in (brief.studies if brief else []) if drug in s.drugs and (
        s.healthy_volunteers or s.condition_id == "experimental-pain")]
    reason = (f"In experimental pain studies {drug} {'changed' if aff else 'did not change'} the affective side of "
              f"pain (unpleasantness) and {'changed' if sen else 'did not change'} the sensory side (intensity, "
              f"threshold, tolerance).")
    return ("supported" if ok else "contradicted"), reason, items


def judge_one(claim: Claim, drug: str, brief: Brief | None) -> Verdict:
    experimental = claim.condition_id == "experimental-pain"
    if claim.dimension is not None and experimental:
        v = _aspects(claim, drug, brief)
        if v is not None:
            return v
    items = tested(brief, drug, experimental=experimental)
    s = summarise(items, brief)
    if claim.evidence_quality:
        return _evidence_state(claim, drug, items, s, brief)
    if claim.attribution == "study":
        return _reported(claim, drug, items)
    return _body(claim, drug, s, brief)


def combine(parts: list[tuple[str, Verdict]]) -> Verdict:
    """One verdict for a claim about several drugs ("A, B and C have not been shown to help")."""
    verdicts = {v for _, (v, _, _) in parts}
    evidence = [t for _, (_, _, items) in parts for t in items]
    if len(parts) == 1:
        return parts[0][1]
    reason = " ".join(f"{d}: {v} — {r}" for d, (v, r, _) in parts)
    if verdicts == {"unverifiable"}:
        return "unverifiable", reason, evidence
    if "contradicted" in verdicts and verdicts & {"supported", "partly supported"}:
        return "partly supported", reason, evidence
    for v in ("contradicted", "partly supported", "supported"):
        if v in verdicts:
            return v, reason, evidence
    return "unverifiable", reason, evidence


# a whole chapter of diseases ("Bacterial Infections and Mycoses", "Respiratory Tract Diseases"), not one condition
_CATEGORY = re.compile(r"\b(diseases|disorders|abnormalities|infections|mycoses|neoplasms|conditions|"
                       r"signs and symptoms|manifestations)\b|\band\b", re.I)


def _not_against(claim: Claim, drug: str, v: Verdict, wider: str | None) -> Verdict:
    """Studies read for a whole category of diseases may support a claim, never refute it: a null or mixed result
    in other diseases of the chapter says nothing about the claim's own condition (nor a benefit there against a
    claim that the drug fails here)."""
    verdict, reason, items = v
    if wider is None or not _CATEGORY.search(wider) or verdict not in ("contradicted", "partly supported") \
            or claim.evidence_quality:
        return v  # a close condition ("back muscle spasm" read as back pain) still tests the claim
    if verdict == "partly supported" and not reason.startswith("The strongest studies disagree"):
        return v  # an overstated benefit stays an overstatement
    where = claim.condition or "this condition"
    return ("unverifiable", f"No study of {drug} in {where} was found; the studies found are in {wider}, "
            f"which does not settle the claim ({reason[:1].lower() + reason[1:]})", [])


def judge_effect(claim: Claim, facts: Facts) -> None:
    parts = [(d, _not_against(claim, d, judge_one(claim, d, facts.per_drug.get(d)), facts.widened.get(d)))
             for d in claim.drugs]
    verdict, reason, items = combine(parts)
    claim.verdict, claim.reason = verdict, reason
    cite(claim, items)
    if not claim.evidence:
        for b in facts.per_drug.values():
            claim.evidence = [ClaimEvidence(id=s.id) for s in b.studies[:4]]
            break
    if facts.notes and verdict != "unverifiable":
        claim.reason += " (" + "; ".join(facts.notes) + ")"
