"""Which UTC offset an author most likely lives at, from when they post.

People sleep. Over enough days an author's posts leave a quiet window of five or six hours and
an evening peak, at local times that vary much less between people than the offsets between
zones do. The fit slides a typical local-time activity profile (``REFERENCE_PROFILE``) around
the clock and asks, for every offset from -12 to +14 h, how likely the author's UTC posting
times are if they lived there: a log-likelihood over half-hour bins, i.e. a circular
cross-correlation of the histogram with the log profile. Two more kinds of evidence join the
same sum when the data has them:

- the offset written in the source's own timestamp (``posts.created_raw``, e.g. ``-04:00``),
  which many sources set from the poster's device; ``+00:00``/``Z`` is ignored because most
  APIs normalise every time to UTC, so it says nothing about the person;
- geotags, at roughly longitude / 15 hours (zones stray from that by an hour or two).

Posts come in bursts (a thread, an argument), and a burst says little more about the clock than
one post, so the histogram counts *active slots*: distinct (day, half-hour) pairs.

The rhythm gives the *phase* of a person's day, and people differ: a night owl in Berlin looks
like an early bird in London. So the activity posterior is spread by the chronotype spread
(``CHRONOTYPE_SD_H``, about an hour) before the timestamp and geotag terms join it. With that,
``confidence`` (posterior mass within one hour of the answer) tracks the measured accuracy
(the README) and no further tempering was needed (``TEMPER`` = 1). It also caps what
posting times alone can say: about three in four within an hour, however many posts.
Half-hour offsets are considered only where a zone uses them and timestamps or geotags point
there: the daily rhythm alone cannot tell 30 minutes apart.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from ..timeparse import utc_offset_minutes

METHOD = "diurnal-likelihood/v1"
MIN_POSTS = 20  # below this the activity fit is mostly noise (see the accuracy table)
MIN_RAW_POSTS = 3  # ... unless this many posts carry a non-UTC offset in their own timestamp
BINS = 48  # half hours
TEMPER = 1.0  # weight of the activity log-likelihood; 0.5 and 0.7 were under-confident
FLOOR = 0.15  # share of activity at any hour whatever the rhythm (insomnia, schedulers)
RAW_CAP = 10  # timestamps from one device say one thing, however many there are
NO_RHYTHM_PRIOR = 0.1  # share of accounts without a human daily rhythm, before seeing their posts
GEO_CAP = 5
GEO_SIGMA_H = 1.5
QUIET_WINDOW_H = 6
CHRONOTYPE_SD_H = 1.0  # spread of personal sleep times (chronotype) around the typical ones

# Relative posting activity by local hour (0..23), the shape social-media studies keep finding:
# a trough at 3-5 am, a climb from 7, a plateau through the day and a peak at 8-10 pm.
REFERENCE_PROFILE = (0.55, 0.35, 0.22, 0.14, 0.10, 0.10, 0.16, 0.32, 0.50, 0.62, 0.70, 0.74,
                     0.78, 0.76, 0.74, 0.74, 0.76, 0.80, 0.85, 0.92, 1.00, 1.00, 0.92, 0.75)

CANDIDATES: tuple[float, ...] = tuple(h / 2 for h in range(-24, 29))  # -12.0 .. +14.0
HALF_HOUR_ZONES = frozenset({-9.5, -3.5, 3.5, 4.5, 5.5, 6.5, 9.5, 10.5})


def _log_profile() -> list[float]:
    hourly = REFERENCE_PROFILE
    values = []
    for k in range(BINS):  # half-hour bin k is centred at k/2 + 1/4 h; hour h at h + 1/2
        x = k / 2 + 0.25 - 0.5
        lo = math.floor(x)
        frac = x - lo
        values.append(hourly[lo % 24] * (1 - frac) + hourly[(lo + 1) % 24] * frac)
    total = sum(values)
    return [math.log((1 - FLOOR) * v / total + FLOOR / BINS) for v in values]


LOG_PROFILE = _log_profile()


@dataclass
class OffsetCandidate:
    offset: float  # hours east of UTC
    probability: float


@dataclass
class RawOffsetCount:
    offset: float  # hours, as written in the source's timestamps
    posts: int


@dataclass
class OffsetEstimate:
    utc_offset: float | None  # hours; None when there is too little to go on
    confidence: float  # probability the true offset is within 1 h of utc_offset
    posts: int
    active_slots: int  # distinct (day, half-hour) pairs: what the activity fit counts
    reason: str  # one line: 'too few posts (12 < 20)' or what the answer rests on
    candidates: list[OffsetCandidate] = field(default_factory=list)  # most likely first
    quiet_hours_utc: list[int] = field(default_factory=list)  # the quietest 6 h, UTC
    quiet_hours_local: list[int] = field(default_factory=list)  # the same at utc_offset
    quiet_share: float = 0.0  # share of posts in that window
    peak_hour_local: int | None = None
    raw_offsets: list[RawOffsetCount] = field(default_factory=list)
    geotagged: int = 0
    geo_offset: float | None = None  # mean longitude / 15
    method: str = METHOD


# ---- the offset written in a raw timestamp (fast path) ------------------------------------------

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$")
_TWITTER = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} ([+-]\d{4}) \d{4}$")


def _minutes(sign_hhmm: str) -> int:
    digits = sign_hhmm[1:].replace(":", "")
    value = int(digits[:2]) * 60 + int(digits[2:4])
    return -value if sign_hhmm[0] == "-" else value


@lru_cache(maxsize=4096)
def _slow_offset(raw: str) -> int | None:
    return utc_offset_minutes(raw)


def raw_offset_minutes(raw: str | None) -> int | None:
    """``timeparse.utc_offset_minutes`` with a regex fast path for the common formats: an author
    with 10k posts must not cost 10k trial parses."""
    if not raw:
        return None
    first = raw[0]
    if first.isdigit() or first in "-+.":
        m = _ISO.match(raw)
        if m:
            tz = m.group(1)
            return None if tz is None else 0 if tz in "Zz" else _minutes(tz)
        if raw.replace(".", "", 1).lstrip("+-").isdigit():
            return None  # an epoch
    else:
        m = _TWITTER.match(raw)
        if m:
            return _minutes(m.group(1))
    return _slow_offset(raw)


# ---- the fit ----------------------------------------------------------------------------------

def bins_of(timestamps: Iterable[int]) -> tuple[list[int], list[int]]:
    """(active (day, half-hour) slots per UTC half-hour bin, posts per UTC hour)."""
    slots: dict[int, int] = {}
    for ts in timestamps:
        slot = int(ts) // 1800
        slots[slot] = slots.get(slot, 0) + 1
    bins, hourly = [0] * BINS, [0] * 24
    for slot, n in slots.items():
        bins[slot % BINS] += 1  # an active slot counts once, however many posts it holds
        hourly[(slot // 2) % 24] += n
    return bins, hourly


def activity_loglik(bins: Sequence[int]) -> dict[float, float]:
    """Log-likelihood of the UTC histogram for each candidate offset."""
    used = [(b, n) for b, n in enumerate(bins) if n]
    return {o: sum(n * LOG_PROFILE[(b + int(o * 2)) % BINS] for b, n in used) for o in CANDIDATES}


def _raw_term(offset: float, raw: Counter) -> float:
    total = 0.0
    for r, n in raw.items():
        d = abs(r - offset)
        p = 0.85 if d < 0.01 else 0.10 if d <= 1.0 else 0.05 / 40  # +-1 h: DST and neighbours
        total += min(n, RAW_CAP) * math.log(p)
    return total


def _no_rhythm_probability(loglik: dict[float, float], slots: int) -> float:
    """Posterior of "evenly spread over the day" against "a typical day at some offset"."""
    top = max(loglik.values())
    diurnal = top + math.log(sum(math.exp(v - top) for v in loglik.values()) / len(loglik))
    flat = slots * math.log(1 / BINS)
    odds = math.exp(max(-700.0, min(700.0, flat - diurnal))) * NO_RHYTHM_PRIOR / (1 - NO_RHYTHM_PRIOR)
    return odds / (1 + odds)


def _normalised(logs: dict[float, float]) -> dict[float, float]:
    top = max(logs.values())
    weights = {k: math.exp(v - top) for k, v in logs.items()}
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


def _chronotype_kernel() -> dict[int, float]:
    """P(phase - offset = k half-hours): how far a person's rhythm sits from the typical one."""
    raw = {k: math.exp(-((k / 2) ** 2) / (2 * CHRONOTYPE_SD_H ** 2)) for k in range(-6, 7)}
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}


