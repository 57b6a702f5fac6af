"""Forward migrations of the store's schema, one module per version.

Step *n* (``STEPS[n - 1]``) moves a store from version n-1 to n. On SQLite each module's
``migrate(db)`` takes a ``sqlite_utils.Database``. On PostgreSQL step 1 is ``pg_initial`` (the same
tables as DDL) and every later step's ``DDL`` string runs through ``sql_dialect.to_postgres``:
a new step is written as portable DDL once (README, "PostgreSQL" says what that means). Add a
version by appending a module name to ``STEPS``; never edit a step that has shipped.
``schema.migrate`` decides which steps a store needs and calls ``run`` for each.

sqlite-utils (≈0.3 s to import) is imported here, when a step runs, and nowhere else in the
store: opening a store that is up to date, or any read-only one, never loads it.
"""

from __future__ import annotations

import importlib
from typing import Callable

from ..catalog import schema_version, set_schema_version
from ..sql_dialect import is_postgres

STEPS = ("v1_initial", "v2_analytics", "v3_rescores", "v4_concern", "v5_analysts", "v6_bundles")


def run(conn, version: int) -> None:
    """Run the step that brings a store to ``version`` and record the version. Steps are written
    to be re-runnable on a half-migrated store (``IF NOT EXISTS`` where it matters)."""
    if is_postgres(conn):
        _run_postgres(conn, version)
        return
    import sqlite_utils

    step = importlib.import_module(f"{__name__}.{STEPS[version - 1]}")
    step.migrate(sqlite_utils.Database(conn))
    if schema_version(conn) < version:  # `ensure` may re-run an old step on a newer store
        set_schema_version(conn, version)


def _run_postgres(conn, version: int) -> None:
    conn.execute("BEGIN IMMEDIATE")  # the write lock: a second process waits, then finds it done
    try:
        if schema_version(conn) < version:
            if version == 1:
                from . import pg_initial

                conn.executescript(pg_initial.DDL)
                for statement in pg_initial.NATIVE.strip().split(";\n"):
                    conn.execute_native(statement)
            else:
                conn.executescript(importlib.import_module(f"{__name__}.{STEPS[version - 1]}").DDL)
            set_schema_version(conn, version)
        conn.execute("COMMIT")
    except BaseException:
        conn.rollback()
        raise
    conn.forget_catalog()


def ensure(store, version: int, present: Callable) -> bool:
    """Whether the tables of step ``version`` are there (``present`` says), running that step on a
    writable store that lacks them; a read-only store last written by an older triage has none,
    and the feature built on them then reads nothing."""
    if present(store.conn):
        return True
    if store.readonly:
        return False
    run(store.conn, version)
    return True
