"""The one small HTTP client live collectors share (stdlib ``urllib``: nothing to install on an
air-gapped review station that never runs a live collector anyway).

What it does for every collector, so none gets it wrong on its own:

- a User-Agent that says who is asking, and a timeout on every request;
- retries with exponential backoff on 429, 5xx, timeouts and connections cut mid-body,
  honouring ``Retry-After`` and ``X-RateLimit-Reset`` when the server gives them;
- pacing: a minimum interval between requests (4chan asks for one a second) and, when
  ``X-RateLimit-Remaining`` reaches zero, a wait until the reset time before the next request;
- tokens only in headers that are not forwarded on redirects, and never in an error message.

The clock and ``sleep`` are injectable (``HttpSettings``): tests never really wait, and
``triage collect --watch`` passes a sleep that a stop signal interrupts.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import random
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message
from typing import Callable, Iterable

from . import __version__

DEFAULT_USER_AGENT = f"triage-console/{__version__} (threat-leakage triage collector; python-urllib)"
# Epoch values below this in a reset header are a number of seconds to wait (Reddit sends a
# delta, GitHub and X an epoch): no real reset lies before 2001.
_EPOCH_FLOOR = 1_000_000_000
_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([^";,]+)"?')


class HttpError(RuntimeError):
    """A request that failed for good (after retries). The message is one line, with no secret."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class Interrupted(Exception):
    """A stop was asked for (SIGINT/SIGTERM) while the client waited; nothing is half-done."""


@dataclass
class HttpSettings:
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 30.0
    max_retries: int = 5
    backoff_base: float = 2.0  # seconds before the first retry; doubles each time
    backoff_max: float = 300.0
    # The longest rate-limit wait honoured inside one run. A longer one ends the run with an
    # error instead of hanging a cron job; the cursor is saved and the next run resumes.
    max_wait: float = 900.0
    max_bytes: int = 64 * 1024 * 1024  # a response larger than this is refused
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time


def settings_for(state) -> HttpSettings:
    """The settings the runner put in ``CollectorState.extra`` (tests, --watch), else defaults."""
    extra = getattr(state, "extra", None) or {}
    settings = extra.get("http")
    return settings if isinstance(settings, HttpSettings) else HttpSettings()


@dataclass
class Response:
    url: str
    status: int
    headers: Message
    body: bytes = b""
    _links: dict[str, str] | None = field(default=None, repr=False)

    def json(self):
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HttpError(f"GET {_short(self.url)}: the response is not JSON ({exc})", self.status) from None

    @property
    def links(self) -> dict[str, str]:
        """The ``Link`` header as rel -> absolute URL (Mastodon pages with it)."""
        if self._links is None:
            self._links = {}
            for value in self.headers.get_all("Link") or ():
                for url, rel in _LINK.findall(value):
                    for name in rel.split():
                        self._links[name] = urllib.parse.urljoin(self.url, url)
        return self._links


def _short(url: str, limit: int = 200) -> str:
    return url if len(url) <= limit else url[:limit] + "..."


