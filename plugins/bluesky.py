"""Bluesky through the public AppView's XRPC API (no account needed): search queries with
``app.bsky.feed.searchPosts`` and accounts' posts with ``app.bsky.feed.getAuthorFeed``.

Paging and resume. Both listings come newest first and page back with an opaque ``cursor``;
``newest_first.walk`` turns that into runs that resume without gap after any stop (see
there). Search asks ``sort=latest`` with ``since`` at the floor, so the server stops the walk
itself; an author feed is walked until a post older than the floor shows up. Each query
(``query:TEXT``) and actor (``actor:HANDLE``) is a feed with its own mark and status.

Posts. Every field read is checked at the boundary (``api_fields``); a post that fails is one
problem line and the page's other posts are kept. Facets are byte ranges into the UTF-8 text
(not character offsets): mention facets give ``mentions`` (the handle as written, else the
DID), tag facets and the record's ``tags`` give ``hashtags``, and a link facet's full URL
replaces the shortened text the app shows ("example.com/some/pa...") so the detector and a
search see the real link. A reply keeps the parent post's at:// URI in ``reply_to`` (posts
are keyed by their at:// URI). The stored URL is the bsky.app page of the post; the author's
handle is the handle and the DID the author id, so a handle change keeps the same DID.
A repost in an author feed is stored as the original post.

Rate limits: the AppView answers 429 with ``RateLimit-Reset``/``Retry-After``; the HTTP
client waits (up to ``max_wait``) and retries.
"""

from __future__ import annotations

import re
import urllib.parse
from datetime import datetime, timezone
from typing import Iterator

from triage.collectors import (Collector, CollectorState, ImportProblem, Option, PluginError, PostRecord, RecordError,
                               TimestampError, parse_timestamp, records_from)
from triage.collectors import api_fields as f
from triage.collectors.feed_log import FeedLog
from triage.collectors.http_client import HttpClient, HttpError, settings_for
from triage.collectors.newest_first import Item, Page, walk

DEFAULT_SERVICE = "https://public.api.bsky.app"
SOURCE = "bluesky"
WEB = "https://bsky.app"
MAX_POST_CHARS = 10_000  # the lexicon allows 3,000 bytes: anything far past that is junk
_AT_URI = re.compile(r"^at://(did:[a-z]+:[A-Za-z0-9._:%-]+)/app\.bsky\.feed\.post/([A-Za-z0-9._~:-]{1,512})$")
_HANDLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$")
_ACTOR = re.compile(r"^(did:[a-z]+:[A-Za-z0-9._:%-]{1,2000}|@?[A-Za-z0-9][A-Za-z0-9.-]{0,252})$")
_SHORTENED = ("...", "\u2026")
_REPOST = "app.bsky.feed.defs#reasonRepost"
_PIN = "app.bsky.feed.defs#reasonPin"


def _epoch(value, path: str) -> tuple[int, str]:
    try:
        return parse_timestamp(f.text(value, path, 64))
    except TimestampError as exc:
        raise f.bad(path, str(exc)) from None


def _facets(record: dict, text: str) -> tuple[str, list[str], list[str]]:
    """(text with link facets expanded, mentions, hashtags) from the record's facets."""
    data = text.encode("utf-8")
    mentions: list[str] = []
    hashtags: list[str] = []
    links: list[tuple[int, int, str]] = []
    for n, facet in enumerate(f.items(record.get("facets"), "post.record.facets")):
        path = f"post.record.facets[{n}]"
        facet = f.obj(facet, path)
        index = f.obj(facet.get("index"), f"{path}.index")
        start = f.integer(index.get("byteStart"), f"{path}.index.byteStart")
        end = f.integer(index.get("byteEnd"), f"{path}.index.byteEnd")
        # Offsets past the text or splitting a character come from buggy clients; the app
        # ignores such a facet, and so do we (the feature itself may still be read).
        try:
            shown = data[start:end].decode("utf-8") if start < end <= len(data) else None
        except UnicodeDecodeError:
            shown = None
        for k, feature in enumerate(f.items(facet.get("features"), f"{path}.features")):
            fpath = f"{path}.features[{k}]"
            feature = f.obj(feature, fpath)
            kind = f.text(feature.get("$type"), f"{fpath}.$type", f.MAX_NAME)
            if kind == "app.bsky.richtext.facet#mention":
                did = f.text(feature.get("did"), f"{fpath}.did", f.MAX_ID)
                written = (shown or "").strip().lstrip("@")
                mentions.append(written if written and _HANDLE.match(written) else did)
            elif kind == "app.bsky.richtext.facet#tag":
                tag = f.text(feature.get("tag"), f"{fpath}.tag", f.MAX_NAME).lstrip("#")
                if tag:
                    hashtags.append(tag)
            elif kind == "app.bsky.richtext.facet#link":
                uri = f.text(feature.get("uri"), f"{fpath}.uri", f.MAX_URL)
                if shown is not None and shown != uri:
                    links.append((start, end, uri))
    for tag in f.text_list(record.get("tags"), "post.record.tags"):
        if tag.lstrip("#"):
            hashtags.append(tag.lstrip("#"))
    return _expand_links(data, links), list(dict.fromkeys(mentions)), list(dict.fromkeys(hashtags))


