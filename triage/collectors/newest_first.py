"""Collecting from listings that come newest first and page backwards with an opaque cursor
(Bluesky ``searchPosts`` and ``getAuthorFeed``, Reddit listings with ``after``), so that a
run stopped anywhere, even by ``kill -9``, resumes with no gap and stores nothing twice.

Such a listing cannot be read "forward from where we were": its cursor only walks back in
time. So each run *walks* from the newest item back to the newest item the last walk saw
(the *floor*). Per feed the collector keeps a mark in its cursor::

    {"newest": T, "walk": null}                                   between walks
    {"newest": T, "walk": {"next": C, "top": T2, "floor": T}}     a walk under way

``T`` is the sort time (epoch seconds) of the newest item collected, ``C`` the listing's
cursor of the next, older page, ``T2`` the newest time this walk has seen. The mark moves
only after a page's items are yielded, so the runner commits them before it saves the mark.

- A walk ends when a page reaches below the floor, or the listing ends. Only then does
  ``newest`` move up to the walk's top: a walk stopped half-way (a kill, ``max_pages``) is
  resumed from its saved ``next`` by the next run, and the items between the floor and the
  page it reached are never skipped.
- Items at the floor's second itself are taken again (the store ignores the repeat): times
  have a second's grain, and two posts can share one.
- The first walk of a feed (no floor) takes ``max_pages`` pages back from the newest and
  ends there, as Mastodon's first run does: history before that is not walked.
- After a resumed walk ends, one fresh walk follows in the same run (the pages budget
  allowing), so a feed never falls a whole schedule behind.

Offset-style cursors (Bluesky search) shift when new items arrive at the top; that only
repeats items, never skips one, because new items push old ones further back.

A saved ``next`` can go stale while a walk is paused: the server refuses it (HTTP 400), or
answers an empty page because the post it points after was deleted (Reddit). The walk then
starts again from the newest item with the same floor (repeats, no gap); if that happens
again in the same walk, the walk ends there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from .http_client import HttpError

_FUTURE_SLACK = 86_400.0


@dataclass
class Item:
    when: float | None  # the listing's sort time; None: not part of its order (a pinned post, junk)
    value: Any


@dataclass
class Page:
    items: list[Item]
    next: str | None  # the cursor of the next, older page; None at the end of the listing


def _time(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def valid_mark(mark) -> dict:
    """A stored mark, checked (it comes back from the store as JSON); anything odd starts afresh."""
    if not isinstance(mark, dict):
        return {"newest": None, "walk": None}
    walk = mark.get("walk")
    if isinstance(walk, dict) and (walk.get("next") is None or isinstance(walk.get("next"), str)):
        walk = {"next": walk.get("next"), "top": _time(walk.get("top")), "floor": _time(walk.get("floor")),
                "restarted": walk.get("restarted") is True}
    else:
        walk = None
    return {"newest": _time(mark.get("newest")), "walk": walk}


def walk(mark, fetch: Callable[[str | None, float | None], Page], max_pages: int,
         clock: Callable[[], float] = time.time) -> Iterator[tuple[list, dict]]:
    """Yield ``(values of one page to collect, the mark to save once they are yielded)``.

    ``fetch(cursor, floor)`` gets one page: the newest when ``cursor`` is None; ``floor`` lets
    a listing that can filter by time (Bluesky's ``since``) stop early.
    """
    mark = valid_mark(mark)
    # A time past tomorrow is a lie (a client's clock, junk): it must not become the floor,
    # or every later walk would wait for that date. Such an item is kept, out of the order.
    latest = clock() + _FUTURE_SLACK
    resumed = mark["walk"] is not None
    pages = 0
    while pages < max(1, max_pages):
        current = mark["walk"] or {"next": None, "top": None, "floor": mark["newest"], "restarted": False}
        floor = current["floor"]
        stale = current["next"] is not None and not current["restarted"]
        try:
            page = fetch(current["next"], floor)
        except HttpError as exc:
            if not (stale and exc.status == 400):
                raise
            page = None
        pages += 1
        if stale and (page is None or not page.items):
            # The saved cursor went stale while the walk was paused: again from the newest.
            mark = {"newest": mark["newest"], "walk": {**current, "next": None, "restarted": True}}
            continue
        assert page is not None  # None only for a stale cursor, which restarted above
        for item in page.items:
            if item.when is not None and item.when > latest:
                item.when = None
        times = [i.when for i in page.items if i.when is not None]
        top = max([t for t in (current["top"], *times) if t is not None], default=None)
        keep = [i.value for i in page.items if floor is None or i.when is None or i.when >= floor]
        reached = (floor is not None and any(t < floor for t in times)) or not page.next or not page.items
        if reached or (floor is None and pages >= max_pages):
            newest = max([t for t in (mark["newest"], top) if t is not None], default=None)
            mark = {"newest": newest, "walk": None}
            yield keep, mark
            if not resumed:
                return
            resumed = False  # the resumed walk is done: one fresh walk from its top
            continue
        mark = {"newest": mark["newest"],
                "walk": {"next": page.next, "top": top, "floor": floor, "restarted": current["restarted"]}}
        yield keep, mark
