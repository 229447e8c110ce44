"""Schema versions shared by both backends: named migrations, applied in order, never edited.

Adding a schema change (any helper may):

1. write a function ``_mNNN_what(db)`` next to the others in ``store/sqlite_migrations.py`` (it receives
   the connection inside an open transaction; use :func:`~rxevidence.store.sqlite_migrations.run_script`,
   never ``executescript``, which would commit) and, when PostgreSQL needs it too, ``_mNNN_what(cur)`` in
   ``store/postgres_migrations.py``;
2. **append** ``("NNN_what", _mNNN_what)`` to the end of that backend's ``MIGRATIONS`` list (never
   insert, rename or reorder: a store records the names it has applied, and its version is their
   count; SQLite also keeps it in ``PRAGMA user_version``);
3. run ``pytest tests/test_faults_schema.py``: it builds a store at every earlier version and
   upgrades it, so the new migration is tested from each of them without writing a new test.

A store that names a migration this code does not know, or whose ``user_version`` is higher than
the number of migrations, was written by a newer rxevidence: :func:`check_versions` refuses it
(:class:`~rxevidence.errors.SchemaTooNew`) rather than write to or misread it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import SchemaTooNew


def check_versions(url: str, known: Sequence[str], applied: Iterable[str], user_version: int = 0) -> list[str]:
    """The migrations still to apply, in order; SchemaTooNew when the store is newer than the code."""
    applied = set(applied)
    unknown = sorted(applied - set(known))
    if unknown or user_version > len(known):
        found = max(user_version, len(applied))
        what = f"; it has migration(s) this version does not know: {', '.join(unknown)}" if unknown else ""
        raise SchemaTooNew(
            f"The store {url} was written by a newer rxevidence (schema version {found}; this version knows "
            f"up to {len(known)}{what}). Upgrade rxevidence (pip install -U rxevidence) or use another --db; "
            "nothing was changed."
        )
    return [name for name in known if name not in applied]


__all__ = ["check_versions"]
