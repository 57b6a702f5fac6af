"""Text wraps inside the visible width of the post view: nothing under the scrollbar, at the
80-column SSH minimum and wider. Read from what the terminal shows, cell by cell."""

from __future__ import annotations

import pytest

from triage.records import PostRecord
from triage.store import Store, TagResult
from triage.store.queries import QueueFilter

from .test_console import make_app, settle, store_file  # noqa: F401  (fixture)

URL = ("https://news.example.org/2026/08/06/just-picked-up-another-rifle-and-a-plate-carrier-ammo-next-week"
       "-said-the-poster-in-a-long-thread/index.html?ref=feed&utm=none")
WORDS = "a quote that runs on and on " * 12


def shown_rows(app, widget) -> list[str]:
    """The cells of each terminal row inside the widget's content area (inside padding and
    scrollbar), as drawn."""
    region = widget.scrollable_content_region
    strips = app.screen._compositor.render_strips()
    rows = []
    for y in range(region.y, region.y + region.height):
        line = "".join(seg.text for seg in strips[y])
        rows.append(line[region.x:region.x + region.width])
    return rows


@pytest.mark.parametrize("width", [80, 100, 160])
async def test_a_long_url_and_a_long_quote_read_whole_in_the_post_view(store_file, width):
    text = f"see {URL} now. {WORDS}end."
    with Store.open(store_file) as writer:
        res = writer.add_posts([PostRecord("wrap", "w1", text, "wrapper", 1_786_500_000, "x", raw="{}")])
        writer.write_tags([TagResult(res.first_new_id, 0.9, True, ["threat"], [])], "test-1")
    app = make_app(store_file)
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot, app)
        app.screen._apply_filter(QueueFilter(source="wrap", label_state="any"))
        await settle(pilot, app)
        pane = app.screen.query_one("#post-pane")
        rows = shown_rows(app, pane)
        start = next((i for i, row in enumerate(rows) if row.rstrip() in ("see", "see https:") or row.startswith("see https:")), None)
        assert start is not None, rows
        body = [row.rstrip() for row in rows[start:start + 20]]
        # Long words are folded at the edge: the rows joined give the text back, not a character lost.
        joined = "".join(row if len(row) == pane.scrollable_content_region.width else row + " " for row in body)
        assert URL in joined
        assert "".join(WORDS.split()) in "".join(joined.split())  # no character lost at a row's end
        # Every row ends inside the text area: a row the width of the area is the fold of a long word.
        assert any(len(row) == pane.scrollable_content_region.width for row in body)


@pytest.mark.parametrize("before, after", [((160, 40), (80, 24)), ((120, 40), (90, 30))])
async def test_the_post_rewraps_when_the_terminal_is_resized(store_file, before, after):
    with Store.open(store_file) as writer:
        res = writer.add_posts([PostRecord("wrap", "w1", f"see {URL} now", "wrapper", 1_786_500_000, "x", raw="{}")])
        writer.write_tags([TagResult(res.first_new_id, 0.9, True, ["threat"], [])], "test-1")
    app = make_app(store_file)
    async with app.run_test(size=before) as pilot:
        await settle(pilot, app)
        app.screen._apply_filter(QueueFilter(source="wrap", label_state="any"))
        await settle(pilot, app)
        await pilot.resize_terminal(*after)
        await pilot.pause()
        await pilot.pause()
        pane = app.screen.query_one("#post-pane")
        rows = [row.rstrip() for row in shown_rows(app, pane)]
        assert pane.scrollable_content_region.width < after[0]
        assert URL in "".join(rows)  # folded at the new width: the rows run on without a gap


@pytest.mark.parametrize("width", [80, 100, 160])
async def test_the_footer_ends_in_the_palette_key_and_nothing_after_it(store_file, width):
    app = make_app(store_file)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot, app)
        footer = "".join(seg.text for seg in app.screen._compositor.render_strips()[-1])
        assert footer.endswith("▏^p palette"), footer
