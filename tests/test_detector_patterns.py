"""The pattern files an analyst edits: every rule documented, mistakes reported by file and rule."""

from __future__ import annotations

import tomllib

import pytest

from triage.detector.patterns import Compiler, PatternError, inflect, load_patterns
from triage.detector.resources import patterns_dir
from triage.indicators import TEXT_INDICATORS


def test_one_file_per_text_indicator_and_every_rule_documented():
    names = {p.stem for p in patterns_dir().glob("*.toml")}
    assert set(TEXT_INDICATORS) <= names
    ps = load_patterns(patterns_dir())
    assert {r.kind for r in ps.rules} >= set(TEXT_INDICATORS)
    for r in ps.rules:
        assert r.id and r.comment.strip() and 0 <= r.weight <= 1
    for ind in TEXT_INDICATORS:
        doc = tomllib.loads((patterns_dir() / f"{ind}.toml").read_text())
        assert doc["indicator"] == ind and "context" in doc


def _write(tmp_path, body):
    (tmp_path / "threat.toml").write_text('indicator = "threat"\n' + body)
    return tmp_path


@pytest.mark.parametrize("body,message", [
    ('[[rule]]\nid = "t.a"\nweight = 0.5\nterms = ["x"]\n', "threat.toml: rule t.a: say what it catches"),
    ('[[rule]]\nid = "t.a"\ncomment = "c"\nweight = 3\nterms = ["x"]\n', "weight must be a number from 0 to 1"),
    ('[[rule]]\ncomment = "c"\nweight = 0.5\nterms = ["x"]\n', "every rule needs an id"),
    ('[[rule]]\nid = "t.a"\ncomment = "c"\nweight = 0.5\n', "needs `terms` or `match`"),
    ('[[rule]]\nid = "t.a"\ncomment = "c"\nweight = 0.5\nterms = ["x"]\n[[rule]]\nid = "t.a"\ncomment = "c"\n'
     'weight = 0.5\nterms = ["y"]\n', "id already used"),
    ('[[rule\n', "threat.toml:"),
])
def test_mistakes_name_the_file_and_rule(tmp_path, body, message):
    with pytest.raises(PatternError, match=message.replace("`", ".").replace("(", ".")):
        load_patterns(_write(tmp_path, body))


def test_pattern_without_a_rare_anchor_is_refused(tmp_path):
    from triage.detector import Detector

    d = _write(tmp_path, '[[rule]]\nid = "t.a"\ncomment = "c"\nweight = 0.5\nmatch = ["i _{0,3} you"]\n')
    with pytest.raises(PatternError, match="not a very common one"):
        Detector(model=None, patterns_dir=d)


def test_mini_language():
    c = Compiler({"harm": ["kill~", "beat up"]}, {"you": ["u"]})
    specs = c.compile("i (will|am going to)? @harm you _{0,2} tonight")
    words = [d.get("NORM") for d in specs[0]]
    assert any(isinstance(w, dict) and "u" in w["IN"] for w in words)
    assert {"OP": "{0,2}"} in specs[0]
    with pytest.raises(PatternError, match="unknown list @nope"):
        c.compile("@nope you")
    assert {"kill", "kills", "killed", "killing"} <= set(inflect("kill"))
    assert {"shot", "shooting"} <= set(inflect("shoot")) and "stabbed" in inflect("stab")


def test_a_contraction_half_written_alone_matches_it_in_a_post(tmp_path):
    """`'ve` alone tokenizes as "'" + "ve"; in a post it stands after its host ("could've"), so a
    pattern that spells it must match there."""
    from triage.detector import Detector

    d = _write(tmp_path, '[[rule]]\nid = "t.cv"\ncomment = "c"\nweight = 0.5\n'
                         "match = [\"could 've strangled (him|her)\"]\n")
    det = Detector(model=None, patterns_dir=d)
    hit, = det.analyze("honestly I could've strangled him").hits
    assert (hit.rule, hit.text) == ("t.cv", "could've strangled him")
