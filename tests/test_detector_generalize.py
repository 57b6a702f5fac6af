"""The detector on what a new user saw go wrong: leakage without violent words, news and hobby
posts, foreign posts, evasion tricks, and a saved model that stock spaCy can load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from triage.detector import Detector
from triage.detector.normalize import normalize
from triage.detector.resources import default_model_dir

# Planted warnings of the demo data that say no violent word (issue 12): each must be flagged.
LEAKAGE = [
    "don't go to the riverside shopping centre on the 24th. that's all i'll say",
    "carver & lowe. the 14th. the whole management team is in for the quarterly meeting",
    "manifesto's 212 pages now. almost done",
    "1,200 rounds, 9 mags",
]
# What was flagged and should not be: a headline, a hobby post, a Portuguese football post, a joke.
NOT_THREATS = [
    "Court hears man threatened to 'shoot up' office after being fired",
    "Court hears man threatened to 'shoot up' office after being fired\n\nThe defendant denies making threats to kill. The trial continues.",
    "knife sharpening workshop was so satisfying, my kitchen knives are terrifying now",
    "Ganhamos de 4 a 0, massacre!!",
    "I will personally fight whoever invented reply-all lol",
]
THREATS = [
    "kill you all tomorrow",  # no subject, no "will": the evasion example
    "i will shoot everyone at school on friday",
    "im going to stab you",
    "i will kill you and your family",
    "we will bomb the mosque next week",
]


def _evasions(text: str) -> list[str]:
    """Ways a writer hides the violent word: zero-width spaces, leetspeak, stretched letters,
    mathematical bold, fullwidth, a Cyrillic look-alike, a TAG character."""
    word = next(w for w in ("kill", "shoot", "stab", "bomb") if w in text)
    bold = "".join(chr(0x1D41A + ord(c) - ord("a")) for c in word)
    full = "".join(chr(0xFF41 + ord(c) - ord("a")) for c in word)
    leet = word.replace("i", "1").replace("o", "0").replace("a", "4")
    return [
        text.replace(word, "\u200b".join(word)),
        text.replace(word, leet),
        text.replace(word, word[0] + word[1] * 5 + word[2:]),
        text.replace(word, bold),
        text.replace(word, full),
        text.replace(word, word.replace("o", "\u043e").replace("i", "\u0456").replace("a", "\u0430")),
        text.replace(word, word[:2] + "\U000E0041" + word[2:]),
    ]


@pytest.fixture(scope="module")
def det():
    d = Detector()
    yield d
    d.close()


@pytest.mark.parametrize("text", LEAKAGE)
def test_leakage_without_a_violent_word_is_flagged(det, text):
    a = det.analyze(text)
    assert a.flagged, (a.risk, a.scores)
    assert any(h.origin == "rule" and h.text for h in a.hits)  # a span shows why


@pytest.mark.parametrize("text", NOT_THREATS)
def test_news_hobby_foreign_and_jokes_are_not_flagged(det, text):
    a = det.analyze(text)
    assert not a.flagged, (a.risk, [(h.rule, h.score) for h in a.hits])


def test_a_foreign_post_says_so_in_its_evidence(det):
    a = det.analyze("Ganhamos de 4 a 0, massacre!!")
    assert a.hits and all(h.rule.endswith("/lang:pt") for h in a.hits)


@pytest.mark.parametrize("text", THREATS)
def test_evasion_scores_as_the_plain_text_with_evidence_on_the_raw_text(det, text):
    plain = det.analyze(text)
    assert plain.flagged
    for variant in _evasions(text):
        a = det.analyze(variant)
        assert a.risk == pytest.approx(plain.risk, abs=0.05), (variant, a.risk, plain.risk)
        rule_hits = [h for h in a.hits if h.origin == "rule"]
        assert rule_hits
        for h in rule_hits:
            assert h.text == variant[h.start:h.end]  # offsets point into the text as stored
        assert any(any(c in h.text for c in "\u200b1045\u043e\u0456\u0430\U000E0041") or
                   any(ord(c) > 0xFF00 for c in h.text) or h.text != h.text.encode("ascii", "ignore").decode()
                   or len(h.text) > 3 for h in rule_hits)


def test_normalize_maps_every_character_back_to_the_raw_text():
    raw = "i will k\u200bi\u200bl\u200bl   you, sh00t  him and kiiiiill her. ar15 9mm 24th"
    tagged, origin = normalize(raw, {"kill", "shoot"}.__contains__)
    assert tagged == "i will kill you, shoot him and kill her. ar15 9mm 24th"  # weapon names stay
    assert len(origin) == len(tagged) + 1 and origin[-1] == len(raw)
    start = tagged.index("kill")
    assert raw[origin[start]:origin[start + 3] + 1] == "k\u200bi\u200bl\u200bl"
    assert normalize("plain ascii text", None) == ("plain ascii text", None)


def test_a_russian_word_is_not_turned_into_latin():
    assert normalize("привет мир", None)[0] == "привет мир"


def test_the_shipped_model_loads_in_stock_spacy_without_importing_triage():
    """spaCy finds the architecture through the spacy_architectures entry point (E893 before)."""
    code = ("import sys, spacy; nlp = spacy.load(sys.argv[1], exclude=['vocab']); "
            "doc = nlp('i will kill you'); import json; print(json.dumps(doc.cats)); "
            "print('triage' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(default_model_dir())], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONPATH": ""}, cwd="/")
    assert out.returncode == 0, out.stderr[-2000:]
    cats_line, imported = out.stdout.strip().splitlines()[-2:]
    cats = json.loads(cats_line)
    assert set(cats) >= {"threat", "target", "radicalization"} and cats["threat"] > cats["radicalization"]
    assert imported in ("True", "False")  # loaded through the entry point, whichever way spaCy imports it


def test_a_broken_pattern_file_is_one_line(tmp_path):
    pdir = tmp_path / "patterns"
    pdir.mkdir()
    src = Path(__file__).resolve().parents[1] / "data" / "patterns"
    for f in src.glob("*.toml"):
        (pdir / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    with open(pdir / "plan.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[[rule]]\nid = "plan.broken"\ncomment = "x"\nweight = 2\nterms = ["x"]\n')
    from triage.detector.patterns import PatternError

    with pytest.raises(PatternError) as err:
        Detector(model=None, patterns_dir=pdir)
    assert "plan.toml" in str(err.value) and "plan.broken" in str(err.value) and "\n" not in str(err.value)
