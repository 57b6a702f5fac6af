"""Read-side queries. Screens and the CLI ask these; they never build SQL themselves."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field


@dataclass
class Stats:
    posts: int
    authors: int
    sources: int
    flagged: int
    labeled: int
    unreviewed: int  # flagged and not yet labeled
    untagged: int
    by_source: dict[str, int] = field(default_factory=dict)
    by_indicator: dict[str, int] = field(default_factory=dict)  # posts with at least one hit
    by_disposition: dict[str, int] = field(default_factory=dict)
    schema_version: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _one(conn: sqlite3.Connection, sql: str, params=()) -> int:
    return conn.execute(sql, params).fetchone()[0] or 0


def stats(conn: sqlite3.Connection) -> Stats:
    return Stats(
        posts=_one(conn, "SELECT COUNT(*) FROM posts"),
        authors=_one(conn, "SELECT COUNT(*) FROM authors"),
        sources=_one(conn, "SELECT COUNT(*) FROM sources"),
        flagged=_one(conn, "SELECT COUNT(*) FROM posts WHERE flagged = 1"),
        labeled=_one(conn, "SELECT COUNT(*) FROM posts WHERE disposition IS NOT NULL"),
        unreviewed=_one(conn, "SELECT COUNT(*) FROM posts WHERE flagged = 1 AND disposition IS NULL"),
        untagged=_one(conn, "SELECT COUNT(*) FROM posts WHERE tagged_at IS NULL"),
        by_source=dict(conn.execute("SELECT source, COUNT(*) FROM posts GROUP BY source ORDER BY 2 DESC")),
        by_indicator=dict(conn.execute(
            "SELECT indicator, COUNT(DISTINCT post_id) FROM hits GROUP BY indicator ORDER BY 2 DESC")),
        by_disposition=dict(conn.execute(
            "SELECT disposition, COUNT(*) FROM posts WHERE disposition IS NOT NULL GROUP BY disposition")),
        schema_version=_one(conn, "PRAGMA user_version"),
    )


def untagged_posts(conn: sqlite3.Connection, after_id: int = 0, limit: int = 1000) -> list[tuple[int, str]]:
    """(id, text) of posts the detector has not seen, in id order (keyset paging)."""
    return conn.execute(
        "SELECT id, text FROM posts WHERE tagged_at IS NULL AND id > ? ORDER BY id LIMIT ?", (after_id, limit)
    ).fetchall()


def all_posts_text(conn: sqlite3.Connection, after_id: int = 0, limit: int = 1000) -> list[tuple[int, str]]:
    return conn.execute(
        "SELECT id, text FROM posts WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit)
    ).fetchall()
