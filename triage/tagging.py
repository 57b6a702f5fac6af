"""Apply the detector to stored posts: at ingest, `triage tag` (untagged) and `triage retag` (all)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .store import Store, TagResult, queries

BATCH = 1000
# The detector reads at most this much of a post. The store keeps the text whole and the post
# view says where tagging stopped; a crafted 67-million-character post once broke tagging (spaCy
# E088) for every later `tag`, and a long one still costs memory in proportion to its length.
TAG_TEXT_CHARS = 1_000_000


@dataclass
class TagCounts:
    tagged: int = 0
    flagged: int = 0
    hits_changed: int = 0
    flagged_ids: list[int] = field(default_factory=list)


def default_workers() -> int:
    """Worker processes for bulk tagging when the config does not say: one per core, at most two
    (measured on a 2-core box: a pool of two roughly doubled throughput; more adds memory)."""
    return max(1, min(2, os.cpu_count() or 1))


class Tagger:
    """Tags stored posts. ``workers > 1`` tags in forked worker processes (``Detector.analyze_many``):
    only for a process that runs no threads of its own yet (the CLI), never inside the console."""

    def __init__(self, detector, workers: int = 1):
        self.detector = detector
        self.workers = max(1, int(workers))
        self.processes_used = 1  # what actually ran (fewer than asked where forking is not safe)

    def close(self) -> None:
        """Stop the worker processes, if any (they are kept between batches of one command)."""
        self.detector.close()

    def __enter__(self) -> "Tagger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def version(self) -> str:
        return self.detector.version

    def _tag_rows(self, store: Store, rows: list[tuple[int, str]], counts: TagCounts) -> None:
        results = []
        analyses = list(self.detector.analyze_many([t[:TAG_TEXT_CHARS] for _, t in rows], n_process=self.workers))
        self.processes_used = max(self.processes_used, self.detector.processes)
        for (post_id, _), analysis in zip(rows, analyses):
            # An indicator is present where the detector left evidence (any hit) or scored it at
            # the flag threshold; behaviour change (analytics) and the author profile count these.
            indicators = sorted({h.indicator for h in analysis.hits} |
                                {k for k, v in analysis.scores.items() if v >= self.detector.threshold})
            results.append(TagResult(
                post_id=post_id, score=round(analysis.risk, 4), flagged=analysis.flagged, indicators=indicators,
                hits=[(h.indicator, round(h.score, 4), h.start, h.end, h.text, h.rule, h.origin)
                      for h in analysis.hits],
            ))
            if analysis.flagged:
                counts.flagged += 1
                counts.flagged_ids.append(post_id)
        counts.hits_changed += store.write_tags(results, self.version)
        counts.tagged += len(rows)

    def tag_ids(self, store: Store, ids: Iterable[int]) -> TagCounts:
        counts = TagCounts()
        ids = list(ids)
        for i in range(0, len(ids), BATCH):
            rows = queries.post_texts(store.conn, ids[i:i + BATCH])
            self._tag_rows(store, rows, counts)
        return counts

    def _tag_pages(self, store: Store, page: Callable, on_progress, total: int) -> TagCounts:
        counts = TagCounts()
        last = 0
        while True:
            rows = page(store.conn, last, BATCH)
            if not rows:
                return counts
            self._tag_rows(store, rows, counts)
            last = rows[-1][0]
            if on_progress:
                on_progress(counts.tagged, total)

    def tag_untagged(self, store: Store, on_progress=None) -> TagCounts:
        total = queries.stats(store.conn).untagged
        return self._tag_pages(store, queries.untagged_posts, on_progress, total)

    def retag_all(self, store: Store, on_progress=None) -> TagCounts:
        total = queries.stats(store.conn).posts
        return self._tag_pages(store, queries.all_posts_text, on_progress, total)


def make_tagger(threshold: float | None = None, model: str | None = "active", workers: int | None = 1) -> Tagger:
    """Build the detector (imports spaCy: call only where tagging happens).

    ``model``: as the model registry names them (``triage.detector.registry``); ``"active"``, the
    model `triage models activate` chose, else the shipped starter model, is what stored posts get.
    ``workers``: tagging processes (``None``: ``default_workers()``); see ``Tagger``."""
    from .detector import Detector

    return Tagger(Detector(threshold=threshold, model=model),
                  default_workers() if workers is None else workers)
