"""Schema version 5: many analysts on one store (``migrations.STEPS[4]``).

- ``claims``: who has a post open in the console, until when. One row per post at most: a
  claim is taken or renewed by one conditional upsert (``store.claims.claim``), so two analysts
  opening the same post at once cannot both win. Claims are coordination, not evidence: they
  are overwritten, deleted on release, and not in the audit log or the custody heads.
- ``resolutions``: the label rows a reviewer made from the review queue to settle a
  disagreement (``store.agreement_queries.settle``). The label itself is an ordinary, audited
  ``labels`` row; this row only says it was a review, not a rating.
- An index on ``labels (post_id, analyst)`` and ``verdicts (post_id, indicator, analyst)``: the
  current decision of each analyst on a post (disagreements, ``triage agreement``) reads them.

Labels and verdicts themselves already carry their analyst (version 1): nothing is rewritten.
Both keys are given, never generated (a post id, a label id), so they are table constraints,
not ``INTEGER PRIMARY KEY`` columns, which the PostgreSQL runner turns into identity columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

DDL = """
CREATE TABLE IF NOT EXISTS claims (
    post_id INTEGER NOT NULL,
    analyst TEXT NOT NULL,
    claimed_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (post_id)
);
CREATE INDEX IF NOT EXISTS idx_claims_analyst ON claims (analyst);
CREATE TABLE IF NOT EXISTS resolutions (
    label_id INTEGER NOT NULL,
    post_id INTEGER NOT NULL,
    analyst TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (label_id)
);
CREATE INDEX IF NOT EXISTS idx_resolutions_post ON resolutions (post_id);
CREATE INDEX IF NOT EXISTS idx_labels_post_analyst ON labels (post_id, analyst);
CREATE INDEX IF NOT EXISTS idx_verdicts_post_indicator ON verdicts (post_id, indicator, analyst)
"""


def migrate(db: sqlite_utils.Database) -> None:
    db.conn.executescript(DDL)
