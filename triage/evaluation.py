"""Measuring the detector on labeled data: ranking and threshold metrics, and the labeled-JSONL reader.

Pure Python + numpy (no spaCy). The labeled JSONL interchange format is one object a line::

    {"id": "...", "text": "...", "cats": {"threat": 1, "radicalization": 0}, "meta": {...}}

``cats`` holds only the indicators the source labels: an absent indicator is unknown, not 0.
Other keys are ignored. A line that cannot be used is reported as ``file:line: reason``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from typing import Iterable, Iterator, Sequence

import numpy as np

from .records import ImportProblem  # the same file:line: reason report as the importers


@dataclass
class LabeledExample:
    id: str | int
    text: str
    cats: dict[str, int]
    line: int


@dataclass
class Metrics:
    n: int
    positives: int
    roc_auc: float | None  # None when only one class is present
    average_precision: float | None
    precision: float
    recall: float
    f1: float
    threshold: float
    flagged: int = 0  # examples at or above the threshold (the false-positive count on an all-negative file)

    def as_dict(self) -> dict:
        return asdict(self)


def _label(value) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return int(value.strip())
    return None


def iter_labeled(path: str | os.PathLike[str], problems: list[ImportProblem] | None = None,
                 require_cats: bool = True) -> Iterator[LabeledExample]:
    """Yield the usable lines of a labeled JSONL file; append a Problem for each line that is not.

    Blank lines are skipped silently. ``require_cats=False`` accepts lines without ``cats``
    (for scoring unlabeled posts)."""
    name = str(path)
    fh = open(path, encoding="utf-8", errors="replace") if name != "-" else __import__("sys").stdin
    try:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue

            def bad(reason: str, lineno: int = lineno) -> None:
                if problems is not None:
                    problems.append(ImportProblem(name, lineno, reason))

            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                bad(f"not JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(obj, dict):
                bad("not a JSON object")
                continue
            text = obj.get("text")
            if not isinstance(text, str):
                bad("no \"text\" string")
                continue
            raw_cats = obj.get("cats")
            cats: dict[str, int] = {}
            if raw_cats is None:
                if require_cats:
                    bad("no \"cats\" object")
                    continue
            elif not isinstance(raw_cats, dict):
                bad("\"cats\" is not an object")
                continue
            else:
                wrong = None
                for k, v in raw_cats.items():
                    lab = _label(v)
                    if lab is None:
                        wrong = f"cats.{k} is {v!r}, expected 0 or 1"
                        break
                    cats[str(k)] = lab
                if wrong:
                    bad(wrong)
                    continue
            ex_id = obj.get("id")
            if ex_id is None or isinstance(ex_id, (dict, list)):
                ex_id = lineno
            yield LabeledExample(id=ex_id, text=text, cats=cats, line=lineno)
    finally:
        if fh is not __import__("sys").stdin:
            fh.close()


def read_labeled(path: str | os.PathLike[str], require_cats: bool = True) -> tuple[list[LabeledExample], list[ImportProblem]]:
    problems: list[ImportProblem] = []
    examples = list(iter_labeled(path, problems, require_cats=require_cats))
    return examples, problems


# ------------------------------------------------------------------ metrics


def mean_or_none(values: Sequence[float]) -> float | None:
    """The mean, or None for no values (a report shows "n/a" rather than a made-up 0)."""
    return sum(values) / len(values) if values else None


def roc_auc(labels: Sequence[int], scores: Sequence[float]) -> float | None:
    """Area under the ROC curve (Mann-Whitney U with average ranks, so ties count one half)."""
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=float)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(s, kind="mergesort")
    s_sorted = s[order]
    ranks = np.empty(len(s), dtype=float)
    # average rank of each run of equal scores (1-based)
    boundaries = np.flatnonzero(np.diff(s_sorted)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [len(s)]))
    avg = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(avg, ends - starts)
    u = ranks[y].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def average_precision(labels: Sequence[int], scores: Sequence[float]) -> float | None:
    """Average precision: sum over distinct score thresholds of (R_k - R_{k-1}) * P_k (as scikit-learn)."""
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=float)
    n_pos = int(y.sum())
    if n_pos == 0:
        return None
    order = np.argsort(-s, kind="mergesort")
    s_sorted = s[order]
    y_sorted = y[order]
    tp = np.cumsum(y_sorted)
    fp = np.cumsum(~y_sorted)
    # evaluate only at the last position of each run of equal scores (a threshold admits ties together)
    last = np.concatenate((np.flatnonzero(np.diff(s_sorted)), [len(s) - 1]))
    tp, fp = tp[last], fp[last]
    precision = tp / (tp + fp)
    recall = tp / n_pos
    prev_recall = np.concatenate(([0.0], recall[:-1]))
    return float(np.sum((recall - prev_recall) * precision))


def precision_recall_f1(labels: Sequence[int], scores: Sequence[float], threshold: float) -> tuple[float, float, float]:
    """At ``score >= threshold``; an undefined ratio (nothing flagged, no positives) is 0."""
    y = np.asarray(labels, dtype=bool)
    flagged = np.asarray(scores, dtype=float) >= threshold
    tp = int(np.sum(flagged & y))
    fp = int(np.sum(flagged & ~y))
    fn = int(np.sum(~flagged & y))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def metrics(labels: Sequence[int], scores: Sequence[float], threshold: float) -> Metrics:
    p, r, f = precision_recall_f1(labels, scores, threshold)
    return Metrics(n=len(labels), positives=int(sum(1 for v in labels if v)), roc_auc=roc_auc(labels, scores),
                   average_precision=average_precision(labels, scores), precision=p, recall=r, f1=f,
                   threshold=threshold, flagged=int(np.sum(np.asarray(scores, dtype=float) >= threshold)))


def evaluate(examples: Sequence[LabeledExample], scores: Iterable[dict[str, float]], threshold: float,
             indicators: Iterable[str] | None = None) -> dict[str, Metrics]:
    """Metrics per indicator that the examples label (only over the examples that label it)."""
    score_list = list(scores)
    if len(score_list) != len(examples):
        raise ValueError("one score dict per example is needed")
    wanted = list(indicators) if indicators is not None else None
    present: list[str] = []
    for ex in examples:
        for k in ex.cats:
            if k not in present:
                present.append(k)
    if wanted is not None:
        present = [k for k in wanted if k in present]
    out: dict[str, Metrics] = {}
    for ind in present:
        ys, ss = [], []
        for ex, sc in zip(examples, score_list):
            if ind in ex.cats and ind in sc:
                ys.append(ex.cats[ind])
                ss.append(sc[ind])
        if ys:
            out[ind] = metrics(ys, ss, threshold)
    return out


def format_table(results: dict[str, Metrics]) -> str:
    head = f"{'indicator':<22} {'n':>7} {'pos':>6} {'ROC-AUC':>8} {'AP':>6} {'P':>6} {'R':>6} {'F1':>6} {'flagged':>8}"
    lines = [head, "-" * len(head)]

    def f(x):
        return "   n/a" if x is None else f"{x:6.3f}"

    for ind, m in results.items():
        auc = "     n/a" if m.roc_auc is None else f"{m.roc_auc:8.3f}"
        lines.append(f"{ind:<22} {m.n:>7} {m.positives:>6} {auc} {f(m.average_precision)} "
                     f"{f(m.precision)} {f(m.recall)} {f(m.f1)} {m.flagged:>8}")
    return "\n".join(lines)
