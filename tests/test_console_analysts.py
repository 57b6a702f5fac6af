"""Many analysts in the console, driven through Textual's Pilot on a real store: the claim on the
post in view, another analyst's claim, disagreements in the queue and the post view, and the
review queue (`D`)."""

from __future__ import annotations

import time
from dataclasses import replace

from triage.config import Config
from triage.screens.app import TriageApp
from triage.store import Store
from triage.store.agreement_queries import disagreeing_posts, rated_posts
from triage.store.claims import claim

from . import backend
from .test_console import labels, make_app, screen_text, settle, store_file  # noqa: F401  (fixture)


def claims(path) -> list[tuple[int, str]]:
    return backend.rows(path, "SELECT post_id, analyst FROM claims ORDER BY post_id")


async def wait_until(pilot, condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        await pilot.pause(0.05)


def review_labels(path) -> list[tuple[int, str]]:
    return backend.rows(path, "SELECT post_id, analyst FROM resolutions ORDER BY label_id")


def post_view(app) -> str:
    return str(app.screen.query_one("#post-pane").shown)


async def test_the_post_in_view_is_claimed_moved_with_the_cursor_and_given_back_on_close(store_file):
    app = make_app(store_file, claim_minutes=2)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await settle(pilot, app)
        first, second = queue.ids[0], queue.ids[1]
        await wait_until(pilot, lambda: claims(store_file) == [(first, "ann")])
        ((length,),) = backend.rows(store_file, "SELECT expires_at - claimed_at FROM claims")
        assert length == 120  # claim_minutes = 2
        assert "analyst ann" in screen_text(app).splitlines()[0]  # who you are, in the title bar
        await pilot.press("j")
        await wait_until(pilot, lambda: claims(store_file) == [(second, "ann")])
    assert claims(store_file) == []


async def test_a_post_another_analyst_holds_is_marked_and_labeling_it_asks_first(store_file):
    with Store.open(store_file) as bob:
        top = bob.conn.execute("SELECT id FROM posts WHERE flagged = 1 ORDER BY score DESC, id LIMIT 1").fetchone()[0]
        claim(bob, top, "bob", 5)
    app = make_app(store_file)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await settle(pilot, app)
        assert queue.current_id == top
        assert queue.row_at(0).claimed_by == "bob"
        assert "⚐bob" in screen_text(app)
        assert "⚐ claimed by bob until" in post_view(app)
        await pilot.press("1")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert "claimed by bob" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert labels(store_file) == []  # refused: nothing written
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert labels(store_file) == [(top, "escalate", "ann", None)]
    assert claims(store_file) == [(top, "bob")]  # bob's claim stands; ann never held it


def _two_opinions(path):
    """ann and bob disagree on the top post, agree on the second; bob's verdict differs on one."""
    with Store.open(path) as store:
        ids = [r[0] for r in store.conn.execute(
            "SELECT id FROM posts WHERE flagged = 1 ORDER BY score DESC, id LIMIT 3")]
        store.set_disposition([ids[0]], "escalate", "ann")
        store.set_disposition([ids[0]], "benign", "bob")
        store.set_disposition([ids[1]], "monitor", "ann")
        store.set_disposition([ids[1]], "monitor", "bob")
        store.set_verdict(ids[1], "weapons", 1, "ann")
        store.set_verdict(ids[1], "weapons", 0, "bob")
        store.set_disposition([ids[2]], "benign", "ann")  # one analyst only: not for review
    return ids


async def test_a_disagreement_shows_in_the_queue_and_each_decision_side_by_side(store_file):
    ids = _two_opinions(store_file)
    app = make_app(store_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        app.screen._apply_filter(replace(app.screen.flt, label_state="any"))  # the labeled posts too
        queue = await settle(pilot, app)
        index = list(queue.ids).index(ids[0])
        assert queue.row_at(index).disagreement
        queue.move_to(index)
        await pilot.pause()
        view = post_view(app)
        assert "≠ analysts disagree" in view
        ann_line = next(line for line in view.splitlines() if line.strip().startswith("ann "))
        bob_line = next(line for line in view.splitlines() if line.strip().startswith("bob "))
        assert "escalate" in ann_line and "benign" in bob_line
        assert "label: benign" in view  # the queue's label is the latest; the other is not hidden
        queue.move_to(list(queue.ids).index(ids[1]))
        await pilot.pause()
        view = post_view(app)
        assert "≠ analysts disagree" in view and "weapons: ann ✓ · bob ✗" in view


async def test_the_review_queue_lists_disagreements_first_and_a_label_settles_one(store_file):
    ids = _two_opinions(store_file)
    app = TriageApp(store_file, Config(analyst="cy", timezone="UTC"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("D")
        queue = await settle(pilot, app)
        assert app.screen.title_text == "review"
        # both are disagreements (a disposition, a verdict), highest risk first; the single-analyst post is not listed
        assert list(queue.ids) == [ids[0], ids[1]]
        assert queue.row_at(0).disagreement and queue.row_at(1).disagreement
        assert "review: disagreements first" in screen_text(app)
        await pilot.press("1")  # cy settles the first one: escalate
        await pilot.pause()
        rows = labels(store_file)
        assert rows[-1] == (ids[0], "escalate", "cy", None)
        assert [r[2] for r in rows if r[0] == ids[0]] == ["ann", "bob", "cy"]  # every decision kept
        assert review_labels(store_file) == [(ids[0], "cy")]
        audited = backend.rows(store_file, "SELECT analyst, target FROM audit WHERE action = 'review-label'")
        assert audited == [("cy", str(ids[0]))]
        assert not queue.row_at(0).disagreement  # settled: no ≠ any more
        assert queue.current_id == ids[1]  # and on to the next one
        queue.move_to(0)
        await pilot.pause()
        view = post_view(app)
        assert "≠ analysts disagreed" in view and "settled by cy: escalate" in view
        await pilot.press("u")  # undo the review label: the disagreement is open again
        await pilot.pause()
        assert queue.row_at(0).disagreement
        assert "≠ analysts disagree" in post_view(app) and "settled by" not in post_view(app)
    # the review label is no rating: agreement counts ann and bob only
    with Store.open(store_file, readonly=True) as reader:
        assert rated_posts(reader.conn).dispositions[ids[0]] == {"ann": "escalate", "bob": "benign"}


async def test_a_new_decision_after_the_review_label_opens_the_disagreement_again(store_file):
    ids = _two_opinions(store_file)
    with Store.open(store_file) as store:
        store.settle([ids[0]], "escalate", "cy")
        with Store.open(store_file, readonly=True) as reader:
            assert ids[0] not in disagreeing_posts(reader.conn, ids)
            store.set_disposition([ids[0]], "monitor", "bob")  # bob changes his mind after the review
            assert ids[0] in disagreeing_posts(reader.conn, ids)
