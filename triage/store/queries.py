"""Read-side queries. Screens and the CLI ask these; they never build SQL themselves."""

from __future__ import annotations

import sqlite3
from array import array
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from ..errors import TriageError

from . import concern_queries as cq
from . import search_sql
from .catalog import schema_version
# Screens and the CLI ask this one module; what lives by entity elsewhere is re-exported here.
from .agreement_queries import disagreeing_posts, post_decisions, review_order
from .authors import author_handles, find_authors  # noqa: F401
from .claims import Claim, held_by_others  # noqa: F401
from .context_queries import author_concern, other_flagged, thread_above
from .posts import (all_posts_text, max_post_id, post_texts, untagged_count, untagged_posts,  # noqa: F401
                    unreviewed_count)
from .rescore_queries import latest_rescore
from .rows import (AuthorConcernBrief, ContextLine, Decision, HistoryRow, HitRow, PostDecisions,  # noqa: F401
                   PostDetail, QueueRow, RescoreRow, Stats)

if TYPE_CHECKING:
    # post_detail's first 14 columns, as SELECTed: PostDetail's fields id .. score, in order.
    _PostHead = tuple[int, str, str, str, int, str, int, str | None, str | None, str | None,
                      float | None, float | None, str | None, float | None]


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
        schema_version=schema_version(conn),
    )


# ---- the queue ---------------------------------------------------------------------------

SORTS = ("risk", "concern", "time", "author")
LABEL_STATES = ("any", "unreviewed", "labeled")
SNIPPET_CHARS = 300  # rows carry only the start of a post: a 1 MB post must not slow the list


class SearchError(TriageError, ValueError):
    """A full-text query SQLite could not parse; the message is SQLite's own."""


@dataclass(frozen=True)
class QueueFilter:
    flagged_only: bool = True
    indicators: tuple[str, ...] = ()  # posts with any of these
    source: str | None = None
    author_ids: tuple[int, ...] = ()
    label_state: str = "unreviewed"  # any | unreviewed | labeled | a disposition name
    since: int | None = None  # UTC epoch, inclusive
    until: int | None = None  # UTC epoch, exclusive
    min_score: float | None = None
    search: str | None = None  # FTS5 query syntax, passed through
    sort: str = "risk"
    post_ids: tuple[int, ...] = ()  # just these posts (a post opened from the context of another)
    # The review queue: posts two analysts or more decided, disagreements first (the other
    # fields do not apply to it).
    review: bool = False

    def describe(self) -> str:
        from ..timeparse import iso_utc

        if self.review:
            return "review: disagreements first, then agreements"
        parts = ["flagged" if self.flagged_only else "all posts"]
        if self.label_state != "any":
            parts.append(self.label_state)
        if self.indicators:
            parts.append("ind:" + "|".join(self.indicators))
        if self.source:
            parts.append(f"src:{self.source}")
        if self.author_ids:
            parts.append(f"author#{','.join(map(str, self.author_ids))}")
        if self.since is not None:
            parts.append(f"since {iso_utc(self.since)[:10]}")
        if self.until is not None:
            parts.append(f"until {iso_utc(self.until)[:10]}")
        if self.min_score is not None:
            parts.append(f"score≥{self.min_score:g}")
        if self.search:
            parts.append(f"/{self.search}")
        if self.post_ids:
            parts.append("#" + ",".join(map(str, self.post_ids)))
        parts.append(f"by {self.sort}")
        return " · ".join(parts)


