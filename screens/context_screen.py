"""`t` on a post: its context as a list to open — the thread above a reply and the author's
other flagged posts; enter opens the post (in a queue of its own, with the post view)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from triage.sanitize import clip
from triage.store.queries import PostDetail, QueueFilter

from .formatting import context_line

if TYPE_CHECKING:
    from textual import getters

    from .console_app import ConsoleApp


class ContextScreen(Screen):
    if TYPE_CHECKING:  # self.app is the TriageApp; Textual types it App[Any]
        app = getters.app(ConsoleApp)

    BINDINGS = [
        Binding("j", "cursor(1)", "Down", show=False, id="context.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="context.up"),
        Binding("q,escape", "back", "Back", id="context.back"),
    ]

    def __init__(self, detail: PostDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        yield Static(Text(f" triage · context of post #{self.detail.id} (enter opens a post)", style="bold"),
                     id="title-bar")
        yield OptionList(*self._options(), id="context-list")
        yield Footer(compact=True)

    def _options(self) -> list[Option | None]:
        d, zone = self.detail, self.app.zone
        out: list[Option | None] = []
        if d.thread:
            out.append(Option(Text("in reply to (the thread above, root first)", style="bold"), disabled=True))
            out += [Option(context_line(line, zone), id=f"post:{line.id}") for line in d.thread]
        if d.author_flagged:
            out.append(Option(Text(f"other flagged posts by {clip('@' + d.author_handle, 30)}", style="bold"),
                              disabled=True))
            out += [Option(context_line(line, zone), id=f"post:{line.id}") for line in d.author_flagged]
        if not out:
            out.append(Option(Text("not a reply, and no other flagged post by this author", style="dim"),
                              disabled=True))
        return out

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = next((i for i in range(options.option_count)
                                    if not options.get_option_at_index(i).disabled), None)
        options.focus()

    def action_cursor(self, delta: int) -> None:
        options = self.query_one(OptionList)
        (options.action_cursor_down if delta > 0 else options.action_cursor_up)()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, value = (event.option.id or "").partition(":")
        if kind == "post":
            self.app.open_queue(QueueFilter(flagged_only=False, label_state="any", post_ids=(int(value),)),
                                title=f"post #{value}")

    def action_back(self) -> None:
        self.app.pop_screen()
