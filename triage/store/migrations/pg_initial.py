"""Schema version 1 on PostgreSQL: the tables ``v1_initial`` makes on SQLite, written as DDL
(sqlite-utils builds SQLite tables only). Every later step is shared: its ``DDL`` runs through
``sql_dialect.to_postgres``. Column for column the same as ``v1_initial``, so the store's SQL
and ``triage migrate --to`` read and copy both alike.

Full-text search is the one difference: SQLite keeps an FTS5 table the store fills per batch;
here ``posts.text_tsv`` is a generated ``tsvector`` (the ``simple`` configuration: no stemming
and no stop words, as FTS5's unicode61 tokenizer) under a GIN index, so PostgreSQL keeps it.
"""

from ..search_sql import pg_query_function

DDL = """
CREATE TABLE IF NOT EXISTS sources (id INTEGER PRIMARY KEY, name TEXT NOT NULL, first_seen INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS idx_sources_name ON sources(name);
CREATE TABLE IF NOT EXISTS authors (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, handle TEXT NOT NULL, external_id TEXT, display_name TEXT,
    first_seen INTEGER, last_seen INTEGER, post_count INTEGER DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_authors_source_handle ON authors(source, handle);
CREATE INDEX IF NOT EXISTS idx_authors_handle ON authors(handle);
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, external_id TEXT NOT NULL, author_id INTEGER REFERENCES authors(id),
    text TEXT NOT NULL, created_at INTEGER NOT NULL, created_raw TEXT, collected_at INTEGER, url TEXT,
    reply_to TEXT, reply_to_author TEXT, mentions TEXT, hashtags TEXT, lang TEXT, lat REAL, lon REAL, place TEXT,
    raw TEXT, raw_sha256 TEXT, score REAL, flagged INTEGER DEFAULT 0, indicators TEXT, detector_version TEXT,
    tagged_at INTEGER, disposition TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_posts_source_external_id ON posts(source, external_id);
CREATE INDEX IF NOT EXISTS idx_posts_queue ON posts(flagged, score DESC, id);
CREATE INDEX IF NOT EXISTS idx_posts_time ON posts(created_at, id);
CREATE INDEX IF NOT EXISTS idx_posts_author_time ON posts(author_id, created_at);
CREATE INDEX IF NOT EXISTS idx_posts_label ON posts(disposition) WHERE disposition IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_posts_unreviewed ON posts(score DESC, id) WHERE flagged = 1 AND disposition IS NULL;
CREATE INDEX IF NOT EXISTS idx_posts_untagged ON posts(id) WHERE tagged_at IS NULL;
CREATE TABLE IF NOT EXISTS hits (
    id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts(id), indicator TEXT, score REAL, start INTEGER,
    "end" INTEGER, text TEXT, rule TEXT, origin TEXT, detector_version TEXT
);
CREATE INDEX IF NOT EXISTS idx_hits_post_id ON hits(post_id);
CREATE INDEX IF NOT EXISTS idx_hits_indicator_post_id ON hits(indicator, post_id);
CREATE TABLE IF NOT EXISTS labels (
    id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts(id), disposition TEXT, analyst TEXT, at REAL,
    undo_of INTEGER
);
CREATE INDEX IF NOT EXISTS idx_labels_post_id_id ON labels(post_id, id);
CREATE TABLE IF NOT EXISTS verdicts (
    id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts(id), indicator TEXT, verdict INTEGER, analyst TEXT,
    at REAL, undo_of INTEGER
);
CREATE INDEX IF NOT EXISTS idx_verdicts_post_id_indicator_id ON verdicts(post_id, indicator, id);
CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts(id), body TEXT, analyst TEXT, at REAL);
CREATE INDEX IF NOT EXISTS idx_notes_post_id_id ON notes(post_id, id);
CREATE TABLE IF NOT EXISTS collector_state (
    name TEXT PRIMARY KEY, plugin TEXT, cursor TEXT, last_run_at REAL, last_ok_at REAL, last_error TEXT,
    runs INTEGER DEFAULT 0, posts_added INTEGER DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, analyst TEXT, action TEXT NOT NULL, target TEXT, detail TEXT,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)
"""

# PostgreSQL's own: run as written, not through the translator.
NATIVE = """
ALTER TABLE posts ADD COLUMN IF NOT EXISTS text_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED;
CREATE INDEX IF NOT EXISTS idx_posts_text_tsv ON posts USING GIN (text_tsv);
{tsquery};
CREATE OR REPLACE FUNCTION triage_add_bool(bigint, boolean) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS 'SELECT COALESCE($1, 0) + COALESCE($2::int, 0)';
CREATE OR REPLACE AGGREGATE sum(boolean) (sfunc = triage_add_bool, stype = bigint);
CREATE OR REPLACE AGGREGATE total(double precision) (sfunc = float8pl, stype = float8, initcond = '0');
CREATE OR REPLACE FUNCTION round(double precision, integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT AS 'SELECT round($1::numeric, $2)::double precision'
""".format(tsquery=pg_query_function())
