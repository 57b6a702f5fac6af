"""SQL for the analytics (``triage/analytics``). The store is the only code that speaks SQL.

Read functions take a connection (a read-only one is fine); write functions take the
connection of the caller's ``store.transaction()``. Rows are the store's (``rows.py``), mostly
NamedTuples (the cheapest row Python builds), and per-author reads are aggregates: an author
with 10k posts should cost a few hundred rows, not 10k.

Derived tables (``interactions``, ``term_weeks``, ``author_keys``) are filled up to a watermark
kept in ``meta``; the ``*_tail`` functions read what lies past it straight from ``posts`` /
``authors``, so a read-only reader is never stale, only slower when the tail is long.
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Iterable, Sequence, Sized, cast

# The analytics read authors, meta and rows through this module; they live by entity.
from .authors import authors_after, authors_by_id, find_authors  # noqa: F401
from .meta import meta_int, set_meta  # noqa: F401
from . import catalog, migrations, search_sql
from .sql_dialect import is_postgres
from .migrations.v2_analytics import ANALYTICS_TABLES
from .posts import max_post_id  # noqa: F401
from .rows import (AccountStatsRow, AuthorActivity, AuthorRow, ChangeRow, EdgeRow, GeoRow, IdentityEdgeRow,  # noqa: F401
                   InterlocutorRow, ItemSourceRow, LinkRow, TermSourceRow)


# Monday-based week index. 1970-01-01 was a Thursday, so day d belongs to week (d + 3) // 7.
WEEK_SQL = "((created_at / 86400 + 3) / 7)"
CHANGE_HIT_ORIGIN = "analytics"
CHANGE_INDICATOR = "behavior_change"


# ---- schema ----------------------------------------------------------------------------------

def tables_present(conn: sqlite3.Connection) -> bool:
    return set(ANALYTICS_TABLES) <= catalog.table_names(conn)


def ensure_schema(store) -> bool:
    """Whether the analytics tables are there. Opening a store writable migrates it (v2 adds
    them); this also covers a read-only store last written by an older triage, where they are
    missing and analytics read nothing."""
    return migrations.ensure(store, 2, tables_present)


def _marks(values: Sized) -> str:
    return ",".join("?" * len(values))


# ---- one author's posts, aggregated ----------------------------------------------------------
# An author with 10k posts in a 1M-post store has them scattered over the whole table; these
# read idx_posts_author_profile (a covering index) and hand Python aggregates, not rows.

_BUCKET_SQL = {
    "week": WEEK_SQL,
    "day": "(created_at / 86400)",
    "month": "(CAST(strftime('%Y', created_at, 'unixepoch') AS INTEGER) * 12"
             " + CAST(strftime('%m', created_at, 'unixepoch') AS INTEGER) - 1)",
}
# PostgreSQL has no strftime: the UTC month the same way, from the epoch as a UTC timestamp.
_PG_MONTH_SQL = ("(CAST(EXTRACT(YEAR FROM to_timestamp(created_at) AT TIME ZONE 'UTC') AS INTEGER) * 12"
                 " + CAST(EXTRACT(MONTH FROM to_timestamp(created_at) AT TIME ZONE 'UTC') AS INTEGER) - 1)")


def _bucket_sql(conn, granularity: str) -> str:
    if granularity == "month" and is_postgres(conn):
        return _PG_MONTH_SQL
    return _BUCKET_SQL[granularity]

def _author_posts(conn: sqlite3.Connection, alias: str = "") -> str:
    """``posts`` read through the covering index when the store has it (the analytics migration)."""
    name = f"posts AS {alias}" if alias else "posts"
    return f"{name} INDEXED BY idx_posts_author_profile" if tables_present(conn) else name


def author_activity(conn: sqlite3.Connection, author_ids: Sequence[int]) -> AuthorActivity:
    ids = list(author_ids)
    src = _author_posts(conn)
    n, flagged, lo, hi = conn.execute(
        f"SELECT COUNT(*), COALESCE(SUM(flagged), 0), MIN(created_at), MAX(created_at) FROM {src} "
        f"WHERE author_id IN ({_marks(ids)})", ids).fetchone()
    top = [r[0] for r in conn.execute(f"SELECT score FROM {src} WHERE author_id IN ({_marks(ids)}) AND score > 0 "
                                      "ORDER BY score DESC LIMIT 3", ids)]
    return AuthorActivity(n, flagged, lo, hi, top)


def author_bucket_counts(conn: sqlite3.Connection, author_ids: Sequence[int],
                         granularity: str) -> list[tuple[int, str | None, int, int]]:
    """(bucket index, indicators, posts, flagged) per time bucket and indicator combination."""
    ids = list(author_ids)
    return conn.execute(
        f"SELECT {_bucket_sql(conn, granularity)} AS bucket, indicators, COUNT(*), COALESCE(SUM(flagged), 0) "
        f"FROM {_author_posts(conn)} WHERE author_id IN ({_marks(ids)}) GROUP BY bucket, indicators", ids).fetchall()


def author_slot_counts(conn: sqlite3.Connection, author_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(half-hour slot = created_at // 1800, posts): every zone changes offset on a half hour,
    so local hours computed per slot are exact."""
    ids = list(author_ids)
    return conn.execute(f"SELECT created_at / 1800 AS slot, COUNT(*) FROM {_author_posts(conn)} "
                        f"WHERE author_id IN ({_marks(ids)}) GROUP BY slot", ids).fetchall()


