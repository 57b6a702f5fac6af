"""A PostgreSQL store's connection: the same small interface the store uses of ``sqlite3``
(``execute``, ``executemany``, ``executescript``, cursors with ``fetchone``/``fetchall``/
``lastrowid``/``rowcount``, ``in_transaction``), over psycopg 3 connections lent by a pool.

Why an adapter and not a second store: every query of the store, the console and the exports
then runs on both engines from one text, and the test suite proves it on both (README,
"PostgreSQL"). Statements are rewritten once each by ``sql_dialect.to_postgres``.

Writers: ``BEGIN IMMEDIATE`` (SQLite's "take the write lock now") becomes ``BEGIN`` plus a
transaction-scoped advisory lock, so write transactions from every process are serialised as on
SQLite. That is what keeps the audit hash chain and the custody heads linear (each write reads the
head and appends after it) without a retry loop; readers never wait for it.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from typing import Any, Iterable, Iterator, Sequence

from ..errors import SetupError
from .sql_dialect import decode_params, pg_value, split_script, to_postgres

WRITE_LOCK_KEY = 7_261_330_001  # pg_advisory_xact_lock key: "the store's write lock"
NEW_POSTS_CHANNEL = "triage_new_posts"  # NOTIFY channel: a batch of posts was committed
CONNECT_TIMEOUT_S = 10  # a server that does not answer at all (a dropped route)
POOL_MAX = 8  # per process: the console's readers, a collector and the writer


def _psycopg():
    try:
        import psycopg
        import psycopg_pool
    except ImportError as exc:
        raise SetupError("a postgresql:// store needs psycopg: pip install 'triage-console[postgres]' "
                         f"(or make install-postgres); {exc}") from None
    return psycopg, psycopg_pool


# psycopg and its pool log what they also raise (a pipeline ended on a lost connection, a failed
# reconnect); with no handler configured Python would print those records on stderr beside the
# CLI's one line for the exception itself. An application that configures logging still gets them.
logging.getLogger("psycopg").addHandler(logging.NullHandler())

_pools: dict[str, Any] = {}
_pools_lock = threading.Lock()


def _numeric_loader(psycopg):
    from psycopg.adapt import Loader

    class IntOrFloat(Loader):
        """SUM and AVG of integers come back as numeric: an int when whole (a count), else a float;
        the store's callers do arithmetic with floats, which Decimal refuses."""

        def load(self, data):
            text = bytes(data)
            return float(text) if b"." in text or b"e" in text.lower() or b"N" in text else int(text)

    return IntOrFloat


def _configure(raw) -> None:
    psycopg, _ = _psycopg()
    raw.adapters.register_loader("numeric", _numeric_loader(psycopg))


def _reset(raw) -> None:
    raw.execute("RESET ALL")


PASSWORD_SECRET = "postgres-password"  # `triage secret set postgres-password`: kept in the keyring


def _password_kwargs(url: str) -> dict:
    """The server password from the keyring, when the URL and libpq's own places (PGPASSWORD,
    ~/.pgpass, which the analyst chose) give none: a password never has to sit in a config."""
    from urllib.parse import urlsplit

    if urlsplit(url).password or os.environ.get("PGPASSWORD"):
        return {}
    from ..credentials import SecretError, read_secret

    try:
        secret = read_secret(PASSWORD_SECRET)
    except SecretError:  # no keyring backend on this station: trust, peer or .pgpass may still do
        return {}
    return {"password": secret} if secret else {}


def _first_connection(url: str, password: dict) -> None:
    """Connect once before making a pool: a server that is down, a wrong socket or a refused login
    is then psycopg's own OperationalError at once (cli/faults.py says it in one line), where the
    pool would retry quietly until its timeout and say only that it timed out."""
    psycopg, _ = _psycopg()
    psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, **password).close()


def pool_for(url: str):
    """This process's pool for ``url``: connections are made once and lent to each Store."""
    with _pools_lock:
        pool = _pools.get(url)
        if pool is None:
            password = _password_kwargs(url)  # one keyring read for the pool's every connection
            _first_connection(url, password)
            _, psycopg_pool = _psycopg()
            pool = psycopg_pool.ConnectionPool(url, min_size=1, max_size=POOL_MAX, open=False,
                                               kwargs={"autocommit": True, **password},
                                               configure=_configure, reset=_reset,
                                               name="triage")
            pool.open(wait=True, timeout=15)
            _pools[url] = pool
        return pool


@atexit.register
def close_pools() -> None:
    with _pools_lock:
        for pool in _pools.values():
            pool.close(timeout=2)
        _pools.clear()


def forget_pools_after_fork() -> None:
    """A forked child (the tagging pool) must not use its parent's sockets: drop, don't close."""
    _pools.clear()


os.register_at_fork(after_in_child=forget_pools_after_fork)


class PgCursor:
    def __init__(self, cur, lastrowid: int | None = None, first: tuple | None = None):
        self._cur = cur
        self.lastrowid = lastrowid
        self._first = first  # a row read to learn lastrowid, still owed to the caller

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount

    @property
    def description(self):
        return self._cur.description

    def fetchone(self):
        if self._first is not None:
            row, self._first = self._first, None
            return row
        if self._cur.description is None:
            return None
        return self._cur.fetchone()

    def fetchall(self) -> list:
        head = [self._first] if self._first is not None else []
        self._first = None
        if self._cur.description is None:
            return head
        return head + self._cur.fetchall()

    def fetchmany(self, size: int = 1) -> list:
        head = [self._first] if self._first is not None else []
        self._first = None
        if self._cur.description is None:
            return head
        return head + self._cur.fetchmany(size - len(head))

    def __iter__(self) -> Iterator:
        if self._first is not None:
            yield self._first
            self._first = None
        if self._cur.description is not None:
            yield from self._cur


