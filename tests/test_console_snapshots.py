"""Pinned pictures of the queue and post view at 80×24 (SSH minimum) and 160×48.

Update after an intended change with `make snapshots`, then look at the SVGs before committing.
"""

from __future__ import annotations

import pytest

from triage.config import Config
from triage.screens.app import TriageApp

from .console_store import build_console_store


@pytest.fixture
def app(tmp_path, monkeypatch):
    import triage.store.core

    # History lines show when a label was set: pin the clock so the picture is stable.
    monkeypatch.setattr(triage.store.core.time, "time", lambda: 1_786_100_000.0)
    return TriageApp(build_console_store(tmp_path / "snap.db"), Config(analyst="ann", timezone="UTC"))


async def _ready(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_snapshot_queue_and_post(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=_ready)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_snapshot_post_with_history(snap_compare, app, size):
    async def label_and_note(pilot):
        await _ready(pilot)
        await pilot.press("j", "2", "k")  # label the second post, come back to it
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=label_and_note)


def test_snapshot_help(snap_compare, app):
    async def help_open(pilot):
        await _ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=help_open)


@pytest.fixture
def demo_app(demo_db, monkeypatch):
    import triage.store.core

    monkeypatch.setattr(triage.store.core.time, "time", lambda: 1_795_000_000.0)
    return TriageApp(demo_db, Config(analyst="ann", timezone="UTC"))


@pytest.mark.parametrize("size, chart", [((80, 24), "author-timeline"), ((80, 24), "author-hours"),
                                         ((160, 48), "author-timeline")])
def test_snapshot_author_charts(snap_compare, demo_app, size, chart):
    """The author screen scrolled to its charts: indicators per week in letters with the legend
    above the plot, and the 24-column hour histogram with the local midnight line (at 160×48
    both show at once)."""
    async def open_charts(pilot):
        await _ready(pilot)
        handle = "hollowfen"  # the demo's escalating author: a change week and a UTC+1 midnight
        author = pilot.app.reader.conn.execute("SELECT id FROM authors WHERE handle = ?", (handle,)).fetchone()[0]
        pilot.app.open_author(author)
        await _ready(pilot)
        screen = pilot.app.screen
        screen.query_one("#author-body").scroll_to_widget(screen.query_one(f"#{chart}"), animate=False, top=True)
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=size, run_before=open_charts)
