"""The collector SDK (triage/collectors/): one RecordError and one loop for bad records, plugins
found lazily with a broken one skipped, the template plugin, and the old import path.

Third-party plugins are registered the way pip leaves them: a ``*.dist-info`` directory with
an ``entry_points.txt`` in a directory put on PYTHONPATH, and the real CLI runs in a subprocess.
"""

from __future__ import annotations

import ast
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from triage.collectors import CollectorState, ImportProblem, PostRecord, RecordError, records_from
from triage.collectors.runner import run_collector
from triage.errors import TriageError
from triage.store import Store

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = Path(__file__).parent / "example_plugin"


def register(site: Path, dist: str, entry_points: dict[str, str], modules: dict[str, str] | None = None) -> None:
    """Install a distribution by hand: its modules and a dist-info naming its entry points."""
    info = site / f"{dist}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[triage.collectors]\n{lines}")
    for name, code in (modules or {}).items():
        (site / f"{name}.py").write_text(code)


def triage(site: Path, *args, config: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site)}
    if config is not None:
        env["TRIAGE_CONFIG"] = str(config)
    return subprocess.run([sys.executable, "-c", "from triage.cli import run; run()", *map(str, args)],
                          env=env, capture_output=True, text=True, timeout=120)


def stored(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT source, external_id, text FROM posts ORDER BY id").fetchall()
    finally:
        conn.close()


# ---- RecordError and records_from --------------------------------------------------------------


def to_post(raw: dict) -> PostRecord | None:
    if raw.get("skip"):
        return None
    if "text" not in raw:
        raise RecordError("text", "missing")
    if raw.get("boom"):
        raise KeyError("boom")
    return PostRecord(source="t", external_id=str(raw["id"]), text=raw["text"], author_handle="a",
                      created_at=raw.get("at", 1_700_000_000), created_raw="", raw=raw)


def test_record_error_is_the_family_error_and_a_value_error_with_its_field():
    err = RecordError("created_at", "in the future")
    assert isinstance(err, TriageError) and isinstance(err, ValueError)
    assert (err.field, str(err)) == ("created_at", "created_at: in the future")
    assert err.named({"created_at": "when"}) == "when: in the future"
    nested = RecordError("account.acct", "empty", quoted=True).within("status 7")
    assert str(nested) == "status 7: 'account.acct': empty"
    assert nested.field == "account.acct"


def test_records_from_keeps_the_good_and_reports_each_bad_item_as_one_line():
    items = [(("in.jsonl", 1), {"id": 1, "text": "first"}),
             (("in.jsonl", 2), {"id": 2}),
             ImportProblem("in.jsonl", 3, "line too long"),  # found while reading: passed on
             (("in.jsonl", 4), {"id": 4, "text": "old", "at": 5}),  # fails the store's time check
             (("in.jsonl", 5), {"id": 5, "text": "x", "boom": True}),
             (("in.jsonl", 6), {"id": 6, "skip": True}),
             (("in.jsonl", 7), {"id": 7, "text": "last"})]
    out = list(records_from(items, to_post, CollectorState(), source_names={"created_at": "at"}))
    assert [r.external_id for r in out if isinstance(r, PostRecord)] == ["1", "7"]
    lines = [str(p) for p in out if isinstance(p, ImportProblem)]
    assert lines[0] == "in.jsonl:2: text: missing"
    assert lines[1] == "in.jsonl:3: line too long"
    assert lines[2].startswith("in.jsonl:4: at: 1970-01-01T00:00:05Z is before the earliest accepted time")
    assert lines[3] == "in.jsonl:5: record: unreadable (KeyError: 'boom')"
    assert len(lines) == 4


def test_records_from_entries_and_a_line_the_error_knows_better():
    def to_record(raw):
        raise RecordError(None, "continued line is bad", line=raw)

    (problem,) = records_from([(("page", 3), 9)], to_record, CollectorState(), entries=True)
    assert str(problem) == "page: entry 9: continued line is bad"


def test_no_plugin_defines_its_own_record_error_or_loop():
    """Every built-in collector reports bad records through records_from and RecordError."""
    for path in sorted((REPO / "plugins").glob("*.py")):
        tree = ast.parse(path.read_text())
        classes = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
        errors = [name for name, node in classes.items()
                  if any(getattr(b, "id", getattr(b, "attr", "")).endswith(("Error", "Exception")) for b in node.bases)]
        assert errors == [], f"{path.name} defines {errors}: raise triage.collectors.RecordError"
        collectors = [node for node in classes.values() if any(getattr(f, "name", "") == "collect" for f in node.body)]
        if collectors:
            assert "records_from(" in path.read_text(), f"{path.name} does not use records_from"


# ---- the old import path ------------------------------------------------------------------------


def test_an_old_style_plugin_importing_triage_plugin_api_still_collects(tmp_path, monkeypatch):
    import triage.collectors as sdk
    import triage.plugin_api as old

    for name in ("Collector", "CollectorState", "Option", "PluginError", "PostRecord", "ImportProblem"):
        assert getattr(old, name) is getattr(sdk, name), name
    monkeypatch.syspath_prepend(str(EXAMPLE))
    from triage_example_collector import LinesCollector  # imports triage.plugin_api

    posts = tmp_path / "watch.txt"
    posts.write_text("2024-05-14T09:58:00+02:00\tquiet_hiker\tcanisters die below zero\nno tabs here\n")
    with Store.open(tmp_path / "s.db") as store:
        summary, cursor = run_collector(store, LinesCollector({"path": str(posts)}))
    assert (summary.added, [str(p) for p in summary.problems]) == (1, [f"{posts}:2: expected TIME<TAB>HANDLE<TAB>TEXT"])
    assert cursor == {"offset": posts.stat().st_size, "line": 2}
    assert stored(tmp_path / "s.db") == [("lines", "watch.txt:1", "canisters die below zero")]


# ---- discovery: lazy, and a broken plugin skipped ------------------------------------------------


def test_running_one_collector_imports_only_its_plugin():
    code = ("import sys\nfrom triage.collectors.discovery import collector_names, get_collector\n"
            "names = collector_names()\n"
            "before = sorted(m for m in sys.modules if m.startswith('triage.plugins.'))\n"
            "get_collector('jsonl')\n"
            "after = sorted(m for m in sys.modules if m.startswith('triage.plugins.'))\n"
            "print(len(names), before, after)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    assert int(out[0]) >= 11  # every built-in is listed...
    assert out[1].strip() == "[] ['triage.plugins.jsonl_file']"  # ...and only the one asked for is imported


BROKEN = {
    "syntax": ("broken_syntax:Collector", {"broken_syntax": "def collect(:\n"}),
    "needs-lib": ("broken_import:Collector", {"broken_import": "import a_library_that_is_not_installed\n"}),
    "not-a-class": ("broken_class:NotACollector", {"broken_class": "class NotACollector:\n    pass\n"}),
    "crashes": ("broken_crash:Collector", {"broken_crash": "raise SystemExit('plugin gave up')\n"}),
    "bad-schema": ("broken_schema:Lines", {"broken_schema": "from triage.collectors import Collector\n"
                                                             "class Lines(Collector):\n"
                                                             "    name = 'bad-schema'\n"
                                                             "    options_schema = {'path': str}\n"}),
}


def test_broken_third_party_plugins_are_skipped_with_one_line_each(tmp_path):
    site = tmp_path / "site"
    modules = {}
    for _, (_, code) in BROKEN.items():
        modules.update(code)
    register(site, "broken_plugins", {name: target for name, (target, _) in BROKEN.items()}, modules)
    posts = tmp_path / "in.jsonl"
    posts.write_text(json.dumps({"id": "1", "text": "hello", "author": "a", "created_at": 1_700_000_000}) + "\n")
    db = tmp_path / "s.db"

    listed = triage(site, "collectors")
    assert listed.returncode == 0, listed.stderr
    assert "jsonl" in listed.stdout and "not-a-class" not in listed.stdout
    warnings = listed.stderr.splitlines()
    assert len(warnings) == len(BROKEN)
    assert sorted(w.split("'")[1] for w in warnings) == sorted(BROKEN)
    assert all(w.startswith("warning: collector plugin ") and w.endswith("; skipped") for w in warnings)
    assert "SyntaxError" in next(w for w in warnings if "'syntax'" in w)
    assert "a_library_that_is_not_installed" in next(w for w in warnings if "'needs-lib'" in w)
    assert "is not a triage Collector" in next(w for w in warnings if "'not-a-class'" in w)
    assert "options_schema must map option names to Option(...)" in next(w for w in warnings if "'bad-schema'" in w)
    assert "Traceback" not in listed.stderr

    # Format detection asks every importer: the broken ones are skipped once, the file imported.
    imported = triage(site, "--db", db, "import", "--no-tag", posts)
    assert imported.returncode == 0, imported.stderr
    assert "1 read, 1 added" in imported.stdout
    assert len(imported.stderr.splitlines()) == len(BROKEN)
    assert stored(db) == [("jsonl", "1", "hello")]

    # Told the format, `triage import` imports that importer only: the broken ones stay unread.
    told = triage(site, "--db", db, "import", "--no-tag", "--format", "jsonl", posts)
    assert told.returncode == 0 and told.stderr == ""
    assert "1 read, 0 added, 1 already stored" in told.stdout

    # Asked for by name, a broken plugin is the run's one-line error; the others still run.
    config = tmp_path / "config.toml"
    config.write_text(f'[[collectors]]\nname = "bad"\nplugin = "needs-lib"\n\n'
                      f'[[collectors]]\nname = "good"\nplugin = "jsonl"\n[collectors.options]\npath = "{posts}"\n')
    ran = triage(site, "--db", db, "collect", "--no-tag", config=config)
    assert ran.returncode == 1
    assert ran.stderr.splitlines() == [
        "triage: error: collector bad: collector plugin 'needs-lib' (broken_import:Collector) failed to load: "
        "ModuleNotFoundError: No module named 'a_library_that_is_not_installed'"]
    assert "good: 1 read, 0 added, 1 already stored" in ran.stdout
    assert "Traceback" not in ran.stderr + ran.stdout


# ---- the template plugin -------------------------------------------------------------------------


def test_the_template_plugin_loads_and_collects_from_a_small_file(tmp_path):
    site = tmp_path / "site"
    register(site, "my_template_copy", {"template": "triage.collectors.template:TemplateCollector"})
    posts = tmp_path / "tips.posts"
    posts.write_text("# exported from the tip line\n"
                     "tip-1|2024-05-14T09:58:00+02:00|quiet_hiker|canisters die below zero\n"
                     "tip-2|yesterday-ish|trail_mix|liquid fuel it is\n"
                     "\n"
                     "tip-3|2024-05-14T10:30:00+02:00|@trail_mix|thanks all\n"
                     "just some words\n")
    db = tmp_path / "s.db"

    listed = json.loads(triage(site, "collectors", "--json").stdout)
    template = next(p for p in listed["plugins"] if p["name"] == "template")
    assert template["formats"] == ["template"] and set(template["options"]) == {"path", "source"}

    first = triage(site, "--db", db, "import", "--no-tag", posts)  # found by its sniff, no --format
    assert first.returncode == 3, first.stderr  # bad lines reported and skipped
    assert first.stderr.splitlines() == [f"{posts}:3: time: unrecognised time format: 'yesterday-ish'",
                                         f"{posts}:6: expected ID|TIME|HANDLE|TEXT"]
    assert "2 read, 2 added, 0 already stored, 2 bad" in first.stdout
    assert stored(db) == [("template", "tip-1", "canisters die below zero"), ("template", "tip-3", "thanks all")]
    again = triage(site, "--db", db, "import", "--no-tag", "--format", "template", posts)
    assert "2 read, 0 added, 2 already stored" in again.stdout


def test_the_template_resumes_from_its_cursor(tmp_path):
    from triage.collectors.template import TemplateCollector

    posts = tmp_path / "tips.posts"
    posts.write_text("a|1700000000|x|one\n")
    with Store.open(tmp_path / "s.db") as store:
        _, cursor = run_collector(store, TemplateCollector({"path": str(posts)}))
        with open(posts, "a") as fh:
            fh.write("b|1700000060|y|two\n")
        summary, _ = run_collector(store, TemplateCollector({"path": str(posts)}), cursor=cursor)
    assert (summary.read, summary.added) == (1, 1)  # only the new line was read


@pytest.mark.parametrize("module", ["triage.collectors", "triage.plugin_api"])
def test_the_sdk_imports_without_the_http_client_or_keyring(module):
    code = (f"import sys, {module}\n"
            "print(sorted(m for m in ('urllib3', 'keyring', 'textual', 'triage.store') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
