"""The same demo data gives the same answers on SQLite and on PostgreSQL: every analytics and
export command the analyst reads, run by the real binary against a demo store built on each
engine. Only the timings the commands report about themselves may differ."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from . import backend
from .conftest import _build_demo

TRIAGE = str(Path(sys.executable).parent / "triage")
TIMING_KEYS = {"seconds", "timings_ms"}  # how long each part took: the one thing allowed to differ


@pytest.fixture(scope="module")
def demo_pair(tmp_path_factory, pg_cluster):
    """A demo store of each engine, this module's own (commands refresh derived tables and the
    concern clock as they run: the session's demo stores stay as the snapshots expect them)."""
    from triage.db_location import PgUrl

    sqlite_store = _build_demo(tmp_path_factory.mktemp("agree") / "demo.db")
    pg_store = _build_demo(PgUrl(pg_cluster.new_database()))
    return sqlite_store, pg_store


def _without_timings(value):
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def _run(db, args, env=None) -> str:
    out = subprocess.run([TRIAGE, "--db", backend.cli_value(db), *args], capture_output=True, text=True,
                         env=env, timeout=300)
    assert out.returncode == 0, (db, args, out.stderr[-2000:])
    return out.stdout.replace(str(db), "<the store>")  # where the store is: a file, or a server's URL


@pytest.mark.parametrize("args", [
    ["stats"],
    ["concern", "--json", "--limit", "50"],
    ["overview", "--json"],
    ["trends", "--json"],
    ["author", "hollowfen", "--json"],
    ["author", "hollowfen", "--by", "month", "--json"],
    ["author", "nullvoid_kyle", "--json"],
    ["sentiment", "hollowfen"],
    ["audit", "verify"],
], ids=" ".join)
def test_every_read_command_says_the_same_on_both_engines(demo_pair, args, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    sqlite_out, pg_out = (_run(db, args) for db in demo_pair)
    if "--json" in args:
        sqlite_out, pg_out = (_without_timings(json.loads(out)) for out in (sqlite_out, pg_out))
    assert sqlite_out and pg_out == sqlite_out


def test_the_graph_and_a_spreadsheet_export_are_the_same_files_on_both_engines(demo_pair, tmp_path):
    files = []
    for n, db in enumerate(demo_pair):
        out = tmp_path / str(n)
        out.mkdir()
        _run(db, ["graph", "--out", str(out / "graph.gexf")])
        _run(db, ["export", "--format", "csv", "--any-label", "--min-score", "0.3", "--out", str(out / "sheet")])
        files.append({name: (out / name).read_bytes() for name in ("graph.gexf", "sheet/posts.csv")})
    graph = files[0]["graph.gexf"].decode()
    # The GEXF carries the day it was written: the same for both runs, unless midnight fell between.
    assert files[0]["sheet/posts.csv"].count(b"\n") > 20 and "<edge " in graph
    assert files[1] == files[0]
