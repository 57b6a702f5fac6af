"""Reddit collector against a real HTTP server on 127.0.0.1 speaking the OAuth API's format:
app-only token from client credentials in the secrets store, Listings paged with ``after``
and resumed, submissions and comments keyed as the dump importer keys them, X-Ratelimit
headers honoured, 401/429/5xx/cut connections, every field checked at the boundary."""

from __future__ import annotations

import json
import sqlite3

import pytest

from triage.collectors import live as collect
from triage.config import CollectorConfig
from triage.collectors.http_client import HttpSettings

from .fixtures.collectors.fixtures import clock, store  # noqa: F401 - pytest fixtures
from .fixtures.collectors.reddit_api import CLIENT_ID, CLIENT_SECRET, START, FakeReddit, comment, submission
from .fixtures.collectors.replay import Reply, ReplayServer, cut


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    # The one-run override of the keyring (cron jobs): the names are the options' defaults.
    monkeypatch.setenv("TRIAGE_SECRET_REDDIT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("TRIAGE_SECRET_REDDIT_CLIENT_SECRET", CLIENT_SECRET)


@pytest.fixture
def fake():
    return FakeReddit()


@pytest.fixture
def server(fake):
    with ReplayServer(fake.handle) as srv:
        yield srv


def run(store, server, clock, name="rd", **options):
    opts = {"subreddits": ["news"], "base_url": server.url, "token_url": f"{server.url}/api/v1/access_token",
            "page_size": 5, **options}
    http = HttpSettings(sleep=clock.sleep, clock=clock.time, backoff_base=1.0)
    return collect.run_one(store, CollectorConfig(name, "reddit", opts), analyst="tester", http=http, batch_size=7)


def ids(db_path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT external_id FROM posts"))
    finally:
        conn.close()


def t3(*ns) -> list[str]:
    return [f"t3_1c{n:05d}" for n in ns]


def test_submissions_and_comments_become_posts_keyed_like_the_dumps(store, server, fake, clock):
    fake.add(submission(1))
    fake.add(submission(2, selftext="[removed]"))
    fake.add(comment(3, "t3_1c00001"))
    fake.add(comment(4, "t1_l000003", body="[deleted]"))  # nothing left to read
    fake.add(comment(5, "t1_l000003", body="a &amp; b <not html> 😀 \x1b[31m"))
    result = run(store, server, clock)
    assert result.error is None, result.error
    rows = {r[0]: r for r in store.conn.execute(
        "SELECT p.external_id, p.source, p.text, a.handle, p.author_id, p.reply_to, p.url, p.created_at, "
        "p.created_raw, p.mentions FROM posts p JOIN authors a ON a.id = p.author_id")}
    assert set(rows) == {"t3_1c00001", "t3_1c00002", "t1_l000003", "t1_l000005"}
    sub = rows["t3_1c00001"]
    assert sub[1] == "reddit" and sub[2] == "Submission 1: the commute is killing me\n\nbody of submission 1, nothing much"
    assert (sub[3], sub[6]) == ("quiet_reader", "https://www.reddit.com/r/news/comments/1c00001/submission_1/")
    assert (sub[7], sub[8]) == (START + 60, f"{float(START + 60)}")
    assert rows["t3_1c00002"][2] == "Submission 2: the commute is killing me"  # a removed body: the title stays
    assert rows["t3_1c00002"][3] == "[deleted]"
    reply = rows["t1_l000003"]
    assert reply[5] == "t3_1c00001" and reply[3] == "throwaway_8812" and json.loads(reply[9]) == ["quiet_reader"]
    assert rows["t1_l000005"][5] == "t1_l000003"
    assert rows["t1_l000005"][2] == "a &amp; b <not html> 😀 \x1b[31m"  # raw_json=1: stored as written
    token_requests = [r for r in server.requests if r.path == "/api/v1/access_token"]
    assert len(token_requests) == 1 and token_requests[0].method_body == {"grant_type": "client_credentials"}
    listings = [r for r in server.requests if r.path != "/api/v1/access_token"]
    assert {r.path for r in listings} == {"/r/news/new", "/r/news/comments"}
    assert all(r.headers["authorization"].startswith("bearer ") for r in listings)
    assert all(r.query.get("raw_json") == "1" for r in listings)


def test_listings_page_back_with_after_and_later_runs_take_only_new_things(store, server, fake, clock, db_path):
    for n in range(1, 31):
        fake.add(submission(n))
    first = run(store, server, clock, max_pages=3)
    assert first.error is None and ids(db_path) == t3(*range(16, 31))

    for n in range(31, 54):
        fake.add(submission(n))
    new_page = lambda after: (lambda r: r.path == "/r/news/new" and r.query.get("after") == after)  # noqa: E731
    server.fail(Reply(429, {"message": "Too Many Requests", "error": 429}, {"Retry-After": "7"}), new_page(None))
    server.fail(Reply(503, "<html>all our servers are busy</html>", {"Content-Type": "text/html"}),
                new_page("t3_1c00049"))
    page = fake.listing(_req(fake, "/r/news/new", after="t3_1c00044", limit="5"), [
        t for t in fake.things if t["kind"] == "t3"])
    server.fail(cut(page), new_page("t3_1c00044"))
    second = run(store, server, clock, max_pages=25)
    assert second.error is None, second.error
    assert 7.0 in clock.sleeps
    assert ids(db_path) == t3(*range(16, 54)) and second.summary.added == 23
    walked = [r.query.get("after") for r in server.requests if r.path == "/r/news/new"][-1]
    assert walked == "t3_1c00034"  # the walk stopped at the page that reached last run's newest

    before = len([r for r in server.requests if r.path == "/r/news/new"])
    third = run(store, server, clock)
    assert third.summary.added == 0
    assert len([r for r in server.requests if r.path == "/r/news/new"]) == before + 1


def _req(fake, path, **query):
    from .fixtures.collectors.replay import Request

    return Request("GET", path, query, {"authorization": f"bearer {next(iter(fake.tokens))}"})


def test_rate_limit_remaining_zero_waits_for_the_reset_before_the_next_request(store, server, fake, clock):
    for n in range(1, 13):
        fake.add(submission(n))
    fake.remaining, fake.reset = 0.0, 42
    result = run(store, server, clock, max_pages=3)
    assert result.error is None and result.summary.added == 12
    assert clock.sleeps[:2] == [42.0, 42.0]  # after each answer at zero, before the next request


def test_an_expired_token_is_renewed_once_and_the_run_goes_on(store, server, fake, clock, db_path):
    for n in range(1, 11):
        fake.add(submission(n))
    server.fail(Reply(401, {"message": "Unauthorized", "error": 401}),
                lambda r: r.path == "/r/news/new" and r.query.get("after") == "t3_1c00006")
    result = run(store, server, clock, max_pages=5)
    assert result.error is None and ids(db_path) == t3(*range(1, 11))
    assert len([r for r in server.requests if r.path == "/api/v1/access_token"]) == 2


def test_wrong_credentials_fail_the_run_without_leaking_them(store, server, fake, clock, monkeypatch):
    wrong = "wrong-secret-4f2a9d71c3"
    monkeypatch.setenv("TRIAGE_SECRET_REDDIT_CLIENT_SECRET", wrong)
    result = run(store, server, clock)
    assert result.error.endswith("/api/v1/access_token: HTTP 401: Unauthorized")
    assert wrong not in result.error and CLIENT_ID not in result.error
    audit = json.dumps([list(r) for r in store.conn.execute("SELECT * FROM audit")], default=str)
    assert "access_token: HTTP 401" in audit  # the run and its error are in the audit log
    assert wrong not in audit and CLIENT_ID not in audit
    assert not [r for r in server.requests if r.path.startswith("/r/")]


def test_unset_credentials_say_how_to_set_them(store, server, clock, monkeypatch):
    monkeypatch.delenv("TRIAGE_SECRET_REDDIT_CLIENT_ID")
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        result = run(store, server, clock)
    finally:
        keyring.set_keyring(previous)
    assert "TRIAGE_SECRET_REDDIT_CLIENT_ID" in result.error and not server.requests


def test_every_field_is_checked_and_a_bad_thing_is_one_line_among_kept_ones(store, server, fake, clock):
    good = [submission(1), submission(2)]
    junk = [
        submission(3, title=["not", "text"]),
        submission(4, selftext="y" * 150_000),
        submission(5, created_utc="yesterday"),
        comment(6, "t3_1c00001", parent_id="../../etc"),
        {"kind": "t3", "data": "not an object"},
        submission(8, id="X; DROP"),
        comment(9, "t3_1c00001", body={"nested": {"junk": [[[[]]]]}}),
        {"kind": "more", "data": {"count": 3, "children": ["a", "b"]}},  # a stub: skipped quietly
    ]
    listing = {"kind": "Listing", "data": {"after": None, "children": good + junk, "before": None}}
    server.fail(Reply(200, listing), lambda r: r.path == "/r/news/new")
    result = run(store, server, clock, page_size=100)
    assert result.error is None
    assert sorted(r[0] for r in store.conn.execute("SELECT external_id FROM posts")) == ["t3_1c00001", "t3_1c00002"]
    problems = [str(p).split(": entry ", 1)[1] for p in result.summary.problems]
    assert problems == [
        "3: 'data.title': expected text, got a list",
        "4: 'data.selftext': 150,000 characters, over the 100,000 allowed",
        "5: 'data.created_utc': expected a number, got text",
        "6: 'data.parent_id': not a fullname (t1_/t3_)",
        "7: 'data': expected an object, got text",
        "8: 'data.id': not a Reddit id",
        "9: 'data.body': expected text, got an object",
    ]


def test_a_dead_subreddit_fails_alone_and_users_are_collected(store, server, fake, clock):
    fake.add(submission(1, sub="news"))
    fake.add(submission(2, sub="news"))
    fake.add(comment(3, "t3_1c00001"))
    server.fail(Reply(500, "oops"), lambda r: r.path == "/r/gone/new", times=10)
    server.fail(Reply(403, {"reason": "private", "message": "Forbidden", "error": 403}),
                lambda r: r.path == "/r/gone/comments")
    result = run(store, server, clock, subreddits=["gone"], users=["throwaway_8812", "quiet_reader"])
    assert result.error.startswith("2 of 4 feeds failed: r/gone/new: GET ")
    assert "r/gone/comments: GET " in result.error and result.error.endswith("HTTP 403: Forbidden")
    assert sorted(r[0] for r in store.conn.execute("SELECT external_id FROM posts")) == [
        "t1_l000003", "t3_1c00001"]  # quiet_reader wrote 1, throwaway_8812 wrote 3; [deleted] wrote 2
    feeds = store.collector_cursor("rd")["status"]
    assert feeds["u/quiet_reader"]["last_error"] is None and feeds["u/quiet_reader"]["read"] == 1


@pytest.mark.parametrize("options, message", [
    ({"subreddits": [], "users": []}, "reddit: give at least one of subreddits or users"),
    ({"subreddits": ["news/../../x"]}, "reddit: subreddit 'news/../../x' is not a subreddit name like 'news'"),
    ({"users": ["a b"]}, "reddit: user 'a b' is not a Reddit user name"),
    ({"base_url": "file:///etc"}, "reddit: base_url 'file:///etc' is not an http(s) URL"),
])
def test_bad_options_are_one_line_errors_before_any_request(store, server, clock, options, message):
    result = run(store, server, clock, **options)
    assert result.error == message and not server.requests


def test_a_paused_walk_whose_anchor_was_deleted_walks_again_from_the_top(store, server, fake, clock, db_path):
    for n in range(1, 6):
        fake.add(submission(n))
    run(store, server, clock, max_pages=1)
    for n in range(6, 26):
        fake.add(submission(n))
    run(store, server, clock, max_pages=2)  # 25..16 stored; the walk pauses after t3_1c00016
    assert store.collector_cursor("rd")["feeds"]["r/news/new"]["walk"]["next"] == "t3_1c00016"
    fake.things = [t for t in fake.things if t["data"]["name"] != "t3_1c00016"]  # removed by the mods
    healed = run(store, server, clock, max_pages=25)
    assert healed.error is None
    assert ids(db_path) == t3(*range(1, 26))  # 6..15 were not skipped
    afters = [r.query.get("after") for r in server.requests if r.path == "/r/news/new"]
    stale = afters.index("t3_1c00016")
    assert afters[stale + 1] is None  # the stale anchor answered an empty page: the top again
    assert store.collector_cursor("rd")["feeds"]["r/news/new"]["walk"] is None


def test_secret_list_names_the_reddit_credentials_even_when_the_defaults_are_used(cli, monkeypatch):
    import os
    from pathlib import Path

    config = Path(os.environ["TRIAGE_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[[collectors]]\nname = "subs"\nplugin = "reddit"\n[collectors.options]\nsubreddits = ["news"]\n')
    monkeypatch.delenv("TRIAGE_SECRET_REDDIT_CLIENT_SECRET")
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        out = cli("secret", "list").stdout
    finally:
        keyring.set_keyring(previous)
    lines = {line.split()[0]: line.split()[1] for line in out.splitlines()}
    assert lines == {"reddit-client-id": "env", "reddit-client-secret": "no"}  # "no backend"
    assert CLIENT_ID not in out


def test_credentials_echoed_by_the_token_endpoint_reach_neither_the_feeds_status_nor_the_run(store, server, fake,
                                                                                            clock):
    for n in range(1, 4):
        fake.add(submission(n))
    token_calls = []

    def second_token_request(r):
        if r.path != "/api/v1/access_token":
            return False
        token_calls.append(r)
        return len(token_calls) == 2

    server.fail(Reply(401, {"message": "Unauthorized", "error": 401}), lambda r: r.path == "/r/news/comments")
    server.fail(Reply(400, {"error": f"invalid_client: id {CLIENT_ID} with secret {CLIENT_SECRET} refused"}),
                second_token_request)
    result = run(store, server, clock)
    assert result.summary.added == 3  # r/news/new was read
    assert "r/news/comments: POST " in result.error and "invalid_client" in result.error
    status = json.dumps(store.collector_cursor("rd"))
    stored = json.dumps([list(r) for r in store.conn.execute("SELECT * FROM audit")]) + status + result.error
    assert CLIENT_ID not in stored and CLIENT_SECRET not in stored and "***" in status
