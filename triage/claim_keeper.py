"""Keeps one analyst's claim on the post they have open, from a thread of its own.

The console says which post is in view (``want``) on every cursor move; this thread claims it
(``store.claims.claim``), gives the previous one back, and renews the claim a few times per
claim period while the post stays open. A write can wait on a busy store (another analyst's
import holds the write lock), so it never runs on the UI thread: moving through the queue stays
instant, and a burst of moves ends in one claim for the post the analyst stopped on.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Callable

from .db_location import PgUrl
from .store import Store
from .store.claims import Claim, claim, release

_STOP = object()
SETTLE_SECONDS = 0.15  # a key held down moves many posts: claim the one it stops on


class ClaimKeeper:
    def __init__(self, db_path: Path | PgUrl, analyst: str, minutes: float,
                 on_claim: Callable[[Claim], None] = lambda _c: None,
                 on_error: Callable[[str], None] = lambda _m: None) -> None:
        self.db_path = db_path
        self.analyst = analyst
        self.minutes = minutes
        self.renew_seconds = max(1.0, minutes * 60 / 3)
        self.on_claim = on_claim
        self.on_error = on_error
        self._wanted: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="claims", daemon=True)
        self._started = False

    def want(self, post_id: int | None) -> None:
        """The post now open (None: none). Claiming happens on the keeper's thread."""
        if not self._started:
            self._started = True
            self._thread.start()
        self._wanted.put(post_id)

    def stop(self, timeout: float = 5.0) -> None:
        """Give back the claim held and end the thread (the console closing)."""
        if self._started:
            self._wanted.put(_STOP)
            self._thread.join(timeout)

    def _latest(self, first):
        """The newest request: a burst of moves counts as its last one; a stop always wins."""
        item = first
        while True:
            try:
                nxt = self._wanted.get(timeout=SETTLE_SECONDS if item is not _STOP else 0)
            except queue.Empty:
                return item
            item = _STOP if (item is _STOP or nxt is _STOP) else nxt

    def _run(self) -> None:
        store = Store.open(self.db_path)
        held: int | None = None  # the post this analyst's claim is on
        wanted: int | None = None
        tried_at = 0.0  # when `wanted` was last claimed (or tried)
        try:
            while True:
                timed_out = False
                try:
                    item = self._latest(self._wanted.get(timeout=self.renew_seconds))
                except queue.Empty:
                    item, timed_out = wanted, True  # nothing new: renew the open post's claim
                if item is _STOP:
                    break
                if item == wanted and not timed_out and time.monotonic() - tried_at < self.renew_seconds:
                    continue  # the same post shown again (a label, a page): its claim is fresh
                wanted = item
                tried_at = time.monotonic()
                try:
                    if held is not None and held != wanted:
                        release(store, [held], self.analyst)
                        held = None
                    if wanted is not None:
                        result = claim(store, wanted, self.analyst, self.minutes)
                        held = wanted if result.analyst == self.analyst else None
                        self.on_claim(result)
                except Exception as exc:  # a busy or full store: the claim waits for the next move or renewal
                    self.on_error(f"claim on post #{wanted}: {exc}")
            if held is not None:
                release(store, [held], self.analyst)
        except Exception as exc:
            self.on_error(f"giving back the claim on post #{held}: {exc}")
        finally:
            store.close()
