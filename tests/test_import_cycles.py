"""No two modules of the core import each other, not even through an import inside a function.

A cycle hidden in function-level imports (``learning`` asked ``tagging`` for a tagger while
``tagging`` asked ``learning`` which model to load) works until someone moves one import to the
top of a file. The graph here counts every import statement, at any depth, between modules of
``triage/``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _modules(root: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package's __init__) for every .py under root/package."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_pkg else parts)] = (path, is_pkg)
    return out


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Which modules of ``package`` each module imports (any import statement, at any depth)."""
    modules = _modules(root, package)
    graph: dict[str, set[str]] = {}
    for name, (path, is_pkg) in modules.items():
        here = name.split(".") if is_pkg else name.split(".")[:-1]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                parent = here[: len(here) - node.level + 1] if node.level else []
                base = ".".join(parent + ([node.module] if node.module else []))
                for alias in node.names:  # `from . import x` names a module; `from .m import f` names m
                    target = f"{base}.{alias.name}"
                    deps.add(target if target in modules else base)
            elif isinstance(node, ast.Import):
                deps.update(alias.name for alias in node.names)
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_of_the_core_imports_one_that_imports_it_back():
    assert cycles(import_graph(REPO, "triage")) == []


def test_the_check_finds_a_cycle_made_of_imports_inside_functions(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "tagging.py").write_text("def make():\n    from .learning import resolve\n    return resolve()\n")
    (pkg / "learning.py").write_text("def resolve():\n    from . import tagging\n    return tagging\n")
    (pkg / "other.py").write_text("from .tagging import make\n")
    assert cycles(import_graph(tmp_path, "pkg")) == [["pkg.learning", "pkg.tagging"]]


def test_tagging_builds_its_tagger_with_the_retraining_loop_unimportable(tmp_path):
    """In a fresh interpreter where ``triage.learning`` cannot be imported, ``make_tagger`` still
    builds the active detector through the model registry."""
    code = (
        "import sys\n"
        "sys.modules['triage.learning'] = None  # any import of it now fails\n"
        "from triage.tagging import make_tagger\n"
        "tagger = make_tagger(model='active')\n"
        "print(tagger.version)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300,
                         env={"TRIAGE_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("rules-")
