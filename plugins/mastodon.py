"""Mastodon (and API-compatible servers): public/local timelines, hashtag timelines and
account statuses, over plain HTTP against ``/api/v1``.

Paging. Statuses come newest first, 40 a page at most. A timeline's cursor is the newest
status id collected. The very first run takes ``first_pages`` pages back from the newest (the
``Link: rel="next"`` pages, ``max_id``) and only then sets the cursor. Every later run pages
*forward* from the cursor with ``min_id`` (the page just after it, then ``rel="prev"``),
moving the cursor after each page is yielded: a run stopped anywhere resumes without a gap,
and nothing is stored twice. (``since_id`` would return the newest page and skip whatever lay
between: a gap after a long pause.)

Rate limits (``X-RateLimit-Remaining``/``Reset``, 429 ``Retry-After``) are the HTTP client's.
Some instances close their public timelines to anonymous clients: give ``token``, the *name*
of a keyring secret holding an access token (``triage secret set NAME``).

A status's HTML ``content`` becomes plain text; a content warning (``spoiler_text``) is kept
as the first paragraph; a boost is stored as the original post it boosts.
"""

from __future__ import annotations

import urllib.parse
from typing import Iterator

from triage.collectors import (Collector, CollectorState, ImportProblem, Option, PluginError, PostRecord, RecordError,
                               TimestampError, parse_timestamp, records_from)
from triage.collectors import api_fields as f
from triage.collectors.credentials import get_secret
from triage.collectors.feed_log import FeedLog
from triage.collectors.html_text import html_to_text
from triage.collectors.http_client import HttpClient, HttpError, settings_for


def _id_key(value: str) -> tuple[int, str]:
    # Mastodon ids are numeric strings, Pleroma's fixed-length sortable strings: compare
    # by length, then text, which orders both correctly (and never as floats).
    return len(value), value


def base_url(instance: str) -> str:
    url = instance.strip().rstrip("/")
    if "://" not in url:
        url = "https://" + url
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PluginError(f"mastodon: instance {instance!r} is not a server address (https://host)")
    return f"{parts.scheme}://{parts.netloc}"


def status_record(status, source: str) -> PostRecord | None:
    """One status as a post (None: nothing to read, e.g. a bare media post). Every field read is
    checked (``api_fields``); a bad one raises ``RecordError`` naming the status and the field."""
    status = f.obj(status, "status")
    reblog = f.opt_obj(status.get("reblog"), "reblog")
    original, at = (reblog, "reblog.") if reblog is not None else (status, "")
    sid = f.text(original.get("id"), f"{at}id", 64)
    if not sid:
        raise f.bad(f"{at}id", "empty")
    try:
        return _status(original, at, sid, source, status)
    except RecordError as exc:
        raise exc.within(f"status {sid}") from None


def _status(original: dict, at: str, sid: str, source: str, raw: dict) -> PostRecord | None:
    account = f.obj(original.get("account"), f"{at}account")
    acct = f.text(account.get("acct"), f"{at}account.acct", 320)  # user@host: 30 + 1 + 253 at most
    if not acct:
        raise f.bad(f"{at}account.acct", "empty")
    try:
        created_at, created_raw = parse_timestamp(f.text(original.get("created_at"), f"{at}created_at", 64))
    except TimestampError as exc:
        raise f.bad(f"{at}created_at", str(exc)) from None
    text = html_to_text(f.opt_text(original.get("content"), f"{at}content") or "")
    warning = f.opt_text(original.get("spoiler_text"), f"{at}spoiler_text")
    if warning and warning.strip():
        text = f"{warning.strip()}\n\n{text}".strip()
    if not text:
        return None
    mentions = []
    for n, mention in enumerate(f.items(original.get("mentions"), f"{at}mentions")):
        mention = f.obj(mention, f"{at}mentions[{n}]")
        mentions.append((f.opt_text(mention.get("id"), f"{at}mentions[{n}].id", 64),
                         f.text(mention.get("acct"), f"{at}mentions[{n}].acct", 320)))
    tags = [f.text(f.obj(tag, f"{at}tags[{n}]").get("name"), f"{at}tags[{n}].name", f.MAX_NAME)
            for n, tag in enumerate(f.items(original.get("tags"), f"{at}tags"))]
    reply_account = f.opt_text(original.get("in_reply_to_account_id"), f"{at}in_reply_to_account_id", 64)
    return PostRecord(
        source=source,
        external_id=sid,
        text=text,
        author_handle=acct,
        author_id=f.opt_text(account.get("id"), f"{at}account.id", 64),
        author_name=f.opt_text(account.get("display_name"), f"{at}account.display_name", f.MAX_NAME),
        created_at=created_at,
        created_raw=created_raw,
        url=f.opt_text(original.get("url"), f"{at}url", f.MAX_URL) or f.opt_text(
            original.get("uri"), f"{at}uri", f.MAX_URL),
        reply_to=f.opt_text(original.get("in_reply_to_id"), f"{at}in_reply_to_id", 64),
        reply_to_author=next((a for i, a in mentions if i == reply_account), None) if reply_account else None,
        mentions=[a for _, a in mentions],
        hashtags=tags,
        lang=f.opt_text(original.get("language"), f"{at}language", 16),
        raw=f.evidence(raw),
    )


