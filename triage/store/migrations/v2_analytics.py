"""Schema version 2: the analytics tables (``migrations.STEPS[1]``). Every statement is
``IF NOT EXISTS``, so ``analytics_queries.ensure_schema`` may also run it on a store opened by an
older triage without harm.

What the tables are for:

- ``author_changes``: behaviour-change points per author (derived, rebuilt by ``triage analyze``).
  The queue sees them as ``behavior_change`` hits (origin ``analytics``) on the author's posts;
  this table keeps the statistics behind them (week, likelihood ratio, p-value, rates).
- ``identity_links``: the analyst's link/unlink decisions between accounts on different sources.
  Append-only like ``labels``: the latest row per pair is current, history stays (and each row is
  audited).
- ``interactions``: one row per reply or mention (who -> whom), so "who replies to / mentions this
  author" is an index lookup instead of a scan of every post's JSON.
- ``term_weeks`` / ``week_posts``: posts per (week, source, term) and per (week, source), so the
  trend check is two small aggregates rather than a pass over a million texts.
- ``author_keys``: normalised handle variants and display names, so near-same handles on other
  sources are an index lookup.
- ``author_items``: per author, the hashtags, links and link domains in their posts (and the
  domains their posts live on), so a profile does not re-read every post's text and JSON.
- Two indexes on ``posts`` for the profile of an author with 10k posts in a 1M-post store
  (<= 100 ms): ``idx_posts_author_profile`` covers what the timeline, hours, offset and change
  detection read, so those are aggregates over one index range instead of 10k scattered rows;
  ``idx_posts_author_geo`` is partial, over the few posts with a geotag or place name.
- ``analytics_cache``: store-wide aggregates (overview) keyed by a stamp of the data they came from.

Derived tables are filled incrementally up to a watermark kept in ``meta``
(``analytics.<name>.last_id``); readers add the not-yet-indexed tail on the fly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

ANALYTICS_TABLES = ("author_changes", "identity_links", "interactions", "term_weeks", "week_posts",
                    "author_keys", "author_items", "analytics_cache")

DDL = """
CREATE TABLE IF NOT EXISTS author_changes (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES authors(id),
    kind TEXT NOT NULL,            -- rate | target
    week TEXT NOT NULL,            -- ISO week the change happened, e.g. 2026-W14
    week_start INTEGER NOT NULL,   -- UTC epoch of that week's Monday 00:00
    llr REAL, p_value REAL,
    rate_before REAL, rate_after REAL,
    posts_before INTEGER, posts_after INTEGER,
    hits_before INTEGER, hits_after INTEGER,
    target TEXT,                   -- for kind = target: the newly singled-out target
    detected_at REAL NOT NULL,
    method TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_author_changes_author ON author_changes(author_id, week_start);
CREATE INDEX IF NOT EXISTS idx_author_changes_week ON author_changes(week_start);

CREATE TABLE IF NOT EXISTS identity_links (
    id INTEGER PRIMARY KEY,
    a_id INTEGER NOT NULL REFERENCES authors(id),  -- a_id < b_id
    b_id INTEGER NOT NULL REFERENCES authors(id),
    linked INTEGER NOT NULL,       -- 1 linked, 0 unlinked / not the same person
    analyst TEXT, at REAL NOT NULL, note TEXT
);
CREATE INDEX IF NOT EXISTS idx_identity_links_a ON identity_links(a_id, id);
CREATE INDEX IF NOT EXISTS idx_identity_links_b ON identity_links(b_id, id);

CREATE TABLE IF NOT EXISTS interactions (
    post_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    author_id INTEGER NOT NULL,    -- who wrote the post
    target TEXT NOT NULL,          -- handle replied to or mentioned, lower case, no '@'
    kind TEXT NOT NULL,            -- reply | mention
    created_at INTEGER NOT NULL
);
-- Covering: a profile's interlocutor counts never touch the table rows.
CREATE INDEX IF NOT EXISTS idx_interactions_target ON interactions(source, target, author_id, kind, created_at);
CREATE INDEX IF NOT EXISTS idx_interactions_author ON interactions(author_id, source, target, kind, created_at);

CREATE TABLE IF NOT EXISTS term_weeks (
    week INTEGER NOT NULL,         -- Monday-based week index: (epoch_day + 3) / 7
    source TEXT NOT NULL,
    term TEXT NOT NULL,            -- a word, or '#tag'
    posts INTEGER NOT NULL,        -- posts that contain it
    PRIMARY KEY (week, source, term)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_term_weeks_term ON term_weeks(term, week, posts);  -- covering: baselines by term

CREATE TABLE IF NOT EXISTS week_posts (
    week INTEGER NOT NULL, source TEXT NOT NULL, posts INTEGER NOT NULL,
    PRIMARY KEY (week, source)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS author_keys (
    kind TEXT NOT NULL,            -- handle (normalised, and each one-deletion variant) | name
    key TEXT NOT NULL,
    author_id INTEGER NOT NULL,
    PRIMARY KEY (kind, key, author_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS author_items (
    author_id INTEGER NOT NULL,
    kind TEXT NOT NULL,            -- hashtag | link | domain (linked in text) | posted_on (post URL's domain)
    item TEXT NOT NULL,            -- case folded for hashtags and domains
    label TEXT NOT NULL,           -- as first written
    posts INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    PRIMARY KEY (author_id, kind, item)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS idx_posts_author_profile
    ON posts(author_id, created_at, flagged, score, indicators, created_raw);
CREATE INDEX IF NOT EXISTS idx_posts_author_geo
    ON posts(author_id, created_at) WHERE lat IS NOT NULL OR place IS NOT NULL;

CREATE TABLE IF NOT EXISTS analytics_cache (
    key TEXT PRIMARY KEY,
    stamp TEXT NOT NULL,           -- what the value was computed from (see data_stamp)
    computed_at REAL NOT NULL,
    value TEXT NOT NULL            -- JSON
);
"""


def migrate(db: sqlite_utils.Database) -> None:
    db.conn.executescript(DDL)
