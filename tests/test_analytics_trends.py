"""Trend monitoring: a planted spike is found store-wide and in its source, not elsewhere, and a
read-only reader (index behind) sees the same as a refreshed one."""

from __future__ import annotations

import dataclasses
import random

import pytest

from triage.analytics import synth
from triage.analytics.derived import refresh_derived
from triage.analytics.terms import post_terms
from triage.analytics.trends import trends
from triage.analytics.weeks import parse_week, week_start
from triage.store import Store

WORDS = "coffee weather train football garden dinner music movie office weekend dog rain".split()
SPIKE_WEEK = "2026-W12"


def week_posts(rng, source, week, n, spike=0, who=""):
    start = week_start(parse_week("2026-W03") + week)
    texts, tags = [], []
    for i in range(n):
        words = rng.sample(WORDS, 3)
        if i < spike:
            words.append("floodwater")
        texts.append(" ".join(words) + (" #StormKestrel" if i < spike else ""))
        tags.append(["StormKestrel"] if i < spike else [])
    times = sorted(start + rng.randrange(7 * 86_400) for _ in range(n))
    return synth.records(f"{source}{who}-w{week}", times, source=source, texts=texts, hashtags=lambda i: tags[i])


@pytest.fixture
def db(tmp_path):
    rng = random.Random(5)
    path = tmp_path / "tr.db"
    with Store.open(path) as s:
        for week in range(10):  # W03..W12; the spike in the last week, on one source
            s.add_posts(week_posts(rng, "news", week, 60, spike=25 if week == 9 else (1 if week == 4 else 0)))
            s.add_posts(week_posts(rng, "chat", week, 40))
    return path


def test_planted_spike_is_found_store_wide_and_in_its_source(db):
    with Store.open(db) as s:
        refresh_derived(s)
        report = trends(s.conn)
        assert report.week == SPIKE_WEEK and report.posts == 100 and report.baseline_posts == 800
        assert {i.term for i in report.items[:2]} == {"#stormkestrel", "floodwater"}
        top = report.items[0]
        assert top.posts == 25 and top.baseline_posts <= 1 and top.ratio > 10
        assert not {"coffee", "weather"} & {i.term for i in report.items}
        assert {i.term for i in trends(s.conn, source="news").items[:2]} == {"#stormkestrel", "floodwater"}
        assert trends(s.conn, source="chat").items == []
        assert trends(s.conn, week="2026-W08").items == []


def test_read_only_reader_counts_the_unindexed_tail_the_same(db):
    with Store.open(db, readonly=True) as ro:
        tail_only = trends(ro.conn)  # nothing indexed yet: every post is tail
    with Store.open(db) as s:
        refresh_derived(s)
        indexed = trends(s.conn)
        s.add_posts(week_posts(random.Random(9), "news", 9, 5, spike=5, who="-late"))  # more of the spike, unindexed
    with Store.open(db, readonly=True) as ro:
        later = trends(ro.conn)
    strip = lambda r: [dataclasses.replace(i) for i in r.items]  # noqa: E731
    assert strip(tail_only) == strip(indexed)
    assert later.items[0].posts == 30 and later.posts == 105


def test_no_baseline_and_no_posts(tmp_path):
    with Store.open(tmp_path / "e.db") as s:
        assert trends(s.conn).reason == "no posts"
        s.add_posts(week_posts(random.Random(1), "news", 0, 10))
        assert trends(s.conn).reason.startswith("no baseline")


def test_terms_of_a_post():
    terms = post_terms("RT @someone: The Storm is coming!!! see https://x.example/a #StormKestrel don't panic",
                       '["Weather"]')
    assert terms == {"storm", "coming", "see", "panic", "#stormkestrel", "#weather"}
