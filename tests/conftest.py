"""Shared test fixtures: real SQLite files in tmp dirs, the real CLI."""

from __future__ import annotations

import json
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


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "store.db"


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
        result = self.runner.invoke(main, ["--db", str(self.db), *map(str, args)], input=input,
                                    catch_exceptions=False)
        return result


@pytest.fixture
def cli(db_path) -> Cli:
    return Cli(db_path)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """The demo store as `triage demo` builds it (real detector and analytics), once per run."""
    import time
    from unittest import mock

    from triage.cli.demo_cmd import build_demo_store

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    # Pinned clock: "when the concern last rose" shows in the author screen's snapshots.
    with mock.patch.object(time, "time", lambda: 1_795_000_000.0):
        build_demo_store(path, "tester", echo=lambda *_: None)
    return path
@pytest.fixture(autouse=True)
def _custody_key(monkeypatch):
    """The custody key comes from the keyring; tests give it through the secrets module's
    one-run environment override, so no test touches the developer's own keyring."""
    monkeypatch.setenv("TRIAGE_SECRET_CUSTODY_KEY", "5e" * 32)
