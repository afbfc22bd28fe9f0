"""Incremental re-audit of an unchanged demo site: conditional requests, sitemap lastmod and the
off-site link cache. Bytes are counted from the loopback server's own log, never guessed.

One crawl at a time per host (--concurrency 1) so that the crawl order, and with it which
facet pages the trap guard admits, is the same in every run: the comparison is then about
incremental crawling, not about which 64 facet combinations came first.
"""

from __future__ import annotations

import json
import sqlite3
from urllib.parse import urlsplit

import pytest

from localoffer_audit.demo import DemoServer, generate_site
from localoffer_audit.demo_audit import demo_config_path
from support import run_cli


def _audit(server, db, out, *extra):
    start = len(server.response_log)
    result = run_cli("audit", server.url, "--out", str(out), "--db", str(db), "--config",
                     str(demo_config_path()), "--concurrency", "1", "--delay", "0",
                     "--no-progress", *extra)
    assert result.returncode == 0, result.stderr
    findings = {json.loads(line)["fingerprint"]
                for line in (out / "findings.jsonl").read_text("utf-8").splitlines()}
    return {"log": server.response_log[start:], "findings": findings}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    generate_site(root / "demo", pages=200)
    db = root / "store.sqlite"
    with DemoServer(root / "demo" / "site") as server:
        first = _audit(server, db, root / "out1")
        second = _audit(server, db, root / "out2")
        # Change one page the second run revalidated with a 304: the third run must fetch it.
        changed_path = next(path for method, path, status, _, _ in second["log"]
                            if status == 304 and path.endswith("/") and path != "/")
        resolved = server.router.resolve(urlsplit(changed_path).path)
        page_file = server.site_dir / resolved.file
        html = page_file.read_text("utf-8")
        page_file.write_text(html.replace("</main>", '<p><a href="/incremental-test-gone">'
                                          'Gone page</a></p></main>', 1), "utf-8")
        third = _audit(server, db, root / "out3")
        full = _audit(server, db, root / "out4", "--full")
        statuses = {run: dict(sqlite3.connect(db).execute(
            "SELECT url, reused_from FROM pages WHERE run_id = ?", (run,)).fetchall())
            for run in (1, 2, 3, 4)}
        stats = json.loads(sqlite3.connect(db).execute(
            "SELECT stats FROM runs WHERE id = 2").fetchone()[0])
    return {"first": first, "second": second, "third": third, "full": full,
            "changed": changed_path, "pages": statuses, "stats": stats, "base": server.url}


def _bytes(log):
    return sum(sent for _, _, _, sent, _ in log)


def test_unchanged_site_same_findings(runs):
    assert runs["first"]["findings"]
    assert runs["second"]["findings"] == runs["first"]["findings"]


def test_unchanged_site_downloads_at_most_a_tenth_of_the_bytes(runs):
    first, second = _bytes(runs["first"]["log"]), _bytes(runs["second"]["log"])
    assert first > 500_000  # the demo site really was downloaded the first time
    assert second <= 0.10 * first, (second, first)


def test_unchanged_pages_are_revalidated_or_skipped_by_sitemap_lastmod(runs):
    log = runs["second"]["log"]
    assert sum(1 for _, _, status, _, _ in log if status == 304) >= 50
    assert runs["stats"]["localoffer/incremental/not-modified"] >= 50
    # Pages whose sitemap lastmod had not changed were not requested at all...
    skipped = runs["stats"]["localoffer/incremental/sitemap-unchanged"]
    assert skipped >= 50
    requested = {path for _, path, _, _, _ in log}
    first_paths = {path for _, path, _, _, _ in runs["first"]["log"]}
    assert len(first_paths - requested) >= skipped
    # ...yet they are in the run, kept from the first one.
    reused = [url for url, earlier in runs["pages"][2].items() if earlier == 1]
    assert len(reused) >= 100
    assert set(runs["pages"][2]) >= {url for url, _ in runs["pages"][1].items()
                                     if "/directory/search" not in url}


def test_off_site_healthy_links_come_from_the_cache(runs):
    first = [path for method, path, *_ in runs["first"]["log"] if path == "/ok"]
    second = [path for method, path, *_ in runs["second"]["log"] if path == "/ok"]
    assert first and not second


def test_a_changed_page_is_fetched_again_and_its_findings_change(runs):
    third = runs["third"]
    fetched = [(path, status) for _, path, status, _, _ in third["log"] if path == runs["changed"]]
    assert fetched and all(status == 200 for _, status in fetched)
    new = third["findings"] - runs["second"]["findings"]
    assert new, "the new broken link on the changed page was not found"
    changed_url = runs["base"].rstrip("/") + runs["changed"]
    assert runs["pages"][3][changed_url] is None  # downloaded, not reused


def test_full_fetches_everything_again(runs):
    full = runs["full"]
    assert not any(status == 304 for _, _, status, _, _ in full["log"])
    assert all(earlier is None for earlier in runs["pages"][4].values())
    assert _bytes(full["log"]) >= 0.9 * _bytes(runs["first"]["log"])
    assert full["findings"] == runs["third"]["findings"]
