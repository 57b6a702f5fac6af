"""Behaviour change: planted rises and new targets are found in the right ISO week and marked
on the author's posts as behavior_change hits the queue can show."""

from __future__ import annotations

import random

import pytest

from triage.analytics import synth
from triage.analytics.changes import WeekCount, detect_changes, refresh_changes, weekly_series
from triage.analytics.profile import author_profile
from triage.analytics.weeks import parse_week, week_start
from triage.store import Store

RISE_WEEK = "2026-W11"
FIRST = parse_week("2026-W01")
WEEKS = 16


def weekly_posts(rng: random.Random, per_week: int = 10) -> list[int]:
    return sorted(week_start(FIRST + w) + rng.randrange(7 * 86_400) for w in range(WEEKS) for _ in range(per_week))


def plant(store: Store, handle: str, times: list[int], indicators_of) -> list[int]:
    """Add the author's posts and tag each with indicators_of(index, time)."""
    res = store.add_posts(synth.records(handle, times))
    ids = list(res.new_ids())
    synth.tag(store, {pid: indicators_of(i, t) for i, (pid, t) in enumerate(zip(ids, times))})
    return ids


@pytest.fixture
def store(tmp_path):
    rng = random.Random(11)
    rise = week_start(parse_week(RISE_WEEK))
    with Store.open(tmp_path / "c.db") as s:
        # Escalating: 1 in 20 posts violent, then 6 in 10 from the rise week.
        plant(s, "escalator", weekly_posts(rng),
              lambda i, t: ["threat"] if (t >= rise and i % 5 < 3) or i % 20 == 0 else [])
        # Steady: a quarter of posts violent all along, and some distress (not violent).
        plant(s, "steady", weekly_posts(rng), lambda i, t: ["weapons"] if i % 4 == 0 else ["distress"] if i % 3 else [])
        # New target: steady weapons talk, then "City Hall" named from week 9 (same share).
        target_week = week_start(FIRST + 9)
        plant(s, "fixated", weekly_posts(rng),
              lambda i, t: ([("target", "City Hall")] if t >= target_week and i % 5 == 0
                            else ["weapons"] if i % 5 == 0 else []))
        yield s


def test_rise_week_is_found_with_rates_before_and_after(store):
    prof = author_profile(store, "escalator")
    assert prof.change_points == [RISE_WEEK]
    (change,) = prof.changes
    assert change.kind == "share" and change.week == RISE_WEEK
    assert change.rate_before < 0.1 < 0.5 < change.rate_after
    assert change.p_value < 1e-6 and change.llr > 30
    assert prof.to_json()["change_points"] == [RISE_WEEK]


def test_steady_author_has_no_change(store):
    assert author_profile(store, "steady").changes == []


def test_new_target_is_a_change_of_focus(store):
    changes = author_profile(store, "fixated").changes
    assert [(c.kind, c.week, c.target) for c in changes] == [("target", "2026-W10", "city hall")]
    assert changes[0].rate_before == 0.0 and changes[0].hits_after >= 3


def test_refresh_marks_posts_from_the_change_week_for_the_queue(store):
    result = refresh_changes(store)
    assert result.authors_changed == 2 and result.changes == 2
    conn = store.conn
    marked = conn.execute(
        "SELECT a.handle, MIN(p.created_at), COUNT(*) FROM hits h JOIN posts p ON p.id = h.post_id "
        "JOIN authors a ON a.id = p.author_id WHERE h.indicator = 'behavior_change' AND h.origin = 'analytics' "
        "GROUP BY a.handle ORDER BY a.handle").fetchall()
    assert [m[0] for m in marked] == ["escalator", "fixated"]
    assert marked[0][1] >= week_start(parse_week(RISE_WEEK))
    # The badge column agrees with the hits, and the detector's own indicators stay.
    rows = conn.execute("SELECT indicators FROM posts WHERE id IN (SELECT post_id FROM hits "
                        "WHERE indicator = 'behavior_change')").fetchall()
    assert rows and all(r[0].split(",") == ["behavior_change", "threat"] or "target" in r[0] for r in rows)
    stored = conn.execute("SELECT week, kind, p_value < 0.01 FROM author_changes ORDER BY week").fetchall()
    assert stored == [("2026-W10", "target", 1), (RISE_WEEK, "share", 1)]


def test_refresh_is_idempotent_survives_retag_and_clears_a_change_that_went_away(store):
    first = refresh_changes(store)
    count = lambda: store.conn.execute("SELECT COUNT(*) FROM hits WHERE indicator = 'behavior_change'").fetchone()[0]
    n = count()
    assert refresh_changes(store).posts_marked == first.posts_marked and count() == n
    # A retag replaces every hit of a post: the marks go, and the next refresh puts them back.
    escalator = [r[0] for r in store.conn.execute(
        "SELECT p.id FROM posts p JOIN authors a ON a.id = p.author_id WHERE a.handle = 'escalator'")]
    violent = [pid for pid in escalator if "threat" in (store.conn.execute(
        "SELECT indicators FROM posts WHERE id = ?", (pid,)).fetchone()[0] or "")]
    synth.tag(store, {pid: ["threat"] for pid in violent})
    assert count() < n
    refresh_changes(store)
    assert count() == n
    # The detector changes its mind: nothing violent any more, so the change and its marks go.
    synth.tag(store, {pid: [] for pid in violent})
    refresh_changes(store)
    assert store.conn.execute("SELECT COUNT(*) FROM author_changes a JOIN authors u ON u.id = a.author_id "
                              "WHERE u.handle = 'escalator'").fetchone()[0] == 0
    assert not any("behavior_change" in (r[0] or "") for r in store.conn.execute(
        f"SELECT indicators FROM posts WHERE id IN ({','.join(map(str, escalator))})"))


def test_energy_burst_is_a_volume_change_when_the_share_stays():
    # Three posts a week, one violent; from the 11th week twelve a week, four violent: the share
    # is a third throughout, the violent posts a week quadruple.
    series = [WeekCount(FIRST + i, 3, 1) for i in range(10)] + [WeekCount(FIRST + i, 12, 4) for i in range(10, 15)]
    (change,) = detect_changes(series)
    assert (change.kind, change.week) == ("volume", RISE_WEEK)
    assert (change.rate_before, change.rate_after) == (1.0, 4.0) and change.p_value < 0.01
    assert change.describe().startswith("2026-W11: violent posts a week 1.0 -> 4.0")


def test_series_and_small_numbers():
    assert weekly_series([]) == []
    series = weekly_series([(FIRST, "threat", 1), (FIRST + 3, "", 1), (FIRST, None, 0)])
    assert [(w.posts, w.hits) for w in series] == [(1, 1), (0, 0), (0, 0), (1, 0)]
    # Two violent posts after a quiet start are not enough to call a change.
    tiny = [WeekCount(FIRST + i, 5, 0) for i in range(6)] + [WeekCount(FIRST + 6, 2, 2)] * 1
    tiny += [WeekCount(FIRST + 7, 3, 0)]
    assert detect_changes(tiny) == []
