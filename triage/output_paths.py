"""Where a command may write: never onto the store, and never over a file nobody named.

One careless ``--out`` (``triage --db g.db graph --out g.db``) once replaced a whole store of
evidence with a CSV header. Every command that writes files asks here first:

- the store file, its ``-wal``/``-shm``/``-journal`` companions, and anything that is the same
  file under another name (a symlink, a hard link) are refused, whether they exist right now
  or not (a directory named ``g.db-wal`` would break the store as surely as overwriting it);
- an existing file is refused unless the user said ``--force`` (then it is replaced whole,
  atomically: the old content stays until the new one is complete);
- a directory output must be new or empty (checked by the export itself).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import TriageError

STORE_COMPANIONS = ("", "-wal", "-shm", "-journal")


class OutputPathError(TriageError, ValueError):
    """An output path the command refuses to write; the message says why, in one line."""


def _store_files(store_path: str | os.PathLike | None) -> list[Path]:
    if store_path is None:
        return []
    base = Path(store_path).expanduser()
    return [Path(str(base) + suffix) for suffix in STORE_COMPANIONS]


def _same_file(a: Path, b: Path) -> bool:
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:
        pass
    return os.path.abspath(a.expanduser()) == os.path.abspath(b.expanduser()) or (
        a.expanduser().resolve() == b.expanduser().resolve())


def check_output(path: str | os.PathLike, store_path: str | os.PathLike | None, *, force: bool = False,
                 directory: bool = False) -> Path:
    """Return ``path`` as a Path if the command may write it; raise ``OutputPathError`` if not.

    ``directory``: the command writes a new directory there (its own emptiness rule applies).
    """
    out = Path(path).expanduser()
    for protected in _store_files(store_path):
        if _same_file(out, protected):
            raise OutputPathError(f"{out}: is the store ({protected.name}); choose another output path")
    if directory:
        return out
    if out.is_dir():
        raise OutputPathError(f"{out}: is a directory; give a file name")
    if out.exists() or out.is_symlink():
        if not force:
            raise OutputPathError(f"{out}: exists; add --force to replace it")
        if not out.is_file():
            raise OutputPathError(f"{out}: is not a regular file; not replaced even with --force")
    return out


def partial_name(out: Path) -> Path:
    """The hidden sibling a file is written to before it is renamed into place (a killed
    run's is swept by the next one, see triage.partial_files)."""
    from .partial_files import partial_path, sweep

    sweep(out.parent)
    return partial_path(out.parent, f"{out.name}.partial")
