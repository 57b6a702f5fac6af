"""The chunk cache (triage/detector/chunks.py) reads each post exactly as its spaCy Doc would.

Most posts are tagged without building a Doc: their tokens' NORM hashes come from a cache of
space-separated chunks, each tokenized alone. These tests hold that to the Doc token by token
(NORM, offsets, text, LIKE_NUM, lower case) on ordinary, real-looking and hostile text, hold the
detector's decisions on the fast path to the Doc path's bit for bit, and check that the texts
the chunk cache cannot read exactly (odd whitespace, a special case reaching across a space)
go to the Doc path.
"""

from __future__ import annotations

import random
import sys
from dataclasses import astuple

import pytest

from tests.hostile_texts import hostile_texts
from triage.detector import Detector
from triage.detector.chunks import ChunkDoc, ChunkReader, _spacy_chunks
from triage.detector.normalize import normalize_many

_EVERYDAY = [
    "i will kill you tomorrow at school", "I'm not joking, I'll kill you :)", "bring 300 rounds and the ar15",
    "\"i will kill you\" he said", "police say the suspect shot two people", "gg ez i killed them all lol",
    "don't go to the mall on the 24th", "he's coming at 5:30 p.m. with his dad", "e.g. U.S. troops, i.e. them",
    "can't won't shouldn't y'all'll", "kill you.", "(kill) you!", "u.s.a. will kill", "1st 2nd 3rd 24th 9mm",
    "$5 £10 50% #1 @user https://example.com/a?b=1 mail@example.com", "wait... what?!", "--kill--",
    "x:) )", "lol:) ))", "( o:x", "> :(x", "x(._. )", "x:o )", "ok :D", "yes :-) no", "o.O", "a . b",
]


@pytest.fixture(scope="module")
def det():
    d = Detector()
    yield d
    d.close()


def _texts() -> list[str]:
    rng = random.Random(17)
    words = "i will kill you them school tomorrow 24th . , ! ? ' \" ( ) : ; - :) :( e.g. U.S. can't I'm 9mm 300".split()
    mixed = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 20))) for _ in range(400)]
    glued = ["".join(rng.choice(words) for _ in range(rng.randint(1, 6))) + " " + rng.choice(words)
             for _ in range(400)]
    return _EVERYDAY + mixed + glued + hostile_texts(long_text=False)


def _doc_path(det: Detector, texts: list[str]) -> list[tuple]:
    """What the detector decides when every post is read from its Doc (the chunk cache declines all)."""
    reader = det._chunks
    reader.read = lambda text: None  # type: ignore[method-assign]  (the instance attribute shadows the method)
    try:
        return [(a.scores, a.risk, a.flagged, [astuple(h) for h in a.hits]) for a in det.analyze_many(texts)]
    finally:
        del reader.read


def test_chunk_cache_reads_every_token_as_the_doc_does(det):
    tokenizer = det.nlp.tokenizer
    reader = ChunkReader(tokenizer)
    tagged = [q[0] for q in normalize_many(_texts(), det._known)]
    fast = 0
    for text in tagged:
        got = reader.read(text)
        if got is None:
            continue
        fast += 1
        norms, parts, spaced = got
        assert parts == _spacy_chunks(text)[0]  # the one-split cut is the step-by-step one
        doc = tokenizer(text)
        view = ChunkDoc(text, norms, parts, spaced, reader)
        assert norms == [t.norm for t in doc], text
        assert len(view) == len(doc)
        for mine, theirs in zip(view, doc):
            assert (mine.idx, len(mine), mine.text, mine.norm_, mine.lower_, mine.like_num) == \
                (theirs.idx, len(theirs), theirs.text, theirs.norm_, theirs.lower_, theirs.like_num), text
        from spacy.attrs import LIKE_NUM, NORM

        assert view.to_array(NORM).tolist() == doc.to_array(NORM).tolist()
        assert view.to_array(LIKE_NUM).tolist() == doc.to_array(LIKE_NUM).tolist()
    assert fast > len(tagged) // 2  # the fast path is the common one


def test_the_detector_decides_the_same_on_the_fast_path_and_the_doc_path(det):
    texts = _texts()
    fast = [(a.scores, a.risk, a.flagged, [astuple(h) for h in a.hits]) for a in det.analyze_many(texts)]
    assert fast == _doc_path(det, texts)
    assert sum(1 for row in fast if row[3]) > 100  # evidence with offsets was compared, not only empty rows


@pytest.mark.parametrize("text", [
    "i will\nkill you", "i will  kill you", " kill you", "kill you ", "i will\tkill you", "i will\u00a0kill you",
    "i will\u2028kill you", "kill\x1cyou", "a \n\n b", "a   b", "  a", "a\n", "\n", "\t\t", "a \u3000 b", " ",
])
def test_other_whitespace_is_split_as_spacy_splits_it(det, text):
    """Line breaks, tabs, runs of spaces and Unicode spaces become tokens of their own in a Doc
    (but for the one space after a word): the chunk cache reads them so too."""
    tokenizer = det.nlp.tokenizer
    reader = ChunkReader(tokenizer)
    got = reader.read(text)
    assert got is not None
    norms, parts, spaced = got
    assert parts == _spacy_chunks(text)[0]
    doc = tokenizer(text)
    assert norms == [t.norm for t in doc]
    assert [(t.idx, t.text) for t in ChunkDoc(text, norms, parts, spaced, reader)] == [(t.idx, t.text) for t in doc]


def test_an_empty_text_takes_the_doc_path(det):
    assert ChunkReader(det.nlp.tokenizer).read("") is None


@pytest.mark.parametrize("text", ["x:) )", "lol:) ))", "( o:x", "> :(x", "x(._. )", "x:o )", "x:( )"])
def test_a_special_case_reaching_across_a_space_sends_the_post_to_the_doc_path(det, text):
    """spaCy's last pass matches special cases (":)", "._.") over the whole Doc, across spaces:
    there the post's tokens differ from its chunks' tokens, and the chunk cache must decline."""
    tokenizer = det.nlp.tokenizer
    whole = [t.text for t in tokenizer(text)]
    chunked = [t.text for part in text.split(" ") for t in tokenizer(part)]
    assert whole != chunked  # the case is real: chunk by chunk would read it wrong
    assert ChunkReader(tokenizer).read(text) is None


def test_the_cache_knows_whitespace_as_spacy_does():
    """spaCy splits at ``str.isspace``. The chunk cache tells a text of single spaces by
    ``str.isprintable`` (which holds only if every other whitespace character is unprintable)
    and splits the others with the regular expression ``\\s`` (which must be the same set)."""
    import re

    chars = [chr(c) for c in range(sys.maxunicode + 1)]
    spaces = [c for c in chars if c.isspace()]
    assert [c for c in spaces if c.isprintable()] == [" "]
    assert [c for c in chars if re.fullmatch(r"\s", c)] == spaces


def test_the_cache_stays_within_its_limit_and_reads_right_after_starting_again(det):
    tokenizer = det.nlp.tokenizer
    reader = ChunkReader(tokenizer, limit=50)
    rng = random.Random(4)
    for _ in range(300):
        text = " ".join(f"w{rng.randint(0, 500)}." for _ in range(rng.randint(1, 12)))
        got = reader.read(text)
        assert got is not None and len(reader) <= 50
        norms, parts, spaced = got
        assert norms == [t.norm for t in tokenizer(text)]
        view = ChunkDoc(text, norms, parts, spaced, reader)
        reader.clear()  # offsets asked after the cache dropped the post's chunks
        assert [(t.idx, t.text) for t in view] == [(t.idx, t.text) for t in tokenizer(text)]
