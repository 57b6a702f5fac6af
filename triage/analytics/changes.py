"""Behaviour change (``behavior_change``): a sudden rise in an author's violent rhetoric, or a
turn to a new target.

Each week has n posts, k of them with violent rhetoric (``VIOLENT``). Two rises are tested:

- share: k is binomial with one share p throughout, against a share p1 before week s and p2 > p1
  from s on. Normalising by posts per week keeps an author who simply posts more from looking
  like one who turned violent.
- volume: k is Poisson with one weekly rate, against rate l1 before s and l2 > l1 from s on: the
  "energy burst" of TRAP-18, more violent posts a week whatever else is posted. Escalating
  authors typically post more *and* more violently at once; when the detector also tags
  ordinary posts (a place named is a ``target``), the share moves little and the volume a lot.

For every admissible split s the likelihood ratio of the two models is computed (``2 * [l(before)
+ l(after) - l(all)]``, chi-square with one degree of freedom under no change), the best s is
kept, and its p-value is multiplied by the number of splits tried (Bonferroni: the best of many
splits is always somewhat surprising). A significant split is searched again on both sides
(binary segmentation), so an author can have several change points.

Target change. A target (a ``target`` hit's text: a person, group or place) that the author had
never named in a month or more of history and then names in at least three posts within four
weeks. Its strength is the share test on "posts naming it" split at its first week.

Change points raise the author's risk in the queue through ``behavior_change`` hits (origin
``analytics``) on the posts that carry the change (violent posts from the change week on, or
posts naming the new target), written by ``refresh_changes``. ``triage retag`` replaces all of a
post's hits, so run ``triage analyze`` (or ``refresh_changes``) after it.
"""

from __future__ import annotations

import math
import re
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..indicators import VIOLENT
from ..store import analytics_queries as aq
from .timeline import split_indicators
from .weeks import bounded_range, week_index, week_label, week_start

METHOD = "changepoint/v1"  # binomial share, Poisson volume, new target
ALPHA = 0.01  # after the Bonferroni correction
MIN_SEGMENT_WEEKS = 2
MIN_SEGMENT_POSTS = 5
MIN_HITS_AFTER = 3  # a "rise" to two violent posts is not one
MIN_RATIO = 1.5  # and the share must at least grow by half
MIN_VOLUME_HITS_AFTER = 5  # volume alone needs more evidence: busy weeks happen
MIN_VOLUME_RATIO = 2.0
MAX_DEPTH = 3
TARGET_MIN_POSTS = 3
TARGET_WINDOW_WEEKS = 4
TARGET_MIN_HISTORY_WEEKS = 4


@dataclass
class WeekCount:
    index: int  # week index (weeks.week_index)
    posts: int
    hits: int  # posts with violent rhetoric (or naming the target)

    @property
    def week(self) -> str:
        return week_label(self.index)


@dataclass
class ChangePoint:
    kind: str  # share | volume | target
    week: str  # ISO week the change happened, e.g. 2026-W14
    week_start: int  # UTC epoch of its Monday
    llr: float  # likelihood ratio statistic, 2 * log
    p_value: float  # Bonferroni-corrected
    rate_before: float  # share: of posts violent (target: naming it); volume: violent posts a week
    rate_after: float  # ... from the change week on
    posts_before: int
    posts_after: int
    hits_before: int
    hits_after: int
    target: str | None = None  # kind = target: whom or what
    significant: bool = True

    @property
    def strength(self) -> float:
        """0..1, the score of the ``behavior_change`` hits it writes."""
        return round(max(0.0, 1.0 - self.p_value), 4)

    def describe(self) -> str:
        stats = f"(LR {self.llr:.1f}, p={self.p_value:.2g})"
        if self.kind == "volume":
            return (f"{self.week}: violent posts a week {self.rate_before:.1f} -> {self.rate_after:.1f} {stats}")
        what = f"naming {self.target!r}" if self.kind == "target" else "violent rhetoric"
        return f"{self.week}: {what} {self.rate_before:.0%} -> {self.rate_after:.0%} of posts {stats}"


# ---- the series ------------------------------------------------------------------------------

def weekly_series(counts: Iterable[tuple], indicators: Sequence[str] = VIOLENT) -> list[WeekCount]:
    """Contiguous weeks (empty ones as zeros) from (week index, indicators, posts, ...) rows, as
    ``analytics_queries.author_bucket_counts(..., "week")`` gives them."""
    wanted = set(indicators)
    weeks: dict[int, WeekCount] = {}
    for row in counts:
        w, inds, posts = row[0], row[1], row[2]
        c = weeks.get(w) or weeks.setdefault(w, WeekCount(w, 0, 0))
        c.posts += posts
        if wanted.intersection(split_indicators(inds)):
            c.hits += posts
    return _contiguous(weeks)


def _contiguous(counts: dict[int, WeekCount]) -> list[WeekCount]:
    if not counts:
        return []
    return [counts.get(w) or WeekCount(w, 0, 0) for w in bounded_range(counts, "week")]


