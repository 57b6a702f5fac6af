"""`?`: every key of the screen underneath, as the analyst has them bound now (remaps included)."""

from __future__ import annotations

from dataclasses import replace

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def key_table(screen: Screen) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("key", no_wrap=True)
    table.add_column("action")
    table.add_column("binding id", style="dim")
    keymap = screen.app._keymap  # the config's [keys], normalized by Textual
    seen = set()
    for node in (screen, screen.app):
        for key, active in node._bindings:
            binding = active if isinstance(active, Binding) else getattr(active, "binding", active)
            desc = binding.description or binding.action
            ident = binding.id or ""
            # A remapped binding is listed with its new keys, in its usual place in the table.
            keys = keymap[ident].split(",") if ident in keymap else [key]
            for shown in keys:
                if (binding.action, shown) in seen or not desc:
                    continue
                seen.add((binding.action, shown))
                table.add_row(Text(screen.app.get_key_display(replace(binding, key=shown))), Text(desc), Text(ident))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss_help", "Close help", id="help.close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Static(Text("Keys (remap any by its id under [keys] in the config file; esc closes)",
                              style="bold"))
            yield Static(key_table(self.under))

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
