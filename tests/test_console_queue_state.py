"""What the post view and the queue say about the store's current state: a rescore line that a
later retag overtook, and a queue the analyst has finished."""

from __future__ import annotations

from datetime import timezone

from triage.records import PostRecord
from triage.store import Store

from .test_console import make_app, screen_text, settle, store_file  # noqa: F401  (fixture)
from .test_console_navigation import post_view

TEXTS = ["I'm going to shoot them all at the Riverside mall on friday",
         "they threw me away, this whole society hates me",
         "nobody would notice if I was gone",
         "just bought another rifle and a plate carrier",
         "join the Iron Vanguard, the day of the rope is coming"]


async def test_post_view_says_when_a_later_retag_overtook_the_rescore(db_path):
    from triage.learning import rescore
    from triage.store.rescore_queries import latest_rescore
    from triage.tagging import make_tagger

    path = db_path
    store = Store.open(path)
    store.add_posts([PostRecord(source="s", external_id=str(i), text=t, author_handle="a",
                                created_at=1_786_000_000 + i, created_raw="2026-08-06") for i, t in enumerate(TEXTS)])
    rules = make_tagger(model=None)  # the rules alone, as a store tagged before a model existed
    rules.tag_untagged(store)
    report = rescore(store, refresh_analytics=False)  # the shipped model: some scores move
    moved = latest_rescore(store.conn, 4)
    assert report.recorded >= 1 and moved is not None and moved.new_detector == report.detector_version
    rescored_line = moved.describe(timezone.utc)
    rules.retag_all(store)  # `triage retag` with the rules alone: the rescore's result is gone
    now = store.conn.execute("SELECT score, detector_version FROM posts WHERE id = 4").fetchone()
    store.close()
    assert now[1] == rules.version and round(now[0], 2) != round(moved.new_score, 2)

    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("colon", "4", "enter")
        await settle(pilot, app)
        shown = post_view(app)
        assert shown.startswith("#4 ") and f"risk {now[0]:.2f}" in shown
        # the history stays, and says the post has moved on since
        assert rescored_line.split(",")[0].split(" (")[0] in shown
        assert f"retagged since: now {now[0]:.2f} (detector {rules.version})" in shown
        assert "now flagged (" not in shown  # no longer reads as the post's present state


async def test_finished_queue_says_done_with_how_many_were_reviewed(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        total = len(queue.ids)
        assert total == 10
        for _ in range(total):  # one key a post: the queue advances
            await pilot.press("3")
        await pilot.pause()
        await pilot.press("r")  # reload: every post is labelled, the unreviewed queue is empty
        queue = await settle(pilot, app)
        assert len(queue.ids) == 0
        shown = screen_text(app)
        assert "queue done — 10 reviewed" in shown and "nothing here" not in shown


async def test_a_filter_that_matches_nothing_still_says_nothing_here(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"zebracrossing", "enter")
        queue = await settle(pilot, app)
        assert len(queue.ids) == 0
        assert "nothing here: no post matches this filter" in screen_text(app)
