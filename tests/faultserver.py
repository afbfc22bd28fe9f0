"""A loopback-only HTTP server that misbehaves on purpose, for the fault-injection tests.

Bounded: it binds 127.0.0.1 only, answers at most `max_requests` requests, and stops itself
after `lifetime` seconds, so a crawl that loops cannot run away with a test."""

from __future__ import annotations

import functools
import gzip
import threading
import time
from email.utils import formatdate
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from support import QuietHandler

FAULT_LINKS = [
    "/slow", "/429-seconds", "/429-date", "/429-bare", "/503-seconds", "/503-bare", "/flaky",
    "/loop/a", "/chain/0", "/huge", "/gzip-bomb", "/truncated", "/malformed", "/cp1252",
    "/mislabelled", "/pdf-as-html", "/binary", "/calendar?month=2026-01", "/long/" + "x" * 2000,
    "/503-date-once", "/search",
]
FACETS = {"age": ["0-4", "5-11", "12-16", "16-25"], "need": ["autism", "adhd", "hearing", "sight"],
          "area": ["north", "south", "east", "west"], "sort": ["name", "distance"]}
HOSTILE_LINKS = ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                 "file:///etc/passwd"]


@functools.cache
def _gzip_bomb() -> bytes:
    """50 MB of zeros in about 50 KB; made once, before any request (it takes a second)."""
    return gzip.compress(b"<html><title>bomb</title>" + b"\0" * 50_000_000, 9)


