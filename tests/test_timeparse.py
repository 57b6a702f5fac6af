from __future__ import annotations

import pytest

from triage.timeparse import TimestampError, parse_timestamp, utc_offset_minutes


@pytest.mark.parametrize("value,epoch,offset", [
    (1780000000, 1780000000, None),
    ("1780000000", 1780000000, None),
    (1780000000123, 1780000000, None),  # milliseconds
    ("2026-08-14T22:31:05+02:00", 1786739465, 120),
    ("2026-08-14T20:31:05Z", 1786739465, 0),
    ("2026-08-14T20:31:05", 1786739465, None),  # no offset: read as UTC
    ("Fri Aug 14 20:31:05 +0000 2026", 1786739465, 0),  # Twitter API
    ("Fri, 14 Aug 2026 15:31:05 -0500", 1786739465, -300),  # RSS (RFC 822)
    ("2026-08-15T02:01:05+05:30", 1786739465, 330),
])
def test_formats(value, epoch, offset):
    got, raw = parse_timestamp(value)
    assert got == epoch and raw == str(value)
    assert utc_offset_minutes(str(value)) == offset


@pytest.mark.parametrize("value", ["", None, "soon", True, float("nan"), [1]])
def test_rejects(value):
    with pytest.raises(TimestampError):
        parse_timestamp(value)


@pytest.mark.parametrize("value, iso_utc, offset", [
    ("May 2, 2026 10:50 PM", "2026-05-02T22:50:00", None),  # once read as 10:50 UTC
    ("May 2, 2026 10:50 AM", "2026-05-02T10:50:00", None),
    ("May 2, 2026 10:50 PM CET", "2026-05-02T21:50:00", 60),  # once read as UTC
    ("Sat, 02 May 2026 22:50:00 CEST", "2026-05-02T20:50:00", 120),
    ("Sat, 02 May 2026 22:50:00 EST", "2026-05-03T03:50:00", -300),
    ("2026-05-02 22:50:00 -0500 (EST)", "2026-05-03T03:50:00", -300),
    ("Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00", 0),
])
def test_human_dates_honour_am_pm_and_named_zones(value, iso_utc, offset):
    from datetime import datetime, timezone

    epoch, _raw = parse_timestamp(value)
    assert datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") == iso_utc
    assert utc_offset_minutes(value) == offset


@pytest.mark.parametrize("value, why", [
    ("2026-05-02 22:50 IST", "ambiguous"),
    ("Sat, 02 May 2026 22:50:00 CST", "ambiguous"),
    ("Sat, 02 May 2026 22:50:00 XYZ", "unknown zone name"),  # email.utils read this as +0000
    ("2026-05-02 22:50 UTC+3", "POSIX"),
    ("02/05/2026 10:00", "either way round"),
    ("10:50 PM", "no date"),
])
def test_ambiguous_or_unknown_zones_are_refused_never_utc(value, why):
    with pytest.raises(TimestampError, match=why):
        parse_timestamp(value)
    assert utc_offset_minutes(value) is None
