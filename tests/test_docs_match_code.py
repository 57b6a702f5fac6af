"""The README's key and command tables, and the palette, against the code they describe.

As sqlite-utils tests its docs: a key added, remapped by default or removed in the bindings, or a
command added to the CLI, fails here until the README says so too; the palette lists what the
bindings say, with the keys bound now."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from triage.cli import main as cli_main
from triage.screens.commands import palette_commands
from triage.screens.queue_screen import QueueScreen

from .test_console import make_app, settle, store_file  # noqa: F401  (fixture)

README = Path(__file__).resolve().parent.parent / "README.md"

# how the README spells Textual's key names
README_KEYS = {
    "down": "↓", "up": "↑", "home": "Home", "end": "End", "pagedown": "PgDn", "pageup": "PgUp",
    "backspace": "⌫", "less_than_sign": "<", "greater_than_sign": ">", "colon": ":", "number_sign": "#",
    "slash": "/", "escape": "esc", "question_mark": "?", "right_square_bracket": "]",
    "left_square_bracket": "[",
}


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(title)
    end = text.find("\n#", start + len(title))
    return text[start:end]


def key_table_rows() -> list[tuple[set[str], list[str]]]:
    """(keys in backticks, binding ids) of each row of the README's key table."""
    rows = []
    for line in _section("### Keys").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        keys = set(re.findall(r"`([^`]+)`", cells[0]))
        ids = re.findall(r"`([a-z]+\.[a-z_0-9]+)`", cells[-1])
        rows.append((keys, ids))
    return rows


def binding_keys(binding) -> set[str]:
    return {README_KEYS.get(k.strip(), k.strip()) for k in binding.key.split(",")}


def test_every_queue_binding_is_in_the_readme_key_table_with_its_keys():
    rows = key_table_rows()
    documented = {ident for _keys, ids in rows for ident in ids}
    bindings = {b.id: b for b in QueueScreen.BINDINGS if b.id}
    labels = {i for i in bindings if i.startswith("queue.label_")}
    missing = set(bindings) - documented - labels
    assert not missing, f"bindings the README's key table does not list: {sorted(missing)}"
    assert "queue.label_1" in documented
    unknown = documented - set(bindings)
    assert not unknown, f"binding ids in the README that the queue screen does not have: {sorted(unknown)}"
    for keys, ids in rows:
        if not ids or ids[0] == "queue.label_1":
            continue
        bound = set().union(*(binding_keys(bindings[i]) for i in ids))
        assert keys == bound, f"README row for {ids} lists keys {sorted(keys)}, the bindings have {sorted(bound)}"


def test_the_key_table_check_fails_when_a_binding_is_undocumented(monkeypatch):
    from textual.binding import Binding

    extra = Binding("x", "noop", "Nothing", id="queue.not_in_readme")
    monkeypatch.setattr(QueueScreen, "BINDINGS", [*QueueScreen.BINDINGS, extra])
    with pytest.raises(AssertionError, match="queue.not_in_readme"):
        test_every_queue_binding_is_in_the_readme_key_table_with_its_keys()


def cli_commands(group: click.Group, prefix: str = "triage") -> set[str]:
    out = set()
    for name, cmd in group.commands.items():
        if getattr(cmd, "hidden", False):
            continue
        full = f"{prefix} {name}"
        out.add(full)
        if isinstance(cmd, click.Group):
            out |= cli_commands(cmd, full)
    return out


def documented_commands() -> set[str]:
    first_cells = [re.split(r"(?<!\\)\|", line)[1].replace("\\|", "|")
                   for line in _section("## Command line").splitlines() if line.startswith("| `triage")]
    out = set()
    for cell in first_cells:
        for code in re.findall(r"`([^`]+)`", cell):
            words = []
            for w in code.split():  # the command words: up to the first option or argument
                if not re.fullmatch(r"[a-z][a-z-]*(\|[a-z-]+)*", w):
                    break
                words.append(w)
            if words and words[0] == "triage":
                # "triage secret set|delete|list NAME" names the group and its subcommands
                head = ["triage"]
                for w in words[1:]:
                    if "|" in w:
                        out.update(" ".join(head + [alt]) for alt in w.split("|"))
                        break
                    head.append(w)
                    out.add(" ".join(head))
            elif words:  # "`link` / `unlink`": a sibling of the command before it
                out.add("triage " + words[0])
    return out


def test_every_cli_command_is_in_the_readme_command_table():
    """Each command is in the table; a subcommand is in the table or named in its section."""
    commands = cli_commands(cli_main)
    documented = documented_commands()
    readme = README.read_text(encoding="utf-8")
    missing = sorted(c for c in commands if c not in documented
                     and not (c.count(" ") > 1 and f"`{c}" in readme))
    assert not missing, f"commands the README's command table does not list: {missing}"
    gone = sorted(c for c in documented if c not in commands)
    assert not gone, f"commands in the README's table that the CLI does not have: {gone}"


def test_export_and_graph_format_choices_are_the_writers_the_code_has():
    from triage.analytics.graph_export import FORMATS as GRAPH_FORMATS
    from triage.cli.export_cmds import FORMAT_CHOICES, TLP_CHOICES
    from triage.export import FORMATS, TLP_LEVELS

    assert tuple(FORMAT_CHOICES) == tuple(FORMATS)
    assert tuple(TLP_CHOICES) == tuple(TLP_LEVELS)
    graph = cli_main.commands["graph"]
    fmt = next(p for p in graph.params if p.name == "fmt")
    assert tuple(fmt.type.choices) == tuple(GRAPH_FORMATS)


async def test_the_palette_lists_the_bindings_with_the_keys_bound_now(store_file):
    app = make_app(store_file, keys={"queue.author": "A", "queue.label_1": "e"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        commands = {name: help_text for name, help_text, _cb in palette_commands(app.screen)}
        with_tooltip = [b for b in QueueScreen.BINDINGS if b.tooltip]
        assert len(commands) == len(with_tooltip) + len(app.config.dispositions)
        assert commands["Author profile"].endswith("(A)")  # remapped: the new key, not "a"
        assert commands["Label as escalate"].endswith("(e)")
        assert commands["Search posts"].endswith("(/)")
        assert "esc" in commands["Clear search"]


async def test_a_palette_command_runs_its_binding(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        callbacks = {name: cb for name, _h, cb in palette_commands(app.screen)}
        await callbacks["Authors of concern"]()
        await pilot.pause()
        assert type(app.screen).__name__ == "ConcernScreen"


def test_the_command_table_check_fails_when_a_command_is_undocumented(monkeypatch):
    monkeypatch.setitem(cli_main.commands, "frobnicate", click.Command("frobnicate"))
    with pytest.raises(AssertionError, match="triage frobnicate"):
        test_every_cli_command_is_in_the_readme_command_table()
