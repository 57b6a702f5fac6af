"""The store: schema, idempotent ingest, FTS, append-only labels, the audit hash chain."""

from __future__ import annotations

import os
import stat

import pytest

from triage.records import PostRecord
from triage.store import SCHEMA_VERSION, SchemaTooNew, Store, catalog, queries
from triage.store.sql_dialect import is_postgres

from .backend import shell


def rec(i: int, source: str = "jsonl", text: str | None = None) -> PostRecord:
    return PostRecord(source=source, external_id=str(i), text=text or f"the quick brown fox {i}",
                      author_handle=f"a{i % 3}", created_at=1_780_000_000 + i, created_raw=str(1_780_000_000 + i),
                      raw={"id": i})


@pytest.mark.sqlite_only("WAL journal, PRAGMA user_version and the file's mode are a SQLite file's")
def test_new_store_is_private_wal_and_versioned(db_path):
    with Store.open(db_path) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600


def test_new_store_has_every_table_and_the_current_schema_version(db_path):
    with Store.open(db_path) as store:
        assert catalog.schema_version(store.conn) == SCHEMA_VERSION
        tables = catalog.table_names(store.conn)
        # Full-text search: SQLite's FTS5 table, PostgreSQL's GIN index over the generated tsvector.
        fts = (catalog.has_index(store.conn, "idx_posts_text_tsv") if store.is_postgres
               else "posts_fts" in tables)
    assert {"sources", "authors", "posts", "hits", "labels", "verdicts", "notes", "collector_state", "audit",
            "meta"} <= tables
    assert fts


def test_reopening_does_not_migrate_again_and_newer_schema_is_refused(db_path):
    Store.open(db_path).close()
    with Store.open(db_path) as store:
        store.add_posts([rec(1)])
        # What a newer triage leaves behind: its schema version, recorded where this engine keeps it.
        catalog.set_schema_version(store.conn, SCHEMA_VERSION + 1)
    with pytest.raises(SchemaTooNew):
        Store.open(db_path)


def _plan(conn, sql: str) -> str:
    """The engine's plan for ``sql``. PostgreSQL picks a sequential scan of a table this small
    whatever indexes exist; with that scan priced out, the plan names the index the query can use."""
    if is_postgres(conn):
        conn.execute_native("SET enable_seqscan = off")
        try:
            return str(conn.execute_native("EXPLAIN " + sql).fetchall())
        finally:
            conn.execute_native("RESET enable_seqscan")
    return str(conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall())


def test_queue_author_and_label_indexes_exist(db_path):
    with Store.open(db_path) as store:
        plan = _plan(store.conn, "SELECT id FROM posts WHERE flagged = 1 ORDER BY score DESC, id LIMIT 50")
        assert "idx_posts_queue" in plan
        plan = _plan(store.conn, "SELECT id FROM posts WHERE author_id = 3 ORDER BY created_at")
        if store.is_postgres:
            # PostgreSQL may read the wider idx_posts_author_profile: it leads with the same
            # (author_id, created_at), so the posts come in time order all the same, unsorted.
            assert ("idx_posts_author_time" in plan or "idx_posts_author_profile" in plan) and "Sort" not in plan
        else:
            assert "idx_posts_author_time" in plan
        plan = _plan(store.conn, "SELECT id FROM posts WHERE disposition = 'benign'")
        assert "idx_posts_label" in plan


def test_ingest_is_idempotent_and_keeps_the_evidence_copy(db_path):
    with Store.open(db_path) as store:
        first = store.add_posts([rec(i) for i in range(50)])
        again = store.add_posts([rec(i) for i in range(50)])
        changed = store.add_posts([rec(1, text="an edited text for the same id")])
        assert (first.added, again.added, changed.added) == (50, 0, 0)
        assert list(first.new_ids()) == list(range(1, 51))
        row = store.conn.execute(
            "SELECT text, raw, raw_sha256, created_raw, collected_at FROM posts WHERE external_id = '1'").fetchone()
        assert row[0] == "the quick brown fox 1"  # the first copy stays: evidence is never overwritten
        assert row[1] == '{"id":1}'
        import hashlib

        assert row[2] == hashlib.sha256(row[1].encode()).hexdigest()
        assert row[3] == "1780000001" and row[4] > 0
        authors = dict(store.conn.execute("SELECT handle, post_count FROM authors"))
        assert authors == {"a0": 17, "a1": 17, "a2": 16}


