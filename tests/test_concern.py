"""Author concern: the person across posts and time, not one post at a time."""

from __future__ import annotations

import json

import pytest

from triage.analytics.concern import CONCERN_THRESHOLD, refresh_concern
from triage.analytics.warnings import WarningRulesError, load_rules, parse_rules
from triage.store import Store
from triage.store import concern_queries as cq

from .concern_store import build_pieces_store


@pytest.fixture
def pieces_db(tmp_path):
    return build_pieces_store(tmp_path / "pieces.db")


def _by_handle(conn) -> dict:
    return {r.handle: r for r in cq.ranked(conn)}


def test_leakage_in_pieces_ranks_above_one_loud_isolated_idiom(pieces_db):
    with Store.open(pieces_db) as store:
        refresh_concern(store)
        ranked = [r.handle for r in cq.ranked(store.conn)]
        rows = _by_handle(store.conn)
    assert ranked[0] == "quiet_pieces" and "loud_idiom" in ranked
    pieces, loud = rows["quiet_pieces"], rows["loud_idiom"]
    assert pieces.concern > loud.concern
    # Its parts say why: four distinct indicators, and a place with a date beside a plan.
    parts = pieces.components
    assert set(parts["indicators"]) == {"isolation", "fixation_past_attacks", "weapons", "target", "plan"}
    assert parts["proximity"] > 0 and parts["proximity_posts"]
    assert set(loud.components["indicators"]) == {"threat"} and loud.components["proximity"] == 0
    names = [name for name, _ in pieces.behaviours]
    assert {"pathway", "identification"} <= set(names)  # weapons, then a plan: two steps on the pathway
    assert [name for name, _ in loud.behaviours] == ["leakage"]
    assert "walker" not in rows  # no evidence, no concern


def test_analyst_dispositions_feed_back(pieces_db):
    with Store.open(pieces_db) as store:
        refresh_concern(store)
        before = _by_handle(store.conn)
        pieces_posts = [r[0] for r in store.conn.execute(
            "SELECT p.id FROM posts p JOIN authors a ON a.id = p.author_id WHERE a.handle = 'quiet_pieces'")]
        loud_post = store.conn.execute("SELECT id FROM posts WHERE text LIKE 'I will kill him%'").fetchone()[0]
        store.set_disposition([pieces_posts[-1]], "escalate", "ann")
        store.set_disposition([loud_post], "benign", "ann")
        refresh_concern(store)
        after = _by_handle(store.conn)
    assert after["quiet_pieces"].concern > before["quiet_pieces"].concern
    assert after["quiet_pieces"].components["escalated"] == 1
    # A benign post is no longer evidence: nothing is left of the loud idiom.
    assert "loud_idiom" not in after


def test_refresh_is_deterministic_and_remembers_when_concern_last_rose(pieces_db):
    clock = iter([1000.0, 2000.0, 3000.0])
    with Store.open(pieces_db) as store:
        first = refresh_concern(store, clock=lambda: next(clock))
        one = _by_handle(store.conn)
        refresh_concern(store, clock=lambda: next(clock))
        two = _by_handle(store.conn)
        post = store.conn.execute("SELECT id FROM posts WHERE text LIKE 'lovely walk%'").fetchone()[0]
        store.set_disposition([post], "escalate", "ann")
        refresh_concern(store, clock=lambda: next(clock))
        three = _by_handle(store.conn)
    assert {h: r.concern for h, r in one.items()} == {h: r.concern for h, r in two.items()}
    assert one["quiet_pieces"].changed_at == two["quiet_pieces"].changed_at == 1000.0
    assert three["loud_idiom"].changed_at == 3000.0 and three["quiet_pieces"].changed_at == 1000.0
    assert first.crossed == [one["quiet_pieces"].author_id] if one["quiet_pieces"].concern >= CONCERN_THRESHOLD \
        else first.crossed == []


def test_an_author_of_concern_is_never_buried_under_the_flag_threshold(pieces_db):
    with Store.open(pieces_db) as store:
        def flagged():
            return {r[0] for r in store.conn.execute(
                "SELECT p.text FROM posts p JOIN authors a ON a.id = p.author_id "
                "WHERE a.handle = 'quiet_pieces' AND p.flagged = 1")}

        assert flagged() == {"everyone at the depot laughs at me, they threw me out like trash",
                             "the Halden Street shooter had the right idea honestly",
                             "picked up a second rifle and 300 rounds this week"}  # the detector's own flags
        result = refresh_concern(store, threshold=0.3)
        assert _by_handle(store.conn)["quiet_pieces"].concern >= 0.3
        assert result.lifted == 1 and "the depot. the 14th. remember I told you" in flagged()
        lifted_id = store.conn.execute("SELECT post_id FROM concern_lifts").fetchone()[0]
        assert cq.lifted(store.conn, lifted_id) is not None
        # When the concern falls below the threshold, the lift goes and the detector's flags stay.
        result = refresh_concern(store, threshold=0.99)
        assert result.dropped == 1 and "the depot. the 14th. remember I told you" not in flagged()
        assert len(flagged()) == 3


