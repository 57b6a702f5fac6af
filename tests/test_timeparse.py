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
