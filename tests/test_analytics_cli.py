"""The analytics commands as a user runs them: author, trends, graph, link/unlink, sentiment,
overview, analyze."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET

import pytest

from triage.analytics import synth
from triage.analytics.weeks import parse_week, week_start
from triage.store import Store

FIRST = parse_week("2026-W01")
HOSTILE = "evil\x1b[2J\u202ename"


@pytest.fixture
def store_db(db_path):
    rng = random.Random(8)
    person = synth.persona(rng, offset=-5, chronotype_sd=0.3)
    times = [t for t in synth.post_times(rng, person, 400, days=16 * 7, start=week_start(FIRST))]
    rise = week_start(FIRST + 10)
    with Store.open(db_path) as s:
        ids = list(s.add_posts(synth.records(
            "riser", times, source="reddit", author_name="Riser",
            texts=[("the mayor is a liar" if i % 9 == 0 else "quiet day") + (" #rally" if t >= rise else "")
                   for i, t in enumerate(times)],
            hashtags=lambda i: ["rally"] if times[i] >= rise else [])).new_ids())
        synth.tag(s, {pid: ["threat"] if (t >= rise and i % 2) or i % 40 == 0 else []
                      for i, (pid, t) in enumerate(zip(ids, times))})
        s.add_posts(synth.records("bob", times[:30:3], source="reddit", reply_to_author=lambda i: "riser"))
        s.add_posts(synth.records("riser", times[:5], source="x"))  # same handle on another source
        s.add_posts(synth.records(HOSTILE, times[:2], source="x", mentions=lambda i: ["riser"]))
    return db_path


def test_author_json_has_the_documented_keys(cli, store_db):
    result = cli("author", "reddit:riser", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["posts"] == 400 and len(data["hours_utc"]) == 24 and sum(data["hours_utc"]) == 400
    assert abs(data["utc_offset"] - -5) <= 1 and 0 < data["offset_confidence"] <= 1
    assert data["change_points"] == ["2026-W11"]
    assert data["timeline"]["granularity"] == "week" and len(data["timeline"]["buckets"]) >= 16
    assert data["interlocutors"][0]["handle"] == "bob" and data["interlocutors"][0]["replied_by"] == 10
    assert data["identities"][0]["author"]["source"] == "x"


def test_author_text_profile_fits_80_columns_and_is_sanitized(cli, store_db):
    result = cli("author", "riser", "--source", "reddit", "--tz", "America/Chicago")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "likely offset: UTC-0" in out and "2026-W11: violent rhetoric" in out
    assert "posts by local hour, America/Chicago" in out and "talks with" in out and "#rally" in out
    assert "possibly the same person" in out and "x:riser" in out
    # the console's text charts: 24 hour columns, local midnight marked, the legend above the letters
    assert any(line.split() == ["UTC", *[f"{h:02d}" for h in range(24)]] for line in out.splitlines())
    assert "^ local midnight at UTC-0" in out or "local midnight at UTC-0" in out
    assert "T threat" in out and "indicators per week" in out
    assert "\x1b" not in out  # not a terminal: no colour
    assert max(len(line) for line in out.splitlines()) <= 80
    hostile = cli("author", f"x:{HOSTILE}")
    assert hostile.exit_code == 0 and "\x1b" not in hostile.output and "\u202e" not in hostile.output
    assert "evil␛[2J⟨RLO⟩name" in hostile.output


def test_author_errors_are_one_line(cli, store_db):
    ambiguous = cli("author", "riser")
    assert ambiguous.exit_code == 1 and "several sources" in ambiguous.stderr and "reddit:riser" in ambiguous.stderr
    assert len(ambiguous.stderr.splitlines()) == 1
    assert "unknown time zone" in cli("author", "reddit:riser", "--tz", "Nowhere/Atlantis").stderr
    assert cli("author", "ghost").stderr.startswith("triage: error: no author 'ghost'")


def test_trends_graph_sentiment_overview(cli, store_db, tmp_path):
    trends = json.loads(cli("trends", "--json", "--source", "reddit", "--baseline", "4").output)
    assert trends["week"] == "2026-W16"
    text = cli("trends", "--week", "2026-W11")
    assert text.exit_code == 0 and "#rally" in text.output

    out = tmp_path / "edges.graphml"
    result = cli("graph", "--out", out)
    assert result.exit_code == 0 and "(graphml)" in result.output
    root = ET.parse(out).getroot()
    assert len(root.findall(".//{http://graphml.graphdrawing.org/xmlns}edge")) == 2
    csv_out = tmp_path / "ego.csv"
    assert cli("graph", "--out", csv_out, "--author", "reddit:bob").exit_code == 0
    assert csv_out.read_text().splitlines()[1].startswith("reddit:bob,reddit:riser,reply,10,")

    sentiment = json.loads(cli("sentiment", "the mayor", "--author", "reddit:riser", "--json").output)
    assert sentiment["posts"] == 45 and sentiment["mean"] < 0
    assert "sentiment toward 'the mayor'" in cli("sentiment", "the mayor").output

    overview = cli("overview")
    assert overview.exit_code == 0 and "highest-risk authors" in overview.output and "reddit:riser" in overview.output
    assert json.loads(cli("overview", "--json").output)["sources"][0]["source"] == "reddit"


def test_link_unlink_and_analyze(cli, store_db):
    assert cli("link", "reddit:riser", "x:riser", "--note", "same person").output == "linked reddit:riser and x:riser\n"
    merged = json.loads(cli("author", "reddit:riser", "--json").output)
    assert merged["posts"] == 405 and [a["source"] for a in merged["accounts"]] == ["reddit", "x"]
    assert cli("unlink", "reddit:riser", "x:riser").exit_code == 0
    assert json.loads(cli("author", "reddit:riser", "--json").output)["posts"] == 400
    assert cli("link", "reddit:riser", "reddit:riser").exit_code == 1

    result = cli("analyze")
    assert result.exit_code == 0 and "1 of 1 authors checked, 1 change points" in result.output
    with Store.open(store_db, readonly=True) as s:
        actions = [r[0] for r in s.conn.execute("SELECT action FROM audit ORDER BY id")]
        marked = s.conn.execute("SELECT COUNT(*) FROM hits WHERE indicator = 'behavior_change'").fetchone()[0]
        assert s.verify_audit().ok
    assert actions[:2] == ["link-identity", "unlink-identity"] and "analyze" in actions and marked > 50
