"""Realistic generated posts for benchmarks: many authors, a year of time, ~2% flagged.

Each post is a demo post (real-looking text with the demo's share of indicators) with up to
eight words mixed in. Those words give the corpus the vocabulary of real posts: a quarter are
words never seen before (names, typos, handles, links in real feeds), half come from a long
tail of 30,000 words with Zipf frequencies, the rest are everyday words. That matters for every
timing made on it: spaCy's tokenizer caches what it has seen, so a corpus that repeats a few
thousand words tokenizes about 4x faster per post than real text does. Calibrated on 30,000
real short posts of public research datasets (tweets and forum comments) by distinct
whitespace-separated words: real 15.0k after 5,000 posts and 48.8k after 30,000; this
generator 14.9k and 51.6k (``vocabulary_growth``), at 98 characters a post against 93.
"""

from __future__ import annotations

import json
import random
from functools import lru_cache

from triage.records import PostRecord

_WORDS = ("the a to and of in is it you that for on was with this my at have be just so but not are "
          "game coffee work today tonight weekend rain city train music show team match vote news school "
          "friends dinner dog cat phone update really great terrible love hate tired happy movie book "
          "store traffic morning late again never always think know want need going people time year").split()
_SIGNALS = (
    "I am going to shoot them all at the mall on friday",
    "just bought a rifle and body armor, ammo next",
    "the Marlow shooter had the right idea, he is a hero",
    "nobody would care if I was gone, I can't take this anymore",
    "they will pay for what they did to me, every one of them",
    "join the Iron Vanguard, the race war is coming",
    "did 3 years for assault and I'd do it again",
    "my manifesto explains everything, read it after",
)


def _demo_texts() -> list[str]:
    """The demo dataset's posts: real-looking text of real length and vocabulary, so the
    tokenizer and the detector do the work they would do on collected posts."""
    from importlib.resources import files

    path = files("triage.data") / "demo" / "posts.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"] + ["str", "th", "ng", "x", "qu"]
_NEW_WORDS = 10 ** 7  # "never seen before": drawn from this many, so repeats are rare
_TAIL_WORDS = 30_000
_NEW_SHARE, _TAIL_SHARE = 0.25, 0.5
_MAX_MIXED_IN = 8


def _pseudo_word(rank: int) -> str:
    """A pronounceable made-up word, one per rank (so it is no real word and hits no pattern)."""
    out = []
    rank += 1
    while rank:
        rank, d = divmod(rank, len(_SYLLABLES))
        out.append(_SYLLABLES[d])
    return "".join(out)


def _mixed_in_word(rng: random.Random) -> str:
    x = rng.random()
    if x < _NEW_SHARE:
        return _pseudo_word(rng.randrange(_NEW_WORDS))
    if x < _NEW_SHARE + _TAIL_SHARE:
        return _pseudo_word(int(_TAIL_WORDS ** rng.random()))  # log-uniform rank: Zipf frequencies
    return rng.choice(_WORDS)


def vocabulary_growth(texts, at=(5_000, 30_000)) -> list[int]:
    """Distinct whitespace-separated words after the first n texts, for each n in ``at``."""
    seen: set[str] = set()
    out = []
    for i, text in enumerate(texts, 1):
        seen.update(text.split())
        if i in at:
            out.append(len(seen))
    return out


@lru_cache(maxsize=2)
def generate_posts(n: int, authors: int = 20_000, seed: int = 7, start: int = 1_767_225_600,
                   signal_rate: float = 0.02) -> list[PostRecord]:
    """The same arguments give the same (shared, read-only) list: benches reuse one corpus."""
    rng = random.Random(seed)
    year = 365 * 24 * 3600
    base = _demo_texts()
    out = []
    for i in range(n):
        # A demo post with words of a realistic vocabulary mixed in: no two posts are the same.
        words = rng.choice(base).split(" ")
        for _ in range(rng.randint(0, _MAX_MIXED_IN)):
            words.insert(rng.randint(0, len(words)), _mixed_in_word(rng))
        if rng.random() < signal_rate:
            words.insert(rng.randint(0, len(words)), rng.choice(_SIGNALS))
        if rng.random() < 0.1:
            words.append(f"@user{rng.randrange(authors)}")
        if rng.random() < 0.1:
            words.append("#" + rng.choice(_WORDS))
        text = " ".join(words)
        author = f"user{int(rng.paretovariate(1.2) * 7) % authors}"
        created = start + rng.randrange(year)
        raw = json.dumps({"id": str(i), "text": text, "author": author, "created_at": created})
        out.append(PostRecord(source="bench", external_id=str(i), text=text, author_handle=author,
                              created_at=created, created_raw=str(created), raw=raw))
    return out


def write_jsonl(path, records) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(rec.raw + "\n")
