"""End to end: the installed `triage` binary in a real terminal, as an analyst over SSH has it."""

from __future__ import annotations

import os
import pty
import select
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .console_store import build_console_store

pytestmark = pytest.mark.e2e
TRIAGE = str(Path(sys.executable).parent / "triage")


def _env(tmp_path: Path, term: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "PYTEST"))}
    env.update(TERM=term, TRIAGE_CONFIG=str(tmp_path / "config.toml"), TRIAGE_DATA_DIR=str(tmp_path / "data"),
               COLUMNS="80", LINES="24")
    (tmp_path / "config.toml").write_text('analyst = "e2e"\ntimezone = "UTC"\n')
    return env


class Tmux:
    def __init__(self, command: list[str], env: dict, size=(80, 24)):
        self.name = f"triage-{uuid.uuid4().hex[:8]}"
        env_args = [f"{k}={v}" for k, v in env.items() if k in ("TERM", "TRIAGE_CONFIG", "TRIAGE_DATA_DIR", "PATH",
                                                                  "HOME", "LANG", "LC_ALL", "TRIAGE_ANALYST")]
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
                        "env", *env_args, *command], check=True)

    def screen(self) -> str:
        out = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return out.stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.15)

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True).returncode == 0

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture(autouse=True)
def _needs_tmux():
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed: `make test` installs it (make test-tools)")


@pytest.mark.parametrize("term", ["xterm-256color", "linux"])
def test_label_in_tmux_lands_in_the_store(tmp_path, term):
    db = build_console_store(tmp_path / "e2e.db")
    session = Tmux([TRIAGE, "--db", str(db)], _env(tmp_path, term))
    try:
        screen = session.wait_for("1/10")
        assert "flagged · unreviewed · by risk" in screen or "flagged" in screen
        assert "@nora_v" in screen
        session.keys("j", "1")
        session.wait_for("3/10")
        conn = sqlite3.connect(db)
        rows = conn.execute("SELECT p.external_id, l.disposition, l.analyst FROM labels l "
                            "JOIN posts p ON p.id = l.post_id").fetchall()
        conn.close()
        assert rows == [("p1", "escalate", "e2e")]
        session.keys("k")
        screen = session.wait_for("label: escalate")
        session.keys("q")
        deadline = time.monotonic() + 10
        while session.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not session.alive(), "q did not quit"
    finally:
        session.close()


