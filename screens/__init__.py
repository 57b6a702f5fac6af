"""The Textual console, installed as ``triage.screens``. Only this package imports Textual."""
