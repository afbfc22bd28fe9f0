"""Tests for localoffer_audit.middlewares: real Scrapy crawls against loopback servers.

Each crawl runs in a subprocess (Twisted's reactor cannot be restarted in one
process): this file doubles as the helper script, see ``_crawl_main``. The
subprocess installs a fake resolver that answers only loopback names and the
fake names a test declares, so nothing here resolves or contacts a real host.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULT_MARKER = "CRAWL-RESULT:"
RETRY_AFTER_META_KEYS = ("retry_after_waits", "retry_after_exhausted", "retry_after_requested")

# -- loopback server ---------------------------------------------------------

Reply = tuple[int, dict[str, str]]


class ScriptedServer:
    """A loopback HTTP server that answers each path from a script of replies.

    ``routes[path]`` is a list of ``(status, headers)``; the last reply repeats.
    A header value ``"{date+N}"`` becomes an HTTP-date N seconds after the
    response's own ``Date``. Every hit is logged as ``(path, monotonic time)``.
    """

    def __init__(self, routes: dict[str, list[Reply]]) -> None:
        self.routes = routes
        self.hits: list[tuple[str, float]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                server._answer(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths_hit(self) -> list[str]:
        return [path for path, _ in self.hits]

    def times(self, path: str) -> list[float]:
        return [moment for hit, moment in self.hits if hit == path]

    def _next_reply(self, path: str) -> Reply:
        with self._lock:
            self.hits.append((path, time.monotonic()))
            script = self.routes.get(path, [(404, {})])
            count = sum(1 for hit, _ in self.hits if hit == path)
            return script[min(count, len(script)) - 1]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        status, headers = self._next_reply(handler.path)
        now = int(time.time())
        body = f"<html><body>{status}</body></html>".encode()
        handler.send_response_only(status)
        handler.send_header("Date", formatdate(now, usegmt=True))
        for name, value in headers.items():
            if value.startswith("{date+"):
                value = formatdate(now + int(value[6:-1]), usegmt=True)
            handler.send_header(name, value)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- crawl in a subprocess ---------------------------------------------------


def run_crawl(requests: list[dict], settings: dict, fake_dns: dict[str, list[str]] | None = None) -> dict:
    """Crawl ``requests`` (dicts: key, url, meta) in a fresh interpreter; return its JSON report."""
    config = {"requests": requests, "settings": settings, "fake_dns": fake_dns or {}}
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, __file__, json.dumps(config)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=REPO_ROOT,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARKER)]
    assert proc.returncode == 0 and lines, f"crawl failed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(lines[-1][len(RESULT_MARKER):])


def _install_fake_resolver(fake_dns: dict[str, list[str]]) -> None:
    """Answer only loopback, IP literals and declared fake names; everything else fails.

    Patches both getaddrinfo (used by the guard) and gethostbyname (used by
    Scrapy's default resolver), so the crawl can never reach a real DNS server.
    """
    real_getaddrinfo = socket.getaddrinfo

    def addresses(host: str) -> list[str]:
        host = host.rstrip(".").lower()
        if host in fake_dns:
            return fake_dns[host]
        if host == "localhost":
            return ["127.0.0.1"]
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
        except OSError:
            raise socket.gaierror(socket.EAI_NONAME, f"fake resolver: unknown host {host}") from None
        return [host]

    def fake_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list:
        results = []
        for address in addresses(str(host)):
            results += real_getaddrinfo(address, port, *args, **kwargs)
        return results

    def fake_gethostbyname(host: str) -> str:
        ipv4 = [a for a in addresses(host) if ":" not in a]
        if not ipv4:
            raise socket.gaierror(socket.EAI_NONAME, f"fake resolver: no IPv4 for {host}")
        return ipv4[0]

    socket.getaddrinfo = fake_getaddrinfo
    socket.gethostbyname = fake_gethostbyname


def _crawl_main(config: dict) -> None:
    """Subprocess entry point: run one crawl and print a JSON report on stdout."""
    _install_fake_resolver(config["fake_dns"])

    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.exceptions import IgnoreRequest

    from localoffer_audit.middlewares import (
        PrivateAddressGuardMiddleware,
        RetryAfterMiddleware,
    )

    results: dict[str, dict] = {}
    reached_network: list[str] = []

    class DelayMiddleware:
        """Test-only: hold a request for ``meta['test_delay']`` seconds before the others see it."""

        async def process_request(self, request: scrapy.Request) -> None:
            from scrapy.utils.defer import maybe_deferred_to_future
            from twisted.internet import reactor
            from twisted.internet.task import deferLater

            if request.meta.get("test_delay"):
                await maybe_deferred_to_future(deferLater(reactor, request.meta["test_delay"], lambda: None))

    class NetworkRecorderMiddleware:
        """Test-only, last before the download handler: records what would hit the network,
        and refuses anything but loopback so a guard bug can never reach a real address."""

        def process_request(self, request: scrapy.Request) -> None:
            reached_network.append(request.url)
            host = request.url.split("//", 1)[-1].split("/", 1)[0]
            if not host.startswith(("127.0.0.1", "localhost", "nonexistent.invalid", "alias.example")):
                raise IgnoreRequest(f"TEST SAFETY NET: refused {request.url}")

    class ProbeSpider(scrapy.Spider):
        name = "probe"

        async def start(self):  # noqa: ANN201 - Scrapy async start
            for spec in config["requests"]:
                meta = {"key": spec["key"], **spec.get("meta", {})}
                yield scrapy.Request(spec["url"], callback=self.ok, errback=self.failed, meta=meta, dont_filter=True)

        def ok(self, response: scrapy.http.Response) -> None:
            meta = response.meta
            results[meta["key"]] = {
                "status": response.status,
                "url": response.url,
                **{k: meta[k] for k in RETRY_AFTER_META_KEYS if k in meta},
            }

        def failed(self, failure: Any) -> None:
            key = failure.request.meta["key"]
            results[key] = {"error": type(failure.value).__name__, "message": str(failure.value)}

    settings = {
        "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "HTTPPROXY_ENABLED": False,
        "DOWNLOAD_TIMEOUT": 15,
        "HTTPERROR_ALLOW_ALL": True,
        "DOWNLOADER_MIDDLEWARES": {
            DelayMiddleware: 40,
            PrivateAddressGuardMiddleware: 50,
            RetryAfterMiddleware: 560,
            NetworkRecorderMiddleware: 990,
        },
        **config["settings"],
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ProbeSpider)
    process.crawl(crawler)
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith(("localoffer/", "downloader/"))}
    report = {"results": results, "reached_network": reached_network, "stats": stats}
    print(RESULT_MARKER + json.dumps(report, default=str), flush=True)


# -- Retry-After: pure parsing ------------------------------------------------

NOW = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (b" 7 ", 7.0),
        ("0", 0.0),
        ("Mon, 02 Mar 2026 12:00:30 GMT", 30.0),
        ("Mon, 02 Mar 2026 11:00:00 GMT", 0.0),  # already past: retry now
        ("-5", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("inf", None),
    ],
)
def test_retry_after_seconds(value: str | bytes | None, expected: float | None) -> None:
    from localoffer_audit.middlewares import retry_after_seconds

    assert retry_after_seconds(value, NOW) == expected


# -- Retry-After: real crawl --------------------------------------------------

RETRY_ROUTES: dict[str, list[Reply]] = {
    "/twice": [(429, {"Retry-After": "2"}), (429, {"Retry-After": "2"}), (200, {})],
    "/always": [(429, {"Retry-After": "1"})],
    "/http-date": [(503, {"Retry-After": "{date+2}"}), (200, {})],
    "/no-header": [(503, {}), (200, {})],
    "/too-long": [(429, {"Retry-After": "3600"})],
    "/hold/first": [(429, {"Retry-After": "2"}), (200, {})],
    "/hold/second": [(200, {})],
    "/hold/elsewhere": [(200, {})],
}


@pytest.fixture(scope="module")
def retry_crawl() -> Iterator[tuple[ScriptedServer, dict]]:
    """One crawl covering every Retry-After scenario; separate download slots keep them independent."""
    with ScriptedServer(RETRY_ROUTES) as server:
        requests = [
            {"key": "twice", "url": server.url("/twice"), "meta": {"download_slot": "twice"}},
            {"key": "always", "url": server.url("/always"), "meta": {"download_slot": "always"}},
            {"key": "http-date", "url": server.url("/http-date"), "meta": {"download_slot": "date"}},
            {"key": "no-header", "url": server.url("/no-header"), "meta": {"download_slot": "nohdr"}},
            {"key": "too-long", "url": server.url("/too-long"), "meta": {"download_slot": "long"}},
            {"key": "hold-first", "url": server.url("/hold/first"), "meta": {"download_slot": "hold"}},
            # Reaches the Retry-After middleware 0.5 s later, while "hold" is under its 2 s wait.
            {"key": "hold-second", "url": server.url("/hold/second"),
             "meta": {"download_slot": "hold", "test_delay": 0.5}},
            {"key": "hold-elsewhere", "url": server.url("/hold/elsewhere"),
             "meta": {"download_slot": "other", "test_delay": 0.5}},
        ]
        settings = {
            "LOCALOFFER_RETRY_AFTER_MAX_RETRIES": 2,
            "LOCALOFFER_RETRY_AFTER_DEFAULT_WAIT": 0.5,
            "LOCALOFFER_RETRY_AFTER_MAX_WAIT": 10,
            "LOCALOFFER_ALLOWED_NETWORKS": ["127.0.0.0/8"],
            # Scrapy's default RETRY_HTTP_CODES (incl. 429/503) stays on to prove the
            # middleware stops RetryMiddleware from re-retrying an exhausted response.
        }
        yield server, run_crawl(requests, settings)


def test_retry_after_waits_then_succeeds(retry_crawl: tuple[ScriptedServer, dict]) -> None:
    server, report = retry_crawl
    result = report["results"]["twice"]
    assert result["status"] == 200
    assert result["retry_after_waits"] == [2.0, 2.0]
    assert "retry_after_exhausted" not in result
    hits = server.times("/twice")
    assert len(hits) == 3
    assert hits[-1] - hits[0] >= 3.9


def test_retry_after_exhausted_returns_last_response(retry_crawl: tuple[ScriptedServer, dict]) -> None:
    server, report = retry_crawl
    result = report["results"]["always"]
    assert result["status"] == 429
    assert result["retry_after_exhausted"] is True
    assert result["retry_after_waits"] == [1.0, 1.0]
    assert len(server.times("/always")) == 3  # 1 + MAX_RETRIES, no extra RetryMiddleware retries


def test_retry_after_http_date(retry_crawl: tuple[ScriptedServer, dict]) -> None:
    server, report = retry_crawl
    assert report["results"]["http-date"]["status"] == 200
    assert report["results"]["http-date"]["retry_after_waits"] == [2.0]
    first, second = server.times("/http-date")
    assert second - first >= 1.9


def test_503_without_retry_after_uses_default_wait(retry_crawl: tuple[ScriptedServer, dict]) -> None:
    _, report = retry_crawl
    assert report["results"]["no-header"]["status"] == 200
    assert report["results"]["no-header"]["retry_after_waits"] == [0.5]


def test_wait_longer_than_max_is_not_waited_for(retry_crawl: tuple[ScriptedServer, dict]) -> None:
    server, report = retry_crawl
    result = report["results"]["too-long"]
    assert result["status"] == 429
    assert result["retry_after_exhausted"] is True
    assert result["retry_after_requested"] == 3600.0
    assert result["retry_after_waits"] == []
    assert len(server.times("/too-long")) == 1


def test_wait_holds_back_the_rest_of_the_slot(retry_crawl: tuple[ScriptedServer, dict]) -> None:
    server, report = retry_crawl
    (first_429, _retry) = server.times("/hold/first")
    (second,) = server.times("/hold/second")
    (elsewhere,) = server.times("/hold/elsewhere")
    assert second - first_429 >= 1.9  # waited out the slot's Retry-After
    assert elsewhere - first_429 < 1.5  # other slots were not held
    assert report["stats"]["localoffer/retry_after/held_requests"] >= 1


def test_retry_after_stats(retry_crawl: tuple[ScriptedServer, dict]) -> None:
    _, report = retry_crawl
    stats = report["stats"]
    # twice: 2, always: 2, http-date: 1, no-header: 1, hold/first: 1
    assert stats["localoffer/retry_after/waits"] == 7
    assert stats["localoffer/retry_after/seconds"] == pytest.approx(2 + 2 + 1 + 1 + 2 + 0.5 + 2)
    assert stats["localoffer/retry_after/exhausted"] == 2


# -- private-address guard: pure ----------------------------------------------


@pytest.mark.parametrize(
    ("address", "allowed", "fetchable"),
    [
        ("93.184.216.34", [], True),
        ("2a00:1450:4009:81f::200e", [], True),
        ("10.0.0.5", [], False),
        ("172.16.4.1", [], False),
        ("192.168.1.1", [], False),
        ("127.0.0.1", [], False),
        ("169.254.169.254", [], False),
        ("100.64.0.1", [], False),
        ("0.0.0.0", [], False),
        ("224.0.0.1", [], False),
        ("240.0.0.1", [], False),
        ("255.255.255.255", [], False),
        ("::1", [], False),
        ("::", [], False),
        ("fd00:ec2::254", [], False),
        ("fe80::1", [], False),
        ("ff02::1", [], False),
        ("::ffff:169.254.169.254", [], False),
        ("::ffff:10.0.0.1", [], False),
        ("2002:a00:1::", [], False),  # 6to4 wrapping 10.0.0.1
        ("127.0.0.1", ["127.0.0.0/8"], True),
        ("127.8.9.10", ["127.0.0.0/8", "::1/128"], True),
        ("::ffff:127.0.0.1", ["127.0.0.0/8"], True),
        ("::1", ["::1/128"], True),
        ("10.0.0.5", ["127.0.0.0/8"], False),
    ],
)
def test_is_fetchable_address(address: str, allowed: list[str], fetchable: bool) -> None:
    from localoffer_audit.middlewares import is_fetchable_address, parse_networks

    assert is_fetchable_address(address, parse_networks(allowed)) is fetchable


# -- private-address guard: real crawls ---------------------------------------

GUARD_ROUTES: dict[str, list[Reply]] = {
    "/ok": [(200, {})],
    "/private": [(200, {})],
    "/redirect": [(302, {"Location": "http://169.254.169.254/latest/meta-data/"})],
}
FAKE_DNS = {
    "intranet.example": ["10.1.2.3"],
    "mixed.example": ["93.184.216.34", "10.0.0.5"],
    "alias.example": ["127.0.0.1"],
}


@pytest.fixture(scope="module")
def guard_server() -> Iterator[ScriptedServer]:
    with ScriptedServer(GUARD_ROUTES) as server:
        yield server


def test_loopback_blocked_unless_allowed(guard_server: ScriptedServer) -> None:
    port = guard_server.port
    requests = [
        {"key": "loopback", "url": guard_server.url("/private")},
        {"key": "file", "url": "file:///etc/passwd"},
        {"key": "data", "url": "data:text/plain,hello"},
        {"key": "intranet", "url": f"http://intranet.example:{port}/"},
        {"key": "mixed", "url": f"http://mixed.example:{port}/"},
        {"key": "mapped", "url": "http://[::ffff:169.254.169.254]/"},
        {"key": "dns-failure", "url": f"http://nonexistent.invalid:{port}/"},
    ]
    report = run_crawl(requests, {"LOCALOFFER_ALLOWED_NETWORKS": []}, FAKE_DNS)
    results = report["results"]

    assert results["loopback"]["error"] == "IgnoreRequest"
    assert results["loopback"]["message"].startswith("blocked private address 127.0.0.1 for host 127.0.0.1")
    assert "/private" not in guard_server.paths_hit()
    assert results["file"] == {"error": "IgnoreRequest", "message": "blocked scheme: file in file:///etc/passwd"}
    assert results["data"]["message"].startswith("blocked scheme: data")
    assert results["intranet"]["message"].startswith("blocked private address 10.1.2.3 for host intranet.example")
    assert "10.0.0.5 for host mixed.example" in results["mixed"]["message"]
    assert "::ffff:169.254.169.254" in results["mapped"]["message"]
    # DNS failures are left to the download handler, which reports them as usual.
    assert results["dns-failure"]["error"] == "CannotResolveHostError"
    # Only the unresolvable name got past the guard (RetryMiddleware may retry it).
    assert set(report["reached_network"]) == {f"http://nonexistent.invalid:{port}/"}
    assert report["stats"]["localoffer/blocked/private_address"] == 4
    assert report["stats"]["localoffer/blocked/scheme"] == 2


def test_allowed_network_fetches_but_redirect_to_metadata_is_blocked(guard_server: ScriptedServer) -> None:
    port = guard_server.port
    requests = [
        {"key": "ok", "url": guard_server.url("/ok")},
        {"key": "alias", "url": f"http://alias.example:{port}/ok"},
        {"key": "redirect", "url": guard_server.url("/redirect")},
    ]
    report = run_crawl(requests, {"LOCALOFFER_ALLOWED_NETWORKS": ["127.0.0.0/8", "::1/128"]}, FAKE_DNS)
    results = report["results"]

    assert results["ok"]["status"] == 200
    assert results["alias"]["status"] == 200
    redirect = results["redirect"]
    assert redirect["error"] == "IgnoreRequest"
    assert redirect["message"] == (
        "blocked private address 169.254.169.254 for host 169.254.169.254 "
        "in http://169.254.169.254/latest/meta-data/"
    )
    # The redirect target never reached the download handler: no connection was attempted.
    assert not any("169.254" in url for url in report["reached_network"])
    assert guard_server.paths_hit().count("/redirect") == 1


if __name__ == "__main__":
    _crawl_main(json.loads(sys.argv[1]))
