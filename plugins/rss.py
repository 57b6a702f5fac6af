"""RSS and Atom feeds, parsed with feedparser (fetched by the shared HTTP client, so feeds
get the same User-Agent, timeouts, backoff and rate-limit handling as every live source).

Each feed is asked with ``If-None-Match``/``If-Modified-Since`` from the last run: an unchanged
feed costs one 304 and yields nothing. Entries are keyed by their ``id`` (``guid``), else
their link; a re-run stores nothing twice whatever the feed repeats.

Time: feedparser gives ``published_parsed`` in UTC and keeps the string as written in
``published``; that raw string (its ``+0200`` is a location hint) is what ``created_raw``
keeps. An entry with no date at all is stamped with the collection time and an empty raw
string (no hint). The raw copy is the entry as feedparser read it, minus the derived
``*_parsed`` tuples.
"""

from __future__ import annotations

import calendar
import hashlib
import time
import urllib.parse
from typing import Iterator

import feedparser

from triage.collectors import (Collector, CollectorState, ImportProblem, Option, PluginError, PostRecord,
                               TimestampError, parse_timestamp, records_from)
from triage.collectors import api_fields as f
from triage.collectors.feed_log import FeedLog
from triage.collectors.html_text import html_to_text
from triage.collectors.http_client import HttpClient, settings_for

ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, */*;q=0.5"


def _plain(entry: dict) -> dict:
    """The entry without feedparser's derived time tuples (they are not JSON, and the raw
    strings beside them are the evidence)."""
    return {k: v for k, v in entry.items() if not k.endswith("_parsed")}


def _entry_time(entry: dict, now: int) -> tuple[int, str]:
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return calendar.timegm(parsed), raw or ""
        if raw:
            try:
                return parse_timestamp(raw)
            except TimestampError as exc:
                raise f.bad(key, str(exc)) from None
    return now, ""


class RssCollector(Collector):
    name = "rss"
    description = "RSS/Atom feeds (conditional GET; entries keyed by guid)"
    options_schema = {
        "feeds": Option(list, required=True, help="feed URLs"),
        "source": Option(str, default="", help="source name (default: rss:<host of each feed>)"),
    }

    def __init__(self, options: dict | None = None):
        super().__init__(options)
        for url in self.options["feeds"]:
            parts = urllib.parse.urlsplit(str(url))
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise PluginError(f"rss: feed {url!r} is not an http(s) URL")

    def _record(self, entry: dict, feed: dict, source: str, now: int) -> PostRecord | None:
        title = html_to_text(entry.get("title") or "")
        content = entry.get("content") or []
        body_html = content[0].get("value") if content and isinstance(content[0], dict) else entry.get("summary")
        body = html_to_text(body_html or "")
        text = title if not body or body == title else (f"{title}\n\n{body}" if title else body)
        if not text.strip():
            return None
        f.text(text, "title and content")  # feedparser gives text: only its size is left to check
        created_at, created_raw = _entry_time(entry, now)
        key = entry.get("id") or entry.get("link")
        if not key:  # no guid, no link: the content names it, so a re-fetch maps to the same post
            key = "sha256:" + hashlib.sha256(f"{title}\n{created_raw}\n{body}".encode()).hexdigest()[:32]
        author = entry.get("author") or (feed.get("author")) or feed.get("title") or source
        return PostRecord(
            source=source,
            external_id=str(key),
            text=text,
            author_handle=str(author),
            author_name=feed.get("title") if author != feed.get("title") else None,
            created_at=created_at,
            created_raw=created_raw,
            url=entry.get("link"),
            hashtags=[t["term"] for t in entry.get("tags") or () if isinstance(t, dict) and t.get("term")],
            lang=feed.get("language"),
            raw=f.evidence(_plain(entry), "entry"),
        )

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        client = HttpClient(settings_for(state), headers={"Accept": ACCEPT})
        cursor = dict(state.cursor.get("feeds") or {}) if isinstance(state.cursor, dict) else {}
        log = FeedLog(state, self.options["feeds"])
        for url in self.options["feeds"]:
            yield from log.run(url, self._feed(client, url, cursor, log))
            state.progress(self.options["feeds"].index(url) + 1, len(self.options["feeds"]))
        log.finish()

    def _feed(self, client: HttpClient, url: str, cursor: dict, log: FeedLog) -> Iterator[PostRecord | ImportProblem]:
        seen = cursor.get(url) or {}
        conditional = {k: v for k, v in (("If-None-Match", seen.get("etag")),
                                         ("If-Modified-Since", seen.get("modified"))) if v}
        resp = client.get(url, headers=conditional, accept=(200, 304))
        if resp.status == 304:
            return
        parsed = feedparser.parse(resp.body, response_headers={
            "content-location": resp.url, "content-type": resp.headers.get("Content-Type", "")})
        if not parsed.entries and parsed.get("bozo"):
            yield ImportProblem(url, 1, f"not a readable feed: {parsed.get('bozo_exception')}")
            return
        source = self.options["source"] or f"rss:{urllib.parse.urlsplit(url).netloc}"
        now = int(time.time())
        entries = (((url, i), entry) for i, entry in enumerate(parsed.entries, 1))
        yield from records_from(entries, lambda entry: self._record(entry, parsed.feed, source, now), log.state,
                                entries=True)
        cursor[url] = {"etag": resp.headers.get("ETag"), "modified": resp.headers.get("Last-Modified")}
        log.save({"feeds": dict(cursor)})  # every entry of this feed is yielded
