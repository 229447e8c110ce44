"""Regulatory and description claims: the brief's regulatory rows (per use, per jurisdiction) and drug panel.

"Approved" is read against the label (on-label / off-label) of the jurisdiction named, US FDA when none is;
"recommended" against a guideline body's position (NICE/NHS), never against a label; a jurisdiction with
no position found makes the claim unverifiable, never contradicted. A claim naming several uses is judged
per use; one naming several drugs ("the FDA has approved A, B and C for X") per drug.
"""

from __future__ import annotations

import re

from ...domain import DEFAULT_JURISDICTION, JURISDICTIONS, NO_POSITION, AuditVerdict
from ...models import Brief, RegulatoryRow
from ...models.audit import Claim, ClaimEvidence
from ..briefs import Facts


def _rows(brief: Brief, jurisdiction: str) -> list[RegulatoryRow]:
    return [r for r in brief.regulatory if r.jurisdiction == jurisdiction]


def _approval(pos: bool, row: RegulatoryRow) -> AuditVerdict:
    on_detail = any(d.status == "on-label" for d in row.details)  # a narrower use is on the label
    if row.status == "on-label":
        return "supported" if pos else "contradicted"
    if row.status == "off-label":
        if on_detail:
            return "partly supported"
        return "contradicted" if pos else "supported"
    return "unverifiable"


def _recommendation(pos: bool, row: RegulatoryRow) -> AuditVerdict:
    """A guideline position on the use itself; positions on narrower conditions (sciatica under back pain)
    are reported but do not decide a claim about the broader use."""
    if row.status == "recommended":
        return "supported" if pos else "contradicted"
    if row.status == "not recommended":
        return "contradicted" if pos else "supported"
    return "unverifiable"


def _one(claim: Claim, drug: str, use: str, brief: Brief) -> tuple[AuditVerdict, str, list[ClaimEvidence]]:
    pos = claim.polarity == "positive"
    status = claim.claimed_status or "approved"
    j = claim.jurisdiction or (DEFAULT_JURISDICTION if status == "approved" else None)
    name = brief.query.condition.name if brief.query.condition else (use or "its uses")
    if j is None:  # "recommended" by an unnamed guideline: any guideline body the brief knows
        for jj in JURISDICTIONS:
            if not JURISDICTIONS[jj].label_based and any(r.status != NO_POSITION for r in _rows(brief, jj)):
                j = jj
                break
    if j is None:
        return "unverifiable", f"{drug}: no guideline position on {name} was found.", []
    if status == "recommended" and JURISDICTIONS.get(j) is not None and JURISDICTIONS[j].label_based:
        return "unverifiable", f"{j} approves uses on the label; it does not recommend treatments.", []
    rows = _rows(brief, j)
    if not use and not pos and re.search(r"\boff[- ]label\b", claim.text, re.I):
        return "unverifiable", f"{drug} prescribed off-label for uses the claim does not name.", []
    if not use and status == "approved":
        panel = next((p for p in brief.drugs if p.name == drug), None)
        if panel is not None and panel.indications:
            v: AuditVerdict = "supported" if pos else "contradicted"
            return v, f"{drug} has labelled uses: {'; '.join(panel.indications)[:160]}.", [
                ClaimEvidence(id=s) for s in panel.sources[:1]]
        return "unverifiable", f"No label facts for {drug} were found.", []
    if not rows or all(r.status == NO_POSITION and not r.details for r in rows):
        return "unverifiable", f"{j}: no position on {drug} for {name} was found.", []
    row = rows[0]
    named = _label_names_use(brief, drug, name) if status == "approved" and row.status == "off-label" else None
    if named is not None:  # the label's use is a kind of the claim's ("uncomplicated P. falciparum malaria")
        v2: AuditVerdict = "supported" if pos else "contradicted"
        return v2, f"{j}: the {drug} label's use “{named}” is {name}.", [ClaimEvidence(id=row.source, note=named)] \
            if row.source else []
    verdict = _approval(pos, row) if status == "approved" else _recommendation(pos, row)
    ev = [ClaimEvidence(id=x, note=n) for x, n in [(row.source, row.note)] + [(d.source, d.statement)
                                                                             for d in row.details] if x]
    notes = "; ".join(f"{d.condition_name or d.condition}: {d.status}" for d in row.details[:3])
    return verdict, f"{j}: {drug} {row.status} for {name}" + (f" ({notes})" if notes else ""), ev


def _label_names_use(brief: Brief, drug: str, name: str) -> str | None:
    """The drug's labelled use that names the claim's condition with its own qualifiers ("Uncomplicated
    Plasmodium falciparum malaria" for "malaria"), when the regulatory row missed the narrower concept."""
    panel = next((p for p in brief.drugs if p.name == drug), None)
    if panel is None or len(name) < 4:
        return None
    for ind in panel.indications:
        use = re.split(r"\s*[(:;]", ind, maxsplit=1)[0]
        if re.search(rf"\b{re.escape(name)}s?\s*(?:in\s[\w\s-]+)?$", use, re.I) and not re.search(
                r"\b(not|no|except|other than|adjunct|add-on|together with)\b", use, re.I):
            return ind
    return None


