"""The retraining loop, one module per job: ``training`` fits and compares a model on the
analysts' labels (`triage train`), ``rescore`` puts the active model to work on the store
(`triage rescore`); where models live and which one is active is the detector's model registry
(``triage.detector.registry``, `triage models`). This package re-exports all three for the CLI
and for Python callers written before the split.
"""

from __future__ import annotations

from ..detector.registry import (
    ACTIVE, STARTER, LearningError, SavedModel, active_model_dir, find_model, list_models, models_dir,
    resolve_model, set_active,
)
from .rescore import RESCORE_MIN_SHIFT, RescoreReport, rescore
from .training import (
    MIN_DEV_POSITIVES, IndicatorComparison, TrainingSet, TrainReport, _decide, file_training_set,
    store_training_set, train_model,
)

__all__ = [
    "ACTIVE", "MIN_DEV_POSITIVES", "RESCORE_MIN_SHIFT", "STARTER", "IndicatorComparison",
    "LearningError", "RescoreReport", "SavedModel", "TrainReport", "TrainingSet", "_decide", "active_model_dir",
    "file_training_set", "find_model", "list_models", "models_dir", "rescore", "resolve_model", "set_active",
    "store_training_set", "train_model",
]
