"""Rescore: put the active model to work on every stored post and keep what changed
(`triage rescore`).

Each post is retagged with the active detector (``triage.detector.registry``); a post whose score
moved by more than ``RESCORE_MIN_SHIFT`` or whose flag changed keeps both in ``rescores``, so the
analysts can see what a new model did to the queue.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, cast

from ..evaluation import mean_or_none

if TYPE_CHECKING:
    from ..analytics.refresh import AnalyticsRefresh

RESCORE_MIN_SHIFT = 0.05  # a rescore keeps the old score of posts that moved more than this (or changed flag)


@dataclass
class RescoreReport:
    posts: int
    detector_version: str
    previous_versions: dict[str, int]  # detector version -> posts that carried it before (None: "untagged")
    newly_flagged: int
    unflagged: int
    hits_changed: int  # detector hits added + removed (behaviour-change marks, restored by analytics, not counted)
    mean_shift: float | None  # mean of new - old risk score over posts that had a score
    mean_abs_shift: float | None
    recorded: int  # rows written to `rescores` (shift > RESCORE_MIN_SHIFT or flag changed)
    at: float  # the run's timestamp, shared by its `rescores` rows
    seconds: float
    analytics: AnalyticsRefresh | None = None
    audit_id: int | None = None

    @property
    def flag_changed(self) -> int:
        return self.newly_flagged + self.unflagged


def _changed(old, new, min_shift: float) -> bool:
    if old.flagged != new.flagged:
        return True
    return old.score is not None and new.score is not None and abs(new.score - old.score) > min_shift


def rescore(store, *, threshold: float | None = None, analyst: str = "", tagger=None,
            min_shift: float = RESCORE_MIN_SHIFT, refresh_analytics: bool = True,
            on_progress: Callable[[int, int], None] | None = None) -> RescoreReport:
    """Retag every post with the active detector (``tagger``: another one), keep what changed.

    Per page of posts: read their state, retag them, read it again; a post whose score moved by
    more than ``min_shift`` or whose flag changed gets a ``rescores`` row with both. The tags and
    those rows are two transactions (Store.write_tags holds its own), so a crash between them
    loses at most one page of rows, never a tag. Then the analytics are refreshed (the retag
    removed the behaviour-change marks) and the run is audited.
    """
    from ..store import queries
    from ..store import rescore_queries as rq
    from ..tagging import BATCH, make_tagger

    started = time.time()
    tagger = tagger or make_tagger(threshold)
    version = tagger.version
    total = queries.stats(store.conn).posts
    at = time.time()
    previous: dict[str, int] = {}
    newly_flagged = unflagged = hits_changed = recorded = done = 0
    shifts: list[float] = []
    last = 0
    while True:
        before = rq.post_states(store.conn, last, BATCH)
        if not before:
            break
        first, last = before[0].id, before[-1].id
        marks = rq.analytics_hits_between(store.conn, first, last)
        hits_changed += tagger.tag_ids(store, [s.id for s in before]).hits_changed - marks
        rows = []
        for old, new in zip(before, rq.post_states_between(store.conn, first, last)):
            previous[old.detector_version or "untagged"] = previous.get(old.detector_version or "untagged", 0) + 1
            newly_flagged += new.flagged and not old.flagged
            unflagged += old.flagged and not new.flagged
            if old.score is not None:
                shifts.append(cast(float, new.score) - old.score)  # tag_ids just scored every post here
            if _changed(old, new, min_shift):
                rows.append(rq.RescoreRow(old.id, at, old.score, new.score, old.flagged, new.flagged,
                                          old.detector_version, version))
        recorded += rq.record_rescores(store, rows)
        done += len(before)
        if on_progress:
            on_progress(done, total)
    report = RescoreReport(
        posts=done, detector_version=version, previous_versions=previous, newly_flagged=int(newly_flagged),
        unflagged=int(unflagged), hits_changed=hits_changed, mean_shift=mean_or_none(shifts),
        mean_abs_shift=mean_or_none([abs(s) for s in shifts]), recorded=recorded, at=at, seconds=0.0)
    if refresh_analytics:
        from ..analytics.refresh import refresh_analytics as refresh

        report.analytics = refresh(store)
    report.seconds = time.time() - started
    report.audit_id = store.log(analyst, "rescore", version, {
        "posts": report.posts, "previous_detectors": previous, "newly_flagged": report.newly_flagged,
        "unflagged": report.unflagged, "hits_changed": hits_changed, "mean_shift": report.mean_shift,
        "recorded": recorded, "min_shift": min_shift, "at": at,
        "analytics": report.analytics.as_detail() if report.analytics is not None else None,
    })
    return report
