"""Store side of `triage collect` / `triage collectors`: per-batch cursor saves and the reads
the collector commands need. (Kept in its own module while the store core is being worked on
elsewhere; ``Store.collector_cursor``/``save_collector_run`` stay the main entry points.)"""

from __future__ import annotations

import json
import sqlite3
from typing import Sequence

from .rows import CollectorStatus, FeedStatus, PostBrief


def save_cursor(store, name: str, plugin: str, cursor) -> None:
    """Save a collector's cursor after a committed batch, without counting a run (that is
    ``Store.save_collector_run``'s job at the end). A None cursor keeps the stored one."""
    if cursor is None:
        return
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO collector_state (name, plugin, cursor, runs, posts_added) VALUES (?, ?, ?, 0, 0) "
            "ON CONFLICT(name) DO UPDATE SET plugin = excluded.plugin, cursor = excluded.cursor",
            (name, plugin, json.dumps(cursor)),
        )


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def feed_statuses(cursor_json: str | None) -> list[FeedStatus]:
    """The per-feed status in a stored cursor (empty for collectors that keep none)."""
    try:
        cursor = json.loads(cursor_json) if cursor_json else None
    except ValueError:
        return []
    status = cursor.get("status") if isinstance(cursor, dict) else None
    if not isinstance(status, dict):
        return []
    out = []
    for feed, entry in status.items():
        if not isinstance(entry, dict):
            continue
        error = entry.get("last_error")
        read = entry.get("read")
        out.append(FeedStatus(str(feed), _number(entry.get("last_ok_at")), error if isinstance(error, str) else None,
                              _number(entry.get("last_error_at")), read if isinstance(read, int) else None))
    return out


def collector_states(conn: sqlite3.Connection) -> dict[str, CollectorStatus]:
    rows = conn.execute(
        "SELECT name, plugin, last_run_at, last_ok_at, last_error, runs, posts_added, cursor "
        "FROM collector_state ORDER BY name"
    ).fetchall()
    return {r[0]: CollectorStatus(r[0], r[1], r[2], r[3], r[4], r[5] or 0, r[6] or 0, r[7] is not None,
                                  feed_statuses(r[7])) for r in rows}


def post_briefs(conn: sqlite3.Connection, ids: Sequence[int]) -> list[PostBrief]:
    out: list[PostBrief] = []
    ids = list(ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT id, source, external_id, score, indicators, url FROM posts WHERE id IN ({marks}) ORDER BY id",
            chunk,
        ):
            out.append(PostBrief(row[0], row[1], row[2], row[3], [x for x in (row[4] or "").split(",") if x],
                                 row[5]))
    return out
