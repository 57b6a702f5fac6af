"""Work in progress under hidden names, and the sweep that removes what a killed run left.

Exports, trainings and graph files are written under a hidden sibling name and renamed into
place when complete, so a half-written result never looks finished. A ``kill -9`` (or a power
cut) still leaves the hidden one behind; the name carries the writing process's id, so the next
run in the same place removes those whose process is gone and leaves a concurrent run alone.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

_PARTIAL = re.compile(r"^\.(?:.+\.partial|training)-(\d+)-[0-9a-f]{8}$")


def partial_path(parent: Path, stem: str) -> Path:
    """``parent/.{stem}-{pid}-{random}``: e.g. stem ``case-17.partial`` or ``training``."""
    return parent / f".{stem}-{os.getpid()}-{secrets.token_hex(4)}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def sweep(parent: Path) -> list[Path]:
    """Remove the hidden work of dead runs in ``parent``; returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _PARTIAL.match(entry.name)
        if match is None or _alive(int(match.group(1))):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed
