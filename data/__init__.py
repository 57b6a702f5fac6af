"""Installed as ``triage.data``: indicator patterns, the demo dataset and the shipped model."""
