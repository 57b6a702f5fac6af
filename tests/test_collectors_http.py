"""The shared HTTP client (triage/collectors/http_client.py) against real sockets on 127.0.0.1: backoff,
Retry-After and rate-limit headers in every dialect, cut connections, tokens kept to the
host they were meant for and out of every message."""

from __future__ import annotations

import email.utils
import socket

import pytest

from triage.collectors.http_client import HttpClient, HttpError, HttpSettings, parse_wait

from .fixtures.collectors.replay import FakeClock, Reply, ReplayServer, cut

NOW = 1_780_000_000.0


@pytest.mark.parametrize("value, wait", [
    ("7", 7.0),  # Retry-After seconds; Reddit's X-Ratelimit-Reset delta
    (str(int(NOW) + 90), 90.0),  # an epoch (GitHub, X)
    ("2026-05-28T20:28:20.000Z", 1_780_000_100 - NOW),  # Mastodon: ISO 8601
    (email.utils.formatdate(NOW + 30, usegmt=True), 30.0),  # Retry-After HTTP date
    (str(int(NOW) - 50), 0.0),  # already past
    ("soon", None), ("", None), (None, None),
])
def test_wait_headers_in_every_dialect(value, wait):
    assert parse_wait(value, NOW) == (pytest.approx(wait) if wait is not None else None)


def client(clock, **kw) -> HttpClient:
    settings = HttpSettings(sleep=clock.sleep, clock=clock.time, backoff_base=1.0, max_retries=kw.pop("retries", 5))
    return HttpClient(settings, **kw)


def test_server_errors_back_off_exponentially_then_succeed():
    clock = FakeClock()
    with ReplayServer(lambda r: Reply(200, {"ok": True})) as srv:
        srv.fail(Reply(503, "busy"), times=3)
        resp = client(clock).get(f"{srv.url}/x")
    assert resp.json() == {"ok": True}
    assert len(clock.sleeps) == 3
    for got, base in zip(clock.sleeps, (1, 2, 4)):  # doubling, with +-25% jitter
        assert 0.75 * base <= got <= 1.25 * base


def test_a_429_with_only_a_reset_epoch_waits_until_then():
    clock = FakeClock(NOW)
    with ReplayServer(lambda r: Reply(200, [])) as srv:
        srv.fail(Reply(429, "", {"X-RateLimit-Reset": str(int(NOW) + 120)}))
        client(clock).get(f"{srv.url}/x")
    assert clock.sleeps == [120.0]


def test_a_connection_cut_mid_body_is_retried_and_the_page_read_whole():
    clock = FakeClock()
    page = Reply(200, [{"id": str(i), "text": "x" * 50} for i in range(200)])
    with ReplayServer(lambda r: page) as srv:
        srv.fail(cut(page, 0.3))
        resp = client(clock).get(f"{srv.url}/x")
    assert len(resp.json()) == 200 and len(srv.requests) == 2


def test_a_refused_connection_fails_after_the_retries_in_one_line():
    clock = FakeClock()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    with pytest.raises(HttpError) as err:
        client(clock, retries=2).get(f"http://127.0.0.1:{port}/api")
    assert str(err.value).startswith(f"GET http://127.0.0.1:{port}/api: ")
    assert str(err.value).endswith("Connection refused (after 3 tries)") and "\n" not in str(err.value)
    assert ": cannot connect: " in str(err.value)
    assert len(clock.sleeps) == 2


def test_a_wait_longer_than_max_wait_ends_the_request_instead_of_hanging():
    clock = FakeClock()
    with ReplayServer(lambda r: Reply(429, "", {"Retry-After": "3600"})) as srv:
        with pytest.raises(HttpError, match="asks to wait 3600 s, more than max_wait"):
            client(clock).get(f"{srv.url}/x")
    assert clock.sleeps == []


def test_min_interval_paces_requests_and_a_user_agent_is_sent():
    clock = FakeClock()
    with ReplayServer(lambda r: Reply(200, {})) as srv:
        http = client(clock, min_interval=1.0)
        for _ in range(3):
            http.get(f"{srv.url}/x")
    assert clock.sleeps == [1.0, 1.0]
    assert srv.requests[0].headers["user-agent"].startswith("triage-console/")


def test_other_client_errors_fail_at_once_with_the_apis_reason():
    clock = FakeClock()
    with ReplayServer(lambda r: Reply(404, {"error": "Record not found"})) as srv:
        with pytest.raises(HttpError) as err:
            client(clock).get(f"{srv.url}/api/v1/accounts/lookup", {"acct": "nobody"})
    assert str(err.value) == f"GET {srv.url}/api/v1/accounts/lookup?acct=nobody: HTTP 404: Record not found"
    assert err.value.status == 404 and clock.sleeps == []


