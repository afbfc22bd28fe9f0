"""Crawl promises: identifies itself, caps sizes and pages, fails clearly on a dead start URL."""

from __future__ import annotations

import json
import socket
import sqlite3

from support import ChainSite, run_cli


def _pages(db):
    return dict(sqlite3.connect(db).execute("SELECT url, COALESCE(error, status) FROM pages"))


def test_user_agent_names_the_tool_and_a_contact_url(tmp_path):
    with ChainSite(pages=3) as site:
        result = run_cli("crawl", site.url, "--db", str(tmp_path / "s.sqlite"), "--no-progress")
        agents = site.user_agents
    assert result.returncode == 0, result.stderr
    assert agents and all(a.startswith("localoffer-audit/") and "(+http" in a for a in agents)


def test_response_size_is_capped(tmp_path, write_toml):
    config = write_toml("[crawl]\nmax_response_bytes = 2048\n")
    with ChainSite(pages=3, extras=True) as site:
        db = tmp_path / "s.sqlite"
        result = run_cli("crawl", site.url, "--config", str(config), "--db", str(db),
                         "--no-progress")
    assert result.returncode == 0, result.stderr
    pages = _pages(db)
    big = [u for u in pages if u.endswith("/big")]
    assert big and pages[big[0]] == "too-large"
    assert pages[site.url] == 200


def test_max_pages_stops_scheduling_and_says_so(tmp_path):
    with ChainSite(pages=100) as site:
        out = tmp_path / "out"
        result = run_cli("audit", site.url, "--out", str(out), "--max-pages", "10",
                         "--no-progress")
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["pages"]["total"] == 10
    assert any(c["reason"] == "max-pages" and c["skipped"] > 0 for c in summary["capped"])


def test_unreachable_start_url_is_a_one_line_error_and_the_run_is_kept(tmp_path):
    with socket.socket() as sock:  # a loopback port with nothing listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = tmp_path / "s.sqlite"
    result = run_cli("audit", f"http://127.0.0.1:{port}/", "--out", str(tmp_path / "out"),
                     "--db", str(db), "--no-progress")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"http://127.0.0.1:{port}/" in lines[0]
    assert "connection-refused" in lines[0]
    assert sqlite3.connect(db).execute("SELECT status FROM runs").fetchall() == [("failed",)]


def test_fail_on_sets_the_exit_code(tmp_path):
    with ChainSite(pages=3, extras=True) as site:  # /p/0 links to /missing: a broken link
        strict = run_cli("audit", site.url, "--out", str(tmp_path / "a"), "--fail-on", "error",
                         "--no-progress")
        lenient = run_cli("audit", site.url, "--out", str(tmp_path / "b"), "--fail-on", "never",
                          "--no-progress")
    assert strict.returncode == 1, strict.stderr
    assert lenient.returncode == 0, lenient.stderr
