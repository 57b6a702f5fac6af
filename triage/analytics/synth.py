"""Synthetic authors with a known behaviour, for tests and for measuring the offset inference.

The people here are deliberately *not* the reference profile the inference fits: each has their
own chronotype (sleep shifted by about an hour either way), a noisy personal curve, bursts of
posts, and a share of posts at random hours. That is what makes the accuracy figures honest.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from .tzinfer import REFERENCE_PROFILE

DAY = 86_400
START = 1_767_225_600  # 2026-01-01 00:00 UTC, a Thursday


@dataclass
class Persona:
    offset: float  # hours east of UTC (the truth)
    chronotype_h: float  # sleep shifted later (+) or earlier (-), hours
    noise: float  # share of posts at uniformly random hours
    curve: list[float]  # personal activity by local hour


# Where people are: whole-hour zones weighted roughly by online population, and a few half-hours.
OFFSETS = (-8, -7, -6, -5, -5, -4, -3, 0, 0, 1, 1, 1, 2, 2, 3, 3, 5.5, 7, 8, 8, 9, 10, -10, 12)


def persona(rng: random.Random, offset: float | None = None, chronotype_sd: float = 1.0,
            noise: float = 0.1) -> Persona:
    if offset is None:
        offset = rng.choice(OFFSETS)
    shift = max(-2.5, min(2.5, rng.gauss(0.0, chronotype_sd)))
    curve = []
    for h in range(24):
        x = (h - shift) % 24
        lo = int(x)
        frac = x - lo
        base = REFERENCE_PROFILE[lo] * (1 - frac) + REFERENCE_PROFILE[(lo + 1) % 24] * frac
        curve.append(base * math.exp(rng.gauss(0.0, 0.35)))  # personal habits hour by hour
    return Persona(offset, shift, noise, curve)


def post_times(rng: random.Random, person: Persona, n_posts: int, days: int = 120,
               start: int = START) -> list[int]:
    """UTC epoch times of ``n_posts`` posts over ``days`` days, in bursts."""
    times: list[int] = []
    hours = list(range(24))
    while len(times) < n_posts:
        day = rng.randrange(days)
        if rng.random() < person.noise:
            local_h = rng.uniform(0, 24)
        else:
            local_h = rng.choices(hours, weights=person.curve)[0] + rng.random()
        t = start + day * DAY + int((local_h - person.offset) * 3600)
        burst = 1 + min(int(rng.expovariate(1.0)), 5)  # a thread or an exchange: same slot
        for _ in range(min(burst, n_posts - len(times))):
            times.append(t)
            t += rng.randrange(20, 400)
    return sorted(times)


# ---- stores with planted behaviour (tests, bench) ------------------------------------------------

def records(handle: str, times: list[int], source: str = "synth", texts: list[str] | None = None,
            **fields) -> list:
    """PostRecords for one author at the given UTC times; ``fields`` go to every record
    (a callable value is called with the post's index)."""
    from ..records import PostRecord

    out = []
    for i, ts in enumerate(times):
        extra = {k: (v(i) if callable(v) else v) for k, v in fields.items()}
        out.append(PostRecord(source=source, external_id=f"{handle}-{i}", author_handle=handle, created_at=ts,
                              created_raw=extra.pop("created_raw", str(ts)),
                              text=texts[i] if texts else f"post {i} by {handle}", raw={"i": i}, **extra))
    return out


def tag(store, indicators_by_post: dict[int, list[str]], score: float = 0.8, version: str = "synth") -> None:
    """Write detector output: one hit per indicator (the hit's text is the indicator id unless
    the entry is ``(indicator, text)``)."""
    from ..store import TagResult

    results = []
    for post_id, inds in indicators_by_post.items():
        pairs = [(i, i) if isinstance(i, str) else i for i in inds]
        results.append(TagResult(post_id=post_id, score=score if pairs else 0.0, flagged=bool(pairs),
                                 indicators=sorted({i for i, _ in pairs}),
                                 hits=[(i, score, 0, len(t), t, f"synth/{i}", "rule") for i, t in pairs]))
    store.write_tags(results, version)
