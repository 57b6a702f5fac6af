"""Labels brought back from outside (``triage labels import``): finding the posts they belong to,
and writing them with their own analyst and time, each with an audit row naming who imported
them and from where. A value the post already has is not written again, so importing the same
file twice changes nothing."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from . import audit
from .agreement_queries import current_dispositions_by_analyst, current_verdicts_by_analyst


@dataclass
class PostLabels:
    post_id: int
    disposition: str | None
    verdicts: dict[str, int] = field(default_factory=dict)
    notes: list[tuple[str, str | None, float | None]] = field(default_factory=list)  # body, analyst, at
    analyst: str | None = None  # None: the importing analyst
    at: float | None = None  # None: now


@dataclass
class Applied:
    dispositions: int = 0
    verdicts: int = 0
    notes: int = 0
    unchanged: int = 0  # values the post already had


def post_ids_by_ref(conn: sqlite3.Connection, refs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    out = {}
    for source, external_id in set(refs):
        row = conn.execute("SELECT id FROM posts WHERE source = ? AND external_id = ?",
                           (source, external_id)).fetchone()
        if row:
            out[(source, external_id)] = row[0]
    return out


def post_ids_by_text_sha256(conn: sqlite3.Connection, wanted: set[str]) -> dict[str, list[int]]:
    """One pass over the stored texts (no index holds their hashes)."""
    out: dict[str, list[int]] = {}
    if not wanted:
        return out
    for post_id, text in conn.execute("SELECT id, text FROM posts ORDER BY id"):
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest in wanted:
            out.setdefault(digest, []).append(post_id)
    return out


def _own_verdicts(conn, post_id: int, analyst: str) -> dict[str, int | None]:
    """This analyst's current verdict per indicator on the post."""
    by_indicator = current_verdicts_by_analyst(conn, [post_id]).get(post_id, {})
    return {ind: int(d[analyst].value) for ind, d in by_indicator.items() if analyst in d}


def apply(conn: sqlite3.Connection, items: Sequence[PostLabels], actor: str, origin: str) -> Applied:
    """Write ``items`` (call inside one write transaction)."""
    done = Applied()
    now = time.time()
    for item in items:
        analyst, at = item.analyst or actor, item.at if item.at is not None else now
        provenance = {"imported_by": actor, "from": origin, "at": at}
        if item.disposition is not None:
            # Unchanged means unchanged for this analyst: another analyst's same decision is a
            # second rating (it counts in `triage agreement`), not a duplicate.
            own = current_dispositions_by_analyst(conn, [item.post_id]).get(item.post_id, {}).get(analyst)
            if own is not None and own.value == item.disposition:
                done.unchanged += 1
            else:
                cur = conn.execute("INSERT INTO labels (post_id, disposition, analyst, at, undo_of) "
                                   "VALUES (?,?,?,?,NULL)", (item.post_id, item.disposition, analyst, at))
                conn.execute("UPDATE posts SET disposition = ? WHERE id = ?", (item.disposition, item.post_id))
                audit.append(conn, analyst, "label", str(item.post_id),
                             {"disposition": item.disposition, "label_ids": [cur.lastrowid], "undo_of": None,
                              **provenance})
                done.dispositions += 1
        current_verdicts = _own_verdicts(conn, item.post_id, analyst)
        for indicator, verdict in item.verdicts.items():
            if current_verdicts.get(indicator) == verdict:
                done.unchanged += 1
                continue
            cur = conn.execute("INSERT INTO verdicts (post_id, indicator, verdict, analyst, at, undo_of) "
                               "VALUES (?,?,?,?,?,NULL)", (item.post_id, indicator, verdict, analyst, at))
            audit.append(conn, analyst, "verdict", str(item.post_id),
                         {"indicator": indicator, "verdict": verdict, "verdict_id": cur.lastrowid, **provenance})
            done.verdicts += 1
        for body, note_analyst, note_at in item.notes:
            if conn.execute("SELECT 1 FROM notes WHERE post_id = ? AND body = ?", (item.post_id, body)).fetchone():
                done.unchanged += 1
                continue
            who, when = note_analyst or analyst, note_at if note_at is not None else at
            cur = conn.execute("INSERT INTO notes (post_id, body, analyst, at) VALUES (?,?,?,?)",
                               (item.post_id, body, who, when))
            audit.append(conn, who, "note", str(item.post_id),
                         {"note_id": cur.lastrowid, "sha256": hashlib.sha256(body.encode()).hexdigest(),
                          **provenance, "at": when})
            done.notes += 1
    return done