def author_halfhour_bins(conn: sqlite3.Connection, author_ids: Sequence[int]) -> list[tuple[int, int, int]]:
    """(UTC half-hour of day 0..47, distinct (day, half-hour) slots, posts)."""
    ids = list(author_ids)
    return conn.execute(f"SELECT (created_at / 1800) % 48 AS bin, COUNT(DISTINCT created_at / 1800), COUNT(*) "
                        f"FROM {_author_posts(conn)} WHERE author_id IN ({_marks(ids)}) GROUP BY bin", ids).fetchall()


def author_weekday_hours(conn: sqlite3.Connection, author_ids: Sequence[int]) -> list[tuple[int, int, int]]:
    """(UTC weekday 0 = Monday, UTC hour, posts)."""
    ids = list(author_ids)
    return conn.execute(f"SELECT (created_at / 86400 + 3) % 7 AS wd, (created_at / 3600) % 24 AS hour, COUNT(*) "
                        f"FROM {_author_posts(conn)} WHERE author_id IN ({_marks(ids)}) GROUP BY wd, hour",
                        ids).fetchall()


# The UTC offset a raw timestamp carries sits at its end (ISO 8601, RFC 2822) or before the year
# (Twitter). Grouping by that token leaves Python one parse per distinct offset, not per post.
_OFFSET_TOKEN = """CASE
  WHEN created_raw IS NULL OR created_raw NOT GLOB '*[^0-9.+-]*' THEN NULL
  WHEN created_raw GLOB '*[+-][0-9][0-9]:[0-9][0-9]' THEN substr(created_raw, -6)
  WHEN created_raw GLOB '*[+-][0-9][0-9][0-9][0-9]' THEN substr(created_raw, -5)
  WHEN created_raw GLOB '* [+-][0-9][0-9][0-9][0-9] [0-9][0-9][0-9][0-9]' THEN substr(created_raw, -10, 5)
  WHEN created_raw GLOB '*[0-9][Zz]' OR created_raw GLOB '* GMT' OR created_raw GLOB '* UT' THEN 'Z'
  ELSE created_raw END"""
# The same token on PostgreSQL, which has neither GLOB nor substr() from the end: each GLOB as
# the regular expression it means (GLOB matches the whole text, so a leading * is an open start
# and the end is anchored), each substr(x, -n, k) as the k characters from n before the end.
_OFFSET_TOKEN_PG = """CASE
  WHEN created_raw IS NULL OR created_raw !~ '[^0-9.+-]' THEN NULL
  WHEN created_raw ~ '[+-][0-9][0-9]:[0-9][0-9]$' THEN right(created_raw, 6)
  WHEN created_raw ~ '[+-][0-9][0-9][0-9][0-9]$' THEN right(created_raw, 5)
  WHEN created_raw ~ ' [+-][0-9][0-9][0-9][0-9] [0-9][0-9][0-9][0-9]$' THEN substr(created_raw, length(created_raw) - 9, 5)
  WHEN created_raw ~ '[0-9][Zz]$' OR created_raw ~ ' GMT$' OR created_raw ~ ' UT$' THEN 'Z'
  ELSE created_raw END"""


def author_raw_offsets(conn: sqlite3.Connection, author_ids: Sequence[int]) -> list[tuple[str, int]]:
    """(a raw timestamp, posts whose timestamps end in the same offset) -- epochs left out."""
    ids = list(author_ids)
    token = _OFFSET_TOKEN_PG if is_postgres(conn) else _OFFSET_TOKEN
    return conn.execute(
        f"SELECT sample, n FROM (SELECT {token} AS token, MIN(created_raw) AS sample, COUNT(*) AS n "
        f"FROM {_author_posts(conn)} WHERE author_id IN ({_marks(ids)}) GROUP BY token) WHERE token IS NOT NULL",
        ids).fetchall()


def author_geo_posts(conn: sqlite3.Connection, author_ids: Sequence[int]) -> list[GeoRow]:
    """Posts with a geotag or a place name (the partial index idx_posts_author_geo)."""
    ids = list(author_ids)
    return list(map(GeoRow._make, conn.execute(
        f"SELECT created_at, lat, lon, place FROM posts WHERE author_id IN ({_marks(ids)}) "
        "AND (lat IS NOT NULL OR place IS NOT NULL) ORDER BY created_at", ids)))


