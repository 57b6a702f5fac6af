"""RSS/Atom collector against a real HTTP server on 127.0.0.1: raw date strings kept,
conditional GET on later runs, 429 with an HTTP-date Retry-After, idempotence."""

from __future__ import annotations

import email.utils
from pathlib import Path

import pytest

from triage.collectors import live as collect
from triage.config import CollectorConfig
from triage.collectors.http_client import HttpSettings

from .fixtures.collectors.fixtures import store  # noqa: F401 - a pytest fixture
from .fixtures.collectors.replay import FakeClock, Reply, ReplayServer

FEEDS = Path(__file__).parent / "fixtures" / "collectors" / "feeds"
LAST_MODIFIED = "Tue, 14 May 2024 08:30:00 GMT"


def answer(req):
    if req.path == "/news.rss":
        if req.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, (FEEDS / "local_news.rss").read_bytes(),
                     {"Content-Type": "application/rss+xml; charset=utf-8", "ETag": '"v1"'})
    if req.path == "/forum.atom":
        if req.headers.get("if-modified-since") == LAST_MODIFIED:
            return Reply(304)
        return Reply(200, (FEEDS / "forum.atom").read_bytes(),
                     {"Content-Type": "application/atom+xml", "Last-Modified": LAST_MODIFIED})
    return Reply(404, "not here", {"Content-Type": "text/plain"})


@pytest.fixture
def server():
    with ReplayServer(answer) as srv:
        yield srv


def run(store, server, clock, name="feeds"):
    opts = {"feeds": [f"{server.url}/news.rss", f"{server.url}/forum.atom"]}
    return collect.run_one(store, CollectorConfig(name, "rss", opts), analyst="tester",
                           http=HttpSettings(sleep=clock.sleep, clock=clock.time))


def test_feed_entries_become_posts_keeping_the_raw_date_string(store, server):
    clock = FakeClock()
    server.fail(Reply(429, "slow down", {"Retry-After": email.utils.formatdate(clock.now + 30, usegmt=True)}),
                lambda r: r.path == "/forum.atom")
    result = run(store, server, clock)
    assert result.error is None
    assert clock.sleeps == [30.0]
    host = server.url.split("//")[1]
    rows = {r[0]: r for r in store.conn.execute(
        "SELECT p.external_id, p.text, a.handle, p.created_at, p.created_raw, p.hashtags, p.lang, p.url, p.source "
        "FROM posts p JOIN authors a ON a.id = p.author_id")}
    bridge = rows["gazette-2024-0514-001"]
    assert bridge[1] == ("Bridge repairs extended until June\n\n"
                         "The council said the works would continue & traffic will be diverted.")
    assert bridge[2:7] == ("Priya Shah", 1715670900, "Tue, 14 May 2024 08:15:00 +0100", '["Transport"]', "en-gb")
    assert bridge[8] == f"rss:{host}"
    arrest = rows["https://gazette.example/news/school-gate-arrest"]
    assert arrest[4] == "Mon, 13 May 2024 17:40:00 -0400" and arrest[3] == 1715636400
    assert arrest[1].endswith("Officers said the man had posted online before the incident.\n\nNo one was hurt.")
    undated = rows["https://gazette.example/news/allotments"]
    assert undated[4] == "" and undated[2] == "Riverside Gazette"  # no date: collection time, no hint
    forum = rows["tag:forum.example,2024:post-8812"]
    assert forum[1] == "Re: winter stoves\n\nLiquid fuel, every time.\nCanisters die below zero."
    assert forum[2:5] == ("quiet_hiker", 1715673480, "2024-05-14T09:58:00+02:00")
    assert [str(p) for p in result.summary.problems] == [
        f"{server.url}/news.rss: entry 4: 'published': unrecognised time format: 'sometime last week'"]


def test_a_second_run_asks_conditionally_and_stores_nothing_new(store, server):
    clock = FakeClock()
    run(store, server, clock)
    again = run(store, server, clock)
    assert again.summary.read == 0 and again.error is None
    last_two = server.requests[-2:]
    assert last_two[0].headers.get("if-none-match") == '"v1"'
    assert last_two[1].headers.get("if-modified-since") == LAST_MODIFIED
    fresh = run(store, server, clock, name="other")  # no cursor: everything again, nothing added
    assert fresh.summary.read == 4 and fresh.summary.added == 0


def test_a_feed_url_that_is_not_http_is_refused(store, server):
    result = collect.run_one(store, CollectorConfig("bad", "rss", {"feeds": ["file:///etc/passwd"]}),
                             analyst="tester")
    assert result.error == "rss: feed 'file:///etc/passwd' is not an http(s) URL"


def test_an_entry_past_the_size_limit_is_one_line_and_the_others_are_kept(store):
    big = "<p>" + "w " * 60_000 + "</p>"
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
            '<item><guid>a</guid><title>small one</title><description>fine</description></item>'
            f'<item><guid>b</guid><title>huge one</title><description><![CDATA[{big}]]></description></item>'
            '<item><guid>c</guid><title>after it</title><description>also fine</description></item>'
            '</channel></rss>')
    clock = FakeClock()
    with ReplayServer(lambda r: Reply(200, feed, {"Content-Type": "application/rss+xml"})) as srv:
        result = collect.run_one(store, CollectorConfig("big", "rss", {"feeds": [f"{srv.url}/big.rss"]}),
                                 analyst="t", http=HttpSettings(sleep=clock.sleep, clock=clock.time))
    assert result.error is None
    assert sorted(r[0].rsplit("/", 1)[-1] for r in store.conn.execute("SELECT external_id FROM posts")) == ["a", "c"]
    assert [str(p) for p in result.summary.problems] == [
        f"{srv.url}/big.rss: entry 2: 'title and content': 120,009 characters, over the 100,000 allowed"]
