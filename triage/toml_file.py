"""Reading the project's TOML files (config, warning behaviours) with one-line errors.

A file that cannot be read or parsed raises the caller's error class (a ``TriageError``) with
``<path>: <reason>``, never a traceback."""

from __future__ import annotations

import tomllib
from pathlib import Path


def read_toml(path: str | Path, error: type[Exception]) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: {exc}") from None
    except OSError as exc:
        raise error(f"{path}: {exc.strerror or exc}") from None