# ---- per-author items: hashtags, links, domains -----------------------------------------------

ITEMS_MARK = "analytics.author_items.last_id"


def posts_for_items(conn: sqlite3.Connection, after_id: int, up_to: int, limit: int,
                    author_ids: Sequence[int] | None = None) -> list[ItemSourceRow]:
    where, params = "id > ? AND id <= ?", [after_id, up_to]
    if author_ids:
        where += f" AND author_id IN ({_marks(author_ids)})"
        params += list(author_ids)
    rows = conn.execute(
        "SELECT id, author_id, created_at, url, hashtags, CASE WHEN instr(text, 'http') > 0 OR "
        f"instr(text, 'www.') > 0 THEN text END FROM posts WHERE {where} ORDER BY id LIMIT ?", params + [limit])
    return list(map(ItemSourceRow._make, rows))


def add_author_items(conn: sqlite3.Connection, items: dict[tuple[int, str, str], list], last_id: int) -> None:
    """``items`` maps (author_id, kind, item) to [label, posts, last_at]."""
    conn.executemany(
        "INSERT INTO author_items (author_id, kind, item, label, posts, last_at) VALUES (?,?,?,?,?,?) "
        "ON CONFLICT(author_id, kind, item) DO UPDATE SET posts = author_items.posts + excluded.posts, "
        "last_at = MAX(author_items.last_at, excluded.last_at)",
        [(*key, *value) for key, value in items.items()])
    set_meta(conn, ITEMS_MARK, last_id)


def author_items(conn: sqlite3.Connection, author_ids: Sequence[int]) -> list[tuple[str, str, str, int, int]]:
    """(kind, item, label, posts, last_at) indexed for these authors."""
    if not tables_present(conn):
        return []
    ids = list(author_ids)
    return conn.execute(f"SELECT kind, item, label, posts, last_at FROM author_items "
                        f"WHERE author_id IN ({_marks(ids)})", ids).fetchall()


def author_target_hits(conn: sqlite3.Connection, author_ids: Sequence[int]) -> list[tuple[int, int, str]]:
    """(post_id, created_at, matched text) of the authors' ``target`` hits, oldest first."""
    if not author_ids:
        return []
    # CROSS JOIN keeps the author's posts as the outer loop (the hits index on indicator
    # would otherwise walk every target hit in the store).
    return conn.execute(
        f"SELECT p.id, p.created_at, h.text FROM {_author_posts(conn, 'p')} CROSS JOIN hits h ON h.post_id = p.id "
        f"WHERE p.author_id IN ({_marks(author_ids)}) AND instr(p.indicators, 'target') > 0 "
        "AND h.indicator = 'target' AND h.text != '' ORDER BY p.created_at, p.id", list(author_ids)).fetchall()


# ---- interactions (who replies to / mentions whom) --------------------------------------------

INTERACTIONS_MARK = "analytics.interactions.last_id"
TAIL_BY_ID = 100_000  # posts: below this an unindexed tail is scanned by id

# One row per reply and per mention of posts in an id range. A reply that names only the parent
# post (Reddit, 4chan) is resolved to the parent's author when the parent is already stored.
_REPLY_ROWS = """
SELECT * FROM (
SELECT p.id AS post_id, p.source AS source, p.author_id AS author_id,
       lower(ltrim(COALESCE(p.reply_to_author, (
         SELECT a.handle FROM posts q JOIN authors a ON a.id = q.author_id
         WHERE q.source = p.source AND q.external_id = p.reply_to)), '@')) AS target,
       'reply' AS kind, p.created_at AS created_at
  FROM posts p WHERE p.id > :lo AND p.id <= :hi {author_filter}
   AND (p.reply_to_author IS NOT NULL OR p.reply_to IS NOT NULL)) r WHERE target IS NOT NULL AND target != ''
UNION ALL
SELECT p.id, p.source, p.author_id, lower(ltrim(j.value, '@')), 'mention', p.created_at
"""
# Each mention in the post's JSON list: SQLite's json_each, PostgreSQL's jsonb (the store wrote
# the list with json.dumps, so it is valid JSON; SQLite still checks, as a hand-edited file may not be).
_MENTIONS_SQLITE = """
  FROM posts p, json_each(p.mentions) j
 WHERE p.id > :lo AND p.id <= :hi {author_filter} AND p.mentions IS NOT NULL AND json_valid(p.mentions)
   AND j.type = 'text' AND j.value != ''
"""
_MENTIONS_POSTGRES = """
  FROM posts p CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(p.mentions::jsonb) = 'array'
       THEN p.mentions::jsonb ELSE '[]'::jsonb END) AS j(value)
 WHERE p.id > :lo AND p.id <= :hi {author_filter} AND p.mentions IS NOT NULL AND j.value != ''
"""


