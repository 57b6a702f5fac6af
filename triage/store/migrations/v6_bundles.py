"""Air-gapped bundles (``triage bundle export`` / ``import``): what a station remembers of the
bundles it took in. Appended to ``migrations.STEPS`` after ``v4_concern``.

- ``bundles``: one row per bundle imported (its id is the SHA-256 its manifest is sealed with),
  with the exporting station and analyst, when it was made and when it first came in.
- ``bundle_rows``: the idempotent key of every row a bundle brought, ``(station, tbl, remote_id)``
  with the id it got here. A second import of a bundle (or of a later bundle that repeats rows)
  adds only keys not seen yet; an export leaves out rows found here by ``(tbl, local_id)``, so a
  bundle carries only what was decided on its own station and rows never travel back.
- ``bundle_exported``: every row this station's bundles carried, so ``--since-last`` leaves it out
  (per row, not a high-water id: ids can commit out of order on PostgreSQL).
- ``bundle_audit``: the exporting station's audit rows, as its chain had them (``withheld`` 1:
  another analyst's row, carried as id and hashes only, so the chain still links).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

DDL = """
CREATE TABLE IF NOT EXISTS bundles (
    bundle_id TEXT PRIMARY KEY,
    station TEXT NOT NULL,
    analyst TEXT NOT NULL,
    created_at REAL NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    imported_at REAL NOT NULL,
    imported_by TEXT NOT NULL,
    rows_added INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bundle_rows (
    station TEXT NOT NULL,
    tbl TEXT NOT NULL,
    remote_id INTEGER NOT NULL,
    local_id INTEGER NOT NULL,
    bundle_id TEXT NOT NULL,
    PRIMARY KEY (station, tbl, remote_id)
);
CREATE INDEX IF NOT EXISTS idx_bundle_rows_local ON bundle_rows(tbl, local_id);
CREATE TABLE IF NOT EXISTS bundle_exported (
    tbl TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    bundle_id TEXT NOT NULL,
    PRIMARY KEY (tbl, local_id)
);
CREATE TABLE IF NOT EXISTS bundle_audit (
    station TEXT NOT NULL,
    remote_id INTEGER NOT NULL,
    at REAL,
    analyst TEXT,
    action TEXT,
    target TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    withheld INTEGER NOT NULL,
    bundle_id TEXT NOT NULL,
    PRIMARY KEY (station, remote_id)
)
"""


def migrate(db: sqlite_utils.Database) -> None:
    db.conn.executescript(DDL)
