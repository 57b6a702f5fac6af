"""The fuzzing properties of `make fuzz` (tests/fuzz_importers.py), a few dozen examples per
importer on every test run: no exception, the good posts kept, only checked posts stored, peak
RSS under 500 MB."""

from __future__ import annotations

import pytest

from .fuzz_importers import IMPORTERS, check_import, property_for


@pytest.mark.parametrize("importer", IMPORTERS)
def test_every_importer_survives_generated_hostile_files(importer):
    property_for(importer, 30)()


def test_the_property_fails_when_a_good_post_is_lost():
    """The property can fail: a file whose good post is broken is caught."""
    with pytest.raises(AssertionError):
        check_import("jsonl", b'{"id": "good1", "text": "x", "author": "a", "created_at": "1e300"}\n')
