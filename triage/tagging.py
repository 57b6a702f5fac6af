"""Apply the detector to stored posts: at ingest, `triage tag` (untagged) and `triage retag` (all)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from .store import Store, TagResult, queries

BATCH = 1000


@dataclass
class TagCounts:
    tagged: int = 0
    flagged: int = 0
    hits_changed: int = 0
    flagged_ids: list[int] = field(default_factory=list)


class Tagger:
    def __init__(self, detector):
        self.detector = detector

    @property
    def version(self) -> str:
        return self.detector.version

    def _tag_rows(self, store: Store, rows: list[tuple[int, str]], counts: TagCounts) -> None:
        results = []
        for (post_id, _), analysis in zip(rows, self.detector.analyze_many([t for _, t in rows])):
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
            chunk = ids[i:i + BATCH]
            marks = ",".join("?" * len(chunk))
            rows = store.conn.execute(f"SELECT id, text FROM posts WHERE id IN ({marks}) ORDER BY id", chunk).fetchall()
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


def make_tagger(threshold: float | None = None, model: str | None = "default") -> Tagger:
    """Build the detector (imports spaCy: call only where tagging happens).

    ``model="default"``: the model `triage models activate` chose, else the shipped starter model."""
    from .detector import Detector
    from .learning import resolve_model

    return Tagger(Detector(threshold=threshold, model=resolve_model(model)))
