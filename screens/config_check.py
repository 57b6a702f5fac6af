"""The console's part of the config check: theme names and binding ids are Textual's and the
screens', so they are checked here (the core never imports Textual), before the app starts.
A mistake is one line: the file, the key, what is allowed."""

from __future__ import annotations

import difflib
import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.theme import BUILTIN_THEMES

from triage.config import Config, ConfigError


def binding_ids() -> set[str]:
    """Every binding id of the console's screens and dialogs (what `[keys]` may remap)."""
    package = importlib.import_module(__package__)
    ids: set[str] = set()
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{__package__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for binding in getattr(cls, "BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return ids


def check_console_config(cfg: Config) -> None:
    """Raise ConfigError naming the file and key for a theme or binding id the console lacks."""
    where = str(cfg.path) if cfg.path else "config"
    if cfg.theme not in BUILTIN_THEMES:
        raise ConfigError(f"{where}: theme: unknown theme {cfg.theme!r}{_hint(cfg.theme, BUILTIN_THEMES)} "
                          f"(one of: {', '.join(sorted(BUILTIN_THEMES))})")
    known = binding_ids()
    for ident, keys in cfg.keys.items():
        if ident not in known:
            raise ConfigError(f"{where}: keys: unknown binding id {ident!r}{_hint(ident, known)} (the ids are in "
                              "the console's ? screen and the README's key table, e.g. \"queue.next\")")
        if not all(key.strip() for key in keys.split(",")):
            raise ConfigError(f"{where}: keys: {ident} = {keys!r} names no key (one or more keys, comma-separated, "
                              "e.g. \"j,down\")")


def _hint(name: str, allowed) -> str:
    close = difflib.get_close_matches(name, sorted(allowed), n=1)
    return f" — did you mean {close[0]!r}?" if close else ""
