"""Flags a reader should see next to a study: retracted, small, open-label, industry-funded..."""

from __future__ import annotations

import re

from ..domain import is_review
from ..models import Appraisal, Record

SMALL_N = 50

OPEN_LABEL_RE = re.compile(r"\bopen[-\s]label\b|\bunblinded\b|\bnon-?blinded\b|\bnot\s+blinded\b|\bopen\s+(?:randomi[sz]ed\s+)?(?:trial|study)\b", re.I)
PILOT_RE = re.compile(r"\bpilot\b|\bfeasibility\s+(?:study|trial)\b", re.I)
_COMPANY = (
    r"pfizer|merck|novartis|glaxo\w*|gsk|roche|hoffmann|sanofi\w*|astrazeneca|eli\s+lilly|lilly|johnson\s*(?:&|and)\s*johnson|"
    r"janssen|bayer|boehringer|abbott|abbvie|bristol[-\s]myers|takeda|purdue|mcneil|wyeth|schering|allergan|teva|"
    r"gr[uü]nenthal|novo\s+nordisk|lundbeck|astellas|daiichi|eisai|otsuka|shionogi|ucb|servier|menarini|mylan|"
    r"endo\s+pharmaceuticals|forest\s+laboratories|cephalon|searle|pharmacia|upjohn|parke[-\s]davis|knoll|"
    r"zeneca|smithkline|rhone[-\s]poulenc|hoechst|sandoz|ciba|organon|solvay|almirall|angelini|zambon|recordati|"
    r"chiesi|ipsen|orion|ferring|gedeon|krka|sun\s+pharma|dr\.?\s+reddy|cipla|ranbaxy|lupin|biogen|amgen|genentech|"
    r"gilead|celgene|vertex|regeneron|alkermes|depomed|collegium|mallinckrodt"
)
_CORP_SUFFIX = r"(?:pharma\w*|inc\.?|ltd\.?|gmbh|laborator(?:y|ies)|corp(?:oration)?\.?|company|co\.|ag\b|plc|a/s|s\.a\.|s\.p\.a\.|kk|k\.k\.)"
FUNDED_RE = re.compile(
    r"\b(?:supported|funded|sponsored|financed|paid\s+for)\s+(?:in\s+part\s+|partly\s+|partially\s+|entirely\s+)?by\s+"
    r"(?:an?\s+(?:unrestricted\s+|educational\s+|research\s+)*grants?\s+from\s+)?(?:[^.;]{0,60}?)(?:"
    + _COMPANY + r"|\b[A-Z][\w-]+\s+" + _CORP_SUFFIX + r")",
    re.I,
)
COMPANY_RE = re.compile(r"\b(?:" + _COMPANY + r")\b", re.I)
_INDUSTRY_SPONSOR = re.compile(r"industry", re.I)


def _sponsor_is_industry(record: Record) -> bool:
    extra = record.extra
    for key in ("sponsor_class", "lead_sponsor_class", "agency_class", "sponsor_type"):
        v = extra.get(key)
        if isinstance(v, str) and _INDUSTRY_SPONSOR.search(v):
            return True
    for key in ("sponsor", "lead_sponsor", "sponsors", "collaborators"):
        v = extra.get(key)
        vals = v if isinstance(v, list) else [v]
        for item in vals:
            if isinstance(item, dict):
                if _INDUSTRY_SPONSOR.search(str(item.get("class", "") or item.get("agency_class", ""))):
                    return True
                item = item.get("name") or item.get("agency") or ""
            if isinstance(item, str) and item and (COMPANY_RE.search(item) or re.search(_CORP_SUFFIX, item, re.I)):
                return True
    return False


def appraise_flags(record: Record, appraisal: Appraisal, text: str) -> list[str]:
    """Flags for a record given its appraisal so far; ``text`` is title + abstract."""
    flags: list[str] = []
    if record.retracted:
        flags.append("retracted")
    if appraisal.n is not None and appraisal.n < SMALL_N and not is_review(appraisal.design):
        flags.append("small")
    masking = str(record.extra.get("masking", "") or "").lower()
    if OPEN_LABEL_RE.search(text) or "open label" in masking or masking == "none":
        flags.append("open-label")
    if FUNDED_RE.search(text) or _sponsor_is_industry(record):
        flags.append("industry-funded")
    if appraisal.design_detail == "crossover":
        flags.append("crossover")
    if PILOT_RE.search(text):
        flags.append("pilot")
    if appraisal.population.humans is False or appraisal.design == "animal":
        flags.append("animal")
    if appraisal.population.healthy_volunteers:
        flags.append("healthy volunteers")
    return flags
