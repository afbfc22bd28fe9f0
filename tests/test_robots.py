"""robots.txt is honoured even for requests that arrive while it is still being downloaded.

Scrapy 2.13+ hands the parser only to the first request waiting for a robots.txt in flight;
every later waiter was let through as if the site had no robots.txt. That is how a resumed
demo audit fetched /staff-only/team-contacts: a resume sends the stored frontier all at once.
Here robots.txt answers slowly (ROBOTS_DELAY), so many requests wait for it, every time."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from http.server import ThreadingHTTPServer

from support import QuietHandler, run_cli

ROBOTS_DELAY = 0.6  # seconds: far longer than the engine takes to queue every waiting request
PRIVATE = [f"/private/{n}" for n in range(8)]
PUBLIC = [f"/public/{n}" for n in range(3)]


class RobotsSite:
    """Loopback site: / links to PRIVATE (disallowed by robots.txt) and PUBLIC pages."""

    def __init__(self, robots: str = "slow", links: tuple[str, ...] = ()) -> None:
        self.robots = robots
        self.requests: list[str] = []
        site = self
        extra = list(links)

        class Handler(QuietHandler):
            def do_GET(self):
                site.requests.append(self.path)
                if self.path == "/robots.txt":
                    if site.robots == "refused":  # the connection drops without an answer
                        self.close_connection = True
                        return
                    time.sleep(ROBOTS_DELAY)
                    return self._send(200, "text/plain", b"User-agent: *\nDisallow: /private/\n")
                if self.path == "/" or self.path in PRIVATE + PUBLIC:
                    anchors = "".join(f'<a href="{p}">{p}</a> ' for p in PRIVATE + PUBLIC + extra)
                    body = (f"<!doctype html><html lang='en'><head><title>{self.path}</title>"
                            f"</head><body><h1>Page</h1><p>{anchors}</p></body></html>")
                    return self._send(200, "text/html; charset=utf-8", body.encode())
                self._send(404, "text/html", b"<title>Not found</title><h1>Not found</h1>")

            do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self) -> "RobotsSite":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _config(tmp_path, start_urls):
    config = tmp_path / "site.toml"
    quoted = ", ".join(f'"{u}"' for u in start_urls)
    config.write_text(f'[site]\nstart_urls = [{quoted}]\n[crawl]\ndelay = 0\n'
                      'concurrency_per_host = 16\ntimeout = 10\n', "utf-8")
    return config


def _crawl(config, db, *extra):
    return run_cli("crawl", str(config), "--db", str(db), "--no-progress", *extra, timeout=120)


def _private_requests(site):
    return [p for p in site.requests if p.startswith("/private/")]


def test_requests_waiting_for_robots_txt_are_judged_by_it(tmp_path):
    """A fresh crawl whose start URLs are mostly disallowed: all of them wait for robots.txt."""
    with RobotsSite() as site:
        result = _crawl(_config(tmp_path, [site.url] + [site.url.rstrip("/") + p for p in PRIVATE]),
                        tmp_path / "s.sqlite")
    assert result.returncode == 0, result.stderr
    assert not _private_requests(site), site.requests
    assert set(PUBLIC) <= set(site.requests)  # the allowed part was crawled
    db = sqlite3.connect(tmp_path / "s.sqlite")
    robots_refused = {url for (url,) in db.execute(
        "SELECT url FROM link_status WHERE error = 'robots'")}
    assert {site.url.rstrip("/") + p for p in PRIVATE} <= robots_refused


def test_a_resumed_frontier_waiting_for_robots_txt_is_judged_by_it(tmp_path):
    """What a SIGKILL leaves: the home page stored, its disallowed links not yet decided. The
    resumed crawl sends that whole frontier while robots.txt is downloading."""
    db_path = tmp_path / "s.sqlite"
    with RobotsSite() as site:
        config = _config(tmp_path, [site.url])
        first = _crawl(config, db_path)
        assert first.returncode == 0, first.stderr
        with sqlite3.connect(db_path) as db:  # undo everything after the home page
            db.execute("UPDATE runs SET status = 'interrupted'")
            db.execute("DELETE FROM pages WHERE url LIKE '%/public/%'")
            db.execute("DELETE FROM link_status")
        site.requests.clear()
        resumed = _crawl(config, db_path, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert not _private_requests(site), site.requests
    assert set(PUBLIC) <= set(site.requests)


def test_a_partner_site_whose_robots_txt_cannot_be_reached_is_still_link_checked(tmp_path):
    """Disallow-all for an unreachable robots.txt is for the audited site's own hosts only."""
    with RobotsSite(robots="refused") as partner:
        with RobotsSite(links=(partner.url + "public/0",)) as site:
            result = _crawl(_config(tmp_path, [site.url]), tmp_path / "s.sqlite")
    assert result.returncode == 0, result.stderr
    assert "/public/0" in partner.requests
    db = sqlite3.connect(tmp_path / "s.sqlite")
    stats = json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])
    # (Scrapy keys robots.txt by host:port, so the https: variant's TLS failure may come first)
    assert any(k.startswith("robotstxt/exception_count/") for k in stats), stats
    assert not stats.get("localoffer/robots/unavailable")  # not "disallow all" for a partner
    assert db.execute("SELECT status, error FROM link_status WHERE url = ?",
                      (partner.url + "public/0",)).fetchone() == (200, None)
