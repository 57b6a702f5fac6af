"""Authors of concern: the people, highest concern first. Each line: concern, warning-behaviour
letters, posts flagged, latest activity, trend; enter opens the author."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from triage.analytics.concern import CONCERN_THRESHOLD
from triage.analytics.concern_report import TREND_MARK, behaviour_letters
from triage.analytics.warnings import load_rules
from triage.sanitize import clip
from triage.store import concern_queries as cq

from .formatting import fmt_time

if TYPE_CHECKING:
    from textual import getters

    from .console_app import ConsoleApp

LIMIT = 200
HEADER = "concern behaviours flagged latest       trend author"


def concern_line(row: cq.ConcernRow, width: int, zone) -> Text:
    mark = "●" if row.concern >= CONCERN_THRESHOLD else " "
    head = (f"{mark}{row.concern:5.2f}  {behaviour_letters(row.behaviours):<10} {row.flagged:>7} "
            f"{fmt_time(row.latest_at, zone):<12} {TREND_MARK.get(row.trend, '?'):^5} ")
    line = Text(head, no_wrap=True, overflow="ellipsis")
    line.append(clip("@" + row.handle, max(8, width - len(head) - 14)), style="bold" if mark == "●" else "")
    line.append(" " + clip(row.source, 12), style="dim")
    return line


class ConcernScreen(Screen):
    if TYPE_CHECKING:  # self.app is the TriageApp; Textual types it App[Any]
        app = getters.app(ConsoleApp)

    BINDINGS = [
        Binding("j", "cursor(1)", "Down", show=False, id="concern.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="concern.up"),
        Binding("r", "reload", "Reload", id="concern.reload"),
        Binding("question_mark", "help", "Help", id="concern.help"),
        Binding("q,escape", "back", "Back", id="concern.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Text(" triage · authors of concern (enter opens the author)", style="bold"), id="title-bar")
        yield Static(Text(" " + HEADER, style="bold"), id="concern-header")
        yield OptionList(id="concern-list")
        yield Static("", id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one(OptionList).focus()

    def action_reload(self) -> None:
        rows = cq.ranked(self.app.reader.conn, LIMIT)
        options = self.query_one(OptionList)
        options.clear_options()
        width = self.size.width or 80
        options.add_options([Option(concern_line(r, width - 2, self.app.zone), id=f"author:{r.author_id}")
                             for r in rows]
                            or [Option(Text("no author has any concern yet: `triage analyze` computes it",
                                            style="dim"), disabled=True)])
        options.highlighted = 0 if rows else None
        of_concern = sum(r.concern >= CONCERN_THRESHOLD for r in rows)
        legend = " ".join(f"{r.letter} {r.title}" for r in load_rules())
        self.query_one("#status", Static).update(Text(
            f" {of_concern} of concern (● ≥ {CONCERN_THRESHOLD:.2f}) · {len(rows)} listed · {legend}",
            no_wrap=True, overflow="ellipsis"))

    def action_cursor(self, delta: int) -> None:
        options = self.query_one(OptionList)
        (options.action_cursor_down if delta > 0 else options.action_cursor_up)()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, value = (event.option.id or "").partition(":")
        if kind == "author":
            self.app.open_author(int(value))

    def action_help(self) -> None:
        from .help_screen import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_back(self) -> None:
        self.app.pop_screen()
