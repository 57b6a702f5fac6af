"""Indicator timeline and posting hours: exact counts on a real store."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from triage.analytics import synth
from triage.analytics.hours import UnknownZone, hour_histogram
from triage.analytics.profile import author_profile
from triage.analytics.timeline import author_timeline
from triage.analytics.weeks import parse_week, week_index, week_label, week_start
from triage.store import Store


def ts(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


# Monday 2026-03-30 is the first day of 2026-W14; 2026-W15 is empty; W16 starts 2026-04-13.
TIMES = [ts("2026-03-30T08:00"), ts("2026-04-05T23:59"), ts("2026-04-06T00:00") + 86_400 * 7,
         ts("2026-04-14T10:00"), ts("2026-05-02T12:00")]
INDICATORS = [["threat", "weapons"], [], ["threat"], ["distress"], ["threat"]]


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "t.db") as s:
        s.add_posts(synth.records("tess", TIMES))
        synth.tag(s, {i + 1: inds for i, inds in enumerate(INDICATORS)})
        yield s


def test_weekly_timeline_counts_are_exact_and_gaps_are_filled(store):
    tl = author_timeline(store.conn, [1], "week")
    assert tl.labels == ["2026-W14", "2026-W15", "2026-W16", "2026-W17", "2026-W18"]
    assert [b.posts for b in tl.buckets] == [2, 0, 2, 0, 1]
    assert tl.series("threat") == [1, 0, 1, 0, 1]
    assert tl.series("weapons") == [1, 0, 0, 0, 0]
    assert tl.series("distress") == [0, 0, 1, 0, 0]
    assert [b.flagged for b in tl.buckets] == [1, 0, 2, 0, 1]
    assert tl.totals == {"threat": 3, "weapons": 1, "distress": 1}
    assert tl.present == ["threat", "weapons", "distress"]
    assert tl.buckets[0].start == ts("2026-03-30T00:00")


def test_daily_and_monthly_timelines(store):
    months = author_timeline(store.conn, [1], "month")
    assert months.labels == ["2026-03", "2026-04", "2026-05"]
    assert [b.posts for b in months.buckets] == [1, 3, 1]
    days = author_timeline(store.conn, [1], "day")
    assert days.labels[0] == "2026-03-30" and days.labels[-1] == "2026-05-02"
    assert len(days.buckets) == 34 and sum(b.posts for b in days.buckets) == 5


def test_iso_week_helpers_round_trip():
    for label in ("2026-W01", "2026-W14", "2026-W53", "2027-W01", "2020-W53"):
        assert week_label(parse_week(label)) == label
    # 2026 began on a Thursday, so it has 53 ISO weeks and Friday 2027-01-01 is in the last.
    assert week_label(week_index(ts("2027-01-01T12:00"))) == "2026-W53"
    assert week_start(parse_week("2026-W14")) == ts("2026-03-30T00:00")
    with pytest.raises(ValueError):
        parse_week("2026-14")


def test_hours_in_utc_and_in_a_zone_with_daylight_saving():
    summer, winter = ts("2026-07-01T12:30"), ts("2026-01-15T12:30")  # Berlin: 14:30 CEST, 13:30 CET
    hist = hour_histogram([summer, winter, winter + 3600], "Europe/Berlin")
    assert hist.utc[12] == 2 and hist.utc[13] == 1 and sum(hist.utc) == 3
    assert hist.local[14] == 2 and hist.local[13] == 1  # 13:30 UTC winter -> 14:30 CET
    assert hist.weekday_hour[2][14] == 1  # 2026-07-01 is a Wednesday
    assert hist.weekday_hour[3][13] == 1 and hist.weekday_hour[3][14] == 1  # 2026-01-15 a Thursday
    utc_only = hour_histogram([summer])
    assert utc_only.local is None and utc_only.weekday_hour[2][12] == 1
    assert hist.at_offset(-5)[7] == 2 and hist.at_offset(5.5)[17] == 2
    with pytest.raises(UnknownZone):
        hour_histogram([summer], "Mars/Olympus")


def test_profile_bundles_timeline_and_hours(store):
    prof = author_profile(store, "tess", zone="Asia/Tokyo")
    assert prof.posts == 5 and prof.flagged == 4
    assert prof.hours.zone == "Asia/Tokyo" and prof.hours_local[17] == 1  # 08:00 UTC = 17:00 JST
    assert prof.offset.utc_offset is None  # 5 posts: too few
    data = prof.to_json()
    assert list(data)[:8] == ["author", "posts", "hours_utc", "hours_local", "utc_offset", "offset_confidence",
                              "change_points", "timeline"]
    assert data["timeline"]["buckets"][0]["indicators"] == {"threat": 1, "weapons": 1}


@pytest.mark.parametrize("granularity", ["week", "day", "month"])
def test_sql_buckets_agree_with_python(tmp_path, granularity):
    import random

    from triage.analytics.weeks import bucket_index
    from triage.store import analytics_queries as aq

    rng = random.Random(granularity)
    times = sorted(rng.randrange(1_600_000_000, 1_900_000_000) for _ in range(300))
    times += [ts("2026-12-31T23:59"), ts("2027-01-01T00:00"), ts("2026-03-01T00:00") - 1]
    with Store.open(tmp_path / "b.db") as s:
        s.add_posts(synth.records("b", times))
        got = sorted(b for b, _, _, _ in aq.author_bucket_counts(s.conn, [1], granularity))
    assert got == sorted({bucket_index(t, granularity) for t in times})