def test_full_text_search_covers_every_new_post(db_path):
    with Store.open(db_path) as store:
        store.add_posts([rec(1, text="buying a rifle tomorrow"), rec(2, text="coffee time")])
        store.add_posts([rec(3, text="another rifle post")])
        everything = queries.QueueFilter(flagged_only=False, label_state="any", search="rifle")
        assert sorted(queries.queue_ids(store.conn, everything)) == [1, 3]


def test_search_reads_the_same_query_language_on_both_engines(db_path):
    """Words, "a phrase", OR, NOT and prefix* find the same posts in FTS5 and in PostgreSQL."""
    texts = ["buying a rifle tomorrow", "coffee time with the rifle club", "rifles are on sale",
             "time to go hiking", "tomorrow is coffee time"]
    with Store.open(db_path) as store:
        store.add_posts([rec(i + 1, text=t) for i, t in enumerate(texts)])

        def found(query: str) -> list[int]:
            flt = queries.QueueFilter(flagged_only=False, label_state="any", search=query)
            return sorted(queries.queue_ids(store.conn, flt))

        assert found("rifle") == [1, 2]  # whole words: "rifles" is another word
        assert found("rifle*") == [1, 2, 3]
        assert found("coffee time") == [2, 5]  # every word, anywhere
        assert found('"coffee time"') == [2, 5]
        assert found('"time coffee"') == []  # a phrase keeps its order
        assert found("hiking OR rifle") == [1, 2, 4]
        assert found("rif* OR hik*") == [1, 2, 3, 4]
        assert found("time NOT rifle") == [4, 5]
        assert found("Coffee AND Tomorrow") == [5]  # any case


def test_labels_are_append_only_and_undo_appends(db_path):
    with Store.open(db_path) as store:
        store.add_posts([rec(i) for i in range(3)])
        first = store.set_disposition([1], "monitor", "ann")
        second = store.set_disposition([1, 2], "escalate", "bob")
        store.undo_label(second, "bob")
        history = store.conn.execute("SELECT post_id, disposition, analyst, undo_of FROM labels ORDER BY id").fetchall()
        assert history == [(1, "monitor", "ann", None), (1, "escalate", "bob", None), (2, "escalate", "bob", None),
                           (1, "monitor", "bob", second[0]), (2, None, "bob", second[0])]
        current = dict(store.conn.execute("SELECT id, disposition FROM posts"))
        assert current == {1: "monitor", 2: None, 3: None}
        assert first == [1]
        assert queries.stats(store.conn).labeled == 1


def test_verdicts_and_notes_are_kept_with_history(db_path):
    with Store.open(db_path) as store:
        store.add_posts([rec(1)])
        v1 = store.set_verdict(1, "threat", 1, "ann")
        store.set_verdict(1, "threat", 0, "bob")
        store.undo_verdict(v1 + 1, "bob")
        rows = store.conn.execute("SELECT verdict, analyst FROM verdicts ORDER BY id").fetchall()
        assert rows == [(1, "ann"), (0, "bob"), (1, "bob")]
        store.add_note(1, "line one\nline two", "ann")
        assert store.conn.execute("SELECT body FROM notes").fetchone()[0] == "line one\nline two"


def test_audit_chain_detects_an_edit_made_with_the_database_shell(db_path):
    with Store.open(db_path) as store:
        store.add_posts([rec(i) for i in range(3)])
        for i in range(1, 4):
            store.set_disposition([i], "benign", "ann")
        assert store.verify_audit().ok
    shell(db_path, "UPDATE audit SET analyst = 'mallory' WHERE id = 2")  # sqlite3 or psql
    with Store.open(db_path, readonly=True) as store:
        report = store.verify_audit()
    assert not report.ok and report.broken_at == 2


def test_audit_chain_detects_removed_rows(db_path):
    with Store.open(db_path) as store:
        store.add_posts([rec(1)])
        for _ in range(3):
            store.log("ann", "export", "x")
    shell(db_path, "DELETE FROM audit WHERE id = 3")
    with Store.open(db_path, readonly=True) as store:
        report = store.verify_audit()
    assert not report.ok and report.broken_at == 3


