"""Schema version 3: ``rescores`` (``migrations.STEPS[2]``), what `triage rescore` changed.

A retag replaces a post's score, flag and hits in place; the detector version on the post says
which detector made them, but not what the post looked like before. When a new model is put to
work the analyst wants to see what it changed, so ``triage rescore`` keeps one row per post whose
risk score moved by more than ``RESCORE_MIN_SHIFT`` or whose flagged state changed: the old and
new score, flag and detector version. The post view shows the latest row.

Append-only like ``labels``: a second rescore adds rows and history stays. Unlike the other
derived tables it cannot be rebuilt (the old scores are gone once the posts are retagged).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

DDL = """
CREATE TABLE IF NOT EXISTS rescores (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id),
    at REAL NOT NULL,              -- UTC epoch of the rescore run (one value for the whole run)
    old_score REAL, new_score REAL,
    old_flagged INTEGER, new_flagged INTEGER,
    old_detector TEXT, new_detector TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rescores_post ON rescores(post_id, id);
CREATE INDEX IF NOT EXISTS idx_rescores_at ON rescores(at);
"""


def migrate(db: sqlite_utils.Database) -> None:
    db.conn.executescript(DDL)
