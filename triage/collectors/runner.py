"""Run a collector into the store: batches, progress, bad-record reports, optional tagging.

Shared by `triage import` (file importers) and `triage collect` (configured collectors).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from ..records import ImportProblem, PostRecord
from ..store import Store, StoreError
from .api import Collector, CollectorState
from ..record_check import DEFAULT_LIMITS, RecordError, RecordLimits, check_record

MAX_KEPT_PROBLEMS = 1000


class StrictStop(RuntimeError):
    """--strict: the first bad record stops the run (what was committed before it stays)."""

    def __init__(self, problem: ImportProblem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class RunSummary:
    read: int = 0
    added: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    problem_count: int = 0
    tagged: int = 0
    flagged: int = 0
    new_flagged_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0
    tag_failed: int = 0  # stored, but their batch could not be tagged: the next import or `tag` does it
    tag_error: str = ""

    @property
    def duplicates(self) -> int:
        return self.read - self.added


def run_collector(
    store: Store,
    collector: Collector,
    *,
    cursor=None,
    batch_size: int = 2000,
    strict: bool = False,
    tagger=None,
    on_problem: Callable[[ImportProblem], None] | None = None,
    on_progress: Callable[[int, int | None, RunSummary], None] | None = None,
    on_batch: Callable[[object], None] | None = None,
    limits: RecordLimits = DEFAULT_LIMITS,
) -> tuple[RunSummary, object]:
    """Collect everything the collector yields. Returns the summary and the collector's final cursor.

    ``on_batch(cursor)`` runs after each committed batch with the cursor that covers it, so
    the caller can save it (a crash then re-fetches at most one batch; repeats are ignored).
    """
    summary = RunSummary()
    started = time.perf_counter()
    state = CollectorState(cursor=cursor, limits=limits)
    if on_progress is not None:
        state.on_progress = lambda done, total: on_progress(done, total, summary)
    buffer: list[PostRecord] = []

    def flush() -> None:
        if not buffer:
            return
        result = store.add_posts(buffer)
        summary.read += result.seen
        summary.added += result.added
        buffer.clear()
        if tagger is not None and result.added:
            try:
                counts = tagger.tag_ids(store, result.new_ids())
            except StoreError:
                raise
            except Exception as exc:  # the posts are stored; they stay untagged for the next run
                summary.tag_failed += result.added
                summary.tag_error = f"{type(exc).__name__}: {str(exc)[:200]}"
            else:
                summary.tagged += counts.tagged
                summary.flagged += counts.flagged
                summary.new_flagged_ids.extend(counts.flagged_ids)
        if on_batch is not None:
            on_batch(state.cursor)

    def problem(item: ImportProblem) -> None:
        summary.problem_count += 1
        if len(summary.problems) < MAX_KEPT_PROBLEMS:
            summary.problems.append(item)
        if on_problem is not None:
            on_problem(item)
        if strict:
            flush()
            raise StrictStop(item)

    try:
        for item in collector.collect(state):
            if not isinstance(item, ImportProblem):
                # The built-in importers checked it already, with its file:line; this is the
                # guard for plugins and live collectors (the same check, so it costs little).
                try:
                    check_record(item, limits)
                except RecordError as exc:
                    where = getattr(item, "external_id", None)
                    item = ImportProblem(collector.name or "collector", 0,
                                         f"post {str(where)[:60]!r}: {exc}" if isinstance(where, str) else str(exc))
            if isinstance(item, ImportProblem):
                problem(item)
                continue
            buffer.append(item)
            if len(buffer) >= batch_size:
                flush()
        flush()
    finally:
        summary.seconds = time.perf_counter() - started
    return summary, state.cursor
