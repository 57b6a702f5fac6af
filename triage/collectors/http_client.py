"""The one HTTP client live collectors share: urllib3 underneath (connection pools, gzip,
timeouts), our own policy on top.

What it does for every collector, so none gets it wrong on its own:

- one pool of kept-alive connections per client (a run of 25 pages opens one connection, not
  25 TLS handshakes); ``Accept-Encoding: gzip`` with the decoded size capped (``max_bytes``,
  so a small gzip bomb cannot fill memory); a connect and read timeout on every request;
- retries with exponential backoff on 429, 5xx, timeouts and connections cut mid-body,
  honouring ``Retry-After`` and ``X-RateLimit-Reset`` when the server gives them;
- pacing: a minimum interval between requests (4chan asks for one a second) and, when
  ``X-RateLimit-Remaining`` reaches zero, a wait until the reset time before the next request;
- tokens only in headers that are dropped on a redirect to another host, and never in an
  error message: messages are redacted first and only then cut to length, and the server's
  own words in them pass the sanitizer (they are untrusted text bound for a terminal).

urllib3 does no retrying here (``Retry`` with zero tries but redirects): the policy above is
ours, with an injectable clock and ``sleep`` (``HttpSettings``): tests never really wait, and
``triage collect --watch`` passes a sleep that a stop signal interrupts. Proxies come from the
environment (``https_proxy``, ``no_proxy``), as curl and urllib read them.
"""

from __future__ import annotations

import email.utils
import json
import random
import re
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable

import urllib3
from urllib3.util.retry import Retry

from .. import __version__
from ..errors import TriageError
from ..sanitize import sanitize

