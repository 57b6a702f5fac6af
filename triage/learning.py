"""The retraining loop: fit the detector's text classifier on the analysts' labels, compare it
with the model at work on the same held-out posts, keep it as a versioned model, and put it to
work (`triage train`, `triage models`, `triage rescore`; docs/learning.md).

Models live under ``<data_dir>/models/<UTC timestamp>-<model id>/`` (a model directory that
``Detector(model=dir)`` loads, its ``triage_model.json`` holding a ``training`` record). The
*active* model is the one whose directory name ``<data_dir>/models/ACTIVE`` holds; with no
pointer the shipped starter model is at work. Tagging asks ``resolve_model`` (via
``triage.tagging.make_tagger``), so ingest, `triage tag`, `triage retag` and the console all use it.

Training examples are exactly the labeled JSONL export's (``triage.export``: same selection,
same ``cats``, same deterministic train/dev split), so a model trained here and an exported set
can be compared line for line. No spaCy is imported until a model is trained or applied.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .config import data_dir
from .evaluation import LabeledExample, Metrics, evaluate, read_labeled
from .indicators import INDICATORS
from .partial_files import partial_path, sweep
from .records import ImportProblem

MODELS = "models"
ACTIVE = "ACTIVE"
STARTER = "starter"  # `triage models activate starter`: back to the shipped model
MIN_DEV_POSITIVES = 5  # fewer positives than this make an indicator's dev ROC-AUC too noisy to judge by
RESCORE_MIN_SHIFT = 0.05  # a rescore keeps the old score of posts that moved more than this (or changed flag)


class LearningError(RuntimeError):
    """An expected problem (nothing to train on, unknown model name): one line for the analyst."""


# ---- where models live, which one is active ----------------------------------------------------

def models_dir() -> Path:
    return data_dir() / MODELS


def _is_model_dir(path: Path) -> bool:
    return (path / "config.cfg").is_file()


def _pointer_name() -> str | None:
    try:
        return (models_dir() / ACTIVE).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def active_model_dir() -> Path | None:
    """The active model's directory, or None when none is set (the shipped starter model is at work).

    A pointer naming a directory that is gone is an error, not a silent fallback: every post
    tagged afterwards would carry another detector than the analysts chose."""
    name = _pointer_name()
    if name is None:
        return None
    path = models_dir() / name
    if not _is_model_dir(path):
        raise LearningError(f"{models_dir() / ACTIVE} names {name!r}, which is not a model directory (deleted?); "
                            "choose another with `triage models activate NAME` (or `starter`)")
    return path


def resolve_model(model: str | None) -> str | None:
    """What a Detector should load for ``model``: "default" means the active model, else the starter."""
    if model == "default":
        active = active_model_dir()
        if active is not None:
            return str(active)
    return model


def set_active(name: str | None) -> Path | None:
    """Point ACTIVE at a saved model (``None`` or ``"starter"``: remove the pointer). Returns its dir."""
    pointer = models_dir() / ACTIVE
    if name is None or name == STARTER:
        pointer.unlink(missing_ok=True)
        return None
    path = find_model(name)
    tmp = pointer.with_name(f".{ACTIVE}.{secrets.token_hex(4)}")
    tmp.write_text(path.name + "\n", encoding="utf-8")
    os.replace(tmp, pointer)  # atomic: a tagger starting meanwhile reads the old name or the new one
    return path


@dataclass
class SavedModel:
    name: str
    path: Path
    model_id: str
    created: str | None
    labels: list[str]
    training: dict  # the "training" record train_model wrote (empty for a model copied in by hand)
    active: bool = False

    @property
    def mean_auc(self) -> float | None:
        return (self.training.get("decision") or {}).get("mean_auc_new")


def list_models() -> list[SavedModel]:
    """Saved models, oldest first (names start with their UTC timestamp)."""
    from .detector.model import read_info

    root = models_dir()
    if not root.is_dir():
        return []
    active = _pointer_name()  # not active_model_dir(): listing must work while the pointer dangles
    out = []
    for path in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and _is_model_dir(p)):
        info = read_info(path)
        out.append(SavedModel(name=path.name, path=path, model_id=info.model_id, created=info.meta.get("created"),
                              labels=info.labels, training=info.meta.get("training") or {},
                              active=path.name == active))
    return out


def find_model(name: str) -> Path:
    """A saved model by directory name, unique prefix of it, or model id."""
    root = models_dir()
    if name and _is_model_dir(root / name) and "/" not in name and not name.startswith("."):
        return root / name
    matches = [m.path for m in list_models() if m.name.startswith(name) or m.model_id == name]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(m.name for m in list_models()) or "none saved yet"
    if not matches:
        raise LearningError(f"no saved model {name!r} (saved: {known})")
    raise LearningError(f"{name!r} names {len(matches)} models; give more of the name")


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
    from .export.split import split

    sp = split(items, text=lambda e: e.text, cats=lambda e: e.cats, dev_fraction=dev_fraction)
    return TrainingSet(train=sp.train, dev=sp.dev, source=source, groups=sp.groups, duplicates=sp.duplicates,
                       dev_fraction=dev_fraction, problems=problems or [])


def store_training_set(store, flt=None, dev_fraction: float = 0.2) -> TrainingSet:
    """The store's labeled posts as the JSONL export would write them (same posts, cats and split)."""
    from .export.prepared import prepare
    from .export.selection import ExportFilter, select

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
    from .export.manifest import sha256_file

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


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _decide(comparison: list[IndicatorComparison]) -> tuple[bool, float | None, float | None, str]:
    judged = [c for c in comparison if c.judged]
    if not judged:
        return False, None, None, (f"no indicator has {MIN_DEV_POSITIVES} positives (and a negative) in dev, "
                                   "so the comparison cannot tell which model is better")
    cur = _mean([c.current.roc_auc for c in judged])
    new = _mean([c.new.roc_auc for c in judged])
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
    from .detector import Detector
    from .detector.model import META_FILE
    from .detector.scoring import DEFAULT_THRESHOLD
    from .detector.train import train_textcat

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
    try:
        stage(f"training on {len(usable):,} examples")
        try:
            # continue from the model in use: labels the analysts did not give keep its coverage
            from .detector.resources import default_model_dir

            in_use = resolve_model("default")
            base = default_model_dir() if in_use == "default" else in_use
            result = train_textcat(usable, tmp, base=base, on_label=on_label)
        except ValueError as exc:  # no label with both classes, ...
            raise LearningError(f"cannot train: {exc}") from None
        stage("loading the current and the new detector")
        current = Detector(threshold=threshold, model=resolve_model("default"))
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


