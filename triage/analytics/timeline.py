"""Indicator timeline: per bucket (ISO week, day or month, UTC), how many of an author's posts
carry each indicator, next to how many posts there were at all (the scale: ten threats in ten
posts is not ten threats in a thousand)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..indicators import INDICATORS
from ..store import analytics_queries as aq
from .weeks import GRANULARITIES, bounded_range, bucket_label, bucket_start


@dataclass
class TimelineBucket:
    label: str  # 2026-W14, 2026-04-02 or 2026-04
    start: int  # UTC epoch
    posts: int
    flagged: int
    indicators: dict[str, int] = field(default_factory=dict)  # indicator id -> posts carrying it


@dataclass
class Timeline:
    granularity: str  # week | day | month
    buckets: list[TimelineBucket]  # contiguous: empty buckets are present with zeros
    totals: dict[str, int] = field(default_factory=dict)  # indicator id -> posts, whole range

    def series(self, indicator: str) -> list[int]:
        return [b.indicators.get(indicator, 0) for b in self.buckets]

    @property
    def labels(self) -> list[str]:
        return [b.label for b in self.buckets]

    @property
    def present(self) -> list[str]:
        """Indicator ids that occur at all, in vocabulary order."""
        return [i for i in INDICATORS if self.totals.get(i)] + sorted(set(self.totals) - set(INDICATORS))


def split_indicators(value: str | None) -> list[str]:
    return [i for i in value.split(",") if i] if value else []


def build_timeline(counts: Iterable[tuple[int, str | None, int, int]], granularity: str = "week") -> Timeline:
    """From (bucket index, indicators, posts, flagged) rows (``analytics_queries.author_bucket_counts``)."""
    slots: dict[int, TimelineBucket] = {}
    totals: dict[str, int] = {}
    counts = list(counts)
    span = bounded_range({row[0] for row in counts}, granularity)
    for idx, indicators, posts, flagged in counts:
        if idx not in span:
            continue  # dated outside the chart window (a store filled before imports were checked)
        bucket = slots.get(idx)
        if bucket is None:
            bucket = slots[idx] = TimelineBucket(bucket_label(idx, granularity), bucket_start(idx, granularity), 0, 0)
        bucket.posts += posts
        bucket.flagged += flagged
        for ind in split_indicators(indicators):
            bucket.indicators[ind] = bucket.indicators.get(ind, 0) + posts
            totals[ind] = totals.get(ind, 0) + posts
    if slots:
        for idx in span:
            if idx not in slots:
                slots[idx] = TimelineBucket(bucket_label(idx, granularity), bucket_start(idx, granularity), 0, 0)
    return Timeline(granularity, [slots[i] for i in sorted(slots)], totals)


def author_timeline(conn: sqlite3.Connection, author_ids: Sequence[int], granularity: str = "week") -> Timeline:
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity {granularity!r}: one of {', '.join(GRANULARITIES)}")
    return build_timeline(aq.author_bucket_counts(conn, author_ids, granularity), granularity)
