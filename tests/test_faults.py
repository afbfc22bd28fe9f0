"""Fault injection: a loopback server that misbehaves every way real council sites do. For each
fault the audit finishes (no traceback), the fault shows as a finding, a recorded page error or a
counted crawl event (the run's stats in the store), and the store passes PRAGMA integrity_check."""

from __future__ import annotations

import json
import sqlite3

import pytest

from faultserver import FaultServer
from support import run_cli

CONFIG = "[crawl]\ntimeout = 1.5\nmax_response_bytes = 1000000\ndelay = 0\nmax_pages = 200\n"


def _audit(tmp, server, *extra, config_extra="", timeout=1.5):
    config = tmp / "site.toml"
    config.write_text(CONFIG.replace("timeout = 1.5", f"timeout = {timeout}") + config_extra,
                      "utf-8")
    out = tmp / "out"
    result = run_cli("audit", server.url, "--out", str(out), "--config", str(config),
                     "--no-progress", *extra, timeout=180)
    db = sqlite3.connect(out / "localoffer-audit.sqlite")
    return result, out, db


def _integrity_ok(db):
    return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    with FaultServer(sitemap="malformed", slow_seconds=3) as server:
        result, out, db = _audit(tmp, server)
        requests = list(server.requests)
    pages = {url[len(server.base):]: (status, error, kind)
             for url, status, error, kind in db.execute("SELECT url, status, error, kind FROM pages")}
    findings = [json.loads(line) for line in (out / "findings.jsonl").read_text("utf-8").splitlines()]
    stats = json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])
    return {"result": result, "pages": pages, "findings": findings, "stats": stats, "db": db,
            "requests": requests, "base": server.base, "server": server,
            "summary": json.loads((out / "summary.json").read_text("utf-8"))}


def _finding(faulty, rule, target_path):
    return [f for f in faulty["findings"]
            if f["rule"] == rule and (f.get("target") or f["url"]) == faulty["base"] + target_path]


def test_the_audit_finishes_cleanly_and_the_store_is_intact(faulty):
    assert faulty["result"].returncode == 0, faulty["result"].stderr
    assert "Traceback" not in faulty["result"].stderr
    assert _integrity_ok(faulty["db"])
    assert faulty["summary"]["pages"]["total"] > 10


@pytest.mark.parametrize("path,error", [
    ("/slow", "timeout"),
    ("/huge", "too-large"),
    ("/429-seconds", "retry-after-exhausted"),
    ("/429-date", "retry-after-exhausted"),
    ("/429-bare", "retry-after-exhausted"),
    ("/503-seconds", "retry-after-exhausted"),
    ("/503-bare", "retry-after-exhausted"),
])
def test_server_faults_are_recorded_as_page_errors(faulty, path, error):
    assert faulty["pages"][path][1] == error


def test_gzip_bomb_is_stopped_at_the_size_cap_while_decompressing(faulty):
    status, error, _ = faulty["pages"]["/gzip-bomb"]
    assert status is None and "DOWNLOAD_MAXSIZE" in error and "decompress" in error


def test_retry_after_waits_are_counted(faulty):
    assert faulty["stats"]["localoffer/retry_after/waits"] >= 5
    assert faulty["stats"]["localoffer/retry_after/exhausted"] == 5


def test_flaky_500_is_retried_and_the_page_is_kept(faulty):
    assert faulty["pages"]["/flaky"][0] == 200
    assert faulty["stats"]["retry/reason_count/500 Internal Server Error"] >= 1


def test_slow_page_is_a_timeout_finding(faulty):
    assert _finding(faulty, "LNK303", "/slow")


def test_redirect_loop_and_20_hop_chain_are_findings_and_end(faulty):
    assert _finding(faulty, "LNK304", "/loop/a") and _finding(faulty, "LNK304", "/chain/0")
    assert faulty["requests"].count("/loop/a") <= 3  # the loop was not followed round and round
    assert faulty["pages"]["/chain/20"][0] == 200


