"""The analytics on the shipped demo dataset (skipped when it is absent): its planted escalating
authors, its trending hashtags and the offsets of authors whose timestamps carry none."""

from __future__ import annotations

import json

import pytest

from .conftest import REPO

DEMO = REPO / "data" / "demo" / "posts.jsonl"
# data/demo/README.md: "rise week" of each escalating author.
RISE_WEEKS = {"grayman_wes": 35, "thecoldhours": 38, "nullvoid_kyle": 40, "hollowfen": 41, "ashen_pilgrim": 44}

pytestmark = [pytest.mark.skipif(not DEMO.exists(), reason="no demo dataset"), pytest.mark.slow]


@pytest.fixture(scope="module")
def demo_cli(tmp_path_factory):
    from click.testing import CliRunner

    from triage.cli import main

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(main, ["--db", str(db), *args], catch_exceptions=False)
        assert result.exit_code in (0, 3), result.output
        return result

    run("import", str(DEMO))  # tags with the detector: behaviour change needs indicators
    run("analyze")
    return run


def test_escalating_authors_are_found_in_their_rise_week_and_no_one_else(demo_cli):
    changed = {}
    for handle in RISE_WEEKS:
        data = json.loads(demo_cli("author", handle, "--json").output)
        changed[handle] = [int(w.split("-W")[1]) for w in data["change_points"]]
    for handle, week in RISE_WEEKS.items():
        assert any(abs(w - week) <= 1 for w in changed[handle]), (handle, changed[handle])
    overview = json.loads(demo_cli("overview", "--json").output)
    flagged = {a["author"]["handle"] for a in overview["top_authors"] if a["latest_change"]}
    assert set(RISE_WEEKS) <= flagged and len(flagged) <= len(RISE_WEEKS) + 2


def test_trending_hashtags_of_the_last_weeks(demo_cli):
    items = json.loads(demo_cli("trends", "--json").output)["items"]
    assert {"#ashfall2", "#stormkestrel"} <= {i["term"] for i in items[:6]}


@pytest.mark.parametrize("handle, offsets", [("nullvoid_kyle", (-4, -5)), ("ashen_pilgrim", (-7, -8))])
def test_offsets_from_posting_hours_alone(demo_cli, handle, offsets):
    data = json.loads(demo_cli("author", handle, "--json").output)
    assert data["offset"]["raw_offsets"] == []  # X gives UTC, Telegram epochs: only the rhythm is left
    assert min(offsets) - 1 <= data["utc_offset"] <= max(offsets) + 1
