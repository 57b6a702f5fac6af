"""Shared test fixtures: real SQLite files in tmp dirs, the real CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Never touch the developer's own store or config."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TRIAGE_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("TRIAGE_CONFIG", str(home / "config.toml"))
    monkeypatch.delenv("TRIAGE_DB", raising=False)
    monkeypatch.setenv("USER", "tester")


@pytest.fixture(autouse=True)
def _close_pg_pools():
    """Each PostgreSQL store a test opened keeps a connection pool for its process (the CLI's and
    the console's reuse); the test run opens hundreds of databases, so the pools end with the test
    that made them, before they use up the server's connections."""
    yield
    postgres = sys.modules.get("triage.store.postgres")
    if postgres is not None:
        postgres.close_pools()


# Modules whose tests run on both backends: every test in them that takes `db_path` runs once on
# a SQLite file and once on a fresh PostgreSQL database of the throw-away cluster (tests/pg_cluster.py).
BOTH_BACKENDS = {
    "test_store", "test_import", "test_import_inputs", "test_console", "test_console_queue_state",
    "test_console_confirm", "test_export", "test_export_fixtures", "test_export_report", "test_export_docbin",
    "test_export_stix", "test_export_misp", "test_export_split", "test_export_pseudonym", "test_faults",
    "test_labels_import", "test_custody", "test_postgres", "test_team", "test_agreement_store",
    "test_console_navigation", "test_console_wrapping", "test_console_colours", "test_collectors_files",
    "test_collectors_cli", "test_analytics_cli", "test_learning",
}
BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if "db_path" in metafunc.fixturenames and module in BOTH_BACKENDS:
        metafunc.parametrize("db_path", BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def pg_cluster():
    """One throw-away PostgreSQL cluster for the whole run (Unix socket only, deleted at the end)."""
    from tests import pg_cluster as pgc

    if not pgc.available():
        pytest.fail("PostgreSQL server binaries not found: `make test` installs them (make test-tools)")
    cluster = pgc.Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster):
    """A fresh, empty PostgreSQL database's URL (a PgUrl, which the CLI and Store.open take)."""
    from triage.db_location import PgUrl

    return PgUrl(pg_cluster.new_database())


@pytest.fixture
def db_path(request, tmp_path):
    """The store a test works on: a SQLite file, or (in BOTH_BACKENDS modules, second run) a fresh
    PostgreSQL database."""
    backend = getattr(request, "param", "sqlite")
    if backend == "postgresql":
        marker = request.node.get_closest_marker("sqlite_only")
        if marker:
            pytest.skip(f"SQLite only: {marker.args[0] if marker.args else ''}")
        return request.getfixturevalue("pg_url")
    return tmp_path / "store.db"


@pytest.fixture
def other_db_path(db_path, tmp_path, request):
    """A second store on the same backend as ``db_path`` (where a test moves data between stores)."""
    from triage.db_location import PgUrl

    if isinstance(db_path, PgUrl):
        return PgUrl(request.getfixturevalue("pg_cluster").new_database())
    return tmp_path / "other.db"


def write_jsonl(path: Path, rows) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path


def post(i: int, **extra) -> dict:
    row = {"id": str(i), "text": f"post number {i} about the weather", "author": f"user{i % 7}",
           "created_at": 1_780_000_000 + i * 3600}
    row.update(extra)
    return row


class Cli:
    def __init__(self, db: Path):
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args, input=None):
        db = getattr(self.db, "url", self.db)  # a PgUrl's whole URL (str() hides a password)
        result = self.runner.invoke(main, ["--db", str(db), *map(str, args)], input=input,
                                    catch_exceptions=False)
        return result


@pytest.fixture
def cli(db_path) -> Cli:
    return Cli(db_path)


def _build_demo(where):
    import time
    from unittest import mock

    from triage.cli.demo_cmd import build_demo_store

    # Pinned clock: "when the concern last rose" shows in the author screen's snapshots.
    with mock.patch.object(time, "time", lambda: 1_795_000_000.0):
        build_demo_store(where, "tester", echo=lambda *_: None)
    return where


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """The demo store as `triage demo` builds it (real detector and analytics), once per run."""
    return _build_demo(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture(scope="session")
def pg_demo_db(pg_cluster):
    """The same demo store in a PostgreSQL database of the throw-away cluster, once per run."""
    from triage.db_location import PgUrl

    return _build_demo(PgUrl(pg_cluster.new_database()))


@pytest.fixture(params=BACKENDS)
def demo_store(request):
    """The demo store on each backend in turn (tests that read it the same way on both)."""
    return request.getfixturevalue("demo_db" if request.param == "sqlite" else "pg_demo_db")
@pytest.fixture(autouse=True)
def _custody_key(monkeypatch):
    """The custody key comes from the keyring; tests give it through the secrets module's
    one-run environment override, so no test touches the developer's own keyring."""
    monkeypatch.setenv("TRIAGE_SECRET_CUSTODY_KEY", "5e" * 32)
