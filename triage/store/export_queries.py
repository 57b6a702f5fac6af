"""Read-side queries for exports (``triage.export``): selection, the posts with their labels,
history, notes, author summaries and the audit rows that concern them.

Lists of ids and names travel as one JSON parameter read by ``json_each``: no limit on how
many posts an analyst marks, and no SQL built from values.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence, cast

from .authors import AUTHOR_COLS
from .rows import AuditRow, AuthorSummary, ExportPost, HitRow, LabelRow, NoteRow, VerdictRow  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    # One row of AUTHOR_COLS: AuthorRow's fields, in order.
    _AuthorCols = tuple[int, str, str, str | None, int, int | None, int | None, str | None]

# Posts per query when loading details (memory per round trip, not a SQLite limit).
BATCH = 500

# The latest verdict per (post, indicator) is the current one; NULL means "cleared".
_CURRENT_VERDICT = (
    "v.id = (SELECT MAX(v2.id) FROM verdicts v2 WHERE v2.post_id = v.post_id AND v2.indicator = v.indicator)"
)
_HAS_VERDICT = f"EXISTS (SELECT 1 FROM verdicts v WHERE v.post_id = p.id AND v.verdict IS NOT NULL AND {_CURRENT_VERDICT})"
_LABELED = f"(p.disposition IS NOT NULL OR {_HAS_VERDICT})"

LABEL_STATES = ("labeled", "unlabeled", "any")


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _json(values: Iterable) -> str:
    return json.dumps(list(values))


def select_post_ids(
    conn: sqlite3.Connection,
    *,
    label_state: str = "any",
    dispositions: Sequence[str] = (),
    indicators: Sequence[str] = (),
    sources: Sequence[str] = (),
    authors: Sequence[str] = (),
    since: int | None = None,
    until: int | None = None,
    min_score: float | None = None,
    post_ids: Sequence[int] | None = None,
) -> list[int]:
    """Ids of the posts that pass every given condition, in id order.

    ``label_state`` "labeled" is a current disposition or at least one current verdict;
    ``indicators`` match a detector hit or an analyst's confirmation; ``authors`` are handles
    (any case, any source); ``since`` is inclusive and ``until`` exclusive (UTC epoch).
    """
    if label_state not in LABEL_STATES:
        raise ValueError(f"label_state must be one of {', '.join(LABEL_STATES)}")
    where: list[str] = []
    params: list = []
    if label_state == "labeled":
        where.append(_LABELED)
    elif label_state == "unlabeled":
        where.append(f"NOT {_LABELED}")
    if dispositions:
        where.append("p.disposition IN (SELECT value FROM json_each(?))")
        params.append(_json(dispositions))
    if indicators:
        where.append(
            "(EXISTS (SELECT 1 FROM hits h WHERE h.post_id = p.id AND h.indicator IN (SELECT value FROM json_each(?)))"
            f" OR EXISTS (SELECT 1 FROM verdicts v WHERE v.post_id = p.id AND v.verdict = 1 AND {_CURRENT_VERDICT}"
            " AND v.indicator IN (SELECT value FROM json_each(?))))")
        params += [_json(indicators), _json(indicators)]
    if sources:
        where.append("p.source IN (SELECT value FROM json_each(?))")
        params.append(_json(sources))
    if authors:
        # Lowered here, ASCII only as SQLite's lower() does, so the list is compared as given
        # (``x IN (SELECT value FROM json_each(?))`` is the form both engines read alike).
        where.append("p.author_id IN (SELECT id FROM authors WHERE lower(handle) IN "
                     "(SELECT value FROM json_each(?)))")
        params.append(_json(a.lstrip("@").translate(_ASCII_LOWER) for a in authors))
    if since is not None:
        where.append("p.created_at >= ?")
        params.append(int(since))
    if until is not None:
        where.append("p.created_at < ?")
        params.append(int(until))
    if min_score is not None:
        where.append("p.score >= ?")
        params.append(float(min_score))
    if post_ids is not None:
        where.append("p.id IN (SELECT value FROM json_each(?))")
        params.append(_json(int(i) for i in post_ids))
    sql = "SELECT p.id FROM posts p" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY p.id"
    return [row[0] for row in conn.execute(sql, params)]


def _batches(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), BATCH):
        yield list(ids[i:i + BATCH])


def _loads_list(value: str | None) -> list[str]:
    if not value:
        return []
    try:
        data = json.loads(value)
    except ValueError:
        return []
    return [str(x) for x in data] if isinstance(data, list) else []


def load_posts(conn: sqlite3.Connection, ids: Sequence[int]) -> list[ExportPost]:
    """The posts with these ids (in the order given), with current labels, verdicts and hits."""
    by_id: dict[int, ExportPost] = {}
    for chunk in _batches(ids):
        param = _json(chunk)
        for row in conn.execute(
            "SELECT p.id, p.source, p.external_id, p.text, p.created_at, p.url, p.author_id, a.handle, "
            "a.external_id, a.display_name, p.mentions, p.reply_to_author, p.score, p.flagged, p.indicators, "
            "p.detector_version, p.disposition FROM posts p LEFT JOIN authors a ON a.id = p.author_id "
            "WHERE p.id IN (SELECT value FROM json_each(?))", (param,)
        ):
            by_id[row[0]] = ExportPost(
                id=row[0], source=row[1], external_id=row[2], text=row[3], created_at=row[4], url=row[5],
                author_id=row[6], author_handle=row[7], author_external_id=row[8], author_name=row[9],
                mentions=_loads_list(row[10]), reply_to_author=row[11], score=row[12], flagged=bool(row[13]),
                indicators=[i for i in (row[14] or "").split(",") if i], detector_version=row[15],
                disposition=row[16], label_analyst=None, label_at=None,
            )
        for post_id, analyst, at in conn.execute(
            "SELECT l.post_id, l.analyst, l.at FROM labels l JOIN (SELECT post_id, MAX(id) AS id FROM labels "
            "WHERE post_id IN (SELECT value FROM json_each(?)) GROUP BY post_id) m ON l.id = m.id", (param,)
        ):
            by_id[post_id].label_analyst, by_id[post_id].label_at = analyst, at
        latest_verdict: dict[int, int] = {}
        for vid, post_id, indicator, verdict, analyst in conn.execute(
            "SELECT v.id, v.post_id, v.indicator, v.verdict, v.analyst FROM verdicts v JOIN "
            "(SELECT MAX(id) AS id FROM verdicts WHERE post_id IN (SELECT value FROM json_each(?)) "
            "GROUP BY post_id, indicator) m ON v.id = m.id ORDER BY v.id", (param,)
        ):
            post = by_id[post_id]
            post.verdicts[indicator] = verdict
            if verdict is not None and vid > latest_verdict.get(post_id, 0):
                latest_verdict[post_id] = vid
                post.verdict_analyst = analyst
        for row in conn.execute(
            'SELECT post_id, indicator, score, start, "end", text, rule, origin, detector_version FROM hits '
            'WHERE post_id IN (SELECT value FROM json_each(?)) ORDER BY post_id, start, "end", id', (param,)
        ):
            by_id[row[0]].hits.append(HitRow(*row[1:]))
        for post_id, n in conn.execute(
            "SELECT post_id, COUNT(*) FROM notes WHERE post_id IN (SELECT value FROM json_each(?)) GROUP BY post_id",
            (param,),
        ):
            by_id[post_id].notes_count = n
    return [by_id[i] for i in ids if i in by_id]


def _history(conn: sqlite3.Connection, ids: Sequence[int], columns: str, table: str, cls):
    out = []
    for chunk in _batches(ids):
        out += [cls(*row) for row in conn.execute(
            f"SELECT {columns} FROM {table} WHERE post_id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (_json(chunk),))]
    return sorted(out, key=lambda r: r.id)


def label_history(conn: sqlite3.Connection, ids: Sequence[int]) -> list[LabelRow]:
    return _history(conn, ids, "post_id, id, disposition, analyst, at, undo_of", "labels", LabelRow)


def verdict_history(conn: sqlite3.Connection, ids: Sequence[int]) -> list[VerdictRow]:
    return _history(conn, ids, "post_id, id, indicator, verdict, analyst, at, undo_of", "verdicts", VerdictRow)


def notes(conn: sqlite3.Connection, ids: Sequence[int]) -> list[NoteRow]:
    return _history(conn, ids, "post_id, id, body, analyst, at", "notes", NoteRow)


def author_summaries(conn: sqlite3.Connection, author_ids: Sequence[int]) -> list[AuthorSummary]:
    """Store-wide profile of each author: counts, first/last seen, indicators per post."""
    out: list[AuthorSummary] = []
    for chunk in _batches(author_ids):
        param = _json(chunk)
        rows = conn.execute(
            f"SELECT {AUTHOR_COLS} FROM authors "
            "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", (param,)).fetchall()
        tagged: dict[int, dict[str, int]] = {}
        for author_id, indicator, n in conn.execute(
            "SELECT p.author_id, h.indicator, COUNT(DISTINCT h.post_id) FROM hits h JOIN posts p ON p.id = h.post_id "
            "WHERE p.author_id IN (SELECT value FROM json_each(?)) GROUP BY p.author_id, h.indicator", (param,)
        ):
            tagged.setdefault(author_id, {})[indicator] = n
        confirmed: dict[int, dict[str, int]] = {}
        for author_id, indicator, n in conn.execute(
            "SELECT p.author_id, v.indicator, COUNT(DISTINCT v.post_id) FROM verdicts v JOIN posts p ON p.id = v.post_id "
            f"WHERE p.author_id IN (SELECT value FROM json_each(?)) AND v.verdict = 1 AND {_CURRENT_VERDICT} "
            "GROUP BY p.author_id, v.indicator", (param,)
        ):
            confirmed.setdefault(author_id, {})[indicator] = n
        out += [AuthorSummary(*cast("_AuthorCols", row), indicator_posts=tagged.get(row[0], {}),
                              confirmed=confirmed.get(row[0], {}))
                for row in rows]
    return out


# Audit actions that concern posts; their target is a post id or a comma-separated list of them.
POST_ACTIONS = ("label", "undo-label", "review-label", "verdict", "undo-verdict", "note")


def audit_for_posts(conn: sqlite3.Connection, ids: Sequence[int]) -> list[AuditRow]:
    """Audit rows about any of these posts, oldest first.

    The target of a label row lists every post of a bulk action, so rows are matched in
    Python after SQL narrowed them to post actions; targets of other actions are paths.
    """
    wanted = {str(i) for i in ids}
    out = []
    for row in conn.execute(
        "SELECT id, at, analyst, action, target, detail FROM audit "
        "WHERE action IN (SELECT value FROM json_each(?)) ORDER BY id", (_json(POST_ACTIONS),)
    ):
        if wanted.intersection((row[4] or "").split(",")):
            out.append(AuditRow(*row))
    return out


def export_audit_row(conn: sqlite3.Connection, manifest_sha256: str) -> AuditRow | None:
    """The audit row of the export whose manifest has this SHA-256 (details are canonical JSON)."""
    row = conn.execute(
        "SELECT id, at, analyst, action, target, detail FROM audit WHERE action = 'export' AND detail LIKE ? "
        "ORDER BY id LIMIT 1", (f'%"manifest_sha256":"{manifest_sha256}"%',)).fetchone()
    return AuditRow(*row) if row else None
