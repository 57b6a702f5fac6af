"""Every movement key of the README's key table, driven through Pilot on a real store: the
queue's cursor moves and the post view shows the post under it; esc after a search or a go-to
returns to the queue the analyst came from; back/forward walks the posts viewed."""

from __future__ import annotations

import pytest
from rich.console import Console

from triage.screens.help_screen import key_table
from triage.screens.queue_list import QueueList
from triage.store.queries import QueueFilter

from .test_console import make_app, screen_text, settle, store_file  # noqa: F401  (fixture)


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


def post_view(app) -> str:
    return "".join(seg.text for line in app.screen.query_one("#post-pane").lines for seg in line)


async def all_posts(pilot, app) -> QueueList:
    """Every post by time: 44 rows, more than a page, so the page keys have room to move."""
    app.screen._apply_filter(QueueFilter(flagged_only=False, label_state="any", sort="time"))
    queue = await settle(pilot, app)
    for _ in range(200):  # the ids load in a thread worker: on a busy box the first page lands first
        if len(queue.ids) >= 44:
            break
        await pilot.pause(0.05)
    queue.move_to(0)  # the filter kept the post in view; start from the top
    await pilot.pause()
    return queue


@pytest.mark.parametrize("keys, expected", [
    (("down",), 1), (("j",), 1), (("down", "down", "up"), 1), (("j", "j", "k"), 1),
    (("end",), 43), (("G",), 43), (("end", "home"), 0), (("G", "g"), 0),
])
async def test_arrow_home_end_keys_move_the_queue_cursor(store_file, keys, expected):
    app = make_app(store_file)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await all_posts(pilot, app)
        assert len(queue.ids) == 44
        await pilot.press(*keys)
        await pilot.pause()
        assert queue.cursor == expected
        assert post_view(app).startswith(f"#{queue.current_id} ")  # the post under the cursor is shown
        assert status(app).startswith(f"{expected + 1}/44")


@pytest.mark.parametrize("down, up", [("pagedown", "pageup"), ("ctrl+d", "ctrl+u")])
async def test_page_keys_move_the_cursor_half_a_page(store_file, down, up):
    app = make_app(store_file)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await all_posts(pilot, app)
        step = max(1, queue.size.height // 2)
        await pilot.press(down)
        await pilot.pause()
        assert queue.cursor == step
        await pilot.press(down, up)
        await pilot.pause()
        assert queue.cursor == step
        assert post_view(app).startswith(f"#{queue.current_id} ")


async def test_esc_after_a_search_returns_to_the_queue_and_post_it_came_from(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        await pilot.press("j", "j")
        reading = queue.current_id
        before = status(app)
        assert "flagged · unreviewed · by risk" in before
        await pilot.press("slash", *"hiking", "enter")
        queue = await settle(pilot, app)
        assert len(queue.ids) == 30 and "/hiking" in status(app)
        await pilot.press("escape")
        queue = await settle(pilot, app)
        assert "flagged · unreviewed · by risk" in status(app) and "all posts" not in status(app)
        assert len(queue.ids) == 10 and queue.current_id == reading


async def test_search_inside_an_indicator_filter_says_so(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot, app)
        app.screen._apply_filter(QueueFilter(indicators=("distress",), label_state="any"))
        await settle(pilot, app)
        assert "searched only inside" not in status(app)
        await pilot.press("slash")
        await pilot.pause()
        assert "search only inside ind:distress" in app.screen.query_one("#search-input").placeholder
        await pilot.press(*"bridge", "enter")
        queue = await settle(pilot, app)
        assert len(queue.ids) == 1
        assert "searched only inside ind:distress (f widens)" in status(app)


async def test_back_and_forward_walk_the_posts_viewed(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        seen = [queue.ids[0], queue.ids[1], queue.ids[2]]
        await pilot.press("j", "j")
        await pilot.pause()
        await pilot.press("backspace")
        await pilot.pause()
        assert queue.current_id == seen[1] and post_view(app).startswith(f"#{seen[1]} ")
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert queue.current_id == seen[0]
        await pilot.press("greater_than_sign", "greater_than_sign")
        await pilot.pause()
        assert queue.current_id == seen[2]
        await pilot.press("greater_than_sign")  # nothing later: stays, and says so
        await pilot.pause()
        assert queue.current_id == seen[2]
        assert "no later post viewed" in [n.message for n in app._notifications]


async def test_goto_shows_a_post_outside_the_queue_and_esc_returns(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        reading = queue.current_id
        outside = 20  # a plain "weekend plans" post: not flagged, so not in the queue
        assert outside not in queue.ids
        await pilot.press("colon", *str(outside), "enter")
        queue = await settle(pilot, app)
        assert list(queue.ids) == [outside] and post_view(app).startswith(f"#{outside} ")
        assert "weekend plans" in screen_text(app)
        await pilot.press("backspace")  # back through history: the post read before
        queue = await settle(pilot, app)
        assert queue.current_id == reading
        await pilot.press("escape")
        queue = await settle(pilot, app)
        assert len(queue.ids) == 10 and queue.current_id == reading
        await pilot.press("number_sign", *str(queue.ids[3]), "enter")  # `#` too; listed: the cursor moves
        await pilot.pause()
        assert queue.cursor == 3
        await pilot.press("colon", *"999999", "enter")
        await pilot.pause()
        assert "no post #999999 in the store" in [n.message for n in app._notifications]
        assert queue.cursor == 3


async def test_navigation_keys_remap_by_id_and_show_in_help(store_file):
    app = make_app(store_file, keys={"queue.history_back": "b", "queue.goto": "ctrl+g"})
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        await pilot.press("j", "b")
        await pilot.pause()
        assert queue.cursor == 0
        await pilot.press("question_mark")
        await pilot.pause()
        # The help table whole (the dialog scrolls at this size), as the `?` screen renders it.
        console = Console(width=200, record=True, color_system=None)
        console.print(key_table(app.screen.under))
        rows = console.export_text().splitlines()
        for key, ident in (("b", "queue.history_back"), (">", "queue.history_forward"), ("^g", "queue.goto"),
                           ("esc", "queue.clear_search"), ("↓", "queue.next"), ("pgdn", "queue.half_down")):
            assert any(row.split()[:1] == [key] and row.split()[-1] == ident for row in rows), (key, ident, rows)
