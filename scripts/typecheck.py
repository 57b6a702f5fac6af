#!/usr/bin/env python3
"""Type-check the package as it installs: `python scripts/typecheck.py [mypy args]`.

pyproject's package-dir maps screens/ and plugins/ into triage.screens and triage.plugins only
when installed, so mypy cannot read the repository tree as the package it is. This lays the
package out in a temporary directory of symlinks (triage/*, plus screens and plugins inside it)
and runs mypy there with the [tool.mypy] settings of pyproject.toml. Paths in the report are
given relative to the repository. Exit status: mypy's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="triage-typecheck-") as tmp:
        pkg = Path(tmp) / "triage"
        pkg.mkdir()
        for entry in (ROOT / "triage").iterdir():
            if entry.name != "__pycache__":
                (pkg / entry.name).symlink_to(entry)
        (pkg / "screens").symlink_to(ROOT / "screens")
        (pkg / "plugins").symlink_to(ROOT / "plugins")
        cmd = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "-p", "triage", *argv]
        out = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, env={**os.environ, "MYPYPATH": tmp})
        text = out.stdout.replace("triage/screens/", "screens/").replace("triage/plugins/", "plugins/")
        sys.stdout.write(text)
        sys.stderr.write(out.stderr)
        return out.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
