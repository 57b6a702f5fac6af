"""Tagging throughput: the detector against the bare ``spacy.blank("en")`` tokenizer on the same texts.

    from triage.detector.bench import bench_tagging
    bench_tagging(texts)   # {"posts": n, "tokenizer_posts_per_s": ..., "detector_posts_per_s": ..., "ratio": ...}
    bench_tagging(texts, n_process=2)   # ... + "pool_posts_per_s", "tokenizer_wall_posts_per_s", "pool_ratio"

Both run once untimed first (vocab and caches warm), then the best of ``repeat`` timed runs is
kept, since a shared box's load only ever makes a run slower. Single-process runs are timed in
CPU time of this process (``time.process_time``), which other work on a shared box disturbs far
less than wall-clock time. With ``n_process > 1`` the result also holds the rate of the worker
pool that bulk ingest uses (``Tagger(workers=2)``), which can only be timed on the wall clock, so
it is set beside the tokenizer's wall-clock rate of the same run (``pool_ratio``).
"""

from __future__ import annotations

import time
from typing import Sequence

from .registry import STARTER


def _best_rate(fn, n: int, repeat: int, clock=time.process_time) -> float:
    best = 0.0
    for _ in range(repeat):
        t = clock()
        fn()
        dt = clock() - t
        best = max(best, n / dt if dt > 0 else float("inf"))
    return best


def bench_tagging(texts: Sequence[str], batch_size: int = 1000, repeat: int = 3, detector=None,
                  model: str | None = STARTER, n_process: int = 1) -> dict:
    """One process: both timed in CPU time. ``n_process > 1`` adds the worker pool's rate, timed on
    the wall clock (its work is spread over processes) beside the tokenizer's wall-clock rate."""
    import spacy

    from .core import Detector

    texts = list(texts)
    n = len(texts)
    det = detector or Detector(model=model)
    blank = spacy.blank("en")

    def tokenize():
        for _doc in blank.pipe(texts, batch_size=batch_size):
            pass

    def tag():
        for _a in det.analyze_many(texts, batch_size=batch_size):
            pass

    tokenize()
    tag()
    tok_rate = _best_rate(tokenize, n, repeat)
    det_rate = _best_rate(tag, n, repeat)
    out = {
        "posts": n,
        "batch_size": batch_size,
        "detector": det.version,
        "tokenizer_posts_per_s": round(tok_rate, 1),
        "detector_posts_per_s": round(det_rate, 1),
        "ratio": round(det_rate / tok_rate, 3) if tok_rate else None,
    }
    if n_process > 1:
        def tag_pool():
            for _a in det.analyze_many(texts, batch_size=batch_size, n_process=n_process):
                pass

        tag_pool()  # forks the workers: not timed
        tok_wall = _best_rate(tokenize, n, repeat, time.perf_counter)
        pool_wall = _best_rate(tag_pool, n, repeat, time.perf_counter)
        if detector is None:
            det.close()
        out.update({
            "n_process": n_process,
            "tokenizer_wall_posts_per_s": round(tok_wall, 1),
            "pool_posts_per_s": round(pool_wall, 1),
            "pool_ratio": round(pool_wall / tok_wall, 3) if tok_wall else None,
        })
    return out


if __name__ == "__main__":  # python -m triage.detector.bench FILE.jsonl [FILE ...] [--no-model] [--n-process N]
    import argparse
    import json

    from ..evaluation import iter_labeled

    parser = argparse.ArgumentParser(prog="python -m triage.detector.bench")
    parser.add_argument("files", nargs="+", help="JSONL files with a text field (labels are not needed)")
    parser.add_argument("--no-model", action="store_true", help="rules only")
    parser.add_argument("--n-process", type=int, default=1, help="also time the worker pool of this size")
    parser.add_argument("--limit", type=int, default=0, help="at most this many posts per file")
    args = parser.parse_args()
    rows: list[str] = []
    for path in args.files:
        texts = [e.text for e in iter_labeled(path, [], require_cats=False)]
        rows += texts[: args.limit] if args.limit else texts
    print(json.dumps(bench_tagging(rows, model=None if args.no_model else STARTER, n_process=args.n_process),
                     indent=2))