DEFAULT_USER_AGENT = f"triage-console/{__version__} (threat-leakage triage collector; urllib3)"
# Epoch values below this in a reset header are a number of seconds to wait (Reddit sends a
# delta, GitHub and X an epoch): no real reset lies before 2001.
_EPOCH_FLOOR = 1_000_000_000
_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([^";,]+)"?')
_HINT_CHARS = 160
_CHUNK = 64 * 1024


class HttpError(TriageError, RuntimeError):
    """A request that failed for good (after retries). The message is one line, with no secret."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class Interrupted(Exception):
    """A stop was asked for (SIGINT/SIGTERM) while the client waited; nothing is half-done."""


@dataclass
class HttpSettings:
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 30.0  # connect, and then each read of the socket
    max_retries: int = 5
    backoff_base: float = 2.0  # seconds before the first retry; doubles each time
    backoff_max: float = 300.0
    # The longest rate-limit wait honoured inside one run. A longer one ends the run with an
    # error instead of hanging a cron job; the cursor is saved and the next run resumes.
    max_wait: float = 900.0
    max_bytes: int = 64 * 1024 * 1024  # a response larger than this (decoded) is refused
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
    headers: urllib3.HTTPHeaderDict  # case-insensitive; ``getlist`` for repeated headers
    body: bytes = b""
    _links: dict[str, str] | None = field(default=None, repr=False)

    def json(self):
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HttpError(f"GET {_short(self.url)}: the response is not JSON ({exc})", self.status) from None
        except RecursionError:  # nested thousands deep: junk, and the parser's stack says so
            raise HttpError(f"GET {_short(self.url)}: the response is not JSON (nested too deep)", self.status) from None

    @property
    def links(self) -> dict[str, str]:
        """The ``Link`` header as rel -> absolute URL (Mastodon pages with it)."""
        if self._links is None:
            self._links = {}
            for value in self.headers.getlist("Link"):
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


class _Failed(Exception):
    """A transport failure worth another try (refused, reset, timed out, cut mid-body)."""


class HttpClient:
    def __init__(self, settings: HttpSettings | None = None, *, min_interval: float = 0.0,
                 headers: dict[str, str] | None = None, secret_headers: dict[str, str] | None = None,
                 secret_values: Iterable[str] = ()):
        self.settings = settings or HttpSettings()
        self.min_interval = min_interval
        self.headers = {"User-Agent": self.settings.user_agent, "Accept": "application/json",
                        "Accept-Encoding": "gzip, deflate", **(headers or {})}
        self.secret_headers: dict[str, str] = dict(secret_headers or {})
        # Values a server might echo back that are not headers (an OAuth client id and secret).
        self._secret_values = {v for v in secret_values if v}
        self._secrets = self._redacted()
        self._pools: dict[str | None, urllib3.PoolManager] = {}
        self._proxies = urllib.request.getproxies()  # read once: it scans the whole environment
        self._last_request = 0.0
        self._not_before = 0.0  # set when X-RateLimit-Remaining hit zero
        self.requests = 0  # counted for tests and progress lines

    def set_secret_header(self, name: str, value: str) -> None:
        """Send ``name: value`` with every request, drop it on a redirect to another host, and
        keep the value (and the bare token of ``Bearer <token>``) out of every message."""
        self.secret_headers[name] = value
        self._secrets = self._redacted()

    def _redacted(self) -> list[str]:
        """What ``_redact`` blanks out, longest first (so a token inside a header goes whole)."""
        parts = {part for v in self.secret_headers.values() if v for part in (v, v.split(" ", 1)[-1])}
        parts |= self._secret_values
        return sorted((p for p in parts if len(p) >= 4), key=len, reverse=True)

    def close(self) -> None:
        for pool in self._pools.values():
            pool.clear()
        self._pools.clear()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- waiting -------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _where(self, method: str, url: str) -> str:
        """``GET <url>`` for a message: redacted before it is cut, so no part of a secret survives."""
        return f"{method} {_short(self._redact(url))}"

    def _wait(self, seconds: float, why: str, method: str, url: str) -> None:
        if seconds <= 0:
            return
        if seconds > self.settings.max_wait:
            raise HttpError(
                f"{self._where(method, url)}: {why}: the server asks to wait {seconds:.0f} s, more than max_wait "
                f"({self.settings.max_wait:.0f} s); the next run resumes from the saved cursor")
        self.settings.sleep(seconds)

    def _pace(self, method: str, url: str) -> None:
        now = self.settings.clock()
        due = max(self._last_request + self.min_interval, self._not_before)
        if due > now:
            self._wait(due - now, "rate limit", method, url)

    def _backoff(self, attempt: int) -> float:
        base = min(self.settings.backoff_max, self.settings.backoff_base * (2 ** attempt))
        return base * (0.75 + random.random() * 0.5)  # jitter: many collectors do not retry in step

    def _note_rate_limit(self, headers) -> None:
        remaining = headers.get("X-RateLimit-Remaining")
        try:
            left = float(remaining) if remaining is not None else None
        except ValueError:
            left = None
        if left is not None and left < 1:
            wait = parse_wait(headers.get("X-RateLimit-Reset"), self.settings.clock())
            if wait is not None:
                self._not_before = self.settings.clock() + wait

    # ---- requests ------------------------------------------------------------------------

    def _pool(self, url: str) -> urllib3.PoolManager:
        """One pool per proxy (usually none): connections to a host are kept and reused."""
        parts = urllib.parse.urlsplit(url)
        proxy = self._proxies.get(parts.scheme)
        if proxy and urllib.request.proxy_bypass(parts.hostname or ""):
            proxy = None
        if proxy not in self._pools:
            timeout = urllib3.Timeout(connect=self.settings.timeout, read=self.settings.timeout)
            self._pools[proxy] = (urllib3.ProxyManager(proxy, timeout=timeout) if proxy
                                  else urllib3.PoolManager(timeout=timeout))
        return self._pools[proxy]

    def _send(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Response:
        # urllib3 follows redirects but retries nothing itself (the loop in ``request`` does),
        # and drops our secret headers when a redirect leaves the host.
        retries = Retry(total=None, connect=0, read=0, status=0, other=0, redirect=5, raise_on_redirect=True,
                        remove_headers_on_redirect=[*Retry.DEFAULT_REMOVE_HEADERS_ON_REDIRECT, *self.secret_headers])
        self.requests += 1
        self._last_request = self.settings.clock()
        try:
            resp = self._pool(url).request(method, url, body=body, headers={**self.headers, **headers,
                                           **self.secret_headers}, retries=retries, redirect=True,
                                           preload_content=False, decode_content=True)
        except urllib3.exceptions.MaxRetryError as exc:
            if isinstance(exc.reason, urllib3.exceptions.ResponseError):  # too many redirects
                raise HttpError(f"{self._where(method, url)}: too many redirects") from None
            raise _Failed(_reason(exc.reason)) from None
        except urllib3.exceptions.HTTPError as exc:
            raise _Failed(_reason(exc)) from None
        try:
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > self.settings.max_bytes:
                raise HttpError(f"{self._where(method, url)}: response of {int(length):,} bytes, "
                                f"over {self.settings.max_bytes:,}")
            chunks, size = [], 0
            # With a Content-Length, urllib3 raises on a connection cut mid-body (it never
            # hands over the part that came as if it were the whole page).
            for chunk in resp.stream(_CHUNK, decode_content=True):
                size += len(chunk)
                if size > self.settings.max_bytes:
                    raise HttpError(f"{self._where(method, url)}: response larger than "
                                    f"{self.settings.max_bytes:,} bytes")
                chunks.append(chunk)
        except urllib3.exceptions.HTTPError as exc:  # cut mid-body, read timeout, broken gzip
            resp.close()
            raise _Failed(_reason(exc)) from None
        except HttpError:
            resp.close()
            raise
        resp.release_conn()
        # urllib3 gives the final URL of a redirect chain, sometimes as a bare path
        return Response(url=urllib.parse.urljoin(url, resp.url or url), status=resp.status, headers=resp.headers,
                        body=b"".join(chunks))

    def get(self, url: str, params: dict | None = None, headers: dict[str, str] | None = None,
            accept: Iterable[int] = (200,)) -> Response:
        """GET with retries. Statuses in ``accept`` are returned (add 304 for conditional
        requests, 404 where a vanished resource is normal); 429 and 5xx are retried; any
        other status, or running out of retries, raises ``HttpError``."""
        return self.request("GET", url, params=params, headers=headers, accept=accept)

    def post_form(self, url: str, form: dict[str, str], headers: dict[str, str] | None = None,
                  accept: Iterable[int] = (200,)) -> Response:
        """POST a form (an OAuth token request), with the same retries as ``get``."""
        body = urllib.parse.urlencode(form).encode()
        return self.request("POST", url, body=body, accept=accept,
                            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})

    def request(self, method: str, url: str, *, params: dict | None = None, body: bytes | None = None,
                headers: dict[str, str] | None = None, accept: Iterable[int] = (200,)) -> Response:
        if params:
            query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
            url = f"{url}{'&' if '?' in url else '?'}{query}" if query else url
        accept = tuple(accept)
        tries = self.settings.max_retries + 1
        for attempt in range(tries):
            self._pace(method, url)
            try:
                resp = self._send(method, url, headers or {}, body)
            except _Failed as exc:
                # Refused, reset, timed out, cut mid-body: nothing of this page was used, so
                # asking again cannot duplicate or lose anything.
                if attempt + 1 >= tries:
                    raise HttpError(f"{self._where(method, url)}: {exc} (after {tries} tries)") from None
                self._wait(self._backoff(attempt), "connection failed", method, url)
                continue
            if resp.status in accept:
                self._note_rate_limit(resp.headers)
                return resp
            if resp.status == 429 or resp.status >= 500:
                if attempt + 1 >= tries:
                    raise HttpError(f"{self._where(method, url)}: HTTP {resp.status} (after {tries} tries)",
                                    resp.status)
                now = self.settings.clock()
                wait = parse_wait(resp.headers.get("Retry-After"), now)
                if wait is None and resp.status == 429:
                    wait = parse_wait(resp.headers.get("X-RateLimit-Reset"), now)
                self._wait(self._backoff(attempt) if wait is None else wait,
                           "rate limited" if resp.status == 429 else f"HTTP {resp.status}", method, url)
                continue
            hint = self._redact(_error_hint(resp))  # redact the whole reason, then cut it
            hint = sanitize(_short(hint, _HINT_CHARS)) if hint else ""
            raise HttpError(f"{self._where(method, url)}: HTTP {resp.status}{': ' + hint if hint else ''}",
                            resp.status)
        raise AssertionError("unreachable")


def _reason(exc: BaseException | None) -> str:
    """A transport failure in a few words for the run's one-line error."""
    if isinstance(exc, urllib3.exceptions.NewConnectionError):  # refused, unreachable, unknown name
        return "cannot connect: " + str(exc).rsplit("connection: ", 1)[-1][:120]
    if isinstance(exc, urllib3.exceptions.TimeoutError):  # (after NewConnectionError: urllib3 derives it from this)
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, urllib3.exceptions.ProtocolError):
        return "connection broken mid-answer"
    if isinstance(exc, urllib3.exceptions.DecodeError):
        return "broken gzip/deflate data"
    return type(exc).__name__ if exc is not None else "connection failed"


def _error_hint(resp: Response) -> str:
    """The API's own reason, whole and on one line: Mastodon ``{"error": "..."}``, AT Protocol
    ``{"error": "InvalidRequest", "message": "..."}``, Reddit ``{"message": "Forbidden"}``."""
    try:
        data = json.loads(resp.body[:65536] or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return ""
    if not isinstance(data, dict):
        return ""
    parts = [data[key] for key in ("error", "message") if isinstance(data.get(key), str) and data[key].strip()]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    return " ".join(" ".join(parts).split())
