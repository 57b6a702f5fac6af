"""Stored author concern as the CLI, the alert command and ``triage author --json`` hand it
out: one plain record per author, and an 80-column text table."""

from __future__ import annotations

import sqlite3
from typing import Sequence

from ..sanitize import clip, sanitize
from ..store import concern_queries as cq
from ..timeparse import iso_utc
from .warnings import load_rules

TREND_MARK = {"up": "↑", "down": "↓", "flat": "→", "quiet": "·"}


def behaviour_letters(behaviours: Sequence) -> str:
    """Fixed-position letters (``PF·····D``) in the rules' order, '·' when absent."""
    found = {b[0] for b in behaviours}
    return "".join(r.letter if r.name in found else "·" for r in load_rules())


def record(row: cq.ConcernRow) -> dict:
    """The documented fields first (author, source, concern, warning_behaviours, evidence,
    changed), then what else the screen shows."""
    evidence: list[int] = []
    for _, ids in row.behaviours:
        evidence += [i for i in ids if i not in evidence]
    evidence += [i for i in row.components.get("proximity_posts", []) if i not in evidence]
    return {
        "author": row.handle, "source": row.source, "concern": row.concern,
        "warning_behaviours": [name for name, _ in row.behaviours],
        "evidence": evidence,
        "changed": iso_utc(int(row.changed_at)) if row.changed_at is not None else None,
        "author_id": row.author_id, "flagged": row.flagged,
        "latest": iso_utc(row.latest_at) if row.latest_at is not None else None,
        "trend": row.trend,
        "behaviour_evidence": {name: ids for name, ids in row.behaviours},
        "components": row.components,
    }


def concern_records(conn: sqlite3.Connection, author_ids: Sequence[int]) -> list[dict]:
    rows = cq.for_authors(conn, author_ids)
    return [record(rows[a]) for a in author_ids if a in rows]


def ranked_records(conn: sqlite3.Connection, limit: int | None = None) -> list[dict]:
    return [record(r) for r in cq.ranked(conn, limit)]


def concern_text(records: Sequence[dict]) -> str:
    if not records:
        return "no author has any concern yet (run `triage analyze` after an import)"
    lines = [f"{'concern':>7}  {'behaviours':<10} {'flagged':>7}  {'latest':<16} trend  author"]
    for r in records:
        letters = behaviour_letters([[n] for n in r["warning_behaviours"]])
        latest = (r["latest"] or "—")[:16].replace("T", " ")
        lines.append(f"{r['concern']:7.2f}  {letters:<10} {r['flagged']:>7}  {latest:<16} {TREND_MARK[r['trend']]:^5}  "
                     + sanitize(f"{r['source']}:@") + clip(r["author"], 30))
    legend = ", ".join(f"{rule.letter} {rule.title}" for rule in load_rules())
    lines.append(f"\nbehaviours: {legend}")
    return "\n".join(lines)
