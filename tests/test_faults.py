"""Faults a store of evidence must survive: SIGKILL mid-import, a collector writing while the
analyst works, arbitrary input."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from triage.collectors.runner import run_collector
from triage.db_location import PgUrl
from triage.plugins.csv_file import CsvCollector
from triage.plugins.jsonl_file import JsonlCollector
from triage.records import ImportProblem, PostRecord
from triage.store import Store, queries

from . import backend
from .conftest import post, write_jsonl

TRIAGE = str(Path(sys.executable).parent / "triage")


def _snapshot(db) -> set[str]:
    if "posts" not in backend.tables(db):
        return set()  # killed while the first migration ran: nothing is committed yet
    return {r[0] for r in backend.rows(db, "SELECT external_id FROM posts")}


def _intact(db) -> bool:
    """The engine's own consistency check: SQLite's integrity_check of the file; on PostgreSQL,
    amcheck over every B-tree index of the store's tables (each index agrees with its table)."""
    if not backend.is_pg(db):
        return backend.rows(db, "PRAGMA integrity_check") == [("ok",)]
    with backend.connection(db) as conn:
        conn.execute_native("CREATE EXTENSION IF NOT EXISTS amcheck")
        conn.execute_native(
            "SELECT bt_index_check(i.indexrelid, true) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = current_schema()").fetchall()
    return True  # bt_index_check raises on the first index that does not agree


def _searchable(db, words: str) -> int:
    """How many posts the full-text search finds (FTS5 table or tsvector index)."""
    with Store.open(db, readonly=True) as store:
        return len(queries.queue_ids(store.conn, queries.QueueFilter(flagged_only=False, label_state="any",
                                                                      search=words)))


def _created(db) -> bool:
    return backend.is_pg(db) or Path(db).exists()


def test_sigkill_during_import_loses_nothing_committed(tmp_path, db_path):
    """On PostgreSQL the server rolls back the killed writer's open transaction."""
    source = write_jsonl(tmp_path / "big.jsonl", [post(i, text=f"post {i} " + "words " * 30, created_at=1_700_000_000 + i * 600)
                                                   for i in range(40_000)])
    db = db_path
    rng = random.Random(5)
    env_cmd = [TRIAGE, "--db", backend.cli_value(db), "import", "--no-tag", "--batch-size", "500", "-q", str(source)]
    committed: set[str] = set()
    for run in range(4):
        proc = subprocess.Popen(env_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.4, 1.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not _created(db):
            continue
        now = _snapshot(db)
        assert committed <= now, f"run {run}: posts committed before the kill disappeared"
        committed = now
    subprocess.run(env_cmd, check=True, stdout=subprocess.DEVNULL)  # the rerun completes the import
    assert _intact(db)
    [(total, distinct)] = backend.rows(db, "SELECT COUNT(*), COUNT(DISTINCT source || ':' || external_id) FROM posts")
    assert total == distinct == 40_000
    assert _searchable(db, "words") == 40_000  # the search index covers exactly the committed posts
    assert committed <= _snapshot(db)
    out = subprocess.run([TRIAGE, "--db", backend.cli_value(db), "audit", "verify"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


async def test_console_works_while_a_collector_writes(tmp_path, db_path):
    """No 'database is locked' reaches the analyst and no label is lost while another process-like
    writer commits batches continuously."""
    from triage.config import Config
    from triage.screens.app import TriageApp
    from triage.screens.queue_list import QueueList

    from .console_store import build_console_store

    db = build_console_store(db_path)
    stop = threading.Event()
    written = []

    def collector() -> None:
        with Store.open(db) as writer:
            i = 0
            while not stop.is_set() and i < 60_000:
                batch = [PostRecord("live", f"l{i + k}", f"live post {i + k} rifle", f"bot{k % 5}",
                                    1_786_600_000 + i + k, "x", raw="{}") for k in range(200)]
                written.append(writer.add_posts(batch).added)
                i += 200
                time.sleep(0.005)  # a collector between two pages of its source

    thread = threading.Thread(target=collector, daemon=True)
    thread.start()
    app = TriageApp(db, Config(analyst="ann", timezone="UTC"))
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            queue = app.screen.query_one(QueueList)
            labeled = []
            for round_ in range(4):
                labeled.append(queue.current_id)
                await pilot.press("4")  # unclear, and advance
                await pilot.press("j", "k", "j")
                await pilot.press("slash", *"rifle", "enter")
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.press("escape")
                await pilot.pause()
                await app.workers.wait_for_complete()
                queue = app.screen.query_one(QueueList)
                queue.move_to(round_ + 1)
                await pilot.pause()
            errors = [n.message for n in app._notifications if n.severity == "error"]
            assert errors == []
    finally:
        stop.set()
        thread.join(10)
    assert sum(written) > 0
    got = [r[0] for r in backend.rows(db, "SELECT post_id FROM labels WHERE disposition = 'unclear' ORDER BY id")]
    assert got == labeled


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(
    st.binary(max_size=80),
    _json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"id": st.text(max_size=5), "text": st.text(), "author": st.text(max_size=6),
                           "created_at": st.one_of(st.integers(-10**12, 10**13), st.text(max_size=30))},
                          optional={"lat": _json_values, "mentions": _json_values}).map(
        lambda d: json.dumps(d).encode()),
), max_size=12))
def test_jsonl_importer_never_crashes_and_keeps_every_good_line(tmp_path_factory, request, db_path, lines):
    path = tmp_path_factory.mktemp("fuzz") / "f.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
    # A fresh store for each example (db_path is one per test, hypothesis runs many examples).
    db = (PgUrl(request.getfixturevalue("pg_cluster").new_database()) if backend.is_pg(db_path)
          else path.with_suffix(".db"))
    with Store.open(db) as store:
        summary, _ = run_collector(store, JsonlCollector({"path": str(path)}))
        stored = store.conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
    assert _intact(db)
    if backend.is_pg(db):
        from triage.store.postgres import close_pools

        close_pools()  # sixty examples, sixty databases: each pool ends with its example
    items = list(JsonlCollector({"path": str(path)}).collect(__import__("triage.collectors.api").collectors.api.CollectorState()))
    good = [i for i in items if isinstance(i, PostRecord)]
    assert all(isinstance(p, ImportProblem) and p.line >= 1 for p in items if not isinstance(p, PostRecord))
    assert stored == len({(r.source, r.external_id) for r in good})
    assert summary.problem_count == len(items) - len(good)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.text(max_size=20), min_size=0, max_size=6), max_size=8))
