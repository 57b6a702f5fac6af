"""The plain data the detector hands out (no spaCy needed to use or import them).

They are defined in ``triage.detection`` (the kernel), because the store keeps them too and must
not import the detector; the names stay importable from here.
"""

from __future__ import annotations

from ..detection import Analysis, Hit

__all__ = ["Analysis", "Hit"]
