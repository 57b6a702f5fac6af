"""The detector as a user sees it: scores, evidence spans, and the hard cases (idioms, gaming, negation, news)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from triage.indicators import TEXT_INDICATORS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rules():
    from triage.detector import Detector

    return Detector(model=None)


@pytest.fixture(scope="module")
def full():
    from triage.detector import Detector

    return Detector()


# ---------------------------------------------------------------- API


def test_import_does_not_load_spacy():
    code = "import sys, triage.detector; from triage.detector import Analysis, Hit; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_analysis_shape_and_evidence_offsets(full):
    text = "Tomorrow I'm going to shoot up the school. Nobody will stop me."
    a = full.analyze(text)
    assert set(a.scores) == set(TEXT_INDICATORS)
    assert all(0.0 <= v <= 1.0 for v in a.scores.values())
    assert 0.0 <= a.risk <= 1.0
    assert a.flagged is (a.risk >= full.threshold)
    assert a.hits
    for h in a.hits:
        assert h.origin in {"rule", "model", "ner"}
        assert h.indicator in TEXT_INDICATORS
        if h.origin == "model":
            assert (h.start, h.end, h.text) == (0, 0, "")
        else:
            assert text[h.start:h.end] == h.text
    assert a.flagged


def test_offsets_survive_odd_whitespace_and_unicode(rules):
    text = "ok\n\n  \u201cfine\u201d   I\u2019m  gonna   kill   you\t tonight 🔪"
    a = rules.analyze(text)
    hit = next(h for h in a.hits if h.rule.startswith("threat.intent_kill"))
    assert text[hit.start:hit.end] == hit.text
    assert "kill" in hit.text


def test_analyze_many_keeps_order_and_handles_empty(rules):
    texts = ["I will kill you", "", None, "lovely weather today", "I want to die"] * 3
    out = list(rules.analyze_many(texts, batch_size=2))
    assert len(out) == len(texts)
    assert out[0].scores["threat"] > 0.5
    assert out[1].risk == 0.0 and out[2].risk == 0.0
    assert out[3].risk < 0.2
    assert out[4].scores["distress"] > 0.5
    assert [a.scores for a in out[:5]] == [a.scores for a in out[5:10]]


def test_threshold_is_configurable():
    from triage.detector import DEFAULT_THRESHOLD, Detector

    d = Detector(threshold=0.99, model=None)
    assert d.threshold == 0.99
    assert DEFAULT_THRESHOLD == Detector(model=None).threshold
    assert not d.analyze("I'm going to kill you").flagged


def test_version_names_rules_and_model(rules, full):
    assert rules.version.startswith("rules-") and "+model-" not in rules.version
    if full.model_info is not None:
        assert "+model-" + full.model_info.model_id in full.version


def test_version_changes_when_a_pattern_file_changes(tmp_path, rules):
    from triage.detector import Detector
    from triage.detector.resources import patterns_dir

    dst = tmp_path / "patterns"
    shutil.copytree(patterns_dir(), dst)
    same = Detector(model=None, patterns_dir=dst)
    assert same.version == rules.version
    path = dst / "threat.toml"
    path.write_text(path.read_text() + '\n[[rule]]\nid = "threat.test_extra"\ncomment = "x"\nweight = 0.5\n'
                    'terms = ["purple elephant attack"]\n')
    changed = Detector(model=None, patterns_dir=dst)
    assert changed.version != rules.version
    assert changed.analyze("a purple elephant attack").scores["threat"] >= 0.5


def test_missing_model_path_is_an_error():
    from triage.detector import Detector

    with pytest.raises(FileNotFoundError):
        Detector(model="/nonexistent/model/dir")


# ---------------------------------------------------------------- scoring


def test_several_indicators_weigh_more_than_one_strong_one():
    from triage.detector.scoring import risk

    alone = risk({"threat": 0.9})
    together = risk({"threat": 0.6, "weapons": 0.6, "target": 0.6})
    assert together > alone
    assert risk({"threat": 1.0}) <= 0.75
    assert risk({}) == 0.0


def test_weapon_plus_threat_plus_target_is_flagged_above_a_lone_threat(rules):
    lone = rules.analyze("I'm going to kill you")
    combo = rules.analyze("Just bought an AR-15 and 500 rounds. Friday I'm going to shoot up the school, "
                          "everyone there will pay.")
    assert combo.risk > lone.risk
    assert combo.flagged
    assert combo.scores["weapons"] >= 0.5 and combo.scores["plan"] >= 0.5


# ---------------------------------------------------------------- the NER path (en_core_web_sm optional)


def test_ner_entities_add_target_evidence(rules):
    from spacy.tokens import Span

    doc = rules.nlp.make_doc("I will find Mark Jones at Lincoln High")
    doc.ents = [Span(doc, 3, 5, label="PERSON"), Span(doc, 6, 8, label="FAC")]
    scores = dict.fromkeys(TEXT_INDICATORS, 0.0)
    scores["threat"] = 0.8
    hits = []
    rules._ner_hits(doc, scores, hits)
    assert {h.text for h in hits} == {"Mark Jones", "Lincoln High"}
    assert all(h.origin == "ner" and h.indicator == "target" for h in hits)
    assert scores["target"] > 0.5


def test_worker_processes_give_the_same_analyses(rules):
    import threading

    texts = ["I will kill you", "nice day", "I want to die  now", "shoot me a text", "the Marlow shooter was a hero"] * 30
    one = list(rules.analyze_many(texts, batch_size=16))
    try:
        two = list(rules.analyze_many(texts, batch_size=16, n_process=2))
        # the pool starts only where no other thread runs (see Detector._can_pool)
        assert rules.processes == 2 or threading.active_count() > 1
    finally:
        rules.close()
    assert rules.processes == 1
    assert one == two and sum(len(a.hits) for a in two) > 100
