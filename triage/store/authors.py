"""Authors (one account on one source): finding them by handle or id, and paging through them."""

from __future__ import annotations

import sqlite3
from typing import Iterable

from .rows import AuthorRow

# The columns of an AuthorRow, in its field order.
AUTHOR_COLS = "id, source, handle, display_name, COALESCE(post_count, 0), first_seen, last_seen, external_id"


def _marks(values) -> str:
    return ",".join("?" * len(values))


def find_authors(conn: sqlite3.Connection, handle: str, source: str | None = None,
                 any_case: bool = False) -> list[AuthorRow]:
    """Authors with this handle (on one source, or any); ``any_case`` ignores case (a scan)."""
    where = "lower(handle) = lower(?)" if any_case else "handle = ?"
    params = [handle]
    if source is not None:
        where, params = where + " AND source = ?", params + [source]
    rows = conn.execute(f"SELECT {AUTHOR_COLS} FROM authors WHERE {where} ORDER BY source, handle", params)
    return [AuthorRow(*r) for r in rows]


def authors_by_id(conn: sqlite3.Connection, ids: Iterable[int]) -> list[AuthorRow]:
    ids = list(ids)
    if not ids:
        return []
    rows = conn.execute(f"SELECT {AUTHOR_COLS} FROM authors WHERE id IN ({_marks(ids)}) ORDER BY id", ids)
    return [AuthorRow(*r) for r in rows]


def authors_after(conn: sqlite3.Connection, after_id: int, limit: int = 50_000) -> list[AuthorRow]:
    """The next ``limit`` authors after ``after_id`` in id order (keyset paging)."""
    rows = conn.execute(f"SELECT {AUTHOR_COLS} FROM authors WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit))
    return [AuthorRow(*r) for r in rows]


def most_active_author(conn: sqlite3.Connection) -> AuthorRow | None:
    """The author with the most posts (the benchmarks profile them)."""
    row = conn.execute(f"SELECT {AUTHOR_COLS} FROM authors ORDER BY post_count DESC LIMIT 1").fetchone()
    return AuthorRow(*row) if row else None


def author_handles(conn: sqlite3.Connection, author_ids) -> list[str]:
    """The distinct handles of these authors (what an export's filter line names)."""
    ids = list(author_ids)
    if not ids:
        return []
    return [r[0] for r in conn.execute(f"SELECT DISTINCT handle FROM authors WHERE id IN ({_marks(ids)})", ids)]
