"""The author and overview screens on the demo data (built with the real detector and analytics)."""

from __future__ import annotations

import pytest

from triage.config import Config
from triage.screens.app import TriageApp

from .backend import rows
from .test_console import screen_text


def author_id(db, handle: str) -> int:
    return rows(db, "SELECT id FROM authors WHERE handle = ?", (handle,))[0][0]


def _pinned_app(db, monkeypatch) -> TriageApp:
    import triage.store.core

    monkeypatch.setattr(triage.store.core.time, "time", lambda: 1_795_000_000.0)
    return TriageApp(db, Config(analyst="ann", timezone="UTC"))


@pytest.fixture
def app(demo_db, monkeypatch):
    """On the SQLite demo store: the snapshots are one set."""
    return _pinned_app(demo_db, monkeypatch)


@pytest.fixture
def any_app(demo_store, monkeypatch):
    """On the demo store of each backend: what the screens say must not depend on the engine."""
    return _pinned_app(demo_store, monkeypatch)


async def _ready(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_escalating_author_shows_the_change_point(any_app, demo_store):
    app = any_app
    async with app.run_test(size=(100, 40)) as pilot:
        await _ready(pilot)
        app.open_author(author_id(demo_store, "hollowfen"))
        await _ready(pilot)
        shown = screen_text(app)
        assert "@hollowfen" in shown
        assert "⚑ behaviour change 2026-W41" in shown
        assert "time zone: likely UTC+1" in shown
        await pilot.press("p")  # the author's posts, in the queue and post view
        await _ready(pilot)
        assert "posts of @hollowfen" in screen_text(app)


async def test_overview_lines_open_the_matching_queue_and_author(any_app):
    app = any_app
    from triage.screens.author_screen import AuthorScreen
    from triage.screens.queue_screen import QueueScreen

    async with app.run_test(size=(100, 40)) as pilot:
        await _ready(pilot)
        await pilot.press("o")
        await _ready(pilot)
        shown = screen_text(app)
        assert "indicators × week" in shown and "highest-risk authors" in shown and "trending in" in shown
        assert "@hollowfen" in shown and "#ashfall2" in shown
        await pilot.press("enter")  # the first line: the threat row of the heat map
        await _ready(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.flt.indicators == ("threat",)
        await pilot.press("q")
        await _ready(pilot)
        options = app.screen.query_one("#overview-list")
        index = next(i for i in range(options.option_count)
                     if (options.get_option_at_index(i).id or "").startswith("author:"))
        options.highlighted = index
        await pilot.press("enter")
        await _ready(pilot)
        assert isinstance(app.screen, AuthorScreen)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_snapshot_author(snap_compare, app, demo_db, size):
    async def open_author(pilot):
        await _ready(pilot)
        pilot.app.open_author(author_id(demo_db, "nullvoid_kyle"))
        await _ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_author)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_snapshot_overview(snap_compare, app, size):
    async def open_overview(pilot):
        await _ready(pilot)
        await pilot.press("o")
        await _ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_overview)
