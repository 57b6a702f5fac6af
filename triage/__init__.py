"""Threat-leakage triage console: the core (store, detector, analytics, export, CLI).

This package never imports Textual; the console lives in ``triage.screens``.
"""

__version__ = "0.1.0"
