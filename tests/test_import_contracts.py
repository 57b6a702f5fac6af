"""The layers of DESIGN.md as import-linter contracts (pyproject.toml, ``[tool.importlinter]``),
checked on the built wheel.

Why the wheel: setup.py's ``package-dir`` maps ``screens/`` and ``plugins/`` into
``triage.screens`` and ``triage.plugins`` only when the project is installed; the repo tree has
them beside ``triage/``, where a static import graph of ``triage`` cannot see them. So the wheel
is built once (no network: ``--no-build-isolation``), unpacked into a directory with
``pip install --target``, and ``lint-imports`` reads that copy.

Each contract is also shown to fail: its breach from ``BREACHES`` is put back into a copy of
the installed tree and the contract must then report BROKEN. A new contract needs an entry
there too (a test says so), so no contract can pass by checking nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from .conftest import REPO

CONFIG = REPO / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# contract id -> (module file inside the installed tree, the line that breaks it)
BREACHES = {
    "core-without-console": ("triage/sanitize.py", "import textual"),
    "store-without-detector": ("triage/store/queries.py", "from ..detector.types import Hit"),
    # queries imports posts; posts importing queries back closes a cycle
    "store-acyclic": ("triage/store/posts.py", "from . import queries"),
    # a collector plugin reaching past the SDK into the store
    "plugins-only-sdk": ("triage/plugins/rss.py", "from triage.store import queries"),
    # the store imports records; records importing the store back closes a cycle between parts
    "no-cycles": ("triage/records.py", "from . import store"),
}
# More ways to break the console contract: the core reaching into the screens, and the package's
# own __init__ (which "triage.*" alone would not cover).
EXTRA_BREACHES = [("core-without-console", "triage/export/report.py", "from ..screens import formatting"),
                  ("core-without-console", "triage/__init__.py", "import textual"),
                  # the store's custody key reaching into the SDK for the keyring (the cycle of issue 16)
                  ("no-cycles", "triage/store/custody.py", "from ..collectors import runner"),
                  # a screen importing the queue screen back (they open queues through the app)
                  ("no-cycles", "triage/screens/context_screen.py", "from . import queue_screen")]


def _contract_ids() -> list[str]:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    return [c["id"] for c in config["tool"]["importlinter"]["contracts"]]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The project's wheel, built from this tree and unpacked into a directory of its own."""
    work = tmp_path_factory.mktemp("wheel")
    # built from a copy: setuptools reuses a build/ directory it finds, and one left from an older
    # tree would put modules that are gone into the wheel
    src = work / "src"
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__",
                                                              "__snapshots__", "fixtures", "docs"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    built = subprocess.run([*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"),
                            str(src)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((work / "dist").glob("triage_console-*.whl"))
    site = work / "site"
    unpacked = subprocess.run([*pip, "install", "--quiet", "--no-deps", "--no-index", "--target", str(site),
                               str(wheel)], capture_output=True, text=True)
    assert unpacked.returncode == 0, unpacked.stderr[-3000:]
    assert (site / "triage" / "screens" / "app.py").exists()  # the mapping the repo tree hides
    return site


def lint_imports(site: Path, *contracts: str) -> subprocess.CompletedProcess:
    args = [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(CONFIG)]
    for contract in contracts:
        args += ["--contract", contract]
    # The unpacked wheel first on the path: `triage` resolves there, not to the editable checkout.
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=site)


def test_the_contracts_hold_on_the_built_wheel(installed):
    out = lint_imports(installed)
    assert out.returncode == 0, out.stdout + out.stderr
    ids = _contract_ids()
    assert re.search(rf"Contracts: {len(ids)} kept, 0 broken", out.stdout), out.stdout
    assert {"core-without-console", "store-without-detector", "store-acyclic"} <= set(ids)


def test_every_contract_has_a_breach_that_shows_it_can_fail():
    assert set(_contract_ids()) == set(BREACHES)


@pytest.mark.parametrize("contract, module, line",
                         [(c, m, line) for c, (m, line) in BREACHES.items()] + EXTRA_BREACHES)
def test_a_contract_fails_when_its_breach_is_put_back(installed, tmp_path, contract, module, line):
    site = tmp_path / "site"
    shutil.copytree(installed, site, ignore=shutil.ignore_patterns("data", "__pycache__"))
    path = site / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    out = lint_imports(site, contract)
    assert out.returncode != 0
    assert "BROKEN" in out.stdout and "0 kept, 1 broken" in out.stdout, out.stdout + out.stderr
