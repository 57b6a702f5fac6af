"""The store: the only code that speaks SQL (with ``queries.py`` for the read side).

One writer connection per process; readers open their own read-only connection per thread
(``Store.open(path, readonly=True)``). WAL lets readers page while a collector writes.

A store is a SQLite file (the default) or a PostgreSQL database (``postgresql://…``): the same
class, over ``postgres.PgConnection`` there (the module says how one text of SQL serves both).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence, cast

from ..errors import TriageError
from ..records import PostRecord
from . import audit, custody
from .schema import migrate
from .sql_dialect import is_postgres, storable_text

if TYPE_CHECKING:
    from ..db_location import PgUrl
    from .postgres import PgConnection

CUSTODY_KEY_NAME = "custody-key"  # the keyring secret that anchors the custody heads
_UNLOADED = object()

BUSY_TIMEOUT_MS = 15_000


class StoreError(TriageError, RuntimeError):
    pass


class UnknownPost(StoreError):
    pass


class StoreFull(StoreError):
    """The disk (or the store's page limit) is full. The failed transaction was rolled back:
    everything committed before it is intact."""


@dataclass
class BatchResult:
    seen: int = 0
    added: int = 0
    first_new_id: int | None = None  # new rows are the ids in [first_new_id, last_new_id]
    last_new_id: int | None = None

    @property
    def duplicates(self) -> int:
        return self.seen - self.added

    def new_ids(self) -> range:
        if self.first_new_id is None:
            return range(0)
        assert self.last_new_id is not None  # the batch writer sets both ends together
        return range(self.first_new_id, self.last_new_id + 1)


@dataclass
class TagResult:
    """What the detector said about one post, in the shape the store writes."""

    post_id: int
    score: float
    flagged: bool
    indicators: list[str]
    hits: list[tuple] = field(default_factory=list)  # (indicator, score, start, end, text, rule, origin)


_POST_COLUMNS = ("source", "external_id", "author_id", "text", "created_at", "created_raw", "collected_at", "url",
                 "reply_to", "reply_to_author", "mentions", "hashtags", "lang", "lat", "lon", "place", "raw", "raw_sha256")
_INSERT_POST = (f"INSERT OR IGNORE INTO posts ({', '.join(_POST_COLUMNS)}) "
                f"VALUES ({','.join('?' * len(_POST_COLUMNS))})")


def _storable(value):
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if _has_surrogate(value) else value
    return value


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def _raw_text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return json.dumps(raw, ensure_ascii=False, separators=(",", ":"), default=str)


def _create_private_file(path: Path) -> None:
    """Create the DB file with mode 0600 before SQLite touches it (its -wal/-shm copy the mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # the umask may have taken bits off


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        return "full" in str(exc)
    return type(exc).__name__ == "DiskFull"  # psycopg.errors.DiskFull (SQLSTATE 53100)


class Store:
    def __init__(self, conn, path: Path | str, readonly: bool):
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self._source_ids: dict[str, int] = {}
        self._author_ids: dict[tuple[str, str], int] = {}
        self._write_lock = threading.RLock()
        self._custody_key: object = _UNLOADED  # bytes | None once loaded
        self.custody_key_problem = ""  # why there is no key (no keyring backend), for `audit verify`

    # ---- opening -------------------------------------------------------------------------

    @property
    def is_postgres(self) -> bool:
        return is_postgres(self.conn)

    @property
    def file(self) -> Path | None:
        """The SQLite file (None for a PostgreSQL store): what output paths must never overwrite."""
        return None if self.is_postgres else Path(self.path)

    @classmethod
    def open(cls, path: "str | os.PathLike | PgUrl", readonly: bool = False) -> "Store":
        from ..db_location import PgUrl, is_postgres_url

        if isinstance(path, PgUrl):
            return cls._open_postgres(path.url, readonly)
        if is_postgres_url(path):
            return cls._open_postgres(str(path), readonly)
        path = Path(path).expanduser()
        if readonly:
            if not path.exists():
                raise StoreError(f"{path}: no such store")
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                                   check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        else:
            if not path.exists():
                _create_private_file(path)
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                                   timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        store = cls(conn, path, readonly)
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # durable at each checkpoint; safe in WAL
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: index pages stay hot during bulk ingest
            migrate(conn)
        return store

    @classmethod
    def _open_postgres(cls, url: str, readonly: bool) -> "Store":
        from .catalog import schema_version
        from ..db_location import display_url
        from .postgres import PgConnection

        conn = PgConnection(url, readonly=readonly)
        store = cls(conn, display_url(url), readonly)
        try:
            if readonly:
                if schema_version(conn) == 0:
                    raise StoreError(f"{store.path}: no store in this database yet")
            else:
                migrate(conn)
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self.conn.close()

    def new_posts_listener(self):
        """On PostgreSQL, a listener whose ``wait(seconds)`` returns True once a batch of new
        posts has committed (LISTEN/NOTIFY, so the live queue hears of them at once); None on
        SQLite, where the console checks the newest post id on a timer instead."""
        if not self.is_postgres:
            return None
        from .postgres import NewPostsListener

        return NewPostsListener(self.conn.url)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction. IMMEDIATE takes the write lock up front, so a busy store waits
        (busy_timeout) instead of failing half-way with 'database is locked'."""
        if self.readonly:
            raise StoreError("store opened read-only")
        with self._write_lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                # Every write moves the evidence heads and the audit head: re-anchor them in the
                # same transaction, so a committed state is always a sealed one.
                custody.seal(self.conn, self.custody_key())
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if _disk_full(exc):
                    raise StoreFull(f"{self.path}: no space left (database or disk is full); this batch was "
                                    "not written, everything committed before it is kept") from exc
                raise

    def custody_key(self) -> bytes | None:
        """The station's custody key from the keyring (created on first use), or None when
        there is no keyring backend: writes still work, unanchored, and `audit verify` says so."""
        if self._custody_key is _UNLOADED:
            from ..credentials import SecretError, station_key

            try:
                # A read-only look (`audit verify`) never makes a key: it checks against the one there is.
                self._custody_key = station_key(CUSTODY_KEY_NAME, create=not self.readonly)
            except SecretError as exc:
                self._custody_key, self.custody_key_problem = None, str(exc)
        return cast("bytes | None", self._custody_key)

    def verify_custody(self) -> custody.CustodyReport:
        report = custody.verify(self.conn, self.custody_key())
        if self.custody_key_problem:
            report.problems = [p if not p.startswith("custody anchor not checked") else
                               f"custody anchor not checked: {self.custody_key_problem}" for p in report.problems]
        return report

    def anchor_line(self) -> str:
        return custody.anchor_line(self.conn)

    def seal(self, analyst: str) -> None:
        """Anchor the current state (a store from before custody, or after the key was made)."""
        self.log(analyst, "custody-seal", "", {})

    # ---- ingest --------------------------------------------------------------------------

    def _source_id(self, name: str, now: int) -> int:
        sid = self._source_ids.get(name)
        if sid is None:
            self.conn.execute("INSERT OR IGNORE INTO sources (name, first_seen) VALUES (?, ?)", (_storable(name), now))
            sid = self.conn.execute("SELECT id FROM sources WHERE name = ?", (_storable(name),)).fetchone()[0]
            self._source_ids[name] = sid
        return sid

    def _author_id(self, rec: PostRecord) -> int:
        key = (rec.source, rec.author_handle)
        aid = self._author_ids.get(key)
        if aid is None:
            self.conn.execute(
                "INSERT OR IGNORE INTO authors (source, handle, external_id, display_name, post_count) "
                "VALUES (?, ?, ?, ?, 0)",
                tuple(map(_storable, (rec.source, rec.author_handle, rec.author_id, rec.author_name))),
            )
            aid = self.conn.execute(
                "SELECT id FROM authors WHERE source = ? AND handle = ?", tuple(map(_storable, key))
            ).fetchone()[0]
            if len(self._author_ids) > 200_000:  # bound memory on huge imports
                self._author_ids.clear()
            self._author_ids[key] = aid
        return aid

    def add_posts(self, records: Sequence[PostRecord], collected_at: int | None = None) -> BatchResult:
        """Insert one batch in one transaction. Posts already stored (same source and
        external_id) are left exactly as they are: a re-import changes nothing."""
        now = int(collected_at if collected_at is not None else time.time())
        result = BatchResult(seen=len(records))
        if not records:
            return result
        with self.transaction() as conn:
            before = conn.execute("SELECT COALESCE(MAX(id), 0) FROM posts").fetchone()[0]
            on_postgres = self.is_postgres
            rows = []
            for rec in records:
                self._source_id(rec.source, now)
                raw = _raw_text(rec.raw)
                if on_postgres:
                    raw = storable_text(raw)  # hashed as stored, so `audit verify` still checks it
                rows.append((
                    rec.source, rec.external_id, self._author_id(rec), rec.text, rec.created_at,
                    rec.created_raw, now, rec.url, rec.reply_to, rec.reply_to_author,
                    json.dumps(rec.mentions, ensure_ascii=False) if rec.mentions else None,
                    json.dumps(rec.hashtags, ensure_ascii=False) if rec.hashtags else None,
                    rec.lang, rec.lat, rec.lon, rec.place, raw,
                    hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest(),
                ))
            if on_postgres:
                # No retry inside a transaction there: make every field storable first.
                pg = cast("PgConnection", conn)
                pg.insert_ignoring_duplicates("posts", _POST_COLUMNS, [tuple(map(_storable, row)) for row in rows])
            else:
                self._insert_posts_sqlite(conn, rows)
            after = conn.execute("SELECT COALESCE(MAX(id), 0) FROM posts").fetchone()[0]
            if after > before:
                # Ids only grow (nothing is ever deleted, and writers take turns), so the new posts are
                # exactly id > before. SQLite's rowids have no gaps, so their count is the difference;
                # PostgreSQL's sequence also moves for the duplicates ON CONFLICT skipped: counted there.
                result.added = (conn.execute("SELECT COUNT(*) FROM posts WHERE id > ?", (before,)).fetchone()[0]
                                if on_postgres else after - before)
                result.first_new_id, result.last_new_id = before + 1, after
                if on_postgres:
                    cast("PgConnection", conn).notify_new_posts()  # the live queues LISTEN; text_tsv is kept by PostgreSQL
                else:
                    conn.execute("INSERT INTO posts_fts (rowid, text) SELECT id, text FROM posts WHERE id > ?", (before,))
                conn.execute(
                    "UPDATE authors SET post_count = post_count + s.n, "
                    "first_seen = MIN(COALESCE(first_seen, s.lo), s.lo), "
                    "last_seen = MAX(COALESCE(last_seen, s.hi), s.hi) "
                    "FROM (SELECT author_id, COUNT(*) AS n, MIN(created_at) AS lo, MAX(created_at) AS hi "
                    "      FROM posts WHERE id > ? GROUP BY author_id) AS s WHERE authors.id = s.author_id",
                    (before,),
                )
        return result

    @staticmethod
    def _insert_posts_sqlite(conn, rows) -> None:
        try:
            conn.executemany(_INSERT_POST, rows)
        except UnicodeEncodeError:
            # A lone surrogate (JSON "\ud83d" escapes) cannot be stored as UTF-8; the raw copy keeps
            # the escape as written, the fields get U+FFFD. Rows already inserted are ignored on retry.
            conn.executemany(_INSERT_POST, [tuple(_storable(v) for v in row) for row in rows])

    # ---- detector results ----------------------------------------------------------------

    def write_tags(self, results: Iterable[TagResult], detector_version: str) -> int:
        """Replace the derived detector output of these posts. Returns how many hit rows changed
        (added + removed), which `triage retag` reports."""
        changed = 0
        now = int(time.time())
        with self.transaction() as conn:
            for res in results:
                old = set(conn.execute(
                    'SELECT indicator, start, "end", rule FROM hits WHERE post_id = ?', (res.post_id,)
                ).fetchall())
                new = {(h[0], h[2], h[3], h[5]) for h in res.hits}
                changed += len(old ^ new)
                if old:
                    conn.execute("DELETE FROM hits WHERE post_id = ?", (res.post_id,))
                if res.hits:
                    conn.executemany(
                        'INSERT INTO hits (post_id, indicator, score, start, "end", text, rule, origin, '
                        "detector_version) VALUES (?,?,?,?,?,?,?,?,?)",
                        [(res.post_id, *h, detector_version) for h in res.hits],
                    )
                conn.execute(
                    "UPDATE posts SET score = ?, flagged = ?, indicators = ?, detector_version = ?, tagged_at = ? "
                    "WHERE id = ?",
                    (res.score, int(res.flagged), ",".join(res.indicators), detector_version, now, res.post_id),
                )
        return changed

    # ---- analyst actions (append-only, audited) ------------------------------------------

    def resolve_post(self, ref: str | int) -> int:
        """A post by store id (``123``) or by ``source:external_id``."""
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            row = self.conn.execute("SELECT id FROM posts WHERE id = ?", (int(ref),)).fetchone()
        else:
            source, sep, external_id = str(ref).rpartition(":")
            row = None
            if sep:
                row = self.conn.execute(
                    "SELECT id FROM posts WHERE source = ? AND external_id = ?", (source, external_id)
                ).fetchone()
        if row is None:
            raise UnknownPost(f"no post {ref!r} (give a store id or source:external_id)")
        return row[0]

    def _current_disposition(self, conn, post_id: int) -> str | None:
        row = conn.execute("SELECT disposition FROM labels WHERE post_id = ? ORDER BY id DESC LIMIT 1",
                           (post_id,)).fetchone()
        return row[0] if row else None

    def set_disposition(self, post_ids: Sequence[int], disposition: str | None, analyst: str,
                        undo_of: int | None = None) -> list[int]:
        """Append a label row per post (None clears the disposition). Returns the label ids."""
        with self.transaction() as conn:
            return self._label(conn, post_ids, disposition, analyst, undo_of)

    def set_verdict(self, post_id: int, indicator: str, verdict: int | None, analyst: str,
                    undo_of: int | None = None) -> int:
        """Confirm (1) or reject (0) an indicator on a post, or clear the verdict (None)."""
        with self.transaction() as conn:
            return self._verdict(conn, post_id, indicator, verdict, analyst, undo_of)

    def set_disposition_confirming(self, post_ids: Sequence[int], disposition: str,
                                   analyst: str) -> tuple[list[int], list[int]]:
        """A disposition that also confirms each post's detected indicators, in one transaction:
        every indicator with a stored hit and no current verdict gets verdict 1 (a rejection or
        an earlier confirmation stands), so an escalate or monitor becomes positive training
        labels. Returns the label ids and the verdict ids (for undo)."""
        with self.transaction() as conn:
            label_ids = self._label(conn, post_ids, disposition, analyst, None)
            verdict_ids = []
            for pid in post_ids:
                unjudged = conn.execute(
                    "SELECT DISTINCT h.indicator FROM hits h WHERE h.post_id = ? AND (SELECT v.verdict FROM verdicts v "
                    "WHERE v.post_id = h.post_id AND v.indicator = h.indicator ORDER BY v.id DESC LIMIT 1) IS NULL "
                    "ORDER BY h.indicator", (pid,)).fetchall()
                verdict_ids += [self._verdict(conn, pid, indicator, 1, analyst, None) for (indicator,) in unjudged]
        return label_ids, verdict_ids

    def add_note(self, post_id: int, body: str, analyst: str) -> int:
        with self.transaction() as conn:
            return self._note(conn, post_id, body, analyst)

    def label_posts(self, post_ids: Sequence[int], analyst: str, disposition: str | None = None,
                    verdicts: Sequence[tuple[str, int | None]] = (), note: str | None = None) -> None:
        """A disposition, verdicts and a note for many posts, in ONE transaction: a kill or a
        full disk leaves all of them or none (one transaction per note once left 60,000 labels
        beside 4,222 notes)."""
        with self.transaction() as conn:
            if disposition is not None:
                self._label(conn, post_ids, disposition, analyst, None)
            for pid in post_ids:
                for indicator, verdict in verdicts:
                    self._verdict(conn, pid, indicator, verdict, analyst, None)
                if note is not None:
                    self._note(conn, pid, note, analyst)

    @staticmethod
    def _label(conn, post_ids, disposition, analyst, undo_of) -> list[int]:
        ids = []
        now = time.time()
        for pid in post_ids:
            cur = conn.execute(
                "INSERT INTO labels (post_id, disposition, analyst, at, undo_of) VALUES (?,?,?,?,?)",
                (pid, disposition, analyst, now, undo_of),
            )
            ids.append(cur.lastrowid)
            conn.execute("UPDATE posts SET disposition = ? WHERE id = ?", (disposition, pid))
        audit.append(conn, analyst, "undo-label" if undo_of else "label", ",".join(map(str, post_ids)),
                     {"disposition": disposition, "label_ids": ids, "undo_of": undo_of})
        return ids

    @staticmethod
    def _verdict(conn, post_id, indicator, verdict, analyst, undo_of) -> int:
        cur = conn.execute(
            "INSERT INTO verdicts (post_id, indicator, verdict, analyst, at, undo_of) VALUES (?,?,?,?,?,?)",
            (post_id, indicator, verdict, analyst, time.time(), undo_of),
        )
        audit.append(conn, analyst, "undo-verdict" if undo_of else "verdict", str(post_id),
                     {"indicator": indicator, "verdict": verdict, "verdict_id": cur.lastrowid})
        return cur.lastrowid

    @staticmethod
    def _note(conn, post_id, body, analyst) -> int:
        cur = conn.execute("INSERT INTO notes (post_id, body, analyst, at) VALUES (?,?,?,?)",
                           (post_id, body, analyst, time.time()))
        audit.append(conn, analyst, "note", str(post_id),
                     {"note_id": cur.lastrowid, "sha256": hashlib.sha256(body.encode()).hexdigest()})
        return cur.lastrowid

    def undo_label(self, label_ids: Sequence[int], analyst: str) -> list[int]:
        """Undo labels by appending, per post, the disposition it had before them."""
        restore: dict[int, str | None] = {}
        for lid in label_ids:
            row = self.conn.execute("SELECT post_id FROM labels WHERE id = ?", (lid,)).fetchone()
            if row is None:
                raise StoreError(f"no label {lid}")
            prev = self.conn.execute(
                "SELECT disposition FROM labels WHERE post_id = ? AND id < ? ORDER BY id DESC LIMIT 1",
                (row[0], lid),
            ).fetchone()
            restore[row[0]] = prev[0] if prev else None
        new_ids = []
        for value in dict.fromkeys(restore.values()):  # first-seen order: deterministic history
            posts = [p for p, v in restore.items() if v == value]
            new_ids += self.set_disposition(posts, value, analyst, undo_of=label_ids[0])
        return new_ids

    def undo_verdict(self, verdict_id: int, analyst: str) -> int:
        row = self.conn.execute("SELECT post_id, indicator FROM verdicts WHERE id = ?", (verdict_id,)).fetchone()
        if row is None:
            raise StoreError(f"no verdict {verdict_id}")
        prev = self.conn.execute(
            "SELECT verdict FROM verdicts WHERE post_id = ? AND indicator = ? AND id < ? ORDER BY id DESC LIMIT 1",
            (row[0], row[1], verdict_id),
        ).fetchone()
        return self.set_verdict(row[0], row[1], prev[0] if prev else None, analyst, undo_of=verdict_id)

    def settle(self, post_ids: Sequence[int], disposition: str, analyst: str) -> list[int]:
        """A review label on each post (the review queue): an ordinary label row, audited and in
        the history, marked in ``resolutions`` as the review that settles the analysts'
        disagreement, in one transaction. ``undo_label`` takes it back (the disagreement opens
        again). The rule is ``agreement_queries``'."""
        from . import agreement_queries

        with self.transaction() as conn:
            label_ids = self._label(conn, post_ids, disposition, analyst, None)
            agreement_queries.mark_review(conn, label_ids)
            # The label row is audited by _label; this row says it was a review, not a rating.
            audit.append(conn, analyst, "review-label", ",".join(map(str, post_ids)), {"label_ids": label_ids})
        return label_ids

    def import_labels(self, items, actor: str, origin: str):
        """Labels from outside (``label_import.PostLabels``) onto their posts, in ONE transaction,
        each keeping its analyst and time; ``actor`` is who imports, ``origin`` the file."""
        from . import label_import

        with self.transaction() as conn:
            return label_import.apply(conn, items, actor, origin)

    def log(self, analyst: str, action: str, target: str = "", detail=None) -> int:
        """An audit entry for an action that is not itself a store write (import, export)."""
        with self.transaction() as conn:
            return audit.append(conn, analyst, action, target, detail)

    def verify_audit(self) -> audit.ChainReport:
        return audit.verify_chain(self.conn)

    # ---- collector state -----------------------------------------------------------------

    def collector_cursor(self, name: str):
        row = self.conn.execute("SELECT cursor FROM collector_state WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def save_collector_run(self, name: str, plugin: str, cursor, added: int, error: str | None) -> None:
        now = time.time()
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO collector_state (name, plugin, cursor, last_run_at, last_ok_at, last_error, runs, "
                "posts_added) VALUES (?,?,?,?,?,?,1,?) ON CONFLICT(name) DO UPDATE SET plugin = excluded.plugin, "
                "cursor = COALESCE(excluded.cursor, collector_state.cursor), last_run_at = excluded.last_run_at, "
                "last_ok_at = COALESCE(excluded.last_ok_at, collector_state.last_ok_at), "
                "last_error = excluded.last_error, runs = collector_state.runs + 1, "
                "posts_added = collector_state.posts_added + excluded.posts_added",
                (name, plugin, json.dumps(cursor) if cursor is not None else None, now,
                 None if error else now, error, added),
            )
