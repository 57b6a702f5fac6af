"""`triage collectors` and `triage collect` as an analyst runs them: listing with state,
one-shot runs, alerts on newly flagged posts, stopping safely (in-process and a real SIGTERM),
and the watch loop's schedule."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from triage.collectors import live as collect
from triage.config import CollectorConfig
from triage.collectors.http_client import HttpSettings
from triage.store import Store

from . import backend
from .fixtures.collectors.mastodon_api import FakeMastodon
from .fixtures.collectors.replay import FakeClock, ReplayServer

THREAT = "<p>I am going to shoot up the school tomorrow, I bought an AR-15 and ammo</p>"


def write_config(text: str) -> Path:
    path = Path(os.environ["TRIAGE_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def mastodon_config(url: str, name: str = "masto", **extra) -> str:
    lines = [f'name = "{name}"', 'plugin = "mastodon"', "schedule = 60", "[collectors.options]",
             f'instance = "{url}"', 'timelines = ["public"]', "page_size = 5", "first_pages = 3"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    return "[[collectors]]\n" + "\n".join(lines) + "\n"


@pytest.fixture
def fake():
    return FakeMastodon(12)


@pytest.fixture
def server(fake):
    with ReplayServer(fake.handle) as srv:
        yield srv


def test_collectors_lists_plugins_and_configured_state(cli, server):
    write_config(mastodon_config(server.url) + '[[collectors]]\nname = "gone"\nplugin = "not-installed"\n')
    before = json.loads(cli("collectors", "--json").stdout)
    plugins = {p["name"]: p for p in before["plugins"]}
    assert {"telegram", "x-archive", "reddit-dump", "mastodon", "rss", "4chan", "jsonl", "csv"} <= set(plugins)
    assert plugins["telegram"]["formats"] == ["telegram"] and not plugins["telegram"]["live"]
    assert plugins["mastodon"]["options"]["token"] == {
        "type": "str", "default": "", "required": False, "secret": True,
        "help": "name of a keyring secret holding an access token"}
    assert [(c["name"], c["installed"], c["state"]) for c in before["collectors"]] == [
        ("masto", True, None), ("gone", False, None)]

    ran = cli("collect", "masto", "--no-tag")
    assert ran.exit_code == 0, ran.stderr
    assert "masto: 12 read, 12 added, 0 already stored, 0 bad" in ran.stdout
    after = json.loads(cli("collectors", "--json").stdout)
    state = after["collectors"][0]["state"]
    assert (state["runs"], state["posts_added"], state["has_cursor"], state["last_error"]) == (1, 12, True, None)
    text = cli("collectors").stdout
    assert "masto" in text and "1 runs, 12 posts added, cursor saved" in text
    assert "gone                 not-installed (plugin not installed)" in text


def test_collect_reports_a_failing_collector_and_still_runs_the_others(cli, server, db_path):
    broken = mastodon_config(server.url, name="broken").replace('["public"]', '["account:nobody"]')
    write_config(broken + mastodon_config(server.url, name="good"))
    result = cli("collect", "--no-tag")
    assert result.exit_code == 1
    assert "good: 12 read, 12 added" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("triage: error:")]
    assert errors == [f"triage: error: collector broken: GET {server.url}/api/v1/accounts/lookup?acct=nobody: "
                      "HTTP 404: Record not found"]
    logged = [json.loads(r[0]) for r in backend.rows(db_path, "SELECT detail FROM audit WHERE action = 'collect'")]
    assert [d["error"] is None for d in logged] == [False, True]


def test_unknown_or_missing_collectors_are_one_line_errors(cli, server):
    assert cli("collect").stderr.startswith("triage: error: no collectors configured: add [[collectors]]")
    write_config(mastodon_config(server.url))
    result = cli("collect", "nope")
    assert result.exit_code == 1
    assert result.stderr == "triage: error: no configured collector 'nope' (masto)\n"
    assert cli("collect", "--alert-cmd", "true", "--no-tag").stderr == \
        "triage: error: --alert-cmd needs tagging: drop --no-tag\n"


def test_alert_cmd_gets_each_newly_flagged_post_as_json_on_stdin(cli, server, fake, tmp_path):
    fake.add(1, content=THREAT)
    out = tmp_path / "alerts.jsonl"
    # Two collectors over the same timeline: the second finds only posts already stored, and
    # a post stored before is never "newly flagged" again, so it alerts once.
    write_config(mastodon_config(server.url, name="masto") + mastodon_config(server.url, name="again"))
    cmd = f"{sys.executable} -c \"import sys; open({str(out)!r}, 'a').write(sys.stdin.read() + '\\n')\""
    result = cli("collect", "--alert-cmd", cmd, "--alert-threshold", "0.5")
    assert result.exit_code == 0, result.stderr
    alerts = [json.loads(line) for line in out.read_text().splitlines()]
    posts = [a for a in alerts if "kind" not in a]
    assert len(posts) == 1
    alert = posts[0]
    assert alert["collector"] == "masto" and alert["score"] >= 0.5
    assert alert["external_id"] == str(110_000_000_000_000_013) and "threat" in alert["indicators"]
    assert set(alert) == {"id", "source", "external_id", "score", "indicators", "url", "collector"}
    # Its author may also have crossed the concern threshold: that is one more alert, never text.
    authors = [a for a in alerts if a.get("kind") == "author"]
    assert len(authors) <= 1 and all(a["evidence"] and alert["id"] in a["evidence"] for a in authors)
    assert (f"masto: 13 read, 13 added, 0 already stored, 0 bad; 1 flagged, {len(alerts)} alert(s) sent"
            in result.stdout)
    assert "again: 13 read, 0 added, 13 already stored, 0 bad (" in result.stdout


def test_a_stop_mid_run_commits_what_came_and_the_next_run_resumes(db_path, server, fake):
    clock = FakeClock()
    http = HttpSettings(sleep=clock.sleep, clock=clock.time)
    cfg = CollectorConfig("masto", "mastodon", {"instance": server.url, "timelines": ["public"], "page_size": 4,
                                              "first_pages": 3})
    with Store.open(db_path) as store:
        collect.run_one(store, cfg, analyst="t", http=http)  # cursor at 12
        fake.add(12)  # 13..24: three pages of four
        stop = threading.Event()
        original = fake.handle

        def stop_on_second_page(req):
            if req.query.get("min_id") == str(110_000_000_000_000_016):
                stop.set()  # as SIGINT would, while the page is on its way
            return original(req)

        server.handler = stop_on_second_page
        stopped = collect.run_one(store, cfg, analyst="t", http=http, stop=stop)
        assert stopped.stopped and stopped.error is None
        kept = {r[0] for r in store.conn.execute("SELECT external_id FROM posts")}
        assert {str(110_000_000_000_000_000 + n) for n in range(13, 18)} <= kept  # page 1, and 17 of page 2
        assert store.collector_cursor("masto")["timelines"]["public"] == str(110_000_000_000_000_016)
        server.handler = original
        resumed = collect.run_one(store, cfg, analyst="t", http=http)
        assert resumed.summary.added == 7 and resumed.summary.duplicates == 1  # 17 again, ignored
        assert store.conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == 24


def test_watch_runs_each_collector_on_its_own_schedule():
    clock = FakeClock(0)
    stop = threading.Event()
    runs = []

    def run(cfg):
        runs.append((cfg.name, clock.now))
        if len(runs) == 7:
            stop.set()

    configs = [CollectorConfig("fast", "x", schedule=60), CollectorConfig("slow", "x", schedule=150)]
    collect.watch(configs, run, stop, clock=clock.time, wait=clock.sleep)
    assert runs == [("fast", 0), ("slow", 0), ("fast", 60), ("fast", 120), ("slow", 150), ("fast", 180),
                    ("fast", 240)]


def test_watch_under_sigterm_finishes_cleanly_and_records_the_run(tmp_path, server, fake, db_path):
    config = write_config(mastodon_config(server.url))
    env = {**os.environ, "TRIAGE_CONFIG": str(config)}
    proc = subprocess.Popen([sys.executable, "-c", "from triage.cli import run; run()", "--db", backend.cli_value(db_path),
                             "collect", "--watch", "--no-tag"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            runs = None
            if "collector_state" in backend.tables(db_path):
                runs = backend.rows(db_path, "SELECT runs FROM collector_state")
            if runs and runs[0][0] >= 1:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "masto: 12 read, 12 added" in out
    assert "stopping after the current batch" in err
    assert backend.rows(db_path, "SELECT COUNT(*) FROM posts") == [(12,)]
    assert backend.rows(db_path, "SELECT COUNT(*) FROM audit WHERE action = 'collect'")[0][0] >= 1
