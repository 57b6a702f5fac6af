"""The store side of air-gapped bundles (``triage.bundle``): the station's id, what was already
exported, the rows an export reads, and the writes of an import.

What an export has carried is remembered per row (``bundle_exported``), not as a high-water id:
on PostgreSQL, ids from a sequence can commit out of order (a label with id 10 may become
visible after id 11 was exported), and a mark at 11 would skip it for ever. The audit chain has
no such gap (each row is written as the one after the last committed), so its piece is taken
from a mark per analyst in ``meta``.

Every statement here is portable SQL (the PostgreSQL backend runs them through its adapter):
``?`` placeholders, ``ON CONFLICT`` upserts, ``RETURNING id``, ``IN`` lists chunked at 500.
Write functions run inside the caller's ``store.transaction()``.
"""

from __future__ import annotations

import sqlite3
import uuid
from typing import Iterable, Sequence, TypeVar

from .bundle_rows import AuditRow, BundlePost, LabelRow, LinkRow, NoteRow, PostRef, VerdictRow
from .meta import meta_value, set_meta

STATION_KEY = "station_id"
_MARK_KEY = "bundle-export-audit:"  # + analyst: the last audit id their previous bundle carried
HEADS = ("labels", "verdicts", "notes", "identity_links", "audit")  # tables an export reads up to their head
_CHUNK = 500

T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _marks(items: Sequence) -> str:
    return ",".join("?" * len(items))


# ---- the station and its marks ---------------------------------------------------------------

def station_id(conn: sqlite3.Connection) -> str | None:
    return meta_value(conn, STATION_KEY)


def ensure_station_id(conn: sqlite3.Connection) -> str:
    """This store's station id, made (a random UUID) the first time a bundle is exported or
    imported. Within the caller's transaction."""
    current = station_id(conn)
    if current:
        return current
    new = uuid.uuid4().hex
    set_meta(conn, STATION_KEY, new)
    return new


def audit_mark(conn: sqlite3.Connection, analyst: str) -> int:
    """The last audit id the previous bundle of ``analyst`` carried (0: none yet)."""
    return int(meta_value(conn, _MARK_KEY + analyst) or 0)


def set_audit_mark(conn: sqlite3.Connection, analyst: str, last_id: int) -> None:
    set_meta(conn, _MARK_KEY + analyst, str(int(last_id)))


def remember_exported(conn: sqlite3.Connection, table: str, local_ids: Sequence[int], bundle_id: str) -> None:
    conn.executemany("INSERT INTO bundle_exported (tbl, local_id, bundle_id) VALUES (?,?,?) "
                     "ON CONFLICT (tbl, local_id) DO NOTHING", [(table, i, bundle_id) for i in local_ids])


def table_heads(conn: sqlite3.Connection) -> dict[str, int]:
    """The newest id of each table an export reads, in ONE statement so they agree with each
    other (a label and its audit row commit together)."""
    row = conn.execute(
        "SELECT " + ", ".join(f"(SELECT COALESCE(MAX(id), 0) FROM {t})" for t in HEADS)).fetchone()
    return dict(zip(HEADS, map(int, row)))


# ---- what an export reads --------------------------------------------------------------------

def _carried(table: str, alias: str, unsent_only: bool) -> str:
    """Rows a bundle brought in are left out (a bundle carries only what was decided on its own
    station); with ``unsent_only``, so are rows an earlier bundle carried."""
    where = f"NOT EXISTS (SELECT 1 FROM bundle_rows b WHERE b.tbl = '{table}' AND b.local_id = {alias}.id)"
    if unsent_only:
        where += f" AND NOT EXISTS (SELECT 1 FROM bundle_exported e WHERE e.tbl = '{table}' AND e.local_id = {alias}.id)"
    return where


def _decisions_since(conn: sqlite3.Connection, table: str, columns: str, analyst: str, upto: int,
                     unsent_only: bool) -> list[tuple]:
    """(post id, row id, source, external id, *columns) of the analyst's rows of ``table`` (labels,
    verdicts, notes) up to id ``upto``, oldest first."""
    return conn.execute(
        f"SELECT t.post_id, t.id, p.source, p.external_id, {columns} "
        f"FROM {table} t JOIN posts p ON p.id = t.post_id "
        f"WHERE t.analyst = ? AND t.id <= ? AND {_carried(table, 't', unsent_only)} ORDER BY t.id",
        (analyst, upto)).fetchall()


def labels_since(conn: sqlite3.Connection, analyst: str, upto: int, unsent_only: bool) -> list[tuple[int, LabelRow]]:
    """(post id, row) of the analyst's labels up to id ``upto``, oldest first."""
    rows = _decisions_since(conn, "labels", "t.disposition, t.analyst, t.at, t.undo_of", analyst, upto, unsent_only)
    return [(r[0], LabelRow(*r[1:])) for r in rows]


