"""Two analysts' consoles on one store, each the installed `triage` binary in its own 80×24 tmux
terminal: ann's open post is claimed and marked in cy's queue; cy's review queue shows the
disagreement side by side, and cy's review label settles it in the store."""

from __future__ import annotations

import sqlite3
import time

import pytest

from triage.store import Store

from .console_store import build_console_store
from .test_e2e_terminal import TRIAGE, Tmux, _env, _needs_tmux  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.e2e


def rows(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def wait_rows(db, sql, wanted, timeout=15.0):
    deadline = time.monotonic() + timeout
    while rows(db, sql) != wanted:
        if time.monotonic() > deadline:
            raise AssertionError(f"{sql}: {rows(db, sql)} never became {wanted}")
        time.sleep(0.1)


def test_claims_and_the_review_queue_between_two_consoles_at_80x24(tmp_path):
    db = build_console_store(tmp_path / "team.db")
    with Store.open(db) as store:
        top = store.conn.execute("SELECT id FROM posts WHERE flagged = 1 ORDER BY score DESC, id LIMIT 1").fetchone()[0]
        store.set_disposition([top], "escalate", "ann")
        store.set_disposition([top], "benign", "bob")
    env = _env(tmp_path, "xterm-256color")
    ann = Tmux([TRIAGE, "--db", str(db), "--analyst", "ann"], env)
    cy = None
    try:
        ann.wait_for("analyst ann")
        ann.keys("D")  # ann reviews too: her console holds the top post of the review queue
        ann.wait_for("review: disagreements first")
        wait_rows(db, "SELECT post_id, analyst FROM claims", [(top, "ann")])
        cy = Tmux([TRIAGE, "--db", str(db)], {**env, "TRIAGE_ANALYST": "cy"})
        cy.wait_for("analyst cy")
        cy.keys("D")
        screen = cy.wait_for("review: disagreements first")
        assert "⚐ann" in screen  # the queue row names who has it open
        assert "claimed by ann until" in screen
        assert "≠ analysts disagree" in screen
        lines = screen.splitlines()
        assert any(line.split()[:2] == ["ann", "escalate"] for line in lines)
        assert any(line.split()[:2] == ["bob", "benign"] for line in lines)
        assert all(len(line) <= 80 for line in lines)
        cy.keys("1")
        cy.wait_for("Label it escalate anyway?")
        cy.keys("y")
        wait_rows(db, "SELECT post_id, analyst FROM resolutions", [(top, "cy")])
        assert rows(db, "SELECT disposition, analyst FROM labels ORDER BY id DESC LIMIT 1") == [("escalate", "cy")]
        for session in (ann, cy):
            session.keys("q", "q")
        wait_rows(db, "SELECT post_id, analyst FROM claims", [])  # closing gave every claim back
    finally:
        ann.close()
        if cy is not None:
            cy.close()