def test_a_retag_decides_again_whose_flag_a_lifted_post_carries(pieces_db):
    from triage.store import TagResult

    with Store.open(pieces_db) as store:
        refresh_concern(store, threshold=0.3, clock=lambda: 1000.0)
        post = store.conn.execute("SELECT post_id FROM concern_lifts").fetchone()[0]
        hits = [tuple(r) + ("rule",) for r in store.conn.execute(
            'SELECT indicator, score, start, "end", text, rule FROM hits WHERE post_id = ?', (post,))]
        # A retag that leaves it under the threshold clears the flag; the next refresh lifts it again.
        store.write_tags([TagResult(post, 0.45, False, ["plan", "target"], hits)], "test-2")
        refresh_concern(store, threshold=0.3, clock=lambda: 2000.0 + 10**10)
        assert store.conn.execute("SELECT flagged FROM posts WHERE id = ?", (post,)).fetchone()[0] == 1
        assert cq.lifted(store.conn, post) is not None
        # A retag that flags it on its own makes the flag the detector's: a falling concern keeps it.
        store.write_tags([TagResult(post, 0.8, True, ["plan", "target"], hits)], "test-3")
        store.conn.execute("UPDATE posts SET tagged_at = ? WHERE id = ?", (3000 + 10**10, post))
        refresh_concern(store, threshold=0.3, clock=lambda: 4000.0 + 10**10)
        assert cq.lifted(store.conn, post) is None
        refresh_concern(store, threshold=0.99, clock=lambda: 5000.0 + 10**10)
        assert store.conn.execute("SELECT flagged FROM posts WHERE id = ?", (post,)).fetchone()[0] == 1


def test_warning_behaviour_rules_are_checked_with_file_and_key():
    rules = load_rules()
    assert [r.name for r in rules] == ["pathway", "fixation", "identification", "novel_aggression", "energy_burst",
                                       "leakage", "last_resort", "directly_communicated_threat"]
    assert len({r.letter for r in rules}) == len(rules)
    with pytest.raises(WarningRulesError, match=r"rules.toml: \[leakage\]: indicators: unknown threats"):
        parse_rules({"leakage": {"letter": "L", "indicators": ["threats"]}}, "rules.toml")
    with pytest.raises(WarningRulesError, match=r"\[b\]: letter"):
        parse_rules({"a": {"letter": "L", "indicators": ["threat"]}, "b": {"letter": "L", "indicators": ["plan"]}},
                    "rules.toml")


def test_concern_command_and_author_json_carry_the_same_fields(pieces_db, cli):
    from .conftest import Cli

    run = Cli(pieces_db)
    assert run("analyze").exit_code == 0
    result = run("concern", "--json", "--limit", "1")
    records = json.loads(result.output)
    assert len(records) == 1
    top = records[0]
    assert top["author"] == "quiet_pieces" and top["source"] == "mastodon" and 0 < top["concern"] <= 1
    assert {"author", "source", "concern", "warning_behaviours", "evidence", "changed"} <= set(top)
    assert "identification" in top["warning_behaviours"] and top["evidence"] and top["changed"]
    profile = json.loads(run("author", "quiet_pieces", "--json").output)
    for key in ("concern", "warning_behaviours", "evidence", "changed", "source"):
        assert profile[key] == top[key], key
    text = run("concern").output
    assert "mastodon:@quiet_pieces" in text.splitlines()[1] and "I identification" in text


# ---- the demo dataset -------------------------------------------------------------------------

# data/demo/README.md, "Planted authors".
ESCALATING = {"grayman_wes", "thecoldhours", "nullvoid_kyle", "hollowfen", "ashen_pilgrim"}
SYMPATHIZERS = {"based_dept_7", "NoMoreMrNice_", "RedPillRonin", "alpha_ghost_89", "voidposter_", "jmc_darkmode",
                "greyline", "marrowbone", "iron_tom", "frontier_ash"}
OTHER_PLANTED = {"softmoth_", "emptyrooms", "lilyofthevalley_99", "grey_sundays", "big_dave_1981", "KnucklesMcGraw",
                 "rico_outside", "brawler_tj", "vanguard_watch", "ninth_column_news", "ashen_banner_uk",
                 "steel_and_creed"}


