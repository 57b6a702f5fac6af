"""Only the store speaks SQL (DESIGN.md, "Data flows one way"): a check on the source tree.

Everything outside ``triage/store/`` (the rest of the core, the screens, the built-in plugins)
asks the store through query functions. A breach is any of:

- a string that is an SQL statement (``SELECT … FROM``, ``INSERT INTO``, ``UPDATE … SET``,
  ``DELETE FROM``, ``CREATE TABLE``, ``PRAGMA x`` …), docstrings aside;
- a call of ``.execute(``, ``.executemany(`` or ``.executescript(``;
- ``sqlite_utils`` imported at all;
- ``sqlite3`` used for anything but naming a connection (``sqlite3.Connection`` in a signature)
  or catching its errors (``sqlite3.Error``, ``sqlite3.OperationalError`` …).

The checker runs on the real tree and, so that it cannot pass by checking nothing, on small
snippets that put each kind of breach back.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .conftest import REPO

CHECKED = ("triage", "screens", "plugins")
STORE = REPO / "triage" / "store"

_STATEMENT = re.compile(
    r"^\s*(?:SELECT\b.*\bFROM\b|INSERT\s+(?:OR\s+\w+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b"
    r"|REPLACE\s+INTO\b|(?:CREATE|DROP)\s+(?:UNIQUE\s+|VIRTUAL\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)\b"
    r"|ALTER\s+TABLE\b|PRAGMA\s+\w+|WITH\s+\w+.*\bAS\s*\(|BEGIN(?:\s+IMMEDIATE|\s+EXCLUSIVE)?\s*$|VACUUM\b)",
    re.DOTALL,
)
_EXECUTE = {"execute", "executemany", "executescript"}
_SQLITE3_ALLOWED = re.compile(r"^(?:Connection|Error|\w+Error|Warning)$")


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            ids.add(id(body[0].value))
    return ids


def _text(node: ast.AST) -> str | None:
    """The literal text of a string or f-string (placeholders become '?')."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "?" for v in node.values)
    return None


def sql_breaches(source: str, name: str = "<snippet>") -> list[str]:
    """Each place in ``source`` that speaks SQL, as 'name:line: what'."""
    tree = ast.parse(source, filename=name)
    skip = _docstrings(tree)
    inner = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    found = []
    for node in ast.walk(tree):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        text = None if id(node) in skip or id(node) in inner else _text(node)
        if text is not None and _STATEMENT.match(text):
            found.append(f"{where}: SQL statement {text.strip()[:60]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _EXECUTE:
            found.append(f"{where}: .{node.func.attr}() call")
        elif isinstance(node, ast.Import):
            found += [f"{where}: imports sqlite_utils" for a in node.names if a.name.split(".")[0] == "sqlite_utils"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "sqlite_utils":
                found.append(f"{where}: imports sqlite_utils")
            elif node.module == "sqlite3":
                found += [f"{where}: from sqlite3 import {a.name}" for a in node.names
                          if not _SQLITE3_ALLOWED.match(a.name)]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "sqlite3" \
                and not _SQLITE3_ALLOWED.match(node.attr):
            found.append(f"{where}: sqlite3.{node.attr}")
    return sorted(found)


def _checked_files() -> list[Path]:
    return sorted(p for top in CHECKED for p in (REPO / top).rglob("*.py") if STORE not in p.parents)


def test_no_sql_outside_the_store():
    files = _checked_files()
    assert len(files) > 100  # the scan sees the tree (a wrong root would pass on nothing)
    breaches = [b for p in files for b in sql_breaches(p.read_text(encoding="utf-8"), str(p.relative_to(REPO)))]
    assert breaches == [], "SQL outside triage/store/ (add a query function to the store instead):\n" + \
        "\n".join(breaches)


@pytest.mark.parametrize("snippet", [
    # what screens/queue_screen.py did before the store had max_post_id
    'newest = reader.conn.execute("SELECT COALESCE(MAX(id), 0) FROM posts").fetchone()[0]',
    'SQL = "SELECT id, text FROM posts WHERE id > ?"',
    'marks = "?,?"\nsql = f"SELECT id, text FROM posts WHERE id IN ({marks}) ORDER BY id"',
    'Q = ("INSERT OR REPLACE INTO meta (key, value) "\n     "VALUES (?, ?)")',
    'Q = "UPDATE posts SET flagged = 1"',
    'Q = "DELETE FROM hits WHERE post_id = ?"',
    'Q = "CREATE INDEX IF NOT EXISTS i ON posts(id)"',
    'Q = "PRAGMA database_list"',
    "cur.executemany(q, rows)",
    "import sqlite_utils",
    "from sqlite_utils import Database",
    "import sqlite3\nconn = sqlite3.connect('x.db')",
    "from sqlite3 import connect",
])
def test_the_checker_finds_a_breach_put_back(snippet):
    assert sql_breaches(snippet), snippet


@pytest.mark.parametrize("snippet", [
    '"""Posts are selected FROM the queue. SELECT * FROM posts in a docstring is prose."""',
    'HELP = "Select a post from the list"',
    "import sqlite3\ndef f(conn: sqlite3.Connection) -> int: ...",
    "import sqlite3\ntry:\n    pass\nexcept sqlite3.OperationalError:\n    pass",
    "from sqlite3 import Connection",
    "rows = queries.post_texts(store.conn, ids)",
])
def test_the_checker_lets_store_calls_and_prose_pass(snippet):
    assert sql_breaches(snippet) == []
