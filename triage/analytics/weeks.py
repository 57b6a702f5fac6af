"""Time buckets: ISO weeks (Monday-based, UTC), days and months, as labels and epoch starts.

A week is held as an integer index (``(epoch_day + 3) // 7``; 1970-01-01 was a Thursday) so
SQL can group by it cheaply; its label is the ISO week of its Monday, e.g. ``2026-W14``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from ..store.analytics_queries import CHART_LATEST  # 2100-01-01
from ..timeparse import epoch_datetime

DAY = 86_400
WEEK = 7 * DAY
GRANULARITIES = ("week", "day", "month")
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
# Analytics only chart posts dated in this window. Imports refuse anything outside
# [earliest_post_time, now + 1 day]; a store filled before that check may still hold a post
# dated 1e20, and a contiguous week range up to it once allocated 24 GB.
CHART_EARLIEST = 0  # 1970-01-01
MAX_BUCKETS = 10_000  # about 190 years of weeks: a range longer than this is cut at its start


def week_index(ts: int) -> int:
    return (int(ts) // DAY + 3) // 7


def week_start(index: int) -> int:
    """UTC epoch of the Monday 00:00 that starts week ``index``."""
    return (index * 7 - 3) * DAY


def week_label(index: int) -> str:
    try:
        year, week, _ = datetime.fromtimestamp(week_start(index), tz=timezone.utc).isocalendar()
    except (OverflowError, OSError, ValueError):  # outside datetime's years 1..9999
        return "(out of range)"
    return f"{year}-W{week:02d}"


def parse_week(label: str) -> int:
    """``2026-W14`` -> week index. Raises ValueError on anything else."""
    m = _ISO_WEEK.match(label.strip())
    if not m:
        raise ValueError(f"{label!r}: not an ISO week like 2026-W14")
    try:
        monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        raise ValueError(f"{label!r}: no such ISO week") from None
    return week_index(int(datetime(monday.year, monday.month, monday.day, tzinfo=timezone.utc).timestamp()))


def _month_index(ts: int) -> int:
    d = epoch_datetime(ts)
    if d is None:  # outside years 1..9999: a bucket no chart reaches (see bounded_range)
        return -1 if ts < 0 else 10_000 * 12
    return d.year * 12 + d.month - 1


def bucket_index(ts: int, granularity: str) -> int:
    if granularity == "week":
        return week_index(ts)
    if granularity == "day":
        return int(ts) // DAY
    if granularity == "month":
        return _month_index(ts)
    raise ValueError(f"granularity {granularity!r}: one of {', '.join(GRANULARITIES)}")


def bucket_start(index: int, granularity: str) -> int:
    if granularity == "week":
        return week_start(index)
    if granularity == "day":
        return index * DAY
    year, month0 = divmod(index, 12)
    return int(datetime(year, month0 + 1, 1, tzinfo=timezone.utc).timestamp())


def bucket_label(index: int, granularity: str) -> str:
    if granularity == "week":
        return week_label(index)
    start = datetime.fromtimestamp(bucket_start(index, granularity), tz=timezone.utc)
    return start.strftime("%Y-%m-%d" if granularity == "day" else "%Y-%m")


def in_chart_window(ts: int) -> bool:
    return CHART_EARLIEST <= ts < CHART_LATEST


def bounded_range(indices, granularity: str) -> range:
    """The contiguous bucket indices from the first to the last of ``indices`` that lie in the
    chart window, at most ``MAX_BUCKETS`` of them (the latest kept). Empty if none does."""
    lo_limit, hi_limit = bucket_index(CHART_EARLIEST, granularity), bucket_index(CHART_LATEST - 1, granularity)
    inside = [i for i in indices if i is not None and lo_limit <= i <= hi_limit]
    if not inside:
        return range(0)
    lo, hi = min(inside), max(inside)
    return range(max(lo, hi - MAX_BUCKETS + 1), hi + 1)
