"""FDA OTC drug monographs (21 CFR parts 336-341): which active ingredients each one allows and the use it labels.

Facts from the Code of Federal Regulations (US Government work, public domain), read on the FDA's CFR pages
(accessdata.fda.gov, CFRSearch) and eCFR on 2026-12-03. Used by ``build_label_facts.py`` to (1) give monograph
ingredients their labelled OTC use and (2) recognise DrugCentral uses that come from OTC combination products (an
analgesic "for insomnia" is the sleep-aid partner's use, not the analgesic's).
"""

from __future__ import annotations

CFR_URL = "https://www.accessdata.fda.gov/scripts/cdrh/cfdocs/cfcfr/CFRSearch.cfm?CFRPart={part}"

# part, section, use wording (as the monograph frames it), MeSH descriptor of the use, qualifiers,
# ingredients (canonical names, salts dropped), classes whose members may treat the use on their own labels
MONOGRAPHS: list[dict] = [
    {"part": "336", "section": "336.10", "name": "antiemetic",
     "use": "nausea, vomiting or dizziness of motion sickness (OTC monograph)", "mesh": "D009041",
     "q": ["prevention"], "ingredients": ["cyclizine", "dimenhydrinate", "diphenhydramine", "meclizine"],
     "classes": r"antiemetic|histamine|cholinergic|muscarinic"},
    {"part": "338", "section": "338.10", "name": "nighttime sleep-aid",
     "use": "occasional sleeplessness (OTC monograph)", "mesh": "D007319", "q": [],
     "ingredients": ["diphenhydramine"],
     "classes": r"hypnotic|sedative|histamine|benzodiazepine|orexin|melatonin|gaba"},
    {"part": "341", "section": "341.12", "name": "antihistamine",
     "use": "hay fever and other upper respiratory allergies (OTC monograph)", "mesh": "D065631", "q": [],
     # seasonal and perennial allergic rhinitis, rhinitis, sneezing, allergic conjunctivitis: what the same
     # labels name (runny nose, sneezing, itchy watery eyes)
     "also": ["D006255", "D012221", "D012220", "D012912", "D003233"],
     "ingredients": ["brompheniramine", "chlorcyclizine", "chlorpheniramine", "dexbrompheniramine",
                     "dexchlorpheniramine", "diphenhydramine", "doxylamine", "phenindamine", "pheniramine",
                     "pyrilamine", "thonzylamine", "triprolidine"],
     "classes": r"histamine|\bh1\b|leukotriene|mast cell|corticosteroid|anti-allergic|antiallergic"},
    {"part": "341", "section": "341.14", "name": "antitussive",
     "use": "cough due to minor throat and bronchial irritation (OTC monograph)", "mesh": "D003371", "q": [],
     "ingredients": ["chlophedianol", "codeine", "dextromethorphan", "diphenhydramine", "camphor", "menthol"],
     "classes": r"antitussive|opioid|opiate"},
    {"part": "341", "section": "341.20", "name": "nasal decongestant",
     "use": "nasal congestion of acute or chronic rhinitis (OTC monograph)", "mesh": "D015508", "q": [],
     "ingredients": ["phenylephrine", "pseudoephedrine", "levmetamfetamine", "ephedrine", "naphazoline",
                     "oxymetazoline", "propylhexedrine", "xylometazoline"],
     "classes": r"adrenergic|decongestant|sympathomimetic"},
]


def monograph_uses(ingredient: str) -> list[dict]:
    """The OTC monograph uses of one ingredient, as label-facts use entries."""
    out = []
    for m in MONOGRAPHS:
        if ingredient in m["ingredients"]:
            out.append({"text": m["use"], "mesh": m["mesh"], "q": list(m["q"]), "src": "otc", "cfr": m["section"]})
    return out


def combination_uses(ingredient: str, classes: list[str]) -> set[str]:
    """MeSH ids of monograph uses an OTC-sold ingredient owes only to combination partners: uses of monographs it
    is not part of, outside its own pharmacologic classes."""
    import re

    text = " ".join(classes).lower()
    out: set[str] = set()
    for m in MONOGRAPHS:
        if ingredient in m["ingredients"] or re.search(m["classes"], text):
            continue
        out.add(m["mesh"])
        out.update(m.get("also", []))
    return out