def test_a_token_never_follows_a_redirect_to_another_host_nor_shows_in_errors():
    token = "tok-3f9a7c1e5b"
    clock = FakeClock()
    with ReplayServer(lambda r: Reply(200, {"here": True})) as elsewhere:
        with ReplayServer(lambda r: Reply(302, "", {"Location": f"{elsewhere.url}/landing"})) as origin:
            client(clock, secret_headers={"Authorization": f"Bearer {token}"}).get(f"{origin.url}/start")
        assert origin.requests[0].headers["authorization"] == f"Bearer {token}"
        assert "authorization" not in elsewhere.requests[0].headers
    with ReplayServer(lambda r: Reply(401, {"error": f"The access token {token} is invalid"})) as srv:
        with pytest.raises(HttpError) as err:
            client(clock, secret_headers={"Authorization": f"Bearer {token}"}).get(f"{srv.url}/x")
    assert token not in str(err.value) and "***" in str(err.value)


def test_one_kept_alive_connection_carries_a_whole_run_and_gzip_is_decoded():
    clock = FakeClock()
    page = [{"id": str(i), "text": "the same words again " * 10} for i in range(300)]
    with ReplayServer(lambda r: Reply(200, page), gzip_bodies=True) as srv:
        http = client(clock)
        for n in range(5):
            assert http.get(f"{srv.url}/page", {"n": n}).json() == page
    assert len({r.peer for r in srv.requests}) == 1  # five requests, one connection
    assert all("gzip" in r.headers["accept-encoding"] for r in srv.requests)


def test_a_gzip_bomb_is_refused_by_its_decoded_size_not_its_wire_size():
    import gzip

    bomb = gzip.compress(b"0" * 5_000_000)  # ~5 kB on the wire
    clock = FakeClock()
    with ReplayServer(lambda r: Reply(200, bomb, {"Content-Encoding": "gzip"})) as srv:
        http = HttpClient(HttpSettings(sleep=clock.sleep, clock=clock.time, max_bytes=1_000_000))
        with pytest.raises(HttpError, match="response larger than 1,000,000 bytes"):
            http.get(f"{srv.url}/x")


def test_a_long_error_reason_is_redacted_before_it_is_cut():
    """A token that straddles the cut point must not leave its first half in the message."""
    token = "tok-" + "9f3c2a7e" * 8  # 68 characters
    reason = "x" * 130 + f" invalid token {token} given"  # the token starts before the 160-char cut
    clock = FakeClock()
    with ReplayServer(lambda r: Reply(401, {"error": reason})) as srv:
        with pytest.raises(HttpError) as err:
            client(clock, secret_headers={"Authorization": f"Bearer {token}"}).get(f"{srv.url}/x")
    message = str(err.value)
    assert "***" in message
    for start in range(0, len(token) - 8):
        assert token[start:start + 8] not in message


def test_the_servers_reason_reaches_the_message_sanitized():
    clock = FakeClock()
    with ReplayServer(lambda r: Reply(400, {"error": "InvalidRequest", "message": "bad \x1b]0;pwned\x07 query"})) as srv:
        with pytest.raises(HttpError) as err:
            client(clock).get(f"{srv.url}/xrpc/app.bsky.feed.searchPosts", {"q": "x"})
    assert "\x1b" not in str(err.value) and "\x07" not in str(err.value)
    assert str(err.value).endswith("HTTP 400: InvalidRequest bad ␛]0;pwned␇ query")


def test_a_form_post_is_retried_like_a_get():
    clock = FakeClock()
    with ReplayServer(lambda r: Reply(200, {"access_token": "t", "form": r.method_body})) as srv:
        srv.fail(Reply(503, "busy"))
        resp = client(clock).post_form(f"{srv.url}/token", {"grant_type": "client_credentials"})
    assert resp.json()["form"] == {"grant_type": "client_credentials"}
    assert [r.method for r in srv.requests] == ["POST", "POST"] and len(clock.sleeps) == 1


def test_a_server_that_stops_answering_times_out_and_is_asked_again():
    import time

    calls = []

    def slow_once(req):
        calls.append(req)
        if len(calls) == 1:
            time.sleep(0.6)  # longer than the read timeout below
        return Reply(200, {"ok": len(calls)})

    clock = FakeClock()
    with ReplayServer(slow_once) as srv:
        http = HttpClient(HttpSettings(sleep=clock.sleep, clock=clock.time, timeout=0.2, backoff_base=1.0))
        assert http.get(f"{srv.url}/x").json() == {"ok": 2}
    assert len(clock.sleeps) == 1  # one backoff, then the answer


def test_json_nested_beyond_the_parsers_stack_is_one_line_not_a_crash():
    clock = FakeClock()
    deep = "[" * 200_000 + "]" * 200_000
    with ReplayServer(lambda r: Reply(200, deep)) as srv:
        resp = client(clock).get(f"{srv.url}/x")
        with pytest.raises(HttpError, match=r"/x: the response is not JSON \(nested too deep\)$"):
            resp.json()
