"""Each analyst's current decision on a post, where analysts disagree, and settling it.

Labels and verdicts are append-only rows that carry their analyst. An analyst's *current*
disposition on a post is their latest label row there that has not been undone (in the order
the store appended them); a label that clears (no disposition) leaves them without one. The
same holds for verdicts per (post, indicator). A post where two analysts' current dispositions
differ, or where two analysts' current verdicts on one indicator differ, is a *disagreement*:
``posts.disposition`` still holds the latest label for the queue, and these queries keep the
others in view (the queue's ≠ marker, the post view, the review queue, `triage agreement`).

A reviewer *settles* a disagreement by labeling the post from the review queue (``Store.settle``): an
ordinary label row, plus a row in ``resolutions`` that marks it as a review label. A review
label is an adjudication, not a rating: it is left out of the analysts' decisions (and of
`triage agreement`), and the disagreement stays settled until an analyst decides anew (a label
or verdict newer than the review label opens it again).

An undo row names the label it undoes (``undo_of``); a bulk undo names the first label of its
batch, so on each post it undoes that post's newest standing label from that id on.

Labels from elsewhere (``triage labels import``, bundles) keep their analyst's name and become
disagreements through the same rule: this module is the one definition.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Iterable, Sequence

from .rows import Decision, PostDecisions
from .schema import schema_version

RESOLUTIONS_VERSION = 5  # the schema step (migrations/v5_analysts) that made the table
_CHUNK = 500


@dataclass(frozen=True)
class _Row:
    id: int
    analyst: str
    value: str | int | None
    at: float
    undo_of: int | None


def _standing_rows(rows: Sequence[_Row]) -> list[_Row]:
    """The rows of one key (a post, or a post and indicator), oldest first, that no undo took back."""
    standing: list[_Row] = []
    for row in rows:
        if row.undo_of is None:
            standing.append(row)
            continue
        target = next((r for r in standing if r.id == row.undo_of), None)
        if target is None:
            target = next((r for r in reversed(standing) if row.undo_of <= r.id < row.id), None)
        if target is not None:
            standing.remove(target)
    return standing


def _current(rows: Sequence[_Row]) -> dict[str, Decision]:
    """Each analyst's newest standing decision (none when it clears)."""
    latest: dict[str, _Row] = {}
    for row in _standing_rows(rows):
        latest[row.analyst] = row
    return {a: Decision(a, r.value, r.at, r.id) for a, r in latest.items() if r.value is not None}


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for at in range(0, len(ids), _CHUNK):
        yield ids[at:at + _CHUNK]


