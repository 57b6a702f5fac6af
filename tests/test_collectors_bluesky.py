"""Bluesky collector against a real HTTP server on 127.0.0.1 speaking the AppView's XRPC
format: facets by UTF-8 byte offsets, handles and DIDs, web URLs, replies and reposts,
paging back with resume (also after a walk cut short), 429/500/cut connections, and every
field checked at the boundary."""

from __future__ import annotations

import json
import sqlite3

import pytest

from triage.collectors import live as collect
from triage.config import CollectorConfig
from triage.collectors.http_client import HttpSettings

from .fixtures.collectors.bluesky_api import PEOPLE, FakeAppView, facet, post
from .fixtures.collectors.fixtures import clock, store  # noqa: F401 - pytest fixtures
from .fixtures.collectors.replay import Reply, ReplayServer, cut

SEARCH = "/xrpc/app.bsky.feed.searchPosts"
FEED = "/xrpc/app.bsky.feed.getAuthorFeed"


@pytest.fixture
def fake():
    return FakeAppView()


@pytest.fixture
def server(fake):
    with ReplayServer(fake.handle, gzip_bodies=True) as srv:
        yield srv


def run(store, server, clock, name="sky", **options):
    opts = {"service": server.url, "queries": ["post"], "page_size": 5, **options}
    http = HttpSettings(sleep=clock.sleep, clock=clock.time, backoff_base=1.0)
    return collect.run_one(store, CollectorConfig(name, "bluesky", opts), analyst="tester", http=http, batch_size=7)


def rkeys(db_path) -> list[int]:
    conn = sqlite3.connect(db_path)
    try:
        return sorted(int(r[0].rsplit("/", 1)[1][3:]) for r in conn.execute("SELECT external_id FROM posts"))
    finally:
        conn.close()


