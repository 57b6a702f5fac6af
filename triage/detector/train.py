"""Train the detector's text classifier (spaCy ``textcat_multilabel``) on labeled examples.

Used by ``scripts/train_starter_model.py`` (the shipped starter model) and meant for an in-tool
``triage train`` on the analysts' labels::

    from triage.detector.train import train_textcat
    result = train_textcat(examples, "models/mine")        # examples: {"text": ..., "cats": {...}}
    Detector(model="models/mine")

An indicator absent from an example's ``cats`` is *unknown*, not 0: spaCy's textcat_multilabel
masks missing labels out of the loss, so a file that labels only ``target`` teaches nothing about
``threat``.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, cast

from ..indicators import TEXT_INDICATORS
from .model import META_FILE, PIPE_NAME, weights_digest
from .scoring import DEFAULT_BLEND

if TYPE_CHECKING:
    from spacy.pipeline.textcat import TextCategorizer

ARCHITECTURE = "triage.TextCatBOW.v2"
DEFAULT_C = 1.0  # chosen by the cross-corpus evaluation (make eval), the same for every label


@dataclass
class TrainResult:
    out_dir: Path
    model_id: str
    labels: list[str]
    n_train: int
    fitted: list[str] = field(default_factory=list)  # labels whose weights these examples set
    seconds: float = 0.0
    continued_from: str | None = None  # the model id training started from, if any


def split_of(example_id: str, heldout_percent: int = 20) -> str:
    """Deterministic split by hash of the id: "heldout" for about heldout_percent % of ids, else "train"."""
    h = int(hashlib.sha1(str(example_id).encode("utf-8")).hexdigest()[:8], 16)
    return "heldout" if h % 100 < heldout_percent else "train"


def _clean_cats(cats: Mapping, labels: set[str] | None) -> dict[str, float]:
    out = {}
    for k, v in (cats or {}).items():
        if labels is not None and k not in labels:
            continue
        if v is None:
            continue
        out[k] = 1.0 if float(v) >= 0.5 else 0.0
    return out


def train_textcat(
    examples: Iterable[Mapping],
    out_dir: str | Path,
    *,
    labels: Iterable[str] | None = None,
    regularization: float = DEFAULT_C,
    ngram_size: int = 2,
    length: int = 2**18,
    blend: Mapping[str, float] | None = None,
    meta: Mapping | None = None,
    on_label: Callable[[int, int, str], None] | None = None,
    base: str | Path | None = None,
    balance: bool = True,
    lexicon: str = "",
) -> TrainResult:
    """Fit a textcat_multilabel model and save it to ``out_dir`` (a model directory for Detector).

    ``examples``: mappings with ``text`` and ``cats`` ({indicator: 0|1}; absent = unknown).
    ``labels``: indicators to learn (default: every text indicator that has both a positive and
    a negative example). ``regularization``: the inverse L2 strength C of the logistic regression
    (smaller = simpler model). ``blend``: per-label weight of the model next to the rules
    (scoring.blend), saved in triage_model.json. ``on_label(done, total, label)`` reports progress.

    ``base``: a model directory to continue from (``triage train`` passes the active model). Its
    labels stay in the model: a label these examples do not carry keeps its weights, and what it
    detects. A label they do carry is refitted with the base model's score as one more input, so
    the fit learns how far to trust the base and corrects it from the new examples, rather than
    forgetting it. A base of the older v1 architecture cannot be continued: training then starts
    afresh and ``TrainResult.continued_from`` stays None.

    ``balance``: weigh each label's positives and negatives so that both classes count equally
    (threat positives are 2-3 % of real posts; unweighted, the model learns to say "no").
    """
    import numpy
    import spacy
    from spacy.training import Example

    from . import ml  # noqa: F401  (registers the architectures)
    from .fit import design_matrix, fit_label, layers_of
    from .model import load_pipeline, read_info

    started = time.time()
    rows = [(str(e["text"]), dict(e.get("cats") or {})) for e in examples if e.get("text")]
    wanted = set(labels) if labels is not None else None
    if wanted is None:
        pos: dict[str, int] = {}
        neg: dict[str, int] = {}
        for _t, cats in rows:
            for k, v in cats.items():
                if k in TEXT_INDICATORS and v is not None:
                    (pos if float(v) >= 0.5 else neg)[k] = (pos if float(v) >= 0.5 else neg).get(k, 0) + 1
        wanted = {k for k in TEXT_INDICATORS if pos.get(k) and neg.get(k)}
    rows = [(t, _clean_cats(c, wanted)) for t, c in rows]
    rows = [(t, c) for t, c in rows if c]
    if not rows or not wanted:
        raise ValueError("no example carries any of the labels")

    continued_from = None
    base_info = read_info(Path(base)) if base else None
    base_labels: set[str] = set()
    if base_info is not None and _architecture(base_info.path) == ARCHITECTURE:
        nlp = load_pipeline(base_info)
        textcat = nlp.get_pipe(PIPE_NAME)
        base_labels = set(textcat.labels)
        new_labels = wanted - base_labels
        for lab in [k for k in TEXT_INDICATORS if k in new_labels] + sorted(new_labels - set(TEXT_INDICATORS)):
            textcat.add_label(lab)
        continued_from = base_info.model_id
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe(PIPE_NAME, config={
            "threshold": 0.5,
            "model": {"@architectures": ARCHITECTURE, "exclusive_classes": False,
                      "ngram_size": ngram_size, "length": length, "lexicon": lexicon},
        })
        textcat = cast("TextCategorizer", nlp.get_pipe(PIPE_NAME))
        for lab in [k for k in TEXT_INDICATORS if k in wanted] + sorted(wanted - set(TEXT_INDICATORS)):
            textcat.add_label(lab)
        init = [Example.from_dict(nlp.make_doc(t), {"cats": c}) for t, c in rows[:100]]
        nlp.initialize(lambda: init)
    label_list = list(textcat.labels)
    layers = layers_of(textcat.model)
    length = layers.linear.get_dim("length")
    docs = [nlp.make_doc(t) for t, _c in rows]
    X = design_matrix(layers, docs)
    W = numpy.array(layers.linear.get_param("W"), dtype=numpy.float64).reshape(len(label_list), length)
    b = numpy.array(layers.linear.get_param("b"), dtype=numpy.float64)
    fitted: list[str] = []
    trust: dict[str, float] = {}
    to_fit = [lab for lab in label_list if lab in wanted]
    for n, lab in enumerate(to_fit):
        known = numpy.array([lab in c for _t, c in rows])
        y = numpy.array([c.get(lab, 0.0) for _t, c in rows])[known]
        if on_label:
            on_label(n, len(to_fit), lab)
        if y.min() == y.max():  # one class only: nothing to learn, the weights stay as they are
            continue
        j = label_list.index(lab)
        Xl = X[known]
        prior = Xl @ W[j] + b[j] if lab in base_labels else None
        coef, intercept, a = fit_label(Xl, y, C=regularization, balance=balance, prior=prior)
        if a is not None:
            W[j], b[j] = a * W[j] + coef, a * b[j] + intercept
            trust[lab] = round(a, 4)
        else:
            W[j], b[j] = coef, intercept
        fitted.append(lab)
    if on_label:
        on_label(len(to_fit), len(to_fit), "")
    if not fitted:
        raise ValueError("no label has both positive and negative examples")
    # thinc's stubs take no numpy arrays, though its NumpyOps does
    layers.linear.set_param("W", layers.linear.ops.asarray(W.reshape(-1), dtype="f"))  # type: ignore[arg-type]
    layers.linear.set_param("b", layers.linear.ops.asarray(b, dtype="f"))  # type: ignore[arg-type]

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out, exclude=["vocab"])
    base_blend = base_info.blend if continued_from and base_info else {}
    blend_map = {lab: float((blend or {}).get(lab, base_blend.get(lab, DEFAULT_BLEND))) for lab in label_list}
    # the id changes with the weights and with how they are blended (both change the scores)
    model_id = hashlib.sha256((weights_digest(out) + json.dumps(blend_map, sort_keys=True)).encode()).hexdigest()[:12]
    info = {
        "model_id": model_id,
        "labels": label_list,
        "fitted": fitted,
        "blend": blend_map,
        "architecture": f"{ARCHITECTURE} (NORM uni..{ngram_size}-grams and word classes, {length} hashed features)",
        "fit": f"L2 logistic regression per label, C={regularization}" + (", classes balanced" if balance else ""),
        "n_train": len(rows),
        "positives": {lab: sum(1 for _t, c in rows if c.get(lab) == 1.0) for lab in label_list},
        "continued_from": continued_from,
        "base_trust": trust,
        "spacy": spacy.__version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **dict(meta or {}),
    }
    (out / META_FILE).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return TrainResult(out_dir=out, model_id=model_id, labels=label_list, n_train=len(rows),
                       seconds=time.time() - started, continued_from=continued_from, fitted=fitted)


def _architecture(model_dir: Path) -> str | None:
    """The architecture a saved model's config names (``triage.TextCatBOW.v1``/``v2``), or None."""
    try:
        text = (Path(model_dir) / "config.cfg").read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r'@architectures\s*=\s*"([^"]+)"', text)
    return found.group(1) if found else None
