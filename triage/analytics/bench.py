"""Timings of the analytics against their targets (DESIGN/issue #5), for ``make bench``:

    author profile (all analytics, one author with 10k posts)   <= 0.1 s
    overview aggregates                                         <= 0.3 s
    trends                                                      <= 2 s      (1M posts)
    author concern, full refresh (every author)                 <= 10 s     (1M posts)

Each ``bench_*`` returns seconds for a warm call (median of ``runs``), the way an analyst meets
it: the derived tables are brought up to date first (as ``triage analyze`` or an import does) and
the overview cache is filled once. ``cold_*`` figures are reported by ``main`` beside them.

    python -m triage.analytics.bench [--db FILE] [--posts 1000000]

without ``--db`` builds a synthetic store (``build_store``) in a temporary directory first.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from itertools import accumulate
from pathlib import Path

from .derived import refresh_derived
from .overview import overview
from .profile import author_profile
from .trends import trends
from .weeks import parse_week, week_label

TARGETS = {"author_profile": 0.1, "overview": 0.3, "trends": 2.0, "concern": 10.0}


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _prepare(store) -> None:
    if not store.readonly:
        refresh_derived(store)


def bench_author_profile(store, handle: str, runs: int = 5) -> float:
    _prepare(store)
    author_profile(store, handle)  # warm the page cache, as a second look at an author would be
    return _median(lambda: author_profile(store, handle), runs)


def bench_overview(store, runs: int = 5) -> float:
    _prepare(store)
    overview(store)  # fills the cache
    return _median(lambda: overview(store), runs)


def bench_concern(store) -> float:
    """One full concern refresh (it recomputes every author with evidence each time: recency
    moves with the newest post, so there is nothing incremental to skip)."""
    from .concern import refresh_concern

    return refresh_concern(store).seconds


def bench_trends(store, runs: int = 3) -> float:
    """The slower of this week's check (often a partial week) and the last full week's."""
    _prepare(store)
    newest = trends(store.conn).week
    if newest is None:
        return _median(lambda: trends(store.conn), runs)
    full = week_label(parse_week(newest) - 1)
    return max(_median(lambda: trends(store.conn), runs), _median(lambda: trends(store.conn, week=full), runs))


# ---- a synthetic store of the bench's size -------------------------------------------------------

_VOCAB = None


def _vocab(rng: random.Random) -> list[str]:
    global _VOCAB
    if _VOCAB is None:
        letters = "abcdefghijklmnopqrstuvwxyz"
        _VOCAB = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(30_000)]
    return _VOCAB


def build_store(path, posts: int = 1_000_000, authors: int = 20_000, heavy_posts: int = 10_000,
                weeks: int = 40, seed: int = 1, batch: int = 20_000, flagged_share: float = 0.04) -> str:
    """A store of ``posts`` synthetic posts over ``weeks`` weeks, with one author ("heavy") who
    has ``heavy_posts`` posts; a share of posts tagged and flagged, replies, mentions, hashtags
    and links. Returns the heavy author's handle."""
    from ..records import PostRecord
    from ..store import Store, TagResult

    rng = random.Random(seed)
    vocab = _vocab(rng)
    cum_weights = list(accumulate(1 / (i + 1) for i in range(len(vocab))))  # Zipf: few words common, most rare
    start = 1_767_225_600 - 3 * 86_400  # Monday 2025-12-29
    span = weeks * 7 * 86_400
    heavy = "heavy_poster"
    store = Store.open(path)
    made = 0
    inds = ("threat", "weapons", "distress", "target", "isolation")
    while made < posts:
        records: list[PostRecord] = []
        for _ in range(min(batch, posts - made)):
            i = made + len(records)
            handle = heavy if i % max(1, posts // heavy_posts) == 0 else f"user{rng.randrange(authors)}"
            words = rng.choices(vocab, cum_weights=cum_weights, k=rng.randint(8, 25))
            if rng.random() < 0.05:
                words.append(f"https://site{rng.randrange(50)}.example/p/{i}")
            tags = [f"tag{rng.randrange(300)}"] if rng.random() < 0.2 else []
            ts = start + int(span * i / posts) + rng.randrange(3600)
            records.append(PostRecord(
                source=("mastodon", "reddit", "x", "telegram")[i % 4], external_id=str(i), text=" ".join(words),
                author_handle=handle, created_at=ts, created_raw=str(ts),
                mentions=[f"user{rng.randrange(authors)}"] if rng.random() < 0.15 else [],
                reply_to_author=f"user{rng.randrange(authors)}" if rng.random() < 0.2 else None,
                hashtags=tags, raw={"i": i}))
        res = store.add_posts(records)
        tagged = [TagResult(pid, 0.7, True, [rng.choice(inds)], [(rng.choice(inds), 0.7, 0, 4, "word", "b", "rule")])
                  for pid in res.new_ids() if rng.random() < flagged_share]
        store.write_tags(tagged, "bench")
        made += len(records)
    store.close()
    return heavy


def main(argv=None) -> None:
    from ..store import Store
    from ..store.authors import most_active_author

    parser = argparse.ArgumentParser(description="Time the analytics against their targets.")
    parser.add_argument("--db", default=None, help="an existing store (default: build a synthetic one)")
    parser.add_argument("--author", default=None, help="the author to profile (default: the one with most posts)")
    parser.add_argument("--posts", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory()
        args.db = str(Path(tmp.name) / "bench.db")
        t = time.perf_counter()
        args.author = build_store(args.db, posts=args.posts)
        print(f"built a {args.posts:,}-post store in {time.perf_counter() - t:.1f} s")
    with Store.open(args.db) as store:
        if args.author is None:
            top = most_active_author(store.conn)
            assert top is not None, f"{args.db} has no authors to profile"
            args.author = f"{top.source}:{top.handle}"
        t = time.perf_counter()
        counts = refresh_derived(store)
        print(f"derived tables brought up to date: {time.perf_counter() - t:.1f} s "
              f"({counts.posts_counted:,} posts' terms, {counts.interactions:,} interactions)")
        t = time.perf_counter()
        overview(store, use_cache=False)
        print(f"overview, uncached (cold): {time.perf_counter() - t:.3f} s")
        results = {"author_profile": bench_author_profile(store, args.author), "overview": bench_overview(store),
                   "trends": bench_trends(store), "concern": bench_concern(store)}
    for name, seconds in results.items():
        verdict = "ok" if seconds <= TARGETS[name] else "OVER"
        print(f"{name:<16} {seconds * 1000:8.1f} ms   target {TARGETS[name] * 1000:6.0f} ms   {verdict}")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
