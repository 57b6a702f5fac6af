"""The fuzzing properties of `make fuzz` (tests/fuzz_importers.py), a few dozen examples per
importer on every test run: no exception, the good posts kept, only checked posts stored, peak
RSS under 500 MB."""

from __future__ import annotations

import pytest

from .fuzz_importers import IMPORTERS, check_import


@pytest.mark.parametrize("importer", IMPORTERS)
def test_every_importer_survives_generated_hostile_files(importer):
    """In a fresh process, as `make fuzz` runs: the peak RSS checked is the importer's own, not
    the test session's (which holds spaCy, models and every fixture before it)."""
    import os
    import subprocess
    import sys

    from .conftest import REPO

    # Through a trampoline: a process forked straight from this session and then exec'd keeps the
    # session's peak RSS as its own (Linux carries it over execve); its grandchild does not.
    trampoline = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"
    out = subprocess.run([sys.executable, "-c", trampoline,
                          sys.executable, "-m", "tests.fuzz_importers", "--importer", importer, "--examples", "30"],
                         cwd=REPO, capture_output=True, text=True, timeout=600,
                         env={**os.environ, "TRIAGE_SECRET_CUSTODY_KEY": "f0" * 32})
    assert out.returncode == 0, out.stderr[-3000:]
    assert "no failure" in out.stdout



def test_the_property_fails_when_a_good_post_is_lost():
    """The property can fail: a file whose good post is broken is caught."""
    with pytest.raises(AssertionError):
        check_import("jsonl", b'{"id": "good1", "text": "x", "author": "a", "created_at": "1e300"}\n')
