"""Author concern: the person, not one post. Computed at every analytics refresh and stored
(``author_concern``), so the console and the CLI read it instead of recomputing it.

For one author, over their posts with a hit above NOISE_FLOOR (posts an analyst labeled benign
left out), with ages measured back from the store's newest post (an archive replayed next year
scores as it did):

    weight(s)  = (s - NOISE_FLOOR) / (1 - NOISE_FLOOR)     how far a hit stands above the noise
    r(t)       = 0.5 ** (age in days / HALF_LIFE_DAYS)     recent weighs more than old
    e_i        = 1 - (1 - x1)(1 - x2/2)(1 - x3/4)          per indicator i, x = weight of its best hit in a
                                                           post, best three posts: repeats add less and less
    spread     = max over windows of WINDOW_DAYS ending at a post of
                 [1 - prod_i (1 - W_i * e_i)] * r(window end) * (1 - 0.5 ** strong posts in it)
    proximity  = [1 - (1 - y1)(1 - y2/2)(1 - y3/4)] * (1 - 0.5 ** n)
                 y = weight(best plan/weapons/target hit, >= PROXIMITY_MIN_SCORE) * r, over the n posts
                 that also name a date or time, or carry a second violent indicator
    escalation = max(best change strength * r(change week), TREND_UP if the trend is up)
    base       = 1 - (1 - spread)(1 - W_PROXIMITY * proximity)(1 - W_ESCALATION * escalation)
    concern    = 1 - (1 - base)(1 - ESCALATE_LIFT) ** escalated          (posts labeled escalate, <= 3)
    concern    = concern * (1 - BENIGN_DROP) ** benign                     (posts labeled benign, <= 3)

The README ("Author concern") says why each part is there.
Deterministic (no wall clock in the figure), and every figure keeps its parts
(``ConcernBreakdown``) so the author screen and ``--json`` can show what it is made of.
Authors at or above CONCERN_THRESHOLD are *of concern*: their strongest posts enter the
flagged queue (``concern_lifts``) and ``--alert-cmd`` fires when they cross it.
"""

from __future__ import annotations

import time
from bisect import bisect_left, insort
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from ..concern_levels import CONCERN_THRESHOLD
from ..indicators import INDICATOR_LIST, VIOLENT
from ..store import analytics_queries as aq
from ..store import concern_queries as cq
from .proximity import names_a_time
from .warnings import PostEvidence, WarningBehaviour, find_behaviours, load_rules

METHOD = "concern/v1"
HALF_LIFE_DAYS = 90.0
NOISE_FLOOR = 0.2  # hit scores up to here are the detector's noise (idioms it half-recognised)
# W_i: how much one indicator, fully shown, says about a person (the indicator table's ``concern``)
WEIGHTS = {i.id: i.concern for i in INDICATOR_LIST if i.concern}
PROXIMITY_INDICATORS = tuple(i.id for i in INDICATOR_LIST if i.proximity)
PROXIMITY_MIN_SCORE = 0.3  # a weaker plan/weapons/target hit adds under 0.13: its words are not read
W_PROXIMITY = 0.7
W_ESCALATION = 0.6
TREND_UP = 0.15
ESCALATE_LIFT = 0.35
BENIGN_DROP = 0.1
MAX_LABELS_COUNTED = 3
LIFT_POSTS = 3  # an author of concern's strongest posts that enter the flagged queue
DETAIL_FLOOR = 0.1  # warning behaviours are looked for from this concern up
TREND_INDICATORS = tuple(i.id for i in INDICATOR_LIST if i.trend)
TREND_MIN_RECENT = 3
TREND_RECENT_DAYS = 28
TREND_BEFORE_DAYS = 56
RISE_EPSILON = 0.005
WINDOW_DAYS = 56
STRONG_HIT = 0.4  # a hit this strong counts as a post that corroborates the others
ESCALATE, BENIGN = "escalate", "benign"
_DIMINISH = (1.0, 0.5, 0.25)


def diminishing(values: Iterable[float]) -> float:
    """1 - (1 - v1)(1 - v2/2)(1 - v3/4) over the three largest: more is more, but less each time."""
    miss = 1.0
    for weight, v in zip(_DIMINISH, sorted(values, reverse=True)):
        miss *= 1.0 - weight * min(1.0, v)
    return 1.0 - miss


def weight(score: float) -> float:
    """How far a hit stands above the noise floor, 0..1: a 0.3 hit says little, a 0.9 one a lot."""
    return max(0.0, (min(1.0, score) - NOISE_FLOOR) / (1.0 - NOISE_FLOOR))


def recency(created_at: int, reference: int) -> float:
    age_days = max(0.0, (reference - created_at) / 86400)
    return 0.5 ** (age_days / HALF_LIFE_DAYS)


