"""Overview aggregates (with their cache) and sentiment toward a named target."""

from __future__ import annotations

import random

import pytest

from triage.analytics import synth
from triage.analytics.changes import refresh_changes
from triage.analytics.overview import overview
from triage.analytics.sentiment import fts_phrase, score_toward, sentiment_trend
from triage.analytics.weeks import parse_week, week_start
from triage.store import Store

W1 = parse_week("2026-W20")


@pytest.fixture
def store(tmp_path):
    rng = random.Random(3)
    with Store.open(tmp_path / "o.db") as s:
        # Ten weeks of an escalating author on "x" and a calm one on "rss".
        times = sorted(week_start(W1 + w) + rng.randrange(604_800) for w in range(10) for _ in range(10))
        ids = list(s.add_posts(synth.records("riser", times, source="x")).new_ids())
        synth.tag(s, {pid: ["threat"] if (i >= 60 and i % 2) else [] for i, pid in enumerate(ids)}, score=0.7)
        calm = list(s.add_posts(synth.records("calm", times[:20], source="rss")).new_ids())
        synth.tag(s, {calm[0]: ["distress"]}, score=0.6)
        s.set_disposition([ids[61]], "escalate", "ana")
        yield s


def test_overview_heat_map_sources_and_riskiest_authors(store):
    refresh_changes(store)
    ov = overview(store)
    assert ov.weeks[-1] == "2026-W29" and len(ov.weeks) == 12 and len(ov.week_starts) == 12
    threat = next(r for r in ov.heatmap if r.indicator == "threat")
    assert sum(threat.counts) == 20 and threat.counts[-4:] == [5, 5, 5, 5]
    change = next(r for r in ov.heatmap if r.indicator == "behavior_change")
    assert sum(change.counts) == 20
    assert [(s.source, s.posts, s.flagged, s.unreviewed) for s in ov.sources] == [("rss", 20, 1, 1),
                                                                                   ("x", 100, 20, 19)]
    top = ov.top_authors[0]
    assert top.author.ref == "x:riser" and top.flagged == 20 and top.latest_change.week == "2026-W26"
    assert top.risk > ov.top_authors[1].risk
    assert ov.trending.week == "2026-W29"


def test_overview_is_cached_until_the_data_changes(store):
    first = overview(store)
    again = overview(store)
    assert not first.from_cache and again.from_cache and again.stamp == first.stamp
    with Store.open(store.path, readonly=True) as ro:
        assert overview(ro).from_cache  # the cache table serves other processes too
    store.add_posts(synth.records("late", [week_start(W1 + 9) + 5], source="x"))
    fresh = overview(store)
    assert not fresh.from_cache and fresh.sources[1].posts == 101


def test_sentiment_toward_a_target_by_week(tmp_path):
    texts = ["I love my dog. The mayor is a disgusting liar and a criminal.",  # negative toward the mayor
             "Mayor Smith opened the lovely new park, great day",
             "the weather is awful today",  # does not name the target
             "I hate the mayor so much, worst person ever"]
    times = [week_start(W1), week_start(W1) + 10, week_start(W1 + 1), week_start(W1 + 1) + 5]
    with Store.open(tmp_path / "s.db") as s:
        s.add_posts(synth.records("v", times, texts=texts))
        trend = sentiment_trend(s.conn, "the Mayor")
    assert trend.posts == 3 and [w.week for w in trend.weeks] == ["2026-W20", "2026-W21"]
    assert trend.weeks[0].posts == 2 and trend.weeks[0].negative_share == 0.5
    assert trend.weeks[1].mean < -0.5 and trend.negative_share == pytest.approx(2 / 3, abs=1e-3)
    assert score_toward(texts[0], "dog") > 0 > score_toward(texts[0], "mayor")
    assert fts_phrase('Kellerton "City" Hall') == '"Kellerton City Hall"'
    with pytest.raises(ValueError):
        fts_phrase("!!!")


def test_riskiest_authors_shortcut_matches_scoring_everyone():
    from triage.analytics.overview import _riskiest
    from triage.analytics.risk import author_risk

    rng = random.Random(9)
    per_author = {a: [rng.choice((0.5, 0.6, 0.7, 0.9)) for _ in range(rng.randint(1, 6))] for a in range(2000)}
    strengths = {a: [rng.random()] for a in rng.sample(range(2000), 30)}
    brute = sorted(((author_risk(s, strengths.get(a, ())), a) for a, s in per_author.items()),
                   key=lambda x: (-x[0], x[1]))[:10]
    assert [(risk, a) for risk, a, _, _ in _riskiest(per_author, strengths, 10)] == brute
