"""SQL for author concern (``triage/analytics/concern.py``) and the reads the console and CLI
make of it. Reads take any connection; writes take the connection of a ``store.transaction()``.

The refresh reads hits, not posts: an author with no hit has no concern, and a 1M-post store
has its evidence in a few hundred thousand hit rows, read in one pass ordered by author.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Iterator, NamedTuple, Sequence

from . import catalog, migrations
from .analytics_queries import _marks
from .rows import ConcernRow, EvidenceRow

TABLES = ("author_concern", "concern_lifts")


def present(conn: sqlite3.Connection) -> bool:
    return set(TABLES) <= catalog.table_names(conn)


def ensure_schema(store) -> bool:
    """Whether the concern tables are there (a read-only store written by an older triage has none)."""
    return migrations.ensure(store, 4, present)


# ---- what the refresh reads -------------------------------------------------------------------

def evidence_rows(conn: sqlite3.Connection, min_score: float) -> Iterator[EvidenceRow]:
    """Every hit at or above ``min_score`` with its post's author, time, label and whether it was
    said to someone, in hit-index order (the caller groups: a sort of every hit by author would
    cost more than the grouping)."""
    rows = conn.execute(
        "SELECT p.author_id, h.post_id, p.created_at, h.indicator, h.score, h.origin, p.disposition, "
        "(p.reply_to IS NOT NULL OR p.reply_to_author IS NOT NULL OR "
        " (p.mentions IS NOT NULL AND p.mentions NOT IN ('', '[]'))) "
        "FROM hits h JOIN posts p ON p.id = h.post_id WHERE h.score >= ?", (min_score,))
    return map(EvidenceRow._make, rows)


def post_texts(conn: sqlite3.Connection, post_ids: Iterable[int], max_chars: int = 2000) -> dict[int, tuple[str, str | None]]:
    """post id -> (start of the text, place) for the few posts whose words the refresh reads."""
    ids = list(post_ids)
    out: dict[int, tuple[str, str | None]] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for pid, text, place in conn.execute(
                f"SELECT id, substr(text, 1, {int(max_chars)}), place FROM posts WHERE id IN ({_marks(chunk)})", chunk):
            out[pid] = (text or "", place)
    return out


def newest_post_time(conn: sqlite3.Connection) -> int | None:
    return conn.execute("SELECT MAX(created_at) FROM posts").fetchone()[0]


def flagged_per_author(conn: sqlite3.Connection) -> dict[int, int]:
    return dict(conn.execute("SELECT author_id, COUNT(*) FROM posts WHERE flagged = 1 GROUP BY author_id"))


def labels_per_author(conn: sqlite3.Connection) -> dict[int, dict[str, int]]:
    """author id -> {disposition: posts} over the current labels (idx_posts_label)."""
    out: dict[int, dict[str, int]] = {}
    for author, disposition, n in conn.execute(
            "SELECT author_id, disposition, COUNT(*) FROM posts INDEXED BY idx_posts_label "
            "WHERE disposition IS NOT NULL GROUP BY author_id, disposition"):
        out.setdefault(author, {})[disposition] = n
    return out


def latest_post_times(conn: sqlite3.Connection, author_ids: Sequence[int]) -> dict[int, int]:
    ids = list(author_ids)
    out: dict[int, int] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        out.update(conn.execute(f"SELECT id, last_seen FROM authors WHERE id IN ({_marks(chunk)})", chunk))
    return out


def previous(conn: sqlite3.Connection) -> dict[int, tuple[float, float | None]]:
    """author id -> (concern, changed_at) as the last refresh left them."""
    if not present(conn):
        return {}
    return {a: (c, ch) for a, c, ch in conn.execute("SELECT author_id, concern, changed_at FROM author_concern")}


# ---- what the refresh writes ------------------------------------------------------------------

class ConcernWrite(NamedTuple):
    author_id: int
    concern: float
    components: dict
    behaviours: list  # [[name, [post ids]], ...]
    flagged: int
    latest_at: int | None
    trend: str
    changed_at: float | None


def replace_concern(conn: sqlite3.Connection, rows: Sequence[ConcernWrite], now: float, method: str) -> None:
    conn.execute("DELETE FROM author_concern")
    conn.executemany(
        "INSERT INTO author_concern (author_id, concern, components, behaviours, flagged, latest_at, trend, "
        "changed_at, computed_at, method) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(r.author_id, r.concern, json.dumps(r.components, separators=(",", ":")),
          json.dumps(r.behaviours, separators=(",", ":")), r.flagged, r.latest_at, r.trend, r.changed_at, now, method)
         for r in rows])


def apply_lifts(conn: sqlite3.Connection, wanted: dict[int, tuple[int, float]], now: float) -> tuple[int, int]:
    """Make the lifted posts exactly ``wanted`` (post id -> (author id, concern)). A post is lifted
    only when the detector left it unflagged; a lift that is no longer wanted is undone unless
    the post was retagged since (then the detector's flag stands). Returns (lifted, dropped)."""
    old = {pid: at for pid, at in conn.execute("SELECT post_id, lifted_at FROM concern_lifts")}
    dropped = 0
    for pid in set(old) - set(wanted):
        conn.execute("UPDATE posts SET flagged = 0 WHERE id = ? AND COALESCE(tagged_at, 0) <= ?", (pid, old[pid]))
        conn.execute("DELETE FROM concern_lifts WHERE post_id = ?", (pid,))
        dropped += 1
    lifted = 0
    for pid, (author, concern) in wanted.items():
        if pid in old:
            row = conn.execute("SELECT flagged, COALESCE(tagged_at, 0) FROM posts WHERE id = ?", (pid,)).fetchone()
            if row is not None and row[1] > old[pid]:  # retagged since it was lifted
                if row[0]:  # the detector flags it now: the flag is the detector's, not ours
                    conn.execute("DELETE FROM concern_lifts WHERE post_id = ?", (pid,))
                else:  # the retag cleared our flag: put it back
                    conn.execute("UPDATE posts SET flagged = 1 WHERE id = ?", (pid,))
                    conn.execute("UPDATE concern_lifts SET concern = ?, lifted_at = ? WHERE post_id = ?",
                                 (concern, now, pid))
            continue
        cur = conn.execute("UPDATE posts SET flagged = 1 WHERE id = ? AND flagged = 0", (pid,))
        if cur.rowcount:
            conn.execute("INSERT INTO concern_lifts (post_id, author_id, concern, lifted_at) VALUES (?,?,?,?)",
                         (pid, author, concern, now))
            lifted += 1
    return lifted, dropped


# ---- what the console and CLI read ------------------------------------------------------------

_COLS = ("c.author_id, a.source, a.handle, a.display_name, c.concern, c.components, c.behaviours, c.flagged, "
         "c.latest_at, c.trend, c.changed_at, c.computed_at")


def _row(r) -> ConcernRow:
    return ConcernRow(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), json.loads(r[6]), r[7], r[8], r[9], r[10], r[11])


def ranked(conn: sqlite3.Connection, limit: int | None = None, min_concern: float = 0.0) -> list[ConcernRow]:
    """Authors by concern, highest first (ties: lower author id)."""
    if not present(conn):
        return []
    sql = (f"SELECT {_COLS} FROM author_concern c JOIN authors a ON a.id = c.author_id WHERE c.concern >= ? "
           "ORDER BY c.concern DESC, c.author_id")
    params: list = [min_concern]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_row(r) for r in conn.execute(sql, params)]


def for_authors(conn: sqlite3.Connection, author_ids: Sequence[int]) -> dict[int, ConcernRow]:
    ids = list(author_ids)
    if not ids or not present(conn):
        return {}
    return {r[0]: _row(r) for r in conn.execute(
        f"SELECT {_COLS} FROM author_concern c JOIN authors a ON a.id = c.author_id "
        f"WHERE c.author_id IN ({_marks(ids)})", ids)}


def lifted(conn: sqlite3.Connection, post_id: int) -> float | None:
    """The author's concern if this post is in the flagged queue because of it, else None."""
    if not present(conn):
        return None
    row = conn.execute("SELECT concern FROM concern_lifts WHERE post_id = ?", (post_id,)).fetchone()
    return row[0] if row else None
