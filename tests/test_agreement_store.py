"""Each analyst's current decision and disagreements, read from real label rows; `triage
agreement` on a real store, checked against κ computed by hand."""

from __future__ import annotations

import json

import pytest

from triage.store import Store
from triage.store.agreement_queries import (current_dispositions_by_analyst, disagreements, rated_posts,
                                            review_order)

from .conftest import post, write_jsonl


@pytest.fixture
def store(tmp_path, cli):
    cli("import", write_jsonl(tmp_path / "p.jsonl", [post(i) for i in range(1, 7)]), "--no-tag")
    return cli.db


def current(db, post_id):
    with Store.open(db, readonly=True) as s:
        return {a: d.value for a, d in current_dispositions_by_analyst(s.conn, [post_id]).get(post_id, {}).items()}


def test_the_current_disposition_is_the_analysts_latest_label_not_undone(store):
    with Store.open(store) as s:
        s.set_disposition([1], "escalate", "ann")
        s.set_disposition([1], "benign", "bob")
        assert current(store, 1) == {"ann": "escalate", "bob": "benign"}  # not "latest wins": both stand
        later = s.set_disposition([1], "monitor", "ann")
        assert current(store, 1) == {"ann": "monitor", "bob": "benign"}
        s.undo_label(later, "ann")  # the undo row restores bob's benign on posts.disposition ...
        assert current(store, 1) == {"ann": "escalate", "bob": "benign"}  # ... but ann's own escalate is back
        s.set_disposition([1], None, "bob")  # bob clears his
        assert current(store, 1) == {"ann": "escalate"}


def test_a_bulk_undo_takes_each_posts_own_label_back(store):
    with Store.open(store) as s:
        s.set_disposition([2, 3], "benign", "bob")
        batch = s.set_disposition([2, 3], "escalate", "ann")
        s.undo_label(batch, "ann")  # one undo row per post, each naming the batch's first label id
        assert current(store, 2) == current(store, 3) == {"bob": "benign"}


def test_disagreements_count_dispositions_and_verdicts(store):
    with Store.open(store) as s:
        s.set_disposition([1], "escalate", "ann")
        s.set_disposition([1], "benign", "bob")
        s.set_disposition([2], "monitor", "ann")
        s.set_disposition([2], "monitor", "bob")
        s.set_verdict(3, "threat", 1, "ann")
        s.set_verdict(3, "threat", 0, "bob")
        s.set_disposition([4], "benign", "ann")
        s.set_disposition([4], "benign", "ann")
    with Store.open(store, readonly=True) as s:
        found = {d.post_id: d for d in disagreements(s.conn)}
        assert set(found) == {1, 3}
        assert found[1].disposition_disagrees and found[3].disputed_indicators == ["threat"]
        # disagreements first, then the post they agree on (untagged: equal risk, so by id); 4 has one analyst
        assert review_order(s.conn) == [1, 3, 2]
        rated = rated_posts(s.conn)
        assert rated.dispositions == {1: {"ann": "escalate", "bob": "benign"}, 2: {"ann": "monitor", "bob": "monitor"}}
        assert rated.verdicts == {"threat": {3: {"ann": 1, "bob": 0}}}


def test_agreement_says_so_when_no_post_has_two_analysts(store, cli):
    assert cli("agreement").output.strip() == "no post labeled by two analysts yet"
    cli("label", "1", "--as", "benign", "--analyst", "ann")
    assert cli("agreement").output.strip() == "no post labeled by two analysts yet"
    data = json.loads(cli("agreement", "--json").output)
    assert data["posts"] == 0 and data["pairs"] == [] and data["message"] == "no post labeled by two analysts yet"


def test_agreement_text_and_json_against_kappa_by_hand(store, cli):
    # ann/bob on 4 posts: (E,E) (E,B) (B,B) (M,B); cy also labels post 1: E and post 2: B.
    for post_id, by in {1: {"ann": "escalate", "bob": "escalate", "cy": "escalate"},
                        2: {"ann": "escalate", "bob": "benign", "cy": "benign"},
                        3: {"ann": "benign", "bob": "benign"},
                        4: {"ann": "monitor", "bob": "benign"}}.items():
        for analyst, disposition in by.items():
            cli("label", post_id, "--as", disposition, "--analyst", analyst)
    cli("label", "5", "--indicator", "threat=1", "--analyst", "ann")
    cli("label", "5", "--indicator", "threat=0", "--analyst", "bob")
    cli("label", "6", "--indicator", "threat=1", "--analyst", "ann")
    cli("label", "6", "--indicator", "threat=1", "--analyst", "bob")
    data = json.loads(cli("agreement", "--json").output)
    pairs = {(p["first"], p["second"]): p for p in data["pairs"]}
    ab = pairs[("ann", "bob")]
    # ann: E 2, B 1, M 1; bob: E 1, B 3 of n = 4. p_o = 2/4; p_e = (2·1 + 1·3 + 1·0) / 16 = 5/16;
    # κ = (8/16 − 5/16) / (11/16) = 3/11
    assert ab["n"] == 4 and ab["observed"] == pytest.approx(0.5) and ab["expected"] == pytest.approx(5 / 16)
    assert ab["kappa"] == pytest.approx(3 / 11)
    # Fleiss over 4 posts with m = 3, 3, 2, 2 (m̄ = 2.5, 10 ratings): E 4, B 5, M 1.
    # D_E = 0 + 1·2/3 + 0 + 0 = 2/3; D_B = 0 + 2·1/3 + 0 + 1·1/2 = 7/6; D_M = 1·1/2 = 1/2;
    # N(m̄ − 1) = 6; Σ p q = .4·.6 + .5·.5 + .1·.9 = .58; κ = 1 − (2/3 + 7/6 + 1/2) / (6 · .58)
    fleiss = data["dispositions"]
    assert fleiss["items"] == 4 and fleiss["ratings"] == 10
    assert fleiss["kappa"] == pytest.approx(1 - (2 / 3 + 7 / 6 + 1 / 2) / (6 * 0.58))
    assert fleiss["by_category"]["escalate"] == pytest.approx(1 - (2 / 3) / (6 * 0.24))
    assert fleiss["by_category"]["unclear"] is None  # nobody used it
    # threat: post 5 (1 confirmed, 1 rejected), post 6 (2 confirmed); p_c = 3/4;
    # D = 1·1/2 + 0 = 1/2 per category, N(m̄ − 1) = 2, Σ p q = 2 · 3/16; κ = 1 − 1 / (2 · 3/8) = −1/3
    assert data["indicators"]["threat"]["kappa"] == pytest.approx(-1 / 3)
    text = cli("agreement").output
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "agreement of 3 analysts on 4 post(s) labeled by two or more" in text
    ann_bob = next(line for line in text.splitlines() if line.strip().startswith("ann / bob"))
    assert ann_bob.split()[-4:] == ["4", "0.500", "0.312", "0.273"]
    assert next(line for line in text.splitlines() if line.strip().startswith("threat")).split()[-1] == "-0.333"
