"""Forward migrations of the store's schema, one module per version.

Step *n* (``STEPS[n - 1]``) moves a store from version n-1 to n; each module has a
``migrate(db)`` that takes a ``sqlite_utils.Database``. Add a version by appending a module
name to ``STEPS``; never edit a step that has shipped. ``schema.migrate`` decides which steps a
store needs (from ``PRAGMA user_version``) and calls ``run`` for each.

sqlite-utils (≈0.3 s to import) is imported here, when a step runs, and nowhere else in the
store: opening a store that is up to date, or any read-only one, never loads it.
"""

from __future__ import annotations

import importlib
import sqlite3
from typing import Callable

STEPS = ("v1_initial", "v2_analytics", "v3_rescores", "v4_concern", "v5_analysts", "v6_bundles")


def run(conn: sqlite3.Connection, version: int) -> None:
    """Run the step that brings a store to ``version``. Steps are written to be re-runnable on
    a half-migrated store (``IF NOT EXISTS`` where it matters)."""
    import sqlite_utils

    step = importlib.import_module(f"{__name__}.{STEPS[version - 1]}")
    step.migrate(sqlite_utils.Database(conn))


def ensure(store, version: int, present: Callable[[sqlite3.Connection], bool]) -> bool:
    """Whether the tables of step ``version`` are there (``present`` says), running that step on a
    writable store that lacks them; a read-only store last written by an older triage has none,
    and the feature built on them then reads nothing."""
    if present(store.conn):
        return True
    if store.readonly:
        return False
    run(store.conn, version)
    return True
