"""openFDA drug label JSON (API pages and bulk files, ``{"meta": ..., "results": [...]}``) -> ``label``.

The same record shape as :mod:`rxevidence.sources.spl`: id ``spl:<set_id>``, version, date from
``effective_time``, sections with their LOINC codes, openFDA names in ``extra``. Pages are loaded
whole (an API page is small; a bulk file is one JSON document by design).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import ParseError
from ..models import Provenance, Record, Section, Skipped
from .registry import Checkpoint, SourceFormat, open_text, register
from .spl import parse_hl7_date
from .xmlsafe import clean, dedupe

FORMAT = "openfda-label"

# openFDA label field -> (LOINC code, section label). Codes are the SPL section codes (facts).
FIELD_SECTIONS: dict[str, tuple[str, str]] = {
    "boxed_warning": ("34066-1", "Boxed Warning"),
    "indications_and_usage": ("34067-9", "Indications and Usage"),
    "dosage_and_administration": ("34068-7", "Dosage and Administration"),
    "dosage_forms_and_strengths": ("43678-2", "Dosage Forms and Strengths"),
    "contraindications": ("34070-3", "Contraindications"),
    "warnings_and_cautions": ("43685-7", "Warnings and Precautions"),
    "warnings": ("34071-1", "Warnings"),
    "precautions": ("42232-9", "Precautions"),
    "adverse_reactions": ("34084-4", "Adverse Reactions"),
    "drug_interactions": ("34073-7", "Drug Interactions"),
    "use_in_specific_populations": ("43684-0", "Use in Specific Populations"),
    "pregnancy": ("42228-7", "Pregnancy"),
    "pediatric_use": ("34081-0", "Pediatric Use"),
    "geriatric_use": ("34082-8", "Geriatric Use"),
    "drug_abuse_and_dependence": ("42227-9", "Drug Abuse and Dependence"),
    "overdosage": ("34088-5", "Overdosage"),
    "description": ("34089-3", "Description"),
    "clinical_pharmacology": ("34090-1", "Clinical Pharmacology"),
    "mechanism_of_action": ("43679-0", "Mechanism of Action"),
    "pharmacodynamics": ("43681-6", "Pharmacodynamics"),
    "pharmacokinetics": ("43682-4", "Pharmacokinetics"),
    "clinical_studies": ("34092-7", "Clinical Studies"),
    "how_supplied": ("34069-5", "How Supplied"),
    "purpose": ("55105-1", "Purpose"),
    "active_ingredient": ("55106-9", "Active Ingredient"),
    "do_not_use": ("50570-1", "Do Not Use"),
    "stop_use": ("50566-9", "Stop Use"),
    "spl_unclassified_section": ("42229-5", "SPL Unclassified Section"),
}
OPENFDA_KEYS = ("brand_name", "generic_name", "manufacturer_name", "rxcui", "substance_name", "product_type",
                "route", "application_number", "pharm_class_epc", "pharm_class_moa", "unii")


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [t for t in (clean(str(v)) for v in value) if t]


def parse_label_sections(result: Mapping[str, Any]) -> list[Section]:
    out = []
    for field, (code, label) in FIELD_SECTIONS.items():
        texts = _texts(result.get(field))
        if texts:
            out.append(Section(label=label, code=code, text="\n".join(texts)))
    return out


def parse_openfda(result: Mapping[str, Any]) -> dict[str, list[str]]:
    of = result.get("openfda") or {}
    if not isinstance(of, Mapping):
        return {}
    return {k: dedupe(_texts(of.get(k))) for k in OPENFDA_KEYS if _texts(of.get(k))}


def parse_label_result(result: Any, *, path: str = "", position: int | None = None) -> Record | Skipped:
    """One item of ``results`` -> label Record (Skipped when it has no set id)."""
    pos = f"result {position}" if position is not None else None
    if not isinstance(result, Mapping):
        return Skipped(reason="result is not a JSON object", path=path or None, position=pos)
    of = parse_openfda(result)
    raw_of = result.get("openfda")
    set_id = clean(str(result.get("set_id") or "")) or next(
        iter(_texts(raw_of.get("spl_set_id") if isinstance(raw_of, Mapping) else None)), None)
    if not set_id:
        return Skipped(reason="label without set_id", path=path or None, position=pos)
    date = parse_hl7_date(clean(str(result.get("effective_time") or "")))
    brand = of.get("brand_name", [])
    generic = of.get("generic_name", [])
    title = ", ".join(brand) if brand else None
    if generic:
        title = f"{title} ({', '.join(generic).lower()})" if title else ", ".join(generic)
    extra: dict[str, Any] = {f"openfda_{k}": v for k, v in of.items()}
    if generic:
        extra["generic_name"] = generic
    if brand:
        extra["brand_name"] = brand
    if of.get("rxcui"):
        extra["rxcui"] = of["rxcui"]
    ingredients = of.get("substance_name") or generic
    if ingredients:
        extra["ingredients"] = dedupe(i.lower() for i in ingredients)
    if of.get("manufacturer_name"):
        extra["manufacturer"] = of["manufacturer_name"][0]
    if result.get("id"):
        extra["spl_id"] = str(result["id"])
    extra["index_terms"] = dedupe(brand + generic)
    version = result.get("version")
    return Record(
        id=f"spl:{set_id}",
        kind="label",
        title=title,
        sections=parse_label_sections(result),
        set_id=set_id,
        version=str(version) if version not in (None, "") else None,
        date=date,
        year=int(date[:4]) if date else None,
        extra=extra,
        provenance=Provenance(source=path, format=FORMAT, position=pos),
    )


def parse_openfda_label(result: Any, *, source: str = "") -> Record:
    """Adapter for the live API client: one label result -> Record; ParseError when unusable."""
    r = parse_label_result(result, path=source)
    if isinstance(r, Skipped):
        raise ParseError(r.reason, path=source or None)
    return r


def load_json(path: str) -> Any:
    """A whole JSON document; ParseError with line and column when malformed or truncated."""
    try:
        with open_text(path) as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ParseError(f"malformed JSON: {e.msg}", path=path, position=f"line {e.lineno}, column {e.colno}") from e
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise ParseError(f"truncated or corrupt compressed file: {e}", path=path) from e


def results_of(doc: Any, path: str) -> list[Any]:
    if isinstance(doc, Mapping) and isinstance(doc.get("results"), list):
        return doc["results"]
    if isinstance(doc, list):
        return doc
    if isinstance(doc, Mapping) and ("set_id" in doc or "application_number" in doc):
        return [doc]
    raise ParseError('expected an openFDA page {"meta": ..., "results": [...]}', path=path)


def parse(path: str, *, checkpoints: bool = False, resume: Checkpoint | None = None,
          **_options: Any) -> Iterator[Record | Skipped | Checkpoint]:
    """Label records from an openFDA page or bulk file, streamed one result at a time."""
    from .jsonstream import records_from_json

    yield from records_from_json(
        path, array_keys=("results",), noun="result", checkpoints=checkpoints, resume=resume,
        to_record=lambda v, k: parse_label_result(v, path=path, position=k),
    )


_LABEL_MARKERS = (b'"effective_time"', b'"indications_and_usage"', b'"set_id"', b'"spl_product_data_elements"',
                  b'"boxed_warning"', b'"package_label_principal_display_panel"')
_DRUGSFDA_MARKERS = (b'"sponsor_name"', b'"submissions"', b'"application_docs"')


def sniff(name: str, head: bytes) -> bool:
    s = head.lstrip()
    if not s.startswith((b"{", b"[")):
        return False
    if b'"results"' not in head or b'"$schema"' in head or any(m in head for m in _DRUGSFDA_MARKERS):
        return False
    return any(m in head for m in _LABEL_MARKERS) or ("label" in name and name.endswith((".json", ".json.gz")))


register(
    SourceFormat(name=FORMAT, description="openFDA drug label JSON (API page or bulk file)", sniff=sniff,
                 parse=parse, priority=35, resumable=True)
)
