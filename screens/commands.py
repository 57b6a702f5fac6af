"""ctrl+p: the command palette offers what the current screen can do.

The commands come from the queue screen's bindings, not from a list of their own: every
binding with a ``tooltip`` (written ``"Palette name: what it does"``) is a command, shown with
the keys it is bound to now (a key remapped under ``[keys]`` in the config shows its new key).
The dispositions come from the config, one command each.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Callable

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


def bound_keys(screen, binding: Binding) -> str:
    """The keys that run ``binding`` now, as the footer would show them ("j, ↓")."""
    app = screen.app
    keys = app._keymap.get(binding.id, binding.key) if binding.id else binding.key
    return ", ".join(app.get_key_display(replace(binding, key=k.strip())) for k in keys.split(","))


def palette_commands(screen) -> list[tuple[str, str, Callable[[], object]]]:
    """(name, help, callback) of each command the queue screen offers."""
    app = screen.app
    label = next((b for b in screen.BINDINGS if b.id == "queue.label_1"), None)
    cmds: list[tuple[str, str, Callable[[], object]]] = []
    for i, disposition in enumerate(app.config.dispositions, start=1):
        keys = bound_keys(screen, replace(label, key=str(i), id=f"queue.label_{i}")) if label else str(i)
        cmds.append((f"Label as {disposition}", f"apply '{disposition}' and advance ({keys})",
                     partial(screen.action_label, i)))
    for binding in screen.BINDINGS:
        if not binding.tooltip:
            continue
        name, _, help_text = binding.tooltip.partition(": ")
        cmds.append((name, f"{help_text} ({bound_keys(screen, binding)})",
                     partial(screen.run_action, binding.action)))
    return cmds


class QueueCommands(Provider):
    def _commands(self):
        from .queue_screen import QueueScreen

        screen = self.screen
        if not isinstance(screen, QueueScreen):
            return []
        return palette_commands(screen)

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
