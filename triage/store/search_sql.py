"""Full-text search as each engine does it: SQLite's FTS5 table ``posts_fts`` (filled per batch
by the store), PostgreSQL's generated ``posts.text_tsv`` under a GIN index.

The analyst types the same query on both: words (all must occur), ``"a phrase"``, ``OR``,
``-word`` / ``NOT word`` and ``prefix*``. FTS5 reads that natively; on PostgreSQL
``websearch_to_tsquery`` reads words, phrases, ``OR`` and ``-`` (never a syntax error: an
unclosed quote is a phrase to the end), and the words written with ``*`` become prefix lexemes
(``:*``) in the tsquery it made, so ``rif* OR hik*`` keeps its OR.
"""

from __future__ import annotations

from .sql_dialect import is_postgres


def matches(conn, alias: str = "p") -> str:
    """A WHERE clause (one ``?``: the query) true for the posts the query matches."""
    if is_postgres(conn):
        return f"{alias}.text_tsv @@ triage_tsquery(?)"
    return f"{alias}.id IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)"


def pg_query_function() -> str:
    """``triage_tsquery(text)``: the analyst's query as a tsquery (created by the PostgreSQL schema).

    FTS5's ``NOT b`` is written ``-b`` and its ``AND`` dropped (websearch reads them as words);
    the stars are taken out and the rest read by ``websearch_to_tsquery``; then each lexeme of a
    word that had a star gets ``:*``. The lexemes stand quoted in the tsquery's text (``'hik'``),
    so a replace there cannot touch a longer word."""
    return (
        "CREATE OR REPLACE FUNCTION triage_tsquery(q text) RETURNS tsquery LANGUAGE plpgsql IMMUTABLE AS $$ "
        "DECLARE t text := websearch_to_tsquery('simple', regexp_replace(regexp_replace(replace(q, '*', ' '), "
        "'(^|\\s)NOT\\s+', '\\1-', 'g'), '(^|\\s)AND(\\s|$)', '\\1', 'g'))::text; w text; "
        "BEGIN "
        "FOR w IN SELECT DISTINCT lower(m[1]) FROM regexp_matches(q, '([[:alnum:]]+)\\*', 'g') AS m LOOP "
        "t := replace(t, quote_literal(w), quote_literal(w) || ':*'); "
        "END LOOP; "
        "RETURN t::tsquery; "
        "END $$"
    )
