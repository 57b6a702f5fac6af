"""What the README promises beyond the commands: shell completion for the `triage` entry point
(click's own), and the console served in a browser by textual-serve for reviewers without SSH
(a real server on 127.0.0.1, fetched over HTTP, and the console's first screen over its
websocket)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from triage.records import PostRecord
from triage.store import TagResult

from .test_export_fixtures import build_store

ROOT = Path(__file__).resolve().parents[1]
TRIAGE = Path(sys.executable).parent / "triage"
# The README's line, with the store and port of the test.
README_SERVE = 'Server("triage --db cases.db", host="127.0.0.1", port=8000).serve()'


def _complete(words: str, cword: int) -> list[str]:
    env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(cword), "_TRIAGE_COMPLETE": "bash_complete"}
    out = subprocess.run([str(TRIAGE)], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [line.split(",", 1)[1] for line in out.stdout.splitlines()]


def test_shell_completion_of_the_triage_entry_point():
    script = subprocess.run([str(TRIAGE)], env={**os.environ, "_TRIAGE_COMPLETE": "bash_source"},
                            capture_output=True, text=True, timeout=60).stdout
    assert "_triage_completion()" in script and "complete -o nosort -F _triage_completion triage" in script
    assert "export" in _complete("triage exp", 1)
    assert _complete("triage export --format s", 3) == ["stix"]
    assert set(_complete("triage export --tlp ", 3)) == {"clear", "green", "amber", "amber+strict", "red"}
    readme = (ROOT / "README.md").read_text()
    assert 'eval "$(_TRIAGE_COMPLETE=bash_source triage)"' in readme


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not listen in time")


async def _first_screen(url: str, wanted: bytes, seconds: float = 60) -> bytes:
    """What the console sends over the websocket until ``wanted`` shows (or time runs out)."""
    import aiohttp

    seen = bytearray()

    async def read(ws) -> None:
        await ws.send_json(["resize", {"width": 100, "height": 30}])
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                seen.extend(msg.data)
            elif msg.type == aiohttp.WSMsgType.TEXT:
                seen.extend(msg.data.encode())
            if wanted in seen:
                return

    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(url, timeout=aiohttp.ClientWSTimeout(ws_close=5))
        try:
            await asyncio.wait_for(read(ws), seconds)
        except asyncio.TimeoutError:
            pass
        finally:
            # The server stops its console process before it answers a close: don't wait on it.
            try:
                await asyncio.wait_for(ws.close(), 5)
            except asyncio.TimeoutError:
                pass
    return bytes(seen)


def test_the_console_is_served_in_a_browser_by_textual_serve(tmp_path):
    pytest.importorskip("textual_serve")  # the serve extra (and the test extra)
    readme = (ROOT / "README.md").read_text()
    assert README_SERVE in readme and "pip install 'triage-console[serve]'" in readme
    store = build_store(tmp_path / "cases.db")
    store.add_posts([PostRecord(source="jsonl", external_id="w1", text="see you all at the rally, bring the gear",
                                author_handle="web_reviewer_case", created_at=1_780_000_000,
                                created_raw="1780000000")])
    post = store.resolve_post("jsonl:w1")
    store.write_tags([TagResult(post, 0.77, True, ["weapons"], [])], "rules-1.0")  # flagged, unreviewed: queued
    store.close()
    port = _free_port()
    code = ("from textual_serve.server import Server; "
            + README_SERVE.replace("triage --db cases.db", f"{TRIAGE} --db {tmp_path / 'cases.db'}")
                          .replace("port=8000", f"port={port}"))
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for_port(port, proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200
            page = response.read().decode()
        assert f"ws://127.0.0.1:{port}/ws" in page  # the page that opens the console's terminal
        assert "triage" in page and "<html" in page.lower()
        # The real console runs behind it: its queue shows the flagged post's author from the store.
        screen = asyncio.run(_first_screen(f"ws://127.0.0.1:{port}/ws?width=100&height=30", b"web_reviewer_case"))
        assert b"web_reviewer_case" in screen, screen[-2000:]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