# ---- putting the active model to work ------------------------------------------------------------

@dataclass
class RescoreReport:
    posts: int
    detector_version: str
    previous_versions: dict[str, int]  # detector version -> posts that carried it before (None: "untagged")
    newly_flagged: int
    unflagged: int
    hits_changed: int  # detector hits added + removed (behaviour-change marks, restored by analytics, not counted)
    mean_shift: float | None  # mean of new - old risk score over posts that had a score
    mean_abs_shift: float | None
    recorded: int  # rows written to `rescores` (shift > RESCORE_MIN_SHIFT or flag changed)
    at: float  # the run's timestamp, shared by its `rescores` rows
    seconds: float
    analytics: object | None = None  # triage.analytics.refresh.AnalyticsRefresh
    audit_id: int | None = None

    @property
    def flag_changed(self) -> int:
        return self.newly_flagged + self.unflagged


def _changed(old, new, min_shift: float) -> bool:
    if old.flagged != new.flagged:
        return True
    return old.score is not None and new.score is not None and abs(new.score - old.score) > min_shift


def rescore(store, *, threshold: float | None = None, analyst: str = "", tagger=None,
            min_shift: float = RESCORE_MIN_SHIFT, refresh_analytics: bool = True,
            on_progress: Callable[[int, int], None] | None = None) -> RescoreReport:
    """Retag every post with the active detector (``tagger``: another one), keep what changed.

    Per page of posts: read their state, retag them, read it again; a post whose score moved by
    more than ``min_shift`` or whose flag changed gets a ``rescores`` row with both. The tags and
    those rows are two transactions (Store.write_tags holds its own), so a crash between them
    loses at most one page of rows, never a tag. Then the analytics are refreshed (the retag
    removed the behaviour-change marks) and the run is audited.
    """
    from .store import queries
    from .store import rescore_queries as rq
    from .tagging import BATCH, make_tagger

    started = time.time()
    tagger = tagger or make_tagger(threshold)
    version = tagger.version
    total = queries.stats(store.conn).posts
    at = time.time()
    previous: dict[str, int] = {}
    newly_flagged = unflagged = hits_changed = recorded = done = 0
    shifts: list[float] = []
    last = 0
    while True:
        before = rq.post_states(store.conn, last, BATCH)
        if not before:
            break
        first, last = before[0].id, before[-1].id
        marks = rq.analytics_hits_between(store.conn, first, last)
        hits_changed += tagger.tag_ids(store, [s.id for s in before]).hits_changed - marks
        rows = []
        for old, new in zip(before, rq.post_states_between(store.conn, first, last)):
            previous[old.detector_version or "untagged"] = previous.get(old.detector_version or "untagged", 0) + 1
            newly_flagged += new.flagged and not old.flagged
            unflagged += old.flagged and not new.flagged
            if old.score is not None:
                shifts.append(new.score - old.score)
            if _changed(old, new, min_shift):
                rows.append(rq.RescoreRow(old.id, at, old.score, new.score, old.flagged, new.flagged,
                                          old.detector_version, version))
        recorded += rq.record_rescores(store, rows)
        done += len(before)
        if on_progress:
            on_progress(done, total)
    report = RescoreReport(
        posts=done, detector_version=version, previous_versions=previous, newly_flagged=int(newly_flagged),
        unflagged=int(unflagged), hits_changed=hits_changed, mean_shift=_mean(shifts),
        mean_abs_shift=_mean([abs(s) for s in shifts]), recorded=recorded, at=at, seconds=0.0)
    if refresh_analytics:
        from .analytics.refresh import refresh_analytics as refresh

        report.analytics = refresh(store)
    report.seconds = time.time() - started
    report.audit_id = store.log(analyst, "rescore", version, {
        "posts": report.posts, "previous_detectors": previous, "newly_flagged": report.newly_flagged,
        "unflagged": report.unflagged, "hits_changed": hits_changed, "mean_shift": report.mean_shift,
        "recorded": recorded, "min_shift": min_shift, "at": at,
        "analytics": report.analytics.as_detail() if report.analytics is not None else None,
    })
    return report


__all__ = [
    "ACTIVE", "MIN_DEV_POSITIVES", "RESCORE_MIN_SHIFT", "STARTER", "IndicatorComparison",
    "LearningError", "RescoreReport", "SavedModel", "TrainReport", "TrainingSet", "active_model_dir",
    "file_training_set", "find_model", "list_models", "models_dir", "rescore", "resolve_model", "set_active",
    "store_training_set", "train_model",
]
