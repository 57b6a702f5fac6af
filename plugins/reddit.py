"""Reddit through its OAuth API, app-only (``client_credentials``: read-only, no user account):
new submissions and new comments of subreddits, and users' posts and comments.

Credentials. Reddit gives an app a client id and a secret (https://www.reddit.com/prefs/apps,
a "script" or "web app"); both live in the keyring (``triage secret set reddit-client-id``,
``triage secret set reddit-client-secret``), never in the config: the options name them. The
collector trades them for a bearer token at ``token_url`` once per run (and again if the API
answers 401: tokens last a day); the token stays in memory and out of every message.

Feeds and paging. ``r/NAME/new`` (submissions), ``r/NAME/comments`` (comments) and
``u/NAME`` (a user's submissions and comments, newest first) are listings that page back
with ``after``; ``newest_first.walk`` resumes them after any stop without gap (see there).
Listings reach back about 1,000 items: a feed left unread longer than that loses the rest.

Posts are keyed as the Reddit dump importer keys them: source ``reddit``, external id the
fullname (``t3_…`` submission, ``t1_…`` comment), ``reply_to`` a comment's ``parent_id``, so
a dump and a live run of the same posts store each once. Every field read is checked at the
boundary (``api_fields``); a bad thing is one problem line and its page's others are kept.

Rate limits: Reddit sends ``X-Ratelimit-Remaining`` and ``X-Ratelimit-Reset`` (seconds to the
end of the period) on every answer; at zero the HTTP client waits for the reset before the
next request, and a 429 is retried after ``Retry-After``/the reset.
"""

from __future__ import annotations

import base64
import re
import urllib.parse
from typing import Iterator

from triage.collectors.api import TRIAGE_VERSION
from triage.collectors import Collector, CollectorState, ImportProblem, Option, PluginError, PostRecord, records_from
from triage.collectors import api_fields as f
from triage.collectors.credentials import get_secret
from triage.collectors.feed_log import FeedLog
from triage.collectors.http_client import HttpClient, HttpError, settings_for
from triage.collectors.newest_first import Item, Page, walk

from .reddit_dump import _GONE, _USER

DEFAULT_BASE = "https://oauth.reddit.com"
DEFAULT_TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
WEB = "https://www.reddit.com"
SOURCE = "reddit"
_SUBREDDIT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
_USERNAME = re.compile(r"^[A-Za-z0-9_-]{3,20}$")
_ID = re.compile(r"^[a-z0-9]{1,16}$")
_FULLNAME = re.compile(r"^t[1-6]_[a-z0-9]{1,16}$")


def _url(data: dict) -> str | None:
    permalink = f.opt_text(data.get("permalink"), "data.permalink", f.MAX_URL)
    if permalink and permalink.startswith("/"):
        return WEB + permalink
    return None


def thing_record(thing) -> PostRecord | None:
    """One listing child (``{"kind": "t3"|"t1", "data": {...}}``) as a post (None: deleted)."""
    thing = f.obj(thing, "child")
    kind = f.text(thing.get("kind"), "kind", 8)
    if kind not in ("t1", "t3"):
        return None  # a "more" stub or another kind of thing: nothing to read
    data = f.obj(thing.get("data"), "data")
    sid = f.text(data.get("id"), "data.id", 16)
    if not _ID.match(sid):
        raise f.bad("data.id", "not a Reddit id")
    if kind == "t1":
        body = f.text(data.get("body"), "data.body")
        if body.strip() in _GONE:
            return None
        text = body
        parent = f.text(data.get("parent_id"), "data.parent_id", 32)
        if not _FULLNAME.match(parent):
            raise f.bad("data.parent_id", "not a fullname (t1_/t3_)")
    else:
        title = f.text(data.get("title"), "data.title", 1_000)
        selftext = f.opt_text(data.get("selftext"), "data.selftext") or ""
        text = title if selftext.strip() in _GONE else f"{title}\n\n{selftext}"
        parent = None
    created = f.number(data.get("created_utc"), "data.created_utc")
    if not 0 <= created < 2**33:
        raise f.bad("data.created_utc", "not a time")
    author = f.opt_text(data.get("author"), "data.author", 64) or "[deleted]"
    author_id = f.opt_text(data.get("author_fullname"), "data.author_fullname", 32)
    subreddit = f.opt_text(data.get("subreddit"), "data.subreddit", f.MAX_NAME)
    return PostRecord(
        source=SOURCE,
        external_id=f"{kind}_{sid}",
        text=text,
        author_handle=author,
        author_id=author_id,
        created_at=int(created),
        created_raw=str(data["created_utc"]),
        url=_url(data),
        reply_to=parent,
        mentions=_USER.findall(text) if "u/" in text else [],
        raw=f.evidence({"kind": kind, "data": data, **({"subreddit": subreddit} if subreddit else {})}),
    )


