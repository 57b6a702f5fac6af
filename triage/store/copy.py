"""`triage migrate --to`: a whole store copied into an empty one, row for row, ids kept.

Everything is copied as stored (posts with their raw evidence copy, hits, the append-only
labels, verdicts and notes, the audit chain, collector cursors, the analytics and concern
tables and ``meta``, which holds the audit head and the custody heads), so the copy verifies
as the original does: the audit chain and the custody heads are recomputed from the same rows
(`triage audit verify` on the copy). Only what the engines keep themselves is rebuilt: the
SQLite full-text table, PostgreSQL's identity sequences and its schema version row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..errors import TriageError
from . import catalog
from .sql_dialect import is_postgres

# Parents before children (posts refer to authors, hits to posts); tables a later schema step
# added come after, in the order of their step; anything else the source has is copied last.
ORDER = ("sources", "authors", "posts", "hits", "labels", "verdicts", "notes", "collector_state", "audit", "meta")
SKIP = {"posts_fts", "posts_fts_data", "posts_fts_idx", "posts_fts_docsize", "posts_fts_config", "posts_fts_content"}
ENGINE_META = {"schema_version"}  # PostgreSQL's own version row: the target has it already
CHUNK = 5000


class CopyError(TriageError, RuntimeError):
    """The target cannot take the copy (it holds posts, or lacks a table): nothing was written."""


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _tables(src_conn, dst_conn) -> list[str]:
    src = catalog.table_names(src_conn) - SKIP
    dst = catalog.table_names(dst_conn) - SKIP
    missing = sorted(t for t in src - dst if not t.startswith("sqlite_"))
    if missing:
        raise CopyError(f"the target has no table {', '.join(missing)} (is it an older triage?)")
    ordered = [t for t in ORDER if t in src]
    return ordered + sorted(t for t in src if t not in ordered and not t.startswith("sqlite_"))


def copy_store(src, dst, on_table: Callable[[str, int], None] | None = None) -> CopyReport:
    """Copy every row of ``src`` (a Store) into ``dst`` (a Store with no posts), in one transaction
    on ``dst``: a failure leaves it as empty as it was."""
    if dst.conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0]:
        raise CopyError("already holds posts; migrate copies into an empty store only")
    report = CopyReport()
    with dst.transaction() as conn:
        for table in _tables(src.conn, conn):
            cols = [c for c in catalog.columns(src.conn, table) if c in set(catalog.columns(conn, table))]
            if table == "meta":
                conn.execute("DELETE FROM meta WHERE key NOT IN ('schema_version')")
            quoted = ", ".join(f'"{c}"' for c in cols)
            where = " WHERE key NOT IN ('schema_version')" if table == "meta" else ""
            insert = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(cols))})"
            rows = src.conn.execute(f"SELECT {quoted} FROM {table}{where}")
            n = 0
            while True:
                chunk = rows.fetchmany(CHUNK)
                if not chunk:
                    break
                if is_postgres(conn):
                    conn.copy_rows(table, cols, chunk)  # a PgConnection there
                else:
                    conn.executemany(insert, chunk)
                n += len(chunk)
            catalog.reset_id_sequence(conn, table)
            report.rows[table] = n
            if on_table:
                on_table(table, n)
        if not is_postgres(conn):
            conn.execute("INSERT INTO posts_fts (rowid, text) SELECT id, text FROM posts")
    return report
