"""Custody a tampering insider cannot get past (issue 15): `audit verify` proves that posts (text
and raw capture), labels, verdicts and notes were not edited, deleted or smuggled in, and the
proof is anchored by a key in the keyring, so recomputing every hash in the file is not enough."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from triage.store import audit, custody

from . import backend
from .conftest import post, write_jsonl

TRIAGE = str(Path(sys.executable).parent / "triage")


def triage(db, *args):
    return subprocess.run([TRIAGE, "--db", backend.cli_value(db), *map(str, args)], capture_output=True, text=True)


@pytest.fixture
def labeled(tmp_path, db_path):
    db = db_path
    src = write_jsonl(tmp_path / "in.jsonl", [post(i) for i in range(20)])
    assert triage(db, "import", "--no-tag", src).returncode == 0
    out = triage(db, "label", "1", "2", "3", "--as", "escalate", "--indicator", "threat=1", "--note", "seen it")
    assert out.returncode == 0, out.stderr
    return db


def _verify(db):
    out = triage(db, "audit", "verify")
    assert "Traceback" not in out.stderr
    return out


def test_an_untouched_store_verifies(labeled):
    out = _verify(labeled)
    assert out.returncode == 0, out.stderr
    assert "20 posts, 3 labels, 3 verdicts, 3 notes" in out.stdout
    assert "20 raw captures match" in out.stdout and "anchor ok" in out.stdout


@pytest.mark.parametrize("edit, said", [
    ("UPDATE posts SET text = 'nothing to see' WHERE id = 2", "posts: "),
    ("UPDATE labels SET disposition = 'benign' WHERE id = 1", "labels: "),
    ("DELETE FROM notes WHERE id = 3", "notes: rows were deleted"),
    ("INSERT INTO verdicts (post_id, indicator, verdict, analyst, at) VALUES (5, 'threat', 0, 'x', 1.0)",
     "verdicts: rows after id 3 were added outside triage"),
    ("UPDATE posts SET raw = '{\"forged\": 1}' WHERE id = 4", "post 4: raw capture does not match"),
])
def test_an_edit_in_the_database_is_caught(labeled, edit, said):
    backend.run(labeled, edit)
    out = _verify(labeled)
    assert out.returncode == 1
    assert said in out.stderr


def test_recomputing_every_hash_without_the_key_is_caught(labeled):
    """The insider rewrites a label, then recomputes the custody heads and the whole audit chain:
    a bare hash chain would say ok; the keyed anchor does not."""
    with backend.connection(labeled) as conn:
        conn.execute("UPDATE labels SET disposition = 'benign' WHERE id = 1")
        conn.execute("DELETE FROM meta WHERE key LIKE 'custody:%'")
        for table in custody.TABLES:
            custody.advance(conn, table)
    out = _verify(labeled)
    assert out.returncode == 1
    assert "custody anchor does not match" in out.stderr


def test_deleting_the_last_audit_row_and_resetting_the_head_is_caught(labeled):
    with backend.connection(labeled) as conn:
        last_id = conn.execute("SELECT MAX(id) FROM audit").fetchone()[0]
        conn.execute("DELETE FROM audit WHERE id = ?", (last_id,))
        prev = conn.execute("SELECT id, hash FROM audit WHERE id = ?", (last_id - 1,)).fetchone()
        conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (f"{prev[0]}:{prev[1]}",))
        conn.commit()
        assert audit.verify_chain(conn).ok  # the bare chain is fooled ...
    out = _verify(labeled)
    assert out.returncode == 1 and "custody anchor does not match" in out.stderr  # ... the anchor is not


def test_a_kept_anchor_line_catches_a_rollback_to_an_older_consistent_copy(labeled, tmp_path):
    older = backend.copy(labeled, tmp_path)
    assert triage(labeled, "label", "7", "--as", "monitor").returncode == 0
    kept = triage(labeled, "audit", "head").stdout.strip()
    assert kept.startswith("audit row ") and "custody-mac" in kept
    assert triage(labeled, "audit", "verify", "--head", kept).returncode == 0
    out = triage(older, "audit", "verify", "--head", kept)  # self-consistent and anchored, but older
    assert out.returncode == 1 and "not in this store (rolled back or rewritten)" in out.stderr


def test_without_the_custody_key_verify_says_what_is_missing(labeled):
    env_free = {k: v for k, v in __import__("os").environ.items() if k != "TRIAGE_SECRET_CUSTODY_KEY"}
    env_free["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    out = subprocess.run([TRIAGE, "--db", backend.cli_value(labeled), "audit", "verify"], capture_output=True, text=True,
                         env=env_free)
    assert out.returncode == 1 and "custody anchor not checked" in out.stderr
    assert out.stderr.count("Traceback") == 0


def test_a_store_from_before_custody_is_sealed_by_its_next_write(tmp_path, db_path):
    db = db_path
    src = write_jsonl(tmp_path / "in.jsonl", [post(i) for i in range(5)])
    assert triage(db, "import", "--no-tag", src).returncode == 0
    backend.run(db, "DELETE FROM meta WHERE key LIKE 'custody%'")  # as an older triage left it
    out = _verify(db)
    assert out.returncode == 1 and "no custody head yet" in out.stderr
    assert triage(db, "audit", "seal").returncode == 0
    assert _verify(db).returncode == 0


def test_the_raw_hash_is_the_sha256_of_the_raw_capture(labeled):
    captures = backend.rows(labeled, "SELECT raw, raw_sha256 FROM posts")
    assert len(captures) == 20
    for raw, digest in captures:
        assert hashlib.sha256(raw.encode()).hexdigest() == digest


def test_a_write_without_the_key_leaves_the_store_unanchored_not_tampered(labeled):
    import os

    env = {k: v for k, v in os.environ.items() if k != "TRIAGE_SECRET_CUSTODY_KEY"}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    out = subprocess.run([TRIAGE, "--db", backend.cli_value(labeled), "label", "9", "--as", "benign"], capture_output=True,
                         text=True, env=env)
    assert out.returncode == 0, out.stderr  # the analyst's work is never blocked by a missing keyring
    out = _verify(labeled)
    assert out.returncode == 1 and "custody anchor missing" in out.stderr and "does not match" not in out.stderr
    assert triage(labeled, "audit", "seal").returncode == 0
    assert _verify(labeled).returncode == 0