# ---- the test --------------------------------------------------------------------------------

def _loglik(k: int, n: int) -> float:
    if n == 0 or k == 0 or k == n:
        return 0.0
    p = k / n
    return k * math.log(p) + (n - k) * math.log(1 - p)


def chi2_sf1(x: float) -> float:
    """Survival function of chi-square with one degree of freedom."""
    return math.erfc(math.sqrt(max(x, 0.0) / 2))


def _split_stats(series: Sequence[WeekCount], s: int) -> tuple[int, int, int, int]:
    n1 = sum(w.posts for w in series[:s])
    k1 = sum(w.hits for w in series[:s])
    return n1, k1, sum(w.posts for w in series[s:]), sum(w.hits for w in series[s:])


def _xlogx(k: float, scale: float) -> float:
    return k * math.log(k / scale) if k else 0.0


def _share_llr(n1: int, k1: int, n2: int, k2: int) -> float:
    return 2 * (_loglik(k1, n1) + _loglik(k2, n2) - _loglik(k1 + k2, n1 + n2))


def _volume_llr(w1: int, k1: int, w2: int, k2: int) -> float:
    # Poisson: the -lambda * weeks terms sum to -k on both sides and cancel.
    return 2 * (_xlogx(k1, w1) + _xlogx(k2, w2) - _xlogx(k1 + k2, w1 + w2))


def _change_at(series: Sequence[WeekCount], s: int, llr: float, tests: int, kind: str,
               target: str | None = None) -> ChangePoint:
    n1, k1, n2, k2 = _split_stats(series, s)
    p_value = min(1.0, chi2_sf1(llr) * max(tests, 1))
    if kind == "volume":
        r1, r2 = k1 / s, k2 / (len(series) - s)
        significant = p_value < ALPHA and k2 >= MIN_VOLUME_HITS_AFTER and r2 >= MIN_VOLUME_RATIO * r1
    else:
        r1, r2 = (k1 / n1 if n1 else 0.0), (k2 / n2 if n2 else 0.0)
        significant = p_value < ALPHA and k2 >= (TARGET_MIN_POSTS if kind == "target" else MIN_HITS_AFTER) \
            and r2 >= MIN_RATIO * r1
    return ChangePoint(kind, series[s].week, week_start(series[s].index), round(llr, 3), p_value, round(r1, 4),
                       round(r2, 4), n1, n2, k1, k2, target, significant)


def best_rise(series: Sequence[WeekCount], kind: str = "share") -> tuple[int, float, int] | None:
    """(split, llr, splits tried) of the strongest rise (of the share of violent posts, or of
    their weekly volume), or None if no split qualifies."""
    total_n = sum(w.posts for w in series)
    total_k = sum(w.hits for w in series)
    best = None
    tests = 0
    n1 = k1 = 0
    for s in range(1, len(series)):
        n1 += series[s - 1].posts
        k1 += series[s - 1].hits
        n2, k2 = total_n - n1, total_k - k1
        if s < MIN_SEGMENT_WEEKS or len(series) - s < MIN_SEGMENT_WEEKS:
            continue
        if n1 < MIN_SEGMENT_POSTS or n2 < MIN_SEGMENT_POSTS or series[s].posts == 0:
            continue  # a split at an empty week is the same as at the next week with posts
        tests += 1
        w1, w2 = s, len(series) - s
        if kind == "share":
            if k2 * n1 <= k1 * n2:
                continue  # not a rise
            llr = _share_llr(n1, k1, n2, k2)
        else:
            if k2 * w1 <= k1 * w2:
                continue
            llr = _volume_llr(w1, k1, w2, k2)
        if best is None or llr > best[1]:
            best = (s, llr)
    return None if best is None else (best[0], best[1], tests)


def rises(series: Sequence[WeekCount], kind: str = "share", depth: int = 0) -> list[ChangePoint]:
    """Significant rises of one kind (share | volume), by binary segmentation, oldest first."""
    found = best_rise(series, kind)
    if found is None:
        return []
    s, llr, tests = found
    change = _change_at(series, s, llr, tests, kind)
    if not change.significant:
        return []
    if depth + 1 >= MAX_DEPTH:
        return [change]
    return rises(series[:s], kind, depth + 1) + [change] + rises(series[s:], kind, depth + 1)


_ARTICLE = re.compile(r"^(the|a|an)\s+")


def normalise_target(text: str) -> str:
    return _ARTICLE.sub("", " ".join(text.casefold().split()))


