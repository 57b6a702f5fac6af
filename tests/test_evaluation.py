"""Metrics and the labeled-JSONL reader, checked against hand-computed values."""

from __future__ import annotations

import json

import pytest

from triage.evaluation import average_precision, evaluate, metrics, precision_recall_f1, read_labeled, roc_auc


def brute_auc(labels, scores):
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    total = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return total / (len(pos) * len(neg))


@pytest.mark.parametrize("labels,scores", [
    ([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]),
    ([1, 0, 1, 0, 1, 0], [0.5, 0.5, 0.5, 0.1, 0.9, 0.9]),  # ties across classes
    ([0, 1, 0, 1, 0, 0, 1], [0.0, 0.0, 0.0, 0.0, 0.2, 0.2, 0.2]),  # many zeros (rules that did not fire)
])
def test_roc_auc_matches_pairwise_count_with_ties(labels, scores):
    assert roc_auc(labels, scores) == pytest.approx(brute_auc(labels, scores))


def test_roc_auc_edge_cases():
    assert roc_auc([1, 1], [0.2, 0.3]) is None
    assert roc_auc([0, 1], [0.5, 0.5]) == 0.5
    assert roc_auc([0, 1], [0.1, 0.9]) == 1.0


def test_average_precision():
    # ranked: 0.9(+) 0.8(-) 0.7(+) 0.1(-): AP = 1/2*1 + 1/2*2/3
    assert average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == pytest.approx(0.5 + (2 / 3) / 2)
    # a tie between a positive and a negative counts as one threshold: AP = precision 1/2 at recall 1
    assert average_precision([1, 0], [0.5, 0.5]) == pytest.approx(0.5)
    assert average_precision([0, 0], [0.1, 0.2]) is None


def test_precision_recall_f1_at_threshold():
    p, r, f = precision_recall_f1([1, 1, 0, 0, 1], [0.9, 0.4, 0.6, 0.1, 0.5], 0.5)
    assert (p, r) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert f == pytest.approx(2 / 3)
    assert precision_recall_f1([0, 0], [0.1, 0.2], 0.5) == (0.0, 0.0, 0.0)
    m = metrics([0, 0, 0], [0.6, 0.1, 0.7], 0.5)
    assert m.flagged == 2 and m.positives == 0 and m.roc_auc is None


def test_reader_reports_bad_lines_as_file_line_reason(tmp_path):
    path = tmp_path / "labels.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "hello", "cats": {"threat": 0}, "meta": {"x": 1}}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "b", "cats": {"threat": 1}}),
        json.dumps({"id": "c", "text": "x", "cats": {"threat": 2}}),
        "",
        json.dumps({"text": "no id", "cats": {"target": True}}),
        json.dumps({"id": "d", "text": "x", "cats": "threat"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    examples, problems = read_labeled(path)
    assert [e.id for e in examples] == ["a", 7]
    assert examples[1].cats == {"target": 1}
    reasons = [str(p) for p in problems]
    assert reasons[0].startswith(f"{path}:2: not JSON")
    assert [p.line for p in problems] == [2, 3, 4, 5, 8]
    assert "expected 0 or 1" in reasons[3]


def test_evaluate_uses_only_examples_that_label_the_indicator(tmp_path):
    from triage.evaluation import LabeledExample

    exs = [LabeledExample(1, "a", {"threat": 1}, 1), LabeledExample(2, "b", {"threat": 0, "target": 1}, 2),
           LabeledExample(3, "c", {"target": 0}, 3)]
    scores = [{"threat": 0.9, "target": 0.0}, {"threat": 0.2, "target": 0.8}, {"threat": 0.99, "target": 0.1}]
    res = evaluate(exs, scores, 0.5)
    assert res["threat"].n == 2 and res["threat"].roc_auc == 1.0
    assert res["target"].n == 2 and res["target"].positives == 1
