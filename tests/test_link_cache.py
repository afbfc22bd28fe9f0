"""Off-site link results are cached across runs; failures are never cached."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support import run_cli


class Recorder:
    """A loopback server answering by path (/ok: 200, /missing: 404, /error: 500), counting hits."""

    def __init__(self, pages: dict[str, tuple[int, bytes]]) -> None:
        self.hits: Counter[str] = Counter()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                recorder.hits[self.path] += 1
                status, body = pages.get(self.path, (404, b"<h1>Not found</h1>"))
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command == "GET":
                    self.wfile.write(body)

            do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sites():
    partner = Recorder({"/ok": (200, b"ok"), "/error": (500, b"oops"), "/robots.txt": (404, b"")})
    page = (f'<html lang="en"><head><title>Home</title></head><body><h1>Home</h1>'
            f'<a href="{partner.base}/ok">Partner</a> <a href="{partner.base}/missing">Gone</a>'
            f'<a href="{partner.base}/error">Broken</a></body></html>').encode()
    council = Recorder({"/": (200, page), "/robots.txt": (404, b"")})
    yield council, partner
    council.close()
    partner.close()


def _link_status(db, run_id):
    rows = sqlite3.connect(db).execute(
        "SELECT url, method, status FROM link_status WHERE run_id = ? AND url LIKE 'http://%'",
        (run_id,))
    return {url.rsplit("/", 1)[1]: (method, status) for url, method, status in rows}


def test_second_audit_reuses_healthy_results_and_rechecks_failures(sites, tmp_path):
    council, partner = sites
    db = tmp_path / "store.sqlite"
    for run in (1, 2):
        result = run_cli("audit", council.base + "/", "--out", str(tmp_path / f"out{run}"),
                         "--db", str(db), "--delay", "0", "--no-progress")
        assert result.returncode == 0, result.stderr
        if run == 1:
            first = Counter(partner.hits)
    second = partner.hits - first
    assert first["/ok"] >= 1 and second["/ok"] == 0  # healthy: taken from the cache
    assert second["/missing"] >= 1 and second["/error"] >= 1  # failures: always checked again
    statuses = _link_status(db, 2)
    assert statuses["ok"] == ("cache", 200)
    assert statuses["missing"][1] == 404 and statuses["missing"][0] != "cache"


def test_cache_lifetime_zero_turns_it_off(sites, tmp_path, write_toml):
    council, partner = sites
    db = tmp_path / "store.sqlite"
    config = write_toml("[crawl]\nlink_cache_hours = 0\n")
    for run in (1, 2):
        result = run_cli("audit", council.base + "/", "--out", str(tmp_path / f"out{run}"),
                         "--db", str(db), "--config", str(config), "--no-progress")
        assert result.returncode == 0, result.stderr
    assert partner.hits["/ok"] >= 2
