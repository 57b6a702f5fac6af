"""Training: fit the detector's text classifier on the analysts' labels, compare it with the
model at work on the same held-out posts, and save it in the model registry (`triage train`).

Training examples are exactly the labeled JSONL export's (``triage.export``: same selection,
same ``cats``, same deterministic train/dev split), so a model trained here and an exported set
can be compared line for line. Training continues from the active model
(``triage.detector.registry``) and is compared with it. No spaCy is imported until a model is
trained.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence, cast

from ..detector.registry import ACTIVE_MODEL, LearningError, model_dir, models_dir, set_active
from ..evaluation import LabeledExample, Metrics, evaluate, mean_or_none, read_labeled
from ..indicators import INDICATORS
from ..partial_files import partial_path, sweep
from ..records import ImportProblem

MIN_DEV_POSITIVES = 5  # fewer positives than this make an indicator's dev ROC-AUC too noisy to judge by


# ---- what to train on --------------------------------------------------------------------------

@dataclass
class TrainingSet:
    """Labeled examples split into train and dev, and where they came from."""

    train: list[LabeledExample]
    dev: list[LabeledExample]
    source: dict  # {"kind": "store", ...} or {"kind": "files", ...}: goes into the model's record
    groups: int = 0
    duplicates: int = 0
    dev_fraction: float = 0.2
    problems: list[ImportProblem] = field(default_factory=list)  # unusable lines of input files

    @property
    def examples(self) -> int:
        return len(self.train) + len(self.dev)


def _split(items: list[LabeledExample], dev_fraction: float, source: dict,
           problems: list[ImportProblem] | None = None) -> TrainingSet:
    from ..export.split import split

    sp = split(items, text=lambda e: e.text, cats=lambda e: e.cats, dev_fraction=dev_fraction)
    return TrainingSet(train=sp.train, dev=sp.dev, source=source, groups=sp.groups, duplicates=sp.duplicates,
                       dev_fraction=dev_fraction, problems=problems or [])


def store_training_set(store, flt=None, dev_fraction: float = 0.2) -> TrainingSet:
    """The store's labeled posts as the JSONL export would write them (same posts, cats and split)."""
    from ..export.prepared import prepare
    from ..export.selection import ExportFilter, select

    flt = flt or ExportFilter()
    # The export splits prepared posts on the stored text; a LabeledExample per post keeps that order
    # and text, so the split (a function of texts and cats only) comes out the same.
    prepared = prepare(select(store, flt))
    items = [LabeledExample(id=p.ref, text=p.post.text, cats=dict(p.cats), line=n)
             for n, p in enumerate(prepared, 1)]
    return _split(items, dev_fraction, {"kind": "store", "db": str(store.path), "filter": flt.as_dict()})


def file_training_set(paths: Sequence[str | os.PathLike], dev_fraction: float = 0.2) -> TrainingSet:
    """Labeled JSONL files (interchange format), split by the export's split function over their texts.

    An export's train.jsonl and dev.jsonl given together split back into the same two sets."""
    from ..export.manifest import sha256_file

    items: list[LabeledExample] = []
    problems: list[ImportProblem] = []
    files = []
    for path in paths:
        examples, bad = read_labeled(path)
        items += examples
        problems += bad
        files.append({"path": str(Path(path).resolve()), "sha256": sha256_file(Path(path)), "rows": len(examples)})
    return _split(items, dev_fraction, {"kind": "files", "files": files}, problems)


# ---- training and the comparison -------------------------------------------------------------

@dataclass
class IndicatorComparison:
    indicator: str
    n: int
    positives: int
    current: Metrics
    new: Metrics

    def as_dict(self) -> dict:
        return {"n": self.n, "positives": self.positives, "current": self.current.as_dict(), "new": self.new.as_dict()}

    @property
    def judged(self) -> bool:
        """Counts towards the activation decision."""
        return (self.positives >= MIN_DEV_POSITIVES and self.current.roc_auc is not None
                and self.new.roc_auc is not None)


