"""The concept index table, shared by the SQLite and PostgreSQL stores (#15).

``concept_tags(record_id, kind, concept, source, role)`` holds one row per drug or condition concept a
record is about (see :mod:`rxevidence.vocab.tagging`) plus one marker row (kind ``tagged``) per tagged
record, indexed by (kind, concept, record_id) so retrieval joins on concept ids. Both backends run the
same statements through a DB-API connection or cursor; ``ph`` is the backend's placeholder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from ..models import Appraisal, Record

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS concept_tags (record_id TEXT NOT NULL, kind TEXT NOT NULL, concept TEXT NOT NULL,"
    " source TEXT NOT NULL, role TEXT, PRIMARY KEY (record_id, kind, concept))",
    "CREATE INDEX IF NOT EXISTS concept_tags_concept ON concept_tags (kind, concept, record_id)",
)
_CHUNK = 500
# the meta key holding the version of the tags in the index (:func:`tagging_version`)
META_KEY = "concept_tags_version"
# bump when tag_record's reading changes (the vocabulary data's own changes are seen through its bytes)
TAGGER_VERSION = "2"

_vocab: Any = None
_version: str | None = None


def tagging_version() -> str:
    """The version of the tags records get today: the tagger's version and a digest of the shipped
    vocabulary files. A store whose index carries another version was tagged before a vocabulary or tagger
    change and keeps those old tags until :meth:`rxevidence.store.base.Store.retag` re-tags it."""
    global _version
    if _version is None:
        import hashlib
        from importlib import resources

        h = hashlib.sha256(TAGGER_VERSION.encode())
        for name in ("drugs.json.gz", "conditions.json.gz"):
            ref = resources.files("rxevidence") / "vocab_data" / name
            try:
                h.update(ref.read_bytes())
            except FileNotFoundError:
                h.update(b"-")
        _version = f"{TAGGER_VERSION}-{h.hexdigest()[:16]}"
    return _version


def shipped_vocabulary() -> Any:
    """The vocabulary records are tagged with: the shipped one (the same for every store, so the same
    record gets the same tags everywhere), loaded once on first use."""
    global _vocab
    if _vocab is None:
        from ..vocab import load_vocabulary

        _vocab = load_vocabulary()
    return _vocab


def reset_tagging_vocabulary() -> None:
    """Forget the vocabulary records are tagged with (the next tag loads it again)."""
    global _vocab, _version
    _vocab = None
    _version = None


def tag_rows(records: Sequence[Record], appraisals: dict[str, Appraisal] | None = None) -> list[tuple[Any, ...]]:
    """(record_id, kind, concept, source, role) rows for ``records`` (labels and approvals have none)."""
    from ..vocab.tagging import TAGGED_KINDS, tag_record

    if not any(r.kind in TAGGED_KINDS for r in records):
        return []
    vocab = shipped_vocabulary()
    apps = appraisals or {}
    return [(r.id, *t) for r in records for t in tag_record(r, vocab, apps.get(r.id))]


def replace_tags(conn: Any, ph: str, records: Sequence[Record]) -> None:
    """Tag ``records`` afresh (their old tags, if any, are dropped) inside the caller's transaction."""
    if not records:
        return
    ids = [(r.id,) for r in records]
    conn.executemany(f"DELETE FROM concept_tags WHERE record_id = {ph}", ids)
    rows = tag_rows(records)
    if rows:
        conn.executemany(f"INSERT INTO concept_tags VALUES ({ph},{ph},{ph},{ph},{ph})", rows)


def delete_tags(conn: Any, ph: str, record_id: str) -> None:
    conn.execute(f"DELETE FROM concept_tags WHERE record_id = {ph}", (record_id,))


def set_roles(conn: Any, ph: str, appraisal: Appraisal) -> None:
    """Fill the drug tags' role from an appraisal (studied / comparator) where it names the drug."""
    from ..vocab.tagging import drug_roles

    rows = [(role, appraisal.record_id, drug) for drug, role in drug_roles(appraisal).items()]
    if rows:
        conn.executemany(
            f"UPDATE concept_tags SET role = {ph} WHERE record_id = {ph} AND kind = 'drug' AND concept = {ph}", rows
        )


def backfill(conn: Any, ph: str, rows: Iterable[tuple[str, str, str]], app_rows: Iterable[str]) -> int:
    """Tag stored records (``rows``: id, kind, JSON) and fill roles from stored appraisals (JSON); the
    migration that adds the index runs this once. Returns the number of records tagged."""
    n = 0
    batch: list[Record] = []
    for _rid, kind, data in rows:
        if kind not in ("article", "trial"):
            continue
        batch.append(Record.model_validate_json(data))
        if len(batch) >= _CHUNK:
            replace_tags(conn, ph, batch)
            n += len(batch)
            batch = []
    replace_tags(conn, ph, batch)
    n += len(batch)
    if n:
        for data in app_rows:
            set_roles(conn, ph, Appraisal.model_validate(json.loads(data) if isinstance(data, str) else data))
    return n


