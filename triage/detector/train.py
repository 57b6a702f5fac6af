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
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ..indicators import TEXT_INDICATORS
from .model import META_FILE, PIPE_NAME, weights_digest
from .scoring import DEFAULT_BLEND


@dataclass
class TrainResult:
    out_dir: Path
    model_id: str
    labels: list[str]
    n_train: int
    losses: list[float] = field(default_factory=list)  # per epoch
    seconds: float = 0.0


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
    epochs: int = 6,
    batch_size: int = 128,
    dropout: float = 0.0,
    learn_rate: float = 0.002,
    l2: float = 1e-6,
    ngram_size: int = 2,
    length: int = 2**18,
    seed: int = 0,
    blend: Mapping[str, float] | None = None,
    meta: Mapping | None = None,
    on_epoch: Callable[[int, float], None] | None = None,
) -> TrainResult:
    """Fit a textcat_multilabel model and save it to ``out_dir`` (a model directory for Detector).

    ``examples``: mappings with ``text`` and ``cats`` ({indicator: 0|1}; absent = unknown).
    ``labels``: indicators to learn (default: every text indicator that has both a positive and
    a negative example). ``blend``: per-label weight of the model next to the rules (scoring.blend),
    saved in triage_model.json. Returns a TrainResult.
    """
    import spacy
    from spacy.training import Example
    from spacy.util import minibatch
    from thinc.api import Adam, fix_random_seed

    from . import ml  # noqa: F401  (registers triage.TextCatBOW.v1)

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
    label_list = [k for k in TEXT_INDICATORS if k in wanted] + sorted(wanted - set(TEXT_INDICATORS))
    if not label_list:
        raise ValueError("no label has both positive and negative examples")
    rows = [(t, _clean_cats(c, wanted)) for t, c in rows]
    rows = [(t, c) for t, c in rows if c]
    if not rows:
        raise ValueError("no example carries any of the labels")

    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = spacy.blank("en")
    nlp.add_pipe(PIPE_NAME, config={
        "threshold": 0.5,
        "model": {"@architectures": "triage.TextCatBOW.v1", "exclusive_classes": False,
                  "ngram_size": ngram_size, "length": length},
    })
    textcat = nlp.get_pipe(PIPE_NAME)
    for lab in label_list:
        textcat.add_label(lab)
    train = [Example.from_dict(nlp.make_doc(t), {"cats": c}) for t, c in rows]
    optimizer = nlp.initialize(lambda: train[:1000], sgd=Adam(learn_rate, L2=l2))
    losses_per_epoch = []
    for epoch in range(epochs):
        rng.shuffle(train)
        losses: dict[str, float] = {}
        for batch in minibatch(train, size=batch_size):
            nlp.update(batch, sgd=optimizer, drop=dropout, losses=losses)
        loss = float(losses.get(PIPE_NAME, 0.0))
        losses_per_epoch.append(loss)
        if on_epoch:
            on_epoch(epoch, loss)

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out, exclude=["vocab"])
    blend_map = {lab: float((blend or {}).get(lab, DEFAULT_BLEND)) for lab in label_list}
    # the id changes with the weights and with how they are blended (both change the scores)
    model_id = hashlib.sha256((weights_digest(out) + json.dumps(blend_map, sort_keys=True)).encode()).hexdigest()[:12]
    info = {
        "model_id": model_id,
        "labels": label_list,
        "blend": blend_map,
        "architecture": f"triage.TextCatBOW.v1 (NORM uni..{ngram_size}-grams, {length} hashed features)",
        "n_train": len(rows),
        "positives": {lab: sum(1 for _t, c in rows if c.get(lab) == 1.0) for lab in label_list},
        "epochs": epochs,
        "seed": seed,
        "spacy": spacy.__version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **dict(meta or {}),
    }
    (out / META_FILE).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return TrainResult(out_dir=out, model_id=model_id, labels=label_list, n_train=len(rows),
                       losses=losses_per_epoch, seconds=time.time() - started)
