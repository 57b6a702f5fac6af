"""Turn the timestamps sources give into UTC epoch seconds, keeping the raw string.

The raw string is kept beside the epoch because its UTC offset (``+02:00``, ``-0500``) is
a hint of where the author is; the epoch is what every query sorts and bins on.
"""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

_TWITTER_FORMAT = "%a %b %d %H:%M:%S %z %Y"  # "Wed Oct 10 20:19:24 +0000 2018"
# Epoch values above this are taken as milliseconds (year 5138 in seconds).
_MS_CUTOFF = 10**11


class TimestampError(ValueError):
    pass


def _from_number(value: float) -> int:
    try:
        if abs(value) >= _MS_CUTOFF:
            value = value / 1000.0
        return int(value)
    except (OverflowError, ValueError):  # inf, nan, an integer too large for a float
        raise TimestampError(f"not a time: {str(value)[:30]}") from None


def parse_timestamp(value) -> tuple[int, str]:
    """Return ``(utc_epoch_seconds, raw_string)``.

    Accepts epoch seconds (int, float or numeric string; milliseconds are recognised),
    ISO 8601 with or without offset (without one it is read as UTC), RFC 2822 dates
    (RSS/e-mail) and the Twitter API format. Raises ``TimestampError`` otherwise.
    """
    if value is None or value == "":
        raise TimestampError("missing time")
    if isinstance(value, bool):
        raise TimestampError(f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        return _from_number(value), str(value)
    if not isinstance(value, str):
        raise TimestampError(f"not a time: {value!r}")
    raw = value
    text = value.strip()
    try:
        return _from_number(float(text)), raw
    except ValueError:
        pass
    dt = None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith(("Z", "z")) else text)
    except ValueError:
        for parse in (lambda s: datetime.strptime(s, _TWITTER_FORMAT), parsedate_to_datetime):
            try:
                dt = parse(text)
                break
            except (ValueError, TypeError, IndexError):
                continue
    if dt is None:
        raise TimestampError(f"unrecognised time format: {raw[:60]!r}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return int(dt.timestamp()), raw
    except (OverflowError, ValueError):  # 0001-01-01T00:00+14:00 is in year 0 in UTC
        raise TimestampError(f"out of range: {raw[:60]!r}") from None


def utc_offset_minutes(raw: str | None) -> int | None:
    """The UTC offset a raw timestamp string carries, in minutes, or None if it has none."""
    if not raw or not isinstance(raw, str):
        return None
    text = raw.strip()
    try:
        float(text)
        return None  # an epoch carries no offset
    except ValueError:
        pass
    for parse in (datetime.fromisoformat, lambda s: datetime.strptime(s, _TWITTER_FORMAT), parsedate_to_datetime):
        try:
            dt = parse(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except (ValueError, TypeError, IndexError):
            continue
        off = dt.utcoffset()
        return None if off is None else int(off.total_seconds() // 60)
    return None


def epoch_datetime(epoch, tz=timezone.utc) -> datetime | None:
    """``epoch`` as an aware datetime, or None outside datetime's years 1..9999 (a store filled
    before imports were bounded may hold 1e20 or year 0: shown as out of range, never a crash)."""
    try:
        return datetime.fromtimestamp(epoch, tz=tz)
    except (OverflowError, OSError, ValueError, TypeError):
        return None


def format_epoch(epoch, fmt: str, tz=timezone.utc) -> str:
    dt = epoch_datetime(epoch, tz)
    return dt.strftime(fmt) if dt is not None else f"(out of range: {epoch})"


def iso_utc(epoch: int | float | None) -> str:
    if epoch is None:
        return ""
    return format_epoch(epoch, "%Y-%m-%d %H:%M:%SZ")