@dataclass
class TrainReport:
    model_name: str
    model_dir: Path
    model_id: str
    labels: list[str]
    source: dict
    examples: int  # labeled posts (or lines), as the export counts them
    train: int
    dev: int
    trained_on: int  # train examples with at least one indicator label (the others teach nothing)
    continued_from: str | None  # the model id training started from (the active model), if any
    fitted: list[str]  # labels these examples refitted (the model's other labels kept their weights)
    train_seconds: float
    seconds: float  # the whole run: training, scoring dev twice, saving
    threshold: float
    current_detector: str
    new_detector: str
    current_labels: list[str]  # what the current model scores (empty: rules only)
    comparison: list[IndicatorComparison]
    mean_auc_current: float | None
    mean_auc_new: float | None
    recommend: bool  # what the rule says (new mean ROC-AUC not worse)
    reason: str
    activated: bool
    audit_id: int | None = None

    @property
    def judged_on(self) -> list[str]:
        return [c.indicator for c in self.comparison if c.judged]

    @property
    def dropped_labels(self) -> list[str]:
        """Labels the current model scores and the new one does not: only rules score them after a switch."""
        return [lab for lab in self.current_labels if lab not in self.labels]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["model_dir"] = str(self.model_dir)
        data["judged_on"] = self.judged_on
        data["dropped_labels"] = self.dropped_labels
        data["comparison"] = {c.indicator: c.as_dict() for c in self.comparison}
        return data


def _decide(comparison: list[IndicatorComparison]) -> tuple[bool, float | None, float | None, str]:
    judged = [c for c in comparison if c.judged]
    if not judged:
        return False, None, None, (f"no indicator has {MIN_DEV_POSITIVES} positives (and a negative) in dev, "
                                   "so the comparison cannot tell which model is better")
    # judged: both models have a ROC-AUC, and there is at least one such indicator
    cur = mean_or_none([cast(float, c.current.roc_auc) for c in judged])
    new = mean_or_none([cast(float, c.new.roc_auc) for c in judged])
    assert cur is not None and new is not None
    names = ", ".join(c.indicator for c in judged)
    # Rounded: a tie that differs in the 12th decimal is a tie ("not worse").
    if round(new, 6) >= round(cur, 6):
        return True, cur, new, f"mean dev ROC-AUC over {names} is not worse ({new:.3f} vs {cur:.3f})"
    return False, cur, new, f"mean dev ROC-AUC over {names} is worse ({new:.3f} vs {cur:.3f})"


def _dev_scores(detector, dev: list[LabeledExample]) -> list[dict[str, float]]:
    return [a.scores for a in detector.analyze_many(e.text for e in dev)]


def _compare(dev: list[LabeledExample], current, new, threshold: float) -> list[IndicatorComparison]:
    # Both measured by triage.evaluation.evaluate, as `triage eval` does, so `triage eval dev.jsonl
    # --model <new model>` prints the same numbers for the new model.
    cur = evaluate(dev, _dev_scores(current, dev), threshold)
    nxt = evaluate(dev, _dev_scores(new, dev), threshold)
    return [IndicatorComparison(i, nxt[i].n, nxt[i].positives, cur[i], nxt[i]) for i in INDICATORS if i in nxt]


def _free_name(root: Path, name: str) -> Path:
    path, n = root / name, 2
    while path.exists():  # the same data trained twice within a second
        path, n = root / f"{name}-{n}", n + 1
    return path


