"""Live-collector transport: pages a second through ``triage.collectors.http_client.HttpClient`` (one kept-alive
connection, gzip) beside the same client opening a new connection for every page, against a
Bluesky-shaped replay server over HTTPS on 127.0.0.1 in its own process.

Loopback has no network delay, so the ratio shown is only the TLS handshakes saved; over a
real link each new connection also costs one to two round trips. The wire size of a page with
and without gzip is printed beside it.

    python -m bench.collect_bench
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = 200
_SERVER = """
import ssl, sys
sys.path.insert(0, {root!r})
from tests.fixtures.collectors.bluesky_api import FakeAppView
from tests.fixtures.collectors.replay import ReplayServer
srv = ReplayServer(FakeAppView(100).handle, gzip_bodies=True)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain({cert!r}, {key!r})
srv.httpd.socket = ctx.wrap_socket(srv.httpd.socket, server_side=True)
print(srv.httpd.server_address[1], flush=True)
srv.httpd.serve_forever()
"""


def _pages_per_s(url: str, fresh: bool) -> float:
    from triage.collectors.http_client import HttpClient, HttpSettings

    params = {"q": "post", "limit": 100}
    client = HttpClient(HttpSettings())
    client.get(url, params)  # warm up (imports, first handshake)
    started = time.perf_counter()
    for _ in range(PAGES):
        if fresh:
            client.close()
            client = HttpClient(HttpSettings())
        client.get(url, params)
    client.close()
    return PAGES / (time.perf_counter() - started)


def run() -> list[dict]:
    if shutil.which("openssl") is None:
        return []
    with tempfile.TemporaryDirectory(prefix="triage-bench-tls-") as tmp:
        cert, key = f"{tmp}/cert.pem", f"{tmp}/key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        server = subprocess.Popen([sys.executable, "-c", _SERVER.format(root=str(ROOT), cert=cert, key=key)],
                                  stdout=subprocess.PIPE, text=True)
        try:
            port = int(server.stdout.readline())
            os.environ["SSL_CERT_FILE"] = cert  # trust the bench's own certificate, nothing else changes
            url = f"https://127.0.0.1:{port}/xrpc/app.bsky.feed.searchPosts"
            pooled = _pages_per_s(url, fresh=False)
            fresh = _pages_per_s(url, fresh=True)
        finally:
            server.terminate()
            server.wait()
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.collectors.bluesky_api import FakeAppView
    from tests.fixtures.collectors.replay import Request

    body = json.dumps(FakeAppView(100).search(Request("GET", "", {"q": "post", "limit": "100"}, {})).body).encode()
    return [
        {"figure": "live collector: 100-post pages over HTTPS, kept-alive", "value": pooled, "unit": "pages/s",
         "reference": fresh, "ref_name": "a new connection a page", "ratio": pooled / fresh, "target": ">= 1"},
        {"figure": "live collector: one 100-post page on the wire, gzip", "value": len(gzip.compress(body)) / 1024,
         "unit": "KiB", "reference": len(body) / 1024, "ref_name": "KiB uncompressed",
         "ratio": len(gzip.compress(body)) / len(body), "target": ""},
    ]


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row))