@pytest.mark.parametrize("path", ["/truncated", "/malformed", "/cp1252", "/mislabelled",
                                  "/pdf-as-html", "/binary", "/long/" + "x" * 2000])
def test_broken_pages_are_recorded_as_pages(faulty, path):
    assert faulty["pages"][path][0] == 200 and faulty["pages"][path][2] == "html"


def test_windows_1252_title_is_decoded(faulty):
    title = faulty["db"].execute("SELECT title FROM pages WHERE url = ?",
                                 (faulty["base"] + "/cp1252",)).fetchone()[0]
    assert title == "Caf\u00e9 \u2013 \u201cSEND\u201d"


def test_pdf_and_binary_served_as_html_are_findings_not_crashes(faulty):
    assert _finding(faulty, "A11Y502", "/pdf-as-html") and _finding(faulty, "A11Y502", "/binary")


def test_endless_calendar_is_capped_and_reported(faulty):
    calendars = [p for p in faulty["pages"] if p.startswith("/calendar")]
    assert 1 <= len(calendars) <= 20
    assert faulty["summary"]["capped"]


def test_javascript_data_and_file_links_are_never_requested(faulty):
    assert not [r for r in faulty["requests"] if "passwd" in r or "alert" in r]


def test_malformed_sitemap_does_not_stop_the_crawl(faulty):
    assert "/sitemap.xml" in faulty["requests"]
    assert faulty["pages"]["/"][0] == 200


def test_503_with_an_http_date_retry_after_is_honoured(tmp_path):
    """Retry-After: <HTTP-date two seconds on>: the retry comes after that date, not at once
    and not after the 5 s used when there is no usable Retry-After. (A site of its own: other
    Retry-After waits on the same host would hold the retry back longer.)"""
    with FaultServer(home_links=["/503-date-once"]) as server:
        result, _, db = _audit(tmp_path, server)
        first, retry = server.times("/503-date-once")
    assert result.returncode in (0, 1), result.stderr
    assert 1.9 <= retry - first < 4.5, retry - first  # the date has 1 s resolution
    assert db.execute("SELECT status, error FROM pages WHERE url = ?",
                      (server.base + "/503-date-once",)).fetchone() == (200, None)
    stats = json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])
    assert stats["localoffer/retry_after/waits"] == 1


def test_retry_after_seconds_spacing_is_honoured(faulty):
    hits = faulty["server"].times("/503-seconds")  # Retry-After: 1, every time
    assert len(hits) == 4  # the first try and three retries
    assert all(later - earlier >= 0.9 for earlier, later in zip(hits, hits[1:])), hits


def test_facet_combinations_are_capped_and_counted(faulty):
    """/search links to every refinement of itself (4 facets, 14 values, any order): a trap."""
    searches = [p for p in faulty["pages"] if p.startswith("/search")]
    assert 1 < len(searches) <= 64 + 1  # [crawl.traps].max_facet_pages_per_path, plus /search
    skipped = faulty["db"].execute("SELECT COUNT(*) FROM link_status WHERE url LIKE ? AND error "
                                   "= 'skipped: param-combinations'",
                                   (faulty["base"] + "/search?%",)).fetchone()[0]
    assert skipped > 0
    capped = [c for c in faulty["summary"]["capped"] if "/search" in c["pattern"]]
    assert capped and capped[0]["reason"] == "param-combinations"
    assert sum(c["skipped"] for c in capped) >= skipped