class FaultServer:
    def __init__(self, robots: str = "ok", sitemap: str = "none", max_requests: int = 2000, lifetime: float = 60.0,
                 slow_seconds: float = 3.0, home_links: list[str] | None = None) -> None:
        self.home_links = FAULT_LINKS + HOSTILE_LINKS if home_links is None else home_links
        self.robots, self.sitemap, self.slow_seconds = robots, sitemap, slow_seconds
        self.max_requests, self.lifetime = max_requests, lifetime
        self.requests: list[str] = []
        self.log: list[tuple[str, float]] = []  # (path, monotonic time) of every request
        self.flaky_count = 0
        self.once: set[str] = set()
        self.lock = threading.Lock()
        site = self

        class Handler(QuietHandler):
            def do_GET(self):
                with site.lock:
                    site.requests.append(self.path)
                    site.log.append((self.path, time.monotonic()))
                    over = len(site.requests) > site.max_requests
                if over:
                    return self._send(503, "text/plain", b"request budget spent")
                route = site.route(self.path)
                if route == "reset":
                    self.close_connection = True
                    return
                if route is None:
                    return self._send(404, "text/html", b"<title>Not found</title><h1>Nope</h1>")
                status, headers, body = route
                if callable(body):  # a body too big to build: streamed in chunks
                    return self._stream(status, headers, body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                try:
                    self.end_headers()
                except OSError:  # the crawler hung up (size cap, timeout): expected
                    return
                if self.command != "HEAD":
                    try:
                        self.wfile.write(body)
                    except OSError:
                        pass

            def _stream(self, status, headers, chunks):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()  # HTTP/1.0, no length: the body ends when the connection does
                try:
                    for chunk in chunks():
                        self.wfile.write(chunk)
                        with site.lock:
                            site.streamed_bytes += len(chunk)
                except OSError:  # the crawler stopped reading: what the sitemap test wants
                    pass

            do_HEAD = do_GET

        self.streamed_bytes = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = self.base + "/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.timer = threading.Timer(lifetime, self.server.shutdown)
        self.timer.daemon = True

    def route(self, path: str):
        html = {"Content-Type": "text/html; charset=utf-8"}
        page = lambda title, body="": (200, html, (
            f"<!doctype html><html lang='en'><head><title>{title}</title></head>"
            f"<body><main><h1>{title}</h1>{body}</main></body></html>").encode())
        if path == "/robots.txt":
            if self.robots == "404":
                return None
            if self.robots == "500":
                return 500, {"Content-Type": "text/plain"}, b"oops"
            if self.robots == "timeout":
                time.sleep(self.slow_seconds)
                return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"
            if self.robots == "reset":  # the connection drops without an answer
                return "reset"
            if self.robots == "malformed":
                return 200, {"Content-Type": "text/plain"}, b"\x00\xff<html>Disallow /\n:::\n"
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"
        if path == "/sitemap.xml" and self.sitemap == "huge":  # 500,000 URLs, about 25 MB
            return 200, {"Content-Type": "application/xml"}, self._huge_sitemap
        if path == "/sitemap.xml" and self.sitemap == "busy-once":  # 503 first, then 5 URLs
            with self.lock:
                first = path not in self.once
                self.once.add(path)
            if first:
                return 503, {"Content-Type": "text/plain", "Retry-After": "1"}, b"busy, busy"
            return 200, {"Content-Type": "application/xml"}, (
                b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + b"".join(b"<url><loc>%s/s/%d</loc></url>" % (self.base.encode(), n)
                           for n in range(5)) + b"</urlset>")
        if path == "/sitemap.xml" and self.sitemap == "malformed":
            return 200, {"Content-Type": "application/xml"}, b"<?xml version='1.0'?><urlset><url><loc>/s/1</lo"
        if path.startswith("/s/"):
            return page("Sitemap page " + path[3:])
        if path == "/":
            links = "".join(f'<a href="{h}">link {i}</a> '
                            for i, h in enumerate(self.home_links))
            return page("Fault home", f"<p>{links}</p>")
        if path == "/slow":
            time.sleep(self.slow_seconds)
            return page("Slow")
        if path == "/503-date-once":  # busy once, with an HTTP-date Retry-After, then fine
            with self.lock:
                first = path not in self.once
                self.once.add(path)
            if first:
                return 503, {"Content-Type": "text/plain",
                             "Retry-After": formatdate(time.time() + 2, usegmt=True)}, b"busy"
            return page("Back again")
        if path.startswith("/search"):  # a faceted search: every page links to every refinement
            chosen = dict(parse_qsl(urlsplit(path).query))
            links = []
            for name, values in FACETS.items():
                for value in values:
                    query = urlencode({**chosen, name: value})
                    links.append(f'<a href="/search?{query}">{name} {value}</a>')
            return page(f"Search {len(chosen)}", " ".join(links))
        if path.startswith("/429") or path.startswith("/503"):
            status = int(path[1:4])
            headers = {"Content-Type": "text/plain"}
            if path.endswith("seconds"):
                headers["Retry-After"] = "1"
            elif path.endswith("date"):
                headers["Retry-After"] = formatdate(time.time() + 1, usegmt=True)
            return status, headers, b"busy"
        if path == "/flaky":
            with self.lock:
                self.flaky_count += 1
                n = self.flaky_count
            return (500, {"Content-Type": "text/plain"}, b"flaky") if n % 3 == 1 else page("Flaky")
        if path.startswith("/loop/"):
            return 302, {"Location": "/loop/b" if path.endswith("a") else "/loop/a"}, b""
        if path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1] or 0)
            if n >= 20:
                return page("End of chain")
            return 302, {"Location": f"/chain/{n + 1}"}, b""
        if path == "/huge":
            return 200, html, b"<html><title>huge</title>" + b"<p>padding</p>" * 200_000
        if path == "/gzip-bomb":
            return 200, {**html, "Content-Encoding": "gzip"}, _gzip_bomb()
        if path == "/truncated":
            return 200, html, b"<!doctype html><html><head><title>Trunc"
        if path == "/malformed":
            return 200, html, b"<html><<title>Bad</tit<h1>x</h2><a href='/'>home<table><td></p>"
        if path == "/cp1252":
            body = "<html><head><title>Caf\u00e9 \u2013 \u201cSEND\u201d</title></head><body><h1>Caf\u00e9</h1></body></html>"
            return 200, {"Content-Type": "text/html; charset=windows-1252"}, body.encode("cp1252")
        if path == "/mislabelled":
            body = "<html><head><title>Na\u00efve \u2019quote\u2019</title></head><body><h1>x</h1></body></html>"
            return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode("cp1252")
        if path == "/pdf-as-html":
            return 200, html, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
        if path == "/binary":
            return 200, html, bytes(range(256)) * 64
        if path.startswith("/calendar"):
            month = path.split("=", 1)[-1]
            y, m = (int(p) for p in month.split("-"))
            nxt = f"{y + m // 12}-{m % 12 + 1:02d}"
            return page(f"Events {month}", f'<a href="/calendar?month={nxt}">Next month</a>')
        if path.startswith("/long/"):
            return page("Long URL")
        return None

    def _huge_sitemap(self):
        yield b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        base = self.base.encode()
        for start in range(0, 500_000, 1000):
            yield b"".join(b"<url><loc>%s/s/%d</loc></url>" % (base, n)
                           for n in range(start, start + 1000))
        yield b"</urlset>"

    def times(self, path: str) -> list[float]:
        return [moment for hit, moment in self.log if hit == path]

    def __enter__(self) -> "FaultServer":
        _gzip_bomb()  # not while a crawler waits for it: that would be a timeout, not a bomb
        self.thread.start()
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.cancel()
        self.server.shutdown()
        self.server.server_close()
