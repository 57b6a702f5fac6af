"""No command writes onto the store (or its -wal/-shm), or over a file the user did not name
with --force: `graph --out` once replaced a whole store with a CSV header."""

from __future__ import annotations

import os
import sqlite3

import pytest

from .conftest import post, write_jsonl


@pytest.fixture
def filled(cli, tmp_path):
    rows = [post(i, text=f"@user{(i + 1) % 7} reply number {i}") for i in range(12)]
    result = cli("import", "--no-tag", write_jsonl(tmp_path / "in.jsonl", rows))
    assert result.exit_code == 0, result.output
    return cli


def _post_count(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_graph_out_never_touches_the_store(filled, suffix):
    target = str(filled.db) + suffix
    existed = os.path.exists(target)
    before = open(target, "rb").read() if existed else None
    for extra in ([], ["--force"]):
        result = filled("graph", "--out", target, *extra)
        assert result.exit_code == 1
        assert "is the store" in result.output and "Traceback" not in result.output
    assert os.path.exists(target) == existed
    if existed and suffix == "":
        assert open(target, "rb").read() == before
    assert _post_count(filled.db) == 12


def test_graph_out_through_a_symlink_to_the_store_is_refused(filled, tmp_path):
    link = tmp_path / "innocent.csv"
    link.symlink_to(filled.db)
    result = filled("graph", "--out", link, "--force")
    assert result.exit_code == 1 and "is the store" in result.output
    assert _post_count(filled.db) == 12


def test_graph_out_keeps_an_existing_file_unless_forced(filled, tmp_path):
    target = tmp_path / "edges.csv"
    target.write_text("my notes\n")
    result = filled("graph", "--out", target)
    assert result.exit_code == 1 and "exists; add --force" in result.output
    assert target.read_text() == "my notes\n"
    result = filled("graph", "--out", target, "--force")
    assert result.exit_code == 0, result.output
    assert target.read_text().startswith("source,target,kind")
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_export_out_never_is_the_store(filled, suffix):
    result = filled("export", "--format", "jsonl", "--any-label", "--out", str(filled.db) + suffix)
    assert result.exit_code != 0 and "Traceback" not in result.output
    # click itself refuses the existing store file ("is a file"); the -wal/-shm names are ours to refuse.
    assert "is the store" in result.output or "is a file" in result.output
    assert not os.path.isdir(str(filled.db) + suffix)
    assert _post_count(filled.db) == 12