def train_model(training: TrainingSet, *, threshold: float | None = None,
                activate: bool | None = None, store=None, analyst: str = "",
                on_label: Callable[[int, int, str], None] | None = None,
                on_stage: Callable[[str], None] | None = None, seed: int = 0) -> TrainReport:
    """Train on ``training.train``, compare with the current detector on ``training.dev``, save.

    ``activate``: True / False, or None to follow the rule (activate when the new model's mean
    dev ROC-AUC over indicators with >= MIN_DEV_POSITIVES positives is not worse). ``store``:
    where the audit entry goes (None: no entry, e.g. training from files with no store).
    """
    from ..detector import Detector
    from ..detector.model import META_FILE
    from ..detector.scoring import DEFAULT_THRESHOLD
    from ..detector.train import train_textcat

    started = time.time()
    stage = on_stage or (lambda _s: None)
    threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    usable = [{"text": e.text, "cats": e.cats} for e in training.train if e.cats]
    if not usable:
        raise LearningError("nothing to train on: no labeled example with an indicator label in the train split")
    root = models_dir()
    root.mkdir(parents=True, exist_ok=True)
    # Trained under a hidden name and renamed when complete: a half-written model never looks saved.
    sweep(root)  # what a killed training left behind
    tmp = partial_path(root, "training")
    in_use = model_dir(ACTIVE_MODEL)  # read once: the base, and the model the new one is compared with
    try:
        stage(f"training on {len(usable):,} examples")
        try:
            # continue from the model in use: labels the analysts did not give keep its coverage
            result = train_textcat(usable, tmp, base=in_use, on_label=on_label)
        except ValueError as exc:  # no label with both classes, ...
            raise LearningError(f"cannot train: {exc}") from None
        stage("loading the current and the new detector")
        current = Detector(threshold=threshold, model=str(in_use) if in_use is not None else None)
        new = Detector(threshold=threshold, model=str(tmp))
        stage(f"scoring {len(training.dev):,} dev examples with both")
        comparison = _compare(training.dev, current, new, threshold)
        recommend, cur_mean, new_mean, reason = _decide(comparison)
        activated = recommend if activate is None else bool(activate)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        final = _free_name(root, f"{stamp}-{result.model_id}")
        record = {
            "source": training.source, "examples": training.examples, "train": len(training.train),
            "dev": len(training.dev), "trained_on": len(usable), "dev_fraction": training.dev_fraction,
            "split": {"method": "triage.export.split (the labeled export's)", "groups": training.groups,
                      "duplicates": training.duplicates},
            "threshold": threshold, "current_detector": current.version, "new_detector": new.version,
            "dev_metrics": {c.indicator: c.as_dict() for c in comparison},
            "decision": {"rule": f"activate when mean dev ROC-AUC over indicators with >= {MIN_DEV_POSITIVES} "
                                 "positives is not worse", "recommend": recommend, "reason": reason,
                         "mean_auc_current": cur_mean, "mean_auc_new": new_mean},
        }
        meta_path = tmp / META_FILE
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["training"] = record
        # triage_model.json is not part of the weights digest, so the model id stays valid.
        meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if activated:
        set_active(final.name)
    report = TrainReport(
        model_name=final.name, model_dir=final, model_id=result.model_id, labels=result.labels,
        source=training.source, examples=training.examples, train=len(training.train), dev=len(training.dev),
        trained_on=len(usable), continued_from=result.continued_from, fitted=result.fitted,
        train_seconds=result.seconds,
        seconds=time.time() - started, threshold=threshold, current_detector=current.version,
        new_detector=new.version, current_labels=list(current.model_info.labels) if current.model_info else [],
        comparison=comparison, mean_auc_current=cur_mean, mean_auc_new=new_mean,
        recommend=recommend, reason=reason, activated=activated,
    )
    if store is not None:
        report.audit_id = store.log(analyst, "train", final.name, {
            "model_id": result.model_id, "labels": result.labels, "source": training.source.get("kind"),
            "examples": training.examples, "train": report.train, "dev": report.dev, "trained_on": len(usable),
            "new_detector": new.version, "current_detector": current.version,
            "dev_roc_auc": {c.indicator: [c.current.roc_auc, c.new.roc_auc] for c in comparison},
            "mean_auc": [cur_mean, new_mean], "activated": activated, "reason": reason,
        })
    return report
