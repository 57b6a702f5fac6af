"""The store's own facts: the ``meta`` key/value table (watermarks of derived tables, the demo
store's stamp, the audit head) and which file a connection is on."""

from __future__ import annotations

import sqlite3


def meta_value(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def meta_int(conn: sqlite3.Connection, key: str) -> int:
    value = meta_value(conn, key)
    return int(value) if value else 0


def set_meta(conn: sqlite3.Connection, key: str, value) -> None:
    """Within the caller's ``store.transaction()``."""
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(value)))


