"""DailyMed SPL (Structured Product Labeling, HL7 v3) XML labels -> ``label`` records.

One label per file. Sections are kept by LOINC code, labelled with the XML's own
``code/@displayName``. A nested section with its own code becomes a section of its own; an
unclassified subsection (42229-5, e.g. "5.1 Hepatotoxicity") stays inside its parent's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml.etree import _Element as El

from ..errors import ParseError
from ..models import Provenance, Record, Section, Skipped
from .registry import SourceFormat, register
from .xmlsafe import clean, dedupe, local, parse_file, text_of

FORMAT = "spl-xml"
NS = "urn:hl7-org:v3"
_N = {"v3": NS}
LOINC_SYSTEM = "2.16.840.1.113883.6.1"

# LOINC section codes that later steps read (facts; names as DailyMed prints them).
LOINC = {
    "34067-9": "Indications and Usage",
    "34066-1": "Boxed Warning",
    "34090-1": "Clinical Pharmacology",
    "43679-0": "Mechanism of Action",
    "34070-3": "Contraindications",
    "43685-7": "Warnings and Precautions",
    "34071-1": "Warnings",
    "34084-4": "Adverse Reactions",
    "34068-7": "Dosage and Administration",
    "34073-7": "Drug Interactions",
    "34092-7": "Clinical Studies",
    "34089-3": "Description",
}
UNCLASSIFIED = "42229-5"
ACTIVE_CLASSES = {"ACTIB", "ACTIM", "ACTIR"}  # active ingredient by basis of strength: base, moiety, reference
_BLOCK = {"paragraph", "title", "item", "tr", "td", "th", "list", "table", "caption", "br"}

def _q(path: str) -> str:
    return "/".join(f"v3:{p}" if p and not p.startswith(("@", "*")) else p for p in path.split("/"))


def _find(el: El, path: str) -> El | None:
    return el.find(_q(path), _N)


def _findall(el: El, path: str) -> list[El]:
    return el.findall(_q(path), _N)


# ------------------------------------------------------------------ field functions


def parse_hl7_date(value: str | None) -> str | None:
    """HL7 TS "20140113" (or "201401131200") -> "2014-01-13"."""
    if not value or len(value) < 4 or not value[:4].isdigit():
        return None
    out = value[:4]
    if len(value) >= 6 and value[4:6].isdigit():
        out += "-" + value[4:6]
        if len(value) >= 8 and value[6:8].isdigit():
            out += "-" + value[6:8]
    return out


def parse_set_id(doc: El) -> str | None:
    el = _find(doc, "setId")
    return el.get("root") if el is not None else None


def parse_version(doc: El) -> str | None:
    el = _find(doc, "versionNumber")
    return el.get("value") if el is not None else None


def parse_effective_date(doc: El) -> str | None:
    el = _find(doc, "effectiveTime")
    return parse_hl7_date(el.get("value")) if el is not None else None


def parse_document_type(doc: El) -> str | None:
    el = _find(doc, "code")
    return el.get("displayName") if el is not None else None


def parse_manufacturer(doc: El) -> str | None:
    return clean(doc.findtext(_q("author/assignedEntity/representedOrganization/name"), namespaces=_N))


def _manufactured_products(doc: El) -> list[El]:
    return doc.findall(".//v3:manufacturedProduct/v3:manufacturedProduct", _N) + doc.findall(
        ".//v3:manufacturedProduct/v3:manufacturedMedicine", _N
    )


def parse_products(doc: El) -> list[dict[str, str | None]]:
    """[{name, generic_name, form}] of the products the label covers (deduplicated)."""
    out: list[dict[str, str | None]] = []
    seen: set[tuple] = set()
    for mp in _manufactured_products(doc):
        name = clean(mp.findtext("v3:name", namespaces=_N))
        generic = clean(mp.findtext(_q("asEntityWithGeneric/genericMedicine/name"), namespaces=_N))
        form_el = _find(mp, "formCode")
        form = form_el.get("displayName") if form_el is not None else None
        key = (name, generic, form)
        if (name or generic) and key not in seen:
            seen.add(key)
            out.append({"name": name, "generic_name": generic, "form": form})
    return out


def parse_active_ingredients(doc: El) -> list[str]:
    """Active ingredient names, lower-case (e.g. "atorvastatin calcium trihydrate")."""
    names = []
    for mp in _manufactured_products(doc):
        for ing in _findall(mp, "ingredient") + _findall(mp, "activeIngredient"):
            cls = ing.get("classCode")
            if ing.tag == f"{{{NS}}}ingredient" and cls not in ACTIVE_CLASSES:
                continue
            n = clean(ing.findtext(_q("ingredientSubstance/name"), namespaces=_N)) or clean(
                ing.findtext(_q("activeIngredientSubstance/name"), namespaces=_N)
            )
            if n:
                names.append(n.lower())
    return dedupe(names)


def parse_active_moieties(doc: El) -> list[str]:
    names = [
        clean(n.text)
        for n in doc.iterfind(".//v3:ingredientSubstance/v3:activeMoiety/v3:activeMoiety/v3:name", _N)
    ]
    return dedupe(n.lower() for n in names if n)


_HIGHLIGHTS = re.compile(
    r"^These highlights do not include all the information needed to use .*?"
    r"See full prescribing information for [^.]*\.\s*",
    re.IGNORECASE,
)


def parse_title(doc: El, products: list[dict[str, str | None]]) -> str | None:
    """Document title (without the "These highlights do not include..." boilerplate), else product names."""
    el = _find(doc, "title")
    t = section_text(el) if el is not None else None
    if t:
        return _HIGHLIGHTS.sub("", t).strip() or t
    names = dedupe((p.get("name") or p.get("generic_name") or "") for p in products)
    return ", ".join(names) or None


def _section_code(sec: El) -> tuple[str | None, str | None]:
    c = _find(sec, "code")
    if c is None:
        return None, None
    return c.get("code") or None, c.get("displayName") or None


def _is_separate(sec: El) -> bool:
    code, _ = _section_code(sec)
    return bool(code) and code != UNCLASSIFIED


def _collect(el: El, parts: list[str]) -> None:
    if isinstance(el.text, str):
        parts.append(el.text)
    for ch in el:
        name = local(ch.tag)
        if name == "section" and _is_separate(ch):
            pass  # emitted as its own section
        elif name in ("code", "id", "effectiveTime") or not isinstance(ch.tag, str):
            pass
        else:
            if name in _BLOCK:
                parts.append(" ")
            _collect(ch, parts)
            if name in _BLOCK:
                parts.append(" ")
        if isinstance(ch.tail, str):
            parts.append(ch.tail)


def section_text(sec: El) -> str | None:
    """Text of a section without the nested sections that carry their own code."""
    parts: list[str] = []
    _collect(sec, parts)
    return clean("".join(parts))


def parse_sections(doc: El) -> list[Section]:
    """Every coded section in document order, nested ones flattened with their own codes."""
    out: list[Section] = []
    body = _find(doc, "component/structuredBody")
    if body is None:
        return out
    for sec in body.iter(f"{{{NS}}}section"):
        if not _is_separate(sec) and next(sec.iterancestors(f"{{{NS}}}section"), None) is not None:
            continue  # an unclassified subsection: already in its parent's text
        code, display = _section_code(sec)
        text = section_text(sec)
        if not text:
            continue
        title = text_of(_find(sec, "title"))
        label = display or title or LOINC.get(code or "")
        out.append(Section(label=label, code=code, text=text))
    return out


def parse_label(doc: El, *, path: str = "") -> Record | Skipped:
    """An SPL ``document`` element -> label Record."""
    set_id = parse_set_id(doc)
    if not set_id:
        return Skipped(reason="SPL document without setId", path=path or None)
    products = parse_products(doc)
    date = parse_effective_date(doc)
    extra: dict[str, Any] = {
        "products": products,
        "ingredients": parse_active_ingredients(doc),
        "active_moieties": parse_active_moieties(doc),
        "manufacturer": parse_manufacturer(doc),
        "document_type": parse_document_type(doc),
    }
    doc_id = _find(doc, "id")
    if doc_id is not None and doc_id.get("root"):
        extra["spl_id"] = doc_id.get("root")
    extra["index_terms"] = dedupe(
        [p.get("name") or "" for p in products] + [p.get("generic_name") or "" for p in products]
        + extra["ingredients"]
    )
    return Record(
        id=f"spl:{set_id}",
        kind="label",
        title=parse_title(doc, products),
        sections=parse_sections(doc),
        set_id=set_id,
        version=parse_version(doc),
        date=date,
        year=int(date[:4]) if date else None,
        extra={k: v for k, v in extra.items() if v not in (None, [], "")},
        provenance=Provenance(source=path, format=FORMAT),
    )


def parse(path: str, **_options: Any) -> Iterator[Record | Skipped]:
    root = parse_file(path)
    if local(root.tag) != "document" or root.tag != f"{{{NS}}}document":
        raise ParseError("not an SPL document (root element is not urn:hl7-org:v3 document)", path=path)
    yield parse_label(root, path=path)


def sniff(name: str, head: bytes) -> bool:
    return b"urn:hl7-org:v3" in head and b"<document" in head


register(
    SourceFormat(name=FORMAT, description="DailyMed SPL label XML (HL7 v3)", sniff=sniff, parse=parse, priority=20)
)