class RedditCollector(Collector):
    name = "reddit"
    description = "Reddit: subreddits' new submissions and comments, users' posts (OAuth app-only, read-only)"
    options_schema = {
        "subreddits": Option(list, default=[], help='subreddit names, e.g. ["news"] (submissions and comments)'),
        "users": Option(list, default=[], help="user names whose submissions and comments to collect"),
        "base_url": Option(str, default=DEFAULT_BASE, help="the OAuth API's base URL"),
        "token_url": Option(str, default=DEFAULT_TOKEN_URL, help="where the app's credentials buy a token"),
        "client_id": Option(str, default="reddit-client-id", secret=True,
                            help="name of a keyring secret holding the app's client id"),
        "client_secret": Option(str, default="reddit-client-secret", secret=True,
                                help="name of a keyring secret holding the app's secret"),
        "user_agent": Option(str, default="", help="Reddit asks for <platform>:<app id>:<version> (by /u/<you>)"),
        "page_size": Option(int, default=100, help="things per request (the API's maximum is 100)"),
        "max_pages": Option(int, default=10, help="pages per listing per run; the next run carries on"),
    }

    def __init__(self, options: dict | None = None):
        super().__init__(options)
        for key in ("base_url", "token_url"):
            parts = urllib.parse.urlsplit(self.options[key])
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise PluginError(f"reddit: {key} {self.options[key]!r} is not an http(s) URL")
        for sub in self.options["subreddits"]:
            if not isinstance(sub, str) or not _SUBREDDIT.match(sub.removeprefix("r/")):
                raise PluginError(f"reddit: subreddit {sub!r} is not a subreddit name like 'news'")
        for user in self.options["users"]:
            if not isinstance(user, str) or not _USERNAME.match(user.removeprefix("u/")):
                raise PluginError(f"reddit: user {user!r} is not a Reddit user name")
        if not self.options["subreddits"] and not self.options["users"]:
            raise PluginError("reddit: give at least one of subreddits or users")
        self.base = self.options["base_url"].rstrip("/")

    def feeds(self) -> list[str]:
        out = []
        for sub in self.options["subreddits"]:
            name = sub.removeprefix("r/")
            out += [f"r/{name}/new", f"r/{name}/comments"]
        return out + [f"u/{u.removeprefix('u/')}" for u in self.options["users"]]

    def _path(self, feed: str) -> str:
        kind, name, *rest = feed.split("/")
        if kind == "r":
            return f"/r/{name}/{rest[0]}"
        return f"/user/{name}/overview"

    # ---- OAuth -----------------------------------------------------------------------------

    def _authorize(self, client: HttpClient) -> None:
        """Trade the app's credentials for a bearer token (app-only: ``client_credentials``)."""
        client_id = get_secret(self.options["client_id"])
        secret = get_secret(self.options["client_secret"])
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        with HttpClient(client.settings, headers={"User-Agent": client.headers["User-Agent"]},
                        secret_headers={"Authorization": f"Basic {basic}"}, secret_values=(client_id, secret)) as auth:
            resp = auth.post_form(self.options["token_url"], {"grant_type": "client_credentials"})
            data = resp.json()
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token or len(token) > f.MAX_ID:
            reason = data.get("error") if isinstance(data, dict) else None
            if not isinstance(reason, str):
                reason = "no token"
            raise HttpError(f"reddit: the token request was refused ({reason[:80]}): check the app's client id "
                            f"and secret ({self.options['client_id']}, {self.options['client_secret']})")
        client.set_secret_header("Authorization", f"bearer {token}")

    def _listing(self, client: HttpClient, feed: str, after: str | None) -> Page:
        url = f"{self.base}{self._path(feed)}"
        params = {"limit": max(1, min(100, self.options["page_size"])), "after": after, "raw_json": 1}
        if feed.startswith("u/"):
            params["sort"] = "new"
        try:
            resp = client.get(url, params)
        except HttpError as exc:
            if exc.status != 401:
                raise
            self._authorize(client)  # the token ran out mid-run: one new token, one more try
            resp = client.get(url, params)
        data = resp.json()
        listing = data.get("data") if isinstance(data, dict) and data.get("kind") == "Listing" else None
        if not isinstance(listing, dict) or not isinstance(listing.get("children"), list):
            raise HttpError(f"GET {resp.url}: not a Listing")
        children = listing["children"]
        nxt = listing.get("after")
        if nxt is not None and not (isinstance(nxt, str) and _FULLNAME.match(nxt)):
            raise HttpError(f"GET {resp.url}: 'after' is not a fullname")
        items = []
        for n, child in enumerate(children, 1):
            created = child.get("data", {}).get("created_utc") if isinstance(child, dict) and isinstance(
                child.get("data"), dict) else None
            when = float(created) if isinstance(created, (int, float)) and not isinstance(created, bool) else None
            items.append(Item(when, ((resp.url, n), child)))
        return Page(items, nxt)

    # ---- collecting ------------------------------------------------------------------------

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        agent = self.options["user_agent"] or f"python:triage-console:{TRIAGE_VERSION} (threat-leakage triage)"
        settings = settings_for(state)
        marks = dict(state.cursor.get("feeds") or {}) if isinstance(state.cursor, dict) else {}
        log = FeedLog(state, self.feeds())
        with HttpClient(settings, headers={"User-Agent": agent}) as client:
            self._authorize(client)  # no token, no feed: this one fails the whole run
            for feed in log.feeds:
                yield from log.run(feed, self._feed(client, feed, marks, log))
        log.finish()

    def _feed(self, client: HttpClient, feed: str, marks: dict, log: FeedLog) -> Iterator[PostRecord | ImportProblem]:
        fetch = lambda after, floor: self._listing(client, feed, after)  # noqa: E731 - listings cannot filter by time
        for values, mark in walk(marks.get(feed), fetch, self.options["max_pages"], client.settings.clock):
            yield from records_from(values, thing_record, log.state, entries=True)
            marks[feed] = mark
            log.save({"feeds": dict(marks)})  # this page is yielded: its mark may be saved
