"""The air-gapped path: a wheelhouse made on a connected machine installs with pip --no-index
and no pip configuration at all (nothing reaches a network or a local mirror)."""

from __future__ import annotations

import os
import subprocess
import sys
import venv

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


def test_wheelhouse_installs_with_no_index(tmp_path):
    wheelhouse = tmp_path / "wheelhouse"
    pip = [sys.executable, "-m", "pip"]
    for args in (["-r", str(REPO / "requirements-all.txt")], ["setuptools", "wheel"]):
        out = subprocess.run([*pip, "download", "--quiet", "-d", str(wheelhouse), "-c",
                              str(REPO / "constraints.txt"), *args], capture_output=True, text=True)
        if out.returncode != 0:
            pytest.skip(f"no package index reachable to build the wheelhouse: {out.stderr.strip()[-300:]}")
    target = tmp_path / "station"
    venv.create(target, with_pip=True)
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}
    env.pop("PIP_FIND_LINKS", None)
    install = subprocess.run(
        [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-index", "--find-links",
         str(wheelhouse), "-c", str(REPO / "constraints.txt"), str(REPO)],
        capture_output=True, text=True, env=env)
    assert install.returncode == 0, install.stderr[-3000:]
    version = subprocess.run([str(target / "bin" / "triage"), "--version"], capture_output=True, text=True,
                             check=True)
    assert "triage" in version.stdout
    imports = subprocess.run([str(target / "bin" / "python"), "-c",
                              "import triage.screens.app, triage.plugins.mastodon, triage.detector.core, spacy"],
                             capture_output=True, text=True, cwd=tmp_path)
    assert imports.returncode == 0, imports.stderr[-2000:]