def _where(conn, flt: QueueFilter) -> tuple[str, list]:
    clauses: list[str] = []
    params: list[object] = []
    if flt.flagged_only:
        clauses.append("p.flagged = 1")
    if flt.label_state == "unreviewed":
        clauses.append("p.disposition IS NULL")
    elif flt.label_state == "labeled":
        clauses.append("p.disposition IS NOT NULL")
    elif flt.label_state != "any":
        clauses.append("p.disposition = ?")
        params.append(flt.label_state)
    if flt.indicators:
        marks = ",".join("?" * len(flt.indicators))
        clauses.append(f"p.id IN (SELECT post_id FROM hits WHERE indicator IN ({marks}))")
        params += list(flt.indicators)
    if flt.source:
        clauses.append("p.source = ?")
        params.append(flt.source)
    if flt.author_ids:
        clauses.append(f"p.author_id IN ({','.join('?' * len(flt.author_ids))})")
        params += list(flt.author_ids)
    if flt.since is not None:
        clauses.append("p.created_at >= ?")
        params.append(flt.since)
    if flt.until is not None:
        clauses.append("p.created_at < ?")
        params.append(flt.until)
    if flt.min_score is not None:
        clauses.append("p.score >= ?")
        params.append(flt.min_score)
    if flt.search:
        clauses.append(search_sql.matches(conn))
        params.append(flt.search)
    if flt.post_ids:
        clauses.append(f"p.id IN ({','.join('?' * len(flt.post_ids))})")
        params += list(flt.post_ids)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_ORDER = {
    "risk": "ORDER BY p.score DESC, p.id",
    # The author's concern first (authors without any last), then the post's own risk.
    "concern": "ORDER BY COALESCE(c.concern, 0) DESC, p.score DESC, p.id",
    "time": "ORDER BY p.created_at DESC, p.id DESC",
    "author": "ORDER BY a.handle, p.created_at DESC, p.id",
}


def queue_ids(conn: sqlite3.Connection, flt: QueueFilter, after_id: int = 0) -> array:
    """Every post id the filter selects, in queue order (compact: 8 bytes an id).

    ``after_id`` restricts to posts newer than a known maximum (the live "N new" check).
    """
    if flt.review:
        return array("q", [i for i in review_order(conn) if i > after_id])
    if flt.sort == "concern" and not cq.present(conn):
        flt = replace(flt, sort="risk")  # a read-only store from before author concern
    where, params = _where(conn, flt)
    if after_id:
        where += (" AND " if where else " WHERE ") + "p.id > ?"
        params.append(after_id)
    join = {"author": " JOIN authors a ON a.id = p.author_id",
            "concern": " LEFT JOIN author_concern c ON c.author_id = p.author_id"}.get(flt.sort, "")
    # The default queue (flagged, unreviewed) is exactly the partial index idx_posts_unreviewed,
    # whose order (score DESC, rowid) is the queue's: 13 ms for 22k ids at 1M posts, where the
    # planner's own pick (idx_posts_queue, then each row's disposition) takes 150 ms.
    hint = (" INDEXED BY idx_posts_unreviewed"
            if flt.flagged_only and flt.label_state == "unreviewed" and flt.sort == "risk" else "")
    sql = f"SELECT p.id FROM posts p{hint}{join}{where} {_ORDER.get(flt.sort, _ORDER['risk'])}"
    try:
        return array("q", (row[0] for row in conn.execute(sql, params)))
    except Exception as exc:
        if flt.search and _search_mistake(exc):
            raise SearchError(f"search {flt.search!r}: {str(exc).splitlines()[0]}") from None
        raise


def _search_mistake(exc: Exception) -> bool:
    """Whether the engine refused the analyst's search text (not a locked or lost store)."""
    if isinstance(exc, sqlite3.OperationalError):
        # SQLite reports FTS5 query mistakes as OperationalError ("fts5: syntax error near …",
        # "unterminated string", "no such column"); a locked store is not the analyst's typo.
        return "locked" not in str(exc) and "busy" not in str(exc)
    return getattr(exc, "sqlstate", None) == "42601"  # PostgreSQL: its tsquery parser's syntax_error


def reviewed_count(conn: sqlite3.Connection, flt: QueueFilter) -> int:
    """Posts this queue's filter selects that already carry a disposition: what "queue done —
    N reviewed" counts when an unreviewed queue runs empty (every label, from this session or
    an earlier one, that took a post out of this queue)."""
    where, params = _where(conn, replace(flt, label_state="labeled"))
    try:
        return conn.execute(f"SELECT COUNT(*) FROM posts p{where}", params).fetchone()[0]
    except Exception as exc:
        if flt.search and _search_mistake(exc):
            return 0  # the search itself was the mistake; queue_ids has said so
        raise