def test_facets_by_byte_offset_become_mentions_tags_and_full_links(store, server, fake, clock):
    # Emoji and accents before each facet: byte offsets differ from character offsets.
    text = "🌧️ Café talk with @bob.example.com about #Städtebau: example.com/articles/2024/05/ci... 🚲"
    fake.put(post(1, text, facets=[
        facet(text, "@bob.example.com", {"$type": "app.bsky.richtext.facet#mention", "did": PEOPLE[1][0]}),
        facet(text, "#Städtebau", {"$type": "app.bsky.richtext.facet#tag", "tag": "Städtebau"}),
        facet(text, "example.com/articles/2024/05/ci...",
              {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/articles/2024/05/city-plan"}),
    ], tags=["urbanism"]))
    anchor = "read the post here"
    fake.put(post(2, f"post two: {anchor}", facets=[
        facet(f"post two: {anchor}", anchor, {"$type": "app.bsky.richtext.facet#link", "uri": "https://news.example/x"})]))
    fake.put(post(3, "post three, a reply", reply_to=fake.posts[0]))
    fake.put(post(4, "post four with a mention whose offsets run past the end", facets=[
        {"index": {"byteStart": 40, "byteEnd": 400},
         "features": [{"$type": "app.bsky.richtext.facet#mention", "did": PEOPLE[0][0]}]}]))
    fake.add(1, text="")  # an image post with no words: nothing to store
    result = run(store, server, clock, queries=["a"], page_size=100)
    assert result.error is None and result.summary.problem_count == 0
    rows = {r[0].rsplit("/", 1)[1]: r for r in store.conn.execute(
        "SELECT p.external_id, p.text, a.handle, p.mentions, p.hashtags, p.url, p.reply_to, p.created_raw, p.lang, "
        "p.source, p.author_id FROM posts p JOIN authors a ON a.id = p.author_id")}
    assert set(rows) == {f"3kq{n:010d}" for n in (1, 2, 3, 4)}
    first = rows["3kq0000000001"]
    assert first[1] == ("🌧️ Café talk with @bob.example.com about #Städtebau: "
                        "https://example.com/articles/2024/05/city-plan 🚲")
    assert json.loads(first[3]) == ["bob.example.com"] and json.loads(first[4]) == ["Städtebau", "urbanism"]
    did, handle = PEOPLE[1][0], PEOPLE[1][1]
    assert first[2] == handle and first[10] is not None
    assert first[5] == f"https://bsky.app/profile/{handle}/post/3kq0000000001"
    assert first[7] == "2024-05-01T12:01:00.000Z" and first[8] == "en" and first[9] == "bluesky"
    assert rows["3kq0000000002"][1] == "post two: read the post here (https://news.example/x)"
    assert rows["3kq0000000003"][6] == f"at://{did}/app.bsky.feed.post/3kq0000000001"
    # handle.invalid: the web URL uses the DID, which always resolves
    assert rows["3kq0000000002"][2] == "handle.invalid"
    assert rows["3kq0000000002"][5] == f"https://bsky.app/profile/{PEOPLE[2][0]}/post/3kq0000000002"
    # offsets past the end of the text: nothing to read there, but the DID still names who
    assert json.loads(rows["3kq0000000004"][3]) == [PEOPLE[0][0]]
    assert rows["3kq0000000004"][1] == "post four with a mention whose offsets run past the end"
    author_ids = dict(store.conn.execute("SELECT handle, external_id FROM authors WHERE source = 'bluesky'"))
    assert author_ids.get(handle) == did  # the DID is kept beside the handle


def test_search_pages_back_then_later_runs_take_only_new_posts_through_faults(store, server, fake, clock, db_path):
    fake.add(30)
    first = run(store, server, clock, max_pages=3)
    assert first.error is None and first.summary.added == 15
    assert rkeys(db_path) == list(range(16, 31))  # the newest three pages; history before is not walked
    mark = store.collector_cursor("sky")["feeds"]["query:post"]
    assert mark["walk"] is None and mark["newest"] == 1714564800 + 30 * 60  # post 30's createdAt

    fake.add(23)  # 31..53 arrive while we were away
    searches = lambda cursor: (lambda r: r.path == SEARCH and r.query.get("cursor") == cursor)  # noqa: E731
    server.fail(Reply(429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, {"Retry-After": "7"}),
                searches(None))
    server.fail(Reply(502, "<html>Bad Gateway</html>", {"Content-Type": "text/html"}), searches("5"))
    page = fake.search(_req(q="post", sort="latest", limit="5", cursor="10", since=_since(store)))
    server.fail(cut(page), searches("10"))
    second = run(store, server, clock, max_pages=25)
    assert second.error is None, second.error
    assert 7.0 in clock.sleeps  # Retry-After honoured
    assert rkeys(db_path) == list(range(16, 54))  # nothing lost, nothing twice
    assert second.summary.added == 23
    since = {r.query.get("since") for r in server.requests if r.path == SEARCH} - {None}
    assert since == {_since(store, mark)}  # the walk stopped at the last run's newest post

    before = len(server.requests)
    third = run(store, server, clock)
    assert third.summary.added == 0 and len(server.requests) == before + 1  # one page: caught up


def _since(store, mark=None) -> str:
    from datetime import datetime, timezone

    mark = mark or store.collector_cursor("sky")["feeds"]["query:post"]
    return datetime.fromtimestamp(mark["newest"], tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _req(**query):
    from .fixtures.collectors.replay import Request

    return Request("GET", SEARCH, query, {})


def test_a_walk_cut_short_resumes_where_it_stopped_next_run(store, server, fake, clock, db_path):
    fake.add(5)
    run(store, server, clock, max_pages=1)
    fake.add(30)  # 6..35
    short = run(store, server, clock, max_pages=2)
    assert short.error is None and rkeys(db_path) == list(range(1, 6)) + list(range(26, 36))
    walk = store.collector_cursor("sky")["feeds"]["query:post"]["walk"]
    assert walk["next"] == "10" and walk["floor"] is not None  # saved half-way, not moved past the gap
    fake.add(3)  # 36..38 arrive meanwhile: the offset shifts, which only repeats posts
    rest = run(store, server, clock, max_pages=25)
    assert rest.error is None
    assert rkeys(db_path) == list(range(1, 39))
    total, distinct = store.conn.execute("SELECT COUNT(*), COUNT(DISTINCT external_id) FROM posts").fetchone()
    assert total == distinct == 38


def test_every_field_is_checked_and_a_bad_post_is_one_line_among_kept_ones(store, server, fake, clock):
    fake.add(2)
    fake.put(post(3, text=12345))
    fake.put(post(4, text="post " + "x" * 200_000))
    junk = post(5)
    junk["record"]["facets"] = [{"index": {"byteStart": "0", "byteEnd": [1]}, "features": {"a": {"b": [[[]]]}}}]
    fake.put(junk)
    fake.put({**post(6), "uri": "https://evil.example/\x1b]0;owned\x07"})
    fake.put({**post(7), "author": {**post(7)["author"], "did": PEOPLE[2][0]}})  # not the DID in the URI
    fake.put({**post(8), "record": {**post(8)["record"], "createdAt": "yesterday-ish"}})
    fake.put(["not", "a", "post"])
    fake.add(1)  # 10: fine again
    result = run(store, server, clock, page_size=100)
    assert result.error is None
    stored = {r[0].rsplit("/", 1)[1] for r in store.conn.execute("SELECT external_id FROM posts")}
    assert stored == {"3kq0000000001", "3kq0000000002", "3kq0000000010"}
    problems = [str(p).split(": entry ", 1)[1] for p in result.summary.problems]
    assert problems == [
        "2: 'post': expected an object, got a list",  # newest first: the list is entry 2
        "3: 'post.record.createdAt': unrecognised time format: 'yesterday-ish'",
        "4: 'post.author.did': not the DID in the post's URI",
        "5: 'post.uri': not an at:// URI of a post",
        "6: 'post.record.facets[0].index.byteStart': expected a whole number, got text",
        "7: 'post.record.text': 200,005 characters, over the 10,000 allowed",
        "8: 'post.record.text': expected text, got a number",
    ]
    assert all("\x1b" not in p for p in problems)


def test_an_actors_feed_keeps_replies_to_whom_and_stores_reposts_as_the_original(store, server, fake, clock):
    alice_did, alice = PEOPLE[0][0], PEOPLE[0][1]
    bob_did, bob = PEOPLE[1][0], PEOPLE[1][1]
    fake.add(6)  # authors rotate: invalid-handle, alice, bob, ...
    original = next(p for p in fake.posts if p["author"]["handle"] == alice)
    fake.put(post(7, "post seven: @alice.bsky.social I would never hurt anyone", reply_to=original))
    invalid_post = fake.posts[1]  # by the account with handle.invalid
    fake.repost(1, invalid_post)  # bob reposts it
    result = run(store, server, clock, queries=[], actors=[bob, alice_did], page_size=2, max_pages=10)
    assert result.error is None and result.summary.problem_count == 0
    reposted = store.conn.execute("SELECT a.handle, p.raw FROM posts p JOIN authors a ON a.id = p.author_id "
                                  "WHERE p.external_id = ?", (invalid_post["uri"],)).fetchone()
    assert reposted[0] == "handle.invalid"  # stored as the original post, by its own author
    assert json.loads(reposted[1])["reason"]["by"]["handle"] == bob  # the repost stays in the evidence
    handles = {r[0] for r in store.conn.execute("SELECT DISTINCT a.handle FROM posts p JOIN authors a ON a.id = p.author_id")}
    assert handles == {alice, bob, "handle.invalid"}
    reply = store.conn.execute("SELECT reply_to, reply_to_author FROM posts WHERE external_id = ?",
                               (f"at://{bob_did}/app.bsky.feed.post/3kq0000000007",)).fetchone()
    assert reply == (original["uri"], alice)
    assert set(store.collector_cursor("sky")["feeds"]) == {f"actor:{bob}", f"actor:{alice_did}"}


def test_an_unknown_actor_fails_alone_with_the_apis_reason(store, server, fake, clock):
    fake.add(4)
    result = run(store, server, clock, queries=["post"], actors=["nobody.example"])
    assert result.summary.added == 4
    assert result.error == (f"1 of 2 feeds failed: actor:nobody.example: GET {server.url}{FEED}?actor=nobody.example"
                            "&limit=5&filter=posts_with_replies: HTTP 400: InvalidRequest Profile not found")


@pytest.mark.parametrize("options, message", [
    ({"queries": [], "actors": []}, "bluesky: give at least one of queries or actors"),
    ({"actors": ["not a handle!"]}, "bluesky: actor 'not a handle!' is not a handle (name.bsky.social) or a DID (did:plc:...)"),
    ({"service": "ftp://x"}, "bluesky: service 'ftp://x' is not an http(s) URL"),
])
def test_bad_options_are_one_line_errors_before_any_request(store, server, clock, options, message):
    result = run(store, server, clock, **options)
    assert result.error == message and not server.requests


def test_collectors_json_lists_bluesky_and_reddit_with_their_options(cli):
    plugins = {p["name"]: p for p in json.loads(cli("collectors", "--json").stdout)["plugins"]}
    assert set(plugins["bluesky"]["options"]) == {"service", "queries", "actors", "page_size", "max_pages"}
    assert plugins["bluesky"]["options"]["service"]["default"] == "https://public.api.bsky.app"
    assert set(plugins["reddit"]["options"]) >= {"subreddits", "users", "base_url", "token_url", "client_id",
                                                 "client_secret"}
    assert plugins["reddit"]["options"]["client_secret"]["secret"] is True
    assert plugins["reddit"]["live"] and plugins["bluesky"]["live"]


def test_a_cursor_the_server_refuses_after_a_pause_restarts_the_walk_from_the_top(store, server, fake, clock, db_path):
    fake.add(5)
    run(store, server, clock, max_pages=1)
    fake.add(30)
    run(store, server, clock, max_pages=2)  # paused at cursor "10"
    server.fail(Reply(400, {"error": "InvalidRequest", "message": "Malformed cursor"}),
                lambda r: r.path == SEARCH and r.query.get("cursor") == "10")
    healed = run(store, server, clock, max_pages=25)
    assert healed.error is None, healed.error
    assert rkeys(db_path) == list(range(1, 36))


def test_a_post_dated_far_in_the_future_does_not_become_the_floor(store, server, fake, clock, db_path):
    """A lying indexedAt (or a junk AppView) must not make every later walk wait for year 2099."""
    fake.add(3)
    liar = post(4)
    liar["indexedAt"] = liar["record"]["createdAt"] = "2099-01-01T00:00:00.000Z"
    fake.put(liar)
    first = run(store, server, clock)
    # the record check refuses a time past now + 24 h (one problem line naming the field); the
    # other posts are kept, and the liar's date does not become the feed's floor
    assert first.error is None and first.summary.added == 3 and first.summary.problem_count == 1
    assert "created" in str(first.summary.problems[0]) or "indexedAt" in str(first.summary.problems[0])
    assert store.collector_cursor("sky")["feeds"]["query:post"]["newest"] == 1714564800 + 3 * 60
    fake.add(2)  # 5 and 6 arrive later
    second = run(store, server, clock)
    assert second.error is None and rkeys(db_path) == [1, 2, 3, 5, 6]


def test_a_damaged_stored_mark_starts_that_feed_afresh(store, server, fake, clock, db_path):
    from triage.store import collectors as state_db

    fake.add(6)
    state_db.save_cursor(store, "sky", "bluesky", {"feeds": {"query:post": {"newest": "soon", "walk": {"next": 7}}},
                                                   "status": ["junk"]})
    result = run(store, server, clock, max_pages=5)
    assert result.error is None and rkeys(db_path) == list(range(1, 7))
    cursor = store.collector_cursor("sky")
    assert cursor["feeds"]["query:post"]["walk"] is None and cursor["status"]["query:post"]["last_error"] is None
