"""Where the detector's data lives: the ``triage.data`` package (the top-level ``data/`` directory).

Installed, ``data/`` is the package ``triage.data``. Run from a source checkout without an
install, ``triage.data`` may not be importable: then the repository's ``data/`` is used.
"""

from __future__ import annotations

from pathlib import Path


def data_dir() -> Path:
    try:
        from importlib.resources import files

        root = files("triage.data")
        path = Path(str(root))
        if path.is_dir():
            return path
    except (ModuleNotFoundError, TypeError, ValueError):
        pass
    return Path(__file__).resolve().parents[2] / "data"


def patterns_dir() -> Path:
    return data_dir() / "patterns"


def default_model_dir() -> Path | None:
    """The shipped starter model, or None when the package has none."""
    path = data_dir() / "model"
    return path if (path / "config.cfg").is_file() else None