@dataclass
class ConcernBreakdown:
    """What one concern figure is made of (see the module docstring for the formula)."""

    indicators: dict[str, float]  # e_i, recency-weighted evidence per indicator
    spread: float
    proximity: float
    proximity_posts: list[int]  # the posts behind it, strongest first
    escalation: float
    change_weeks: list[str]  # behaviour-change weeks (ISO)
    trend: str  # up | down | flat | quiet
    base: float
    escalated: int  # posts labeled escalate (counted up to MAX_LABELS_COUNTED)
    benign: int  # posts labeled benign (their hits left out)
    concern: float
    reference_time: int  # the store's newest post: ages are measured back from it
    half_life_days: float = HALF_LIFE_DAYS

    def lines(self) -> list[str]:
        """The breakdown in words, one part a line (the author screen and the CLI print these)."""
        inds = ", ".join(f"{k} {v:.2f}" for k, v in sorted(self.indicators.items(), key=lambda kv: -kv[1]))
        out = [f"indicators (spread {self.spread:.2f}): {inds or 'none'}",
               f"proximity {self.proximity:.2f}: {len(self.proximity_posts)} post(s) with a plan, weapon or target"
               " beside a date/time or a second violent indicator",
               f"escalation {self.escalation:.2f}: " + (f"behaviour change {', '.join(self.change_weeks)}"
                                                       if self.change_weeks else "no behaviour change")
               + f", trend {self.trend}"]
        if self.escalated or self.benign:
            out.append(f"analysts: {self.escalated} post(s) escalated, {self.benign} benign")
        out.append(f"concern {self.concern:.2f} (base {self.base:.2f}; half-life {self.half_life_days:g} days)")
        return out


@dataclass
class AuthorConcern:
    author_id: int
    concern: float
    breakdown: ConcernBreakdown
    behaviours: list[WarningBehaviour]
    flagged: int = 0
    latest_at: int | None = None
    trend: str = "quiet"
    lift_posts: list[int] = field(default_factory=list)

    @property
    def evidence(self) -> list[int]:
        """Every post behind the behaviours and the proximity, once, in order found."""
        seen: list[int] = []
        for pid in [p for b in self.behaviours for p in b.evidence] + self.breakdown.proximity_posts:
            if pid not in seen:
                seen.append(pid)
        return seen


@dataclass
class _Post:
    post_id: int
    created_at: int
    disposition: str | None
    direct: bool
    scores: dict[str, float] = field(default_factory=dict)  # text indicators only: best hit score
    weights: dict[str, float] = field(default_factory=dict)  # ... as weight(score)
    change_score: float = 0.0  # behavior_change mark (analytics)

    strong: bool = False  # a hit at or above STRONG_HIT


def _top3(ascending: list[float]) -> float:
    """``diminishing`` of a list already sorted ascending (the sliding window's): no sort."""
    miss = 1.0
    for weight_, v in zip(_DIMINISH, reversed(ascending[-3:])):
        miss *= 1.0 - weight_ * v
    return 1.0 - miss


def _spread(window: dict[str, list[float]]) -> tuple[dict[str, float], float]:
    """Per-indicator evidence and the spread over them, from each indicator's ascending weights."""
    indicators = {i: _top3(ws) for i, ws in window.items() if ws}
    miss = 1.0
    for ind, e in indicators.items():
        miss *= 1.0 - WEIGHTS.get(ind, 0.0) * e
    return indicators, 1.0 - miss


