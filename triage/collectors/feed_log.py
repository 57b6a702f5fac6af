"""One dead feed never blocks the rest: the per-feed outcome of a live collector's run.

A live collector reads several *feeds* (RSS feed URLs, 4chan boards, Mastodon timelines,
Bluesky queries and actors, Reddit listings). ``FeedLog.run`` wraps the records of one feed:
an error there (the server down after its retries, a page that is not JSON, a bug) ends that
feed only, is recorded against it with its time, and the collector goes on with the next.
When every feed has had its turn, ``FeedLog.finish`` raises ``FeedsFailed`` naming each
failed feed, so the run still records an error (and `triage collect` exits 1) while the
posts of the healthy feeds are stored and their cursors saved.

The outcome of each feed is kept in the collector's cursor under ``"status"`` (the cursor is
the one piece of per-collector state the store keeps; the positions beside it are the
collector's own). Collectors set their cursor through ``FeedLog.save`` so the status rides
along with every batch the runner commits. ``triage collectors`` reads it back
(``store.collectors.feed_statuses``).

A stop (``Interrupted``) is not a feed failure: it ends the whole run, as before.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from ..errors import TriageError
from ..records import PostRecord
from .api import CollectorState, PluginError
from ..credentials import SecretError
from .http_client import HttpError, Interrupted, settings_for

STATUS_KEY = "status"
_FEED_ERROR = 300


MAX_ERROR = 500


def one_line(exc: BaseException, limit: int | None = MAX_ERROR) -> str:
    """An exception as the one line a run records. Our own errors say it already; anything
    else gets its type, since ``KeyError: 'id'`` means nothing without it. Give ``limit=None``
    when secrets are still to be blanked out: redact the whole line first, then cut it."""
    text = " ".join(str(exc).split())
    if not (isinstance(exc, (HttpError, SecretError, PluginError, FeedsFailed, OSError)) and text):
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text if limit is None else text[:limit]


class FeedsFailed(TriageError, RuntimeError):
    """Some feeds of a run failed (each is named); the others were collected."""


class FeedLog:
    """The status of each configured feed of one collector, carried in its cursor."""

    def __init__(self, state: CollectorState, feeds: Iterable[str], clock: Callable[[], float] | None = None):
        self.state = state
        self.clock = clock or settings_for(state).clock  # the HTTP client's clock: tests set one
        self.feeds = list(dict.fromkeys(feeds))
        previous = state.cursor.get(STATUS_KEY) if isinstance(state.cursor, dict) else None
        previous = previous if isinstance(previous, dict) else {}
        # Feeds no longer configured drop out; a stored entry of the wrong shape starts afresh.
        self.status: dict[str, dict] = {
            feed: dict(previous[feed]) if isinstance(previous.get(feed), dict) else {} for feed in self.feeds}
        self.failed: list[tuple[str, str]] = []

    def save(self, cursor: dict) -> None:
        """Set the collector's cursor (positions the collector has yielded up to) with the status."""
        self.state.cursor = {**cursor, STATUS_KEY: {feed: dict(entry) for feed, entry in self.status.items()}}

    def _publish(self) -> None:
        current = self.state.cursor if isinstance(self.state.cursor, dict) else {}
        self.save({k: v for k, v in current.items() if k != STATUS_KEY})

    def run(self, feed: str, records: Iterable) -> Iterator:
        """Yield ``records`` (a generator that fetches one feed); an error ends this feed only."""
        entry = self.status.setdefault(feed, {})
        read = 0
        try:
            for item in records:
                if isinstance(item, PostRecord):
                    read += 1
                yield item
        except Interrupted:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of one feed is that feed's recorded error
            # The status is stored with the cursor: the runner's fence blanks the collector's
            # secrets out of the whole message before it is cut.
            redact = self.state.extra.get("redact") or (lambda text: text)
            message = redact(one_line(exc, limit=None))[:_FEED_ERROR]
            entry.update(last_error=message, last_error_at=self.clock(), read=read)
            self.failed.append((feed, message))
        else:
            entry.update(last_ok_at=self.clock(), last_error=None, read=read)
        self._publish()

    def finish(self) -> None:
        """Raise ``FeedsFailed`` if any feed failed this run (after every feed had its turn)."""
        if not self.failed:
            return
        if len(self.feeds) == 1:
            raise FeedsFailed(self.failed[0][1])
        detail = "; ".join(f"{feed}: {message}" for feed, message in self.failed)
        raise FeedsFailed(f"{len(self.failed)} of {len(self.feeds)} feeds failed: {detail}")
