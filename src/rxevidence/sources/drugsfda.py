"""Drugs@FDA -> ``approval`` records (one per application, id ``fda:NDA013263``).

Two shapes: the FDA download (a zip of tab-separated tables: Applications, Products,
MarketingStatus, Submissions, lookups) and openFDA drugsfda JSON pages. The zip is streamed
table by table (zipfile + csv); about 23k applications are grouped in memory, then yielded.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import ParseError
from ..models import Provenance, Record, Skipped
from .jsonstream import records_from_json
from .registry import Checkpoint, SourceFormat, bad_text, register
from .xmlsafe import clean, dedupe

FORMAT = "drugsfda"
FORMAT_JSON = "openfda-drugsfda"


def application_id(appl_type: str | None, appl_no: str) -> str:
    """("NDA", "13263") -> "NDA013263"."""
    t = (appl_type or "").strip().upper()
    n = appl_no.strip()
    if n.isdigit():
        n = n.zfill(6)
    return f"{t}{n}"


def iso_date(value: str | None) -> str | None:
    """"1963-11-15 00:00:00" or "19631115" -> "1963-11-15"."""
    v = (value or "").strip()
    if len(v) >= 10 and v[4] == "-" and v[:4].isdigit():
        return v[:10]
    if len(v) == 8 and v.isdigit():
        return f"{v[:4]}-{v[4:6]}-{v[6:]}"
    return None


def original_approval_date(submissions: list[dict[str, Any]]) -> str | None:
    """Date of the ORIG submission with status AP (the earliest if several)."""
    dates = [s["status_date"] for s in submissions
             if (s.get("type") or "").upper() == "ORIG" and (s.get("status") or "").upper() == "AP"
             and s.get("status_date")]
    return min(dates) if dates else None


def build_record(appl: str, sponsor: str | None, appl_type: str | None, products: list[dict[str, Any]],
                 submissions: list[dict[str, Any]], *, path: str, fmt: str, notes: str | None = None) -> Record:
    names = dedupe(p.get("drug_name") or "" for p in products)
    ingredients = dedupe(
        (p.get("active_ingredient") or "").lower() for p in products
    )
    title = " - ".join(x for x in [sponsor, ", ".join(names)] if x) or appl
    date = original_approval_date(submissions)
    subs = sorted(submissions, key=lambda s: (s.get("status_date") or "", s.get("type") or "", s.get("number") or ""))
    extra: dict[str, Any] = {
        "application_type": appl_type,
        "sponsor": sponsor,
        "products": products,
        "submissions": subs,
        "ingredients": ingredients,
        "index_terms": dedupe(names + ingredients),
    }
    if notes:
        extra["notes"] = notes
    statuses = dedupe(p.get("marketing_status") or "" for p in products)
    if statuses:
        extra["marketing_statuses"] = statuses
    return Record(
        id=f"fda:{appl}",
        kind="approval",
        title=title,
        application=appl,
        date=date,
        year=int(date[:4]) if date else None,
        extra={k: v for k, v in extra.items() if v not in (None, "", [])},
        provenance=Provenance(source=path, format=fmt),
    )


# ------------------------------------------------------------------ zip of tables


def _table(z: zipfile.ZipFile, name: str) -> Iterator[dict[str, str]]:
    member = next((i for i in z.namelist() if i.lower() == name.lower()), None)
    if member is None:
        return
    with z.open(member) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")
        reader = csv.DictReader(text, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in reader:
            yield {k.strip(): _legacy((v or "").strip()) for k, v in row.items() if k}


def _legacy(value: str) -> str:
    """A cell that is not valid UTF-8 read as Windows-1252 (older FDA tables are: "®" is byte 0xAE)."""
    if bad_text(value):
        return value.encode("utf-8", "surrogateescape").decode("cp1252", "replace")
    return value


def parse_zip(path: str, **_options: Any) -> Iterator[Record | Skipped]:
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise ParseError(f"not a readable zip file: {e}", path=path) from e
    with z:
        names = {n.lower() for n in z.namelist()}
        if "applications.txt" not in names:
            raise ParseError("zip has no Applications.txt: not a Drugs@FDA download", path=path)
        try:
            status_names = {r["MarketingStatusID"]: r["MarketingStatusDescription"]
                            for r in _table(z, "MarketingStatus_Lookup.txt")}
            class_names = {r["SubmissionClassCodeID"]: r.get("SubmissionClassCodeDescription") or r["SubmissionClassCode"]
                           for r in _table(z, "SubmissionClass_Lookup.txt")}
            marketing: dict[tuple[str, str], str] = {}
            for r in _table(z, "MarketingStatus.txt"):
                marketing[(r["ApplNo"], r["ProductNo"])] = status_names.get(r["MarketingStatusID"], r["MarketingStatusID"])
            products: dict[str, list[dict[str, Any]]] = {}
            for r in _table(z, "Products.txt"):
                products.setdefault(r["ApplNo"], []).append({
                    "product_no": r["ProductNo"],
                    "drug_name": r.get("DrugName") or None,
                    "active_ingredient": r.get("ActiveIngredient") or None,
                    "form": r.get("Form") or None,
                    "strength": r.get("Strength") or None,
                    "reference_drug": r.get("ReferenceDrug") == "1",
                    "marketing_status": marketing.get((r["ApplNo"], r["ProductNo"])),
                })
            submissions: dict[str, list[dict[str, Any]]] = {}
            for r in _table(z, "Submissions.txt"):
                submissions.setdefault(r["ApplNo"], []).append({
                    "type": r.get("SubmissionType") or None,
                    "number": r.get("SubmissionNo") or None,
                    "status": r.get("SubmissionStatus") or None,
                    "status_date": iso_date(r.get("SubmissionStatusDate")),
                    "class": class_names.get(r.get("SubmissionClassCodeID", ""), None),
                    "review_priority": r.get("ReviewPriority") or None,
                })
            for k, r in enumerate(_table(z, "Applications.txt"), start=1):
                no = r.get("ApplNo", "")
                if not no:
                    yield Skipped(reason="application row without ApplNo", path=path, position=f"Applications.txt row {k}")
                    continue
                yield build_record(
                    application_id(r.get("ApplType"), no), clean(r.get("SponsorName")), r.get("ApplType") or None,
                    products.pop(no, []), submissions.pop(no, []), path=path, fmt=FORMAT,
                    notes=clean(r.get("ApplPublicNotes")),
                )
        except (KeyError, csv.Error, zipfile.BadZipFile, EOFError) as e:
            raise ParseError(f"unexpected Drugs@FDA table layout or corrupt member: {e!r}", path=path) from e


# ------------------------------------------------------------------ openFDA JSON


def parse_drugsfda_result(result: Any, *, source: str = "") -> Record:
    """Adapter for the live API client: one drugsfda result -> Record; ParseError when unusable."""
    r = drugsfda_result_record(result, path=source)
    if isinstance(r, Skipped):
        raise ParseError(r.reason, path=source or None)
    return r


def drugsfda_result_record(result: Any, *, path: str = "", position: int | None = None) -> Record | Skipped:
    """One openFDA drugsfda result -> approval Record (Skipped without application_number)."""
    pos = f"result {position}" if position is not None else None
    if not isinstance(result, Mapping) or not result.get("application_number"):
        return Skipped(reason="drugsfda result without application_number", path=path or None, position=pos)
    appl_raw = str(result["application_number"]).strip().upper()
    appl_type = "".join(ch for ch in appl_raw if ch.isalpha()) or None
    appl = application_id(appl_type, appl_raw[len(appl_type or ""):])
    products = []
    for p in result.get("products") or []:
        ais = p.get("active_ingredients") or []
        products.append({
            "product_no": p.get("product_number"),
            "drug_name": p.get("brand_name"),
            "active_ingredient": "; ".join(a.get("name", "") for a in ais if a.get("name")) or None,
            "form": ";".join(x for x in [p.get("dosage_form"), p.get("route")] if x) or None,
            "strength": "; ".join(a.get("strength", "") for a in ais if a.get("strength")) or None,
            "reference_drug": p.get("reference_drug") == "Yes",
            "marketing_status": p.get("marketing_status"),
        })
    subs = [{
        "type": s.get("submission_type"),
        "number": s.get("submission_number"),
        "status": s.get("submission_status"),
        "status_date": iso_date(s.get("submission_status_date")),
        "class": s.get("submission_class_code_description") or s.get("submission_class_code"),
        "review_priority": s.get("review_priority"),
    } for s in result.get("submissions") or []]
    rec = build_record(appl, clean(result.get("sponsor_name")), appl_type, products, subs, path=path, fmt=FORMAT_JSON)
    if rec.provenance is not None:  # build_record always sets it
        rec.provenance.position = pos
    of = result.get("openfda") or {}
    if isinstance(of, Mapping):
        for k in ("generic_name", "brand_name", "rxcui"):
            if of.get(k):
                rec.extra[k] = list(of[k])
    return rec


def parse_json(path: str, *, checkpoints: bool = False, resume: Checkpoint | None = None,
               **_options: Any) -> Iterator[Record | Skipped | Checkpoint]:
    """Approval records from an openFDA drugsfda page or bulk file, streamed one result at a time."""
    yield from records_from_json(
        path, array_keys=("results",), noun="result", checkpoints=checkpoints, resume=resume,
        to_record=lambda v, k: drugsfda_result_record(v, path=path, position=k),
    )


def sniff_zip(name: str, head: bytes) -> bool:
    return head.startswith(b"PK") and ("drugsatfda" in name or "drugsfda" in name)


def sniff_json(name: str, head: bytes) -> bool:
    return head.lstrip().startswith((b"{", b"[")) and b'"results"' in head and b'"$schema"' not in head and (
        b'"application_number"' in head) and (
        b'"sponsor_name"' in head or b'"submissions"' in head
    )


register(SourceFormat(name=FORMAT, description="Drugs@FDA download (zip of tab-separated tables)",
                      sniff=sniff_zip, parse=parse_zip, priority=30))
register(SourceFormat(name=FORMAT_JSON, description="openFDA drugsfda JSON (API page or bulk file)",
                      sniff=sniff_json, parse=parse_json, priority=30, resumable=True))