def target_changes(series: Sequence[WeekCount], target_posts: Sequence[tuple[int, int, str]]) -> list[ChangePoint]:
    """New targets: named in >= 3 posts within 4 weeks of first being named, after >= 4 weeks of
    history. ``target_posts`` are (post_id, created_at, hit text)."""
    if not series:
        return []
    first_week = series[0].index
    by_target: dict[str, dict[int, set[int]]] = {}
    for post_id, created_at, text in target_posts:
        key = normalise_target(text)
        if key:
            by_target.setdefault(key, {}).setdefault(week_index(created_at), set()).add(post_id)
    candidates = []
    for target, weeks in by_target.items():
        start = min(weeks)
        s = start - first_week
        early = sum(len(p) for w, p in weeks.items() if w < start + TARGET_WINDOW_WEEKS)
        history = sum(1 for w in series[:s] if w.posts)
        if early >= TARGET_MIN_POSTS and history >= TARGET_MIN_HISTORY_WEEKS:
            candidates.append((target, s, weeks))
    out = []
    for target, s, weeks in candidates:
        named = [WeekCount(w.index, w.posts, len(weeks.get(w.index, ()))) for w in series]
        llr = _share_llr(*_split_stats(named, s))
        change = _change_at(named, s, llr, len(candidates), "target", target)
        if change.significant:
            out.append(change)
    return out


def detect_changes(series: Sequence[WeekCount], target_posts: Sequence[tuple[int, int, str]] = ()) -> list[ChangePoint]:
    share = rises(series, "share")
    # A volume rise within a week of a share rise says the same thing less precisely.
    volume = [v for v in rises(series, "volume")
              if not any(abs(v.week_start - c.week_start) <= 7 * 86_400 for c in share)]
    return sorted(share + volume + target_changes(series, target_posts), key=lambda c: (c.week_start, c.kind))


# ---- storing: the queue sees behavior_change hits ----------------------------------------------

@dataclass
class ChangeRefresh:
    authors_checked: int = 0
    authors_changed: int = 0
    changes: int = 0
    posts_marked: int = 0
    seconds: float = 0.0
    per_author: dict[int, list[ChangePoint]] = field(default_factory=dict)


def _marks(changes: Sequence[ChangePoint], violent_posts: Sequence[tuple[int, int]],
           target_posts: Sequence[tuple[int, int, str]]) -> dict[int, tuple[float, str, str]]:
    """post id -> (score, text, rule) of its behavior_change hit; the earliest change wins."""
    marked: dict[int, tuple[float, str, str]] = {}
    for change in changes:
        hit = (change.strength, change.describe(), f"changepoint/{change.kind}/{change.week}")
        if change.kind != "target":
            ids = [pid for pid, ts in violent_posts if ts >= change.week_start]
        else:
            ids = [pid for pid, ts, text in target_posts
                   if ts >= change.week_start and normalise_target(text) == change.target]
        for pid in ids:
            marked.setdefault(pid, hit)
    return marked


def _change_row(c: ChangePoint, now: float) -> tuple:
    return (c.kind, c.week, c.week_start, c.llr, c.p_value, c.rate_before, c.rate_after, c.posts_before,
            c.posts_after, c.hits_before, c.hits_after, c.target, now, METHOD)


def from_row(row: aq.ChangeRow) -> ChangePoint:
    return ChangePoint(row.kind, row.week, row.week_start, row.llr, row.p_value, row.rate_before, row.rate_after,
                       row.posts_before, row.posts_after, row.hits_before, row.hits_after, row.target)


def refresh_changes(store, author_ids: Sequence[int] | None = None, batch: int = 500) -> ChangeRefresh:
    """Detect change points for every author with enough violent posts (or the given ones) and
    store them with their ``behavior_change`` hits. Authors whose change went away lose theirs."""
    started = time.perf_counter()
    aq.ensure_schema(store)
    conn: sqlite3.Connection = store.conn
    if author_ids is None:
        ids = set(aq.change_candidates(conn, VIOLENT, MIN_HITS_AFTER))
        ids |= {r.author_id for r in aq.stored_changes(conn)}
    else:
        ids = set(author_ids)
    result = ChangeRefresh()
    ordered = sorted(ids)
    for i in range(0, len(ordered), batch):
        chunk = ordered[i:i + batch]
        series: dict[int, dict[int, WeekCount]] = {a: {} for a in chunk}
        for author, week, posts, hits in aq.weekly_counts(conn, chunk, VIOLENT):
            series[author][week] = WeekCount(week, posts, hits or 0)
        plans = []
        for author in chunk:
            weeks = _contiguous(series[author])
            targets = aq.author_target_hits(conn, [author])
            changes = detect_changes(weeks, targets)
            marked = {}
            if changes:
                violent = aq.violent_posts_since(conn, author, changes[0].week_start, VIOLENT)
                marked = _marks(changes, violent, targets)
            plans.append((author, changes, marked))
        now = time.time()
        with store.transaction() as tx:
            for author, changes, marked in plans:
                aq.replace_changes(tx, author, [_change_row(c, now) for c in changes], marked, METHOD)
                result.authors_checked += 1
                if changes:
                    result.authors_changed += 1
                    result.changes += len(changes)
                    result.posts_marked += len(marked)
                    result.per_author[author] = changes
    result.seconds = time.perf_counter() - started
    return result
