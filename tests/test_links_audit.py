"""Links end to end: the real CLI against loopback servers, for what only a live crawl shows.

Retry-After: a partner answering 429 "too many requests" must be waited for as it asks, and a
link that works after the wait is fine; one that never stops answering 429 is "cannot
verify" (a notice), never "broken".
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support import run_cli

RETRY_AFTER_TOML = """
[crawl]
delay = 0.0
timeout = 10.0

[crawl.retry_after]
max_retries = 2
max_wait = 5.0
default_wait = 1.0
"""


class LoopbackServer:
    """A ThreadingHTTPServer on 127.0.0.1 whose answers come from `route(handler) -> (status,
    headers, body)`. Every request is logged as (monotonic time, method, path)."""

    def __init__(self, route) -> None:
        self.log: list[tuple[float, str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                server.log.append((time.monotonic(), self.command, self.path))
                status, headers, body = route(self)
                self.send_response(status)
                for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":  # off-site link checks ask with HEAD first
                    self.wfile.write(body)

            do_HEAD = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def requests_to(self, path: str) -> list[float]:
        return [when for when, _, p in self.log if p == path]

    def __enter__(self) -> "LoopbackServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def partner_routes():
    """/flaky: 429 with Retry-After: 2 twice, then 200. /always: 429 with Retry-After: 1."""
    hits = {"/flaky": 0}
    lock = threading.Lock()

    def route(handler):
        if handler.path == "/flaky":
            with lock:
                hits["/flaky"] += 1
                limited = hits["/flaky"] <= 2
            if limited:
                return 429, {"Retry-After": "2"}, b"Too many requests"
            return 200, {}, b"<html><title>Partner</title><h1>Partner page</h1></html>"
        if handler.path == "/always":
            return 429, {"Retry-After": "1"}, b"Too many requests"
        return 404, {}, b"<html><title>Not found</title><h1>Not found</h1></html>"
    return route


def site_routes(partner_url: str):
    page = (f"<!doctype html><html lang='en'><head><title>Local Offer</title></head><body>"
            f"<main><h1>Local Offer</h1><p>Partners: <a href='{partner_url}/flaky'>Carers "
            f"centre</a> and <a href='{partner_url}/always'>National charity</a>.</p></main>"
            f"</body></html>").encode()

    def route(handler):
        if handler.path == "/":
            return 200, {}, page
        if handler.path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"
        return 404, {}, b"<html><title>Page not found</title><h1>Page not found</h1></html>"
    return route


@pytest.fixture(scope="module")
def retry_after_audit(tmp_path_factory):
    root = tmp_path_factory.mktemp("retry-after")
    config = root / "site.toml"
    config.write_text(RETRY_AFTER_TOML, "utf-8")
    with LoopbackServer(partner_routes()) as partner, \
            LoopbackServer(site_routes(partner.url)) as site:
        result = run_cli("audit", f"{site.url}/", "--out", str(root / "out"), "--no-progress",
                         "--config", str(config), timeout=120)
    assert result.returncode == 0, result.stderr
    findings = [json.loads(line) for line in (root / "out" / "findings.jsonl").open()]
    db = sqlite3.connect(root / "out" / "localoffer-audit.sqlite")
    statuses = {url: (status, error, elapsed) for url, status, error, elapsed in db.execute(
        "SELECT url, status, error, elapsed FROM link_status")}
    db.close()
    return {"partner": partner, "findings": findings, "statuses": statuses}


def _link_findings(audit, path):
    return [f for f in audit["findings"] if f["family"] == "links"
            and (f.get("target") or "").endswith(path)]


def test_retry_after_is_waited_for_and_the_link_is_ok(retry_after_audit):
    audit = retry_after_audit
    flaky = audit["partner"].requests_to("/flaky")
    assert len(flaky) == 3  # 429, 429, then 200: no extra requests in between
    waits = [later - earlier for earlier, later in zip(flaky, flaky[1:])]
    assert all(wait >= 1.95 for wait in waits), waits  # Retry-After: 2, honoured each time
    assert flaky[-1] - flaky[0] >= 3.9
    status, error, elapsed = audit["statuses"][audit["partner"].url + "/flaky"]
    # elapsed is the partner's own answer time; our Retry-After waits (proved above by the
    # server's timestamps) must not make a prompt site look slow.
    assert (status, error) == (200, None) and elapsed < 1.0
    assert _link_findings(audit, "/flaky") == []  # ok: not broken, not "cannot verify"


def test_always_rate_limited_link_cannot_be_verified_not_broken(retry_after_audit):
    audit = retry_after_audit
    always = audit["partner"].requests_to("/always")
    assert len(always) == 3  # the first try and max_retries = 2 retries, then it gave up
    status, error, _ = audit["statuses"][audit["partner"].url + "/always"]
    assert (status, error) == (429, "retry-after-exhausted")
    found = _link_findings(audit, "/always")
    assert [(f["rule"], f["severity"]) for f in found] == [("LNK313", "notice")]
    assert "too many requests" in found[0]["message"] and found[0]["fix"]
    assert found[0]["url"].endswith("/")  # reported on the page that holds the link
