"""Mastodon collector against a real HTTP server on 127.0.0.1 speaking the /api/v1 format:
paging, 429/500/cut connections, rate-limit waits, resume from the cursor, idempotence."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from triage.collectors import live as collect
from triage.config import CollectorConfig
from triage.collectors.http_client import HttpSettings

from .fixtures.collectors.fixtures import clock, store  # noqa: F401 - pytest fixtures
from .fixtures.collectors.mastodon_api import FakeMastodon
from .fixtures.collectors.replay import Reply, ReplayServer, Request, cut

BASE_ID = 110_000_000_000_000_000


def sid(n: int) -> str:
    return str(BASE_ID + n)


@pytest.fixture
def fake():
    return FakeMastodon()


@pytest.fixture
def server(fake):
    with ReplayServer(fake.handle) as srv:
        yield srv


def run(store, server, clock, name="masto", batch_size=7, **options):
    opts = {"instance": server.url, "timelines": ["public"], "page_size": 5, **options}
    http = HttpSettings(sleep=clock.sleep, clock=clock.time, backoff_base=1.0)
    return collect.run_one(store, CollectorConfig(name, "mastodon", opts), analyst="tester", http=http,
                           batch_size=batch_size)


def stored_ids(db_path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return [r[0] for r in conn.execute("SELECT external_id FROM posts ORDER BY external_id")]
    finally:
        conn.close()


def test_first_run_takes_the_newest_pages_then_later_runs_page_forward_through_faults(
        store, server, fake, clock, db_path):
    fake.add(30)
    first = run(store, server, clock, first_pages=2)
    assert first.error is None and first.summary.added == 10
    assert stored_ids(db_path) == [sid(n) for n in range(21, 31)]
    assert store.collector_cursor("masto")["timelines"] == {"public": sid(30)}

    fake.add(23)  # 31..53 arrive while we were away
    page_after = lambda n: (lambda r: r.query.get("min_id") == sid(n))  # noqa: E731
    server.fail(Reply(429, {"error": "Too many requests"}, {"Retry-After": "7"}), page_after(30))
    server.fail(Reply(500, "<html>Internal Server Error</html>"), page_after(35))
    server.fail(cut(fake.handle(_req(server, min_id=sid(40), limit="5"))), page_after(40))
    second = run(store, server, clock, max_pages=25)
    assert second.error is None, second.error
    assert 7.0 in clock.sleeps  # Retry-After honoured
    assert stored_ids(db_path) == [sid(n) for n in range(21, 54)]  # nothing lost, nothing twice
    assert second.summary.added == 23 and second.summary.duplicates == 0
    assert store.collector_cursor("masto")["timelines"] == {"public": sid(53)}

    before = len(server.requests)
    third = run(store, server, clock)
    assert third.summary.added == 0 and third.summary.read == 0
    assert len(server.requests) == before + 1  # one empty page: caught up


def _req(server, **query):
    return Request("GET", "/api/v1/timelines/public", query, {"host": server.url.split("//")[1]})


def test_a_server_that_keeps_failing_ends_the_run_keeping_what_was_fetched(store, server, fake, clock, db_path):
    fake.add(5)
    run(store, server, clock)  # cursor at 5
    fake.add(20)  # 6..25
    server.fail(Reply(500, "oops"), lambda r: r.query.get("min_id") == sid(15), times=10)
    broken = run(store, server, clock, max_pages=25)
    assert broken.error is not None and "HTTP 500 (after 6 tries)" in broken.error
    assert stored_ids(db_path) == [sid(n) for n in range(1, 16)]  # pages before the failure are committed
    assert store.collector_cursor("masto")["timelines"]["public"] == sid(15)
    state = store.conn.execute("SELECT last_error, runs FROM collector_state WHERE name = 'masto'").fetchone()
    assert "HTTP 500" in state[0] and state[1] == 2

    server.faults.clear()
    healed = run(store, server, clock, max_pages=25)
    assert healed.error is None and healed.summary.added == 10
    assert stored_ids(db_path) == [sid(n) for n in range(1, 26)]
    assert store.conn.execute("SELECT last_error FROM collector_state WHERE name = 'masto'").fetchone()[0] is None


def test_rate_limit_remaining_zero_waits_until_the_reset_time(store, server, fake, clock):
    fake.add(12)
    fake.remaining = 0
    fake.reset = datetime.fromtimestamp(clock.now + 42, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    result = run(store, server, clock, first_pages=3)
    assert result.summary.added == 12
    assert clock.sleeps[0] == pytest.approx(42, abs=0.01)  # before the second request, not after the last


def test_statuses_become_posts_with_plain_text_mentions_tags_and_replies(store, server, fake, clock):
    fake.add(7)
    fake.add(1, content="<p>cw body</p>", spoiler_text="Content warning: rant")
    original = fake.statuses[0]
    fake.add(1, content="", reblog=original)  # a boost of status 1
    fake.add(1, content="", media_attachments=[{"id": "9", "type": "image"}])  # bare media: skipped
    fake.add(1, account=None)  # malformed
    fake.add(1, in_reply_to_id=12345)  # 12: an id must be a string
    fake.add(1, content="<p>" + "y" * 150_000 + "</p>")  # 13: past the length limit
    fake.add(1, tags=[{"name": {"nested": ["junk"]}}])  # 14
    fake.add(1, account={**fake.statuses[0]["account"], "display_name": ["\x1b]0;x\x07"]})  # 15
    result = run(store, server, clock, page_size=40)
    host = server.url.split("//")[1]
    rows = {r[0]: r for r in store.conn.execute(
        "SELECT p.external_id, p.source, p.text, a.handle, p.mentions, p.hashtags, p.reply_to, p.reply_to_author, "
        "p.created_raw, p.url FROM posts p JOIN authors a ON a.id = p.author_id")}
    assert {r[1] for r in rows.values()} == {f"mastodon:{host}"}
    assert rows[sid(2)][2] == "@bob I would never hurt anyone, you know that & so does everyone."
    assert rows[sid(2)][3] == "bob@other.example"  # acct: remote accounts carry their server
    assert rows[sid(2)][4] == '["bob@other.example"]' and rows[sid(2)][6:8] == (sid(1), "bob@other.example")
    assert rows[sid(1)][5] == '["football"]' and rows[sid(1)][3] == "carol"
    assert rows[sid(3)][2] == "Reading about the history of the town hall.\nLovely building, 1890s."
    assert rows[sid(4)][2] == "Link dump: https://news.example/story/123"
    assert rows[sid(8)][2] == "Content warning: rant\n\ncw body"
    assert rows[sid(1)][8] == "2024-05-01T12:07:00.000Z"
    assert sid(9) not in rows and sid(10) not in rows  # the boost is status 1; bare media has no text
    page = f"{server.url}/api/v1/timelines/public?limit=40"
    assert [str(p) for p in result.summary.problems] == [  # oldest first, as stored; never the value
        f"{page}: entry 5: status {sid(11)}: 'account': expected an object, got null",
        f"{page}: entry 4: status {sid(12)}: 'in_reply_to_id': expected text, got a number",
        f"{page}: entry 3: status {sid(13)}: 'content': 150,007 characters, over the 100,000 allowed",
        f"{page}: entry 2: status {sid(14)}: 'tags[0].name': expected text, got an object",
        f"{page}: entry 1: status {sid(15)}: 'account.display_name': expected text, got a list",
    ]
    assert sid(16) not in rows and len(rows) == 8


def test_hashtag_and_account_timelines_keep_separate_cursors(store, server, fake, clock, db_path):
    fake.add(14)
    result = run(store, server, clock, timelines=["tag:football", "account:bob@other.example"], first_pages=5)
    assert result.error is None
    cursor = store.collector_cursor("masto")
    assert set(cursor["timelines"]) == {"tag:football", "account:bob@other.example"}
    assert cursor["accounts"] == {"bob@other.example": "102"}
    football = {sid(n) for n in (1, 8)}
    bob = {sid(n) for n in range(1, 15) if n % 3 == 2}
    assert set(stored_ids(db_path)) == football | bob
    lookups = [r for r in server.requests if r.path == "/api/v1/accounts/lookup"]
    run(store, server, clock, timelines=["tag:football", "account:bob@other.example"])
    assert len([r for r in server.requests if r.path == "/api/v1/accounts/lookup"]) == len(lookups)  # id kept


def test_two_collectors_over_the_same_data_store_it_once(store, server, fake, clock):
    fake.add(9)
    first = run(store, server, clock, name="a", first_pages=5)
    second = run(store, server, clock, name="b", first_pages=5)  # no cursor: fetches it all again
    assert first.summary.added == 9
    assert second.summary.read == 9 and second.summary.added == 0


def test_a_bad_timeline_name_is_a_one_line_error(store, server, clock):
    result = run(store, server, clock, timelines=["home"])
    assert result.error == "mastodon: timeline 'home': use public, local, tag:NAME or account:ACCT"
    assert not server.requests
