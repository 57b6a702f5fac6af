"""Time buckets: ISO weeks (Monday-based, UTC), days and months, as labels and epoch starts.

A week is held as an integer index (``(epoch_day + 3) // 7``; 1970-01-01 was a Thursday) so
SQL can group by it cheaply; its label is the ISO week of its Monday, e.g. ``2026-W14``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

DAY = 86_400
WEEK = 7 * DAY
GRANULARITIES = ("week", "day", "month")
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_index(ts: int) -> int:
    return (int(ts) // DAY + 3) // 7


def week_start(index: int) -> int:
    """UTC epoch of the Monday 00:00 that starts week ``index``."""
    return (index * 7 - 3) * DAY


def week_label(index: int) -> str:
    year, week, _ = datetime.fromtimestamp(week_start(index), tz=timezone.utc).isocalendar()
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
    d = datetime.fromtimestamp(ts, tz=timezone.utc)
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