@pytest.mark.slow
def test_demo_top_five_are_the_escalating_authors_and_no_everyday_or_news_account_in_the_top_ten(demo_db):
    from .conftest import Cli

    records = json.loads(Cli(demo_db)("concern", "--json", "--limit", "10").output)
    handles = [r["author"] for r in records]
    assert set(handles[:5]) == ESCALATING, handles
    # Everyone else in the top ten is a planted person (sympathizer, distress, violence, extremist):
    # no news account, no gamer, no everyday author writing idioms and hard cases.
    assert set(handles[5:]) <= SYMPATHIZERS | OTHER_PLANTED, handles
    assert all(r["concern"] >= CONCERN_THRESHOLD for r in records[:5])  # all five are of concern
    # Why: behaviour change and warning behaviours over weeks, each with its evidence posts.
    for r in records[:5]:
        assert "energy_burst" in r["warning_behaviours"] and r["evidence"], r["author"]
        assert r["components"]["escalation"] > 0 and r["components"]["change_weeks"], r["author"]


@pytest.mark.slow
def test_import_alert_cmd_fires_when_an_author_crosses_the_concern_threshold(cli, tmp_path):
    """The real detector on one planted escalating author's posts (data/demo): their concern
    crosses the threshold during the import, and the alert command hears of it on stdin."""
    import sys

    from .conftest import REPO

    posts = tmp_path / "hollowfen.jsonl"
    with open(REPO / "data" / "demo" / "posts.jsonl", encoding="utf-8") as src, open(posts, "w") as dst:
        for line in src:
            if json.loads(line)["author"] == "hollowfen":
                dst.write(line)
    out = tmp_path / "alerts.jsonl"
    cmd = f"{sys.executable} -c \"import sys; open({str(out)!r}, 'a').write(sys.stdin.read() + '\\n')\""
    result = cli("import", posts, "--alert-cmd", cmd, "--alert-threshold", "0.99")
    assert result.exit_code == 0, result.output
    alerts = [json.loads(line) for line in out.read_text().splitlines()]
    authors = [a for a in alerts if a.get("kind") == "author"]
    assert len(authors) == 1, alerts
    alert = authors[0]
    assert alert["author"] == "hollowfen" and alert["source"] == "mastodon"
    assert alert["concern"] >= CONCERN_THRESHOLD and alert["warning_behaviours"] and alert["evidence"]
    assert alert["changed"] and alert["file"] == str(posts)
    assert not any("text" in a for a in alerts)  # where to look, never what was said
    assert "alert(s) sent" in result.output
    # A second import of the same file changes nothing: no author crosses again.
    cli("import", posts, "--alert-cmd", cmd)
    assert len(out.read_text().splitlines()) == len(alerts)


def _concern_of(path, rows) -> dict[str, float]:
    from .concern_store import build_tagged_store

    build_tagged_store(path, rows)
    with Store.open(path) as store:
        refresh_concern(store)
        return {r.handle: r.concern for r in cq.ranked(store.conn)}


def test_the_formula_prefers_distinct_recent_and_proximate_evidence(tmp_path):
    grievance = {"isolation": ("they laugh at me", 0.6)}
    concern = _concern_of(tmp_path / "f.db", [
        # three distinct indicators against one indicator three times, same scores, same days
        ("distinct", 300, "they laugh at me", grievance),
        ("distinct", 302, "the Marlow guy had it right", {"fixation_past_attacks": ("the Marlow guy", 0.6)}),
        ("distinct", 304, "bought a rifle today", {"weapons": ("bought a rifle", 0.6)}),
        *[("repeats", d, "they laugh at me", grievance) for d in (300, 302, 304)],
        # the same three posts, a year earlier
        ("old", 0, "they laugh at me", grievance),
        ("old", 2, "the Marlow guy had it right", {"fixation_past_attacks": ("the Marlow guy", 0.6)}),
        ("old", 4, "bought a rifle today", {"weapons": ("bought a rifle", 0.6)}),
        # a target with a date against the same target without one
        *[("dated", d, f"the depot on the {d % 28 + 1}th", {"target": ("the depot", 0.6)}) for d in (300, 302)],
        *[("undated", d, "the depot is busy", {"target": ("the depot", 0.6)}) for d in (300, 302)],
        # the same three distinct posts, scattered over a year instead of one week
        ("scattered", 100, "they laugh at me", grievance),
        ("scattered", 200, "the Marlow guy had it right", {"fixation_past_attacks": ("the Marlow guy", 0.6)}),
        ("scattered", 304, "bought a rifle today", {"weapons": ("bought a rifle", 0.6)}),
    ])
    assert concern["distinct"] > concern["repeats"]
    assert concern["distinct"] > concern["old"]
    assert concern["dated"] > concern["undated"]
    assert concern["distinct"] > concern["scattered"]