def test_csv_importer_never_crashes(tmp_path_factory, rows):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "text", "author", "created_at"])
    for row in rows:
        writer.writerow(row)
    path = tmp_path_factory.mktemp("fuzzcsv") / "f.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    items = list(CsvCollector({"path": str(path)}).collect(__import__("triage.collectors.api").collectors.api.CollectorState()))
    for item in items:
        assert isinstance(item, (PostRecord, ImportProblem))


def test_a_full_store_fails_clearly_and_keeps_what_was_committed(tmp_path):
    from triage.store import StoreFull

    path = write_jsonl(tmp_path / "p.jsonl", [post(i, text="x" * 2000) for i in range(3000)])
    db = tmp_path / "full.db"
    with Store.open(db) as store:
        store.add_posts([PostRecord("early", "e1", "kept before the disk filled", "a", 1, "1", raw="{}")])
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 150}")  # the disk fills after ~0.5 MB
        try:
            run_collector(store, JsonlCollector({"path": str(path)}), batch_size=100)
            raise AssertionError("the store never filled up")
        except StoreFull as exc:
            assert "no space left" in str(exc) and str(db) in str(exc)
        committed = store.conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
    with Store.open(db) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == committed
        assert store.conn.execute("SELECT text FROM posts WHERE source = 'early'").fetchone()[0].startswith("kept")
        assert committed % 100 == 1  # whole batches only