def _expand_links(data: bytes, links: list[tuple[int, int, str]]) -> str:
    """The text with each shortened link replaced by its full URL; a link on other words (a
    client's anchor text) keeps the words and gets the URL after them in parentheses."""
    out, at = [], 0
    for start, end, uri in sorted(links):
        if start < at:  # overlapping facets: the first one wins
            continue
        shown = data[start:end].decode("utf-8")
        out.append(data[at:start].decode("utf-8", "replace"))
        bare = shown.rstrip("".join(_SHORTENED)) if shown.endswith(_SHORTENED) else shown
        plain_uri = uri.split("://", 1)[-1]
        if bare and (uri.startswith(bare) or plain_uri.startswith(bare)):
            out.append(uri)
        else:
            out.append(f"{shown} ({uri})")
        at = end
    out.append(data[at:].decode("utf-8", "replace"))
    return "".join(out)


def post_record(view, item: dict | None = None) -> PostRecord | None:
    """One ``app.bsky.feed.defs#postView`` as a post (None: nothing to read). ``item`` is the
    author feed's ``feedViewPost`` around it (its ``reply.parent`` names the author replied to)."""
    view = f.obj(view, "post")
    uri = f.text(view.get("uri"), "post.uri", f.MAX_ID)
    match = _AT_URI.match(uri)
    if not match:
        raise f.bad("post.uri", "not an at:// URI of a post")
    did_in_uri, rkey = match.groups()
    author = f.obj(view.get("author"), "post.author")
    did = f.text(author.get("did"), "post.author.did", f.MAX_ID)
    if did != did_in_uri:
        raise f.bad("post.author.did", "not the DID in the post's URI")
    handle = f.text(author.get("handle"), "post.author.handle", 253)
    if not _HANDLE.match(handle):
        raise f.bad("post.author.handle", "not a handle")
    name = f.opt_text(author.get("displayName"), "post.author.displayName", f.MAX_NAME)
    record = f.obj(view.get("record"), "post.record")
    text = f.text(record.get("text", ""), "post.record.text", MAX_POST_CHARS)
    created_at, created_raw = _epoch(record.get("createdAt"), "post.record.createdAt")
    langs = f.text_list(record.get("langs"), "post.record.langs", 64)
    text, mentions, hashtags = _facets(record, text)
    reply = f.opt_obj(record.get("reply"), "post.record.reply")
    reply_to = reply_to_author = None
    if reply is not None:
        parent = f.obj(reply.get("parent"), "post.record.reply.parent")
        reply_to = f.text(parent.get("uri"), "post.record.reply.parent.uri", f.MAX_ID)
        context = f.opt_obj((item or {}).get("reply"), "reply")
        parent_view = f.opt_obj(context.get("parent"), "reply.parent") if context else None
        if parent_view and parent_view.get("uri") == reply_to and isinstance(parent_view.get("author"), dict):
            parent_handle = f.opt_text(parent_view["author"].get("handle"), "reply.parent.author.handle", 253)
            reply_to_author = parent_handle if parent_handle and _HANDLE.match(parent_handle) else None
    if not text.strip():
        return None  # an image or a quote with no words of its own
    profile = did if handle == "handle.invalid" else handle
    return PostRecord(
        source=SOURCE,
        external_id=uri,
        text=text,
        author_handle=handle,
        author_id=did,
        author_name=name,
        created_at=created_at,
        created_raw=created_raw,
        url=f"{WEB}/profile/{profile}/post/{rkey}",
        reply_to=reply_to,
        reply_to_author=reply_to_author,
        mentions=mentions,
        hashtags=hashtags,
        lang=langs[0] if langs else None,
        raw=f.evidence(item if item is not None else view),
    )