def _circular_hours(a: float, b: float) -> float:
    d = abs(a - b) % 24
    return min(d, 24 - d)


def _quiet_window(hourly: Sequence[int]) -> tuple[int, int]:
    """(first UTC hour, posts) of the quietest QUIET_WINDOW_H-hour window."""
    sums = [sum(hourly[(h + i) % 24] for i in range(QUIET_WINDOW_H)) for h in range(24)]
    start = min(range(24), key=lambda h: (sums[h], h))
    return start, sums[start]


def infer_offset(timestamps: Sequence[int], raw_minutes: Iterable[int | None] = (),
                 longitudes: Iterable[float] = (), min_posts: int = MIN_POSTS) -> OffsetEstimate:
    """Most likely UTC offset from posting times, raw-timestamp offsets (minutes, one per post)
    and geotag longitudes."""
    bins, hourly = bins_of(timestamps)
    return infer_offset_from_bins(bins, hourly, Counter(m for m in raw_minutes if m is not None), longitudes,
                                  min_posts)


def infer_offset_from_bins(bins: Sequence[int], hourly_posts: Sequence[int], raw_counts: Mapping[int, int] | None = None,
                           longitudes: Iterable[float] = (), min_posts: int = MIN_POSTS) -> OffsetEstimate:
    """The same from aggregates: active slots per UTC half-hour bin (48), posts per UTC hour (24)
    and posts per raw-timestamp offset in minutes (``analytics_queries`` computes them in SQL)."""
    posts = sum(hourly_posts)
    raw = Counter({m / 60: n for m, n in (raw_counts or {}).items() if m})  # 0 says nothing: module doc
    lons = [lon for lon in longitudes if lon is not None and -180 <= lon <= 180]
    slots_active = sum(bins)
    est = OffsetEstimate(None, 0.0, posts, slots_active, "",
                         raw_offsets=[RawOffsetCount(o, n) for o, n in sorted(raw.items(), key=lambda x: -x[1])],
                         geotagged=len(lons))
    if lons:
        est.geo_offset = round(sum(lons) / len(lons) / 15, 1)
    quiet_start, quiet_posts = _quiet_window(hourly_posts)
    est.quiet_hours_utc = [(quiet_start + i) % 24 for i in range(QUIET_WINDOW_H)]
    est.quiet_share = round(quiet_posts / posts, 3) if posts else 0.0
    raw_posts = sum(raw.values())
    if posts < min_posts and raw_posts < MIN_RAW_POSTS:
        est.reason = f"too few posts ({posts} < {min_posts})"
        return est

    supported = {o for o in HALF_HOUR_ZONES
                 if o in raw or (est.geo_offset is not None and abs(o - est.geo_offset) <= 0.5)}
    loglik = {o: TEMPER * v for o, v in activity_loglik(bins).items()}
    phase = _normalised(loglik)
    # No daily rhythm at all (a bot, a scheduler, shift work, a shared account) fits posts spread
    # evenly over the day better than any offset does; then the fit's answer is noise, however
    # many posts there are, unless timestamps or geotags carry the offset.
    no_rhythm = _no_rhythm_probability(loglik, slots_active) if not (raw or lons) else 0.0
    if no_rhythm > 0.5:
        est.reason = (f"no daily rhythm: posts are spread over the whole day ({est.quiet_share:.0%} in the "
                      f"quietest {QUIET_WINDOW_H} h); a bot, a scheduler, shift work or several people")
        return est
    logpost: dict[float, float] = {}
    for o in CANDIDATES:
        if o != int(o) and o not in supported:
            continue
        # The rhythm fixes the *phase* (offset + chronotype); chronotype is unknown, ~N(0, 1 h).
        value = math.log(sum(p * _CHRONO[round(2 * (ph - o))] for ph, p in phase.items()
                             if round(2 * (ph - o)) in _CHRONO) + 1e-300) + _raw_term(o, raw)
        if lons and est.geo_offset is not None:  # set above whenever lons is
            value -= min(len(lons), GEO_CAP) * _circular_hours(o, est.geo_offset) ** 2 / (2 * GEO_SIGMA_H ** 2)
        logpost[o] = value
    post = _normalised(logpost)
    best = max(post, key=lambda o: (post[o], -abs(o)))
    est.utc_offset = best
    est.confidence = round((1 - no_rhythm) * sum(p for o, p in post.items() if abs(o - best) <= 1.0), 3)
    est.candidates = [OffsetCandidate(o, round(p, 3)) for o, p in sorted(post.items(), key=lambda x: -x[1])[:3]]
    est.quiet_hours_local = [int((h + best) % 24) for h in est.quiet_hours_utc]
    local = [0] * 24
    for h, n in enumerate(hourly_posts):
        local[int((h + best) % 24)] += n
    est.peak_hour_local = max(range(24), key=lambda h: local[h])
    est.reason = _explain(est, raw_posts)
    return est


def _explain(est: OffsetEstimate, raw_posts: int) -> str:
    parts = [f"{est.active_slots} active half-hours over {est.posts} posts; "
             f"quietest {QUIET_WINDOW_H} h at {est.quiet_hours_local[0]:02d}-"
             f"{(est.quiet_hours_local[0] + QUIET_WINDOW_H) % 24:02d} local ({est.quiet_share:.0%} of posts)"]
    if raw_posts:
        parts.append(f"{raw_posts} timestamps carry an offset")
    if est.geotagged:
        parts.append(f"{est.geotagged} geotags (~{est.geo_offset:+g} h)")
    return "; ".join(parts)


def format_offset(hours: float | None) -> str:
    """``UTC+05:30``; ``unknown`` for None."""
    if hours is None:
        return "unknown"
    sign = "-" if hours < 0 else "+"
    minutes = round(abs(hours) * 60)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


_CHRONO = _chronotype_kernel()
