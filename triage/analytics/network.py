"""Whom an author talks to and what they pass around: interlocutors (replies and mentions, both
ways), hashtags, links and their domains."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Sequence
from urllib.parse import urlsplit

from ..store import analytics_queries as aq
from .authors import AuthorRef


@dataclass
class Interlocutor:
    source: str
    handle: str
    replies_to: int = 0  # the author replied to them
    mentions_of: int = 0  # the author mentioned them
    replied_by: int = 0  # they replied to the author
    mentioned_by: int = 0  # they mentioned the author
    last_at: int = 0

    @property
    def total(self) -> int:
        return self.replies_to + self.mentions_of + self.replied_by + self.mentioned_by

    @property
    def ref(self) -> str:
        return f"{self.source}:{self.handle}"


def interlocutors(conn: sqlite3.Connection, authors: Sequence[AuthorRef], limit: int = 20) -> list[Interlocutor]:
    """Top accounts by interactions in either direction (the author's own accounts left out)."""
    return [Interlocutor(*row) for row in aq.interlocutor_counts(conn, [a.id for a in authors], limit)]


@dataclass
class TermCount:
    term: str
    posts: int
    last_at: int


@dataclass
class LinkCount:
    url: str
    posts: int


@dataclass
class DomainCount:
    domain: str
    links: int  # posts linking to it
    posted_on: int = 0  # the author's posts whose own URL is there (the platform)


# A URL in running text ends at whitespace, a quote or a closing bracket; trailing sentence
# punctuation is not part of it.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
_TRAILING = ".,;:!?…"
HASHTAG, LINK, DOMAIN, POSTED_ON = "hashtag", "link", "domain", "posted_on"


def urls_in(text: str) -> list[str]:
    return [u.rstrip(_TRAILING) for u in _URL.findall(text)]


def domain_of(url: str) -> str | None:
    try:
        host = urlsplit(url if "://" in url else "http://" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _json_list(value: str | None) -> list:
    try:
        items = json.loads(value) if value else []
    except ValueError:
        return []
    return [i for i in items if isinstance(i, str)] if isinstance(items, list) else []


def post_items(row: aq.ItemSourceRow) -> dict[tuple[str, str], str]:
    """(kind, key) -> label of one post's hashtags, links, linked domains and its own URL's domain."""
    items: dict[tuple[str, str], str] = {}
    for tag in _json_list(row.hashtags):
        tag = tag.lstrip("#")
        if tag:
            items.setdefault((HASHTAG, tag.casefold()), tag)
    for url in urls_in(row.link_text or ""):
        items.setdefault((LINK, url), url)
        host = domain_of(url)
        if host:
            items.setdefault((DOMAIN, host), host)
    host = domain_of(row.url) if row.url else None
    if host:
        items[(POSTED_ON, host)] = host
    return items


def count_items(rows) -> dict[tuple[int, str, str], list]:
    """(author_id, kind, key) -> [label, posts, last_at] over ItemSourceRows."""
    out: dict[tuple[int, str, str], list] = {}
    for row in rows:
        for (kind, key), label in post_items(row).items():
            entry = out.get((row.author_id, kind, key))
            if entry is None:
                out[(row.author_id, kind, key)] = [label, 1, row.created_at]
            else:
                entry[1] += 1
                entry[2] = max(entry[2], row.created_at)
    return out


def _item_pages(conn: sqlite3.Connection, after: int, up_to: int, author_ids=None, chunk: int = 50_000):
    while after < up_to:
        rows = aq.posts_for_items(conn, after, up_to, chunk, author_ids)
        if not rows:
            return
        yield rows
        after = rows[-1].id


def refresh_author_items(store) -> int:
    """Index hashtags, links and domains of posts added since the last refresh. Returns posts read."""
    if not aq.ensure_schema(store):
        return 0
    done = 0
    for rows in _item_pages(store.conn, aq.meta_int(store.conn, aq.ITEMS_MARK), aq.max_post_id(store.conn)):
        with store.transaction() as conn:
            aq.add_author_items(conn, count_items(rows), rows[-1].id)
        done += len(rows)
    return done


def author_item_counts(conn: sqlite3.Connection, author_ids: Sequence[int]) -> dict[tuple[str, str], list]:
    """(kind, key) -> [label, posts, last_at] for these authors: the index plus the unindexed tail."""
    merged: dict[tuple[str, str], list] = {}

    def add(kind, key, label, posts, last_at):
        entry = merged.get((kind, key))
        if entry is None:
            merged[(kind, key)] = [label, posts, last_at]
        else:
            entry[1] += posts
            entry[2] = max(entry[2], last_at)

    for row in aq.author_items(conn, author_ids):
        add(*row)
    after = aq.meta_int(conn, aq.ITEMS_MARK) if aq.tables_present(conn) else 0
    for rows in _item_pages(conn, after, aq.max_post_id(conn), author_ids):
        for (_, kind, key), (label, posts, last_at) in count_items(rows).items():
            add(kind, key, label, posts, last_at)
    return merged


def _top(items: dict[tuple[str, str], list], kind: str, limit: int) -> list[tuple[str, str, int, int]]:
    rows = [(key, v[0], v[1], v[2]) for (k, key), v in items.items() if k == kind]
    return sorted(rows, key=lambda r: (-r[2], -r[3], r[0]))[:limit]


def content(conn: sqlite3.Connection, author_ids: Sequence[int],
            limit: int = 20) -> tuple[list[TermCount], list[LinkCount], list[DomainCount]]:
    """Hashtags the author uses (case folded, first spelling shown), links they post, and the
    domains of those links next to the domains their posts live on."""
    items = author_item_counts(conn, author_ids)
    tags = [TermCount(label, n, last) for _, label, n, last in _top(items, HASHTAG, limit)]
    links = [LinkCount(label, n) for _, label, n, _ in _top(items, LINK, limit)]
    posted_on = {key: n for key, _, n, _ in _top(items, POSTED_ON, 10 * limit)}
    domains = [DomainCount(key, n, posted_on.pop(key, 0)) for key, _, n, _ in _top(items, DOMAIN, limit)]
    domains += [DomainCount(key, 0, n) for key, n in posted_on.items()]
    return tags, links, sorted(domains, key=lambda d: (-d.links, -d.posted_on, d.domain))[:limit]
