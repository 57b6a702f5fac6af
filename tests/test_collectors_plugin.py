"""A third-party collector package (tests/example_plugin, the one the README walks
through) installed with pip is listed by `triage collectors` and runs under `triage collect`.

It is installed with ``pip install --target`` into a temporary directory put on PYTHONPATH:
an overlay of the running environment, so the project venv is never changed (nothing to
uninstall if the test dies half-way; removing the directory uninstalls it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parent / "example_plugin"


def triage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from triage.cli import run; run()", *map(str, args)],
                          env=env, capture_output=True, text=True, timeout=120)


def test_an_installed_plugin_is_listed_and_collects(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(EXAMPLE, source)  # the build writes egg-info/build dirs: keep them out of the repo
    site = tmp_path / "site"
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--target", str(site), str(source)],
        capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stderr
    config = tmp_path / "config.toml"
    posts = tmp_path / "watchlist.txt"
    posts.write_text("2024-05-14T09:58:00+02:00\tquiet_hiker\tcanisters die below zero\n"
                     "2024-05-14T10:02:00+02:00\ttrail_mix\tliquid fuel it is\n"
                     "not a post line\n")
    config.write_text(f'[[collectors]]\nname = "watchlist"\nplugin = "lines"\n'
                      f'[collectors.options]\npath = "{posts}"\n')
    env = {**os.environ, "PYTHONPATH": str(site), "TRIAGE_CONFIG": str(config)}
    db = tmp_path / "store.db"

    listed = json.loads(triage(env, "collectors", "--json").stdout)
    lines = next(p for p in listed["plugins"] if p["name"] == "lines")
    assert lines["description"].startswith("Plain text file: TIME<TAB>HANDLE<TAB>TEXT")
    assert set(lines["options"]) == {"path", "source"}
    assert listed["collectors"][0]["installed"] is True

    first = triage(env, "--db", db, "collect", "--no-tag")
    assert first.returncode == 3  # one bad line, reported and skipped
    assert "watchlist: 2 read, 2 added, 0 already stored, 1 bad" in first.stdout
    assert f"{posts}:3: expected TIME<TAB>HANDLE<TAB>TEXT" in first.stderr
    with open(posts, "a") as fh:
        fh.write("2024-05-14T10:30:00+02:00\tquiet_hiker\tthanks all\n")
    second = triage(env, "--db", db, "collect", "--no-tag")
    assert "watchlist: 1 read, 1 added" in second.stdout  # resumed from the cursor the plugin kept

    shutil.rmtree(site)  # uninstall
    after = json.loads(triage(env, "collectors", "--json").stdout)
    assert "lines" not in {p["name"] for p in after["plugins"]}
    assert after["collectors"][0]["installed"] is False
