#!/usr/bin/env python3
"""Cross-corpus evaluation of the detector (`make eval`): for each development corpus, train the
model on the other corpora and score that one, so every figure is on text the model never saw.

    python scripts/cross_corpus_eval.py [--devdata DIR] [--json OUT] [--only NAME ...]

Needs the development data (default ../shared/devdata beside the repository; not shipped).
Trains only on the sources a shipped model may use (scripts/train_starter_model.SOURCES), with
the same recipe as the starter model. Dreaddit is never trained on: its row is scored by a model
trained on every allowed source, like the shipped one. Prints, per corpus and indicator:
ROC-AUC and average precision of rules alone and of rules + the fold's model, and the share of
all-negative posts flagged (false positives) on the plain set.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_starter_model import BLEND, LABELS, SOURCES, training_rows  # noqa: E402

from triage.evaluation import evaluate, read_labeled  # noqa: E402

CORPORA = ["implicit_hate", "edos_threat", "jigsaw_threat", "hatexplain_target", "mlma_target",
           "dreaddit_distress", "davidson_plain"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devdata", default=str(ROOT.parent / "shared" / "devdata"))
    ap.add_argument("--json", dest="json_out")
    ap.add_argument("--only", nargs="*", help="corpora to score (default: all)")
    ap.add_argument("--models", help="keep each fold's model in this directory and reuse it on the next run "
                                     "(for iterating on the rules; delete it after changing the model or its data)")
    args = ap.parse_args()
    devdata = Path(args.devdata)
    if not devdata.is_dir():
        print(f"{devdata}: development data not found (set DEVDATA=DIR)", file=sys.stderr)
        return 2
    from triage.detector import Detector
    from triage.detector.train import train_textcat

    rules = Detector(model=None)
    results = []
    started = time.time()
    for name in args.only or CORPORA:
        path = devdata / f"{name}.jsonl"
        if not path.is_file():
            print(f"{path}: missing, skipped", file=sys.stderr)
            continue
        examples, problems = read_labeled(path)
        train_files = [f for f in SOURCES if f != f"{name}.jsonl"]
        with tempfile.TemporaryDirectory() as tmp:
            fold_dir = Path(args.models) / f"without-{name}" if args.models else Path(tmp)
            if not (fold_dir / "config.cfg").is_file():
                train_textcat(training_rows(devdata, train_files), fold_dir, labels=LABELS, blend=BLEND)
            fold = Detector(model=str(fold_dir))
            texts = [e.text for e in examples]
            both = list(fold.analyze_many(texts))
            alone = list(rules.analyze_many(texts))
        indicators = sorted({k for e in examples for k in e.cats})
        for ind in indicators:
            row = {"corpus": name, "indicator": ind, "trained_on": [f[:-6] for f in train_files]}
            for key, analyses in (("rules", alone), ("rules_model", both)):
                m = evaluate(examples, [a.scores for a in analyses], fold.threshold, [ind])[ind]
                row[key] = {"roc_auc": m.roc_auc, "ap": m.average_precision, "n": m.n,
                            "positives": m.positives, "flagged": m.flagged,
                            "precision": m.precision, "recall": m.recall}
            results.append(row)
            print(_line(row), flush=True)
    print(f"({time.time() - started:.0f} s)")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def _fmt(x):
    return "  n/a" if x is None else f"{x:.3f}"


def _line(row) -> str:
    r, b = row["rules"], row["rules_model"]
    if not b["positives"]:
        return (f"{row['corpus']:<18} {row['indicator']:<15} n={b['n']:<6} all negative: flagged "
                f"{100 * r['flagged'] / max(b['n'], 1):.1f} % rules, {100 * b['flagged'] / max(b['n'], 1):.1f} % rules+model")
    return (f"{row['corpus']:<18} {row['indicator']:<15} n={b['n']:<6} pos={b['positives']:<5} "
            f"rules AUC {_fmt(r['roc_auc'])} AP {_fmt(r['ap'])} | rules+model AUC {_fmt(b['roc_auc'])} "
            f"AP {_fmt(b['ap'])} P {b['precision']:.2f} R {b['recall']:.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