def verdicts_since(conn: sqlite3.Connection, analyst: str, upto: int, unsent_only: bool) -> list[tuple[int, VerdictRow]]:
    rows = _decisions_since(conn, "verdicts", "t.indicator, t.verdict, t.analyst, t.at, t.undo_of", analyst, upto,
                            unsent_only)
    return [(r[0], VerdictRow(*r[1:])) for r in rows]


def notes_since(conn: sqlite3.Connection, analyst: str, upto: int, unsent_only: bool) -> list[tuple[int, NoteRow]]:
    rows = _decisions_since(conn, "notes", "t.body, t.analyst, t.at", analyst, upto, unsent_only)
    return [(r[0], NoteRow(*r[1:])) for r in rows]


def links_since(conn: sqlite3.Connection, analyst: str, upto: int, unsent_only: bool) -> list[LinkRow]:
    rows = conn.execute(
        "SELECT l.id, a.source, a.handle, b.source, b.handle, l.linked, l.analyst, l.at, l.note "
        "FROM identity_links l JOIN authors a ON a.id = l.a_id JOIN authors b ON b.id = l.b_id "
        f"WHERE l.analyst = ? AND l.id <= ? AND {_carried('identity_links', 'l', unsent_only)} ORDER BY l.id",
        (analyst, upto))
    return [LinkRow(*r) for r in rows]


def bundle_posts(conn: sqlite3.Connection, post_ids: Iterable[int]) -> list[BundlePost]:
    """What a bundle says of each post its rows name, in id order."""
    ids = sorted(set(post_ids))
    out: list[BundlePost] = []
    for chunk in _chunks(ids):
        out += [BundlePost(*r) for r in conn.execute(
            "SELECT p.source, p.external_id, a.handle, p.created_at, p.text, p.raw_sha256 "
            f"FROM posts p JOIN authors a ON a.id = p.author_id WHERE p.id IN ({_marks(chunk)}) ORDER BY p.id",
            list(chunk))]
    return out


def audit_rows(conn: sqlite3.Connection, after: int, upto: int) -> list[AuditRow]:
    """The local audit rows ``after < id <= upto``, whole, oldest first."""
    return [AuditRow(r[0], r[6], r[7], r[1], r[2], r[3], r[4], r[5]) for r in conn.execute(
        "SELECT id, at, analyst, action, target, detail, prev_hash, hash FROM audit "
        "WHERE id > ? AND id <= ? ORDER BY id", (after, upto))]


def audit_hash(conn: sqlite3.Connection, row_id: int) -> str | None:
    row = conn.execute("SELECT hash FROM audit WHERE id = ?", (row_id,)).fetchone()
    return row[0] if row else None


# ---- what an import reads --------------------------------------------------------------------

def local_posts(conn: sqlite3.Connection, refs: Iterable[PostRef]) -> dict[PostRef, tuple[int, str, str | None]]:
    """(id, text, raw SHA-256) of the posts this store has among ``refs`` (the unique index on
    (source, external_id) answers each)."""
    out = {}
    for ref in set(refs):
        row = conn.execute("SELECT id, text, raw_sha256 FROM posts WHERE source = ? AND external_id = ?",
                           (ref.source, ref.external_id)).fetchone()
        if row:
            out[ref] = (row[0], row[1], row[2])
    return out


