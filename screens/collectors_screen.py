"""`c`: the configured collectors, their last run, errors and counts; run one now."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from triage.sanitize import clip, sanitize
from triage.store import Store
from triage.store.collectors import collector_states

from .formatting import fmt_time

if TYPE_CHECKING:
    from textual import getters

    from .console_app import ConsoleApp

COLUMNS = ("name", "plugin", "schedule", "last run", "last ok", "runs", "posts added", "status")
MAX_FEED_LINES = 6  # per-feed lines under the table; `triage collectors` lists every feed


class CollectorsScreen(Screen):
    if TYPE_CHECKING:  # self.app is the TriageApp; Textual types it App[Any]
        app = getters.app(ConsoleApp)

    BINDINGS = [
        Binding("j,down", "cursor(1)", "Next", show=False, id="collectors.next"),
        Binding("k,up", "cursor(-1)", "Previous", show=False, id="collectors.previous"),
        Binding("enter,R", "run_now", "Run now", id="collectors.run"),
        Binding("r", "reload", "Reload", id="collectors.reload"),
        Binding("q,escape", "back", "Back", id="collectors.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.running: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static(Text(" triage · collectors (enter runs the one under the cursor)", style="bold"), id="title-bar")
        yield DataTable(id="collectors-table", cursor_type="row", zebra_stripes=False)
        yield Static("", id="collector-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        self.action_reload()
        table.focus()

    def action_reload(self) -> None:
        table = self.query_one(DataTable)
        configs = self.app.config.collectors
        states = collector_states(self.app.reader.conn)
        table.clear()
        if not configs:
            self.query_one("#collector-detail", Static).update(Text(
                "No collectors configured. Add [[collectors]] entries (name, plugin, options, schedule) to the "
                "config file; `triage collectors` lists the installed plugins and their options."))
            return
        zone = self.app.zone
        for cfg in configs:
            st = states.get(cfg.name)
            if cfg.name in self.running:
                status = Text("running…", style="bold")
            elif st is None:
                status = Text("never run")
            elif st.last_error:
                status = Text("✗ " + clip(st.last_error, 60), style="bold")
            else:
                status = Text("✓ ok")
            table.add_row(
                Text(sanitize(cfg.name)), Text(sanitize(cfg.plugin)), Text(f"{cfg.schedule}s"),
                Text(fmt_time(int(st.last_run_at), zone) if st and st.last_run_at else "—"),
                Text(fmt_time(int(st.last_ok_at), zone) if st and st.last_ok_at else "—"),
                Text(str(st.runs if st else 0)), Text(f"{st.posts_added if st else 0:,}"), status,
                key=cfg.name,
            )
        self._show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_run_now()  # the table takes enter for itself and reports it as a selection

    def _current(self):
        table = self.query_one(DataTable)
        configs = self.app.config.collectors
        if not configs or table.cursor_row is None or table.cursor_row >= len(configs):
            return None
        return configs[table.cursor_row]

    def _show_detail(self) -> None:
        cfg = self._current()
        if cfg is None:
            return
        st = collector_states(self.app.reader.conn).get(cfg.name)
        detail = Text(f"{sanitize(cfg.name)} · plugin {sanitize(cfg.plugin)} · options: "
                      f"{sanitize(', '.join(sorted(cfg.options)) or 'none')}\n")
        if st and st.last_error:
            detail.append("last error: " + sanitize(st.last_error), style="bold")
        elif st:
            detail.append(f"cursor saved: {'yes' if st.has_cursor else 'no'}")
        for feed in (st.feeds if st else [])[:MAX_FEED_LINES]:
            detail.append("\n")
            detail.append_text(self._feed_line(feed))
        if st and len(st.feeds) > MAX_FEED_LINES:
            detail.append(f"\n… {len(st.feeds) - MAX_FEED_LINES} more feeds (`triage collectors` lists them all)")
        self.query_one("#collector-detail", Static).update(detail)

    def _feed_line(self, feed) -> Text:
        """One feed of the collector: ✓ ok with when and how many posts, or ✗ failed with why."""
        zone = self.app.zone
        name = clip(feed.feed, 48)
        if feed.last_error:
            when = fmt_time(int(feed.last_error_at), zone) if feed.last_error_at else "—"
            return Text(f"✗ {name}  failed {when}: {clip(feed.last_error, 120)}", style="bold")
        when = fmt_time(int(feed.last_ok_at), zone) if feed.last_ok_at else "—"
        read = f", {feed.read:,} read" if feed.read is not None else ""
        return Text(f"✓ {name}  ok {when}{read}")

    def action_cursor(self, delta: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, table.cursor_row + delta))

    def action_run_now(self) -> None:
        cfg = self._current()
        if cfg is None or cfg.name in self.running:
            return
        self.running.add(cfg.name)
        self.action_reload()
        self._run(cfg)

    @work(thread=True)
    def _run(self, cfg) -> None:
        from triage.collectors.live import run_one
        from triage.tagging import make_tagger  # spaCy loads here, when a run is asked for

        started = time.perf_counter()
        try:
            tagger = make_tagger(self.app.config.threshold)
            with Store.open(self.app.db_path) as store:  # this thread's own writer connection
                run = run_one(store, cfg, analyst=self.app.analyst, tagger=tagger, stop=threading.Event())
            message = (f"{cfg.name}: {run.summary.added:,} new posts, {run.summary.flagged:,} flagged "
                       f"({time.perf_counter() - started:.1f} s)" + (f"; error: {run.error}" if run.error else ""))
        except Exception as exc:  # noqa: BLE001 - shown to the analyst, the console keeps running
            message = f"{cfg.name}: {type(exc).__name__}: {exc}"
        self.app.call_from_thread(self._done, cfg.name, message)

    def _done(self, name: str, message: str) -> None:
        self.running.discard(name)
        self.app.notify(sanitize(message), title="collector", markup=False)
        self.action_reload()

    def action_back(self) -> None:
        self.app.pop_screen()
