"""`triage score` / `triage eval` through click, as a user runs them (no store)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from triage.cli_detect import eval_cmd, score_cmd
from triage.indicators import TEXT_INDICATORS


def _write(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))


def test_score_writes_one_line_per_post_in_order(tmp_path):
    f = tmp_path / "posts.jsonl"
    _write(f, [{"id": "p1", "text": "I'm going to kill you tomorrow"}, {"text": "nice weather"}, "oops",
               {"id": 7, "text": "I want to die"}])
    res = CliRunner().invoke(score_cmd, [str(f), "--no-model"])  # click >= 8.2 keeps stderr apart
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    assert [x["id"] for x in lines] == ["p1", 2, 7]
    assert set(lines[0]["scores"]) == set(TEXT_INDICATORS)
    assert lines[0]["flagged"] is True and lines[1]["flagged"] is False
    assert res.exit_code == 1  # the bad line 3 was reported
    assert f"{f}:3: not JSON" in res.stderr


def test_eval_table_and_json(tmp_path):
    f = tmp_path / "labels.jsonl"
    _write(f, [{"text": "I will shoot you", "cats": {"threat": 1}},
               {"text": "I love my dog", "cats": {"threat": 0}},
               {"text": "gonna kill him tonight", "cats": {"threat": 1}},
               {"text": "this commute is killing me", "cats": {"threat": 0}}])
    res = CliRunner().invoke(eval_cmd, [str(f), "--no-model"])
    assert res.exit_code == 0, res.output
    assert "ROC-AUC" in res.output and "threat" in res.output
    res = CliRunner().invoke(eval_cmd, [str(f), "--no-model", "--json", "--threshold", "0.4"])
    data = json.loads(res.output)
    t = data["indicators"]["threat"]
    assert t["n"] == 4 and t["positives"] == 2 and t["roc_auc"] == 1.0
    assert data["threshold"] == 0.4
