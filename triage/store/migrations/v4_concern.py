"""Schema version 4: author concern (``migrations.STEPS[3]``).

- ``author_concern``: one row per author with any evidence, rebuilt by every analytics refresh
  (``triage.analytics.concern.refresh_concern``): the concern figure, the components it is
  made of (JSON, so the author screen and ``--json`` can show them), the warning behaviours
  with their evidence posts, posts flagged, latest activity, trend, and ``changed_at`` (when
  the figure last rose, which a rebuild must not forget: it is carried over).
- ``concern_lifts``: posts that entered the flagged queue only because their author is of
  concern (their own risk is under the flag threshold). Kept so a later refresh can take them
  out again when the author's concern falls, without touching posts the detector flagged.

Derived like ``author_changes``: everything but ``changed_at`` can be rebuilt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

DDL = """
CREATE TABLE IF NOT EXISTS author_concern (
    author_id INTEGER PRIMARY KEY REFERENCES authors(id),
    concern REAL NOT NULL,          -- 0..1
    components TEXT NOT NULL,       -- JSON: ConcernBreakdown
    behaviours TEXT NOT NULL,       -- JSON: [[name, [post ids]], ...]
    flagged INTEGER NOT NULL,       -- the author's flagged posts
    latest_at INTEGER,              -- UTC epoch of their newest post
    trend TEXT NOT NULL,            -- up | down | flat | quiet
    changed_at REAL,                -- when the concern last rose (UTC epoch of that refresh)
    computed_at REAL NOT NULL,
    method TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_author_concern_rank ON author_concern(concern DESC, author_id);

CREATE TABLE IF NOT EXISTS concern_lifts (
    post_id INTEGER PRIMARY KEY REFERENCES posts(id),
    author_id INTEGER NOT NULL,
    concern REAL NOT NULL,          -- the author's concern when the post was lifted
    lifted_at REAL NOT NULL
);
"""


def migrate(db: sqlite_utils.Database) -> None:
    db.conn.executescript(DDL)
