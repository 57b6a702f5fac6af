"""4chan boards through the read-only JSON API (``a.4cdn.org``), at one request a second.

The API's rules, kept here: no more than one request per second; ``If-Modified-Since`` on
the thread list; a thread is re-fetched only when its ``last_modified`` moved. Per run and
board: ``/{board}/threads.json`` (every live thread and when it last changed), then
``/{board}/thread/{no}.json`` for each changed thread, oldest change first. The cursor keeps,
per live thread, the ``last_modified`` seen and the last post number stored; after a thread's
new posts are yielded its entry moves. A thread that answers 404 is marked seen (not asked
again unless it changes); threads gone from the list leave the cursor, so it stays as small
as the board.

Posts: ``com`` (HTML) becomes plain text, with the subject first on an opening post; the reply
is the first ``>>N`` quote of the same board, else the thread. 4chan is anonymous: a tripcode
is a lasting identity and becomes the handle; boards with poster IDs (/pol/, /biz/...) give
an ID that lasts one thread (handle ``ID:<id>@<thread>``); anyone else is ``Anonymous``.
``time`` is UTC; ``now`` (US Eastern wall time, no zone) is kept as the raw string only.
``country_name`` (4chan's geolocation of the poster) goes to ``place``.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Iterator

from triage.collectors import (Collector, CollectorState, ImportProblem, Option, PluginError, PostRecord, RecordError,
                               records_from)
from triage.collectors import api_fields as f
from triage.collectors.feed_log import FeedLog
from triage.collectors.html_text import html_to_text
from triage.collectors.http_client import HttpClient, HttpError, settings_for

_BOARD = re.compile(r"^[a-z0-9]{1,10}$")


def _quote_target(com: str, board: str) -> str | None:
    pattern = r'<a href="(?:/' + re.escape(board) + r'/thread/\d+)?#p(\d+)" class="quotelink">'
    match = re.search(pattern, com)
    return match.group(1) if match else None


def _handle(trip: str | None, poster_id: str | None, thread: int) -> str:
    if trip:
        return trip
    if poster_id:
        return f"ID:{poster_id}@{thread}"
    return "Anonymous"


class FourChanCollector(Collector):
    name = "4chan"
    description = "4chan boards via the read-only JSON API (one request a second)"
    options_schema = {
        "boards": Option(list, required=True, help='board names, e.g. ["pol", "k"]'),
        "api": Option(str, default="https://a.4cdn.org", help="API base URL"),
        "site": Option(str, default="https://boards.4chan.org", help="base of the post links stored"),
        "min_interval": Option(float, default=1.0, help="seconds between requests (the API's rule: 1)"),
        "max_threads": Option(int, default=0, help="changed threads fetched per board per run (0: all)"),
    }

    def __init__(self, options: dict | None = None):
        super().__init__(options)
        for board in self.options["boards"]:
            if not isinstance(board, str) or not _BOARD.match(board.strip("/")):
                raise PluginError(f"4chan: board {board!r} is not a board name like 'pol'")
        if self.options["min_interval"] < 1.0 and urllib.parse.urlsplit(self.options["api"]).hostname == "a.4cdn.org":
            raise PluginError("4chan: min_interval below 1 s breaks the API's rules")

    def _record(self, post, board: str, thread: int) -> PostRecord | None:
        """One post of a thread; every field read is checked (``api_fields``)."""
        post = f.obj(post, "post")
        no = f.integer(post.get("no"), "no", 1)
        try:
            return self._post(post, no, board, thread)
        except RecordError as exc:
            raise exc.within(f"post {no}") from None

    def _post(self, post: dict, no: int, board: str, thread: int) -> PostRecord | None:
        at = f.integer(post.get("time"), "time", 0, 2**40)
        com = f.opt_text(post.get("com"), "com") or ""
        subject = html_to_text(f.opt_text(post.get("sub"), "sub", f.MAX_NAME) or "")
        body = html_to_text(com)
        text = f"{subject}\n\n{body}".strip() if subject else body
        if not text:
            return None  # an image with no words
        quoted = _quote_target(com, board) if "quotelink" in com else None
        resto = f.integer(post.get("resto", 0), "resto")
        now = f.opt_text(post.get("now"), "now", 64)
        return PostRecord(
            source=f"4chan:{board}",
            external_id=str(no),
            text=text,
            author_handle=_handle(f.opt_text(post.get("trip"), "trip", 64), f.opt_text(post.get("id"), "id", 64),
                                  thread),
            author_name=f.opt_text(post.get("name"), "name", f.MAX_NAME),
            created_at=at,
            created_raw=now or str(at),
            url=f"{self.options['site'].rstrip('/')}/{board}/thread/{thread}#p{no}",
            reply_to=quoted or (str(resto) if resto else None),
            place=f.opt_text(post.get("country_name"), "country_name", f.MAX_NAME),
            raw=f.evidence({"board": board, "thread": thread, "post": post}),
        )

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        client = HttpClient(settings_for(state), min_interval=self.options["min_interval"])
        api = self.options["api"].rstrip("/")
        boards = dict(state.cursor.get("boards") or {}) if isinstance(state.cursor, dict) else {}
        log = FeedLog(state, [b.strip("/") for b in self.options["boards"]])
        for board in log.feeds:
            yield from log.run(board, self._board(client, api, board, boards, log))
        log.finish()

    def _board(self, client: HttpClient, api: str, board: str, boards: dict,
               log: FeedLog) -> Iterator[PostRecord | ImportProblem]:
        """One board: its thread list, then each changed thread's new posts."""
        mark = dict(boards.get(board) or {})
        threads = dict(mark.get("threads") or {})
        listing_url = f"{api}/{board}/threads.json"
        headers = {"If-Modified-Since": mark["modified"]} if mark.get("modified") else {}
        resp = client.get(listing_url, headers=headers, accept=(200, 304))
        if resp.status == 304:
            return
        listed = _listed(resp.json(), listing_url)
        changed = sorted((lm, no) for no, lm in listed.items() if lm > threads.get(no, {}).get("lm", -1))
        limit = self.options["max_threads"]
        complete = not limit or len(changed) <= limit
        for lm, no in changed[:limit] if limit else changed:
            thread_url = f"{api}/{board}/thread/{no}.json"
            got = client.get(thread_url, accept=(200, 404))
            if got.status == 404:  # pruned since the listing: marked seen, so not asked again
                threads[no] = {"lm": lm, "last": threads.get(no, {}).get("last", 0)}
                continue
            data = got.json()
            posts = data.get("posts") if isinstance(data, dict) else None
            if not isinstance(posts, list):
                raise HttpError(f"GET {thread_url}: no 'posts' list")
            last = threads.get(no, {}).get("last", 0)
            newest = last

            def record(post, thread: int = int(no)) -> PostRecord | None:
                nonlocal newest
                made = self._record(post, board, thread)
                newest = max(newest, post["no"])  # read and checked: later runs start after it
                return made

            yield from records_from(_unseen(posts, last, thread_url), record, log.state, entries=True)
            threads[no] = {"lm": lm, "last": newest}
            boards[board] = {**mark, "threads": dict(threads)}
            log.save({"boards": _copy(boards)})  # this thread's posts are yielded
        # Threads no longer listed are gone for good: forget them.
        threads = {no: v for no, v in threads.items() if no in listed}
        # Only a complete pass may skip an unchanged listing next time (If-Modified-Since).
        modified = resp.headers.get("Last-Modified") if complete else mark.get("modified")
        boards[board] = {"modified": modified, "threads": threads}
        log.save({"boards": _copy(boards)})


def _unseen(posts: list, last: int, url: str) -> Iterator[tuple[tuple[str, int], object]]:
    """The posts of a thread after post number ``last`` (those before were stored by an earlier run)."""
    for i, post in enumerate(posts, 1):
        number = post.get("no") if isinstance(post, dict) else None
        if isinstance(number, int) and number <= last:
            continue
        yield (url, i), post


def _listed(pages, url: str) -> dict[str, int]:
    """Thread number (as a string: JSON keys) -> last_modified, from threads.json."""
    if not isinstance(pages, list):
        raise HttpError(f"GET {url}: expected a list of pages")
    out = {}
    for page in pages:
        for thread in (page.get("threads") or ()) if isinstance(page, dict) else ():
            if isinstance(thread, dict) and isinstance(thread.get("no"), int):
                out[str(thread["no"])] = int(thread.get("last_modified") or 0)
    return out


def _copy(boards: dict) -> dict:
    return {b: {"modified": v.get("modified"), "threads": {n: dict(t) for n, t in (v.get("threads") or {}).items()}}
            for b, v in boards.items()}
