"""Custody of the evidence tables: posts, labels, verdicts and notes cannot change unnoticed.

The audit log is a hash chain, but it only covers itself: editing ``posts.text`` or a label
row in SQLite once still verified "ok". So each append-only evidence table gets a running hash,
``head = sha256(previous head, the row's fields)`` over its rows in id order, kept in ``meta``
(``custody:<table>`` = ``last id:rows:head``) and advanced inside the transaction that adds the
rows. ``verify`` recomputes every table from its first row: an edited, deleted or smuggled-in
row changes the result.

A chain of hashes proves nothing against someone who can rewrite the file and recompute every
hash, so the heads (and the audit log's head) are anchored by an HMAC-SHA256 keyed with a secret
that lives in the keyring (``triage.custody_key``), never in the store: ``meta.custody_mac``.
Rewriting history then needs the key. The anchor line (``anchor_line``) goes into every export
manifest and is printable (`triage audit head`) for the analyst to keep outside the station:
what a rollback to an older, self-consistent state cannot match.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from dataclasses import dataclass, field

GENESIS = "0" * 64

# table -> the fields that are evidence (derived columns such as scores are left out: `retag`
# rewrites them legitimately). Every table here is append-only.
TABLES: dict[str, tuple[str, ...]] = {
    "posts": ("id", "source", "external_id", "author_id", "text", "created_at", "created_raw", "collected_at",
              "raw_sha256"),
    "labels": ("id", "post_id", "disposition", "analyst", "at", "undo_of"),
    "verdicts": ("id", "post_id", "indicator", "verdict", "analyst", "at", "undo_of"),
    "notes": ("id", "post_id", "body", "analyst", "at"),
}
_META = "custody:"
MAC_KEY = "custody_mac"
_PAGE = 5000


def _field(value) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, float):
        return repr(value)  # round-trips exactly
    return str(value)


def _step(head: str, row) -> str:
    material = "\x1f".join(_field(v) for v in row)
    return hashlib.sha256((head + "\x1e" + material).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Head:
    last_id: int = 0
    rows: int = 0
    digest: str = GENESIS

    def text(self) -> str:
        return f"{self.last_id}:{self.rows}:{self.digest}"

    @classmethod
    def parse(cls, value: str | None) -> "Head | None":
        if not value:
            return None
        last_id, rows, digest = value.split(":")
        return cls(int(last_id), int(rows), digest)


def _rows_after(conn: sqlite3.Connection, table: str, after_id: int):
    cols = ", ".join(f'"{c}"' for c in TABLES[table])
    last = after_id
    while True:
        page = conn.execute(f"SELECT {cols} FROM {table} WHERE id > ? ORDER BY id LIMIT ?", (last, _PAGE)).fetchall()
        if not page:
            return
        yield from page
        last = page[-1][0]


def stored_head(conn: sqlite3.Connection, table: str) -> Head | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_META + table,)).fetchone()
    return Head.parse(row[0]) if row else None


def advance(conn: sqlite3.Connection, table: str) -> Head:
    """Take the rows added since the stored head into it. Call inside the write transaction
    that added them. A store from before custody existed is taken in whole on its first write."""
    head = _extended(conn, table, stored_head(conn, table) or Head())
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_META + table, head.text()))
    return head


def _extended(conn, table: str, head: Head) -> Head:
    for row in _rows_after(conn, table, head.last_id):
        head = Head(row[0], head.rows + 1, _step(head.digest, row))
    return head


def _audit_head(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    return row[0] if row else "0:" + GENESIS


def anchor_material(conn: sqlite3.Connection) -> str:
    """What the MAC covers: the audit head and every table head, in a fixed order."""
    return _material(_audit_head(conn), {table: stored_head(conn, table) or Head() for table in TABLES})


def _material(audit_head: str, heads: dict[str, Head]) -> str:
    return "|".join([f"audit={audit_head}"] + [f"{table}={heads[table].text()}" for table in TABLES])


def mac(key: bytes, material: str) -> str:
    return hmac.new(key, material.encode("utf-8"), hashlib.sha256).hexdigest()


def seal(conn: sqlite3.Connection, key: bytes | None, tables=TABLES) -> None:
    """Advance the heads of ``tables`` and re-anchor them (when the key is at hand).

    Runs in every write transaction, so it asks little: every head in one read, every table's
    newest id in another, and only a table with new rows is read and its head rewritten (on a
    server each statement is a round trip, and a label waits for them all)."""
    names = [_META + table for table in TABLES] + ["audit_head"]
    stored = dict(conn.execute(f"SELECT key, value FROM meta WHERE key IN ({','.join('?' * len(names))})",
                               names).fetchall())
    newest = conn.execute("SELECT " + ", ".join(f"(SELECT MAX(id) FROM {t})" for t in tables)).fetchone()
    heads = {table: Head.parse(stored.get(_META + table)) or Head() for table in TABLES}
    for table, top in zip(tables, newest):
        if (top or 0) > heads[table].last_id or _META + table not in stored:
            heads[table] = _extended(conn, table, heads[table])
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_META + table, heads[table].text()))
    if key is not None:
        material = _material(stored.get("audit_head") or "0:" + GENESIS, heads)
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (MAC_KEY, mac(key, material)))
    else:  # the old anchor no longer covers this state: say "unanchored", not "tampered"
        conn.execute("DELETE FROM meta WHERE key = ?", (MAC_KEY,))


def stored_mac(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (MAC_KEY,)).fetchone()
    return row[0] if row else None


def anchor_line(conn: sqlite3.Connection) -> str:
    """One line for the analyst to keep (and for export manifests): audit head and MAC."""
    audit_id, _, audit_hash = _audit_head(conn).partition(":")
    return f"audit row {audit_id} sha256 {audit_hash} custody-mac {stored_mac(conn) or 'none'}"


@dataclass
class CustodyReport:
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows verified
    raw_checked: int = 0
    problems: list[str] = field(default_factory=list)
    anchored: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(conn: sqlite3.Connection, key: bytes | None) -> CustodyReport:
    """Recompute every table's running hash from its first row, check every post's raw capture
    against its SHA-256, and the anchor MAC against the key."""
    report = CustodyReport()
    for table in TABLES:
        head = stored_head(conn, table)
        computed = Head()
        for row in _rows_after(conn, table, 0):
            computed = Head(row[0], computed.rows + 1, _step(computed.digest, row))
            if head is not None and computed.last_id == head.last_id and computed.digest != head.digest:
                report.problems.append(f"{table}: a row up to id {head.last_id} was edited or deleted "
                                       f"(running hash differs)")
                break
        else:
            report.tables[table] = computed.rows
            if head is None:
                if computed.rows:
                    report.problems.append(f"{table}: no custody head yet ({computed.rows:,} rows unsealed; "
                                           "any write, e.g. `triage audit seal`, seals them)")
            elif computed.rows < head.rows or computed.last_id < head.last_id:
                report.problems.append(f"{table}: rows were deleted (the head covers {head.rows:,} rows up to id "
                                       f"{head.last_id}, the table has {computed.rows:,})")
            elif computed.last_id > head.last_id:
                report.problems.append(f"{table}: rows after id {head.last_id} were added outside triage")
            elif computed.digest != head.digest or computed.rows != head.rows:
                report.problems.append(f"{table}: a row was edited or deleted (running hash differs)")
    for post_id, raw, digest in conn.execute("SELECT id, raw, raw_sha256 FROM posts"):
        report.raw_checked += 1
        if hashlib.sha256((raw or "").encode("utf-8", "surrogatepass")).hexdigest() != digest:
            report.problems.append(f"post {post_id}: raw capture does not match its stored SHA-256")
            if len(report.problems) > 50:
                break
    stored = stored_mac(conn)
    if key is None:
        report.problems.append("custody anchor not checked: no custody key (see `triage audit` in the README)")
    elif stored is None:
        report.problems.append("custody anchor missing: the store was last written without the custody key "
                               "(no keyring backend) or never sealed; check it, then `triage audit seal`")
    elif not hmac.compare_digest(stored, mac(key, anchor_material(conn))):
        report.problems.append("custody anchor does not match: heads or the audit log were rewritten outside "
                               "triage (or the custody key changed)")
    else:
        report.anchored = True
    return report