def _worst_window(posts: Sequence[_Post], reference: int) -> tuple[dict[str, float], float]:
    """Per-indicator evidence and spread over the author's worst WINDOW_DAYS (ending at one of
    their posts), times the recency of that window's end. Indicators that come together within
    weeks say more than the same ones scattered over a year of everyday posts.

    The window slides over the posts (oldest first) keeping each indicator's weights sorted, so
    an author with thousands of posts costs a pass, not a pass per window."""
    timed = [p for p in posts if p.scores]
    span = WINDOW_DAYS * 86400
    best: tuple[float, dict[str, float]] = (0.0, {})
    window: dict[str, list[float]] = {}  # indicator -> weights in the window, ascending
    strong = 0
    start = 0
    for end, last in enumerate(timed):
        for ind, w in last.weights.items():
            insort(window.setdefault(ind, []), w)
        strong += last.strong
        while timed[start].created_at < last.created_at - span:
            for ind, w in timed[start].weights.items():
                weights = window[ind]
                del weights[bisect_left(weights, w)]
            strong -= timed[start].strong
            start += 1
        # A window that the next one holds whole is never the worst: the next has every post
        # it has, and is more recent. Only the last window before a post drops out is scored,
        # and at most one a day (a busy author's windows differ by hours: same picture).
        if end + 1 < len(timed) and (timed[end + 1].created_at - span <= timed[start].created_at
                                     or timed[end + 1].created_at // 86400 == last.created_at // 86400):
            continue
        indicators, spread = _spread(window)
        # One loud post is not a pattern: each further strong post halves what is left to doubt.
        r = recency(last.created_at, reference) * (1.0 - 0.5 ** strong)
        if spread * r > best[0]:
            best = (spread * r, {i: e * r for i, e in indicators.items()})
    return {i: round(e, 4) for i, e in best[1].items()}, best[0]


def _trend(posts: Sequence[_Post], reference: int) -> str:
    recent_from = reference - TREND_RECENT_DAYS * 86400
    before_from = recent_from - TREND_BEFORE_DAYS * 86400
    # A named place alone (target) is everyday talk; the trend counts intent, arms and attacks.
    violent = [p for p in posts if set(p.scores) & set(TREND_INDICATORS)]
    recent = sum(1 for p in violent if p.created_at >= recent_from)
    before = sum(1 for p in violent if before_from <= p.created_at < recent_from)
    if not any(p.created_at >= recent_from for p in posts):
        return "quiet"
    per_week_recent, per_week_before = recent / (TREND_RECENT_DAYS / 7), before / (TREND_BEFORE_DAYS / 7)
    if recent >= TREND_MIN_RECENT and per_week_recent >= 1.5 * per_week_before:
        return "up"
    if per_week_recent * 1.5 <= per_week_before:
        return "down"
    return "flat"


def assess(author_id: int, posts: Sequence[_Post], reference: int, changes: Sequence, labels: dict[str, int],
           texts: dict[int, tuple[str, str | None]], rules=None) -> AuthorConcern:
    """One author's concern from their posts with hits (``_Post``), stored change points
    (``ChangeRow``), current label counts and the texts of their proximity candidates."""
    evidence = [p for p in posts if p.disposition != BENIGN]
    indicators, spread = _worst_window(evidence, reference)
    prox: list[tuple[float, int]] = []
    for p in evidence:
        near = [p.weights[i] for i in PROXIMITY_INDICATORS if i in p.weights]
        if near and max(p.scores.get(i, 0.0) for i in PROXIMITY_INDICATORS) >= PROXIMITY_MIN_SCORE:
            violent = [i for i in VIOLENT if i in p.scores]
            text = texts.get(p.post_id, ("", None))[0]
            if len(violent) >= 2 or names_a_time(text):
                prox.append((max(near) * recency(p.created_at, reference), p.post_id))
    prox.sort(key=lambda x: (-x[0], -x[1]))
    proximity = diminishing(x for x, _ in prox) * (1.0 - 0.5 ** len(prox))  # corroborated, as the spread
    trend = _trend(evidence, reference)
    change_strength = max((max(0.0, 1.0 - c.p_value) * recency(c.week_start, reference) for c in changes),
                          default=0.0)
    escalation = max(change_strength, TREND_UP if trend == "up" else 0.0)
    base = 1.0 - (1.0 - spread) * (1.0 - W_PROXIMITY * proximity) * (1.0 - W_ESCALATION * escalation)
    escalated = min(labels.get(ESCALATE, 0), MAX_LABELS_COUNTED)
    benign = min(labels.get(BENIGN, 0), MAX_LABELS_COUNTED)
    concern = 1.0 - (1.0 - base) * (1.0 - ESCALATE_LIFT) ** escalated
    concern *= (1.0 - BENIGN_DROP) ** benign
    concern = round(min(1.0, max(0.0, concern)), 4)
    breakdown = ConcernBreakdown(indicators, round(spread, 4), round(proximity, 4), [pid for _, pid in prox[:10]],
                                 round(escalation, 4), sorted({c.week for c in changes}), trend, round(base, 4),
                                 labels.get(ESCALATE, 0), labels.get(BENIGN, 0), concern, reference)
    if concern < DETAIL_FLOOR:  # most authors with a hit: a stray word, nothing to list
        return AuthorConcern(author_id, concern, breakdown, [], trend=trend)
    marked: dict[str, list[int]] = {}
    by_time = sorted((p for p in evidence if p.change_score), key=lambda p: (-p.change_score, -p.created_at))
    for c in changes:
        marked.setdefault(c.kind, [p.post_id for p in by_time])
    behaviours = find_behaviours(rules if rules is not None else load_rules(),
                                 [PostEvidence(p.post_id, p.created_at, p.scores, p.direct) for p in evidence],
                                 marked)
    # The posts that best show why: strongest weighted hit first.
    strength = sorted(((max((WEIGHTS.get(i, 0.0) * s for i, s in p.scores.items()), default=0.0), p.created_at,
                        p.post_id) for p in evidence if p.scores), reverse=True)
    return AuthorConcern(author_id, concern, breakdown, behaviours, trend=trend,
                         lift_posts=[pid for _, _, pid in strength[:LIFT_POSTS]])


def _group(rows: Iterable[cq.EvidenceRow]) -> list[tuple[int, list[_Post]]]:
    """(author id, their posts with hits, oldest first), authors in id order."""
    posts: dict[int, _Post] = {}
    by_author: dict[int, list[_Post]] = {}
    for row in rows:
        post = posts.get(row.post_id)
        if post is None:
            post = posts[row.post_id] = _Post(row.post_id, row.created_at, row.disposition, bool(row.direct))
            by_author.setdefault(row.author_id, []).append(post)
        if row.origin == aq.CHANGE_HIT_ORIGIN and row.indicator == aq.CHANGE_INDICATOR:
            post.change_score = max(post.change_score, row.score)
        elif row.indicator in WEIGHTS and row.score > post.scores.get(row.indicator, 0.0):
            post.scores[row.indicator] = row.score
            post.weights[row.indicator] = weight(row.score)
            post.strong = post.strong or row.score >= STRONG_HIT
    for author_posts in by_author.values():
        author_posts.sort(key=lambda p: (p.created_at, p.post_id))
    return sorted(by_author.items())


def compute_concern(conn) -> list[AuthorConcern]:
    """Every author with evidence, assessed (read-only: nothing is written)."""
    reference = cq.newest_post_time(conn)
    if reference is None:
        return []
    changes: dict[int, list] = {}
    for row in aq.stored_changes(conn):
        changes.setdefault(row.author_id, []).append(row)
    labels = cq.labels_per_author(conn)
    flagged = cq.flagged_per_author(conn)
    rules = load_rules()
    grouped = list(_group(cq.evidence_rows(conn, NOISE_FLOOR)))
    # Only posts that carry a proximity indicator have their words read.
    wanted = [p.post_id for _, posts in grouped for p in posts if p.disposition != BENIGN
              and max((p.scores.get(i, 0.0) for i in PROXIMITY_INDICATORS), default=0.0) >= PROXIMITY_MIN_SCORE
              and sum(i in p.scores for i in VIOLENT) < 2]  # two violent indicators qualify without words
    texts = cq.post_texts(conn, wanted)
    latest = cq.latest_post_times(conn, [a for a, _ in grouped])
    out = []
    for author, posts in grouped:
        result = assess(author, posts, reference, changes.get(author, ()), labels.get(author, {}), texts, rules)
        result.flagged = flagged.get(author, 0)
        result.latest_at = latest.get(author)
        if result.concern > 0:
            out.append(result)
    out.sort(key=lambda c: (-c.concern, c.author_id))
    return out


@dataclass
class ConcernRefresh:
    authors: int = 0
    of_concern: int = 0
    crossed: list[int] = field(default_factory=list)  # author ids that rose to CONCERN_THRESHOLD or above
    lifted: int = 0  # posts newly put in the flagged queue for their author
    dropped: int = 0  # posts taken out again (the author's concern fell)
    seconds: float = 0.0


def refresh_concern(store, threshold: float = CONCERN_THRESHOLD,
                    clock: Callable[[], float] | None = None) -> ConcernRefresh:
    """Recompute every author's concern and store it, with the flagged-queue lifts. Returns who
    crossed ``threshold`` since the last refresh (the alert command's business)."""
    started = time.perf_counter()
    result = ConcernRefresh()
    if store.readonly or not cq.ensure_schema(store):
        return result
    aq.ensure_schema(store)
    conn = store.conn
    before = cq.previous(conn)
    assessed = compute_concern(conn)
    now = (clock or time.time)()
    rows, lifts = [], {}
    for c in assessed:
        old, changed_at = before.get(c.author_id, (0.0, None))
        if c.concern > old + RISE_EPSILON:
            changed_at = now
        if c.concern >= threshold:
            result.of_concern += 1
            if old < threshold:
                result.crossed.append(c.author_id)
            for pid in c.lift_posts:
                lifts[pid] = (c.author_id, c.concern)
        rows.append(cq.ConcernWrite(c.author_id, c.concern, dict(vars(c.breakdown)),  # asdict deep-copies: slow
                                    [[b.name, b.evidence] for b in c.behaviours], c.flagged, c.latest_at, c.trend,
                                    changed_at))
    with store.transaction() as tx:
        cq.replace_concern(tx, rows, now, METHOD)
        result.lifted, result.dropped = cq.apply_lifts(tx, lifts, now)
    result.authors = len(rows)
    result.seconds = time.perf_counter() - started
    return result
