"""Claims: a post open in one analyst's console is theirs for a few minutes.

A claim is a row ``(post_id, analyst, claimed_at, expires_at)``. Taking one is a single
conditional upsert inside a write transaction: the row is written when there is none, when the
one there has expired, or when it is already this analyst's (a renewal); otherwise it is left
alone. Reading the row back in the same transaction says who holds the post, so of two analysts
opening a post at once exactly one wins, in separate processes too (SQLite's write lock, or
PostgreSQL's row lock, orders the two upserts).

Claims are coordination, not evidence: not audited, deleted when released. An expired row is
as good as none; nothing needs to sweep them.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from .schema import schema_version

if TYPE_CHECKING:
    from .core import Store

CLAIMS_VERSION = 5  # the schema step (migrations/v5_analysts) that made the table
_CHUNK = 500

_TAKE = (
    "INSERT INTO claims (post_id, analyst, claimed_at, expires_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (post_id) DO UPDATE SET analyst = excluded.analyst, "
    "claimed_at = CASE WHEN claims.analyst = excluded.analyst THEN claims.claimed_at ELSE excluded.claimed_at END, "
    "expires_at = excluded.expires_at "
    "WHERE claims.expires_at < ? OR claims.analyst = ?"
)


@dataclass(frozen=True)
class Claim:
    post_id: int
    analyst: str
    claimed_at: float
    expires_at: float


def present(conn: sqlite3.Connection) -> bool:
    """Whether the store has the claims table (a read-only store from before version 5 has not)."""
    return schema_version(conn) >= CLAIMS_VERSION


def claim(store: Store, post_id: int, analyst: str, minutes: float, now: float | None = None) -> Claim:
    """Claim (or renew) ``post_id`` for ``analyst`` until now + ``minutes``. Returns the claim that
    stands afterwards: this analyst's when they won, the other holder's when they did not."""
    now = time.time() if now is None else now
    with store.transaction() as conn:
        conn.execute(_TAKE, (post_id, analyst, now, now + minutes * 60, now, analyst))
        row = conn.execute("SELECT analyst, claimed_at, expires_at FROM claims WHERE post_id = ?",
                           (post_id,)).fetchone()
    return Claim(post_id, row[0], row[1], row[2])


def release(store: Store, post_ids: Iterable[int], analyst: str) -> None:
    """Give back this analyst's claims on these posts (another analyst's claim stays)."""
    ids = list(post_ids)
    if not ids:
        return
    with store.transaction() as conn:
        for at in range(0, len(ids), _CHUNK):
            chunk = ids[at:at + _CHUNK]
            conn.execute(f"DELETE FROM claims WHERE analyst = ? AND post_id IN ({','.join('?' * len(chunk))})",
                         (analyst, *chunk))


def held_by_others(conn: sqlite3.Connection, post_ids: Iterable[int], analyst: str,
                   now: float | None = None) -> dict[int, Claim]:
    """The live claims of other analysts on these posts, by post id."""
    ids = list(post_ids)
    if not ids or not present(conn):
        return {}
    now = time.time() if now is None else now
    out: dict[int, Claim] = {}
    for at in range(0, len(ids), _CHUNK):
        chunk = ids[at:at + _CHUNK]
        for post_id, holder, claimed_at, expires_at in conn.execute(
                "SELECT post_id, analyst, claimed_at, expires_at FROM claims "
                f"WHERE expires_at >= ? AND analyst <> ? AND post_id IN ({','.join('?' * len(chunk))})",
                (now, analyst, *chunk)):
            out[post_id] = Claim(post_id, holder, claimed_at, expires_at)
    return out
