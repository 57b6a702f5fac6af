"""Tagging throughput: the detector against the bare ``spacy.blank("en")`` tokenizer on the same texts.

    from triage.detector.bench import bench_tagging
    bench_tagging(texts)   # {"posts": n, "tokenizer_posts_per_s": ..., "detector_posts_per_s": ..., "ratio": ...}

Both run once untimed first (vocab and caches warm), then the best of ``repeat`` timed runs is
kept, since a shared box's load only ever makes a run slower. Single-process runs are timed in
CPU time of this process (``time.process_time``), which other work on a shared box disturbs far
less than wall-clock time; runs with worker processes (``n_process > 1``) can only be timed on
the wall clock (``clock`` in the result says which).
"""

from __future__ import annotations

import time
from typing import Sequence


def _best_rate(fn, n: int, repeat: int, clock=time.process_time) -> float:
    best = 0.0
    for _ in range(repeat):
        t = clock()
        fn()
        dt = clock() - t
        best = max(best, n / dt if dt > 0 else float("inf"))
    return best


def bench_tagging(texts: Sequence[str], batch_size: int = 1000, repeat: int = 3, detector=None,
                  model: str | None = "default", n_process: int = 1) -> dict:
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
        for _a in det.analyze_many(texts, batch_size=batch_size, n_process=n_process):
            pass

    tokenize()
    tag()
    clock = time.process_time if n_process <= 1 else time.perf_counter
    tok_rate = _best_rate(tokenize, n, repeat, clock)
    det_rate = _best_rate(tag, n, repeat, clock)
    return {
        "posts": n,
        "batch_size": batch_size,
        "n_process": n_process,
        "clock": "cpu" if n_process <= 1 else "wall",
        "detector": det.version,
        "tokenizer_posts_per_s": round(tok_rate, 1),
        "detector_posts_per_s": round(det_rate, 1),
        "ratio": round(det_rate / tok_rate, 3) if tok_rate else None,
    }


if __name__ == "__main__":  # python -m triage.detector.bench FILE.jsonl [--no-model] [--n-process N]
    import json
    import sys

    from ..evaluation import iter_labeled

    path = sys.argv[1]
    rows = [e.text for e in iter_labeled(path, [], require_cats=False)]
    nproc = int(sys.argv[sys.argv.index("--n-process") + 1]) if "--n-process" in sys.argv else 1
    print(json.dumps(bench_tagging(rows, model=None if "--no-model" in sys.argv else "default", n_process=nproc),
                     indent=2))
