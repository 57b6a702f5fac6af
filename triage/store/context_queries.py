"""What the analyst reads a post in the context of: the thread above a reply (as far as the
store has it), the author's other flagged posts, and the author's concern."""

from __future__ import annotations

import sqlite3

from . import catalog
from . import concern_queries as cq
from .rows import AuthorConcernBrief, ContextLine

MAX_THREAD = 8  # ancestors shown above a reply, nearest last
MAX_OTHERS = 5  # the author's other flagged posts, strongest first
SNIPPET = 200


def _line(row) -> ContextLine:
    return ContextLine(row[0], row[1] or "?", row[2], row[3], bool(row[4]), row[5] or "")


_COLS = f"p.id, a.handle, p.created_at, p.score, p.flagged, substr(p.text, 1, {SNIPPET})"


def thread_above(conn: sqlite3.Connection, source: str, reply_to: str | None, limit: int = MAX_THREAD) -> list[ContextLine]:
    """The posts a reply answers, root first, as far up as the store has them (each step is a
    lookup on the (source, external_id) key; a cycle in hostile data stops the walk)."""
    out: list[ContextLine] = []
    seen: set[int] = set()
    while reply_to and len(out) < limit:
        row = conn.execute(f"SELECT {_COLS}, p.reply_to FROM posts p LEFT JOIN authors a ON a.id = p.author_id "
                           "WHERE p.source = ? AND p.external_id = ?", (source, reply_to)).fetchone()
        if row is None or row[0] in seen:
            break
        seen.add(row[0])
        out.append(_line(row))
        reply_to = row[6]
    return list(reversed(out))


def other_flagged(conn: sqlite3.Connection, author_id: int, exclude: int, limit: int = MAX_OTHERS) -> list[ContextLine]:
    """The author's other flagged posts, highest risk first (the covering profile index when present)."""
    hint = " INDEXED BY idx_posts_author_profile" if catalog.has_index(conn, "idx_posts_author_profile") else ""
    ids = [r[0] for r in conn.execute(
        f"SELECT id FROM posts{hint} WHERE author_id = ? AND flagged = 1 AND id != ? ORDER BY score DESC, id LIMIT ?",
        (author_id, exclude, limit))]
    if not ids:
        return []
    rows = {r[0]: _line(r) for r in conn.execute(
        f"SELECT {_COLS} FROM posts p LEFT JOIN authors a ON a.id = p.author_id WHERE p.id IN ({','.join('?' * len(ids))})",
        ids)}
    return [rows[i] for i in ids if i in rows]


def author_concern(conn: sqlite3.Connection, author_id: int, post_id: int) -> AuthorConcernBrief | None:
    row = cq.for_authors(conn, [author_id]).get(author_id)
    if row is None:
        return None
    return AuthorConcernBrief(row.concern, [name for name, _ in row.behaviours], row.trend,
                              cq.lifted(conn, post_id) is not None)
