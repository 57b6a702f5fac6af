"""escalate and monitor confirm the detected indicators in the same key press (on by default),
so triage decisions become positive training labels; undo takes back the whole key press."""

from __future__ import annotations

import json

from .backend import rows
from .conftest import Cli
from .test_console import labels, make_app, settle, store_file  # noqa: F401  (fixture)


def verdicts(path):
    return rows(path, "SELECT post_id, indicator, verdict, analyst, undo_of IS NOT NULL FROM verdicts ORDER BY id")


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def test_escalate_confirms_the_detected_indicators_and_undo_takes_both_back(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        assert "1,2 ✓ind" in status(app)
        first = queue.current_id  # nora_v's threat: threat, target and plan detected
        await pilot.press("1")
        await pilot.pause()
        assert labels(store_file) == [(first, "escalate", "ann", None)]
        assert verdicts(store_file) == [(first, "plan", 1, "ann", 0), (first, "target", 1, "ann", 0),
                                        (first, "threat", 1, "ann", 0)]
        await pilot.press("u")
        await pilot.pause()
        assert labels(store_file)[-1] == (first, None, "ann", 1)
        assert verdicts(store_file)[3:] == [(first, "threat", None, "ann", 1), (first, "target", None, "ann", 1),
                                            (first, "plan", None, "ann", 1)]
        assert "undone: label on 1 post(s)" in [n.message for n in app._notifications]


async def test_a_rejection_stands_and_benign_confirms_nothing(store_file):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        first, second = queue.ids[0], queue.ids[1]
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("x", "escape")  # the analyst rejects "threat" (first in the list)
        await pilot.pause()
        await pilot.press("2")  # monitor: confirms what is not judged yet
        await pilot.pause()
        assert [(i, v) for p, i, v, *_ in verdicts(store_file) if p == first] == [
            ("threat", 0), ("plan", 1), ("target", 1)]
        assert queue.current_id == second
        await pilot.press("3")  # benign: a label only
        await pilot.pause()
        assert all(p != second for p, *_ in verdicts(store_file))
        assert labels(store_file)[-1][:2] == (second, "benign")


async def test_the_setting_turns_it_off(store_file):
    app = make_app(store_file, confirm_indicators_with=())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert "✓ind" not in status(app)
        await pilot.press("1")
        await pilot.pause()
        assert len(labels(store_file)) == 1 and verdicts(store_file) == []


async def test_one_escalate_key_becomes_positive_cats_in_the_export(store_file, tmp_path):
    app = make_app(store_file)
    async with app.run_test(size=(100, 30)) as pilot:
        queue = await settle(pilot, app)
        first = queue.current_id
        await pilot.press("1")
        await pilot.pause()
    out = tmp_path / "set"
    result = Cli(store_file)("export", "--format", "jsonl", "--out", out)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.read_text().splitlines()]
    row = next(r for r in rows if r["meta"]["store_id"] == first)
    assert row["cats"] == {"threat": 1, "target": 1, "plan": 1}
