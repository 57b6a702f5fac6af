"""PostgreSQL as the store: naming it (--db, TRIAGE_DB, config), `triage migrate --to`, the live
queue over LISTEN/NOTIFY. Every test here runs against a real server (tests/pg_cluster.py)."""

from __future__ import annotations

import json
import sqlite3
import time

import psycopg
import pytest
from click.testing import CliRunner

from triage.cli import main
from triage.config import Config
from triage.db_location import PgUrl
from triage.records import PostRecord
from triage.screens.app import TriageApp
from triage.store import Store

from .conftest import Cli, post, write_jsonl
from .console_store import build_console_store


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


# ---- naming the store ---------------------------------------------------------------------

@pytest.mark.parametrize("value", ["mysql://u@h/db", "sqlite:///tmp/x.db", "http://example.org/store"])
def test_a_db_that_is_no_path_and_no_postgresql_url_is_one_line(tmp_path, monkeypatch, value):
    monkeypatch.chdir(tmp_path)
    for args, env in ((["--db", value, "stats"], None), (["stats"], {"TRIAGE_DB": value})):
        result = run(*args, env=env)
        assert result.exit_code != 0
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "not a store file path or a postgresql:// URL" in lines[0], result.output
        assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # no folder named after the scheme, no store file


def test_config_db_takes_a_postgresql_url_and_refuses_other_schemes(tmp_path, monkeypatch, pg_url):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("TRIAGE_CONFIG", str(config))
    config.write_text(f'db = "{pg_url.url}"\n')
    data = write_jsonl(tmp_path / "in.jsonl", [post(i) for i in range(5)])
    result = run("import", data, "--no-tag")
    assert result.exit_code == 0, result.output
    with psycopg.connect(pg_url.url) as conn:
        assert conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == 5
    config.write_text('db = "redis://localhost/0"\n')
    result = run("stats")
    assert result.exit_code != 0 and "config.toml: db" in result.output and "postgresql://" in result.output


def test_an_unreachable_server_is_one_line(tmp_path):
    url = f"postgresql://triage@/nothing?host={tmp_path}&connect_timeout=2"  # no server on this socket dir
    result = run("--db", url, "stats")
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "cannot reach PostgreSQL" in result.output and "No such file or directory" in result.output


def test_a_password_never_shows(pg_url):
    shown = str(PgUrl("postgresql://ann:s3cret@db.example/triage"))
    assert "s3cret" not in shown and shown == "postgresql://ann:***@db.example/triage"


# ---- migrate --to ---------------------------------------------------------------------------

def _rows(conn, sql):
    return [tuple(r) for r in conn.execute(sql).fetchall()]


def test_migrate_copies_a_sqlite_store_whole_and_the_copy_verifies(tmp_path, pg_url):
    src = tmp_path / "station.db"
    cli = Cli(src)
    data = write_jsonl(tmp_path / "in.jsonl", [post(i, text=f"I will kill them all at the mall {i}") if i % 3 == 0
                                               else post(i) for i in range(40)])
    assert cli("import", data).exit_code == 0
    assert cli("label", "1", "--as", "escalate", "--note", "seen at the mall").exit_code == 0
    assert cli("label", "jsonl:4", "--as", "benign", "--indicator", "threat=0").exit_code == 0
    assert cli("analyze").exit_code == 0

    result = cli("migrate", "--to", pg_url.url)
    assert result.exit_code == 0, result.output
    assert "audit chain ok" in result.output and "custody ok" in result.output

    lite = sqlite3.connect(src)
    with psycopg.connect(pg_url.url) as pg:
        for sql in ("SELECT id, source, external_id, author_id, text, created_at, raw, raw_sha256, score, flagged, "
                    "indicators, disposition FROM posts ORDER BY id",
                    'SELECT id, post_id, indicator, start, "end", rule FROM hits ORDER BY id',
                    "SELECT id, post_id, disposition, analyst, at FROM labels ORDER BY id",
                    "SELECT id, post_id, indicator, verdict, analyst FROM verdicts ORDER BY id",
                    "SELECT id, post_id, body, analyst FROM notes ORDER BY id",
                    "SELECT id, author_id, kind, week FROM author_changes ORDER BY id",
                    "SELECT author_id, concern FROM author_concern ORDER BY author_id"):
            assert _rows(pg, sql) == _rows(lite, sql), sql
        audit = _rows(pg, "SELECT id, action, hash FROM audit ORDER BY id")
        assert audit[:-1] == _rows(lite, "SELECT id, action, hash FROM audit ORDER BY id")
        assert audit[-1][1] == "migrate-from"  # the copy says where it came from, in its own chain

    pg_cli = Cli(pg_url)
    verify = pg_cli("audit", "verify")
    assert verify.exit_code == 0 and "audit chain ok" in verify.output, verify.output
    # The copy goes on as a store: new ids follow the copied ones, and it still verifies.
    assert pg_cli("label", "2", "--as", "monitor").exit_code == 0
    with psycopg.connect(pg_url.url) as pg:
        label_ids = [r[0] for r in pg.execute("SELECT id FROM labels ORDER BY id")]
    assert label_ids == sorted(set(label_ids)) and len(label_ids) == 3
    assert pg_cli("audit", "verify").exit_code == 0
    # A second migrate into the same database is refused, and leaves it as it was.
    again = cli("migrate", "--to", pg_url.url)
    assert again.exit_code != 0 and "already holds posts" in again.output
    assert len(again.output.strip().splitlines()) == 1


