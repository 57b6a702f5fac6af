"""One error family: every ``*Error`` class of the core and the console is a ``TriageError`` (so
the CLI's one handler turns it into one line) and keeps its builtin base (so existing ``except
ValueError`` and the like still catch it)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from triage.errors import SetupError, TriageError

REPO = Path(__file__).resolve().parent.parent


def _error_classes() -> list[tuple[str, str]]:
    """(module, class name) of every class named ``*Error`` in triage/ and screens/."""
    found = []
    for folder, package in (("triage", "triage"), ("screens", "triage.screens")):
        for path in sorted((REPO / folder).rglob("*.py")):
            parts = list(path.relative_to(REPO / folder).with_suffix("").parts)
            module = ".".join([package, *parts[:-1]] if parts[-1] == "__init__" else [package, *parts])
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.ClassDef) and node.name.endswith("Error"):
                    found.append((module, node.name))
    return found


def test_the_scan_finds_the_errors_users_meet():
    names = {name for _, name in _error_classes()}
    assert {"ConfigError", "StoreError", "LearningError", "PatternError", "ExportError", "SecretError",
            "AuthorLookupError", "SearchError"} <= names


@pytest.mark.parametrize("module,name", _error_classes())
def test_every_error_is_a_triage_error_and_keeps_its_builtin_base(module, name):
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, TriageError), f"{module}.{name} does not derive from TriageError"
    if cls not in (TriageError, SetupError):
        builtin = [b for b in cls.__mro__ if b.__module__ == "builtins" and b not in (Exception, BaseException, object)]
        assert builtin, f"{module}.{name} lost its builtin base (ValueError, RuntimeError, ...)"


def test_a_message_is_printed_as_one_line():
    assert TriageError("a.toml: line 3\n  bad value").cli_line() == "triage: error: a.toml: line 3; bad value"
    assert SetupError("threat.toml: rule t.a: say what it catches").cli_line() == (
        "triage: threat.toml: rule t.a: say what it catches")
    assert (TriageError.exit_code, SetupError.exit_code) == (1, 2)


def test_a_broken_pattern_file_ends_any_command_in_one_line(cli, db_path, tmp_path, monkeypatch):
    """A set-up error raised deep inside a command (building the detector) reaches the user as
    the group's one line and exit 2, with no traceback."""
    from triage.detector import resources

    from .conftest import post, write_jsonl

    patterns = tmp_path / "patterns"
    patterns.mkdir()
    (patterns / "threat.toml").write_text('indicator = "threat"\n[[rule]]\nid = "t.a"\nweight = 0.5\nterms = ["x"]\n')
    monkeypatch.setattr(resources, "patterns_dir", lambda: patterns)
    result = cli("import", write_jsonl(tmp_path / "p.jsonl", [post(1)]))
    assert result.exit_code == 2
    assert result.stderr == "triage: threat.toml: rule t.a: say what it catches in `comment`\n"