def test_no_escape_sequence_from_a_post_reaches_the_terminal(tmp_path):
    """Read the raw bytes the console writes: the hostile post's OSC/CSI never appear as such."""
    db = build_console_store(tmp_path / "pty.db")
    env = _env(tmp_path, "xterm-256color")
    pid, fd = pty.fork()
    if pid == 0:  # child: the real binary on a real pseudo-terminal
        os.execve(TRIAGE, [TRIAGE, "--db", str(db)], env)
    output = bytearray()

    def pump(seconds: float, until: bytes | None = None) -> None:
        """Read for ``seconds``, or until ``until`` has appeared (a loaded machine draws late)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until in output):
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    output.extend(os.read(fd, 65536))
                except OSError:
                    return

    try:
        import fcntl
        import struct
        import termios

        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
        pump(30, until=b"1/10")  # the queue is up
        os.write(fd, b"G")  # the last post: a hostile one, shown whole in the post view
        pump(30, until=b"10/10")
        pump(1)
        os.write(fd, b"k")
        pump(1.5)
        os.write(fd, b"q")
        pump(2)
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
    assert b"PWNED-TITLE" in output, "the hostile post was never drawn"
    assert b"\x1b]0;PWNED" not in output and b"\x1b]52;c;ZXZpbA" not in output
    assert "␛]0;PWNED-TITLE".encode() in output
    assert "\u202e".encode() not in output and "\u200b".encode() not in output


def test_twenty_demo_posts_one_key_each_at_80x24_on_the_linux_console(tmp_path, demo_db):
    """The first screen of every post names each indicator that flagged it (the why line, above
    the fold at 80×24 with TERM=linux); one key labels it and shows the next."""
    import re

    db = tmp_path / "demo.db"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)  # a copy: the session's demo store stays unlabeled for other tests
    session = Tmux([TRIAGE, "--db", str(db)], _env(tmp_path, "linux"))
    conn = sqlite3.connect(db)
    try:
        screen = session.wait_for(" │ flagged")
        total = int(re.search(r"^1/(\d+) │ flagged", screen, re.M).group(1))
        assert total > 20
        for n in range(1, 21):
            # The status line and the post view are drawn by one handler but may reach the
            # terminal in two writes on a loaded machine: wait for both.
            deadline = time.monotonic() + 20
            while True:
                screen = session.wait_for(f"{n}/{total} │")
                header = re.search(r"^\s*#(\d+) .*risk", screen, re.M)
                if (header and "why " in screen) or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert header, screen
            post_id = int(header.group(1))
            names = [r[0] for r in conn.execute("SELECT DISTINCT indicator FROM hits WHERE post_id = ?", (post_id,))]
            assert names, f"post #{post_id} is in the flagged queue with no hit"
            why = screen[screen.index("why "):]
            for name in names:
                assert name in why, f"{name} of post #{post_id} is not on its first screen:\n{screen}"
            session.keys("3")  # benign, and the next post
            session.wait_for(f"{n + 1}/{total} │")
        labeled = conn.execute("SELECT COUNT(DISTINCT post_id) FROM labels WHERE analyst = 'e2e'").fetchone()[0]
        assert labeled == 20
    finally:
        conn.close()
        session.close()


def test_author_charts_read_at_80x24_on_the_linux_console(tmp_path, demo_db):
    """`a` on the first post, then `j` down to the charts: the 24 hour columns with their
    labels and the local-midnight mark, and the week chart's legend on its own rows above the
    letters, as the Linux console shows them (no colour needed to read either)."""
    import re

    db = tmp_path / "demo.db"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    session = Tmux([TRIAGE, "--db", str(db)], _env(tmp_path, "linux"))
    try:
        session.wait_for(" │ flagged")
        session.keys("a")
        session.wait_for("triage · author @")
        screen = ""
        for _ in range(40):  # j scrolls two rows at a time
            session.keys("j")
            screen = session.screen()
            whole = "posts per hour of day" in screen and ("(inferred)" in screen or "offset unknown" in screen)
            if whole and re.search(r"^\s*UTC\s+00 01", screen, re.M):
                break
        lines = screen.splitlines()
        utc = next(line for line in lines if re.match(r"^\s*UTC\s+00 ", line))
        assert re.findall(r"\d\d", utc) == [f"{h:02d}" for h in range(24)]
        assert all(len(line) <= 80 for line in lines)
        if "local midnight at UTC" in screen:  # the demo authors post with a daily rhythm
            local = next(line for line in lines if re.match(r"^\s*loc\s+\d\d ", line))
            mark = next(line for line in lines if "local midnight at UTC" in line)
            assert local[mark.index("^") + 1:mark.index("^") + 3] == "00"  # the mark sits at local 00
            assert any(":" in line for line in lines[lines.index(utc) - 4:lines.index(utc)])  # the line
        else:
            assert "offset unknown" in screen
        for _ in range(40):  # back up to the week chart
            session.keys("k")
            screen = session.screen()
            if "indicators per week" in screen and "└" in screen and "posts per hour" not in screen:
                break
        lines = screen.splitlines()
        title = next(i for i, line in enumerate(lines) if "indicators per week" in line)
        plot = [i for i, line in enumerate(lines) if re.match(r"^\s*\d*│", line)]
        legend = " ".join(lines[title + 1:plot[0]])
        # the plot's letters (the scrollbar's block glyphs share the last columns of the rows)
        letters = set(re.findall(r"[A-Z]", "".join(lines[i].split("│", 1)[1] for i in plot)))
        assert letters and all(re.search(rf"\b{letter} [a-z_]+ \d+", legend) for letter in letters), legend
    finally:
        session.close()
