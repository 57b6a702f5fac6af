"""Posts as the tagger and the live queue read them: the newest id, texts by id or page, and the
counts a status line shows. (The queue itself is in ``queries``; one post in full is
``queries.post_detail``.)"""

from __future__ import annotations

import json
import sqlite3
from typing import Sequence


def max_post_id(conn: sqlite3.Connection) -> int:
    """The newest post's id (0 for an empty store). Ids only grow: nothing is ever deleted, so
    posts past a remembered maximum are exactly the ones added since."""
    return conn.execute("SELECT COALESCE(MAX(id), 0) FROM posts").fetchone()[0]


def post_texts(conn: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[int, str]]:
    """(id, text) of these posts in id order; ids with no post are left out."""
    ids = list(ids)
    if not ids:
        return []
    return conn.execute("SELECT id, text FROM posts WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                        (json.dumps(ids),)).fetchall()


def untagged_posts(conn: sqlite3.Connection, after_id: int = 0, limit: int = 1000) -> list[tuple[int, str]]:
    """(id, text) of posts the detector has not seen, in id order (keyset paging)."""
    return conn.execute(
        "SELECT id, text FROM posts WHERE tagged_at IS NULL AND id > ? ORDER BY id LIMIT ?", (after_id, limit)
    ).fetchall()


def all_posts_text(conn: sqlite3.Connection, after_id: int = 0, limit: int = 1000) -> list[tuple[int, str]]:
    """(id, text) of every post, in id order (keyset paging): what `triage retag` reads."""
    return conn.execute(
        "SELECT id, text FROM posts WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit)
    ).fetchall()


def untagged_count(conn: sqlite3.Connection) -> int:
    """Posts the detector has not seen yet (an import killed mid-way, a batch whose tagging
    failed): the next import or `triage tag` takes them. A partial index keeps this instant."""
    return conn.execute("SELECT COUNT(*) FROM posts INDEXED BY idx_posts_untagged "
                        "WHERE tagged_at IS NULL").fetchone()[0]


def unreviewed_count(conn: sqlite3.Connection) -> int:
    """Flagged posts with no label yet (a count over a partial index: milliseconds at 1M posts)."""
    return conn.execute("SELECT COUNT(*) FROM posts INDEXED BY idx_posts_unreviewed "
                        "WHERE flagged = 1 AND disposition IS NULL").fetchone()[0]