def queue_rows(conn: sqlite3.Connection, ids, analyst: str | None = None) -> dict[int, QueueRow]:
    """The rows of these posts; with ``analyst``, each row says which other analyst holds a
    claim on it. Every row says whether analysts disagree on it."""
    ids = list(ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    concern = ("(SELECT c.concern FROM author_concern c WHERE c.author_id = p.author_id)"
               if cq.present(conn) else "NULL")
    rows = conn.execute(
        f"SELECT p.id, p.score, p.indicators, p.created_at, p.source, a.handle, substr(p.text, 1, {SNIPPET_CHARS}), "
        f"p.disposition, p.flagged, length(p.text), {concern} FROM posts p LEFT JOIN authors a ON a.id = p.author_id "
        f"WHERE p.id IN ({marks})",
        ids,
    )
    out = {r[0]: QueueRow(r[0], r[1], r[2] or "", r[3], r[4], r[5] or "?", r[6] or "", r[7], bool(r[8]), r[9] or 0,
                          r[10])
           for r in rows}
    for post_id in disagreeing_posts(conn, ids):
        out[post_id].disagreement = True
    if analyst is not None:
        for post_id, held in held_by_others(conn, ids, analyst).items():
            out[post_id].claimed_by = held.analyst
    return out


def sources(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sources ORDER BY name")]


# ---- one post ----------------------------------------------------------------------------

def post_detail(conn: sqlite3.Connection, post_id: int) -> PostDetail | None:
    row = conn.execute(
        "SELECT p.id, p.source, p.external_id, p.text, p.created_at, p.created_raw, p.collected_at, p.url, "
        "p.reply_to, p.lang, p.lat, p.lon, p.place, p.score, p.flagged, p.indicators, p.detector_version, "
        "p.disposition, p.author_id, a.handle, a.display_name, a.post_count, p.raw_sha256 "
        "FROM posts p LEFT JOIN authors a ON a.id = p.author_id WHERE p.id = ?", (post_id,)).fetchone()
    if row is None:
        return None
    detail = PostDetail(*cast("_PostHead", row[:14]), flagged=bool(row[14]),
                        indicators=[i for i in (row[15] or "").split(",") if i], detector_version=row[16],
                        disposition=row[17], author_id=row[18], author_handle=row[19] or "?", author_name=row[20],
                        author_posts=row[21] or 0, raw_sha256=row[22])
    detail.hits = [HitRow(*h) for h in conn.execute(
        'SELECT indicator, score, start, "end", text, rule, origin, detector_version FROM hits '
        "WHERE post_id = ? ORDER BY start, indicator", (post_id,))]
    history = [HistoryRow("label", at, who, value or "(cleared)", undo is not None) for at, who, value, undo in
               conn.execute("SELECT at, analyst, disposition, undo_of FROM labels WHERE post_id = ?", (post_id,))]
    for at, who, ind, verdict, undo in conn.execute(
            "SELECT at, analyst, indicator, verdict, undo_of FROM verdicts WHERE post_id = ? ORDER BY id", (post_id,)):
        detail.verdicts[ind] = verdict
        shown = {1: "confirmed", 0: "rejected", None: "cleared"}[verdict]
        history.append(HistoryRow("verdict", at, who, f"{ind} {shown}", undo is not None))
    history += [HistoryRow("note", at, who, body) for at, who, body in
                conn.execute("SELECT at, analyst, body FROM notes WHERE post_id = ?", (post_id,))]
    detail.history = sorted(history, key=lambda h: h.at)
    detail.verdicts = {k: v for k, v in detail.verdicts.items() if v is not None}
    detail.rescore = latest_rescore(conn, post_id)
    detail.thread = thread_above(conn, detail.source, detail.reply_to)
    detail.author_flagged = other_flagged(conn, detail.author_id, post_id)
    detail.concern = author_concern(conn, detail.author_id, post_id)
    decided = post_decisions(conn, [post_id]).get(post_id)
    detail.decisions = decided if decided is not None and len(decided.analysts) > 1 else None
    return detail
