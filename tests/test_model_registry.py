"""One vocabulary for models: "starter", "active" (its old name "default"), None, or a path; the
detector, tagging and training all ask the registry what that names."""

from __future__ import annotations

import shutil

import pytest

from triage.detector import registry, resources
from triage.errors import SetupError, TriageError
from triage.store import Store

from .conftest import post, write_jsonl


def _save_starter_as(name: str):
    target = registry.models_dir() / name
    shutil.copytree(resources.default_model_dir(), target)
    return target


def test_each_model_name_means_one_directory():
    starter = resources.default_model_dir()
    assert starter is not None  # the package ships one; the rest of the test needs it
    assert registry.model_dir(None) is None
    assert registry.model_dir("starter") == starter
    assert registry.model_dir("active") == registry.model_dir("default") == starter  # nothing activated yet

    saved = _save_starter_as("20261103T000000Z-cccccccccccc")
    registry.set_active(saved.name)
    assert registry.model_dir("active") == registry.model_dir("default") == saved
    assert registry.model_dir("starter") == starter  # the shipped model stays reachable by name
    assert registry.model_dir(str(saved)) == saved
    with pytest.raises(FileNotFoundError, match="model directory not found"):
        registry.model_dir(str(saved) + "-gone")


def test_the_detector_and_the_tagger_load_what_the_registry_names():
    from triage.detector import Detector
    from triage.tagging import make_tagger

    saved = _save_starter_as("20261104T000000Z-dddddddddddd")
    registry.set_active(saved.name)
    assert Detector().model_info.path == resources.default_model_dir()  # Python callers: the shipped model
    assert Detector(model="active").model_info.path == saved
    tagger = make_tagger()  # the store is tagged with the active one
    assert tagger.detector.model_info.path == saved
    assert make_tagger(model=None).detector.model_info is None
    assert make_tagger(model=None).version.startswith("rules-") and "+model-" not in make_tagger(model=None).version


def test_a_pointer_to_a_deleted_model_stops_tagging_with_one_line(cli, db_path, tmp_path):
    saved = _save_starter_as("20261105T000000Z-eeeeeeeeeeee")
    registry.set_active(saved.name)
    shutil.rmtree(saved)
    with pytest.raises(registry.ActiveModelGone) as err:
        registry.model_dir("active")
    assert isinstance(err.value, registry.LearningError) and isinstance(err.value, SetupError)
    assert isinstance(err.value, TriageError)

    Store.open(db_path).close()
    result = cli("import", write_jsonl(tmp_path / "p.jsonl", [post(1)]))
    assert result.exit_code == 2
    assert result.stderr == (f"triage: {registry.models_dir() / 'ACTIVE'} names '20261105T000000Z-eeeeeeeeeeee', "
                             "which is not a model directory (deleted?); choose another with "
                             "`triage models activate NAME` (or `starter`)\n")
