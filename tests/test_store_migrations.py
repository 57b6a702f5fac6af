"""The migrations package: a store is brought forward step by step, and sqlite-utils (≈0.3 s to
import) is loaded only when a step runs: opening a store that is up to date never pays for it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from triage.store import SCHEMA_VERSION, Store
from triage.store.migrations import STEPS


def _open_in_a_fresh_process(path, readonly: bool = False) -> tuple[int, bool]:
    """(schema version after opening, whether sqlite_utils got imported) in a clean interpreter."""
    code = ("import sys\nfrom triage.store import Store\n"
            f"s = Store.open({str(path)!r}, readonly={readonly})\n"
            "print(s.conn.execute('PRAGMA user_version').fetchone()[0], 'sqlite_utils' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), out[1] == "True"


def test_one_step_per_schema_version():
    assert SCHEMA_VERSION == len(STEPS) == 6


def test_sqlite_utils_loads_only_when_a_migration_runs(tmp_path):
    path = tmp_path / "s.db"
    assert _open_in_a_fresh_process(path) == (SCHEMA_VERSION, True)  # a new store: every step runs
    assert _open_in_a_fresh_process(path) == (SCHEMA_VERSION, False)  # up to date: nothing to run
    assert _open_in_a_fresh_process(path, readonly=True) == (SCHEMA_VERSION, False)


def test_an_older_store_gets_only_the_steps_it_lacks(tmp_path):
    path = tmp_path / "s.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')")
    conn.execute("DROP TABLE rescores")  # as a version-2 store has it: no v3 table yet
    conn.execute("DROP TABLE author_concern")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"rescores", "author_concern"} <= tables
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("SELECT value FROM meta WHERE key = 'kept'").fetchone()[0] == "yes"


def test_a_version_4_store_gains_claims_and_keeps_its_labels(tmp_path):
    path = tmp_path / "s.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE claims")  # as a version-4 store has it
    conn.execute("INSERT INTO labels (post_id, disposition, analyst, at) VALUES (1, 'benign', 'ann', 1.0)")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0
        assert store.conn.execute("SELECT analyst FROM labels").fetchall() == [("ann",)]
