"""The schema version a store is at, and bringing it forward. The version lives in
``PRAGMA user_version``; the steps are in ``migrations/`` (one module per version).

This module is cheap to import (no sqlite-utils): it is on the path of every ``Store.open``.
"""

from __future__ import annotations

import sqlite3

from ..errors import TriageError
from . import migrations

SCHEMA_VERSION = len(migrations.STEPS)


class SchemaTooNew(TriageError, RuntimeError):
    pass


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the store forward to SCHEMA_VERSION.

    sqlite-utils commits DDL as it goes (``enable_fts`` runs a script), so a migration is not
    one transaction; ``user_version`` is bumped only after a migration has fully run, and
    migrations are written to be re-runnable on a half-migrated store (``IF NOT EXISTS``
    where it matters).
    """
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"store schema version {current} is newer than this triage ({SCHEMA_VERSION}); upgrade triage"
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        migrations.run(conn, version)
        conn.execute(f"PRAGMA user_version = {version}")
    return SCHEMA_VERSION