def _sort_time(view) -> float | None:
    """Where a post sits in a listing: the earlier of indexedAt and createdAt, as the AppView's
    sortAt (a post dated in the future sorts at its arrival). None if neither is readable."""
    if not isinstance(view, dict):
        return None
    times = []
    record = view.get("record")
    for value in (view.get("indexedAt"), record.get("createdAt") if isinstance(record, dict) else None):
        try:
            times.append(_epoch(value, "time")[0])
        except RecordError:
            pass
    return float(min(times)) if times else None


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class BlueskyCollector(Collector):
    name = "bluesky"
    description = "Bluesky: search queries and accounts' posts via the public AppView (XRPC, no account)"
    options_schema = {
        "service": Option(str, default=DEFAULT_SERVICE, help="the AppView's base URL"),
        "queries": Option(list, default=[], help="search terms (app.bsky.feed.searchPosts, newest first)"),
        "actors": Option(list, default=[], help="handles or DIDs whose posts to collect (app.bsky.feed.getAuthorFeed)"),
        "page_size": Option(int, default=100, help="posts per request (the API's maximum is 100)"),
        "max_pages": Option(int, default=10, help="pages per query or actor per run; the next run carries on"),
    }

    def __init__(self, options: dict | None = None):
        super().__init__(options)
        url = self.options["service"].strip().rstrip("/")
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise PluginError(f"bluesky: service {self.options['service']!r} is not an http(s) URL")
        self.base = url
        for query in self.options["queries"]:
            if not isinstance(query, str) or not query.strip() or len(query) > 512:
                raise PluginError(f"bluesky: query {query!r} must be non-empty text (at most 512 characters)")
        for actor in self.options["actors"]:
            if not isinstance(actor, str) or not _ACTOR.match(actor):
                raise PluginError(f"bluesky: actor {actor!r} is not a handle (name.bsky.social) or a DID (did:plc:...)")
        if not self.options["queries"] and not self.options["actors"]:
            raise PluginError("bluesky: give at least one of queries or actors")

    def feeds(self) -> list[str]:
        return ([f"query:{q}" for q in self.options["queries"]]
                + [f"actor:{a.lstrip('@')}" for a in self.options["actors"]])

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        client = HttpClient(settings_for(state))
        marks = dict(state.cursor.get("feeds") or {}) if isinstance(state.cursor, dict) else {}
        log = FeedLog(state, self.feeds())
        with client:
            for feed in log.feeds:
                yield from log.run(feed, self._feed(client, feed, marks, log))
        log.finish()

    def _feed(self, client: HttpClient, feed: str, marks: dict, log: FeedLog) -> Iterator[PostRecord | ImportProblem]:
        kind, _, arg = feed.partition(":")
        fetch = (lambda cursor, floor: self._search(client, arg, cursor, floor)) if kind == "query" else (
            lambda cursor, floor: self._author(client, arg, cursor))
        for values, mark in walk(marks.get(feed), fetch, self.options["max_pages"], client.settings.clock):
            yield from records_from(values, lambda pair: post_record(*pair), log.state, entries=True)
            marks[feed] = mark
            log.save({"feeds": dict(marks)})  # this page is yielded: its mark may be saved

    def _get(self, client: HttpClient, method: str, params: dict) -> tuple[str, dict]:
        resp = client.get(f"{self.base}/xrpc/{method}", params)
        data = resp.json()
        if not isinstance(data, dict):
            raise HttpError(f"GET {resp.url}: expected an object")
        return resp.url, data

    def _cursor(self, data: dict, url: str) -> str | None:
        cursor = data.get("cursor")
        if cursor is None or cursor == "":
            return None
        if not isinstance(cursor, str) or len(cursor) > f.MAX_ID:
            raise HttpError(f"GET {url}: 'cursor' is not a short text")
        return cursor

    def _search(self, client: HttpClient, query: str, cursor: str | None, floor: float | None) -> Page:
        params = {"q": query, "sort": "latest", "limit": max(1, min(100, self.options["page_size"])),
                  "since": _iso(floor) if floor is not None else None, "cursor": cursor}
        url, data = self._get(client, "app.bsky.feed.searchPosts", params)
        posts = data.get("posts")
        if not isinstance(posts, list):
            raise HttpError(f"GET {url}: no 'posts' list")
        return Page([Item(_sort_time(p), ((url, n), (p, None))) for n, p in enumerate(posts, 1)],
                    self._cursor(data, url))

    def _author(self, client: HttpClient, actor: str, cursor: str | None) -> Page:
        params = {"actor": actor, "limit": max(1, min(100, self.options["page_size"])),
                  "filter": "posts_with_replies", "cursor": cursor}
        url, data = self._get(client, "app.bsky.feed.getAuthorFeed", params)
        feed = data.get("feed")
        if not isinstance(feed, list):
            raise HttpError(f"GET {url}: no 'feed' list")
        out = []
        for n, item in enumerate(feed, 1):
            when = None
            if isinstance(item, dict):
                reason = item.get("reason")
                if not isinstance(reason, dict):
                    reason = {}
                if reason.get("$type") == _REPOST:  # sorted by when it was reposted
                    try:
                        when = float(_epoch(reason.get("indexedAt"), "reason.indexedAt")[0])
                    except RecordError:
                        when = None
                elif reason.get("$type") != _PIN:  # a pinned post sits on top, out of time order
                    when = _sort_time(item.get("post"))
            view = item.get("post") if isinstance(item, dict) else item
            out.append(Item(when, ((url, n), (view, item if isinstance(item, dict) else None))))
        return Page(out, self._cursor(data, url))
