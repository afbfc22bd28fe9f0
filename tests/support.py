"""Helpers shared by tests (import as `from support import ...`; pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "localoffer_audit"]


def run_cli(*args: str, env: dict | None = None, timeout: float = 300, cwd=None):
    """Run the real command in a subprocess (the Twisted reactor runs once per process)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout,
                          env=full_env, cwd=cwd)


import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietHandler(BaseHTTPRequestHandler):
    """Base for the tests' loopback servers: no request log on stderr, one way to answer."""

    def log_message(self, *args):
        pass

    def _send(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class ChainSite:
    """A loopback site of `pages` pages, /p/0 ... /p/N-1, a binary tree (page n links to 2n+1,
    2n+2) plus a link to the next page, so every page is a few clicks from /p/0. With
    `extras`, /p/0 also links to /big (about 6 KB) and /missing (404).
    Each response can be slowed by `delay` seconds so a test can interrupt a crawl part-way."""

    def __init__(self, pages: int = 200, delay: float = 0.0, extras: bool = False) -> None:
        self.pages, self.delay, self.extras = pages, delay, extras
        self.requests: list[str] = []
        # (path, time.monotonic()) when each request arrived and when it was answered
        self.arrived: list[tuple[str, float]] = []
        self.answered: list[tuple[str, float]] = []
        self.user_agents: set[str] = set()
        site = self

        class Handler(QuietHandler):
            def do_GET(self):
                site.requests.append(self.path)
                site.arrived.append((self.path, time.monotonic()))
                site.user_agents.add(self.headers.get("User-Agent", ""))
                if site.delay:
                    time.sleep(site.delay)
                site.answered.append((self.path, time.monotonic()))
                if self.path == "/robots.txt":
                    return self._send(200, "text/plain", b"User-agent: *\nDisallow:\n")
                if self.path == "/big":  # linked from /p/0: larger than a small size cap
                    return self._send(200, "text/html", b"<html><title>big</title>"
                                      + b"<p>padding</p>" * 400 + b"</html>")
                if self.path.startswith("/p/") and self.path[3:].isdigit() \
                        and int(self.path[3:]) < site.pages:
                    n = int(self.path[3:])
                    links = "".join(f'<a href="/p/{m}">Page {m}</a> '
                                    for m in (2 * n + 1, 2 * n + 2, n + 1) if m < site.pages)
                    if n == 0 and site.extras:  # one oversized page, one broken link
                        links += '<a href="/big">A big page</a> <a href="/missing">Gone</a>'

                    body = (f"<!doctype html><html lang='en'><head><title>Page {n}</title></head>"
                            f"<body><h1>Page {n}</h1><p>{links}</p></body></html>").encode()
                    return self._send(200, "text/html; charset=utf-8", body)
                self._send(404, "text/html", b"<html><head><title>Not found</title></head>"
                                             b"<body><h1>Not found</h1></body></html>")

            do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/p/0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "ChainSite":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