def test_migrate_into_a_tampered_copy_is_caught_by_audit_verify(tmp_path, pg_url):
    src = tmp_path / "station.db"
    cli = Cli(src)
    assert cli("import", write_jsonl(tmp_path / "in.jsonl", [post(i) for i in range(10)])).exit_code == 0
    assert cli("label", "3", "--as", "escalate").exit_code == 0
    assert cli("migrate", "--to", pg_url.url).exit_code == 0
    with psycopg.connect(pg_url.url, autocommit=True) as pg:  # a tamperer with the database's password
        pg.execute("UPDATE labels SET disposition = 'benign' WHERE post_id = 3")
    result = Cli(pg_url)("audit", "verify")
    assert result.exit_code != 0 and "labels" in result.output


# ---- the live queue: LISTEN/NOTIFY ------------------------------------------------------------

def _record(i: int) -> PostRecord:
    return PostRecord(source="jsonl", external_id=f"live{i}", text=f"live post {i}", author_handle="w",
                      created_at=1_780_000_000 + i, created_raw=str(1_780_000_000 + i), raw=json.dumps({"i": i}))


def test_a_listener_hears_a_batch_when_it_commits_not_before(pg_url):
    writer = Store.open(pg_url)
    listener = writer.new_posts_listener()
    try:
        assert listener.wait(0.2) is False  # nothing committed
        with writer.transaction() as conn:
            conn.execute("INSERT INTO sources (name, first_seen) VALUES ('jsonl', 0)")
            conn.notify_new_posts()
            assert listener.wait(0.3) is False  # inside the transaction: nobody hears it yet
        assert listener.wait(2.0) is True  # delivered at commit
        writer.add_posts([_record(1), _record(2)])
        assert listener.wait(2.0) is True
        writer.add_posts([_record(1)])  # a duplicate adds nothing and says nothing
        assert listener.wait(0.3) is False
    finally:
        listener.close()
        writer.close()


def test_sqlite_has_no_listener(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        assert store.new_posts_listener() is None


async def test_the_console_shows_new_posts_as_they_commit(tmp_path, pg_url):
    from triage.screens.queue_list import QueueList

    src = build_console_store(tmp_path / "console.db")
    assert Cli(src)("migrate", "--to", pg_url.url).exit_code == 0
    app = TriageApp(pg_url, Config(analyst="ann", timezone="UTC"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        queue = app.screen.query_one(QueueList)
        assert len(queue.ids) == 10
        with Store.open(pg_url) as collector:  # another process's collector, as far as the console knows
            result = collector.add_posts([_record(i) for i in range(3)])
            assert result.added == 3
            from triage.store import TagResult

            collector.write_tags([TagResult(pid, 0.9, True, ["threat"]) for pid in result.new_ids()], "test")
            collector.add_posts([_record(10)])  # the tags are written: a second batch notifies again
        # Well under the SQLite poll (5 s): the NOTIFY woke the queue.
        deadline = time.monotonic() + 4.0
        status = ""
        while time.monotonic() < deadline:
            await pilot.pause(0.1)
            await app.workers.wait_for_complete()
            status = str(app.screen.query_one("#status").render())
            if "3 new" in status:
                break
        assert "3 new: r" in status, status
        await pilot.press("r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(app.screen.query_one(QueueList).ids) == 13
