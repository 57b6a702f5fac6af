"""Terms for trend monitoring: which words and hashtags a post contains, counted per week.

A term counts once per post (document frequency): one post that says "rally" ten times is one
post about a rally. Words are letters-first tokens of 3-40 characters, case folded, without
stop words, URLs or @mentions; hashtags are ``#tag`` (from the record's hashtag list and the
text). The counts go to ``term_weeks`` incrementally (``refresh_terms``), which is what makes a
trend check over a million posts two small aggregates.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from typing import Callable, Iterable

from ..store import analytics_queries as aq
from .weeks import week_index

MIN_CHARS = 3
MAX_CHARS = 40
_URLS = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# A whole token of 3-40 characters that starts with a letter and ends with a letter or digit, not
# part of a #hashtag, an @mention or a longer token; all in one C-level scan (~10 us a post).
_WORD = re.compile(r"(?<![\w'#@-])[^\W\d_][\w'-]{%d,%d}(?<=\w)(?![\w'-])" % (MIN_CHARS - 1, MAX_CHARS - 1))
_TAG = re.compile(r"(?<![\w&])#(\w+)")
STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
during each even few for from further get got had hadn't has hasn't have haven't having he he'd he'll
he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it
it's its itself just let's like me more most much mustn't my myself no nor not now of off on once one
only or other ought our ours ourselves out over own really same shan't she she'd she'll she's should
shouldn't so some still such than that that's the their theirs them themselves then there there's
these they they'd they'll they're they've this those through to too under until up us very was wasn't
we we'd we'll we're we've were weren't what what's when when's where where's which while who who's whom
why why's will with won't would wouldn't yet you you'd you'll you're you've your yours yourself
yourselves dont cant im ive youre thats didnt doesnt isnt wont its lol
""".split())


def post_terms(text: str, hashtags: str | None = None) -> set[str]:
    """The distinct terms of one post."""
    lowered = text.casefold().replace("’", "'")
    if "http" in lowered or "www." in lowered:
        lowered = _URLS.sub(" ", lowered)
    terms = set(_WORD.findall(lowered))
    terms -= STOPWORDS
    if "#" in lowered:
        terms.update("#" + t for t in _TAG.findall(lowered))
    if hashtags:
        try:
            tags = json.loads(hashtags)
        except ValueError:
            tags = []
        if isinstance(tags, list):
            terms.update("#" + t.lstrip("#").casefold() for t in tags if isinstance(t, str) and t.strip("#"))
    return terms


def count_rows(rows: Iterable[aq.TermSourceRow], weeks: tuple[int, int] | None = None,
               source: str | None = None) -> tuple[Counter, Counter]:
    """(posts per (week, source, term), posts per (week, source)) over rows, optionally only those
    in a week range and one source."""
    per_week: dict[tuple[int, str], Counter] = {}
    posts: Counter = Counter()
    for r in rows:
        w = week_index(r.created_at)
        if weeks is not None and not weeks[0] <= w <= weeks[1]:
            continue
        if source is not None and r.source != source:
            continue
        posts[(w, r.source)] += 1
        counter = per_week.get((w, r.source))
        if counter is None:
            counter = per_week[(w, r.source)] = Counter()
        counter.update(post_terms(r.text, r.hashtags))  # Counter.update counts in C
    terms = Counter({(w, src, t): n for (w, src), c in per_week.items() for t, n in c.items()})
    return terms, posts


def _pages(conn: sqlite3.Connection, after: int, up_to: int, chunk: int):
    while after < up_to:
        rows = aq.posts_for_terms(conn, after, up_to, chunk)
        if not rows:
            return
        yield rows
        after = rows[-1].id


def refresh_terms(store, chunk: int = 20_000, on_progress: Callable[[int, int], None] | None = None) -> int:
    """Count terms of posts added since the last refresh. Returns posts counted. Each chunk
    commits with its watermark, so an interrupted refresh resumes where it stopped."""
    if not aq.ensure_schema(store):
        return 0
    up_to = aq.max_post_id(store.conn)
    start = aq.meta_int(store.conn, aq.TERMS_MARK)
    done = 0
    for rows in _pages(store.conn, start, up_to, chunk):
        terms, posts = count_rows(rows)
        with store.transaction() as conn:
            aq.add_term_counts(conn, terms, posts, rows[-1].id)
        done += len(rows)
        if on_progress:
            on_progress(done, up_to - start)
    return done


def tail_counts(conn: sqlite3.Connection, weeks: tuple[int, int], source: str | None,
                chunk: int = 20_000) -> tuple[Counter, Counter]:
    """Counts of posts not yet in ``term_weeks`` (a read-only reader's view of the newest posts)."""
    after = aq.meta_int(conn, aq.TERMS_MARK) if aq.tables_present(conn) else 0
    terms: Counter = Counter()
    posts: Counter = Counter()
    for rows in _pages(conn, after, aq.max_post_id(conn), chunk):
        t, p = count_rows(rows, weeks, source)
        terms.update(t)
        posts.update(p)
    return terms, posts
