"""Each analyst's current decision on a post, and where analysts disagree.

Labels and verdicts are append-only rows that carry their analyst. An analyst's *current*
disposition on a post is their latest label row there that has not been undone (in the order
the store appended them); a label that clears (no disposition) leaves them without one. The
same holds for verdicts per (post, indicator). A post where two analysts' current dispositions
differ, or where two analysts' current verdicts on one indicator differ, is a *disagreement*:
``posts.disposition`` still holds the latest label for the queue, and these queries keep the
others in view (the queue's ≠ marker, the post view, the review queue, `triage agreement`).

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

_CHUNK = 500


@dataclass(frozen=True)
class _Row:
    id: int
    analyst: str
    value: str | int | None
    at: float
    undo_of: int | None


def _standing(rows: Sequence[_Row]) -> dict[str, Decision]:
    """The analysts' current decisions from one key's rows (a post, or a post and indicator),
    oldest first: undo rows take their target out; each analyst's newest standing row counts."""
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
    latest: dict[str, _Row] = {}
    for row in standing:
        latest[row.analyst] = row
    return {a: Decision(a, r.value, r.at) for a, r in latest.items() if r.value is not None}


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for at in range(0, len(ids), _CHUNK):
        yield ids[at:at + _CHUNK]


def _multi_analyst(conn: sqlite3.Connection, post_ids: Sequence[int] | None) -> tuple[list[int], list[int]]:
    """(posts labeled by two analysts or more, posts with one indicator judged by two or more):
    only these can disagree, so only their rows are replayed."""
    if post_ids is None:
        labels = [r[0] for r in conn.execute(
            "SELECT post_id FROM labels GROUP BY post_id HAVING COUNT(DISTINCT analyst) > 1 ORDER BY post_id")]
        verdicts = [r[0] for r in conn.execute(
            "SELECT DISTINCT post_id FROM (SELECT post_id, indicator FROM verdicts GROUP BY post_id, indicator "
            "HAVING COUNT(DISTINCT analyst) > 1) AS judged ORDER BY post_id")]
        return labels, verdicts
    labels, verdicts = [], []
    for chunk in _chunks(list(post_ids)):
        marks = ",".join("?" * len(chunk))
        labels += [r[0] for r in conn.execute(
            f"SELECT post_id FROM labels WHERE post_id IN ({marks}) GROUP BY post_id "
            "HAVING COUNT(DISTINCT analyst) > 1", chunk)]
        verdicts += [r[0] for r in conn.execute(
            f"SELECT DISTINCT post_id FROM (SELECT post_id, indicator FROM verdicts WHERE post_id IN ({marks}) "
            "GROUP BY post_id, indicator HAVING COUNT(DISTINCT analyst) > 1) AS judged", chunk)]
    return labels, verdicts


def current_dispositions_by_analyst(conn: sqlite3.Connection, post_ids: Sequence[int]) -> dict[int, dict[str, Decision]]:
    """Each analyst's current disposition on each of these posts (posts no one labels are left out)."""
    rows: dict[int, list[_Row]] = {}
    for chunk in _chunks(list(post_ids)):
        for id_, post_id, analyst, disposition, at, undo_of in conn.execute(
                "SELECT id, post_id, analyst, disposition, at, undo_of FROM labels "
                f"WHERE post_id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk):
            rows.setdefault(post_id, []).append(_Row(id_, analyst or "", disposition, at, undo_of))
    out = {post_id: _standing(r) for post_id, r in rows.items()}
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
        standing = _standing(key_rows)
        if standing:
            out.setdefault(post_id, {})[indicator] = standing
    return out


def post_decisions(conn: sqlite3.Connection, post_ids: Sequence[int]) -> dict[int, PostDecisions]:
    """Every analyst's current disposition and verdicts on these posts."""
    out = {pid: PostDecisions(pid, dispositions=d) for pid, d in current_dispositions_by_analyst(conn, post_ids).items()}
    for pid, verdicts in current_verdicts_by_analyst(conn, post_ids).items():
        out.setdefault(pid, PostDecisions(pid)).verdicts = verdicts
    return out


def multi_analyst_decisions(conn: sqlite3.Connection, post_ids: Sequence[int] | None = None) -> list[PostDecisions]:
    """The decisions on every post (or these posts) that two analysts or more have labeled or
    judged, by post id; a post where only one analyst's decision still stands is left out."""
    labels, verdicts = _multi_analyst(conn, post_ids)
    ids = sorted(set(labels) | set(verdicts))
    decided = post_decisions(conn, ids)
    return [decided[pid] for pid in ids if pid in decided and len(decided[pid].analysts) > 1]


def disagreements(conn: sqlite3.Connection, post_ids: Sequence[int] | None = None) -> list[PostDecisions]:
    """The posts (of the store, or of these) where analysts' current decisions differ, by post id."""
    return [d for d in multi_analyst_decisions(conn, post_ids) if d.disagrees]


def disagreeing_posts(conn: sqlite3.Connection, post_ids: Sequence[int]) -> set[int]:
    """Which of these posts are disagreements (a page of the queue asks this for its ≠ marks)."""
    return {d.post_id for d in disagreements(conn, post_ids)}


def review_order(conn: sqlite3.Connection) -> list[int]:
    """The review queue: disagreements first, then the posts the analysts agree on; each part
    highest risk first."""
    decided = multi_analyst_decisions(conn)
    if not decided:
        return []
    scores: dict[int, float] = {}
    ids = [d.post_id for d in decided]
    for chunk in _chunks(ids):
        scores.update(conn.execute(
            f"SELECT id, COALESCE(score, 0) FROM posts WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall())
    return [d.post_id for d in sorted(decided, key=lambda d: (not d.disagrees, -scores.get(d.post_id, 0.0), d.post_id))]


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