def _review_label_ids(conn: sqlite3.Connection, post_ids: Sequence[int]) -> set[int]:
    if schema_version(conn) < RESOLUTIONS_VERSION:  # a read-only store from before review labels
        return set()
    out: set[int] = set()
    for chunk in _chunks(post_ids):
        out.update(r[0] for r in conn.execute(
            f"SELECT label_id FROM resolutions WHERE post_id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def _label_rows(conn: sqlite3.Connection, post_ids: Sequence[int]) -> tuple[dict[int, list[_Row]], dict[int, list[_Row]]]:
    """(analysts' label rows, review label rows) by post, oldest first. An undo of a review label
    goes with the review labels."""
    review_ids = _review_label_ids(conn, post_ids)
    rated: dict[int, list[_Row]] = {}
    review: dict[int, list[_Row]] = {}
    for chunk in _chunks(post_ids):
        for id_, post_id, analyst, disposition, at, undo_of in conn.execute(
                "SELECT id, post_id, analyst, disposition, at, undo_of FROM labels "
                f"WHERE post_id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk):
            row = _Row(id_, analyst or "", disposition, at, undo_of)
            is_review = id_ in review_ids or (undo_of is not None and undo_of in review_ids)
            (review if is_review else rated).setdefault(post_id, []).append(row)
    return rated, review


def current_dispositions_by_analyst(conn: sqlite3.Connection, post_ids: Sequence[int]) -> dict[int, dict[str, Decision]]:
    """Each analyst's current disposition on each of these posts (posts no one labels are left
    out; review labels are not an analyst's disposition)."""
    rated, _review = _label_rows(conn, list(post_ids))
    out = {post_id: _current(rows) for post_id, rows in rated.items()}
    return {post_id: d for post_id, d in out.items() if d}


def current_verdicts_by_analyst(conn: sqlite3.Connection,
                                post_ids: Sequence[int]) -> dict[int, dict[str, dict[str, Decision]]]:
    """Each analyst's current verdict per indicator on each of these posts."""
    rows: dict[tuple[int, str], list[_Row]] = {}
    for chunk in _chunks(list(post_ids)):
        for id_, post_id, indicator, analyst, verdict, at, undo_of in conn.execute(
                "SELECT id, post_id, indicator, analyst, verdict, at, undo_of FROM verdicts "
                f"WHERE post_id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk):
            rows.setdefault((post_id, indicator), []).append(_Row(id_, analyst or "", verdict, at, undo_of))
    out: dict[int, dict[str, dict[str, Decision]]] = {}
    for (post_id, indicator), key_rows in rows.items():
        current = _current(key_rows)
        if current:
            out.setdefault(post_id, {})[indicator] = current
    return out


def _settled(decided: PostDecisions, review_rows: Sequence[_Row]) -> Decision | None:
    """The newest standing review label, when no analyst has decided since (labels by append
    order; verdicts, a table of their own, by time)."""
    standing = [r for r in _standing_rows(review_rows) if r.value is not None]
    if not standing:
        return None
    last = standing[-1]
    if any(d.row_id > last.id for d in decided.dispositions.values()):
        return None
    if any(d.at > last.at for by in decided.verdicts.values() for d in by.values()):
        return None
    return Decision(last.analyst, str(last.value), last.at, last.id)


def post_decisions(conn: sqlite3.Connection, post_ids: Sequence[int]) -> dict[int, PostDecisions]:
    """Every analyst's current disposition and verdicts on these posts, and the review label
    that settled them, if one did."""
    ids = list(post_ids)
    rated, review = _label_rows(conn, ids)
    out: dict[int, PostDecisions] = {}
    for post_id, rows in rated.items():
        current = _current(rows)
        if current:
            out[post_id] = PostDecisions(post_id, dispositions=current)
    for post_id, verdicts in current_verdicts_by_analyst(conn, ids).items():
        out.setdefault(post_id, PostDecisions(post_id)).verdicts = verdicts
    for post_id, rows in review.items():
        if post_id in out:
            out[post_id].settled = _settled(out[post_id], rows)
    return out


def _multi_analyst(conn: sqlite3.Connection, post_ids: Sequence[int] | None) -> list[int]:
    """Posts labeled by two analysts or more, or with one indicator judged by two or more: only
    these can disagree, so only their rows are read."""
    label_sql = "SELECT post_id FROM labels{where} GROUP BY post_id HAVING COUNT(DISTINCT analyst) > 1"
    verdict_sql = ("SELECT DISTINCT post_id FROM (SELECT post_id, indicator FROM verdicts{where} "
                   "GROUP BY post_id, indicator HAVING COUNT(DISTINCT analyst) > 1) AS judged")
    found: set[int] = set()
    if post_ids is None:
        for sql in (label_sql, verdict_sql):
            found.update(r[0] for r in conn.execute(sql.format(where="")))
        return sorted(found)
    for chunk in _chunks(list(post_ids)):
        where = f" WHERE post_id IN ({','.join('?' * len(chunk))})"
        for sql in (label_sql, verdict_sql):
            found.update(r[0] for r in conn.execute(sql.format(where=where), chunk))
    return sorted(found)


def multi_analyst_decisions(conn: sqlite3.Connection, post_ids: Sequence[int] | None = None) -> list[PostDecisions]:
    """The decisions on every post (or these posts) that two analysts or more have labeled or
    judged, by post id; a post where only one analyst's decision still stands is left out."""
    ids = _multi_analyst(conn, post_ids)
    decided = post_decisions(conn, ids)
    return [decided[pid] for pid in ids if pid in decided and len(decided[pid].analysts) > 1]


def disagreements(conn: sqlite3.Connection, post_ids: Sequence[int] | None = None) -> list[PostDecisions]:
    """The open disagreements (no review label has settled them) of the store, or of these
    posts, by post id: what needs a reviewer."""
    return [d for d in multi_analyst_decisions(conn, post_ids) if d.open]


def disagreeing_posts(conn: sqlite3.Connection, post_ids: Sequence[int]) -> set[int]:
    """Which of these posts are open disagreements (a page of the queue asks this for its ≠ marks)."""
    return {d.post_id for d in disagreements(conn, post_ids)}


def review_order(conn: sqlite3.Connection) -> list[int]:
    """The review queue: open disagreements first, then the posts the analysts agree on or a
    reviewer settled; each part highest risk first."""
    decided = multi_analyst_decisions(conn)
    if not decided:
        return []
    scores: dict[int, float] = {}
    for chunk in _chunks([d.post_id for d in decided]):
        scores.update(conn.execute(
            f"SELECT id, COALESCE(score, 0) FROM posts WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall())
    return [d.post_id for d in sorted(decided, key=lambda d: (not d.open, -scores.get(d.post_id, 0.0), d.post_id))]


def mark_review(conn: sqlite3.Connection, label_ids: Sequence[int]) -> None:
    """Mark these label rows as review labels (``Store.settle``, inside its write transaction)."""
    conn.executemany("INSERT INTO resolutions (label_id, post_id, analyst, at) "
                     "SELECT id, post_id, analyst, at FROM labels WHERE id = ?", [(i,) for i in label_ids])


@dataclass
class RatedPosts:
    """The ratings `triage agreement` measures: the current decisions on posts with two
    analysts or more, as plain mappings for ``triage.agreement``."""

    dispositions: dict[int, dict[str, str]]  # post -> analyst -> disposition (posts with ≥ 2)
    verdicts: dict[str, dict[int, dict[str, int]]]  # indicator -> post -> analyst -> 1/0 (≥ 2 each)


def rated_posts(conn: sqlite3.Connection) -> RatedPosts:
    out = RatedPosts({}, {})
    for decided in multi_analyst_decisions(conn):
        if len(decided.dispositions) >= 2:
            out.dispositions[decided.post_id] = {a: str(d.value) for a, d in decided.dispositions.items()}
        for indicator, by in decided.verdicts.items():
            if len(by) >= 2:
                out.verdicts.setdefault(indicator, {})[decided.post_id] = {a: int(d.value) for a, d in by.items()}
    return out
