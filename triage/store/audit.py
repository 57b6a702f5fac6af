"""The audit log: append-only rows, each carrying the SHA-256 of the row before (a hash chain).

Editing or deleting any row breaks the chain at that row, which ``verify_chain`` reports by id.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass

from .sql_dialect import storable_text

GENESIS = "0" * 64


def canonical_json(detail) -> str:
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(prev_hash: str, row_id: int, at: float, analyst: str, action: str, target: str, detail: str) -> str:
    # repr(float) round-trips exactly, so the hash recomputes from the stored value.
    material = "\x1f".join([prev_hash, str(row_id), repr(float(at)), analyst or "", action, target or "", detail])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def append(conn: sqlite3.Connection, analyst: str, action: str, target: str = "", detail=None) -> int:
    """Append one audit row. Call inside the caller's write transaction so the row commits with its action."""
    last = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev_id, prev_hash = (last[0], last[1]) if last else (0, GENESIS)
    row_id = prev_id + 1
    at = time.time()
    # Hashed as stored: a NUL in a name or target would be U+FFFD in a PostgreSQL row.
    analyst, action, target = (storable_text(v) for v in (analyst, action, target))
    detail_json = canonical_json(detail if detail is not None else {})
    digest = row_hash(prev_hash, row_id, at, analyst, action, target, detail_json)
    conn.execute(
        "INSERT INTO audit (id, at, analyst, action, target, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)",
        (row_id, at, analyst, action, target, detail_json, prev_hash, digest),
    )
    # The head is kept apart so that deleting the newest rows is noticed too.
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)", (f"{row_id}:{digest}",))
    return row_id


def stored_hash(conn: sqlite3.Connection, row_id: int) -> str | None:
    """The hash stored on one audit row (None: no such row)."""
    row = conn.execute("SELECT hash FROM audit WHERE id = ?", (row_id,)).fetchone()
    return row[0] if row else None


@dataclass
class ChainReport:
    rows: int
    broken_at: int | None  # id of the first row that does not verify
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(conn: sqlite3.Connection) -> ChainReport:
    prev_hash = GENESIS
    expected_id = 1
    count = 0
    for row_id, at, analyst, action, target, detail, stored_prev, stored_hash in conn.execute(
        "SELECT id, at, analyst, action, target, detail, prev_hash, hash FROM audit ORDER BY id"
    ):
        count += 1
        if row_id != expected_id:
            return ChainReport(count, row_id, f"row {expected_id} is missing before row {row_id}")
        if stored_prev != prev_hash:
            return ChainReport(count, row_id, f"row {row_id} does not follow row {row_id - 1} (prev_hash differs)")
        if row_hash(prev_hash, row_id, at, analyst, action, target, detail) != stored_hash:
            return ChainReport(count, row_id, f"row {row_id} was changed after it was written (hash differs)")
        prev_hash = stored_hash
        expected_id += 1
    head = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if head and head[0] != f"{expected_id - 1}:{prev_hash}":
        head_id = int(head[0].split(":")[0])
        return ChainReport(count, expected_id, f"rows from {expected_id} to {head_id} were removed (head is {head_id})")
    return ChainReport(count, None)
