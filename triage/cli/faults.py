"""Store and disk faults as one line each: what happened to which file (or which PostgreSQL
server), and that what was committed before stays. Caught once, at the entry point (`run`), for
every command."""

from __future__ import annotations

import errno
import os
import sqlite3

_KEPT = "everything committed before is kept"


def _read_only_place(db: str) -> bool:
    """SQLite says only "unable to open" when WAL cannot make its -shm beside a read-only store."""
    folder = os.path.dirname(os.path.abspath(db))
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(folder, os.W_OK) or (os.path.exists(db) and not os.access(db, os.W_OK))


def _disk_full(db: str) -> bool:
    try:
        st = os.statvfs(os.path.dirname(os.path.abspath(db)))
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 1 << 20


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _postgres_fault(exc: BaseException, db: str) -> str | None:
    """A PostgreSQL store's faults. ``db`` is the URL without its password (``PgUrl``'s str)."""
    import psycopg
    from psycopg import errors as pge

    try:
        from psycopg_pool import PoolTimeout
    except ImportError:  # pragma: no cover (installed with psycopg by the postgres extra)
        PoolTimeout = ()  # type: ignore[assignment,misc]
    if isinstance(exc, (pge.ReadOnlySqlTransaction, pge.InsufficientPrivilege)):
        return (f"{db}: the store is read-only for this connection (a read-only role, standby or "
                f"transaction: {_first_line(exc)}); nothing was written")
    if isinstance(exc, pge.DiskFull):
        return f"{db}: no space left on the database server; the write was rolled back, {_KEPT}"
    if isinstance(exc, PoolTimeout):
        return f"cannot reach PostgreSQL at {db}: no connection within the time allowed ({_first_line(exc)})"
    if isinstance(exc, psycopg.OperationalError):
        # Refused, no such socket, authentication, the server shut down mid-command: whatever
        # transaction was open is rolled back by the server.
        return f"cannot reach PostgreSQL at {db}: {_first_line(exc)}; {_KEPT}"
    if isinstance(exc, psycopg.ProgrammingError):
        return None  # SQL the server could not take: a bug, which shows its traceback
    if isinstance(exc, psycopg.Error):
        return f"{db}: store error: {_first_line(exc)}"
    return None


def fault_message(exc: BaseException, db: str) -> str | None:
    """The one line for a fault, or None when ``exc`` is not a store/disk fault."""
    if type(exc).__module__.split(".")[0] in ("psycopg", "psycopg_pool"):
        return _postgres_fault(exc, db)
    text = str(exc).lower()
    if isinstance(exc, sqlite3.Error):
        if "readonly" in text or "read-only" in text:
            return f"{db}: the store is read-only (file permissions or a read-only mount); nothing was written"
        if "full" in text:
            return f"{db}: no space left (database or disk is full); the write was rolled back, {_KEPT}"
        if "not a database" in text or "malformed" in text or "encrypted" in text:
            return f"{db}: not a triage store (not a readable SQLite database: {exc})"
        if ("i/o error" in text or "ioerr" in text) and _disk_full(db):
            # SQLite says "disk I/O error" when a full disk stops it growing its -wal/-shm.
            return f"{db}: no space left on the disk (SQLite: {exc}); the write was rolled back, {_KEPT}"
        if "i/o error" in text or "ioerr" in text:
            return f"{db}: disk I/O error on the store; check the disk (dmesg); {_KEPT}"
        if "unable to open" in text:
            if _read_only_place(db):
                return f"{db}: the store is read-only (file permissions or a read-only mount); nothing was written"
            return f"{db}: cannot open the store (missing directory or no permission)"
        if "locked" in text or "busy" in text:
            return f"{db}: the store stayed busy (another writer held it too long); try again"
        return f"{db}: store error: {exc}"
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EACCES):
        where = exc.filename or db
        what = {errno.ENOSPC: "no space left on the disk", errno.EDQUOT: "disk quota exceeded",
                errno.EROFS: "read-only file system", errno.EIO: "disk I/O error",
                errno.EACCES: "permission denied"}[exc.errno]
        return f"{where}: {what}; {_KEPT}"
    return None
