"""Cross-source identity: accounts on different sources that may be one person, and the
analyst's decision about them.

Suggestions come from the handle and the display name. A handle is normalised (case folded,
a leading ``@`` and a Mastodon ``@instance`` dropped, everything but letters and digits dropped)
and compared by edit distance: at most 1 for handles of up to 5 characters, 2 for longer ones.
Same normalised display name (4+ characters) counts too. To find near handles without comparing
against every author, each account's normalised handle and its one-deletion variants are indexed
(``author_keys``); two handles within one edit always share a variant, and so do two edits of
the kinds typing makes most (a swap of neighbours; a letter dropped in one place and added in
another). A substitution plus a second edit is missed; the exact distance checks the rest.

The analyst decides with ``link_identities`` / ``unlink_identities``: rows appended to
``identity_links`` (the latest per pair is current) and to the audit log. Unlinking a pair that
was never linked records "not the same person", and the pair is no longer suggested. A linked
profile merges the accounts' posts (``profile.author_profile``).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..store import analytics_queries as aq
from ..store import audit
from .authors import AuthorRef, authors_by_id

HANDLE = "handle"
NAME = "name"
MIN_NAME_CHARS = 4
_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise_handle(handle: str) -> str:
    h = handle.casefold().lstrip("@")
    if "@" in h:  # alice@example.social: the account name is the part before the instance
        h = h.split("@", 1)[0]
    return _NOT_ALNUM.sub("", h)


def normalise_name(name: str | None) -> str:
    n = _NOT_ALNUM.sub("", (name or "").casefold())
    return n if len(n) >= MIN_NAME_CHARS else ""


def deletion_variants(s: str) -> set[str]:
    return {s[:i] + s[i + 1:] for i in range(len(s))} if len(s) > 2 else set()


def key_rows(author: aq.AuthorRow) -> list[tuple[str, str, int]]:
    norm = normalise_handle(author.handle)
    rows = [(HANDLE, k, author.id) for k in ({norm} | deletion_variants(norm)) if k]
    name = normalise_name(author.display_name)
    if name:
        rows.append((NAME, name, author.id))
    return rows


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (a swap of neighbours is one edit), cut off at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def allowed_distance(a: str, b: str) -> int:
    return 1 if min(len(a), len(b)) <= 5 else 2


# ---- the key index -----------------------------------------------------------------------------

def refresh_author_keys(store, batch: int = 50_000) -> int:
    """Index handle/name keys of authors added since the last refresh. Returns authors indexed."""
    if not aq.ensure_schema(store):
        return 0
    done = 0
    while True:
        rows = aq.authors_after(store.conn, aq.meta_int(store.conn, aq.AUTHOR_KEYS_MARK), batch)
        if not rows:
            return done
        with store.transaction() as conn:
            aq.add_author_keys(conn, (k for r in rows for k in key_rows(r)), rows[-1].id)
        done += len(rows)


def _candidate_ids(conn: sqlite3.Connection, author: AuthorRef) -> set[int]:
    norm = normalise_handle(author.handle)
    handle_keys = sorted({norm} | deletion_variants(norm))
    name = normalise_name(author.display_name)
    indexed = aq.tables_present(conn)
    ids: set[int] = set()
    if indexed:
        ids |= aq.authors_with_keys(conn, HANDLE, handle_keys)
        ids |= aq.authors_with_keys(conn, NAME, [name] if name else [])
    # Authors past the index watermark (or all, on a store without the index) are checked here.
    after = aq.meta_int(conn, aq.AUTHOR_KEYS_MARK) if indexed else 0
    wanted = {(HANDLE, k) for k in handle_keys} | ({(NAME, name)} if name else set())
    while True:
        rows = aq.authors_after(conn, after)
        if not rows:
            return ids
        ids |= {r.id for r in rows for kind, key, _ in key_rows(r) if (kind, key) in wanted}
        after = rows[-1].id


# ---- suggestions and decisions ------------------------------------------------------------------

@dataclass
class IdentityCandidate:
    author: AuthorRef  # the other account
    of: AuthorRef  # the account it resembles
    score: float  # 0..1
    reasons: list[str] = field(default_factory=list)


@dataclass
class LinkDecision:
    a: int  # author ids, a < b
    b: int
    linked: bool
    analyst: str | None
    at: float
    note: str | None = None


def _current(rows: Iterable[aq.LinkRow]) -> dict[tuple[int, int], LinkDecision]:
    state: dict[tuple[int, int], LinkDecision] = {}
    for r in rows:  # oldest first: the latest decision per pair wins
        state[(r.a_id, r.b_id)] = LinkDecision(r.a_id, r.b_id, bool(r.linked), r.analyst, r.at, r.note)
    return state


def decisions(conn: sqlite3.Connection, author_ids: Sequence[int]) -> dict[tuple[int, int], LinkDecision]:
    """Current decision per pair touching these authors."""
    return _current(aq.link_rows(conn, author_ids))


def linked_component(conn: sqlite3.Connection, author_id: int) -> list[int]:
    """The author and every account linked to them, directly or through others."""
    seen = {author_id}
    frontier = [author_id]
    while frontier:
        nxt = []
        for (a, b), d in decisions(conn, frontier).items():
            if d.linked:
                for other in (a, b):
                    if other not in seen:
                        seen.add(other)
                        nxt.append(other)
        frontier = nxt
    return sorted(seen)


def suggest_identities(conn: sqlite3.Connection, authors: Sequence[AuthorRef], limit: int = 10) -> list[IdentityCandidate]:
    """Accounts on other sources that may be the same person as any of ``authors`` (already
    linked accounts and pairs an analyst said are different are left out)."""
    group = {a.id for a in authors}
    sources = {a.source for a in authors}
    # A "not the same person" about any account of the group holds for the whole group.
    rejected = {x for (a, b), d in decisions(conn, list(group)).items() if not d.linked for x in (a, b)} - group
    out: dict[int, IdentityCandidate] = {}
    for author in authors:
        norm = normalise_handle(author.handle)
        name = normalise_name(author.display_name)
        ids = _candidate_ids(conn, author) - group - rejected
        for other in authors_by_id(conn, ids):
            if other.source in sources:
                continue
            other_norm = normalise_handle(other.handle)
            dist = edit_distance(norm, other_norm)
            reasons = []
            score = 0.0
            if norm and dist == 0:
                reasons.append("same handle" if author.handle == other.handle else "same handle once normalised")
                score = 0.9
            elif norm and dist <= allowed_distance(norm, other_norm):
                reasons.append(f"handle {dist} edit{'s' if dist > 1 else ''} apart")
                score = 0.7 if dist == 1 else 0.5
            if name and name == normalise_name(other.display_name):
                reasons.append("same display name")
                score = min(1.0, score + 0.3) if score else 0.5
            if not reasons:
                continue
            cand = IdentityCandidate(other, author, round(score, 2), reasons)
            if other.id not in out or out[other.id].score < cand.score:
                out[other.id] = cand
    return sorted(out.values(), key=lambda c: (-c.score, c.author.ref))[:limit]


def _decide(store, a: AuthorRef, b: AuthorRef, linked: bool, analyst: str, note: str | None) -> int:
    if a.id == b.id:
        raise ValueError("an account cannot be linked to itself")
    aq.ensure_schema(store)
    with store.transaction() as conn:
        row_id = aq.insert_link(conn, a.id, b.id, linked, analyst, note)
        audit.append(conn, analyst, "link-identity" if linked else "unlink-identity", f"{a.ref} {b.ref}",
                     {"a": a.ref, "b": b.ref, "a_id": a.id, "b_id": b.id, "link_id": row_id, "note": note})
    return row_id


def link_identities(store, a: AuthorRef, b: AuthorRef, analyst: str, note: str | None = None) -> int:
    """Record that a and b are one person (audited). Returns the identity_links row id."""
    return _decide(store, a, b, True, analyst, note)


def unlink_identities(store, a: AuthorRef, b: AuthorRef, analyst: str, note: str | None = None) -> int:
    """Record that a and b are not (or no longer taken as) one person (audited)."""
    return _decide(store, a, b, False, analyst, note)
