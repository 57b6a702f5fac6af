"""Turn the timestamps sources give into UTC epoch seconds, keeping the raw string.

The raw string is kept beside the epoch because its UTC offset (``+02:00``, ``-0500``) is
a hint of where the author is; the epoch is what every query sorts and bins on.

Read, in this order: epoch seconds (or milliseconds), ISO 8601, the Twitter API format,
RFC 2822 with a numeric offset or UT/GMT (RSS), and anything else
through python-dateutil (``May 2, 2026 10:50 PM``: AM/PM honoured). A zone *name* is taken
only from ``ZONE_NAMES``, an explicit table; a name that means different offsets in different
places (``IST``, ``CST``, ``BST``, ``AST``…) or that is unknown is refused with a message,
never read silently as UTC. So are ``UTC+3`` (POSIX reads it as UTC-3), a date whose day and
month could be either way round (``02/05/2026``), and text with no date in it. A time with no
zone at all is UTC, as it always was.
"""

from __future__ import annotations

import re
import warnings
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_tz

from .errors import TriageError

_TWITTER_FORMAT = "%a %b %d %H:%M:%S %z %Y"  # "Wed Oct 10 20:19:24 +0000 2018"
# Epoch values above this are taken as milliseconds (year 5138 in seconds).
_MS_CUTOFF = 10**11

# Zone names read without asking: each means one offset wherever it is written (hours).
ZONE_NAMES: dict[str, float] = {
    "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "MET": 1, "MEST": 2,
    "EET": 2, "EEST": 3, "MSK": 3, "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8,
    "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
    "ACST": 9.5, "ACDT": 10.5, "AWST": 8, "NZST": 12, "NZDT": 13, "SGT": 8, "HKT": 8, "PKT": 5,
}
# Names that mean several offsets: refused, the message says why.
AMBIGUOUS_ZONES = {
    "IST": "India +05:30, Ireland +01:00 or Israel +02:00", "CST": "US -06:00, China +08:00 or Cuba -05:00",
    "BST": "British Summer +01:00 or Bangladesh +06:00", "AST": "Atlantic -04:00 or Arabia +03:00",
    "ADT": "Atlantic -03:00 or Arabia +04:00", "ECT": "Ecuador -05:00 or Eastern Caribbean -04:00",
    "GST": "Gulf +04:00 or South Georgia -02:00", "SST": "Samoa -11:00 or Singapore +08:00",
    "CAT": "Central Africa +02:00 or Central Alaska -10:00", "PST8PDT": "a rule, not an offset",
}
_RFC2822 = re.compile(r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
_RFC_ZONE = re.compile(r"(?:[+-]\d{4}|\b(?:UT|UTC|GMT|Z))\s*$")
_POSIX_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*[+-]\s*\d", re.IGNORECASE)
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}\b")
_NO_DATE = datetime(1, 1, 1)


class TimestampError(TriageError, ValueError):
    pass


def _from_number(value: float) -> int:
    try:
        if abs(value) >= _MS_CUTOFF:
            value = value / 1000.0
        return int(value)
    except (OverflowError, ValueError):  # inf, nan, an integer too large for a float
        raise TimestampError(f"not a time: {str(value)[:30]}") from None


def _zone(name: str | None, offset: int | None):
    """dateutil's tzinfos hook: the explicit table, never a guess."""
    if name is None:
        return None if offset is None else timezone(timedelta(seconds=offset))
    key = (name or "").upper()
    if key in AMBIGUOUS_ZONES:
        raise TimestampError(f"zone {name} is ambiguous ({AMBIGUOUS_ZONES[key]}); write the offset, e.g. +05:30")
    if key in ZONE_NAMES:
        return timezone(timedelta(hours=ZONE_NAMES[key]))
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    raise TimestampError(f"unknown zone name {str(name)[:12]!r}; write the offset, e.g. +02:00")


def _parse_text(text: str) -> datetime:
    """An aware datetime, or a naive one when the text names no zone at all."""
    candidate = text.replace("Z", "+00:00") if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    try:
        return datetime.strptime(text, _TWITTER_FORMAT)
    except ValueError:
        pass
    if _RFC2822.match(text) and _RFC_ZONE.search(text):
        parts = parsedate_tz(text)  # it reads an unknown zone name as +0000: only numeric offsets here
        if parts is not None and parts[9] is not None:
            try:
                return datetime(*parts[:6], tzinfo=timezone(timedelta(seconds=parts[9])))
            except ValueError:
                raise TimestampError(f"not a real date: {text[:60]!r}") from None
    if _POSIX_OFFSET.search(text):
        raise TimestampError(f"{text[:60]!r}: UTC+N is read the other way round by POSIX; write +NN:00")
    day_month = _DAY_MONTH.match(text)
    if day_month and day_month.group(1) != day_month.group(2) and max(map(int, day_month.groups())) <= 12:
        raise TimestampError(f"{text[:60]!r}: day and month could be either way round; use ISO 2026-05-02")
    from dateutil import parser  # only here: most sources give ISO or epochs

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # UnknownTimezoneWarning: never a silent UTC
            dt = parser.parse(text, default=_NO_DATE, tzinfos=_zone)
    except TimestampError:
        raise
    except (ValueError, OverflowError, parser.ParserError, Warning):
        raise TimestampError(f"unrecognised time format: {text[:60]!r}") from None
    if dt.year == 1 and "0001" not in text:
        raise TimestampError(f"no date in {text[:60]!r}")
    return dt


def parse_timestamp(value) -> tuple[int, str]:
    """Return ``(utc_epoch_seconds, raw_string)``.

    Accepts epoch seconds (int, float or numeric string; milliseconds are recognised) and the
    text forms in the module docstring. Raises ``TimestampError`` otherwise.
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
    if len(text) > 200:
        raise TimestampError(f"not a time: {text[:40]!r}…")
    dt = _parse_text(text)
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
    try:
        dt = _parse_text(text)
    except TimestampError:
        return None
    off = dt.utcoffset()
    return None if off is None else int(off.total_seconds() // 60)


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
