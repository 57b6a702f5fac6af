"""What a store's database has (tables, indexes, schema version), asked the way each engine
answers: SQLite's ``sqlite_master`` and ``PRAGMA user_version``, PostgreSQL's catalog and a
``meta`` row (PostgreSQL has no per-database user version)."""

from __future__ import annotations

from .sql_dialect import is_postgres

_PG_VERSION_KEY = "schema_version"


def table_names(conn) -> set[str]:
    if is_postgres(conn):
        rows = conn.execute_native("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    else:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r[0] for r in rows}


def has_table(conn, name: str) -> bool:
    return name in table_names(conn)


def has_index(conn, name: str) -> bool:
    if is_postgres(conn):
        return conn.execute_native("SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s",
                                   (name,)).fetchone() is not None
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone() is not None


def schema_version(conn) -> int:
    if is_postgres(conn):
        if "meta" not in table_names(conn):
            return 0
        row = conn.execute_native("SELECT value FROM meta WHERE key = %s", (_PG_VERSION_KEY,)).fetchone()
        return int(row[0]) if row else 0
    return conn.execute("PRAGMA user_version").fetchone()[0]


def set_schema_version(conn, version: int) -> None:
    if is_postgres(conn):
        conn.execute_native("INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET "
                            "value = EXCLUDED.value", (_PG_VERSION_KEY, str(version)))
    else:
        conn.execute(f"PRAGMA user_version = {int(version)}")


def can_write(conn) -> bool:
    """Whether this connection may write the store. A SQLite file's modes are the CLI's to check
    before opening; on PostgreSQL the server decides: the role's rights on the tables, a database
    or role set read-only, a hot standby."""
    if not is_postgres(conn):
        return True
    row = conn.execute_native(
        "SELECT has_table_privilege('posts', 'INSERT') AND has_table_privilege('analytics_cache', 'INSERT') "
        "AND current_setting('transaction_read_only') = 'off' AND NOT pg_is_in_recovery()").fetchone()
    return bool(row[0])


def database_name(conn) -> str:
    """The file this connection reads ("" for an in-memory SQLite database), or the server's
    database URL without its password."""
    if is_postgres(conn):
        from .postgres import display_url

        return display_url(conn.url)
    return conn.execute("PRAGMA database_list").fetchone()[2]
