"""One dead feed never blocks the rest: RSS feeds, 4chan boards and Mastodon timelines each
record their own failure, the healthy ones are collected and their cursors saved, and
`triage collectors` shows the state of every feed."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from triage.collectors import live as collect
from triage.config import CollectorConfig
from triage.collectors.http_client import HttpSettings

from .fixtures.collectors.fixtures import clock, store  # noqa: F401 - pytest fixtures
from .fixtures.collectors.mastodon_api import FakeMastodon
from .fixtures.collectors.replay import Reply, ReplayServer

FIXTURES = Path(__file__).parent / "fixtures" / "collectors"


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens here once closed


def feeds_answer(req):
    if req.path == "/news.rss":
        return Reply(200, (FIXTURES / "feeds" / "local_news.rss").read_bytes(), {"Content-Type": "application/rss+xml"})
    if req.path == "/forum.atom":
        return Reply(200, (FIXTURES / "feeds" / "forum.atom").read_bytes(), {"Content-Type": "application/atom+xml"})
    if req.path == "/broken.rss":
        return Reply(500, "<html>Internal Server Error</html>", {"Content-Type": "text/html"})
    return Reply(404, "not here", {"Content-Type": "text/plain"})


def http(clock) -> HttpSettings:
    return HttpSettings(sleep=clock.sleep, clock=clock.time, max_retries=2, backoff_base=1.0)


def test_a_dead_feed_between_two_good_ones_fails_alone(store, clock):
    with ReplayServer(feeds_answer) as srv:
        feeds = [f"{srv.url}/news.rss", f"{srv.url}/broken.rss", f"http://127.0.0.1:{dead_port()}/gone.rss",
                 f"{srv.url}/forum.atom"]
        result = collect.run_one(store, CollectorConfig("feeds", "rss", {"feeds": feeds}), analyst="t",
                                 http=http(clock))
    sources = {r[0] for r in store.conn.execute("SELECT DISTINCT source FROM posts")}
    host = srv.url.split("//")[1]
    assert sources == {f"rss:{host}"} and result.summary.added > 0
    forum = store.conn.execute("SELECT COUNT(*) FROM posts WHERE url LIKE '%forum%'").fetchone()[0]
    assert forum > 0  # the feed after the dead ones was read
    assert result.error.startswith("2 of 4 feeds failed: ")
    assert f"{srv.url}/broken.rss: GET {srv.url}/broken.rss: HTTP 500 (after 3 tries)" in result.error
    assert "/gone.rss: GET http://127.0.0.1:" in result.error
    cursor = store.collector_cursor("feeds")
    assert set(cursor["feeds"]) == {feeds[0], feeds[3]}  # the good feeds' positions are saved
    status = cursor["status"]
    assert status[feeds[0]]["last_error"] is None and status[feeds[0]]["read"] > 0
    assert "HTTP 500" in status[feeds[1]]["last_error"]
    assert status[feeds[1]]["last_error_at"] < status[feeds[2]]["last_error_at"] <= status[feeds[3]]["last_ok_at"]
    assert status[feeds[3]]["last_ok_at"] == clock.now


def test_a_board_that_fails_does_not_stop_the_next_board(store, clock):
    threads = json.loads((FIXTURES / "4chan" / "threads.json").read_text())

    def answer(req):
        if req.path == "/x/threads.json":
            return Reply(200, b"[{ not json", {"Content-Type": "application/json"})
        if req.path == "/k/threads.json":
            return Reply(200, threads)
        thread = FIXTURES / "4chan" / f"thread_{req.path.rsplit('/', 1)[-1].removesuffix('.json')}.json"
        if req.path.startswith("/k/thread/") and thread.exists():
            return Reply(200, thread.read_bytes())
        return Reply(404, "")

    with ReplayServer(answer) as srv:
        opts = {"boards": ["x", "k"], "api": srv.url, "min_interval": 0.0}
        result = collect.run_one(store, CollectorConfig("chan", "4chan", opts), analyst="t", http=http(clock))
    assert store.conn.execute("SELECT COUNT(*) FROM posts WHERE source = '4chan:k'").fetchone()[0] > 0
    assert result.error.startswith("1 of 2 feeds failed: x: GET ") and "the response is not JSON" in result.error
    assert set(store.collector_cursor("chan")["boards"]) == {"k"}


def test_collectors_shows_each_feeds_state_and_a_healed_feed_clears_its_error(cli, clock, db_path):
    fake = FakeMastodon(9)
    with ReplayServer(fake.handle) as srv:
        config = Path(os.environ["TRIAGE_CONFIG"])
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f'[[collectors]]\nname = "masto"\nplugin = "mastodon"\n[collectors.options]\n'
                          f'instance = "{srv.url}"\ntimelines = ["account:nobody", "public"]\nfirst_pages = 5\n')
        ran = cli("collect", "masto", "--no-tag")
        assert ran.exit_code == 1
        assert "masto: 9 read, 9 added" in ran.stdout
        assert ("triage: error: collector masto: 1 of 2 feeds failed: account:nobody: GET "
                f"{srv.url}/api/v1/accounts/lookup?acct=nobody: HTTP 404: Record not found") in ran.stderr

        listing = cli("collectors").stdout
        lines = [line.strip() for line in listing.splitlines()]
        failed = next(line for line in lines if line.startswith("account:nobody"))
        assert " FAILED 20" in failed and failed.endswith("HTTP 404: Record not found")
        ok = next(line for line in lines if line.startswith("public "))
        assert " ok 20" in ok and ok.endswith(", 9 read")

        state = json.loads(cli("collectors", "--json").stdout)["collectors"][0]["state"]
        by_feed = {f["feed"]: f for f in state["feeds"]}
        assert by_feed["public"]["last_error"] is None and by_feed["public"]["read"] == 9
        assert "HTTP 404" in by_feed["account:nobody"]["last_error"]

        fake.add(1, account={**fake.statuses[0]["account"], "acct": "nobody", "id": "555"})
        healed = cli("collect", "masto", "--no-tag")
        assert healed.exit_code == 0, healed.stderr
        state = json.loads(cli("collectors", "--json").stdout)["collectors"][0]["state"]
        assert all(f["last_error"] is None for f in state["feeds"])


def test_a_plugins_error_is_cut_only_after_its_secrets_are_blanked_out(store, monkeypatch):
    """A secret that straddles the 500-character cut of a run's error leaves no part behind."""
    from triage.collectors.api import Collector, Option

    secret = "s3cr3t-" + "a1b2c3d4" * 6

    class Leaky(Collector):
        name = "leaky"
        options_schema = {"token": Option(str, default="leaky-token", secret=True)}

        def collect(self, state):
            yield from ()
            raise RuntimeError("x" * 460 + f" bad token {secret} end")  # the secret starts at 485

    monkeypatch.setenv("TRIAGE_SECRET_LEAKY_TOKEN", secret)
    monkeypatch.setattr(collect, "build_collector", lambda cfg: Leaky(cfg.options))
    result = collect.run_one(store, CollectorConfig("leaky", "leaky", {}), analyst="t")
    assert result.error.startswith("RuntimeError: xxx") and len(result.error) <= 500
    for start in range(0, len(secret) - 6):
        assert secret[start:start + 6] not in result.error
    stored = store.conn.execute("SELECT last_error FROM collector_state WHERE name = 'leaky'").fetchone()[0]
    assert stored == result.error
