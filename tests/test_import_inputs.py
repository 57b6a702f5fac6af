"""`triage import -` (standard input) and compressed files (.jsonl.gz, .csv.zst), through the CLI on
a real store: the same posts as the plain file, problems named after the input as given, and no
copy left behind."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import zstandard

from . import backend
from .conftest import post
from .test_import import posts_in


def lines(rows) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows).encode()


def leftovers(db_path):
    return sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(".import"))


def test_jsonl_from_standard_input(cli, db_path):
    result = cli("import", "--no-tag", "-", input=lines([post(1), post(2), "{broken", post(3)]).decode())
    assert result.exit_code == 3
    assert result.stderr.strip() == "<stdin>:3: broken JSON at column 2: Expecting property name enclosed in double quotes"
    assert "<stdin>: 3 read, 3 added" in result.stdout
    assert [r[1] for r in posts_in(db_path)] == ["1", "2", "3"]
    audit = backend.rows(db_path, "SELECT target FROM audit WHERE action = 'import'")
    assert audit == [("<stdin>",)]
    assert leftovers(db_path) == []


def test_standard_input_is_staged_beside_the_store_or_in_the_data_folder_never_the_working_folder(
        tmp_path, db_path):
    """While `triage import -` still reads its input, the private copy sits beside a store file, or
    for a PostgreSQL store in the user's data folder; the folder the command runs in stays clean."""
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    store_file = backend.store_file(db_path)
    staging = store_file.parent if store_file else Path(os.environ["TRIAGE_DATA_DIR"])
    proc = subprocess.Popen([sys.executable, "-c", "from triage.cli import run; run()", "--db",
                             backend.cli_value(db_path), "import", "--no-tag", "-"], cwd=workdir,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdin is not None
        proc.stdin.write(lines([post(1)]))
        proc.stdin.flush()
        deadline = time.monotonic() + 60
        while not (staging.is_dir() and any(p.name.startswith(".import") for p in staging.iterdir())):
            assert time.monotonic() < deadline, "no private copy appeared in the staging folder"
            assert proc.poll() is None, "the import ended before its input did"
            time.sleep(0.05)
        assert list(workdir.iterdir()) == []
        out, err = proc.communicate(lines([post(2)]), timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert b"<stdin>: 2 read, 2 added" in out
    assert not any(p.name.startswith(".import") for p in staging.iterdir())
    assert list(workdir.iterdir()) == []


def test_gzip_jsonl_reads_like_the_plain_file_and_names_itself_in_problems(tmp_path, cli, db_path):
    gz = tmp_path / "posts.jsonl.gz"
    gz.write_bytes(gzip.compress(lines([post(1), {"id": "2", "text": "no author"}, post(3)])))
    result = cli("import", "--no-tag", gz)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{gz}:2: ")
    assert f"{gz}: 2 read, 2 added" in result.stdout
    assert [r[1] for r in posts_in(db_path)] == ["1", "3"]
    again = cli("import", "--no-tag", gz)
    assert f"{gz}: 2 read, 0 added, 2 already stored" in again.stdout
    assert leftovers(db_path) == []


def test_zstd_csv_is_read_too(tmp_path, cli, db_path):
    csv_text = "id,text,author,created_at\n7,hello from a csv,anna,2026-05-02T10:00:00Z\n"
    zst = tmp_path / "export.csv.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress(csv_text.encode()))
    result = cli("import", "--no-tag", zst)
    assert result.exit_code == 0, result.stderr
    assert posts_in(db_path) == [("csv", "7", "hello from a csv")]


def test_a_truncated_gzip_is_one_line_and_stores_nothing(tmp_path, cli, db_path):
    gz = tmp_path / "cut.jsonl.gz"
    gz.write_bytes(gzip.compress(lines([post(i) for i in range(50)]))[:40])
    result = cli("import", "--no-tag", gz)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("triage: error: reading input: ")
    assert "posts" not in backend.tables(db_path) or posts_in(db_path) == []
    assert leftovers(db_path) == []