def test_import_on_a_full_filesystem_is_a_one_line_error(tmp_path):
    """A real small file system (tmpfs) when this machine lets us mount one."""
    import os
    import shutil

    import pytest

    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here; the max_page_count test covers the store side")
    try:
        src = write_jsonl(tmp_path / "p.jsonl", [post(i, text="y" * 3000) for i in range(2000)])
        db = mount / "t.db"
        out = subprocess.run([TRIAGE, "--db", str(db), "import", "--no-tag", "--batch-size", "50", str(src)],
                             capture_output=True, text=True)
        assert out.returncode == 1
        assert out.stderr.count("\n") == 1 and "no space left" in out.stderr, out.stderr
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0] > 0
        conn.close()
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_sigkill_during_collect_resumes_from_its_cursor_without_duplicates(tmp_path, db_path):
    """`triage collect` killed at random points: committed posts stay, the cursor resumes, and a
    final run completes the source exactly once."""
    feed = write_jsonl(tmp_path / "feed.jsonl", [post(i, text=f"feed {i} " + "words " * 30, created_at=1_700_000_000 + i * 600)
                                                      for i in range(30_000)])
    db = db_path
    config = tmp_path / "config.toml"
    config.write_text(f'[[collectors]]\nname = "feed"\nplugin = "jsonl"\n[collectors.options]\npath = "{feed}"\n')
    env = {**__import__("os").environ, "TRIAGE_CONFIG": str(config)}
    cmd = [TRIAGE, "--db", backend.cli_value(db), "collect", "feed", "--no-tag"]
    rng = random.Random(9)
    committed: set[str] = set()
    for _ in range(3):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if _created(db):
            now = _snapshot(db)
            assert committed <= now
            committed = now
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert _intact(db)
    [(total, distinct)] = backend.rows(db, "SELECT COUNT(*), COUNT(DISTINCT external_id) FROM posts")
    assert total == distinct == 30_000
    [(cursor,)] = backend.rows(db, "SELECT cursor FROM collector_state WHERE name = 'feed'")
    assert json.loads(cursor)["line"] == 30_000  # a further run starts at the end of the file
    out = subprocess.run([TRIAGE, "--db", backend.cli_value(db), "audit", "verify"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


# ---- store faults are one line (issue 15) -----------------------------------------------------


def _one_line_error(out) -> None:
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("triage: error: "), out.stderr


def test_a_file_that_is_not_a_database_is_one_line_for_every_command(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_text("shopping list\n" * 400)
    for args in (["stats"], ["audit", "verify"], ["label", "1", "--as", "benign"], ["tag"]):
        out = subprocess.run([TRIAGE, "--db", str(junk), *args], capture_output=True, text=True)
        _one_line_error(out)
        assert "not" in out.stderr and "database" in out.stderr
    assert junk.read_text() == "shopping list\n" * 400


def test_fault_messages_name_the_fault():
    import errno

    from triage.cli.faults import fault_message

    assert "disk I/O error" in fault_message(sqlite3.OperationalError("disk I/O error"), "s.db")
    assert "read-only" in fault_message(sqlite3.OperationalError("attempt to write a readonly database"), "s.db")
    assert "no space left" in fault_message(sqlite3.OperationalError("database or disk is full"), "s.db")
    assert "disk I/O error" in fault_message(OSError(errno.EIO, "Input/output error", "out.csv"), "s.db")
    assert fault_message(ValueError("a bug"), "s.db") is None  # a bug still shows its traceback


def test_a_label_with_a_note_for_many_posts_is_one_transaction(tmp_path):
    """A full store (or a kill) leaves every label with its note, or none: not 60,000 labels
    beside 4,222 notes."""
    from triage.store import StoreFull

    db = tmp_path / "t.db"
    with Store.open(db) as store:
        store.add_posts([PostRecord("s", f"e{i}", f"post {i}", "a", 1_780_000_000, "x", raw="{}")
                         for i in range(3000)])
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 40}")
        ids = [r[0] for r in store.conn.execute("SELECT id FROM posts")]
        try:
            store.label_posts(ids, "tester", disposition="escalate", note="n" * 400)
            raise AssertionError("the store never filled up")
        except StoreFull:
            pass
        labels = store.conn.execute("SELECT COUNT(*) FROM labels").fetchone()[0]
        notes = store.conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
        assert labels == notes == 0
        store.conn.execute("PRAGMA max_page_count = 1073741823")
        store.label_posts(ids[:10], "tester", disposition="escalate", note="fits")
        assert store.conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 10


def _tmpfs(path: Path, size: str = "2m"):
    import os
    import shutil

    import pytest

    path.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")


def test_writes_to_a_read_only_store_are_one_line(tmp_path):
    mount = tmp_path / "ro"
    _tmpfs(mount, "8m")
    try:
        src = write_jsonl(tmp_path / "p.jsonl", [post(i) for i in range(20)])
        db = mount / "t.db"
        assert subprocess.run([TRIAGE, "--db", str(db), "import", "--no-tag", str(src)],
                              capture_output=True).returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        for args in (["label", "1", "--as", "benign", "--note", "n"], ["import", "--no-tag", str(src)],
                     ["tag"]):
            out = subprocess.run([TRIAGE, "--db", str(db), *args], capture_output=True, text=True)
            _one_line_error(out)
            assert "read-only" in out.stderr or "readonly" in out.stderr, out.stderr
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_export_and_label_onto_a_full_disk_are_one_line(tmp_path):
    mount = tmp_path / "full"
    _tmpfs(mount, "3m")
    try:
        src = write_jsonl(tmp_path / "p.jsonl", [post(i, text="z" * 6000) for i in range(600)])
        db = tmp_path / "t.db"
        assert subprocess.run([TRIAGE, "--db", str(db), "import", "--no-tag", str(src)],
                              capture_output=True).returncode == 0
        out = subprocess.run([TRIAGE, "--db", str(db), "export", "--format", "jsonl", "--any-label", "--out",
                              str(mount / "set")], capture_output=True, text=True)
        _one_line_error(out)
        assert "No space left" in out.stderr or "no space left" in out.stderr
        assert [p.name for p in mount.iterdir()] == []  # nothing half-written left behind
        # The store itself on the full disk: a label with a note for every post.
        small = mount / "s.db"
        few = write_jsonl(tmp_path / "few.jsonl", [post(i) for i in range(600)])
        assert subprocess.run([TRIAGE, "--db", str(small), "import", "--no-tag", str(few)],
                              capture_output=True).returncode == 0
        (mount / "filler").write_bytes(b"\0" * 10)
        with open(mount / "filler", "ab") as fh:
            try:
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
            except OSError:
                pass
        ids = ",".join(str(i) for i in range(1, 601)).split(",")
        out = subprocess.run([TRIAGE, "--db", str(small), "label", *ids, "--as", "benign", "--note", "n" * 300],
                             capture_output=True, text=True)
        _one_line_error(out)
        assert "no space left" in out.stderr
        (mount / "filler").unlink()  # room again: the store shows what the failed command left
        conn = sqlite3.connect(small)
        assert conn.execute("SELECT COUNT(*) FROM labels").fetchone()[0] == conn.execute(
            "SELECT COUNT(*) FROM notes").fetchone()[0] == 0
        conn.close()
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_killed_export_or_training_leaves_nothing_the_next_run_keeps(tmp_path):
    from triage.partial_files import sweep

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # its pid is free now: the "killed" run
    stale_export = tmp_path / f".case.partial-{dead.pid}-0123abcd"
    stale_export.mkdir()
    (stale_export / "posts.jsonl").write_text("half\n")
    stale_training = tmp_path / f".training-{dead.pid}-89abcdef"
    stale_training.mkdir()
    import os

    live = tmp_path / f".other.partial-{os.getpid()}-fedcba98"  # a run still going: left alone
    live.mkdir()
    unrelated = tmp_path / ".hidden-notes"
    unrelated.mkdir()
    removed = sweep(tmp_path)
    assert sorted(p.name for p in removed) == sorted([stale_export.name, stale_training.name])
    assert live.exists() and unrelated.exists()


def test_the_next_export_sweeps_what_a_killed_one_left(tmp_path):
    src = write_jsonl(tmp_path / "p.jsonl", [post(i) for i in range(10)])
    db = tmp_path / "t.db"
    assert subprocess.run([TRIAGE, "--db", str(db), "import", "--no-tag", str(src)], capture_output=True).returncode == 0
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stale = tmp_path / "sets" / f".may.partial-{proc.pid}-0123abcd"
    stale.mkdir(parents=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    out = subprocess.run([TRIAGE, "--db", str(db), "export", "--format", "jsonl", "--any-label", "--out",
                          str(tmp_path / "sets" / "june")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "sets").iterdir()) == ["june"]


# ---- PostgreSQL: a server that is down, dies mid-write or refuses writes is one line too ------


def _triage(db, *args):
    return subprocess.run([TRIAGE, "--db", backend.cli_value(db), *map(str, args)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


def _count(url: str, sql: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchone()[0]


def test_a_postgresql_server_that_is_not_there_is_one_line_for_every_command(tmp_path):
    src = write_jsonl(tmp_path / "p.jsonl", [post(i) for i in range(5)])
    url = f"postgresql://triage:s3cret@/store?host={tmp_path}"  # a socket directory no server listens in
    for args in (["stats"], ["audit", "verify"], ["label", "1", "--as", "benign"], ["import", "--no-tag", src],
                 ["tag"], []):  # no command: the console
        out = _triage(PgUrl(url), *args)
        _one_line_error(out)
        assert f"cannot reach PostgreSQL at postgresql://triage:***@/store?host={tmp_path}: " in out.stderr, out.stderr
        assert "s3cret" not in out.stderr  # the password never reaches the terminal


def test_a_server_that_dies_mid_import_is_one_line_and_the_store_keeps_whole_batches(tmp_path):
    """A crash of the server (pg_ctl stop -m immediate) while an import commits batches: the
    importer says so in one line; after recovery the store holds the batches committed before,
    whole, and its audit chain verifies."""
    from tests import pg_cluster as pgc

    cluster = pgc.Cluster(durable_commits=True).start()
    try:
        db = PgUrl(cluster.new_database())
        src = write_jsonl(tmp_path / "big.jsonl", [post(i, text=f"post {i} " + "words " * 30, created_at=1_700_000_000 + i * 600)
                                                   for i in range(30_000)])
        proc = subprocess.Popen([TRIAGE, "--db", db.url, "import", "--no-tag", "--batch-size", "500", "-q", str(src)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:  # wait for a few committed batches
            try:
                if _count(db.url, "SELECT COUNT(*) FROM posts") >= 1500:
                    break
            except Exception:  # the schema is still being made
                pass
            time.sleep(0.1)
        assert proc.poll() is None, "the import ended before the server could be stopped under it"
        cluster.server_stop("immediate")
        stderr = proc.communicate(timeout=60)[1]
        assert proc.returncode == 1 and "Traceback" not in stderr
        assert stderr.count("\n") == 1 and "cannot reach PostgreSQL at" in stderr, stderr
        out = _triage(db, "stats")  # while it is down: one line as well
        _one_line_error(out)
        cluster.server_start()
        kept = _count(db.url, "SELECT COUNT(*) FROM posts")
        assert kept >= 1500 and kept % 500 == 0  # whole batches only
        verify = _triage(db, "audit", "verify")
        assert verify.returncode == 0, verify.stderr
        assert _triage(db, "import", "--no-tag", "-q", src).returncode == 0  # the rerun completes it
        assert _count(db.url, "SELECT COUNT(*) FROM posts") == 30_000
    finally:
        cluster.stop()


@pytest.mark.parametrize("how", ["read-only database", "select-only role"])
def test_writes_to_a_read_only_postgresql_store_are_one_line(tmp_path, pg_url, how):
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    src = write_jsonl(tmp_path / "p.jsonl", [post(i) for i in range(20)])
    assert _triage(pg_url, "import", "--no-tag", src).returncode == 0
    parts = urlsplit(pg_url.url)
    dbname = parts.path.lstrip("/")
    with psycopg.connect(pg_url.url, autocommit=True) as conn:
        if how == "read-only database":  # as a hot standby, or an administrator's freeze
            conn.execute(f'ALTER DATABASE "{dbname}" SET default_transaction_read_only = on')
            db = pg_url
        else:
            role = "reader_" + uuid.uuid4().hex[:8]
            conn.execute(f'CREATE ROLE "{role}" LOGIN')
            conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"')
            db = PgUrl(urlunsplit(parts._replace(netloc=f"{role}@")))
    for args in (["stats"], ["overview"], ["author", "user1"]):  # reading is allowed, analytics too
        out = _triage(db, *args)
        assert out.returncode == 0, out.stderr
    for args in (["label", "1", "--as", "benign", "--note", "n"], ["import", "--no-tag", src], ["tag"]):
        out = _triage(db, *args)
        _one_line_error(out)
        assert "read-only" in out.stderr, out.stderr
    assert _count(pg_url.url, "SELECT COUNT(*) FROM labels") == 0


def test_postgresql_fault_messages_name_the_fault():
    import psycopg
    from psycopg import errors as pge
    from psycopg_pool import PoolTimeout

    from triage.cli.faults import fault_message

    where = "postgresql://ann:***@db.example/triage"
    assert fault_message(psycopg.OperationalError("connection refused\nIs the server running?"), where) == (
        f"cannot reach PostgreSQL at {where}: connection refused; everything committed before is kept")
    assert "cannot reach PostgreSQL" in fault_message(PoolTimeout("couldn't get a connection after 30.00 sec"), where)
    assert "read-only" in fault_message(pge.ReadOnlySqlTransaction("cannot execute INSERT in a read-only "
                                                                   "transaction"), where)
    assert "read-only" in fault_message(pge.InsufficientPrivilege("permission denied for table labels"), where)
    assert "no space left" in fault_message(pge.DiskFull("could not extend file"), where)
    assert fault_message(pge.UndefinedColumn("column \"x\" does not exist"), where) is None  # a bug: traceback
