"""Threat-leakage detector: rules from ``data/patterns`` + an optional textcat model.

    from triage.detector import Detector, Analysis, Hit
    det = Detector()                       # rules + shipped starter model (if present)
    a = det.analyze("I'm going to shoot up the school tomorrow")
    a.scores["threat"], a.risk, a.flagged, a.hits

Importing this package does not import spaCy; building a Detector does. See the README.
"""

from __future__ import annotations

from .scoring import DEFAULT_THRESHOLD, INDICATOR_WEIGHTS
from .types import Analysis, Hit

__all__ = ["Detector", "Analysis", "Hit", "DEFAULT_THRESHOLD", "INDICATOR_WEIGHTS"]


def __getattr__(name: str):
    if name == "Detector":
        from .core import Detector

        return Detector
    raise AttributeError(name)
