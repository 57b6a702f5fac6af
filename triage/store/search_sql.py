"""Full-text search as each engine does it: SQLite's FTS5 table ``posts_fts`` (filled per batch
by the store), PostgreSQL's generated ``posts.text_tsv`` under a GIN index.

The analyst types the same query on both: words (all must occur), ``"a phrase"``, ``OR``,
``-word`` / ``NOT word`` and ``prefix*``. FTS5 reads that natively; on PostgreSQL it goes through
``websearch_to_tsquery`` (words, phrases, OR, -) or, when a word ends in ``*``, through
``to_tsquery`` with ``:*`` prefixes.
"""

from __future__ import annotations

import re

from .sql_dialect import is_postgres

_WORD = re.compile(r"[^\W_]+\*?", re.UNICODE)


def matches(conn, alias: str = "p") -> str:
    """A WHERE clause (one ``?``: the query) true for the posts the query matches."""
    if is_postgres(conn):
        return f"{alias}.text_tsv @@ triage_tsquery(?)"
    return f"{alias}.id IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)"


def pg_query_function() -> str:
    """``triage_tsquery(text)``: the analyst's query as a tsquery (created by the PostgreSQL schema).
    FTS5's ``AND`` is the default between words and ``NOT b`` is websearch's ``-b``."""
    return r"""CREATE OR REPLACE FUNCTION triage_tsquery(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN q ~ '[[:alnum:]]\*' AND q !~ '"' THEN
    to_tsquery('simple', array_to_string(ARRAY(
      SELECT CASE WHEN w LIKE '%*' THEN rtrim(w, '*') || ':*' ELSE w END
        FROM regexp_split_to_table(regexp_replace(q, '[^[:alnum:]* ]', ' ', 'g'), ' +') AS w
       WHERE w NOT IN ('', 'AND', 'OR', 'NOT')), ' & '))
  ELSE websearch_to_tsquery('simple', regexp_replace(regexp_replace(q, '\mAND\M', ' ', 'g'), '\mNOT\s+', '-', 'g'))
  END $$"""
