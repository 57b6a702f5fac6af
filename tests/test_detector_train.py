"""The trainable part: a tiny textcat trained on masked labels plugs into the Detector."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from triage.detector.train import train_textcat

    out = tmp_path_factory.mktemp("model")
    pos = ["we will purge the vermin", "purge them all soon", "the vermin must be purged"]
    neg = ["lovely day at the beach", "my cat likes tuna", "see you at lunch"]
    examples = ([{"text": t, "cats": {"threat": 1}} for t in pos] * 5
                + [{"text": t, "cats": {"threat": 0}} for t in neg] * 5
                # labels only target: must teach nothing about threat (absent = unknown)
                + [{"text": "purge purge vermin", "cats": {"target": 0}}] * 5
                + [{"text": "you idiot", "cats": {"target": 1}}] * 5)
    result = train_textcat(examples, out, blend={"threat": 0.9})
    return out, result


def test_train_writes_a_model_dir(tiny_model):
    out, result = tiny_model
    meta = json.loads((out / "triage_model.json").read_text())
    assert meta["labels"] == ["threat", "target"] and meta["model_id"] == result.model_id
    assert meta["blend"]["threat"] == 0.9
    assert not (out / "vocab").exists()  # no training words are shipped with a model


def test_detector_uses_the_model(tiny_model):
    from triage.detector import Detector

    out, result = tiny_model
    det = Detector(model=str(out))
    assert det.version.endswith("+model-" + result.model_id)
    hot = det.analyze("purge the vermin")
    cold = det.analyze("a day at the beach")
    assert hot.scores["threat"] > cold.scores["threat"]
    assert any(h.origin == "model" and (h.start, h.end, h.text) == (0, 0, "") for h in hot.hits)


def test_split_is_deterministic():
    from triage.detector.train import split_of

    ids = [f"x-{i}" for i in range(1000)]
    held = [i for i in ids if split_of(i) == "heldout"]
    assert held == [i for i in ids if split_of(i) == "heldout"]
    assert 120 < len(held) < 280
