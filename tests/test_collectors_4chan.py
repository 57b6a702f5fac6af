"""4chan collector against a real HTTP server on 127.0.0.1 serving the read-only API's
format: one request a second, If-Modified-Since, per-thread cursor, pruned threads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage.collectors import live as collect
from triage.config import CollectorConfig
from triage.collectors.http_client import HttpSettings

from .fixtures.collectors.fixtures import store  # noqa: F401 - a pytest fixture
from .fixtures.collectors.replay import FakeClock, Reply, ReplayServer

FIXTURES = Path(__file__).parent / "fixtures" / "collectors" / "4chan"


class Board:
    def __init__(self):
        self.listing = json.loads((FIXTURES / "threads.json").read_text())
        self.threads = {int(p.stem.split("_")[1]): json.loads(p.read_text())
                        for p in FIXTURES.glob("thread_*.json")}
        self.modified = "Tue, 14 May 2024 10:00:00 GMT"

    def handle(self, req):
        if req.path == "/k/threads.json":
            if req.headers.get("if-modified-since") == self.modified:
                return Reply(304)
            return Reply(200, self.listing, {"Last-Modified": self.modified})
        if req.path.startswith("/k/thread/"):
            no = int(req.path.rsplit("/", 1)[1].removesuffix(".json"))
            if no not in self.threads:
                return Reply(404, "<html>404</html>", {"Content-Type": "text/html"})
            return Reply(200, self.threads[no])
        return Reply(404, "")

    def reply(self, thread: int, no: int, com: str, at: int):
        self.threads[thread]["posts"].append({"no": no, "now": "05/14/24(Tue)06:00:00", "name": "Anonymous",
                                              "com": com, "time": at, "resto": thread, "id": "Qr78St90"})
        for page in self.listing:
            for t in page["threads"]:
                if t["no"] == thread:
                    t["last_modified"] = at
        self.modified = "Tue, 14 May 2024 11:00:00 GMT"


@pytest.fixture
def board():
    return Board()


@pytest.fixture
def server(board):
    with ReplayServer(board.handle) as srv:
        yield srv


def run(store, server, clock):
    opts = {"boards": ["k"], "api": server.url, "site": "https://boards.4chan.org"}
    return collect.run_one(store, CollectorConfig("chan", "4chan", opts), analyst="tester",
                           http=HttpSettings(sleep=clock.sleep, clock=clock.time))


def test_threads_become_posts_at_one_request_a_second(store, server):
    clock = FakeClock()
    result = run(store, server, clock)
    assert result.error is None
    assert [r.path for r in server.requests] == [
        "/k/threads.json", "/k/thread/469990000.json", "/k/thread/470001000.json", "/k/thread/470002000.json"]
    assert clock.sleeps == [1.0, 1.0, 1.0]  # the API's rule, between every two requests
    rows = {r[0]: r for r in store.conn.execute(
        "SELECT p.external_id, p.text, a.handle, p.reply_to, p.place, p.url, p.created_at, p.created_raw, p.source "
        "FROM posts p JOIN authors a ON a.id = p.author_id")}
    assert sorted(rows) == ["470001000", "470001050", "470001120", "470002000"]  # 470001099: an image, no words
    op = rows["470001000"]
    assert op[1] == "Winter camping general\n\nPost your setups.\nStoves, tents, sleeping bags."
    assert op[2:5] == ("ID:Ab12Cd34@470001000", None, "United Kingdom")
    assert op[5] == "https://boards.4chan.org/k/thread/470001000#p470001000"
    assert op[6:9] == (1715677200, "05/14/24(Tue)05:00:00", "4chan:k")
    assert rows["470001050"][3] == "470001000"
    assert rows["470001120"][1] == ">>470001050\n>nothing else works\nthis cold is killing me lol"
    assert rows["470001120"][2:4] == ("!Qx7pL2mN9k", "470001050")  # a tripcode is the handle; the quote the reply
    assert [str(p) for p in result.summary.problems] == [
        f"{server.url}/k/thread/470002000.json: entry 2: post 470002010: 'time': expected a whole number, got null"]
    cursor = store.collector_cursor("chan")["boards"]["k"]
    assert cursor["threads"] == {"470001000": {"lm": 1715680000, "last": 470001120},
                                 "470002000": {"lm": 1715680500, "last": 470002000},
                                 "469990000": {"lm": 1715600000, "last": 0}}  # 404: seen, not asked again


def test_an_unchanged_board_costs_one_request_and_new_replies_only_their_thread(store, server, board):
    clock = FakeClock()
    run(store, server, clock)
    server.requests.clear()
    quiet = run(store, server, clock)
    assert quiet.summary.read == 0 and [r.path for r in server.requests] == ["/k/threads.json"]
    board.reply(470001000, 470001200, "anyone tried the new canister mix?", 1715690000)
    server.requests.clear()
    server.fail(Reply(429, "", {"Retry-After": "5"}), lambda r: r.path == "/k/thread/470001000.json")
    busy = run(store, server, clock)
    assert busy.error is None
    assert busy.summary.read == 1 and busy.summary.added == 1  # only the new reply, not the whole thread again
    assert 5.0 in clock.sleeps
    assert [r.path for r in server.requests] == ["/k/threads.json", "/k/thread/470001000.json",
                                                 "/k/thread/470001000.json"]


def test_going_faster_than_the_api_allows_is_refused(store):
    result = collect.run_one(store, CollectorConfig("fast", "4chan", {"boards": ["k"], "min_interval": 0.2}),
                             analyst="tester")
    assert result.error == "4chan: min_interval below 1 s breaks the API's rules"


def test_threads_that_leave_the_board_leave_the_cursor(store, server, board):
    clock = FakeClock()
    run(store, server, clock)
    board.listing = [page for page in board.listing if page["page"] == 1]  # 469990000 fell off
    board.modified = "Tue, 14 May 2024 12:00:00 GMT"
    run(store, server, clock)
    assert set(store.collector_cursor("chan")["boards"]["k"]["threads"]) == {"470001000", "470002000"}


def test_every_field_is_checked_and_a_bad_post_is_one_line_among_kept_ones(store, server, board):
    thread = board.threads[470002000]["posts"]
    base = {"now": "05/14/24(Tue)06:00:00", "name": "Anonymous", "time": 1715680000, "resto": 470002000}
    thread += [
        {**base, "no": 470002020, "com": ["not", "text"]},
        {**base, "no": 470002021, "com": "z" * 120_000},
        {**base, "no": 470002022, "com": "ok", "country_name": {"x": 1}},
        {**base, "no": "470002023", "com": "number as text"},
        {**base, "no": 470002024, "com": "fine, kept"},
    ]
    result = run(store, server, FakeClock())
    assert result.error is None
    kept = {r[0] for r in store.conn.execute("SELECT external_id FROM posts WHERE source = '4chan:k'")}
    assert "470002024" in kept and not kept & {"470002020", "470002021", "470002022", "470002023"}
    assert [str(p).split(": entry ", 1)[1] for p in result.summary.problems][1:] == [
        "3: post 470002020: 'com': expected text, got a list",
        "4: post 470002021: 'com': 120,000 characters, over the 100,000 allowed",
        "5: post 470002022: 'country_name': expected text, got an object",
        "6: 'no': expected a whole number, got text",
    ]