def test_readonly_store_refuses_writes(db_path):
    Store.open(db_path).close()
    with Store.open(db_path, readonly=True) as store:
        with pytest.raises(Exception):  # noqa: B017  (sqlite's or the store's refusal: either will do)
            store.add_posts([rec(1)])


def test_resolve_post_by_id_or_source_key(db_path):
    from triage.store import UnknownPost

    with Store.open(db_path) as store:
        store.add_posts([rec(7, source="mastodon:example.social")])
        assert store.resolve_post("1") == 1
        assert store.resolve_post("mastodon:example.social:7") == 1
        with pytest.raises(UnknownPost):
            store.resolve_post("reddit:7")


def test_an_authors_raw_offsets_and_months_group_alike_on_both_engines(db_path):
    """The author screen's time-zone evidence and monthly timeline: SQLite's GLOB, substr() from
    the end and strftime, and PostgreSQL's regular expressions and EXTRACT, give the same groups."""
    from datetime import datetime, timezone

    from triage.store import analytics_queries as aq

    raws = ["1780000000", "2026-05-29T10:00:00+02:00", "2026-05-28T20:26:40+02:00", "2026-05-28T20:26:40-0500",
            "Thu May 28 20:26:40 +0000 2026", "2026-05-28T20:26:40Z", "Thu, 28 May 2026 20:26:40 GMT", "yesterday"]
    times = [1_782_863_999, 1_782_864_000, 1_780_000_000, 1_785_000_000, 1_790_000_000, 1_750_000_000,
             1_750_000_001, 1_782_863_999]  # 2026-06-30T23:59:59Z and the next second: two months
    with Store.open(db_path) as store:
        store.add_posts([PostRecord(source="s", external_id=str(i), text=f"post {i}", author_handle="tz",
                                    created_at=at, created_raw=raw, raw={"id": i})
                         for i, (raw, at) in enumerate(zip(raws, times))])
        author = store.conn.execute("SELECT id FROM authors WHERE handle = 'tz'").fetchone()[0]
        offsets = sorted(tuple(r) for r in aq.author_raw_offsets(store.conn, [author]))
        months: dict[int, int] = {}
        for bucket, _, posts, _ in aq.author_bucket_counts(store.conn, [author], "month"):
            months[bucket] = months.get(bucket, 0) + posts
    assert offsets == [("2026-05-28T20:26:40+02:00", 2), ("2026-05-28T20:26:40-0500", 1), ("2026-05-28T20:26:40Z", 2),
                       ("Thu May 28 20:26:40 +0000 2026", 1), ("yesterday", 1)]  # the epoch says nothing
    expected: dict[int, int] = {}
    for at in times:
        day = datetime.fromtimestamp(at, timezone.utc)
        expected[day.year * 12 + day.month - 1] = expected.get(day.year * 12 + day.month - 1, 0) + 1
    assert months == expected and len(expected) == 5


def test_a_nul_in_text_is_stored_as_u_fffd_on_postgresql_and_the_audit_chain_still_verifies(db_path):
    """PostgreSQL's text cannot hold NUL: it stores U+FFFD instead. The audit chain hashes its
    names as every engine stores them (U+FFFD on both), so `audit verify` passes on both."""
    with Store.open(db_path) as store:
        store.add_posts([PostRecord(source="s", external_id="1", text="before\x00after", author_handle="nul\x00guy",
                                    created_at=1_780_000_000, created_raw="x", raw={"text": "before\x00after"})])
        store.add_note(1, "pasted \x00 note", "ann")
        store.set_disposition([1], "monitor", "an\x00n")
        assert store.verify_audit().ok
        text, raw = store.conn.execute("SELECT text, raw FROM posts").fetchone()
        analysts = [r[0] for r in store.conn.execute("SELECT analyst FROM audit WHERE action = 'label'")]
    assert "\\u0000" in raw  # the evidence copy keeps the escape
    if store.is_postgres:
        assert text == "before\ufffdafter"
    assert analysts == ["an\ufffdn"]
