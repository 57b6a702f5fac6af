"""Built-in collectors. Installed as ``triage.plugins``; each module is one collector,
registered under the ``triage.collectors`` entry-point group like any third-party plugin."""