def judge_regulatory(claim: Claim, facts: Facts) -> None:
    parts = [(d, u, _one(claim, d, u, b)) for (d, u), b in facts.per_use.items()]
    if not parts:
        claim.verdict, claim.reason = "unverifiable", "Drug not recognised."
        return
    verdicts = {v for _, _, (v, _, _) in parts}
    if len(verdicts) == 1:
        claim.verdict = parts[0][2][0]
    elif "contradicted" in verdicts and verdicts & {"supported", "partly supported"}:
        claim.verdict = "partly supported"  # true for some uses or drugs, false for others
    else:  # an unverifiable part is not a false part
        claim.verdict = next(v for v in ("contradicted", "partly supported", "supported") if v in verdicts)
    seen: set[str] = set()
    evidence: list[ClaimEvidence] = []
    for e in (e for _, _, (_, _, ev) in parts for e in ev):
        if e.id not in seen:  # the first item of each id, in order
            seen.add(e.id)
            evidence.append(e)
    claim.evidence = evidence
    claim.reason = " ".join(f"{r.rstrip('.')}: {v}." for _, _, (v, r, _) in parts)


def judge_description(claim: Claim, facts: Facts) -> None:
    """Class membership and usual uses, against the drug panel (label classes and indications)."""
    drug = claim.drugs[0] if claim.drugs else None
    panel = None
    for b in facts.briefs():
        panel = next((p for p in b.drugs if p.name == drug), None) or panel
    if panel is None or not (panel.classes or panel.indications):
        claim.verdict, claim.reason = "unverifiable", f"No label facts for {drug or 'this drug'} were found."
        return
    text = claim.text.lower()
    claim.evidence = [ClaimEvidence(id=s) for s in panel.sources[:2]]
    if re.search(r"\b\d[\d,.]*\s*(million|thousand)?\s+(americans|people|users|patients|prescriptions)\b", text):
        claim.verdict = "unverifiable"
        claim.reason = "How many people use a drug is not in the label facts or the studies here."
        return
    on_label = [u for b in facts.briefs() for r in b.regulatory if JURISDICTIONS.get(r.jurisdiction) is not None
                and JURISDICTIONS[r.jurisdiction].label_based
                for u in ([r.condition.replace("-", " ")] if r.status == "on-label" and r.condition else [])
                + [d.condition_name or d.condition for d in r.details if d.status == "on-label"]]
    known = " ".join(panel.classes + panel.indications + on_label).lower()  # labelled uses the brief's rows show
    if re.search(r"anti-?inflammatory|swelling|inflammation", text) and re.search(
            r"\b(lacks?|no|not|minimal|little|without|does not|doesn['’]t)\b", text):
        has = bool(re.search(r"anti-?inflammatory|nsaid|cyclooxygenase|cox-2", known))
        claim.verdict = "contradicted" if has else "supported"
        claim.reason = f"{panel.name}: {', '.join(panel.classes) or 'no class'}" + (
            " — an anti-inflammatory drug." if has else " — not an anti-inflammatory class.")
        return
    aid = re.search(r"\bnot an? (\w+) (aid|medicine|medication|drug)\b", text)
    if aid and aid.group(1) not in ("pain",):
        word = {"sleep": "insomnia|sleep", "diet": "obesity|weight"}.get(aid.group(1), aid.group(1))
        has = bool(re.search(word, known))
        claim.verdict = "contradicted" if has else "supported"
        claim.reason = f"{panel.name}: labelled uses: {'; '.join(panel.indications)[:160]}"
        return
    if re.search(r"\bnot (considered )?an? (\w+ )?(pain reliever|analgesic|painkiller)", text):
        has = bool(re.search(r"analges|pain", known))
        claim.verdict = "contradicted" if has else "supported"
        claim.reason = f"{panel.name}: {', '.join(panel.classes) or 'no class'}; labelled uses do not include pain." \
            if not has else f"{panel.name} is labelled as {', '.join(panel.classes)}."
        return
    words = {w for w in re.findall(r"[a-z]{5,}", text) if w not in {"often", "prescribed", "member", "family",
                                                                     "which", "these", "their", "drugs", "medication"}}
    hits = [w for w in words if w[:6] in known]
    uses = [w for w in ("anxiety", "panic", "seizure", "spasm", "withdrawal", "convuls", "pain", "insomnia",
                        "depress", "diabet", "migraine", "allerg", "reflux", "ulcer", "schizo", "bipolar")
            if w in text]
    ok_uses = [u for u in uses if u[:6] in known or (u == "seizure" and "convuls" in known) or
               (u == "panic" and "anxiety" in known)]
    kids = re.search(r"\b(child(ren)?|p(a)?ediatric|adolescents?|teen\w*|\d{1,2} years (or|and) older)\b", text)
    adults_only = re.search(r"\badults?\b", known) and not re.search(r"child|p(a)?ediatric|adolescent", known)
    if uses and len(ok_uses) == len(uses) and kids and adults_only:
        claim.verdict = "partly supported"  # the labelled uses are for adults only
        claim.reason = f"{panel.name} is labelled for adults only: {'; '.join(panel.indications)[:160]}"
        return
    if uses and len(ok_uses) == len(uses):
        claim.verdict = "supported"
    elif ok_uses or (hits and not uses):
        claim.verdict = "partly supported" if uses else "supported"
    else:
        claim.verdict = "unverifiable"
    claim.reason = f"{panel.name}: {', '.join(panel.classes)}; labelled uses: {'; '.join(panel.indications)[:200]}" + (
        f"; on the label also: {', '.join(dict.fromkeys(on_label))}" if on_label else "")
