"""The model registry: which text-classifier model a detector loads, by one vocabulary.

A ``model`` is named the same way everywhere (``Detector``, ``make_tagger``, training):

- ``"starter"``: the model shipped in the package (``data/model``); rules only when it has none;
- ``"active"``: the model `triage models activate` chose, else the starter model;
- ``None``: rules only, no model;
- any other string: the path of a model directory (``config.cfg`` + weights + ``triage_model.json``).

``"default"`` is a deprecated spelling of ``"active"`` (earlier code used it for both).

Saved models live under ``<data_dir>/models/<UTC timestamp>-<model id>/``; the *active* one is
the directory whose name ``<data_dir>/models/ACTIVE`` holds. Importing this module imports no
spaCy.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..config import data_dir
from ..errors import SetupError, TriageError
from . import resources

MODELS = "models"
ACTIVE = "ACTIVE"
STARTER = "starter"
ACTIVE_MODEL = "active"
DEPRECATED_ACTIVE = "default"  # the old name of "active", kept for callers written before the registry


class LearningError(TriageError, RuntimeError):
    """An expected problem with training or the saved models (nothing to train on, unknown model
    name): one line for the analyst."""


class ActiveModelGone(SetupError, LearningError):
    """The ACTIVE pointer names a model directory that is not there: the set-up, not the command,
    needs fixing (`triage models activate NAME`)."""


def models_dir() -> Path:
    return data_dir() / MODELS


def is_model_dir(path: Path) -> bool:
    return (path / "config.cfg").is_file()


def pointer_name() -> str | None:
    """The name ACTIVE holds, unchecked (listing must work while the pointer dangles)."""
    try:
        return (models_dir() / ACTIVE).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def active_model_dir() -> Path | None:
    """The active model's directory, or None when none is set (the shipped starter model is at work).

    A pointer naming a directory that is gone is an error, not a silent fallback: every post
    tagged afterwards would carry another detector than the analysts chose."""
    name = pointer_name()
    if name is None:
        return None
    path = models_dir() / name
    if not is_model_dir(path):
        raise ActiveModelGone(f"{models_dir() / ACTIVE} names {name!r}, which is not a model directory (deleted?); "
                              "choose another with `triage models activate NAME` (or `starter`)")
    return path


def model_dir(model: str | None) -> Path | None:
    """The directory a detector loads for ``model`` (see the module docstring), or None for rules only."""
    if model is None:
        return None
    if model in (ACTIVE_MODEL, DEPRECATED_ACTIVE):
        active = active_model_dir()
        return active if active is not None else resources.default_model_dir()
    if model == STARTER:
        return resources.default_model_dir()
    path = Path(model)
    if not path.exists():
        raise FileNotFoundError(f"model directory not found: {path}")
    return path


def resolve_model(model: str | None) -> str | None:
    """Deprecated: ``model`` with "active"/"default" replaced by the active model's path when one is set.

    Kept for callers that cache by it (the bench store stamp); new code asks ``model_dir``."""
    if model in (ACTIVE_MODEL, DEPRECATED_ACTIVE):
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
    from .model import read_info

    root = models_dir()
    if not root.is_dir():
        return []
    active = pointer_name()  # not active_model_dir(): listing must work while the pointer dangles
    out = []
    for path in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and is_model_dir(p)):
        info = read_info(path)
        out.append(SavedModel(name=path.name, path=path, model_id=info.model_id, created=info.meta.get("created"),
                              labels=info.labels, training=info.meta.get("training") or {},
                              active=path.name == active))
    return out


def find_model(name: str) -> Path:
    """A saved model by directory name, unique prefix of it, or model id."""
    root = models_dir()
    if name and is_model_dir(root / name) and "/" not in name and not name.startswith("."):
        return root / name
    matches = [m.path for m in list_models() if m.name.startswith(name) or m.model_id == name]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(m.name for m in list_models()) or "none saved yet"
    if not matches:
        raise LearningError(f"no saved model {name!r} (saved: {known})")
    raise LearningError(f"{name!r} names {len(matches)} models; give more of the name")
