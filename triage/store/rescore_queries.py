"""What `triage rescore` reads and writes: post states around a retag, and the ``rescores`` rows
(schema v3, ``migrations/v3_rescores.py``) that keep a post's score from before a new model rescored it."""

from __future__ import annotations

import sqlite3
from typing import Sequence

from . import catalog
from .analytics_queries import CHANGE_HIT_ORIGIN
from .rows import PostState, RescoreRow


def post_states(conn: sqlite3.Connection, after_id: int = 0, limit: int = 1000) -> list[PostState]:
    """The next ``limit`` posts after ``after_id`` in id order (keyset paging), as the detector left them."""
    return [PostState(r[0], r[1], bool(r[2]), r[3]) for r in conn.execute(
        "SELECT id, score, flagged, detector_version FROM posts WHERE id > ? ORDER BY id LIMIT ?",
        (after_id, limit))]


def post_states_between(conn: sqlite3.Connection, first_id: int, last_id: int) -> list[PostState]:
    return [PostState(r[0], r[1], bool(r[2]), r[3]) for r in conn.execute(
        "SELECT id, score, flagged, detector_version FROM posts WHERE id BETWEEN ? AND ? ORDER BY id",
        (first_id, last_id))]


def analytics_hits_between(conn: sqlite3.Connection, first_id: int, last_id: int) -> int:
    """Behaviour-change hits (put there by analytics, not the detector) on posts in an id range."""
    return conn.execute("SELECT COUNT(*) FROM hits WHERE post_id BETWEEN ? AND ? AND origin = ?",
                        (first_id, last_id, CHANGE_HIT_ORIGIN)).fetchone()[0]


def record_rescores(store, rows: Sequence[RescoreRow]) -> int:
    """Append the rows (one transaction). Returns how many were written."""
    if not rows:
        return 0
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO rescores (post_id, at, old_score, new_score, old_flagged, new_flagged, old_detector, "
            "new_detector) VALUES (?,?,?,?,?,?,?,?)",
            [(r.post_id, r.at, r.old_score, r.new_score, int(r.old_flagged), int(r.new_flagged), r.old_detector,
              r.new_detector) for r in rows])
    return len(rows)


def _has_table(conn: sqlite3.Connection) -> bool:
    # A store opened read-only by this triage may still be at schema v2 (nothing migrated it yet).
    return catalog.has_table(conn, "rescores")


_COLUMNS = "post_id, at, old_score, new_score, old_flagged, new_flagged, old_detector, new_detector"


def _row(r) -> RescoreRow:
    return RescoreRow(r[0], r[1], r[2], r[3], bool(r[4]), bool(r[5]), r[6], r[7])


def latest_rescore(conn: sqlite3.Connection, post_id: int) -> RescoreRow | None:
    if not _has_table(conn):
        return None
    row = conn.execute(f"SELECT {_COLUMNS} FROM rescores WHERE post_id = ? ORDER BY id DESC LIMIT 1",
                       (post_id,)).fetchone()
    return _row(row) if row else None


def rescores_at(conn: sqlite3.Connection, at: float) -> list[RescoreRow]:
    """The rows one rescore run wrote (they share its ``at``), in post id order."""
    if not _has_table(conn):
        return []
    return [_row(r) for r in conn.execute(f"SELECT {_COLUMNS} FROM rescores WHERE at = ? ORDER BY post_id", (at,))]
