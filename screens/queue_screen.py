"""The queue and the post view: where analysts spend their day."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import Reactive
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Footer, Input, RichLog, Static
from textual.worker import get_current_worker

from triage.sanitize import clip, sanitize
from triage.store import StoreError
from triage.store.queries import (SORTS, Claim, PostDetail, QueueFilter, SearchError, disagreeing_posts, held_by_others,
                                  max_post_id, post_detail, queue_ids, queue_rows, reviewed_count, unreviewed_count,
                                  untagged_count)

from .dialogs import ConfirmDialog, FilterDialog, GotoDialog, NoteDialog, VerdictDialog
from .formatting import QUEUE_HEADER, claim_text, post_pages, post_panel
from .help_screen import HelpScreen
from .queue_list import QueueList

if TYPE_CHECKING:
    from textual import getters

    from .console_app import ConsoleApp

LIVE_CHECK_SECONDS = 5.0
HISTORY_MAX = 500  # posts remembered for back/forward
# The same query syntax on both engines (SQLite's FTS5, PostgreSQL's tsquery built by search_sql)
SEARCH_SYNTAX = '(words, "phrases", OR, NOT, prefix*) · enter · esc'


class PostLog(RichLog):
    """The post view. Its scrollbar is always shown (CSS), so a new post's length never changes
    the screen's layout: the virtual size repaints this widget alone instead of re-laying-out
    the whole screen on every next-post key."""

    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, **kwargs) -> None:
        # min_width 1: RichLog's default (78) renders wider than an 80-column pane's text area,
        # and the last characters of each wrapped line went under the scrollbar.
        super().__init__(min_width=1, **kwargs)
        self.shown = None  # the renderable in view, re-wrapped when the width changes
        self.shown_width = 0

    def show(self, renderable) -> None:
        """Replace the view with one renderable, wrapped to the width inside the scrollbar."""
        self.shown = renderable
        self.shown_width = self.scrollable_content_region.width
        self.clear()
        # The width given, not measured: RichLog measures a Text by its longest line and left
        # a long URL folded at that width, narrower than the pane.
        self.write(renderable, width=self.shown_width or None, scroll_end=False)

    def on_resize(self, event) -> None:
        super().on_resize(event)
        if self.shown is not None and self.scrollable_content_region.width != self.shown_width:
            y = self.scroll_y
            self.show(self.shown)
            self.scroll_to(y=y, animate=False)

    def sync_scrollbar(self) -> None:
        self._scroll_update(self.virtual_size)


class QueueScreen(Screen):
    if TYPE_CHECKING:  # self.app is the TriageApp; Textual types it App[Any]
        app = getters.app(ConsoleApp)

    BINDINGS = [
        Binding("j,down", "move(1)", "Next", id="queue.next"),
        Binding("k,up", "move(-1)", "Previous", id="queue.previous"),
        Binding("g,home", "jump_first", "First", show=False, id="queue.first"),
        Binding("G,end", "jump_last", "Last", show=False, id="queue.last"),
        Binding("ctrl+d,pagedown", "half_page(1)", "Half page down", show=False, id="queue.half_down"),
        Binding("ctrl+u,pageup", "half_page(-1)", "Half page up", show=False, id="queue.half_up"),
        *[Binding(str(n), f"label({n})", f"Label {n}", show=False, id=f"queue.label_{n}") for n in range(1, 10)],
        Binding("space", "toggle_mark", "Mark", id="queue.mark"),
        Binding("u,z", "undo", "Undo", id="queue.undo",
                tooltip="Undo: undo the last label or verdict"),
        Binding("n", "note", "Note", id="queue.note",
                tooltip="Add note: a note on this post"),
        Binding("v", "verdicts", "Verdicts", id="queue.verdicts",
                tooltip="Indicator verdicts: confirm/reject indicators of this post"),
        Binding("slash", "search", "Search", id="queue.search",
                tooltip="Search posts: full-text search"),
        Binding("f", "filter", "Filter", id="queue.filter",
                tooltip="Filter queue: indicator, source, label, time, score"),
        Binding("s", "cycle_sort", "Sort", show=False, id="queue.sort",
                tooltip="Cycle sort: risk → author concern → time → author"),
        Binding("a", "author", "Author", id="queue.author",
                tooltip="Author profile: timeline, hours, time zone, behaviour change, network"),
        Binding("e", "export", "Export", id="queue.export",
                tooltip="Export: labeled sets, CSV or a case report with a manifest"),
        Binding("c", "collectors", "Collectors", show=False, id="queue.collectors",
                tooltip="Collectors: last runs, errors, counts; run one now"),
        Binding("o", "overview", "Overview", id="queue.overview",
                tooltip="Overview: heat map, sources, riskiest authors, trends"),
        Binding("w", "concern", "Concern", id="queue.concern",
                tooltip="Authors of concern: people ranked by concern, warning behaviours, trend"),
        Binding("D", "review", "Review", show=False, id="queue.review",
                tooltip="Review disagreements: posts several analysts decided, disagreements first"),
        Binding("t", "context", "Context", show=False, id="queue.context",
                tooltip="Post context: the thread above a reply, the author's other flagged posts"),
        Binding("r", "refresh", "Refresh", show=False, id="queue.refresh",
                tooltip="Refresh: load posts collected since the queue opened"),
        Binding("l", "toggle_layout", "Layout", show=False, id="queue.layout",
                tooltip="Toggle layout: post view beside or under the queue"),
        Binding("tab", "focus_post", "Read post", show=False, id="queue.focus_post"),
        Binding("right_square_bracket", "post_page(1)", "Next page of a long post", show=False,
                id="queue.post_next_page"),
        Binding("left_square_bracket", "post_page(-1)", "Previous page of a long post", show=False,
                id="queue.post_previous_page"),
        Binding("escape", "clear_search", "Clear search / back to the queue you came from", show=False,
                id="queue.clear_search",
                tooltip="Clear search: back to the queue you came from"),
        Binding("backspace,less_than_sign", "history(-1)", "Back to the post viewed before", show=False,
                id="queue.history_back"),
        Binding("greater_than_sign", "history(1)", "Forward again through posts viewed", show=False,
                id="queue.history_forward"),
        Binding("colon,number_sign", "goto", "Go to post by id", show=False, id="queue.goto",
                tooltip="Go to post: open a post by its id"),
        Binding("question_mark", "help", "Help", id="queue.help",
                tooltip="Keys: every key and its binding id"),
        Binding("q", "back", "Back/Quit", id="queue.back"),
    ]

    def __init__(self, flt: QueueFilter, title: str = "queue") -> None:
        super().__init__()
        self.flt = flt
        self.title_text = title
        self.known_max_id = 0
        self.new_count = 0
        self.load_seconds = 0.0
        self.unreviewed = 0
        self.post_page = 0  # the page of a long post in view
        self.untagged = 0  # posts waiting for the detector (tagged by the next import or `triage tag`)
        self.detail: PostDetail | None = None
        # Posts viewed, oldest first, and where back/forward stand in that list.
        self.history: list[int] = []
        self.history_at = -1
        # The queue (filter, post) that a search or a go-to replaced: esc returns to it.
        self._return_to: tuple[QueueFilter, int | None] | None = None

    # ---- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        app = self.app
        title = Text(f" triage · {self.title_text}", style="bold")
        title.append(" · analyst ")  # who labels here: other analysts see this name
        title.append(clip(app.analyst, 24), style="bold reverse")
        yield Static(title, id="title-bar")
        with Container(id="body"):
            with Container(id="queue-pane"):
                yield Static(Text(QUEUE_HEADER, style="bold"), id="queue-header")
                yield QueueList(lambda ids: queue_rows(app.reader.conn, ids, app.analyst), app.zone,
                                app.config.max_post_chars, id="queue")
            # A Line API log, not a Static: replacing its lines never re-lays-out the screen,
            # which keeps next-post fast on a long post.
            yield PostLog(id="post-pane", wrap=True, markup=False, highlight=False, auto_scroll=False)
        yield Input(placeholder="full-text search " + SEARCH_SYNTAX,
                    id="search-input", classes="hidden")
        yield Static("", id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._apply_layout(self.size.width)
        self.query_one(QueueList).focus()
        self.reload()
        if self.app.store.is_postgres:
            self._listen_for_posts()  # a committed batch shows as "N new" at once
        else:
            self.set_interval(LIVE_CHECK_SECONDS, self.check_new)

    def on_resize(self, event) -> None:
        self._apply_layout(event.size.width)

    def _apply_layout(self, width: int) -> None:
        body = self.query_one("#body")
        if getattr(self, "_layout_forced", None) is None:
            side = width >= 140
        else:
            side = self._layout_forced
        body.set_class(side, "-side")
        body.set_class(not side, "-stacked")

    def action_toggle_layout(self) -> None:
        body = self.query_one("#body")
        self._layout_forced = not body.has_class("-side")
        self._apply_layout(self.size.width)

    # ---- loading ids (a thread worker with its own read-only connection) -------------------

    def reload(self, keep_post: int | None = None) -> None:
        self.query_one(QueueList).loading_text = "loading…"
        self._load_ids(self.flt, keep_post)

    @work(thread=True, exclusive=True, group="ids")
    def _load_ids(self, flt: QueueFilter, keep_post: int | None) -> None:
        started = time.perf_counter()
        with self.app.open_reader() as reader:
            try:
                ids = queue_ids(reader.conn, flt)
                error = None
            except SearchError as exc:
                ids, error = None, str(exc)
            reviewed = reviewed_count(reader.conn, flt) if ids is not None and not ids and finishable(flt) else None
            max_id = max_post_id(reader.conn)
            unreviewed = unreviewed_count(reader.conn)
            self.untagged = untagged_count(reader.conn)
        # A newer load (another filter, a search) cancelled this one: a thread cannot be stopped,
        # so its stale list must not land after, or over, the newer one (seen on a busy box).
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._ids_loaded, flt, ids, keep_post, error, max_id, unreviewed,
                                  time.perf_counter() - started, reviewed)

    def _ids_loaded(self, flt, ids, keep_post, error, max_id, unreviewed, seconds, reviewed) -> None:
        queue = self.query_one(QueueList)
        if error is not None:
            self.app.notify(sanitize(error), title="search", severity="error", markup=False, timeout=8)
            self.flt = replace(self.flt, search=self._previous_search)
            queue.loading_text = "search failed: the previous list stays"
            queue.refresh()
            return
        self.flt = flt
        self.known_max_id = max_id
        self.new_count = 0
        self.unreviewed = unreviewed
        self.load_seconds = seconds
        queue.loading_text = empty_queue_text(reviewed, flt.review) if not ids else ""
        queue.set_ids(ids, keep_post)
        self._show_post(queue.current_id)
        self.update_status()

    def check_new(self) -> None:
        self._check_new(self.flt, self.known_max_id)
        self._refresh_claim_marks()

    def _refresh_claim_marks(self) -> None:
        """Other analysts' claims come and go: re-read them for the rows in memory (one indexed
        query) and redraw the rows whose holder changed."""
        queue = self.query_one(QueueList)
        rows = queue.cached_rows()
        if not rows:
            return
        held = held_by_others(self.app.reader.conn, list(rows), self.app.analyst)
        changed = [pid for pid, row in rows.items()
                   if row.claimed_by != (held[pid].analyst if pid in held else None)]
        for pid in changed:
            rows[pid].claimed_by = held[pid].analyst if pid in held else None
        if changed:
            queue.invalidate_lines(changed)

    def _listen_for_posts(self) -> None:
        """PostgreSQL: LISTEN on a connection of this screen's own, in a thread of its own; each
        NOTIFY (sent by the writer's transaction as it commits) runs the same check the SQLite
        timer runs. A plain daemon thread, not a Textual worker: it lives as long as the screen,
        and a worker that never completes would hold up everything waiting for the workers."""
        self._stop_listening = threading.Event()
        listener = self.app.store.new_posts_listener()
        app, stop = self.app, self._stop_listening

        def listen() -> None:
            try:
                while not stop.is_set():
                    if listener.wait(1.0) and not stop.is_set():  # wakes each second to see the screen closed
                        app.call_from_thread(self.check_new)
            except Exception:  # the server went away: the queue still works, the "N new" count waits for `r`
                pass
            finally:
                listener.close()

        threading.Thread(target=listen, name="triage-listen", daemon=True).start()

    def on_unmount(self) -> None:
        stop = getattr(self, "_stop_listening", None)
        if stop is not None:
            stop.set()

    @work(thread=True, exclusive=True, group="live")
    def _check_new(self, flt: QueueFilter, known: int) -> None:
        with self.app.open_reader() as reader:
            newest = max_post_id(reader.conn)
            if newest <= known:
                return
            try:
                count = len(queue_ids(reader.conn, flt, after_id=known))
            except SearchError:
                return
        self.app.call_from_thread(self._new_posts, count)

    def _new_posts(self, count: int) -> None:
        if count != self.new_count:
            self.new_count = count
            self.update_status()

    def action_refresh(self) -> None:
        self.reload(keep_post=self.query_one(QueueList).current_id)

    # ---- status and post view ------------------------------------------------------------

    def update_status(self) -> None:
        queue = self.query_one(QueueList)
        total = len(queue.ids)
        pos = f"{queue.cursor + 1:,}/{total:,}" if total else "0/0"
        parts = [pos, self.flt.describe()]
        scope = search_scope(self.flt)
        if self.flt.search and scope:
            parts.append(f"searched only inside {scope} (f widens)")
        parts.append(f"{self.unreviewed:,} unreviewed")
        if self.untagged:
            parts.append(f"{self.untagged:,} untagged: triage tag")
        if queue.marked:
            parts.append(f"{len(queue.marked)} marked")
        if self.new_count:
            parts.append(f"{self.new_count} new: r")
        confirming = [str(n) for n, d in enumerate(self.app.config.dispositions, 1)
                      if d in self.app.config.confirm_indicators_with]
        if confirming:  # those digits also confirm the detected indicators
            parts.append(f"{','.join(confirming)} ✓ind")
        parts.append("? keys")
        # One line whatever it says: no layout pass needed.
        self.query_one("#status", Static).update(Text(" │ ".join(parts), no_wrap=True, overflow="ellipsis"),
                                                 layout=False)

    def on_queue_list_cursor_moved(self, message: QueueList.CursorMoved) -> None:
        self._show_post(message.post_id)
        self.update_status()

    def action_post_page(self, step: int) -> None:
        """A post longer than max_post_chars is shown a page at a time (a 1 MB post whole froze
        the view); the page resets when another post is shown."""
        if self.detail is None:
            return
        pages = post_pages(self.detail, self.app.config.max_post_chars)
        page = min(max(self.post_page + step, 0), pages - 1)
        if page != self.post_page:
            self.post_page = page
            self._show_post(self.detail.id, page)

    def _show_post(self, post_id: int | None, page: int = 0) -> None:
        self.post_page = page
        pane = self.query_one("#post-pane", PostLog)
        if post_id is None:
            self.detail = None
            pane.show(Text("no post selected", style="dim"))
            return
        self.detail = post_detail(self.app.reader.conn, post_id)
        if self.detail is None:
            pane.show(Text(f"post #{post_id} is not in the store", style="dim"))
            return
        self._remember(post_id)
        self.app.claims.want(post_id)
        claim = held_by_others(self.app.reader.conn, [post_id], self.app.analyst).get(post_id)
        pane.show(post_panel(self.detail, self.app.zone, self.app.config.max_post_chars, page, claim))
        pane.scroll_home(animate=False)
        pane.sync_scrollbar()

    def claim_result(self, claim: Claim) -> None:
        """The claims thread's answer for the post in view: when another analyst holds it, the
        post view and its queue row say so."""
        if claim.analyst == self.app.analyst or self.detail is None or claim.post_id != self.detail.id:
            return
        queue = self.query_one(QueueList)
        row = queue.cached_row(claim.post_id)
        if row is not None and row.claimed_by != claim.analyst:
            row.claimed_by = claim.analyst
            queue.invalidate_lines([claim.post_id])
        # Redrawn in place, not through _show_post: that would ask for the claim again.
        pane = self.query_one("#post-pane", PostLog)
        y = pane.scroll_y
        pane.show(post_panel(self.detail, self.app.zone, self.app.config.max_post_chars, self.post_page, claim))
        pane.scroll_to(y=y, animate=False)

    # ---- movement ------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        queue = self.query_one(QueueList)
        queue.move_to(queue.cursor + delta)

    def action_jump_first(self) -> None:
        self.query_one(QueueList).move_to(0)

    def action_jump_last(self) -> None:
        queue = self.query_one(QueueList)
        queue.move_to(len(queue.ids) - 1)

    def action_half_page(self, direction: int) -> None:
        queue = self.query_one(QueueList)
        step = max(1, queue.size.height // 2)
        queue.scroll_to(y=max(0, queue.scroll_offset.y + direction * step), animate=False)
        queue.move_to(queue.cursor + direction * step)

    # ---- back/forward and go-to ------------------------------------------------------------

    def _remember(self, post_id: int) -> None:
        """A post shown joins the history after the current place (forward history is dropped,
        as in a browser); showing the same post again (a label, a page) adds nothing."""
        if 0 <= self.history_at < len(self.history) and self.history[self.history_at] == post_id:
            return
        del self.history[self.history_at + 1:]
        self.history.append(post_id)
        if len(self.history) > HISTORY_MAX:
            del self.history[0]
        self.history_at = len(self.history) - 1

    def action_history(self, step: int) -> None:
        at = self.history_at + step
        if not 0 <= at < len(self.history):
            self.app.notify("no earlier post viewed" if step < 0 else "no later post viewed", markup=False)
            return
        self.history_at = at
        self.open_post(self.history[at])

    def action_goto(self) -> None:
        def go(post_id: int | None) -> None:
            if post_id is not None:
                self.open_post(post_id)

        self.app.push_screen(GotoDialog(), go)

    def open_post(self, post_id: int) -> None:
        """Show a post: in the queue when it is listed, else in a queue of its own (esc returns)."""
        queue = self.query_one(QueueList)
        try:
            queue.move_to(queue.ids.index(post_id))
            return
        except ValueError:
            pass
        if post_detail(self.app.reader.conn, post_id) is None:
            self.app.notify(f"no post #{post_id} in the store", markup=False)
            return
        if self._return_to is None:
            self._return_to = (self.flt, queue.current_id)
        self._previous_search = self.flt.search
        queue.marked.clear()
        self._load_ids(QueueFilter(flagged_only=False, label_state="any", post_ids=(post_id,), sort="time"),
                       post_id)

    def action_focus_post(self) -> None:
        pane = self.query_one("#post-pane")
        if pane.has_focus:
            self.query_one(QueueList).focus()
        else:
            pane.focus()

    # ---- labeling ------------------------------------------------------------------------

    def _targets(self) -> list[int]:
        queue = self.query_one(QueueList)
        if queue.marked:
            return sorted(queue.marked)
        return [queue.current_id] if queue.current_id is not None else []

    def _write(self, fn, *args):
        """Run a store write; a failure is shown plainly and nothing moves."""
        try:
            return fn(*args)
        except StoreError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return None

    def action_label(self, number: int) -> None:
        dispositions = self.app.config.dispositions
        if number > len(dispositions):
            self.app.notify(f"no disposition {number} (there are {len(dispositions)})", markup=False)
            return
        targets = self._targets()
        if not targets:
            return
        held = held_by_others(self.app.reader.conn, targets, self.app.analyst)
        if held:  # another analyst has it open: label only when this analyst says so
            first = held[min(held)]
            question = (f"post #{first.post_id} is {claim_text(first.analyst, first.expires_at, self.app.zone)}"
                        + (f" (and {len(held) - 1} more of the {len(targets)} posts are claimed)" if len(held) > 1
                           else "")
                        + f".\nLabel {'them' if len(targets) > 1 else 'it'} "
                        f"{dispositions[number - 1]} anyway?")

            def answer(yes: bool | None) -> None:
                if yes:
                    self._apply_label(number, targets)

            self.app.push_screen(ConfirmDialog(question), answer)
            return
        self._apply_label(number, targets)

    def _apply_label(self, number: int, targets: list[int]) -> None:
        dispositions = self.app.config.dispositions
        queue = self.query_one(QueueList)
        bulk = bool(queue.marked)
        disposition = dispositions[number - 1]
        if self.flt.review:  # a review label settles the disagreement; it confirms no indicator (no rating)
            label_ids = self._write(self.app.store.settle, targets, disposition, self.app.analyst)
            if label_ids is None:
                return
            verdict_ids = []
        elif disposition in self.app.config.confirm_indicators_with:
            written = self._write(self.app.store.set_disposition_confirming, targets, disposition, self.app.analyst)
            if written is None:
                return
            label_ids, verdict_ids = written
        else:
            label_ids = self._write(self.app.store.set_disposition, targets, disposition, self.app.analyst)
            if label_ids is None:
                return
            verdict_ids = []
        self.app.undo_stack.append(("label", label_ids, targets, verdict_ids))
        cached = all(queue.cached_row(t) is not None for t in targets)
        marked = set(queue.marked)
        queue.marked.clear()
        if cached:  # the common case: the rows are on screen, no store round trip needed
            self.unreviewed -= queue.set_disposition(targets, disposition)
            queue.set_disagreement(targets, disagreeing_posts(self.app.reader.conn, targets))
            if marked:
                queue.invalidate(marked)
        else:
            self.unreviewed = unreviewed_count(self.app.reader.conn)
            queue.invalidate(targets)
        if bulk:
            self.app.notify(f"{disposition}: {len(targets)} marked posts", markup=False)
            self._show_post(queue.current_id)
        elif queue.cursor < len(queue.ids) - 1:
            queue.move_to(queue.cursor + 1)
        else:
            self._show_post(queue.current_id)
        self.update_status()

    def action_toggle_mark(self) -> None:
        queue = self.query_one(QueueList)
        current = queue.current_id
        if current is None:
            return
        queue.marked.symmetric_difference_update({current})
        queue.invalidate([current])
        queue.move_to(queue.cursor + 1)
        self.update_status()

    def action_undo(self) -> None:
        if not self.app.undo_stack:
            self.app.notify("nothing to undo", markup=False)
            return
        kind, ids, posts, *confirmed = self.app.undo_stack.pop()
        if kind == "label":
            for verdict_id in reversed(confirmed[0] if confirmed else []):  # the key's confirmations too
                self._write(self.app.store.undo_verdict, verdict_id, self.app.analyst)
            self._write(self.app.store.undo_label, ids, self.app.analyst)
        else:
            for verdict_id in reversed(ids):
                self._write(self.app.store.undo_verdict, verdict_id, self.app.analyst)
        self.unreviewed = unreviewed_count(self.app.reader.conn)
        queue = self.query_one(QueueList)
        queue.invalidate(posts)
        if len(posts) == 1 and posts[0] in queue.ids:
            queue.move_to(queue.ids.index(posts[0]))
        self._show_post(queue.current_id)
        self.update_status()
        self.app.notify(f"undone: {kind} on {len(posts)} post(s)", markup=False)

    def action_note(self) -> None:
        post_id = self.query_one(QueueList).current_id
        if post_id is None:
            return

        def save(body: str | None) -> None:
            if body:
                if self._write(self.app.store.add_note, post_id, body, self.app.analyst) is not None:
                    self._show_post(post_id)
                    self.app.notify("note saved", markup=False)

        self.app.push_screen(NoteDialog(post_id), save)

    def action_verdicts(self) -> None:
        if self.detail is None:
            return
        post_id = self.detail.id

        def save(changes) -> None:
            ids = []
            for indicator, value in changes or []:
                verdict_id = self._write(self.app.store.set_verdict, post_id, indicator, value, self.app.analyst)
                if verdict_id is not None:
                    ids.append(verdict_id)
            if ids:
                self.app.undo_stack.append(("verdict", ids, [post_id]))
                self._show_post(post_id)

        self.app.push_screen(VerdictDialog(self.detail), save)

    # ---- finding posts -------------------------------------------------------------------

    def action_search(self) -> None:
        box = self.query_one("#search-input", Input)
        scope = search_scope(self.flt)
        box.placeholder = (f"search only inside {scope} (f widens) · " if scope else "full-text search ") + SEARCH_SYNTAX
        box.remove_class("hidden")
        box.value = self.flt.search or ""
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search-input":
            return
        event.input.add_class("hidden")
        self.query_one(QueueList).focus()
        query = event.value.strip() or None
        if query is None and self._return_to is not None:
            self.action_clear_search()
            return
        if query and self._return_to is None:
            self._return_to = (self.flt, self.query_one(QueueList).current_id)
        self._previous_search = self.flt.search
        # Searching looks through every post, flagged or not, labeled or not.
        self._apply_filter(replace(self.flt, search=query, flagged_only=self.flt.flagged_only and not query,
                                   label_state="any" if query else self.flt.label_state,
                                   sort="time" if query and self.flt.sort == "risk" else self.flt.sort))

    def action_clear_search(self) -> None:
        box = self.query_one("#search-input", Input)
        if not box.has_class("hidden"):
            box.add_class("hidden")
            self.query_one(QueueList).focus()
            return
        if self._return_to is not None:
            flt, post_id = self._return_to
            self._return_to = None
            self._previous_search = flt.search
            self.query_one(QueueList).marked.clear()
            self._load_ids(flt, post_id)
            return
        if self.flt.search:
            self._previous_search = None
            self._apply_filter(replace(self.flt, search=None))

    def _apply_filter(self, flt: QueueFilter) -> None:
        self._previous_search = getattr(self, "_previous_search", None)
        queue = self.query_one(QueueList)
        keep = queue.current_id
        self.query_one(QueueList).marked.clear()
        self._load_ids(flt, keep)

    def action_filter(self) -> None:
        def apply(flt: QueueFilter | None) -> None:
            if flt is not None:
                self._return_to = None  # a queue chosen on purpose: esc no longer returns
                self._previous_search = flt.search
                self._apply_filter(flt)

        from triage.store.queries import sources

        self.app.push_screen(FilterDialog(self.flt, sources(self.app.reader.conn), self.app.config.dispositions),
                             apply)

    def action_cycle_sort(self) -> None:
        nxt = SORTS[(SORTS.index(self.flt.sort) + 1) % len(SORTS)]
        self._previous_search = self.flt.search
        self._apply_filter(replace(self.flt, sort=nxt))

    def action_author(self) -> None:
        if self.detail is None:
            return
        self.app.open_author(self.detail.author_id)

    def action_export(self) -> None:
        from .export_dialog import ExportDialog

        self.app.push_screen(ExportDialog(self.flt, self.query_one(QueueList).marked))

    def action_overview(self) -> None:
        self.app.open_overview()

    def action_concern(self) -> None:
        self.app.open_concern()

    def action_review(self) -> None:
        """The review queue: a label from the reviewing analyst settles a disagreement (a new
        label row; every analyst's decision stays in the history)."""
        self.app.open_queue(QueueFilter(review=True), title="review")

    def action_context(self) -> None:
        if self.detail is None:
            return
        from .context_screen import ContextScreen

        self.app.push_screen(ContextScreen(self.detail))

    def action_collectors(self) -> None:
        from .collectors_screen import CollectorsScreen

        self.app.push_screen(CollectorsScreen())

    # ---- the rest ------------------------------------------------------------------------

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()


def finishable(flt: QueueFilter) -> bool:
    """A queue of unreviewed posts (no search): labelling empties it, and empty means done."""
    return flt.label_state == "unreviewed" and not flt.search


def empty_queue_text(reviewed: int | None, review: bool = False) -> str:
    """What an empty queue says: done, with how many of its posts carry a disposition (labelled
    in this session or before), when it is a queue of unreviewed posts that had any."""
    if review:
        return "nothing to review: no post labeled by two analysts yet"
    if reviewed:
        return f"queue done — {reviewed:,} reviewed"
    return "nothing here: no post matches this filter"


def search_scope(flt: QueueFilter) -> str:
    """What narrows a search besides its words (a search keeps the queue's indicator, source,
    author, date and score limits), in the status line's words; "" when it covers every post."""
    narrowed = replace(flt, flagged_only=False, label_state="any", search=None, sort="time")
    plain = QueueFilter(flagged_only=False, label_state="any", sort="time")
    if narrowed == plain:
        return ""
    return narrowed.describe().removeprefix("all posts · ").removesuffix(" · by time")