def local_authors(conn: sqlite3.Connection, accounts: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    out = {}
    for source, handle in set(accounts):
        row = conn.execute("SELECT id FROM authors WHERE source = ? AND handle = ?", (source, handle)).fetchone()
        if row:
            out[(source, handle)] = row[0]
    return out


def known_rows(conn: sqlite3.Connection, station: str, table: str, remote_ids: Sequence[int]) -> dict[int, int]:
    """remote id -> local id of the rows of ``table`` already brought from ``station``."""
    out: dict[int, int] = {}
    ids = sorted(set(remote_ids))
    for chunk in _chunks(ids):
        out.update(conn.execute(
            f"SELECT remote_id, local_id FROM bundle_rows WHERE station = ? AND tbl = ? AND remote_id IN ({_marks(chunk)})",
            [station, table, *chunk]).fetchall())
    return out


def imported_bundle(conn: sqlite3.Connection, bundle_id: str) -> tuple[float, str] | None:
    """(when, by whom) a bundle was first imported here, or None."""
    row = conn.execute("SELECT imported_at, imported_by FROM bundles WHERE bundle_id = ?", (bundle_id,)).fetchone()
    return (row[0], row[1]) if row else None


def foreign_audit_hash(conn: sqlite3.Connection, station: str, remote_id: int) -> str | None:
    row = conn.execute("SELECT hash FROM bundle_audit WHERE station = ? AND remote_id = ?",
                       (station, remote_id)).fetchone()
    return row[0] if row else None


def latest_dispositions(conn: sqlite3.Connection, post_ids: Iterable[int]) -> dict[int, dict[str, str | None]]:
    """post id -> analyst -> that analyst's latest disposition (by time, then id) on the post."""
    out: dict[int, dict[str, str | None]] = {}
    ids = sorted(set(post_ids))
    for chunk in _chunks(ids):
        for post_id, analyst, disposition in conn.execute(
                f"SELECT post_id, analyst, disposition FROM labels WHERE post_id IN ({_marks(chunk)}) "
                "ORDER BY post_id, at, id", list(chunk)):
            out.setdefault(post_id, {})[analyst] = disposition
    return out


# ---- what an import writes (inside the caller's transaction) ---------------------------------

def _new_id(conn: sqlite3.Connection, sql: str, params: tuple) -> int:
    return int(conn.execute(sql + " RETURNING id", params).fetchone()[0])


def insert_label(conn: sqlite3.Connection, post_id: int, row: LabelRow, undo_of: int | None) -> int:
    return _new_id(conn, "INSERT INTO labels (post_id, disposition, analyst, at, undo_of) VALUES (?,?,?,?,?)",
                   (post_id, row.disposition, row.analyst, row.at, undo_of))


def insert_verdict(conn: sqlite3.Connection, post_id: int, row: VerdictRow, undo_of: int | None) -> int:
    return _new_id(conn, "INSERT INTO verdicts (post_id, indicator, verdict, analyst, at, undo_of) "
                         "VALUES (?,?,?,?,?,?)", (post_id, row.indicator, row.verdict, row.analyst, row.at, undo_of))


def insert_note(conn: sqlite3.Connection, post_id: int, row: NoteRow) -> int:
    return _new_id(conn, "INSERT INTO notes (post_id, body, analyst, at) VALUES (?,?,?,?)",
                   (post_id, row.body, row.analyst, row.at))


def insert_link(conn: sqlite3.Connection, a_id: int, b_id: int, row: LinkRow) -> int:
    low, high = min(a_id, b_id), max(a_id, b_id)  # identity_links keeps a_id < b_id
    return _new_id(conn, "INSERT INTO identity_links (a_id, b_id, linked, analyst, at, note) VALUES (?,?,?,?,?,?)",
                   (low, high, row.linked, row.analyst, row.at, row.note))


def remember_row(conn: sqlite3.Connection, station: str, table: str, remote_id: int, local_id: int,
                 bundle_id: str) -> None:
    conn.execute("INSERT INTO bundle_rows (station, tbl, remote_id, local_id, bundle_id) VALUES (?,?,?,?,?) "
                 "ON CONFLICT (station, tbl, remote_id) DO NOTHING", (station, table, remote_id, local_id, bundle_id))


def refresh_disposition(conn: sqlite3.Connection, post_id: int) -> None:
    """The post's current disposition is its most recent decision by time, whoever made it and
    on whichever station: two stations that exchanged bundles show the same one (a disagreement
    between analysts stays visible in ``labels``)."""
    conn.execute("UPDATE posts SET disposition = (SELECT l.disposition FROM labels l WHERE l.post_id = ? "
                 "ORDER BY l.at DESC, l.id DESC LIMIT 1) WHERE id = ?", (post_id, post_id))


def store_foreign_audit(conn: sqlite3.Connection, station: str, rows: Sequence[AuditRow], bundle_id: str) -> int:
    """Keep another station's audit rows; returns how many were new here (or came whole where
    another analyst's bundle had carried them withheld)."""
    added = 0
    for r in rows:
        cur = conn.execute(
            "INSERT INTO bundle_audit (station, remote_id, at, analyst, action, target, detail, prev_hash, hash, "
            "withheld, bundle_id) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (station, remote_id) DO UPDATE SET "
            "at = excluded.at, analyst = excluded.analyst, action = excluded.action, target = excluded.target, "
            "detail = excluded.detail, withheld = 0, bundle_id = excluded.bundle_id "
            "WHERE bundle_audit.withheld = 1 AND excluded.withheld = 0",
            (station, r.id, r.at, r.analyst, r.action, r.target, r.detail, r.prev_hash, r.hash, int(r.withheld),
             bundle_id))
        added += max(cur.rowcount, 0)
    return added


def record_bundle(conn: sqlite3.Connection, bundle_id: str, station: str, analyst: str, created_at: float,
                  manifest_sha256: str, imported_at: float, imported_by: str, rows_added: int) -> None:
    """The first import of a bundle is what is kept; a later one leaves the row as it is."""
    conn.execute(
        "INSERT INTO bundles (bundle_id, station, analyst, created_at, manifest_sha256, imported_at, imported_by, "
        "rows_added) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (bundle_id) DO NOTHING",
        (bundle_id, station, analyst, created_at, manifest_sha256, imported_at, imported_by, rows_added))
