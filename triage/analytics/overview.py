"""The overview: store-wide aggregates for the overview screen.

Indicator x week heat map, flagged and unreviewed posts per source, the highest-risk authors with
their latest behaviour change, and trending terms. Store-wide aggregates over a million posts
take around a second, so they are cached: in ``analytics_cache`` on a writable store (shared by
every process) and in memory for a read-only one, keyed by ``data_stamp`` (newest post, hit,
label, audit row and change point), which moves whenever anything they count could have changed.
"""

from __future__ import annotations

import dataclasses
import heapq
import time
from dataclasses import dataclass, field
from typing import cast

from ..indicators import INDICATORS
from ..store import analytics_queries as aq
from ..store.catalog import database_name
from .authors import AuthorRef, authors_by_id
from .changes import ChangePoint, from_row
from .profile import connection
from .risk import author_risk
from .trends import TrendItem, TrendReport, trends
from .weeks import bounded_range, week_label, week_start

CACHE_KEY = "overview/v1"
HEAT_WEEKS = 12
TOP_AUTHORS = 10
TREND_ITEMS = 10
_memo: dict[tuple[str, str], tuple[str, dict]] = {}


@dataclass
class HeatRow:
    indicator: str
    counts: list[int]  # posts per week, aligned with Overview.weeks


@dataclass
class SourceCounts:
    source: str
    posts: int
    flagged: int
    unreviewed: int  # flagged and not labeled yet


@dataclass
class AuthorRisk:
    author: AuthorRef
    risk: float
    flagged: int
    max_score: float
    latest_change: ChangePoint | None = None


@dataclass
class Overview:
    weeks: list[str]  # ISO weeks, oldest first
    heatmap: list[HeatRow]  # one row per indicator, vocabulary order
    sources: list[SourceCounts]
    top_authors: list[AuthorRisk]
    trending: TrendReport
    stamp: str
    from_cache: bool = False
    seconds: float = 0.0
    week_starts: list[int] = field(default_factory=list)  # UTC epochs, to open the filtered queue


def _aggregate(conn, heat_weeks: int, top: int, trend_items: int) -> dict:
    """The expensive part, as JSON-able data (what the cache holds)."""
    last = aq.last_week(conn)
    first = (last - heat_weeks + 1) if last is not None else 0
    heat = aq.indicator_week_counts(conn, week_start(first)) if last is not None else []
    per_author: dict[int, list[float]] = {}
    per_source: dict[str, list[int]] = {}
    for source, author_id, score, unreviewed in aq.flagged_posts(conn):
        per_author.setdefault(author_id, []).append(score or 0.0)
        counts = per_source.get(source) or per_source.setdefault(source, [0, 0])
        counts[0] += 1
        counts[1] += unreviewed
    strengths: dict[int, list[float]] = {}
    for row in aq.stored_changes(conn):
        strengths.setdefault(row.author_id, []).append(from_row(row).strength)
    ranked = _riskiest(per_author, strengths, top)
    return {
        "first_week": first, "last_week": last, "heat": heat,
        "sources": [[src, n, *per_source.get(src, (0, 0))] for src, n in aq.source_post_counts(conn)],
        "authors": [[a, risk, n, best] for risk, a, n, best in ranked],
        "trending": dataclasses.asdict(trends(conn, limit=trend_items)),
    }


def _riskiest(per_author: dict[int, list[float]], strengths: dict[int, list[float]],
              top: int) -> list[tuple[float, int, int, float]]:
    """(risk, author_id, flagged, best score) of the ``top`` riskiest authors. Authors with a
    behaviour change are scored first; the rest best post first, and the walk stops once three
    posts as good as an author's best could not make the list: tens of thousands of flagged
    authors cost a few hundred risks."""
    changed = [(max(per_author[a]), a) for a in strengths if a in per_author]  # few: all are scored
    rest = sorted(((max(s), a) for a, s in per_author.items() if a not in strengths), key=lambda x: (-x[0], x[1]))
    heap: list[tuple[float, int, int, float]] = []  # (risk, -author id, ...): the root is the weakest
    bound: dict[float, float] = {}
    for n, (best, a) in enumerate(changed + rest):
        if n >= len(changed) and len(heap) == top:
            ceiling = bound.get(best)
            if ceiling is None:
                ceiling = bound[best] = author_risk([best] * 3)
            if ceiling < heap[0][0]:
                break
            if ceiling == heap[0][0] and -a < heap[0][1]:
                continue  # at best a tie, and ties go to the lower id
        item = (author_risk(per_author[a], strengths.get(a, ())), -a, len(per_author[a]), best)
        if len(heap) < top:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
    return [(risk, -neg_id, n, best) for risk, neg_id, n, best in sorted(heap, reverse=True)]


def _cached(store_or_conn, stamp: str, compute) -> tuple[dict, bool]:
    conn = connection(store_or_conn)
    path = database_name(conn)
    hit = aq.cache_get(conn, CACHE_KEY) or _memo.get((path, CACHE_KEY))
    if hit and hit[0] == stamp:
        return cast(dict, hit[1]), True
    value = compute()
    if getattr(store_or_conn, "readonly", True) is False and aq.ensure_schema(store_or_conn):
        with store_or_conn.transaction() as tx:
            aq.cache_put(tx, CACHE_KEY, stamp, value)
    _memo[(path, CACHE_KEY)] = (stamp, value)
    return value, False


def overview(store_or_conn, heat_weeks: int = HEAT_WEEKS, top: int = TOP_AUTHORS, trend_items: int = TREND_ITEMS,
             use_cache: bool = True) -> Overview:
    started = time.perf_counter()
    conn = connection(store_or_conn)
    if getattr(store_or_conn, "readonly", True) is False:
        aq.ensure_schema(store_or_conn)  # before the stamp: creating the tables would change it
    stamp = f"{aq.data_stamp(conn)}/{heat_weeks}/{top}/{trend_items}"
    compute = lambda: _aggregate(conn, heat_weeks, top, trend_items)  # noqa: E731
    agg, from_cache = _cached(store_or_conn, stamp, compute) if use_cache else (compute(), False)

    weeks = list(bounded_range((agg["first_week"], agg["last_week"]), "week"))
    grid = {i: [0] * len(weeks) for i in INDICATORS}
    for week, indicator, n in agg["heat"]:
        if weeks and weeks[0] <= week <= weeks[-1]:
            grid.setdefault(indicator, [0] * len(weeks))[week - weeks[0]] = n
    authors = {a.id: a for a in authors_by_id(conn, [row[0] for row in agg["authors"]])}
    latest = {}
    for row in aq.stored_changes(conn, list(authors)):
        latest[row.author_id] = from_row(row)  # ordered by week: the last one wins
    report = agg["trending"]
    return Overview(
        weeks=[week_label(w) for w in weeks],
        heatmap=[HeatRow(i, c) for i, c in grid.items()],
        sources=[SourceCounts(*r) for r in agg["sources"]],
        top_authors=[AuthorRisk(authors[a], risk, n, best, latest.get(a)) for a, risk, n, best in agg["authors"]
                     if a in authors],
        trending=TrendReport(**{**report, "items": [TrendItem(**i) for i in report["items"]]}),
        stamp=stamp, from_cache=from_cache, seconds=round(time.perf_counter() - started, 4),
        week_starts=[week_start(w) for w in weeks],
    )