def _interaction_rows(conn, author_filter: str) -> str:
    """Rows of (post_id, source, author_id, target, kind, created_at) for posts lo < id <= hi:
    what ``interactions`` indexes, computed from the posts themselves."""
    mentions = _MENTIONS_POSTGRES if is_postgres(conn) else _MENTIONS_SQLITE
    return (_REPLY_ROWS + mentions).format(author_filter=author_filter)


def refresh_interactions(conn: sqlite3.Connection, up_to: int) -> int:
    """Index interactions of posts past the watermark up to post id ``up_to``. Returns rows added."""
    lo = meta_int(conn, INTERACTIONS_MARK)
    if up_to <= lo:
        return 0
    cur = conn.execute("INSERT INTO interactions (post_id, source, author_id, target, kind, created_at) "
                       + _interaction_rows(conn, ""), {"lo": lo, "hi": up_to})
    set_meta(conn, INTERACTIONS_MARK, up_to)
    return cur.rowcount


def _tail_range(conn: sqlite3.Connection, mark: str, indexed: bool) -> tuple[int, int]:
    lo = meta_int(conn, mark) if indexed else 0
    return lo, max_post_id(conn)


def interlocutor_counts(conn: sqlite3.Connection, author_ids: Sequence[int], limit: int) -> list[InterlocutorRow]:
    """Top accounts these authors reply to / mention or are replied to / mentioned by, counted
    both ways and ranked by the total (the authors' own accounts left out). One aggregate over
    the covering interaction indexes plus the not-yet-indexed tail."""
    ids = list(author_ids)
    if not ids:
        return []
    indexed = tables_present(conn)
    lo, hi = _tail_range(conn, INTERACTIONS_MARK, indexed)
    params: dict = {"lo": lo, "hi": hi, "limit": limit, **{f"a{i}": a for i, a in enumerate(ids)}}
    in_ids = ",".join(f":a{i}" for i in range(len(ids)))
    own = f"SELECT source, lower(handle) FROM authors WHERE id IN ({in_ids})"
    cols = "source, target, author_id, kind, created_at"
    # A short tail is read by post id; '+' keeps SQLite from walking the author's every post instead.
    by_author = f"AND {'+' if hi - lo < TAIL_BY_ID else ''}p.author_id IN ({in_ids})"
    outgoing = [f"SELECT {cols} FROM ({_interaction_rows(conn, by_author)})"]
    incoming = [f"SELECT {cols} FROM ({_interaction_rows(conn, '')})"]
    if indexed:  # each arm filtered where the covering indexes can serve it
        outgoing.append(f"SELECT {cols} FROM interactions WHERE author_id IN ({in_ids})")
        incoming.append(f"SELECT {cols} FROM interactions WHERE (source, target) IN (SELECT * FROM own)")
    rows = conn.execute(f"""
        WITH own(source, handle) AS ({own}), edges AS (
            SELECT source, target AS who, NULL AS shown, 'out' AS dir, kind, created_at
              FROM ({" UNION ALL ".join(outgoing)})
            UNION ALL
            SELECT i.source, lower(a.handle), a.handle, 'in', i.kind, i.created_at
              FROM ({" UNION ALL ".join(incoming)}) i JOIN authors a ON a.id = i.author_id
             WHERE (i.source, i.target) IN (SELECT * FROM own))
        SELECT source, COALESCE(MAX(shown), who),
               SUM(dir = 'out' AND kind = 'reply'), SUM(dir = 'out' AND kind = 'mention'),
               SUM(dir = 'in' AND kind = 'reply'), SUM(dir = 'in' AND kind = 'mention'), MAX(created_at)
          FROM edges WHERE (source, who) NOT IN (SELECT * FROM own)
         GROUP BY source, who ORDER BY COUNT(*) DESC, MAX(created_at) DESC, source, who LIMIT :limit""", params)
    return list(map(InterlocutorRow._make, rows))


