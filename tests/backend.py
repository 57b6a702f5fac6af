"""A store's database reached the way a test (or someone with access to the database) reaches it
without the store: a plain SQL connection, or the engine's own command-line client.

The tests of BOTH_BACKENDS modules (conftest.py) read and tamper with rows through these, so one
test body checks a SQLite file and a PostgreSQL database alike. SQL is written in SQLite's dialect:
on PostgreSQL it goes through the store's own translator (``PgConnection``), which the store's
SQL runs through too.
"""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing, contextmanager
from pathlib import Path

from triage.db_location import PgUrl


def is_pg(db) -> bool:
    return isinstance(db, PgUrl)


def connect(db):
    """A plain connection to the store's database (no migration, no store rules): a sqlite3
    connection, or a ``PgConnection`` (autocommit; ``commit`` is then a no-op)."""
    if is_pg(db):
        from triage.store.postgres import PgConnection

        return PgConnection(db.url)
    return sqlite3.connect(db)


@contextmanager
def connection(db):
    """``connect`` for a ``with`` block: committed and closed at the end."""
    with closing(connect(db)) as conn:
        yield conn
        conn.commit()


def rows(db, sql: str, params=()) -> list:
    with connection(db) as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def run(db, sql: str, params=()) -> None:
    """One statement, committed (a row edited or removed behind the store's back)."""
    with connection(db) as conn:
        conn.execute(sql, params)


def tables(db) -> set[str]:
    """The database's tables (none when no store was ever made in it)."""
    from triage.store import catalog

    if not is_pg(db) and not Path(db).exists():
        return set()
    with connection(db) as conn:
        return catalog.table_names(conn)


def shell(db, sql: str) -> None:
    """``sql`` run with the engine's own shell (``sqlite3`` or ``psql``), as a person with the
    database's access would edit it: no store code involved. ``sql`` must be valid on both."""
    if is_pg(db):
        cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db.url, "-c", sql]
    else:
        cmd = ["sqlite3", str(db), sql]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def copy(db, tmp_path: Path):
    """A copy of the whole database as it is now (an older copy kept aside): SQLite's online
    backup, or a new database made from this one as template (no one may be connected to it)."""
    if is_pg(db):
        import uuid
        from urllib.parse import urlsplit, urlunsplit

        import psycopg

        parts = urlsplit(db.url)
        name = "copy_" + uuid.uuid4().hex[:12]
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{parts.path.lstrip("/")}"')
        return PgUrl(urlunsplit(parts._replace(path="/" + name)))
    target = tmp_path / ("copy-of-" + Path(db).name)
    with closing(sqlite3.connect(db)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def cli_value(db) -> str:
    """What ``--db`` is given for this store (a PgUrl's whole URL: ``str()`` hides a password)."""
    return getattr(db, "url", None) or str(db)


def store_file(db) -> Path | None:
    return None if is_pg(db) else Path(db)
