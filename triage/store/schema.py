"""The schema version a store is at, and bringing it forward. The version lives in
``PRAGMA user_version`` on SQLite and in a ``meta`` row on PostgreSQL (``catalog``); the steps are
in ``migrations/`` (one module per version).

This module is cheap to import (no sqlite-utils): it is on the path of every ``Store.open``.
"""

from __future__ import annotations

from ..errors import TriageError
from . import migrations
from .catalog import schema_version

SCHEMA_VERSION = len(migrations.STEPS)


class SchemaTooNew(TriageError, RuntimeError):
    pass


def migrate(conn) -> int:
    """Bring the store forward to SCHEMA_VERSION.

    sqlite-utils commits DDL as it goes (``enable_fts`` runs a script), so a migration is not
    one transaction; the version is bumped only after a migration has fully run, and
    migrations are written to be re-runnable on a half-migrated store (``IF NOT EXISTS``
    where it matters). On PostgreSQL each step is one transaction under the store's write lock,
    so two processes opening a new store at once migrate it once.
    """
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"store schema version {current} is newer than this triage ({SCHEMA_VERSION}); upgrade triage"
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        migrations.run(conn, version)
    return SCHEMA_VERSION
