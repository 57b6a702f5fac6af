"""The SQLite-to-PostgreSQL rewrite of the store's statements (triage/store/sql_dialect.py): the
text each rule produces, and the parameters as PostgreSQL is sent them. That the rewritten SQL
runs and answers as on SQLite is what the BOTH_BACKENDS test modules prove on a real server."""

from __future__ import annotations

from triage.store.sql_dialect import decode_params, to_postgres


def test_a_list_compared_with_in_becomes_any_so_strings_and_empty_lists_have_a_type():
    tr = to_postgres("SELECT id FROM posts p WHERE p.source IN (SELECT value FROM json_each(?)) AND p.score >= ?")
    assert tr.sql == "SELECT id FROM posts p WHERE p.source = ANY(%s) AND p.score >= %s"
    assert tr.json_params == (0,)
    assert decode_params(tr, ['["jsonl", "reddit"]', 0.5]) == [["jsonl", "reddit"], 0.5]
    assert decode_params(tr, ["[]", 0.5]) == [[], 0.5]


def test_not_in_a_list_becomes_all_and_other_json_each_uses_unnest():
    tr = to_postgres("SELECT id FROM posts WHERE id NOT IN ( SELECT value FROM json_each( ? ) )")
    assert tr.sql == "SELECT id FROM posts WHERE id <> ALL(%s)"
    tr = to_postgres("SELECT value * 2 FROM json_each(?)")
    assert tr.sql == "SELECT value * 2 FROM unnest(%s) AS json_each(value)"
    assert decode_params(tr, ["[1, 2]"]) == [[1, 2]]


def test_only_the_json_parameters_are_decoded():
    tr = to_postgres("SELECT 1 FROM posts WHERE text = ? AND id IN (SELECT value FROM json_each(?)) AND raw = ?")
    assert tr.json_params == (1,)
    assert decode_params(tr, ["[1]", "[2, 3]", "[4]"]) == ["[1]", [2, 3], "[4]"]


def test_nul_in_text_becomes_the_replacement_character_and_booleans_integers():
    tr = to_postgres("INSERT INTO notes (body, analyst) VALUES (?, ?)")
    assert decode_params(tr, ["a\x00b", True]) == ["a\ufffdb", 1]
    assert decode_params(to_postgres("SELECT :x"), {"x": "\x00", "y": False}) == {"x": "\ufffd", "y": 0}


def test_placeholders_percent_signs_and_literals():
    tr = to_postgres("SELECT '?' || text FROM posts WHERE text LIKE '%gun%' AND id = ? AND raw IS ?")
    assert tr.sql == "SELECT '?' || text FROM posts WHERE text ILIKE '%%gun%%' AND id = %s AND raw IS NOT DISTINCT FROM %s"


def test_insert_or_ignore_and_replace():
    assert to_postgres("INSERT OR IGNORE INTO sources (name) VALUES (?)").sql == (
        "INSERT INTO sources (name) VALUES (%s) ON CONFLICT DO NOTHING")
    assert to_postgres("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)").sql == (
        "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")


def test_an_empty_in_list_is_false_and_an_empty_not_in_list_true():
    assert to_postgres("SELECT id FROM author_changes WHERE author_id IN () ORDER BY id").sql == (
        "SELECT id FROM author_changes WHERE author_id = ANY('{}') ORDER BY id")
    assert to_postgres("SELECT 1 WHERE 3 NOT IN ( )").sql == "SELECT 1 WHERE 3 <> ALL('{}')"
    assert to_postgres("SELECT 1 WHERE 3 IN (?)").sql == "SELECT 1 WHERE 3 IN (%s)"  # a list with items stays
