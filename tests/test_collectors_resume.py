"""`triage collect` of a live source killed with SIGKILL at random points, while new posts keep
arriving: what was committed stays, the next run resumes from the saved marks, and in the end
every post is stored exactly once (Bluesky and Reddit, real subprocesses, real servers)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .fixtures.collectors.bluesky_api import FakeAppView
from .fixtures.collectors.reddit_api import CLIENT_ID, CLIENT_SECRET, FakeReddit, submission
from .fixtures.collectors.replay import ReplayServer

TRIAGE = str(Path(sys.executable).parent / "triage")
DELAY = 0.03  # seconds per answer: a run spans seconds, so a kill lands mid-walk


class Source:
    def __init__(self, kind: str):
        self.kind = kind
        self.count = 0
        if kind == "bluesky":
            self.fake = FakeAppView()
        else:
            self.fake = FakeReddit()

    def add(self, n: int) -> None:
        for _ in range(n):
            self.count += 1
            if self.kind == "bluesky":
                self.fake.add(1)
            else:
                self.fake.add(submission(self.count))

    def handle(self, req):
        time.sleep(DELAY)
        return self.fake.handle(req)

    def config(self, url: str) -> str:
        if self.kind == "bluesky":
            return (f'[[collectors]]\nname = "live"\nplugin = "bluesky"\n[collectors.options]\nservice = "{url}"\n'
                    'queries = ["post"]\npage_size = 10\nmax_pages = 1000\n')
        return (f'[[collectors]]\nname = "live"\nplugin = "reddit"\n[collectors.options]\nbase_url = "{url}"\n'
                f'token_url = "{url}/api/v1/access_token"\nsubreddits = ["news"]\npage_size = 10\nmax_pages = 1000\n')

    def expected(self) -> set[str]:
        if self.kind == "bluesky":
            return {p["uri"] for p in self.fake.posts}
        return {t["data"]["name"] for t in self.fake.things}


def _stored(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT external_id FROM posts")]
    except sqlite3.OperationalError:  # killed before the schema was written
        return []
    finally:
        conn.close()


@pytest.mark.parametrize("kind", ["bluesky", "reddit"])
def test_sigkill_mid_walk_resumes_without_gaps_or_duplicates(kind, tmp_path):
    source = Source(kind)
    source.add(400)
    db = tmp_path / "live.db"
    config = tmp_path / "config.toml"
    env = {**os.environ, "TRIAGE_CONFIG": str(config), "TRIAGE_SECRET_REDDIT_CLIENT_ID": CLIENT_ID,
           "TRIAGE_SECRET_REDDIT_CLIENT_SECRET": CLIENT_SECRET}
    cmd = [TRIAGE, "--db", str(db), "collect", "live", "--no-tag", "--batch-size", "15"]
    rng = random.Random(19)
    committed: set[str] = set()
    partial = 0
    with ReplayServer(source.handle) as server:
        config.write_text(source.config(server.url))
        for _ in range(4):
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # Kill once a random number of new posts is committed: mid-run, at a random batch.
            target = len(committed) + rng.randint(15, 90)
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                if db.exists() and len(_stored(db)) >= target:
                    break
                time.sleep(0.02)
            time.sleep(rng.uniform(0, 0.1))  # and somewhere inside the next batch
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            now = set(_stored(db)) if db.exists() else set()
            assert committed <= now, "posts committed before the kill disappeared"
            partial += 0 < len(now) < len(source.expected())
            committed = now
            source.add(60)  # the source moves on while we are down
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert partial >= 2, "the kills did not land mid-run: raise DELAY"
    stored = _stored(db)
    assert len(stored) == len(set(stored))  # nothing twice
    assert set(stored) == source.expected()  # nothing missing: no gap anywhere
    out = subprocess.run([TRIAGE, "--db", str(db), "audit", "verify"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