def interaction_edges(conn: sqlite3.Connection, min_weight: int = 1,
                      author_ids: Sequence[int] | None = None) -> list[EdgeRow]:
    """Aggregated who -> whom edges, store-wide or for posts by ``author_ids`` and posts that
    name them (an ego network)."""
    indexed = tables_present(conn)
    lo, hi = _tail_range(conn, INTERACTIONS_MARK, indexed)
    rows_sql = f"SELECT * FROM ({_interaction_rows(conn, '')})"
    if indexed:
        rows_sql = ("SELECT post_id, source, author_id, target, kind, created_at FROM interactions UNION ALL "
                    + rows_sql)
    params: dict = {"lo": lo, "hi": hi, "min_weight": min_weight}
    where = "WHERE i.target != lower(a.handle)"  # talking to oneself is no edge
    if author_ids:
        ids = list(author_ids)
        params.update({f"a{i}": a for i, a in enumerate(ids)})
        in_list = ",".join(f":a{i}" for i in range(len(ids)))
        where += (f" AND (i.author_id IN ({in_list}) OR (i.source, i.target) IN "
                  f"(SELECT source, lower(handle) FROM authors WHERE id IN ({in_list})))")
    rows = conn.execute(
        f"SELECT a.source, a.handle, i.target, i.kind, COUNT(*), MIN(i.created_at), MAX(i.created_at) "
        f"FROM ({rows_sql}) i JOIN authors a ON a.id = i.author_id {where} "
        # a.id (= i.author_id) is grouped on: PostgreSQL then knows a.source and a.handle are one per group.
        "GROUP BY a.id, i.target, i.kind HAVING COUNT(*) >= :min_weight "
        "ORDER BY a.source, a.handle, i.target, i.kind", params)
    return list(map(EdgeRow._make, rows))


def identity_edges(conn: sqlite3.Connection, author_ids: Sequence[int] | None = None) -> list[IdentityEdgeRow]:
    """Account pairs an analyst linked as one person (the latest decision per pair is "linked"),
    store-wide or touching ``author_ids``."""
    if not tables_present(conn):
        return []
    where, params = "", []
    if author_ids:
        ids = list(author_ids)
        where = f"AND (l.a_id IN ({_marks(ids)}) OR l.b_id IN ({_marks(ids)}))"
        params = ids + ids
    rows = conn.execute(
        "SELECT a.source, a.handle, b.source, b.handle, l.at FROM identity_links l "
        "JOIN authors a ON a.id = l.a_id JOIN authors b ON b.id = l.b_id "
        "WHERE l.id = (SELECT MAX(id) FROM identity_links WHERE a_id = l.a_id AND b_id = l.b_id) "
        f"AND l.linked = 1 {where} ORDER BY l.id", params)
    return list(map(IdentityEdgeRow._make, rows))


def account_stats(conn: sqlite3.Connection, accounts: Sequence[tuple[str, str]],
                  chunk: int = 400) -> tuple[list[AccountStatsRow], list[tuple[str, str, str, int]]]:
    """For ``(source, lower(handle))`` pairs: each account's post counts, highest risk score and
    first/last post, and (source, handle key, indicators, posts) rows to count indicators from."""
    stats: list[AccountStatsRow] = []
    indicators: list[tuple[str, str, str, int]] = []
    pairs = list(dict.fromkeys(accounts))
    has_concern = catalog.has_table(conn, "author_concern")
    # 0.0, not 0: a float on both engines (PostgreSQL makes it one; SQLite would give the integer 0).
    concern = "COALESCE((SELECT MAX(concern) FROM author_concern c WHERE c.author_id IN (SELECT id FROM authors " \
              "WHERE source = w.source AND lower(handle) = w.hkey)), 0.0)" if has_concern else "NULL"
    for i in range(0, len(pairs), chunk):
        part = pairs[i:i + chunk]
        values = ",".join("(?, ?)" for _ in part)
        flat = [v for pair in part for v in pair]
        picked = (f"WITH wanted(source, hkey) AS (VALUES {values}) SELECT a.id, a.source, lower(a.handle) AS hkey "
                  "FROM authors a JOIN wanted w ON w.source = a.source AND w.hkey = lower(a.handle)")
        stats += map(AccountStatsRow._make, conn.execute(
            f"SELECT w.source, w.hkey, COUNT(p.id), COALESCE(SUM(p.flagged), 0), MAX(p.score), MIN(p.created_at), "
            f"MAX(p.created_at), {concern} FROM ({picked}) w JOIN posts p ON p.author_id = w.id GROUP BY w.source, w.hkey",
            flat))
        indicators += conn.execute(
            f"SELECT w.source, w.hkey, p.indicators, COUNT(*) FROM ({picked}) w JOIN posts p ON p.author_id = w.id "
            "WHERE p.indicators IS NOT NULL AND p.indicators != '' GROUP BY w.source, w.hkey, p.indicators", flat
        ).fetchall()
    return stats, indicators


# ---- term counts per week (trends) ------------------------------------------------------------

TERMS_MARK = "analytics.terms.last_id"


def posts_for_terms(conn: sqlite3.Connection, after_id: int, up_to: int, limit: int) -> list[TermSourceRow]:
    rows = conn.execute("SELECT id, source, created_at, text, hashtags FROM posts WHERE id > ? AND id <= ? "
                        "ORDER BY id LIMIT ?", (after_id, up_to, limit))
    return list(map(TermSourceRow._make, rows))


