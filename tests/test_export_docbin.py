"""spaCy DocBin + config.cfg: `python -m spacy train` reads them unchanged, with nothing downloaded."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402
from spacy.training import Example  # noqa: E402

from triage.export import ExportError, ExportFilter, run_export  # noqa: E402
from triage.records import PostRecord  # noqa: E402
from triage.store import Store  # noqa: E402

from .test_export_fixtures import ANALYST, T0, store  # noqa: E402,F401  (fixture)

THREATS = ["I will shoot {} tomorrow", "{} deserves a bullet", "going to bomb {} on friday", "I will stab {}",
           "{} will pay, I have the gun ready"]
PLAIN = ["lunch with {} was great", "{} won the match", "this traffic near {} is killing me",
         "I would never hurt {}", "coffee at {} again"]
SAD = ["nobody cares about me, {} least of all", "I can't go on, {} is right"]
PLACES = ["the school", "city hall", "the mall", "my boss", "the office", "the station"]


def training_store(path) -> Store:
    store = Store.open(path)
    texts = [t.format(p) for t in THREATS + PLAIN + SAD for p in PLACES]
    store.add_posts([PostRecord(source="synth", external_id=str(n), text=t, author_handle=f"u{n % 5}",
                                created_at=T0 + n, created_raw=str(T0 + n)) for n, t in enumerate(texts)])
    for n, text in enumerate(texts):
        pid = store.resolve_post(f"synth:{n}")
        if text in [t.format(p) for t in THREATS for p in PLACES]:
            store.set_disposition([pid], "escalate", ANALYST)
            store.set_verdict(pid, "threat", 1, ANALYST)
        elif text in [t.format(p) for t in SAD for p in PLACES]:
            store.set_verdict(pid, "distress", 1, ANALYST)  # no disposition: threat stays unknown
        else:
            store.set_disposition([pid], "benign", ANALYST)
    return store


@pytest.fixture
def exported(tmp_path):
    store = training_store(tmp_path / "train.db")
    result = run_export(store, "docbin", tmp_path / "set", analyst=ANALYST, dev_fraction=0.25)
    store.close()
    return tmp_path / "set", result


def docs(path):
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def test_docbin_holds_the_known_cats_only_and_the_config_names_the_trainable_labels(exported):
    out, result = exported
    train, dev = docs(out / "train.spacy"), docs(out / "dev.spacy")
    assert (len(train), len(dev)) == (result.train, result.dev) and len(train) + len(dev) == 72
    by_text = {d.text: d.cats for d in train + dev}
    assert by_text["I will shoot the school tomorrow"] == {"threat": 1.0}
    assert by_text["coffee at the mall again"] == {
        i: 0.0 for i in ("threat", "plan", "radicalization", "weapons", "fixation_past_attacks", "target",
                         "violence_history", "distress", "isolation")}
    assert by_text["nobody cares about me, city hall least of all"] == {"distress": 1.0}  # threat: unknown, absent
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["labels"] == ["threat", "distress"]
    assert manifest["labels_left_out"]["plan"] == "only negative examples in train"
    assert "behavior_change" in manifest["labels_left_out"]
    config = spacy.util.load_config(out / "config.cfg")
    assert config["initialize"]["components"]["textcat_multilabel"]["labels"] == ["threat", "distress"]
    assert config["nlp"]["lang"] == "en" and config["components"]["textcat_multilabel"]["model"][
        "@architectures"].startswith("spacy.TextCatBOW")


def test_an_absent_label_is_left_out_of_the_loss_not_taught_as_zero():
    # What the docstring of triage.export.docbin relies on; fails loudly if spaCy ever changes it.
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel")
    for label in ("threat", "distress"):
        textcat.add_label(label)
    doc = nlp.make_doc("nobody cares about me")
    reference = nlp.make_doc("nobody cares about me")
    reference.cats = {"distress": 1.0}
    nlp.initialize(lambda: [Example(nlp.make_doc("x"), reference)])
    scores = textcat.model.ops.asarray([[0.5, 0.5]], dtype="f")
    _, gradient = textcat.get_loss([Example(doc, reference)], scores)
    threat, distress = textcat.labels.index("threat"), textcat.labels.index("distress")
    assert gradient[0][threat] == 0 and gradient[0][distress] != 0


def test_spacy_train_reads_the_export_unchanged(exported, tmp_path):
    out, _ = exported
    proc = subprocess.run(
        [sys.executable, "-m", "spacy", "train", "config.cfg", "--paths.train", "train.spacy", "--paths.dev",
         "dev.spacy", "--training.max_steps", "30", "--training.eval_frequency", "10", "--output", str(tmp_path / "m")],
        cwd=out, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    for name in ("model-best", "model-last"):
        assert (tmp_path / "m" / name / "textcat_multilabel").is_dir()
    nlp = spacy.load(tmp_path / "m" / "model-last")
    assert set(nlp("I will shoot the station").cats) == {"threat", "distress"}


def test_a_set_with_nothing_to_learn_is_refused(store, tmp_path):
    # Two benign posts: in train, no indicator has both a 1 and a 0 (spaCy would stop with no labels).
    with pytest.raises(ExportError, match="no indicator has both"):
        run_export(store, "docbin", tmp_path / "x", ExportFilter(dispositions=("benign",)), analyst=ANALYST)
    assert not (tmp_path / "x").exists()


def test_the_detector_evidence_travels_as_doc_spans(store, tmp_path):
    from .test_export_fixtures import POSTS

    run_export(store, "docbin", tmp_path / "set", analyst=ANALYST, dev_fraction=0)
    by_text = {d.text: d for d in docs(tmp_path / "set" / "train.spacy")}
    p1 = by_text[POSTS[0][3]]
    assert sorted((s.label_, s.text) for s in p1.spans["evidence"]) == [
        ("target", "@mayor_bob at city hall"), ("threat", "I will shoot @mayor_bob"), ("weapons", "bought a rifle")]
    assert list(by_text[POSTS[2][3]].spans["evidence"]) == []  # no hit, an empty group
