"""Cohen's and Fleiss' κ (triage.agreement) against textbook examples computed by hand."""

from __future__ import annotations

from collections import Counter

import pytest

from triage.agreement import agreement_report, cohen_kappa, fleiss_kappa

# Fleiss (1971)'s worked example as Wikipedia gives it ("Fleiss' kappa", worked example):
# 10 subjects, 14 raters each, 5 categories.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]
CATS = ["1", "2", "3", "4", "5"]


def _items(table):
    return [{c: n for c, n in zip(CATS, row) if n} for row in table]


def test_fleiss_1971_worked_example():
    f = fleiss_kappa(_items(FLEISS_TABLE), CATS)
    # column sums 20, 28, 39, 21, 32 of 140 ratings
    assert [round(f.shares[c], 3) for c in CATS] == [0.143, 0.200, 0.279, 0.150, 0.229]
    assert f.items == 10 and f.ratings == 140 and f.mean_raters == 14
    assert f.observed == pytest.approx(0.378, abs=5e-4)  # P̄ = mean of the P_i (1.000, 0.253, …)
    assert f.expected == pytest.approx(4170 / 19600)  # Σ p_j² = (20² + 28² + 39² + 21² + 32²) / 140²
    assert f.kappa == pytest.approx(0.210, abs=5e-4)


def test_fleiss_per_category_is_the_category_against_the_rest():
    f = fleiss_kappa(_items(FLEISS_TABLE), CATS)
    # Category 1 by hand: D_1 = Σ x(14 − x)/14 over the rows with x = 2, 7, 3, 2, 6
    d1 = (2 * 12 + 7 * 7 + 3 * 11 + 2 * 12 + 6 * 8) / 14
    p1 = 20 / 140
    assert f.by_category["1"] == pytest.approx(1 - d1 / (10 * 13 * p1 * (1 - p1)))
    # and collapsing to "1" or not by hand gives the same κ as a two-category table
    binary = [{"1": row[0], "rest": 14 - row[0]} for row in FLEISS_TABLE]
    assert fleiss_kappa(binary, ["1", "rest"]).kappa == pytest.approx(f.by_category["1"])


def test_fleiss_with_a_varying_number_of_raters():
    # Post 1: a a b (m=3); post 2: a a (m=2); post 3: b b b a (m=4). N=3, 9 ratings, m̄ = 3.
    # p_a = 5/9, p_b = 4/9; D_a = D_b = 2·1/3 + 0 + 1·3/4 = 17/12; N(m̄ − 1) = 6.
    # κ = 1 − (34/12) / (6 · 2 · (5/9)(4/9)) = 1 − 1377/1440 = 63/1440
    f = fleiss_kappa([{"a": 2, "b": 1}, {"a": 2}, {"b": 3, "a": 1}], ["a", "b"])
    assert f.kappa == pytest.approx(63 / 1440)
    assert f.by_category["a"] == pytest.approx(63 / 1440) and f.by_category["b"] == pytest.approx(63 / 1440)
    assert f.mean_raters == 3


def test_fleiss_with_equal_raters_is_fleiss_1971_pbar_form():
    items = [{"x": 2, "y": 1}, {"x": 3}, {"y": 2, "x": 1}, {"y": 3}]
    f = fleiss_kappa(items, ["x", "y"])
    p_i = [(sum(n * n for n in c.values()) - 3) / 6 for c in items]
    p_bar = sum(p_i) / 4
    p_e = (6 / 12) ** 2 + (6 / 12) ** 2
    assert f.observed == pytest.approx(p_bar) and f.expected == pytest.approx(p_e)
    assert f.kappa == pytest.approx((p_bar - p_e) / (1 - p_e))


def test_cohen_textbook_two_by_two():
    # Wikipedia "Cohen's kappa": 50 proposals, both yes 20, A yes B no 5, A no B yes 10, both no 15.
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    n, observed, expected, kappa = cohen_kappa(pairs)
    assert (n, observed, expected) == (50, pytest.approx(0.7), pytest.approx(0.5))
    assert kappa == pytest.approx(0.4)


def test_kappa_is_undefined_when_everyone_uses_one_category():
    assert cohen_kappa([("benign", "benign")] * 3)[3] is None
    assert fleiss_kappa([{"benign": 2}, {"benign": 3}]).kappa is None
    assert cohen_kappa([]) == (0, 0.0, 0.0, None)


def test_report_pairs_use_only_the_posts_both_labeled():
    dispositions = {
        1: {"ann": "escalate", "bob": "escalate", "cy": "benign"},
        2: {"ann": "benign", "bob": "escalate"},
        3: {"bob": "monitor", "cy": "monitor"},
        4: {"ann": "benign"},  # one analyst: not rated twice, left out
    }
    report = agreement_report(dispositions, {"threat": {1: {"ann": 1, "bob": 0}, 2: {"ann": 1}}})
    assert report.posts == 3 and report.analysts == ["ann", "bob", "cy"]
    pairs = {(p.first, p.second): p for p in report.pairs}
    ab = pairs[("ann", "bob")]
    # ann/bob on posts 1 and 2: (escalate, escalate), (benign, escalate): p_o = 1/2,
    # p_e = (1/2 · 2/2) [escalate] + (1/2 · 0) [benign] = 1/2, κ = 0
    assert (ab.n, ab.observed, ab.expected, ab.kappa) == (2, 0.5, 0.5, 0.0)
    assert pairs[("bob", "cy")].n == 2 and pairs[("ann", "cy")].n == 1
    assert list(report.indicators) == ["threat"]  # post 2's single verdict is no rating pair
    assert report.indicators["threat"].items == 1
    assert report.dispositions.ratings == 7
    assert Counter(report.dispositions.shares) == Counter({"escalate": 3 / 7, "benign": 2 / 7, "monitor": 2 / 7})