class PgConnection:
    dialect = "postgresql"

    def __init__(self, url: str, readonly: bool = False):
        self.url = url
        self._pool = pool_for(url)
        self.raw = self._pool.getconn(timeout=30)
        if readonly:
            self.raw.execute("SET default_transaction_read_only = on")
        self._id_tables: frozenset[str] | None = None

    # ---- what the store calls ---------------------------------------------------------------

    def execute(self, sql: str, params: Sequence = ()) -> PgCursor:
        head = sql.lstrip()[:16].upper()
        if head.startswith("BEGIN"):
            self.raw.execute("BEGIN")
            if "IMMEDIATE" in head:
                self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
            return PgCursor(self.raw.cursor())
        tr = to_postgres(sql, self.id_tables())
        cur = self.raw.cursor()
        cur.execute(tr.sql, decode_params(tr, params))
        if tr.returns_id:
            row = cur.fetchone()
            return PgCursor(cur, lastrowid=row[0] if row else None)
        return PgCursor(cur)

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> PgCursor:
        tr = to_postgres(sql, frozenset())  # no RETURNING: executemany's lastrowid is not used
        cur = self.raw.cursor()
        cur.executemany(tr.sql, [decode_params(tr, row) for row in rows])
        return PgCursor(cur)

    def executescript(self, script: str) -> None:
        for statement in split_script(script):
            self.raw.execute(to_postgres(statement).sql, ())

    def execute_native(self, sql: str, params: Sequence | None = None) -> PgCursor:
        """A statement in PostgreSQL's own dialect (the call sites that branch on the engine)."""
        cur = self.raw.cursor()
        cur.execute(sql, params)
        return PgCursor(cur)

    @property
    def in_transaction(self) -> bool:
        psycopg, _ = _psycopg()
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def commit(self) -> None:
        if self.in_transaction:
            self.raw.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        if self.raw is None:
            return
        raw, self.raw = self.raw, None
        try:
            if not raw.closed and raw.info.transaction_status != 0:  # not IDLE: end it before lending on
                raw.execute("ROLLBACK")
        finally:
            self._pool.putconn(raw)

    # ---- catalog ----------------------------------------------------------------------------

    def id_tables(self) -> frozenset[str]:
        """Tables whose ``id`` is an identity column (an INSERT into one reports ``lastrowid``)."""
        if self._id_tables is None:
            rows = self.raw.execute(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND column_name = 'id' AND is_identity = 'YES'").fetchall()
            self._id_tables = frozenset(r[0] for r in rows)
        return self._id_tables

    def forget_catalog(self) -> None:
        """After DDL: tables may have been added."""
        self._id_tables = None

    # ---- LISTEN / NOTIFY --------------------------------------------------------------------

    def copy_rows(self, table: str, cols: Sequence[str], rows: Iterable[Sequence]) -> None:
        """Rows straight in with COPY (``triage migrate --to``: an empty table, ids given)."""
        names = ", ".join(f'"{c}"' for c in cols)
        with self.raw.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([pg_value(v) for v in row])

    def insert_ignoring_duplicates(self, table: str, cols: Sequence[str], rows: Sequence[Sequence]) -> None:
        """``INSERT OR IGNORE`` of many rows at COPY speed: the rows are COPYed into a temporary
        table of the same column types, then inserted in their order with ON CONFLICT DO NOTHING
        (row-by-row INSERTs ran at 0.4 of COPY on the import bench). Within the caller's transaction."""
        stage = f"_stage_{table}"
        names = ", ".join(f'"{c}"' for c in cols)
        self.raw.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "
                         f"SELECT 0::bigint AS ord, {names} FROM {table} WITH NO DATA")
        self.copy_rows(stage, ("ord", *cols), ((n, *row) for n, row in enumerate(rows)))
        self.raw.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} ORDER BY ord ON CONFLICT DO NOTHING")
        self.raw.execute(f"TRUNCATE {stage}")

    def notify_new_posts(self) -> None:
        """Inside the write transaction: delivered to listeners when it commits, never before."""
        self.raw.execute(f"NOTIFY {NEW_POSTS_CHANNEL}")


class NewPostsListener:
    """Waits for committed batches of posts (the live queue): a connection of its own that
    LISTENs, so the console learns of new posts when they commit instead of polling for them."""

    def __init__(self, url: str):
        psycopg, _ = _psycopg()
        self._conn = psycopg.connect(url, autocommit=True, **_password_kwargs(url))
        self._conn.execute(f"LISTEN {NEW_POSTS_CHANNEL}")

    def wait(self, timeout: float) -> bool:
        """True when at least one batch committed within ``timeout`` seconds (all pending are read)."""
        got = False
        for _ in self._conn.notifies(timeout=timeout, stop_after=1):
            got = True
        return got

    def close(self) -> None:
        self._conn.close()
