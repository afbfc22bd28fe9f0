"""--distributed: two worker processes on one crawl, through a real redis-server on loopback.

The demo site is audited once in one process and once by two scrapy-redis workers; both give
the same pages and findings, and the server's log shows no page was fetched twice. The facet
search is left out of the crawl (status-checked instead): its trap cap counts per worker, so
which 64 combinations are crawled depends on how the work was shared (docs/scaling.md).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections import Counter

import pytest

from localoffer_audit.demo import DemoServer, generate_site
from localoffer_audit.demo_audit import demo_config_path
from support import run_cli

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if not shutil.which(REDIS_SERVER):
        pytest.skip("redis-server is not installed and `make test` could not install it "
                    "(Debian package redis-server; needs root and apt)")
    pytest.importorskip("scrapy_redis")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no", "--dir", str(workdir)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        server.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


def _read(out, name):
    return [json.loads(line) for line in (out / name).read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def audits(tmp_path_factory, redis_url):
    root = tmp_path_factory.mktemp("distributed")
    generate_site(root / "demo", pages=150)
    config = root / "demo.toml"
    config.write_text(demo_config_path().read_text("utf-8").replace(
        "[crawl]\n", '[crawl]\nexclude = ["/directory/search"]\n', 1), "utf-8")
    results = {}
    with DemoServer(root / "demo" / "site") as server:
        for mode, extra in (("single", ()), ("two-workers",
                                             ("--distributed", redis_url, "--workers", "2"))):
            start = len(server.response_log)
            out = root / mode
            result = run_cli("audit", server.url, "--config", str(config), "--out", str(out),
                             "--no-progress", *extra)
            assert result.returncode == 0, result.stderr
            results[mode] = {
                "gets": Counter(path for method, path, *_ in server.response_log[start:]
                                if method == "GET"),
                "pages": {p["url"]: p["status"] for p in _read(out, "pages.jsonl")},
                "findings": {f["fingerprint"] for f in _read(out, "findings.jsonl")},
                "summary": json.loads((out / "summary.json").read_text("utf-8")),
                "db": out / "localoffer-audit.sqlite"}
    return results


DISALLOWED = "/staff-only/"  # the demo's robots.txt disallows it


def test_two_workers_find_the_same_pages_and_findings(audits):
    single, two = audits["single"], audits["two-workers"]
    assert len(single["pages"]) > 150
    assert two["pages"] == single["pages"]
    assert single["findings"] and two["findings"] == single["findings"]


def test_workers_never_fetch_robots_disallowed_pages(audits):
    # Each worker reads robots.txt for itself; requests that wait for it are all judged by it
    # (middlewares.StrictRobotsTxtMiddleware.robot_parser).
    assert not any(path.startswith(DISALLOWED) for path in audits["two-workers"]["gets"])


def test_no_page_is_fetched_twice(audits):
    single, two = audits["single"], audits["two-workers"]
    pages = {path for path in two["gets"] if not path.startswith("/robots.txt")}
    # Each worker's robots.txt middleware reads robots.txt for itself; every other address is
    # fetched no more often than by one process (retries of a failing partner page included).
    twice = {path: n for path in pages if (n := two["gets"][path]) > max(1, single["gets"][path])}
    assert not twice, twice
    assert sum(two["gets"].values()) - two["gets"]["/robots.txt"] <= \
        sum(single["gets"].values()) - single["gets"]["/robots.txt"]


def test_both_workers_did_part_of_the_crawl(audits):
    import sqlite3

    stats = json.loads(sqlite3.connect(audits["two-workers"]["db"]).execute(
        "SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert stats["distributed"]["workers"] == 2 and stats["workers_joined"] == 2
    assert len(stats["pages_per_worker"]) == 2 and all(n > 0 for n in stats["pages_per_worker"])


def test_unreachable_redis_is_a_one_line_error(tmp_path):
    result = run_cli("crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "s.sqlite"),
                     "--distributed", f"redis://127.0.0.1:{_free_port()}")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot reach Redis" in result.stderr


def test_a_bad_redis_url_is_a_one_line_error(tmp_path):
    result = run_cli("crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "s.sqlite"),
                     "--distributed", "http://127.0.0.1:6379")
    assert result.returncode == 2 and "redis://" in result.stderr
