"""The detector's batch paths decide exactly what the per-post formulas decide.

Tagging works on a thousand posts at a time: the risk score and the model blend run as numpy
columns, normalization tests the batch's tricks as one array, and the rule index is built with
a private tokenizer. These tests hold each batch path to the plain per-post rule it replaces,
float for float.
"""

from __future__ import annotations

import random

import numpy
import pytest

from triage.detector.normalize import _ASCII_TRICK, _ascii_tricks, normalize, normalize_many
from triage.detector.scoring import INDICATOR_WEIGHTS, SINGLE_SHARE, risk, risk_rows
from triage.indicators import TEXT_INDICATORS


def _risk_per_post(scores: dict[str, float]) -> float:
    """The post risk as the README states it, one post at a time (scoring's docstring)."""
    vals = [w * s for i, w in INDICATOR_WEIGHTS.items() if (s := scores.get(i, 0.0)) > 0.0]
    miss = 1.0
    for v in vals:
        miss *= 1.0 - v
    pair_miss = 1.0
    for a in range(len(vals)):
        for b in range(a + 1, len(vals)):
            pair_miss *= 1.0 - vals[a] * vals[b]
    r = SINGLE_SHARE * (1.0 - miss) + (1.0 - SINGLE_SHARE) * (1.0 - pair_miss)
    return min(1.0, max(0.0, r))


def test_batch_risk_is_the_per_post_risk_to_the_last_bit():
    rng = random.Random(12)
    rows = []
    for _ in range(3000):
        # most indicators absent, as in real posts; some at 0 or 1 exactly
        rows.append([rng.choice([0.0, 0.0, 0.0, 1.0, rng.random(), rng.random() * 0.1])
                     for _ in TEXT_INDICATORS])
    got = risk_rows(numpy.array(rows), TEXT_INDICATORS).tolist()
    want = [_risk_per_post(dict(zip(TEXT_INDICATORS, row))) for row in rows]
    assert got == want
    assert risk(dict(zip(TEXT_INDICATORS, rows[7]))) == want[7]
    assert risk({}) == 0.0


_TRICKY = [
    "kiiiill them", "KIIill", "Kiill", "k1ll u", "sh00t", "k!ll", "ok |l", "mp5 and ar15", "9mm", "24th",
    "$hoot", "a  b", "tab\there", "k\u200bi\u200bl\u200bl you", "ｋｉｌｌ", "kіll", "x\ud800yyy", "", "a",
    "aaa", "zzz!", "café ééé", "\x00kkk\x00", "no tricks here at all",
]


def test_normalizing_a_batch_gives_each_post_what_normalizing_it_alone_gives():
    assert normalize_many(_TRICKY) == [normalize(t) for t in _TRICKY]
    rng = random.Random(3)
    alphabet = "aAbBk01!|$ \n\t\u00e9z\u200b\u0456"
    for _ in range(2000):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(rng.randint(0, 5))]
        assert _ascii_tricks(texts).tolist() == [bool(_ASCII_TRICK.search(t)) for t in texts]
        assert normalize_many(texts) == [normalize(t) for t in texts]


@pytest.fixture(scope="module")
def det():
    from triage.detector import Detector

    return Detector()


def test_building_the_detector_leaves_its_vocabulary_as_a_blank_pipelines(det):
    """The pattern files' words are spelled by a private tokenizer: they do not become lexemes
    of the vocab every post is looked up in (a bigger vocab tokenizes measurably slower)."""
    import spacy

    assert len(det.nlp.vocab) == len(spacy.blank("en").vocab)
    # and the rules still match words they spell through the tokenizer (gonna = going to)
    hit = det.analyze("im gonna shoot up the school tomorrow")
    assert hit.flagged and any(h.origin == "rule" and h.indicator == "threat" for h in hit.hits)


def test_a_batch_scores_each_post_as_tagging_it_alone_does(det):
    # (an empty post is left out: alone, it is a batch without a single token, which spaCy's
    # text classifier scores 0 rather than its bias; in a batch, it gets the bias)
    texts = ["I will kill you all tomorrow", "nice day at the park", "k1ll them", "lol this game is killing me",
             "Police say the suspect threatened to shoot up the office", "   ",
             "nobody would care if i was gone", "manifesto's 212 pages now"] * 3
    together = list(det.analyze_many(texts, batch_size=1000))
    alone = [det.analyze(t) for t in texts]
    assert together == alone