def add_term_counts(conn: sqlite3.Connection, terms: dict[tuple[int, str, str], int],
                    posts: dict[tuple[int, str], int], last_id: int) -> None:
    conn.executemany("INSERT INTO term_weeks (week, source, term, posts) VALUES (?,?,?,?) "
                     "ON CONFLICT(week, source, term) DO UPDATE SET posts = term_weeks.posts + excluded.posts",
                     [(*k, n) for k, n in terms.items()])
    conn.executemany("INSERT INTO week_posts (week, source, posts) VALUES (?,?,?) "
                     "ON CONFLICT(week, source) DO UPDATE SET posts = week_posts.posts + excluded.posts",
                     [(*k, n) for k, n in posts.items()])
    set_meta(conn, TERMS_MARK, last_id)


def term_counts(conn: sqlite3.Connection, first_week: int, last_week: int, source: str | None = None,
                min_posts: int = 1) -> dict[str, int]:
    """Posts per term summed over weeks [first_week, last_week], optionally one source."""
    params: list[object]  # weeks are ints, the source a str
    where, params = "week BETWEEN ? AND ?", [first_week, last_week]
    if source is not None:
        where, params = where + " AND source = ?", params + [source]
    # HAVING repeats the aggregate: PostgreSQL does not read an output alias there, SQLite does.
    return dict(conn.execute(f"SELECT term, SUM(posts) AS n FROM term_weeks WHERE {where} GROUP BY term "
                             "HAVING SUM(posts) >= ?", params + [min_posts]))


def terms_in(conn: sqlite3.Connection, terms: Sequence[str], first_week: int, last_week: int,
             source: str | None = None) -> dict[str, int]:
    """Posts per term for just these terms over a week range (the term index: a few lookups each)."""
    out: dict[str, int] = {}
    terms = list(terms)
    for i in range(0, len(terms), 5000):
        chunk = terms[i:i + 5000]
        where, params = f"term IN ({_marks(chunk)}) AND week BETWEEN ? AND ?", [*chunk, first_week, last_week]
        if source is not None:
            where, params = where + " AND source = ?", params + [source]
        # Left to itself the planner walks every term of the weeks (the primary key) per chunk.
        out.update(conn.execute(f"SELECT term, SUM(posts) FROM term_weeks INDEXED BY idx_term_weeks_term "
                                f"WHERE {where} GROUP BY term", params))
    return out


def week_post_counts(conn: sqlite3.Connection, first_week: int, last_week: int,
                     source: str | None = None) -> dict[int, int]:
    params: list[object]  # weeks are ints, the source a str
    where, params = "week BETWEEN ? AND ?", [first_week, last_week]
    if source is not None:
        where, params = where + " AND source = ?", params + [source]
    return dict(conn.execute(f"SELECT week, SUM(posts) FROM week_posts WHERE {where} GROUP BY week", params))


# Posts dated after this are left out of "the newest week" (a store filled before imports were
# bounded may hold a post dated 1e20; a chart ending there allocated a week per entry).
CHART_LATEST = 4_102_444_800  # 2100-01-01


