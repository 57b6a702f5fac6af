"""UTC-offset inference: generated authors with known offsets, noise and chronotypes."""

from __future__ import annotations

import random

import pytest

from triage.analytics import synth
from triage.analytics.offset_eval import evaluate, markdown
from triage.analytics.profile import author_profile
from triage.analytics.tzinfer import MIN_POSTS, format_offset, infer_offset, raw_offset_minutes
from triage.store import Store
from triage.timeparse import utc_offset_minutes


@pytest.mark.parametrize("offset", [-8, -5, 0, 1, 3, 5.5, 9, 12])
def test_offset_of_a_regular_author_is_found_within_an_hour(offset):
    rng = random.Random(int(offset * 10) + 7)
    person = synth.persona(rng, offset=offset, chronotype_sd=0.5)
    est = infer_offset(synth.post_times(rng, person, 300))
    assert est.utc_offset is not None
    assert abs(est.utc_offset - offset) <= 1.0, est
    assert est.confidence > 0.5
    assert len(est.quiet_hours_utc) == 6 and est.candidates[0].offset == est.utc_offset


def test_too_few_posts_gives_no_offset():
    rng = random.Random(1)
    est = infer_offset(synth.post_times(rng, synth.persona(rng, offset=2), MIN_POSTS - 1))
    assert est.utc_offset is None and est.confidence == 0.0
    assert est.reason == f"too few posts ({MIN_POSTS - 1} < {MIN_POSTS})"


def test_posts_spread_evenly_over_the_day_have_no_offset():
    rng = random.Random(6)
    times = [synth.START + rng.randrange(120 * 86_400) for _ in range(2000)]  # a scheduler, not a person
    est = infer_offset(times)
    assert est.utc_offset is None and est.reason.startswith("no daily rhythm")
    assert infer_offset(times, [120] * 2000).utc_offset == 2.0  # its timestamps still say where it is


def test_timestamp_offsets_decide_even_half_hours_and_utc_says_nothing():
    rng = random.Random(2)
    person = synth.persona(rng, offset=5.5, chronotype_sd=0.0)
    times = synth.post_times(rng, person, 40)
    with_raw = infer_offset(times, [330] * 40)
    assert with_raw.utc_offset == 5.5 and with_raw.confidence > 0.9
    assert with_raw.raw_offsets[0].offset == 5.5
    # "+00:00" on every post (an API that normalises to UTC) must not pull the answer to 0.
    assert infer_offset(times, [0] * 40).utc_offset == infer_offset(times).utc_offset
    # A handful of posts with an offset in their timestamp suffice below the activity minimum.
    assert infer_offset(times[:5], [-240] * 5).utc_offset == -4.0


def test_geotags_pull_towards_longitude_over_15():
    rng = random.Random(3)
    person = synth.persona(rng, offset=9, chronotype_sd=2.5)  # a rhythm far off the typical one
    times = synth.post_times(rng, person, 60)
    est = infer_offset(times, longitudes=[139.7] * 10)  # Tokyo
    assert abs(est.utc_offset - 9) <= 1 and est.geotagged == 10 and est.geo_offset == pytest.approx(9.3)


@pytest.mark.parametrize("raw", [
    "2026-08-14T22:31:05+02:00", "2026-08-14T20:31:05.000Z", "2026-08-14 20:31:05-0430", "2026-08-14T20:31:05",
    "Wed Oct 10 20:19:24 +0000 2026", "Tue, 03 Mar 2026 14:00:00 +0100", "Tue, 03 Mar 2026 14:00:00 GMT",
    "1780000000", "1780000000.5", "", "not a time",
])
def test_fast_raw_offset_parse_agrees_with_timeparse(raw):
    assert raw_offset_minutes(raw) == utc_offset_minutes(raw)


def test_profile_uses_raw_timestamps_and_geotags_from_the_store(tmp_path):
    rng = random.Random(4)
    times = synth.post_times(rng, synth.persona(rng, offset=-3), 30)
    from datetime import datetime, timedelta, timezone

    zone = timezone(timedelta(hours=-3))
    recs = synth.records("rio", times, created_raw=lambda i: datetime.fromtimestamp(times[i], zone).isoformat(),
                         lat=lambda i: -22.9 if i < 3 else None, lon=lambda i: -43.2 if i < 3 else None)
    with Store.open(tmp_path / "s.db") as store:
        store.add_posts(recs)
        prof = author_profile(store, "rio")
    assert prof.offset.utc_offset == -3.0
    assert [(r.offset, r.posts) for r in prof.offset.raw_offsets] == [(-3.0, 30)]
    assert prof.offset.geotagged == 3
    assert prof.to_json()["utc_offset"] == -3.0


def test_accuracy_table_grows_with_posts_and_prints():
    rows = evaluate(post_counts=(10, 50, 300), trials=40, seed=1)
    assert rows[0].answered == 0  # 10 posts: "too few posts"
    assert rows[2].accuracy >= rows[1].accuracy - 0.1 and rows[2].accuracy > 0.6
    table = markdown(rows)
    assert table.splitlines()[0].startswith("| posts |") and len(table.splitlines()) == 5


def test_format_offset():
    assert [format_offset(x) for x in (5.5, -3, 0, None)] == ["UTC+05:30", "UTC-03:00", "UTC+00:00", "unknown"]
