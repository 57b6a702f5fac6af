"""Bulk tagging in worker processes: the CLI's import and retag, as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from .conftest import REPO

TRIAGE = str(Path(sys.executable).parent / "triage")
DEMO = REPO / "data" / "demo" / "posts.jsonl"


def _run(args, config: Path, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "TRIAGE_CONFIG": str(config)}
    return subprocess.run([TRIAGE, *map(str, args)], env=env, capture_output=True, text=True, **kw)


def _config(path: Path, workers: int) -> Path:
    path.write_text(f"tag_workers = {workers}\n", encoding="utf-8")
    return path


def _tags(db: Path) -> tuple[list, list]:
    conn = sqlite3.connect(db)
    try:
        posts = conn.execute("SELECT external_id, score, flagged FROM posts ORDER BY external_id").fetchall()
        hits = conn.execute(
            "SELECT p.external_id, h.indicator, h.score, h.start, h.end, h.text, h.rule, h.origin "
            "FROM hits h JOIN posts p ON p.id = h.post_id ORDER BY 1, 2, 4, 7").fetchall()
        return posts, hits
    finally:
        conn.close()


def _last_detail(db: Path, action: str) -> dict:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT detail FROM audit WHERE action = ? ORDER BY id DESC LIMIT 1", (action,)).fetchone()
        return json.loads(row[0])
    finally:
        conn.close()


def test_import_with_two_worker_processes_stores_what_one_process_stores(tmp_path):
    stores = {}
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        out = _run(["--db", db, "import", DEMO], _config(tmp_path / f"w{workers}.toml", workers))
        assert out.returncode == 0, out.stderr
        assert _last_detail(db, "import")["tag_processes"] == workers  # the pool really ran
        stores[workers] = _tags(db)
    posts, hits = stores[2]
    assert len(posts) == 3905 and sum(p[2] for p in posts) > 15 and len(hits) > 500
    assert stores[1] == stores[2]

    # a retag through the pool and one in-process report the same changes and leave the same tags
    details = {}
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        out = _run(["--db", db, "retag"], tmp_path / f"w{workers}.toml")
        assert out.returncode == 0, out.stderr
        details[workers] = _last_detail(db, "retag")
        assert details[workers]["tag_processes"] == workers and details[workers]["tagged"] == 3905
        assert _tags(db) == stores[1]
    assert details[1]["hits_changed"] == details[2]["hits_changed"]


def _children(pid: int) -> set[int]:
    kids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.add(int(entry.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_killing_a_tagging_import_leaves_no_worker_process_behind(tmp_path):
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    big = tmp_path / "big.jsonl"
    with open(big, "w", encoding="utf-8") as fh:
        for i in range(12):  # long enough to be caught mid-tagging
            for row in rows:
                fh.write(json.dumps({**row, "id": f"{i}-{row['id']}"}) + "\n")
    env = {**os.environ, "TRIAGE_CONFIG": str(_config(tmp_path / "c.toml", 2))}
    proc = subprocess.Popen([TRIAGE, "--db", str(tmp_path / "k.db"), "import", "-q", str(big)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
            workers = _children(proc.pid)
            time.sleep(0.05)
        assert len(workers) == 2, "the import never started its two tagging workers"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers), "tagging workers outlived the killed import"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_bad_tag_workers_setting_is_a_one_line_error(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("tag_workers = 0\n", encoding="utf-8")
    out = _run(["--db", tmp_path / "x.db", "import", DEMO], config)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{config}: tag_workers" in lines[0] and "1 to 64" in lines[0]