def _in(conn: Any, ph: str, sql: str, values: list[str], extra: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for i in range(0, len(values), _CHUNK):
        chunk = values[i : i + _CHUNK]
        cur = conn.execute(sql.replace("{IN}", ",".join([ph] * len(chunk))), (*extra, *chunk))
        out.extend(cur.fetchall())
    return out


_RANK = ("CASE {t}.source WHEN 'background' THEN -1 WHEN 'passing' THEN 0 WHEN 'abstract' THEN 1 WHEN 'title' THEN 2"
         " ELSE 3 END")
# a drug the appraisal studied counts as named in the abstract, however often the text names it
_DRUG_RANK = f"CASE WHEN d.role = 'studied' AND d.source IN ('passing', 'background') THEN 1 ELSE {_RANK.format(t='d')} END"


def concept_records(conn: Any, ph: str, drugs: list[str], conditions: list[str], *,
                    limit: int = 5000) -> dict[str, float]:
    """Records tagged with any of ``drugs`` and (when given) any of ``conditions``, each with a strength:
    the weaker side's best source (3 MeSH or registry, 2 title, 1 abstract, 0 named once in the abstract);
    the strongest ``limit`` (then by id), joined in the database on the (kind, concept, record_id) index.

    A record matches when at least one side is what it is about (MeSH, registry, title, named twice in
    the abstract; for the drug also the appraisal's studied drug or two of the drugs asked about, each named
    once) and the other is at least named: a drug trial may name the condition it treats once ("adults with
    hypertension took ..."), a review of a condition's treatment may name each drug once. A drug named once as background to the study
    ("patients taking aspirin were excluded") never matches; with no conditions asked the drug must be
    what the record is about."""
    drugs, conditions = sorted(set(drugs)), sorted(set(conditions))
    if not drugs:
        return {}
    d_in = ",".join([ph] * len(drugs))
    a = f"MAX({_DRUG_RANK})"
    if not conditions:
        sql = (f"SELECT d.record_id, {a} AS s FROM concept_tags d"
               f" WHERE d.kind = 'drug' AND d.concept IN ({d_in}) GROUP BY d.record_id HAVING {a} >= 1"
               f" ORDER BY s DESC, d.record_id LIMIT {int(limit)}")
        return {r[0]: float(r[1]) for r in conn.execute(sql, drugs).fetchall()}
    c_in = ",".join([ph] * len(conditions))
    # two of the drugs asked about, each named once, are named together: the record is about them as much as
    # about one drug named twice ("glyburide, metformin and sulfonylureas" for an oral hypoglycemics question)
    named = "COUNT(DISTINCT CASE WHEN d.source <> 'background' THEN d.concept END)"
    a = f"CASE WHEN {named} >= 2 AND {a} < 1 THEN 1 ELSE {a} END"
    b = f"MAX({_RANK.format(t='c')})"
    sql = (f"SELECT d.record_id, CASE WHEN {a} < {b} THEN {a} ELSE {b} END AS s"
           f" FROM concept_tags d JOIN concept_tags c ON c.record_id = d.record_id AND c.kind = 'condition'"
           f" AND c.concept IN ({c_in}) WHERE d.kind = 'drug' AND d.concept IN ({d_in})"
           f" GROUP BY d.record_id HAVING {a} >= 0 AND ({a} >= 1 OR {b} >= 1)"
           f" ORDER BY s DESC, d.record_id LIMIT {int(limit)}")
    return {r[0]: float(r[1]) for r in conn.execute(sql, [*conditions, *drugs]).fetchall()}


def tags_of(conn: Any, ph: str, ids: list[str]) -> dict[str, set[tuple[str, str, str]]]:
    """(kind, concept, source) tags of each of ``ids`` the index has tagged (untagged ids are absent); the
    marker is ("tagged", "", "")."""
    out: dict[str, set[tuple[str, str, str]]] = {}
    sql = "SELECT record_id, kind, concept, source FROM concept_tags WHERE record_id IN ({IN})"
    for rid, kind, concept, source in _in(conn, ph, sql, sorted(set(ids))):
        out.setdefault(rid, set()).add((kind, concept, source))
    return out


def tagged_ids(conn: Any, ph: str, ids: list[str]) -> set[str]:
    """Which of ``ids`` the index has tagged (the others are reached by full-text search only)."""
    sql = "SELECT record_id FROM concept_tags WHERE kind = 'tagged' AND concept = '' AND record_id IN ({IN})"
    return {r[0] for r in _in(conn, ph, sql, sorted(set(ids)))}


__all__ = ["META_KEY", "SCHEMA", "TAGGER_VERSION", "backfill", "concept_records", "delete_tags", "replace_tags", "reset_tagging_vocabulary", "set_roles", "tag_rows", "tagged_ids", "tagging_version", "tags_of"]
