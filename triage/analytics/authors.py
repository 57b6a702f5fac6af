"""Naming an author: ``HANDLE``, ``SOURCE:HANDLE`` or a handle plus ``--source``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ..errors import TriageError
from ..sanitize import sanitize
from ..store import analytics_queries as aq


class AuthorLookupError(TriageError, LookupError):
    """No such author, or a handle on several sources; the message is safe to print."""


@dataclass
class AuthorRef:
    id: int
    source: str
    handle: str
    display_name: str | None = None
    post_count: int = 0
    first_seen: int | None = None
    last_seen: int | None = None

    @property
    def ref(self) -> str:
        """``source:handle``, the form the CLI takes back."""
        return f"{self.source}:{self.handle}"

    @classmethod
    def from_row(cls, row: aq.AuthorRow) -> "AuthorRef":
        return cls(row.id, row.source, row.handle, row.display_name, row.post_count, row.first_seen, row.last_seen)


def resolve_author(conn: sqlite3.Connection, ref: str, source: str | None = None) -> AuthorRef:
    """One author from ``HANDLE`` (unique across sources), ``SOURCE:HANDLE`` or ``HANDLE`` + source.

    Sources may contain ':' (``mastodon:example.social``), handles practically never do, so the
    source/handle split is at the last colon.
    """
    src, _, handle = ref.rpartition(":")
    split = source is None and bool(src)
    for any_case in (False, True):  # the exact spelling first: an index lookup, not a scan
        rows = aq.find_authors(conn, ref, source, any_case)
        if not rows and split:
            rows = aq.find_authors(conn, handle, src, any_case)
        if rows:
            break
    if not rows:
        where = f" on {sanitize(source)}" if source else ""
        raise AuthorLookupError(f"no author {sanitize(ref)!r}{where}")
    if len(rows) > 1:
        names = ", ".join(sanitize(f"{r.source}:{r.handle}") for r in rows[:10])
        raise AuthorLookupError(f"{sanitize(ref)!r} is on several sources ({names}); give SOURCE:HANDLE or --source")
    return AuthorRef.from_row(rows[0])


def authors_by_id(conn: sqlite3.Connection, ids) -> list[AuthorRef]:
    return [AuthorRef.from_row(r) for r in aq.authors_by_id(conn, ids)]