def parse_wait(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After or X-RateLimit-Reset value: a delta in seconds, an
    epoch, an HTTP date or an ISO 8601 time (Mastodon). None if absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None:
        if number != number:
            return None
        return max(0.0, number - now) if number >= _EPOCH_FLOOR else max(0.0, number)
    when = None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


class HttpClient:
    def __init__(self, settings: HttpSettings | None = None, *, min_interval: float = 0.0,
                 headers: dict[str, str] | None = None, secret_headers: dict[str, str] | None = None):
        self.settings = settings or HttpSettings()
        self.min_interval = min_interval
        self.headers = {"User-Agent": self.settings.user_agent, "Accept": "application/json", **(headers or {})}
        # Sent only to the URL asked for: urllib does not copy "unredirected" headers to a
        # redirect target, so a token cannot follow a redirect to another host.
        self.secret_headers = dict(secret_headers or {})
        # Redact the header values and the bare tokens in them ("Bearer <token>" -> "<token>").
        self._secrets = sorted({part for v in self.secret_headers.values() if v
                                for part in (v, v.split(" ", 1)[-1]) if len(part) >= 4}, key=len, reverse=True)
        self._opener = urllib.request.build_opener()
        self._last_request = 0.0
        self._not_before = 0.0  # set when X-RateLimit-Remaining hit zero
        self.requests = 0  # counted for tests and progress lines

    # ---- waiting -------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _wait(self, seconds: float, why: str, url: str) -> None:
        if seconds <= 0:
            return
        if seconds > self.settings.max_wait:
            raise HttpError(self._redact(
                f"GET {_short(url)}: {why}: the server asks to wait {seconds:.0f} s, more than max_wait "
                f"({self.settings.max_wait:.0f} s); the next run resumes from the saved cursor"))
        self.settings.sleep(seconds)

    def _pace(self, url: str) -> None:
        now = self.settings.clock()
        due = max(self._last_request + self.min_interval, self._not_before)
        if due > now:
            self._wait(due - now, "rate limit", url)

    def _backoff(self, attempt: int) -> float:
        base = min(self.settings.backoff_max, self.settings.backoff_base * (2 ** attempt))
        return base * (0.75 + random.random() * 0.5)  # jitter: many collectors do not retry in step

    def _note_rate_limit(self, headers: Message) -> None:
        remaining = headers.get("X-RateLimit-Remaining") or headers.get("X-Ratelimit-Remaining")
        try:
            left = float(remaining) if remaining is not None else None
        except ValueError:
            left = None
        if left is not None and left < 1:
            wait = parse_wait(headers.get("X-RateLimit-Reset"), self.settings.clock())
            if wait is not None:
                self._not_before = self.settings.clock() + wait

    # ---- requests ------------------------------------------------------------------------

    def _send(self, url: str, headers: dict[str, str]) -> Response:
        request = urllib.request.Request(url, headers={**self.headers, **headers})
        for name, value in self.secret_headers.items():
            request.add_unredirected_header(name, value)
        self.requests += 1
        self._last_request = self.settings.clock()
        try:
            resp = self._opener.open(request, timeout=self.settings.timeout)
        except urllib.error.HTTPError as exc:  # a response all the same (4xx/5xx, 304)
            with exc:
                body = exc.read(65536) if exc.status not in (304,) else b""
            return Response(url=exc.url or url, status=exc.status, headers=exc.headers, body=body)
        with resp:
            # With a Content-Length, read() (no size) raises IncompleteRead on a connection
            # cut mid-body; read(n) would quietly return the part that came.
            length = getattr(resp, "length", None)
            if (length or 0) > self.settings.max_bytes:
                raise HttpError(f"GET {_short(url)}: response of {length:,} bytes, over {self.settings.max_bytes:,}")
            body = resp.read() if length is not None else resp.read(self.settings.max_bytes + 1)
            if len(body) > self.settings.max_bytes:
                raise HttpError(f"GET {_short(url)}: response larger than {self.settings.max_bytes:,} bytes")
            return Response(url=resp.url or url, status=resp.status, headers=resp.headers, body=body)

    def get(self, url: str, params: dict | None = None, headers: dict[str, str] | None = None,
            accept: Iterable[int] = (200,)) -> Response:
        """GET with retries. Statuses in ``accept`` are returned (add 304 for conditional
        requests, 404 where a vanished resource is normal); 429 and 5xx are retried; any
        other status, or running out of retries, raises ``HttpError``."""
        if params:
            query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
            url = f"{url}{'&' if '?' in url else '?'}{query}" if query else url
        accept = tuple(accept)
        tries = self.settings.max_retries + 1
        for attempt in range(tries):
            self._pace(url)
            try:
                resp = self._send(url, headers or {})
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError, socket.timeout,
                    TimeoutError) as exc:
                # Cut mid-body (IncompleteRead), refused, reset, timed out: nothing of this page
                # was used, so asking again cannot duplicate or lose anything.
                reason = getattr(exc, "reason", None) or exc.__class__.__name__
                if attempt + 1 >= tries:
                    raise HttpError(self._redact(f"GET {_short(url)}: {reason} (after {tries} tries)")) from None
                self._wait(self._backoff(attempt), "connection failed", url)
                continue
            if resp.status in accept:
                self._note_rate_limit(resp.headers)
                return resp
            if resp.status == 429 or resp.status >= 500:
                if attempt + 1 >= tries:
                    raise HttpError(self._redact(
                        f"GET {_short(url)}: HTTP {resp.status} (after {tries} tries)"), resp.status)
                now = self.settings.clock()
                wait = parse_wait(resp.headers.get("Retry-After"), now)
                if wait is None and resp.status == 429:
                    wait = parse_wait(resp.headers.get("X-RateLimit-Reset"), now)
                self._wait(self._backoff(attempt) if wait is None else wait,
                           "rate limited" if resp.status == 429 else f"HTTP {resp.status}", url)
                continue
            raise HttpError(self._redact(f"GET {_short(url)}: HTTP {resp.status}{_error_hint(resp)}"), resp.status)
        raise AssertionError("unreachable")


def _error_hint(resp: Response) -> str:
    """The API's own one-line reason (Mastodon: {"error": "..."}), if it gives one."""
    try:
        data = json.loads(resp.body[:4096] or b"null")
    except (ValueError, UnicodeDecodeError):
        return ""
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return ": " + " ".join(data["error"].split())[:160]
    return ""
