"""Serve a generated demo site on loopback, plus an "external partner" mock host.

``DemoServer`` starts two ``ThreadingHTTPServer`` instances on 127.0.0.1:

* the main site: static files through ``routes.Router`` (redirects, 404/410,
  soft 404s, the endless calendar, facet search, ``/busy``), with ETag /
  Last-Modified and 304 answers, HEAD everywhere, and ``__SITE__`` /
  ``__EXTERNAL__`` placeholders filled in per request;
* the external host: fixed status routes that off-site links point at.

Nothing here touches the network beyond the loopback sockets it binds.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from .routes import ROUTES_FILE, TEXT_SUFFIXES, Router


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        # Clients (crawlers under test) hang up mid-response all the time; that is not news.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a crawler can reuse connections
    disable_nagle_algorithm = True  # headers and body go out in two writes; Nagle would add 40 ms each
    server_version = "ExampleshireDemo/1.0"

    def log_message(self, format, *args):  # noqa: A002 - silence per-request stderr lines
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str], head: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        sent = len(body) if not head and body else 0
        if sent:
            self.wfile.write(body)
        demo = getattr(self, "demo", None)
        if demo is not None:  # what was sent, so tests can count bytes (incremental re-audits)
            demo._log_response(self.command, self.path, status, sent)


class _SiteHandler(_Handler):
    demo: "DemoServer"

    def do_GET(self):
        self._serve(head=False)

    def do_HEAD(self):
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        demo = self.demo
        demo._log(self.command, self.path)
        parts = urlsplit(self.path)
        host = self.headers.get("Host") or f"{demo.host}:{demo.port}"
        resolved = demo.router.resolve(parts.path or "/", parts.query)

        if resolved.kind == "redirect":
            location = resolved.location
            if location.startswith("/"):
                location = f"http://{host}{location}"
            self._send(resolved.status, b"", {"Location": location, "Content-Type": "text/html; charset=utf-8"}, head)
            return
        if resolved.kind == "busy" and demo._first_busy_hit():
            self._send(
                503,
                b"Service temporarily unavailable\n",
                {"Retry-After": "1", "Content-Type": "text/plain; charset=utf-8"},
                head,
            )
            return

        headers = {"Content-Type": resolved.content_type, **resolved.headers}
        if resolved.kind == "file":
            full = demo.site_dir / resolved.file
            body = full.read_bytes()
            if resolved.file.endswith(TEXT_SUFFIXES):
                body = demo._fill(body, host)
            mtime = int(full.stat().st_mtime)
            etag = '"' + hashlib.md5(body).hexdigest() + '"'
            headers["ETag"] = etag
            headers["Last-Modified"] = email.utils.formatdate(mtime, usegmt=True)
            if self._not_modified(etag, mtime):
                self._send(304, b"", {"ETag": etag, "Last-Modified": headers["Last-Modified"]}, True)
                return
        else:
            body = demo._fill(resolved.html.encode("utf-8"), host)
            headers["Cache-Control"] = "no-cache"  # revalidate each time: an ETag, no date
            if resolved.status == 200:
                etag = '"' + hashlib.md5(body).hexdigest() + '"'
                headers["ETag"] = etag
                if self._not_modified(etag, None):
                    self._send(304, b"", {"ETag": etag}, True)
                    return
        self._send(resolved.status, body, headers, head)

    def _not_modified(self, etag: str, mtime: int | None) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        ims = self.headers.get("If-Modified-Since")
        if ims and mtime is not None:
            try:
                return mtime <= email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
        return False


class _ExternalHandler(_Handler):
    """Off-site link targets with fixed behaviour (see EXTERNAL_ROUTES in generator.py)."""

    demo: "DemoServer"

    def do_GET(self):
        self._route(head=False)

    def do_HEAD(self):
        self._route(head=True)

    def _page(self, title: str) -> bytes:
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1><p>Partner organisation page.</p></body></html>\n"
        ).encode()

    def _route(self, head: bool) -> None:
        path = urlsplit(self.path).path
        html = {"Content-Type": "text/html; charset=utf-8"}
        me = f"http://{self.headers.get('Host') or f'127.0.0.1:{self.server.server_address[1]}'}"
        if path == "/ok" or path.startswith("/pages/"):
            self._send(200, self._page("Partner page"), html, head)
        elif path == "/not-found":
            self._send(404, self._page("Not found"), html, head)
        elif path == "/gone":
            self._send(410, self._page("Gone"), html, head)
        elif path == "/error":
            self._send(500, self._page("Internal server error"), html, head)
        elif path == "/bot-wall":
            self._send(403, self._page("Just a moment..."), {**html, "cf-mitigated": "challenge"}, head)
        elif path == "/head-refused":
            if head:
                self._send(405, b"", {**html, "Allow": "GET"}, True)
            else:
                self._send(200, self._page("Partner page"), html, head)
        elif path == "/rate-limited":
            self._send(429, self._page("Too many requests"), {**html, "Retry-After": "1"}, head)
        elif path == "/slow":
            self.demo._stopping.wait(self.demo.slow_seconds)
            self._send(200, self._page("Slow partner page"), html, head)
        elif path == "/redirect-2":
            self._send(301, b"", {"Location": f"{me}/redirect-1", **html}, head)
        elif path == "/redirect-1":
            self._send(301, b"", {"Location": f"{me}/ok", **html}, head)
        elif path == "/moved-host":
            self._send(301, b"", {"Location": self.demo.url, **html}, head)
        else:
            self._send(404, self._page("Not found"), html, head)


class DemoServer:
    """Serve ``site_dir`` (the ``site/`` folder written by ``generate_site``) on loopback.

    >>> with DemoServer(out / "site") as server:
    ...     urllib.request.urlopen(server.url)
    """

    def __init__(self, site_dir: Path, host: str = "127.0.0.1", port: int = 0, slow_seconds: float = 6.0):
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("DemoServer binds loopback only")
        self.site_dir = Path(site_dir)
        self.host = host
        self.slow_seconds = slow_seconds
        self._requested_port = port
        self.request_log: list[tuple[str, str]] = []
        # (method, path, status, body bytes sent, monotonic time), main site and partner host
        self.response_log: list[tuple[str, str, int, int, float]] = []
        self._log_lock = threading.Lock()
        self._busy_lock = threading.Lock()
        self._busy_hits = 0
        self._stopping = threading.Event()
        self._servers: list[_QuietServer] = []
        self._threads: list[threading.Thread] = []
        self.port = 0
        self.url = ""
        self.external_url = ""
        self.router: Router | None = None
        self._ext_host = b""

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> "DemoServer":
        meta = json.loads((self.site_dir / ROUTES_FILE).read_text(encoding="utf-8"))
        files = set()
        for root, _dirs, names in os.walk(self.site_dir):
            rel = os.path.relpath(root, self.site_dir)
            for name in names:
                files.add(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"))
        self.router = Router(meta, files)
        self._stopping.clear()
        site_handler = type("SiteHandler", (_SiteHandler,), {"demo": self})
        ext_handler = type("ExternalHandler", (_ExternalHandler,), {"demo": self})
        main = _QuietServer((self.host, self._requested_port), site_handler)
        external = _QuietServer((self.host, 0), ext_handler)
        self._servers = [main, external]
        self.port = main.server_address[1]
        self.url = f"http://{self.host}:{self.port}/"
        self.external_url = f"http://{self.host}:{external.server_address[1]}/"
        self._ext_host = f"{self.host}:{external.server_address[1]}".encode()
        for srv in self._servers:
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def stop(self) -> None:
        self._stopping.set()
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()
        for t in self._threads:
            t.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> "DemoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- helpers used by the handlers ----------------------------------------------

    def _log(self, method: str, path: str) -> None:
        with self._log_lock:
            self.request_log.append((method, path))

    def _log_response(self, method: str, path: str, status: int, sent: int) -> None:
        with self._log_lock:
            self.response_log.append((method, path, status, sent, time.monotonic()))

    def _fill(self, body: bytes, host: str) -> bytes:
        return body.replace(b"__EXTERNAL__", self._ext_host).replace(b"__SITE__", host.encode("latin-1"))

    def _first_busy_hit(self) -> bool:
        with self._busy_lock:
            self._busy_hits += 1
            return self._busy_hits == 1

    def wait(self) -> None:
        """Block until interrupted (for the command line)."""
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
