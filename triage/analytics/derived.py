"""Keep the derived analytics tables up to date with the posts (incrementally: each knows the
last post or author it has seen). Call ``refresh_derived`` after an import or a collector run;
``triage analyze`` does it, then refreshes the behaviour-change marks."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from ..store import analytics_queries as aq
from .identity import refresh_author_keys
from .network import refresh_author_items
from .terms import refresh_terms

INTERACTIONS_CHUNK = 200_000  # post ids per transaction: a big backlog does not hold the write lock long


@dataclass
class RefreshCounts:
    interactions: int = 0  # reply/mention rows added
    authors_indexed: int = 0
    posts_itemised: int = 0  # posts whose hashtags, links and domains were indexed
    posts_counted: int = 0  # posts whose terms were counted
    seconds: float = 0.0


def backlog(store_or_conn, terms: bool = True) -> int:
    """Posts not yet in the derived tables (the furthest behind): what a refresh has to read."""
    conn = getattr(store_or_conn, "conn", store_or_conn)
    newest = aq.max_post_id(conn)
    if not aq.tables_present(conn):
        return newest
    marks = [aq.INTERACTIONS_MARK, aq.ITEMS_MARK] + ([aq.TERMS_MARK] if terms else [])
    return newest - min(aq.meta_int(conn, m) for m in marks)


def refresh_interactions(store) -> int:
    if not aq.ensure_schema(store):
        return 0
    up_to = aq.max_post_id(store.conn)
    added = 0
    while aq.meta_int(store.conn, aq.INTERACTIONS_MARK) < up_to:
        with store.transaction() as conn:
            added += aq.refresh_interactions(conn, min(up_to, aq.meta_int(conn, aq.INTERACTIONS_MARK)
                                                      + INTERACTIONS_CHUNK))
    return added


def refresh_derived(store, terms: bool = True,
                    on_progress: Callable[[int, int], None] | None = None) -> RefreshCounts:
    """Bring interactions, author keys, author items and (unless ``terms`` is False) term counts
    up to date. The first three are cheap per post; term counting tokenises every new post."""
    started = time.perf_counter()
    counts = RefreshCounts()
    if store.readonly:
        return counts
    counts.interactions = refresh_interactions(store)
    counts.authors_indexed = refresh_author_keys(store)
    counts.posts_itemised = refresh_author_items(store)
    if terms:
        counts.posts_counted = refresh_terms(store, on_progress=on_progress)
    counts.seconds = time.perf_counter() - started
    return counts