class MastodonCollector(Collector):
    name = "mastodon"
    description = "Mastodon timelines: public, local, tag:NAME, account:user@host (API v1)"
    options_schema = {
        "instance": Option(str, required=True, help="the server, e.g. https://mastodon.example"),
        "timelines": Option(list, default=["local"], help='any of "public", "local", "tag:NAME", "account:ACCT"'),
        "token": Option(str, default="", secret=True, help="name of a keyring secret holding an access token"),
        "page_size": Option(int, default=40, help="statuses per request (the API's maximum is 40)"),
        "max_pages": Option(int, default=25, help="pages per timeline per run; the next run carries on"),
        "first_pages": Option(int, default=1, help="pages back from the newest on a timeline's first run"),
    }

    def __init__(self, options: dict | None = None):
        super().__init__(options)
        self.base = base_url(self.options["instance"])
        self.source = f"mastodon:{urllib.parse.urlsplit(self.base).netloc}"
        for timeline in self.options["timelines"]:
            kind, _, arg = str(timeline).partition(":")
            if not ((kind in ("public", "local") and not arg) or (kind in ("tag", "account") and arg.strip("#@"))):
                raise PluginError(f"mastodon: timeline {timeline!r}: use public, local, tag:NAME or account:ACCT")

    def _endpoint(self, client: HttpClient, timeline: str, cursor: dict) -> tuple[str, dict]:
        kind, _, arg = timeline.partition(":")
        if kind == "public":
            return f"{self.base}/api/v1/timelines/public", {}
        if kind == "local":
            return f"{self.base}/api/v1/timelines/public", {"local": "true"}
        if kind == "tag":
            return f"{self.base}/api/v1/timelines/tag/{urllib.parse.quote(arg.lstrip('#'), safe='')}", {}
        acct = arg.lstrip("@")
        accounts = cursor.setdefault("accounts", {})
        if acct not in accounts:
            found = client.get(f"{self.base}/api/v1/accounts/lookup", {"acct": acct}).json()
            if not isinstance(found, dict) or not found.get("id"):
                raise HttpError(f"mastodon: account {acct!r}: the lookup gave no id")
            accounts[acct] = str(found["id"])
        return f"{self.base}/api/v1/accounts/{accounts[acct]}/statuses", {}

    def _page(self, client: HttpClient, url: str, params: dict | None):
        resp = client.get(url, params)
        page = resp.json()
        if not isinstance(page, list):
            raise HttpError(f"GET {resp.url}: expected a list of statuses")
        return resp, page

    def _records(self, page: list, url: str, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        # Oldest first (the store keeps arrival order); numbered as the page has them.
        statuses = (((url, n), page[n - 1]) for n in range(len(page), 0, -1))
        yield from records_from(statuses, lambda status: status_record(status, self.source), state, entries=True)

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        secret = get_secret(self.options["token"]) if self.options["token"] else None
        client = HttpClient(settings_for(state), secret_headers={"Authorization": f"Bearer {secret}"} if secret else None)
        cursor: dict[str, dict] = {"timelines": {}, "accounts": {}}
        if isinstance(state.cursor, dict):
            cursor = {k: dict(state.cursor.get(k) or {}) for k in cursor}
        self._fetched = 0
        log = FeedLog(state, self.options["timelines"])
        for timeline in log.feeds:
            yield from log.run(timeline, self._timeline(client, state, log, cursor, timeline))
        log.finish()

    def _timeline(self, client, state, log, cursor, timeline) -> Iterator[PostRecord | ImportProblem]:
        endpoint, params = self._endpoint(client, timeline, cursor)
        params["limit"] = max(1, min(40, self.options["page_size"]))
        if timeline in cursor["timelines"]:
            yield from self._catch_up(client, state, log, cursor, timeline, endpoint, params)
        else:
            yield from self._first_run(client, state, log, cursor, timeline, endpoint, params)

    def _yield_page(self, state, resp, page) -> Iterator[PostRecord | ImportProblem]:
        yield from self._records(page, resp.url, state)
        self._fetched += len(page)
        state.progress(self._fetched)

    def _first_run(self, client, state, log, cursor, timeline, url, params):
        """The newest pages, going back; the cursor is set once all of them are yielded."""
        newest = None
        for _ in range(max(1, self.options["first_pages"])):
            resp, page = self._page(client, url, params)
            if not page:
                break
            yield from self._yield_page(state, resp, page)
            newest = _newest(page, newest)
            if "next" not in resp.links:
                break
            url, params = resp.links["next"], None
        if newest is not None:
            cursor["timelines"][timeline] = newest
        log.save(_copy(cursor))

    def _catch_up(self, client, state, log, cursor, timeline, endpoint, params):
        """Forward from the cursor, page by page; the cursor follows each yielded page."""
        url, query = endpoint, {**params, "min_id": cursor["timelines"][timeline]}
        for _ in range(max(1, self.options["max_pages"])):
            resp, page = self._page(client, url, query)
            if not page:
                break
            yield from self._yield_page(state, resp, page)
            newest = _newest(page, cursor["timelines"][timeline])
            cursor["timelines"][timeline] = newest
            log.save(_copy(cursor))  # this page is yielded: the cursor may pass it
            if "prev" in resp.links:
                url, query = resp.links["prev"], None
            else:
                url, query = endpoint, {**params, "min_id": newest}
        log.save(_copy(cursor))


def _newest(page: list, current: str | None) -> str | None:
    ids = [s["id"] for s in page if isinstance(s, dict) and isinstance(s.get("id"), str) and s["id"]]
    if current is not None:
        ids.append(current)
    return max(ids, key=_id_key, default=None)


def _copy(cursor: dict) -> dict:
    return {key: dict(value) for key, value in cursor.items()}
