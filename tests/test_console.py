"""The console driven through Textual's Pilot on a real store: what the analyst sees and what
the store holds after each key."""

from __future__ import annotations

import pytest

from triage.config import Config
from triage.screens.app import TriageApp
from triage.screens.queue_list import QueueList
from triage.screens.queue_screen import QueueScreen

from .backend import is_pg, rows
from .console_store import build_console_store


@pytest.fixture
def store_file(db_path):
    """The console's store: a SQLite file, or (the second run) a PostgreSQL database."""
    return build_console_store(db_path)


def make_app(path, **cfg) -> TriageApp:
    return TriageApp(path, Config(analyst="ann", timezone="UTC", **cfg))


async def settle(pilot, app) -> QueueList:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen.query_one(QueueList)


def labels(path):
    return rows(path, "SELECT post_id, disposition, analyst, undo_of FROM labels ORDER BY id")


def screen_text(app) -> str:
    """What the terminal shows, as plain text lines (the SVG export splits text into spans)."""
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


async def test_queue_lists_flagged_posts_highest_risk_first(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        assert len(queue.ids) == 10  # 8 flagged posts + 2 hostile; plain posts are not flagged
        scores = [queue.row_at(i).score for i in range(len(queue.ids))]
        assert scores == sorted(scores, reverse=True)
        assert "1/10" in str(app.screen.query_one("#status").render())


async def test_digit_labels_and_advances_then_undo_appends(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        first, second = queue.ids[0], queue.ids[1]
        await pilot.press("1")
        await pilot.pause()
        assert labels(store_file) == [(first, "escalate", "ann", None)]
        assert queue.cursor == 1 and queue.current_id == second
        assert queue.row_at(0).disposition == "escalate"
        await pilot.press("u")
        await pilot.pause()
        assert labels(store_file)[-1] == (first, None, "ann", 1)  # undo appended, history kept
        assert queue.current_id == first


async def test_bulk_label_marked_posts(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        a, b = queue.ids[0], queue.ids[1]
        await pilot.press("space", "space", "3")
        await pilot.pause()
        assert sorted((p, d) for p, d, *_ in labels(store_file)) == [(a, "benign"), (b, "benign")]
        assert queue.marked == set()


async def test_note_is_saved_with_the_analyst(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        target = queue.current_id
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"called", "enter", *"the school")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert rows(store_file, "SELECT post_id, body, analyst FROM notes") == [(target, "called\nthe school", "ann")]
    assert rows(store_file, "SELECT action FROM audit ORDER BY id DESC LIMIT 1") == [("note",)]


async def test_verdicts_confirm_and_reject(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        target = queue.current_id
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("y", "j", "x", "escape")  # threat confirmed, plan rejected
        await pilot.pause()
    assert rows(store_file, "SELECT post_id, indicator, verdict FROM verdicts ORDER BY id") == [
        (target, "threat", 1), (target, "plan", 0)]


async def test_search_uses_fts_and_reports_syntax_errors(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        await pilot.press("slash", *"hiking", "enter")
        queue = await settle(pilot, app)
        assert len(queue.ids) == 30  # search covers unflagged posts too
        if is_pg(store_file):
            # PostgreSQL's web-search syntax has no syntax error: an unclosed quote is a phrase to the end.
            await pilot.press("slash", "ctrl+u", *'"weekend plans', "enter")
            queue = await settle(pilot, app)
            assert len(queue.ids) == 30
            assert [n.message for n in app._notifications if n.title == "search"] == []
            return
        await pilot.press("slash", "ctrl+u", *'"unbalanced', "enter")
        queue = await settle(pilot, app)
        assert len(queue.ids) == 30  # the previous list stays
        assert [n.message for n in app._notifications if n.title == "search"] == [
            "search '\"unbalanced': unterminated string"]


async def test_filter_by_indicator(store_file):
    from triage.store.queries import QueueFilter

    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        screen._apply_filter(QueueFilter(indicators=("distress",), label_state="any"))
        queue = await settle(pilot, app)
        assert len(queue.ids) == 2


async def test_author_key_opens_the_profile_and_p_lists_the_posts(store_file):
    from triage.screens.author_screen import AuthorScreen

    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AuthorScreen) and "@nora_v" in screen_text(app)
        await pilot.press("p")
        queue = await settle(pilot, app)
        rows = [queue.row_at(i) for i in range(len(queue.ids))]
        assert {r.handle for r in rows} == {rows[0].handle} and len(rows) >= 1
        await pilot.press("q", "q")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen) and app.screen.flt.author_ids == ()


async def test_new_posts_appear_as_a_notice_without_moving_the_cursor(store_file):
    from triage.records import PostRecord
    from triage.store import Store, TagResult

    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        await pilot.press("j", "j")
        reading = queue.current_id
        with Store.open(store_file) as writer:  # a collector, in another connection
            res = writer.add_posts([PostRecord("mastodon", "new1", "going to hurt them", "late", 1_786_500_000,
                                               "x", raw="{}")])
            writer.write_tags([TagResult(res.first_new_id, 0.99, True, ["threat"], [])], "test-1")
        app.screen.check_new()
        await settle(pilot, app)
        assert "1 new" in str(app.screen.query_one("#status").render())
        assert queue.current_id == reading
        await pilot.press("r")
        queue = await settle(pilot, app)
        assert queue.current_id == reading and len(queue.ids) == 11


async def test_hostile_text_fires_no_action_and_shows_placeholders(store_file):
    from triage.store.queries import QueueFilter

    app = make_app(store_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.screen._apply_filter(QueueFilter(source="hostile", label_state="any"))
        queue = await settle(pilot, app)
        assert len(queue.ids) == 2
        for _ in range(2):
            await pilot.click("#post-pane")  # clicking a would-be [@click] link must do nothing
            await pilot.press("j")
            await pilot.pause()
        assert app.is_running
        shown = screen_text(app)
        assert "\x1b" not in shown and "\u202e" not in shown and "\u200b" not in shown
        assert "pay ⟨RLO⟩gnp.exe" in shown and "[link=http://evil.example]click[/link] $accent" in shown
        assert "⟨ZWSP⟩hidden" in shown
        await pilot.press("k")
        await pilot.pause()
        shown = screen_text(app)
        assert "title ␛]0;PWNED-TITLE␇ clear ␛[2J" in shown and "[@click=app.quit]quit[/]" in shown
        assert "@[bold red]mallory[/]" in shown


async def test_export_dialog_writes_the_marked_posts_with_a_manifest(store_file, tmp_path):
    import json

    from textual.widgets import Input

    app = make_app(store_file)
    out = tmp_path / "exported"
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        marked = [queue.ids[0], queue.ids[1]]
        await pilot.press("space", "space", "e")
        await pilot.pause()
        app.screen.query_one("#x-out", Input).value = str(out)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "wrote 2 posts" in str(app.screen.query_one("#export-result").render())
    manifest = json.loads((out / "manifest.json").read_text())
    lines = [json.loads(line) for line in (out / "all.jsonl").read_text().splitlines()] if (out / "all.jsonl").exists() \
        else [json.loads(line) for f in out.glob("*.jsonl") for line in f.read_text().splitlines()]
    assert sorted(r["meta"]["store_id"] for r in lines) == sorted(marked)
    assert manifest["counts"]["posts"] == 2


async def test_collectors_screen_runs_one_now_and_shows_its_counts(store_file, tmp_path):
    from textual.widgets import DataTable

    from triage.config import CollectorConfig

    from .conftest import post, write_jsonl

    feed = write_jsonl(tmp_path / "drop.jsonl", [post(i, text=f"dropbox post {i}") for i in range(25)])
    app = make_app(store_file, collectors=[CollectorConfig("dropbox", "jsonl", {"path": str(feed)}, 60)])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[-1]) == "never run"
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        row = [str(cell) for cell in app.screen.query_one(DataTable).get_row_at(0)]
        assert row[0] == "dropbox" and row[5] == "1" and row[6] == "25" and row[7] == "✓ ok"
    assert rows(store_file, "SELECT COUNT(*) FROM posts WHERE text LIKE 'dropbox post%'") == [(25,)]
    assert rows(store_file, "SELECT COUNT(*) FROM posts WHERE text LIKE 'dropbox post%' AND tagged_at IS NOT NULL"
                ) == [(25,)]


async def test_bindings_are_remapped_by_id_from_the_config(store_file):
    app = make_app(store_file, keys={"queue.next": "n", "queue.label_1": "e", "queue.note": "N"})
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        await pilot.press("n")  # was "note"; now "next"
        await pilot.pause()
        assert queue.cursor == 1
        await pilot.press("e")  # label 1 (escalate) by its new key
        await pilot.pause()
        assert labels(store_file)[-1][1] == "escalate" and queue.cursor == 2
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = screen_text(app)
        assert "queue.next" in help_text and "queue.label_1" in help_text


async def test_ansi_theme_and_no_color(store_file, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(store_file, theme="ansi-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.theme == "ansi-dark" and app.no_color
        assert "1/10" in screen_text(app)


async def test_a_post_over_the_size_cap_is_kept_marked_and_shown_truncated(store_file):
    from triage.records import PostRecord
    from triage.store import Store, TagResult

    huge = "threat " + "x" * 300_000
    with Store.open(store_file) as writer:
        res = writer.add_posts([PostRecord("big", "b1", huge, "bigposter", 1_786_500_000, "x", raw="{}")])
        writer.write_tags([TagResult(res.first_new_id, 0.999, True, ["threat"], [])], "test-1")
    app = make_app(store_file, max_post_chars=1000)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        assert queue.current_id == res.first_new_id  # highest risk first
        shown = screen_text(app)
        assert "✂ threat xxx" in shown
        post_view = "".join(seg.text for line in app.screen.query_one("#post-pane").lines for seg in line)
        assert "post truncated for display: 300,007 characters in all" in post_view
    assert rows(store_file, "SELECT length(text) FROM posts WHERE source = 'big'") == [(len(huge),)]


async def test_collectors_screen_shows_each_feeds_state_after_a_run_with_a_dead_feed(store_file):
    """A live collector with one dead feed among two: the run records the failure, and the
    detail under the table shows which feed failed and which was read."""
    from pathlib import Path

    from triage.config import CollectorConfig

    from .fixtures.collectors.replay import Reply, ReplayServer

    rss = (Path(__file__).parent / "fixtures" / "collectors" / "feeds" / "local_news.rss").read_bytes()

    def answer(req):
        if req.path == "/news.rss":
            return Reply(200, rss, {"Content-Type": "application/rss+xml"})
        return Reply(404, "<h1>gone</h1>", {"Content-Type": "text/html"})

    with ReplayServer(answer) as srv:
        dead, good = f"{srv.url}/gone.rss", f"{srv.url}/news.rss"
        app = make_app(store_file, collectors=[CollectorConfig("news", "rss", {"feeds": [dead, good]}, 900)])
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot, app)
            await pilot.press("c")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            text = screen_text(app)
    lines = [line.strip(" │") for line in text.splitlines()]
    assert any(line.startswith(f"✗ {dead}  failed ") and line.endswith(f"GET {dead}: HTTP 404") for line in lines), text
    assert any(line.startswith(f"✓ {good}  ok ") and line.endswith(" read") for line in lines), text
    assert any("1 of 2 feeds failed" in line for line in lines), text


async def test_first_screen_at_80x24_has_the_why_line_and_the_marked_text(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        pane = app.screen.query_one("#post-pane")
        rows = screen_text(app).splitlines()[pane.region.y:pane.region.bottom]
        assert rows[1].strip().startswith("#1 mastodon:p0")
        # Every indicator with its score and rule, highest score first (then by name).
        assert "why P plan 0.80 rule:test_plan · G target 0.80 rule:test_target · T threat 0.80 rule:test_threat" \
            in " ".join(" ".join(r.split()) for r in rows[2:4])
        assert "shoot them all⟦threat⟧ at the Riverside mall⟦target⟧" in rows[5] and "friday⟦plan⟧" in rows[6]
