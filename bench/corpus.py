"""Realistic generated posts for benchmarks: many authors, a year of time, ~2% with indicators."""

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


@lru_cache(maxsize=2)
def generate_posts(n: int, authors: int = 20_000, seed: int = 7, start: int = 1_767_225_600,
                   signal_rate: float = 0.02) -> list[PostRecord]:
    """The same arguments give the same (shared, read-only) list: benches reuse one corpus."""
    rng = random.Random(seed)
    year = 365 * 24 * 3600
    base = _demo_texts()
    out = []
    for i in range(n):
        # A demo post with a few words of filler around it: the same texts never repeat exactly.
        words = rng.choice(base).split(" ") + rng.choices(_WORDS, k=rng.randint(0, 6))
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
