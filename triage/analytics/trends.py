"""Trend monitoring: terms and hashtags whose frequency spikes this week against their baseline.

For each term seen in at least ``min_count`` posts this week, the expected count is its share of
posts over the baseline weeks (default the 8 before) times this week's posts, smoothed with one
pseudo-post so a term never seen before expects a little rather than nothing:

    expected = posts_this_week * (baseline_posts_with_term + 1) / (baseline_posts + 1)

Working in shares, not raw counts, keeps a busy week (a big import, a live event) from making
every word "trend". A term trends when it is at least ``min_ratio`` times its expectation; trends
are ranked by the Poisson likelihood-ratio statistic ``G = 2 * (c * ln(c / e) - (c - e))``, which
rewards a big jump on solid counts over a small count that happens to be new.
"""

from __future__ import annotations

import math
import sqlite3
import time
from dataclasses import dataclass, field

from ..store import analytics_queries as aq
from .terms import tail_counts
from .weeks import parse_week, week_label

BASELINE_WEEKS = 8
MIN_COUNT = 5
MIN_RATIO = 2.0


@dataclass
class TrendItem:
    term: str  # a word, or '#tag'
    posts: int  # posts with it this week
    baseline_posts: int  # posts with it over the baseline weeks
    expected: float
    ratio: float  # posts / expected
    score: float  # Poisson G statistic: the ranking


@dataclass
class TrendReport:
    week: str | None  # ISO week checked
    source: str | None  # None: store-wide
    baseline_weeks: int
    posts: int  # posts this week (in scope)
    baseline_posts: int
    items: list[TrendItem] = field(default_factory=list)
    reason: str = ""  # why there is nothing, when there is nothing
    seconds: float = 0.0


def _g(c: int, e: float) -> float:
    return 2 * (c * math.log(c / e) - (c - e)) if c else 0.0


def trends(conn: sqlite3.Connection, source: str | None = None, week: str | None = None,
           baseline_weeks: int = BASELINE_WEEKS, min_count: int = MIN_COUNT, min_ratio: float = MIN_RATIO,
           limit: int = 20) -> TrendReport:
    """Spiking terms in ``week`` (default: the week of the newest post in scope)."""
    started = time.perf_counter()
    w = parse_week(week) if week else aq.last_week(conn, source)
    if w is None:
        return TrendReport(None, source, baseline_weeks, 0, 0, reason="no posts")
    lo = w - baseline_weeks
    indexed = aq.tables_present(conn)
    tail_terms, tail_posts = tail_counts(conn, (lo, w), source)
    current: dict[str, int] = aq.term_counts(conn, w, w, source, 1) if indexed else {}
    for (tw, _, term), n in tail_terms.items():
        if tw == w:
            current[term] = current.get(term, 0) + n
    candidates = {t: n for t, n in current.items() if n >= min_count}
    baseline = aq.terms_in(conn, list(candidates), lo, w - 1, source) if indexed and candidates else {}
    for (tw, _, term), n in tail_terms.items():
        if tw < w and term in candidates:
            baseline[term] = baseline.get(term, 0) + n
    week_posts = aq.week_post_counts(conn, lo, w, source) if indexed else {}
    for (tw, _), n in tail_posts.items():
        week_posts[tw] = week_posts.get(tw, 0) + n
    posts_now = week_posts.get(w, 0)
    posts_base = sum(n for tw, n in week_posts.items() if tw < w)
    report = TrendReport(week_label(w), source, baseline_weeks, posts_now, posts_base)
    if not posts_base:
        report.reason = f"no baseline: no posts in the {baseline_weeks} weeks before {week_label(w)}"
    else:
        items = []
        for term, c in candidates.items():
            b = baseline.get(term, 0)
            e = posts_now * (b + 1) / (posts_base + 1)
            if c >= min_ratio * e:
                items.append(TrendItem(term, c, b, round(e, 2), round(c / e, 2), round(_g(c, e), 2)))
        report.items = sorted(items, key=lambda i: (-i.score, i.term))[:limit]
        if not report.items:
            report.reason = f"nothing spiked (>= {min_count} posts and {min_ratio:g}x the baseline share)"
    report.seconds = round(time.perf_counter() - started, 4)
    return report
