"""Packaging and layering rules (the README's design notes), checked on the installed project."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

from .conftest import REPO


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_textual():
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "triage").rglob("*.py")
                 if {"textual", "textual_plotext"} & _imports(p)]
    assert offenders == []


def test_importing_every_core_module_leaves_textual_unloaded():
    modules = [".".join(p.relative_to(REPO).with_suffix("").parts) for p in (REPO / "triage").rglob("*.py")]
    modules = [m.removesuffix(".__init__") for m in modules]
    code = (f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
            "print(sorted(k for k in sys.modules if k.split('.')[0] in ('textual', 'textual_plotext')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_does_not_import_spacy_or_textual():
    code = ("import sys\nfrom triage.cli import main\n"
            "try: main(['--help'])\nexcept SystemExit: pass\n"
            "for sub in ('import', 'stats', 'score', 'eval', 'demo'):\n"
            "    try: main([sub, '--help'])\n    except SystemExit: pass\n"
            "print('LOADED', sorted({k.split('.')[0] for k in sys.modules} & {'spacy', 'textual', 'thinc'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "LOADED []"


def test_screens_plugins_and_data_are_inside_the_triage_namespace():
    for name in ("triage.screens", "triage.plugins", "triage.data"):
        assert importlib.util.find_spec(name) is not None, name
    for name in ("screens", "plugins", "data"):
        spec = importlib.util.find_spec(name)
        # Running from the repo root puts the repo on sys.path; the installed tree must not add them.
        assert spec is None or Path(spec.origin or "").parent.parent == REPO, name


def test_builtin_collectors_load_through_the_entry_point_group():
    from triage.plugin_api import available_collectors, file_importers

    assert {"jsonl", "csv"} <= set(available_collectors())
    assert {"jsonl", "csv"} <= set(file_importers())


def test_installed_console_script_runs():
    bin_dir = Path(sys.executable).parent
    out = subprocess.run([str(bin_dir / "triage"), "--version"], capture_output=True, text=True, check=True)
    assert "triage" in out.stdout


def test_opening_the_console_does_not_import_spacy(tmp_path):
    """The console starts fast over SSH: spaCy (≈0.75 s to import) loads only where tagging happens."""
    from .console_store import build_console_store

    db = build_console_store(tmp_path / "c.db")
    code = ("import asyncio, sys\nfrom triage.config import Config\nfrom triage.screens.app import TriageApp\n"
            "async def go():\n"
            f"    app = TriageApp({str(db)!r}, Config(analyst='t'))\n"
            "    async with app.run_test() as pilot:\n"
            "        await pilot.pause(); await app.workers.wait_for_complete(); await pilot.press('j', '/', 'escape')\n"
            "asyncio.run(go())\n"
            "print('LOADED', sorted({k.split('.')[0] for k in sys.modules} & {'spacy', 'thinc'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "LOADED []"


def test_the_wheel_installs_screens_plugins_and_data_inside_the_namespace(tmp_path):
    """A wheel (what `make wheelhouse` carries to a station) holds triage.screens, triage.plugins
    and triage.data with their data files, and no top-level `screens`/`plugins` package."""
    import zipfile

    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    (wheel,) = tmp_path.glob("triage_console-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"triage"}
    for needed in ("triage/screens/app.py", "triage/screens/triage.tcss", "triage/plugins/jsonl_file.py",
                   "triage/data/patterns/threat.toml", "triage/data/demo/posts.jsonl",
                   "triage/data/model/triage_model.json", "triage/data/model/DATA_CARD.md",
                   "triage/detector/core.py", "triage/analytics/profile.py"):
        assert needed in names, needed
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "import triage.screens.app, triage.plugins.mastodon, triage.data\n"
            "from importlib.resources import files\n"
            "print(triage.screens.app.__file__); print(files('triage.data') / 'patterns')")
    out = subprocess.run([sys.executable, "-c", code, str(unpacked)], capture_output=True, text=True, check=True)
    assert all(line.startswith(str(unpacked)) for line in out.stdout.split())
