"""The authors-of-concern screen, the queue's author-concern column and sort, and the context
the post view gives a reply, driven through Pilot on a real store."""

from __future__ import annotations

import pytest

from triage.analytics.concern import refresh_concern
from triage.config import Config
from triage.screens.app import TriageApp
from triage.store import Store
from triage.store.queries import QueueFilter

from .concern_store import build_pieces_store
from .test_console import screen_text, settle


@pytest.fixture
def pieces_db(tmp_path):
    path = build_pieces_store(tmp_path / "pieces.db")
    with Store.open(path) as store:
        refresh_concern(store, clock=lambda: 1_788_500_000.0)
    return path


def make_app(path) -> TriageApp:
    return TriageApp(path, Config(analyst="ann", timezone="UTC"))


def author_id(path, handle: str) -> int:
    with Store.open(path, readonly=True) as store:
        return store.conn.execute("SELECT id FROM authors WHERE handle = ?", (handle,)).fetchone()[0]


async def test_authors_of_concern_from_the_queue_and_the_overview(pieces_db):
    from triage.screens.author_screen import AuthorScreen
    from triage.screens.concern_screen import ConcernScreen

    app = make_app(pieces_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ConcernScreen)
        lines = screen_text(app).splitlines()
        first = next(line for line in lines if "@" in line)
        # concern, behaviour letters (pathway, identification, leakage), flagged posts, latest, trend
        assert "@quiet_pieces" in first and "●" in first and "P·I··L··" in first
        assert "@loud_idiom" in screen_text(app) and "1 of concern" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AuthorScreen) and app.screen.author_id == author_id(pieces_db, "quiet_pieces")
        shown = screen_text(app)
        assert "concern 0." in shown and "OF CONCERN" in shown and "proximity" in shown
        assert "identification: posts #" in shown
        await pilot.press("q", "q", "o")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ConcernScreen)


async def test_queue_sorts_by_author_concern_and_shows_it_beside_the_risk(pieces_db):
    app = make_app(pieces_db)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        assert " risk auth L" in screen_text(app)
        assert queue.row_at(0).handle == "loud_idiom"  # by risk: the loud idiom (0.90) first
        await pilot.press("s")  # risk -> concern
        queue = await settle(pilot, app)
        assert app.screen.flt.sort == "concern"
        handles = [queue.row_at(i).handle for i in range(len(queue.ids))]
        assert handles[:4] == ["quiet_pieces"] * 4 and handles[-1] == "loud_idiom"
        # The piece under the flag threshold is in the flagged queue for its author's concern.
        assert len(queue.ids) == 5
        row = next(queue.row_at(i) for i in range(4) if queue.row_at(i).score < 0.5)
        queue.move_to(list(queue.ids).index(row.id))
        await pilot.pause()
        shown = screen_text(app)
        assert "in the flagged queue for its author's concern" in shown
        assert f"{row.score:4.2f} {row.concern:4.2f}" in shown


async def test_a_reply_shows_the_thread_above_and_the_authors_other_flagged_posts(pieces_db):
    from triage.screens.context_screen import ContextScreen
    from triage.screens.queue_screen import QueueScreen

    app = make_app(pieces_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.push_screen(QueueScreen(QueueFilter(flagged_only=False, label_state="any", sort="time"), title="all"))
        queue = await settle(pilot, app)
        assert queue.row_at(0).handle == "friend"
        shown = screen_text(app)
        assert "in reply to (t: open)" in shown and "@quiet_pieces the depot. the 14th. remember I told you" in shown
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ContextScreen)
        await pilot.press("enter")  # the parent post, in a queue of its own
        queue = await settle(pilot, app)
        assert isinstance(app.screen, QueueScreen) and len(queue.ids) == 1
        assert queue.row_at(0).snippet == "the depot. the 14th. remember I told you"
        shown = screen_text(app)
        assert "other flagged posts by @quiet_pieces" in shown
        assert "the Halden Street shooter had the right idea" in shown and "picked up a second rifle" in shown
        await pilot.press("t")
        await pilot.pause()
        options = app.screen.query_one("#context-list")
        assert options.option_count == 4  # a heading and the author's three other flagged posts


class TestSnapshots:
    """The authors-of-concern screen and a reply's context, pinned at 80×24 and 160×48
    (`make snapshots` re-pins after an intended change)."""

    @pytest.mark.parametrize("size", [(80, 24), (160, 48)])
    def test_snapshot_concern_screen(self, snap_compare, pieces_db, size):
        async def open_concern(pilot):
            await settle(pilot, pilot.app)
            await pilot.press("w")
            await pilot.pause()

        assert snap_compare(make_app(pieces_db), terminal_size=size, run_before=open_concern)

    @pytest.mark.parametrize("size", [(80, 24), (160, 48)])
    def test_snapshot_reply_context(self, snap_compare, pieces_db, size):
        from triage.screens.queue_screen import QueueScreen

        async def open_reply(pilot):
            await settle(pilot, pilot.app)
            pilot.app.push_screen(QueueScreen(QueueFilter(flagged_only=False, label_state="any", sort="time"),
                                              title="all posts"))
            await settle(pilot, pilot.app)

        assert snap_compare(make_app(pieces_db), terminal_size=size, run_before=open_reply)


async def test_hostile_handles_reach_the_concern_screen_as_plain_text(tmp_path):
    from triage.screens.concern_screen import ConcernScreen

    from .console_store import build_console_store

    path = build_console_store(tmp_path / "hostile.db")
    with Store.open(path) as store:
        refresh_concern(store)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ConcernScreen)
        shown = screen_text(app)
        assert "@[bold red]mallory[/]" in shown  # markup shown as the characters it is
        assert "\x1b" not in shown and "\u202e" not in shown and "⟨RLO⟩" in shown