def test_sitemap_of_500000_urls_is_read_as_it_downloads_and_capped(tmp_path):
    """The 500,000-URL sitemap (about 25 MB) is parsed while it downloads; at the URL cap the
    download stops, so neither it nor its entries are ever held whole."""
    with FaultServer(sitemap="huge") as server:
        # (a generous timeout: a download cut by the timeout would also end the sitemap early)
        result, out, db = _audit(tmp_path, server, "--max-pages", "30", timeout=20,
                                 config_extra="max_sitemap_urls = 2000\n")
        sent = server.streamed_bytes
    assert result.returncode in (0, 1), result.stderr
    assert db.execute("SELECT COUNT(*) FROM pages WHERE kind = 'html'").fetchone()[0] <= 30
    assert db.execute("SELECT COUNT(*) FROM sitemap_entries").fetchone()[0] == 2000
    stats = json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])
    assert stats["localoffer/sitemap/capped"] == 1
    assert stats["localoffer/sitemap/urls"] == 2000
    whole = 500_000 * len(f"<url><loc>{server.base}/s/250000</loc></url>")
    assert sent < whole / 4, (sent, whole)  # the server was stopped well before the end
    assert _integrity_ok(db)


def test_a_sitemap_retried_after_a_503_is_read_from_its_own_first_byte(tmp_path):
    with FaultServer(sitemap="busy-once", home_links=[]) as server:
        result, _, db = _audit(tmp_path, server)
        asked = server.requests.count("/sitemap.xml")
    assert result.returncode in (0, 1), result.stderr
    assert asked == 2
    assert db.execute("SELECT COUNT(*) FROM sitemap_entries").fetchone()[0] == 5
    assert db.execute("SELECT COUNT(*) FROM pages WHERE url LIKE ?",
                      (server.base + "/s/%",)).fetchone()[0] == 5


@pytest.mark.parametrize("robots,crawled", [("404", True), ("malformed", True),
                                           ("timeout", False), ("reset", False), ("500", False)])
def test_robots_txt_faults(tmp_path, robots, crawled):
    """RFC 9309: 4xx means allow all; 5xx, or no answer at all (timeout, connection reset)
    from the audited site's own robots.txt, means disallow all: nothing else is fetched, and
    the one-line error says why."""
    with FaultServer(robots=robots, slow_seconds=3) as server:
        config = tmp_path / "site.toml"
        config.write_text(CONFIG, "utf-8")
        db_path = tmp_path / "s.sqlite"
        result = run_cli("crawl", server.url, "--db", str(db_path), "--config", str(config),
                         "--max-pages", "3", "--no-progress", timeout=120)
        requests = list(server.requests)
    assert "Traceback" not in result.stderr
    db = sqlite3.connect(db_path)
    assert _integrity_ok(db)
    if crawled:
        assert result.returncode == 0, result.stderr
        assert "/" in requests
    else:
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        why = {"500": "answered 500", "timeout": "could not be fetched (timeout)",
               "reset": "could not be fetched (connection)"}[robots]
        assert f"its robots.txt {why}" in result.stderr and "RFC 9309" in result.stderr
        assert set(requests) == {"/robots.txt"}  # nothing else was fetched
        stats = json.loads(db.execute("SELECT stats FROM runs").fetchone()[0])
        assert stats.get("localoffer/robots/unavailable", 0) >= 1


def test_counted_events_are_in_the_summary(faulty):
    """summary.json `events`: each fault the crawl survived, counted under a stable name."""
    from localoffer_audit.events import CAPPED_EVENTS, EVENTS

    events, stats = faulty["summary"]["events"], faulty["stats"]
    assert set(events) == set(EVENTS) | set(CAPPED_EVENTS)
    assert events["retry_after_given_up"] == stats["localoffer/retry_after/exhausted"] == 5
    assert events["retry_after_waits"] == stats["localoffer/retry_after/waits"] >= 5
    assert events["pages_fetched"] == stats["localoffer/pages"]
    assert events["timeouts"] >= 1  # /slow
    assert events["too_large"] >= 2  # /huge, and the gzip bomb while inflating
    assert events["retries"] >= 1  # the flaky 500
    assert events["trap_skipped"] > 0 and events["limit_skipped"] > 0  # facets; the calendar
    assert events["private_address_blocked"] == events["robots_disallowed"] == 0
