"""Off-site link results are cached across runs in the store, as lychee's cache is (--cache,
--max-cache-age, --cache-exclude-status): every result from a request, failures too, is reused
within [crawl].link_cache_hours; excluded statuses, older results and --full are checked again."""

from __future__ import annotations

import json
import socket
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


def _closed_port() -> int:
    """A loopback port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sites():
    partner = Recorder({"/ok": (200, b"ok"), "/error": (500, b"oops"), "/robots.txt": (404, b"")})
    refused = f"http://127.0.0.1:{_closed_port()}/nobody"
    page = (f'<html lang="en"><head><title>Home</title></head><body><h1>Home</h1>'
            f'<a href="{partner.base}/ok">Partner</a> <a href="{partner.base}/missing">Gone</a>'
            f'<a href="{partner.base}/error">Broken</a> <a href="{refused}">Refused</a>'
            f'<a href="/changed">Changed</a></body></html>').encode()
    council = Recorder({"/": (200, page), "/robots.txt": (404, b""),
                        "/changed": (200, b"<html lang=en><title>Old</title><h1>Old</h1></html>")})
    yield council, partner
    council.close()
    partner.close()


def _link_status(db, run_id):
    rows = sqlite3.connect(db).execute(
        "SELECT url, method, status, error FROM link_status WHERE run_id = ? AND url LIKE "
        "'http://%'", (run_id,))
    return {url.rsplit("/", 1)[1]: (method, status, error) for url, method, status, error in rows}


def _audit(council, tmp_path, run: int, *extra: str):
    result = run_cli("audit", council.base + "/", "--out", str(tmp_path / f"out{run}"),
                     "--db", str(tmp_path / "store.sqlite"), "--delay", "0", "--no-progress",
                     *extra)
    assert result.returncode == 0, result.stderr
    return {json.loads(line)["fingerprint"] for line in
            (tmp_path / f"out{run}" / "findings.jsonl").read_text("utf-8").splitlines()}


def _partner_requests(partner, run):
    before = Counter(partner.hits)
    findings = run()
    return partner.hits - before, findings


def test_second_audit_reuses_every_result_failures_too(sites, tmp_path):
    council, partner = sites
    first, findings_1 = _partner_requests(partner, lambda: _audit(council, tmp_path, 1))
    assert first["/ok"] >= 1 and first["/missing"] >= 1 and first["/error"] >= 1
    second, findings_2 = _partner_requests(partner, lambda: _audit(council, tmp_path, 2))
    assert sum(second.values()) == 0, second  # nothing asked of the partner site again
    assert findings_2 == findings_1  # the same findings, from the cached results
    statuses = _link_status(tmp_path / "store.sqlite", 2)
    assert statuses["ok"] == ("cache", 200, None)
    assert statuses["missing"] == ("cache", 404, None)
    assert statuses["error"] == ("cache", 500, None)
    assert statuses["nobody"] == ("cache", None, "connection-refused")
    # Internal pages are never cached: the site itself is asked again (conditionally or not).
    assert council.hits["/changed"] == 2


def test_results_older_than_the_max_age_are_checked_again(sites, tmp_path):
    council, partner = sites
    _audit(council, tmp_path, 1)
    with sqlite3.connect(tmp_path / "store.sqlite") as db:  # checked long before the max age
        db.execute("UPDATE link_cache SET checked_at = '2000-01-01T00:00:00+00:00' "
                   "WHERE url LIKE '%/missing' OR url LIKE '%/ok'")
    second, _ = _partner_requests(partner, lambda: _audit(council, tmp_path, 2))
    assert second["/ok"] >= 1 and second["/missing"] >= 1  # too old: asked again
    assert second["/error"] == 0  # still within the max age


def test_excluded_statuses_are_checked_again(sites, tmp_path, write_toml):
    council, partner = sites
    config = write_toml('[crawl]\ndelay = 0\nlink_cache_exclude_status = ["500..=599", 404]\n')
    _audit(council, tmp_path, 1, "--config", str(config))
    second, _ = _partner_requests(partner,
                                  lambda: _audit(council, tmp_path, 2, "--config", str(config)))
    assert second["/error"] >= 1 and second["/missing"] >= 1  # excluded: never reused
    assert second["/ok"] == 0
    statuses = _link_status(tmp_path / "store.sqlite", 2)
    assert statuses["error"][:2] != ("cache", 500) and statuses["error"][1] == 500


def test_full_ignores_the_cache(sites, tmp_path):
    council, partner = sites
    findings_1 = _audit(council, tmp_path, 1)
    second, findings_2 = _partner_requests(partner,
                                           lambda: _audit(council, tmp_path, 2, "--full"))
    assert second["/ok"] >= 1 and second["/missing"] >= 1 and second["/error"] >= 1
    assert findings_2 == findings_1


def test_cache_lifetime_zero_turns_it_off(sites, tmp_path, write_toml):
    council, partner = sites
    config = write_toml("[crawl]\nlink_cache_hours = 0\n")
    for run in (1, 2):
        _audit(council, tmp_path, run, "--config", str(config))
    assert partner.hits["/ok"] >= 2 and partner.hits["/missing"] >= 2


@pytest.mark.parametrize("value", ['"lots"', '["5xx"]', '[true]', '["600..500"]'])
def test_bad_exclude_status_is_one_line_and_exit_2(tmp_path, write_toml, value):
    config = write_toml(f"[crawl]\nlink_cache_exclude_status = {value}\n")
    result = run_cli("audit", "http://127.0.0.1:9/", "--out", str(tmp_path / "out"),
                     "--db", str(tmp_path / "store.sqlite"), "--config", str(config),
                     "--no-progress")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "[crawl].link_cache_exclude_status" in lines[0], result.stderr


def test_a_schema_5_store_keeps_its_cache_and_caches_failures_after_migrating(tmp_path, monkeypatch):
    from localoffer_audit import store as store_module
    from localoffer_audit.models import LinkStatus
    from localoffer_audit.store import SCHEMA_VERSION, Store

    path = tmp_path / "v5.sqlite"
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 5)
    with Store(path) as store:  # schema 5: only healthy results, status NOT NULL
        store.db.execute("INSERT INTO link_cache (url, status, final_url, redirects, "
                         "redirect_statuses, elapsed, method, headers, checked_at) VALUES "
                         "('http://p.test/ok', 200, 'http://p.test/ok', '[]', '[]', 0.1, 'HEAD', "
                         "'{}', '2999-01-01T00:00:00+00:00')")
        store.db.commit()
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION)
    with Store(path) as store:
        assert store.db.execute("SELECT version FROM schema_version").fetchone()[0] == 6
        store.cache_link_result(LinkStatus("http://p.test/slow", None, error="timeout",
                                           method="HEAD"))
        store.cache_link_result(LinkStatus("http://p.test/robots", None, error="robots",
                                           method="HEAD"))
        store.flush()
        cached = store.cached_links(24)
        assert cached["http://p.test/ok"].status == 200
        assert cached["http://p.test/slow"].error == "timeout"
        assert "http://p.test/robots" not in cached  # decided here, not by the partner site