def last_week(conn: sqlite3.Connection, source: str | None = None) -> int | None:
    """Week index of the newest post (of one source) dated before ``CHART_LATEST``."""
    if source is None:
        newest = conn.execute("SELECT MAX(created_at) FROM posts WHERE created_at < ?",  # idx_posts_time
                              (CHART_LATEST,)).fetchone()[0]
    elif tables_present(conn):  # posts has no (source, time) index: ask the week table, then the tail
        week = conn.execute("SELECT MAX(week) FROM week_posts WHERE source = ? AND week < ?",
                            (source, (CHART_LATEST // 86400 + 3) // 7)).fetchone()[0]
        tail = conn.execute("SELECT MAX(created_at) FROM posts WHERE id > ? AND source = ? AND created_at < ?",
                            (meta_int(conn, TERMS_MARK), source, CHART_LATEST)).fetchone()[0]
        newest = max(_week_start(week) if week is not None else -1, tail if tail is not None else -1)
        newest = None if newest < 0 else newest
    else:
        newest = conn.execute("SELECT MAX(created_at) FROM posts WHERE source = ? AND created_at < ?",
                              (source, CHART_LATEST)).fetchone()[0]
    return None if newest is None else (newest // 86400 + 3) // 7


def _week_start(week: int) -> int:
    return (week * 7 - 3) * 86400


# ---- author keys (near-same handles on other sources) ------------------------------------------

AUTHOR_KEYS_MARK = "analytics.author_keys.last_id"


def add_author_keys(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, int]], last_id: int) -> None:
    conn.executemany("INSERT OR IGNORE INTO author_keys (kind, key, author_id) VALUES (?,?,?)", rows)
    set_meta(conn, AUTHOR_KEYS_MARK, last_id)


def authors_with_keys(conn: sqlite3.Connection, kind: str, keys: Sequence[str]) -> set[int]:
    if not keys:
        return set()
    keys = list(keys)
    return {r[0] for r in conn.execute(
        f"SELECT DISTINCT author_id FROM author_keys WHERE kind = ? AND key IN ({_marks(keys)})", [kind, *keys])}


# ---- identity links --------------------------------------------------------------------------

def link_rows(conn: sqlite3.Connection, author_ids: Sequence[int]) -> list[LinkRow]:
    """Every decision touching these authors, oldest first (the latest per pair is current)."""
    if not author_ids or not tables_present(conn):
        return []
    ids = list(author_ids)
    rows = conn.execute(
        f"SELECT id, a_id, b_id, linked, analyst, at, note FROM identity_links WHERE a_id IN ({_marks(ids)}) "
        f"UNION SELECT id, a_id, b_id, linked, analyst, at, note FROM identity_links WHERE b_id IN ({_marks(ids)}) "
        "ORDER BY id", ids + ids)
    return list(map(LinkRow._make, rows))


def insert_link(conn: sqlite3.Connection, a_id: int, b_id: int, linked: bool, analyst: str,
                note: str | None = None) -> int:
    a_id, b_id = min(a_id, b_id), max(a_id, b_id)
    cur = conn.execute("INSERT INTO identity_links (a_id, b_id, linked, analyst, at, note) VALUES (?,?,?,?,?,?)",
                       (a_id, b_id, int(linked), analyst, time.time(), note))
    return cast(int, cur.lastrowid)  # an INSERT always sets it


# ---- behaviour change ------------------------------------------------------------------------

def _has_any(indicators: Sequence[str]) -> str:
    """SQL truth of 'the post's comma list holds any of these ids' (ids are literals we own)."""
    return "(" + " OR ".join(f"(',' || COALESCE(indicators, '') || ',') LIKE '%,{i},%'" for i in indicators) + ")"


def change_candidates(conn: sqlite3.Connection, indicators: Sequence[str], min_posts: int) -> list[int]:
    """Authors with at least ``min_posts`` posts carrying any of ``indicators`` (hits index)."""
    marks = _marks(indicators)
    return [r[0] for r in conn.execute(
        f"SELECT p.author_id FROM hits h JOIN posts p ON p.id = h.post_id WHERE h.indicator IN ({marks}) "
        "GROUP BY p.author_id HAVING COUNT(DISTINCT p.id) >= ? ORDER BY p.author_id",
        [*indicators, min_posts])]


def weekly_counts(conn: sqlite3.Connection, author_ids: Sequence[int],
                  indicators: Sequence[str]) -> list[tuple[int, int, int, int]]:
    """(author_id, week, posts, posts with any of ``indicators``) per author and week."""
    ids = list(author_ids)
    if not ids:
        return []
    return conn.execute(
        f"SELECT author_id, {WEEK_SQL} AS week, COUNT(*), SUM({_has_any(indicators)}) FROM posts "
        f"WHERE author_id IN ({_marks(ids)}) GROUP BY author_id, week ORDER BY author_id, week", ids).fetchall()


def violent_posts_since(conn: sqlite3.Connection, author_id: int, since: int,
                        indicators: Sequence[str]) -> list[tuple[int, int]]:
    """(id, created_at) of the author's posts from ``since`` on that carry any of ``indicators``."""
    return conn.execute(f"SELECT id, created_at FROM posts WHERE author_id = ? AND created_at >= ? "
                        f"AND {_has_any(indicators)} ORDER BY created_at", (author_id, since)).fetchall()


_CHANGE_COLS = ("author_id, kind, week, week_start, llr, p_value, rate_before, rate_after, posts_before, "
                "posts_after, hits_before, hits_after, target, detected_at, method")


def stored_changes(conn: sqlite3.Connection, author_ids: Sequence[int] | None = None) -> list[ChangeRow]:
    if not tables_present(conn):
        return []
    if author_ids is None:
        rows = conn.execute(f"SELECT id, {_CHANGE_COLS} FROM author_changes ORDER BY author_id, week_start")
    else:
        ids = list(author_ids)
        rows = conn.execute(f"SELECT id, {_CHANGE_COLS} FROM author_changes WHERE author_id IN ({_marks(ids)}) "
                            "ORDER BY author_id, week_start", ids)
    return list(map(ChangeRow._make, rows))


def replace_changes(conn: sqlite3.Connection, author_id: int, rows: Sequence[tuple],
                    marked_posts: dict[int, tuple], detector_version: str) -> None:
    """Replace one author's change points and the ``behavior_change`` hits they put on posts.

    ``rows`` are tuples in ``_CHANGE_COLS`` order without author_id; ``marked_posts`` maps a post id
    to its hit (score, text, rule). ``posts.indicators`` gains or loses ``behavior_change`` so the
    queue's badges agree with the hits.
    """
    conn.execute("DELETE FROM author_changes WHERE author_id = ?", (author_id,))
    conn.executemany(f"INSERT INTO author_changes ({_CHANGE_COLS}) VALUES ({_marks(_CHANGE_COLS.split(','))})",
                     [(author_id, *r) for r in rows])
    old = {r[0] for r in conn.execute(
        "SELECT h.post_id FROM posts p JOIN hits h ON h.post_id = p.id WHERE p.author_id = ? "
        "AND h.indicator = ? AND h.origin = ?", (author_id, CHANGE_INDICATOR, CHANGE_HIT_ORIGIN))}
    if old:
        conn.execute(f"DELETE FROM hits WHERE indicator = ? AND origin = ? AND post_id IN ({_marks(old)})",
                     [CHANGE_INDICATOR, CHANGE_HIT_ORIGIN, *old])
    conn.executemany(
        'INSERT INTO hits (post_id, indicator, score, start, "end", text, rule, origin, detector_version) '
        "VALUES (?, ?, ?, 0, 0, ?, ?, ?, ?)",
        [(pid, CHANGE_INDICATOR, score, text, rule, CHANGE_HIT_ORIGIN, detector_version)
         for pid, (score, text, rule) in marked_posts.items()])
    for pid in old ^ set(marked_posts):
        row = conn.execute("SELECT indicators FROM posts WHERE id = ?", (pid,)).fetchone()
        current = {i for i in (row[0] or "").split(",") if i}
        if pid in marked_posts:
            current.add(CHANGE_INDICATOR)
        else:
            current.discard(CHANGE_INDICATOR)
        conn.execute("UPDATE posts SET indicators = ? WHERE id = ?", (",".join(sorted(current)), pid))


# ---- overview --------------------------------------------------------------------------------

def data_stamp(conn: sqlite3.Connection) -> str:
    """What store-wide aggregates depend on, in PK lookups: new posts, (re)tags, labels, imports
    (audited), change points. A cached value with another stamp is stale."""
    parts = [conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t}").fetchone()[0]
             for t in ("posts", "hits", "labels", "audit")]
    if tables_present(conn):
        parts.append(conn.execute("SELECT COALESCE(MAX(id), 0) || '.' || COUNT(*) FROM author_changes").fetchone()[0])
    return ":".join(map(str, parts))


def cache_get(conn: sqlite3.Connection, key: str) -> tuple[str, object] | None:
    if not tables_present(conn):
        return None
    row = conn.execute("SELECT stamp, value FROM analytics_cache WHERE key = ?", (key,)).fetchone()
    return (row[0], json.loads(row[1])) if row else None


def cache_put(conn: sqlite3.Connection, key: str, stamp: str, value) -> None:
    conn.execute("INSERT OR REPLACE INTO analytics_cache (key, stamp, computed_at, value) VALUES (?,?,?,?)",
                 (key, stamp, time.time(), json.dumps(value, separators=(",", ":"))))


def indicator_week_counts(conn: sqlite3.Connection, since: int) -> list[tuple[int, str, int]]:
    """(week, indicator, posts) store-wide for posts created at or after ``since``."""
    return conn.execute(
        f"SELECT {WEEK_SQL} AS week, h.indicator, COUNT(DISTINCT h.post_id) "  # created_at: only posts has it
        "FROM hits h JOIN posts p ON p.id = h.post_id WHERE p.created_at >= ? GROUP BY week, h.indicator",
        (since,)).fetchall()


def source_post_counts(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(source, posts), from the per-author counters ingest keeps (not a scan of a million posts)."""
    return conn.execute("SELECT source, SUM(post_count) FROM authors GROUP BY source ORDER BY source").fetchall()


def flagged_posts(conn: sqlite3.Connection) -> list[tuple[str, int, float, int]]:
    """(source, author_id, score, unreviewed) of every flagged post: one pass feeds both the
    per-source counts and the author ranking."""
    return conn.execute("SELECT source, author_id, score, disposition IS NULL FROM posts WHERE flagged = 1").fetchall()


# ---- sentiment -------------------------------------------------------------------------------

def posts_matching(conn: sqlite3.Connection, fts_query: str, author_ids: Sequence[int] | None = None,
                   limit: int = 20_000) -> list[tuple[int, int, str]]:
    """(id, created_at, text) of posts matching an FTS5 query, newest first, at most ``limit``."""
    sql = f"SELECT p.id, p.created_at, p.text FROM posts p WHERE {search_sql.matches(conn)}"
    params: list = [fts_query]
    if author_ids:
        sql += f" AND p.author_id IN ({_marks(author_ids)})"
        params += list(author_ids)
    return conn.execute(sql + " ORDER BY p.created_at DESC LIMIT ?", params + [limit]).fetchall()
