"""The trainable part: a spaCy ``textcat_multilabel`` saved as a small pipeline directory.

A model directory holds ``config.cfg`` + the textcat weights (``nlp.to_disk`` without the
vocab: a bag-of-ngrams model works on hashes, so no training text or word list is shipped)
and ``triage_model.json``::

    {"model_id": "…", "labels": ["threat", …], "blend": {"threat": 0.7, …},
     "architecture": "bow", "n_train": …, "trained_on": […], "created": "…"}

``blend`` is how much the model's probability counts next to the rules (scoring.blend).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .scoring import DEFAULT_BLEND

if TYPE_CHECKING:
    from spacy.pipeline.textcat import TextCategorizer

META_FILE = "triage_model.json"
PIPE_NAME = "textcat_multilabel"


@dataclass
class ModelInfo:
    path: Path
    model_id: str
    labels: list[str]
    blend: dict[str, float] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)


def weights_digest(path: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(Path(path).rglob("*")):
        if f.is_file() and f.name != META_FILE:
            h.update(str(f.relative_to(path)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def read_info(path: Path) -> ModelInfo:
    path = Path(path)
    if not (path / "config.cfg").is_file():
        raise FileNotFoundError(f"{path}: not a model directory (no config.cfg)")
    meta = {}
    if (path / META_FILE).is_file():
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    model_id = meta.get("model_id") or weights_digest(path)
    labels = list(meta.get("labels") or [])
    blend = {k: float(v) for k, v in (meta.get("blend") or {}).items()}
    return ModelInfo(path=path, model_id=model_id, labels=labels, blend=blend, meta=meta)


def load_pipeline(info: ModelInfo):
    """The saved pipeline (tokenizer + textcat). Saved without the vocab, so exclude it here too."""
    import spacy

    from . import ml  # noqa: F401  (registers the architecture the saved config names)

    exclude = [] if (info.path / "vocab").is_dir() else ["vocab"]
    nlp = spacy.load(info.path, exclude=exclude)
    if PIPE_NAME not in nlp.pipe_names:
        raise ValueError(f"{info.path}: the pipeline has no {PIPE_NAME} component")
    if not info.labels:
        info.labels = list(cast("TextCategorizer", nlp.get_pipe(PIPE_NAME)).labels)
    return nlp


def blend_weight(info: ModelInfo, label: str) -> float:
    return info.blend.get(label, DEFAULT_BLEND)
