"""When an author posts: 24 hourly bins in UTC, in a chosen zone, and a weekday x hour grid."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..timeparse import epoch_datetime

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class UnknownZone(ValueError):
    pass


@dataclass
class HourHistogram:
    posts: int
    utc: list[int]  # 24 counts by UTC hour
    zone: str | None = None  # the IANA zone of ``local`` and ``weekday_hour`` (None: UTC)
    local: list[int] | None = None  # 24 counts by hour in ``zone`` (daylight saving applied per post)
    weekday_hour: list[list[int]] = field(default_factory=list)  # 7 x 24, Monday first, in zone (or UTC)

    def at_offset(self, hours: float | None) -> list[int] | None:
        """Counts by local hour at a fixed UTC offset (an inferred one); a half-hour offset puts
        each UTC hour's posts in the local hour its first half-hour falls in."""
        if hours is None:
            return None
        shift = math.floor(hours)
        return [self.utc[(h - shift) % 24] for h in range(24)]


def zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownZone(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)") from exc


def hour_histogram(timestamps: Sequence[int], zone_name: str | None = None) -> HourHistogram:
    return hour_histogram_from_slots(Counter(int(ts) // 1800 for ts in timestamps), zone_name)


def hour_histogram_from_slots(slots: Mapping[int, int], zone_name: str | None = None) -> HourHistogram:
    """From posts per half-hour slot (``created_at // 1800``). Zones change offset on the hour or
    half hour, so converting each slot's start is exact, and far fewer conversions than posts."""
    tz = zone(zone_name)
    utc = [0] * 24
    grid = [[0] * 24 for _ in range(7)]
    local = [0] * 24 if tz else None
    for slot, n in slots.items():
        ts = slot * 1800
        utc[(ts // 3600) % 24] += n
        if tz is None:
            grid[(ts // 86_400 + 3) % 7][(ts // 3600) % 24] += n  # 1970-01-01 was a Thursday
        else:
            d = epoch_datetime(ts, tz)
            if d is None:
                continue  # dated outside datetime's range (stored before imports were bounded)
            assert local is not None  # made whenever tz is
            local[d.hour] += n
            grid[d.weekday()][d.hour] += n
    return HourHistogram(posts=sum(slots.values()), utc=utc, zone=zone_name if tz else None, local=local,
                         weekday_hour=grid)


def utc_hour_histogram(weekday_hours: Iterable[tuple[int, int, int]]) -> HourHistogram:
    """From (UTC weekday, UTC hour, posts) rows: what a profile without a zone needs, from SQL."""
    utc = [0] * 24
    grid = [[0] * 24 for _ in range(7)]
    for weekday, hour, n in weekday_hours:
        utc[hour] += n
        grid[weekday][hour] += n
    return HourHistogram(posts=sum(utc), utc=utc, weekday_hour=grid)
