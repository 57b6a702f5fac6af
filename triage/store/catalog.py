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
        from ..db_location import display_url

        return display_url(conn.url)
    return conn.execute("PRAGMA database_list").fetchone()[2]


def columns(conn, table: str) -> list[str]:
    """The table's columns in their declared order (PostgreSQL's generated ``text_tsv`` left out:
    it is computed, never copied)."""
    if is_postgres(conn):
        rows = conn.execute_native(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position", (table,))
        return [r[0] for r in rows]
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def reset_id_sequence(conn, table: str) -> None:
    """After rows were copied in with their ids: the next generated id follows the largest
    (PostgreSQL's identity sequence does not see explicit ids; SQLite needs nothing)."""
    if is_postgres(conn) and "id" in columns(conn, table):
        conn.execute_native(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1), "
            f"(SELECT MAX(id) FROM {table}) IS NOT NULL)")
