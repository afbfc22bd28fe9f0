"""Kill-and-resume: a demo audit stopped by SIGINT or SIGKILL at three points, then resumed with
`audit --resume`, ends with the same findings as an uninterrupted audit, fetches no stored page
again and stores nothing twice. Each scenario has its own loopback demo server (and request log)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from localoffer_audit.demo import DemoServer, generate_site
from localoffer_audit.demo_audit import demo_config_path
from localoffer_audit.models import Finding, Severity
from support import CLI, run_cli

PAGES = 40  # demo site size: small, still every kind of page and planted problem
THROTTLE = 0.03  # seconds per request, so a poll can catch the crawl part-way
SCENARIOS = [(sig, point) for sig in ("SIGINT", "SIGKILL") for point in (0.1, 0.5, 0.9)]

def _discovery(path: str) -> bool:  # robots.txt and sitemaps: read again by each session, by design
    return path == "/robots.txt" or (path.startswith("/sitemap") and path.endswith(".xml"))


def _log_offsite_requests(handler_route):
    """The demo's off-site server does not log; for these tests it does ("EXT HEAD", path)."""
    def route(self, head: bool) -> None:
        self.demo._log(f"EXT {self.command}", self.path)
        return handler_route(self, head)
    return route


class ThrottledDemo(DemoServer):
    def _log(self, method: str, path: str) -> None:
        super()._log(method, path)
        time.sleep(THROTTLE)


def _audit_args(url: str, out: Path) -> list[str]:
    return ["audit", url, "--out", str(out), "--config", str(demo_config_path()),
            "--concurrency", "16", "--delay", "0", "--no-progress"]


def _query(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _stored_pages(db: Path) -> int:
    try:
        return _query(db, "SELECT COUNT(*) FROM pages")[0][0]
    except sqlite3.Error:  # not created yet
        return 0


def _outcome(db: Path, out: Path, server: DemoServer) -> dict:
    """What a finished audit holds, with the servers' ports taken out: each scenario has its
    own demo server, so findings are compared by the fingerprint they would have on one."""
    def same(text: str | None) -> str:
        return (text or "").replace(urlsplit(server.url).netloc, "SITE").replace(
            urlsplit(server.external_url).netloc, "EXTERNAL")

    def fingerprint(rule, url, target, selector) -> str:
        return Finding(rule, "", "", Severity.NOTICE, same(url), "",
                       target=same(target) or None, selector=selector).fingerprint

    findings = _query(db, "SELECT rule, url, target, selector, fingerprint FROM findings")
    reported = [json.loads(line) for line in (out / "findings.jsonl").read_text("utf-8").splitlines()]
    assert {f[4] for f in findings} == {f["fingerprint"] for f in reported}
    return {
        "fingerprints": sorted(fingerprint(*f[:4]) for f in findings),
        "pages": sorted(same(r[0]) for r in _query(db, "SELECT url FROM pages")),
        "links": sorted((same(r[0]), r[1]) for r in _query(
            db, "SELECT source, COUNT(*) FROM links GROUP BY source")),
        "link_status": sorted(same(r[0]) for r in _query(db, "SELECT url FROM link_status")),
        "runs": _query(db, "SELECT id, status FROM runs"),
        "hops": {hop for (hops,) in _query(db, "SELECT redirects FROM link_status")
                 for hop in json.loads(hops or "[]")},
        "integrity": _query(db, "PRAGMA integrity_check")[0][0],
    }


def _unfaceted(rows: list) -> list:
    return [row for row in rows if "?" not in (row[0] if isinstance(row, tuple) else row)]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _page_paths(log) -> list[str]:
    return [path for method, path in log if method == "GET" and not _discovery(path)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    generate_site(root / "demo", pages=PAGES)
    return root / "demo" / "site"


def _uninterrupted(site: Path, root: Path) -> dict:
    out = root / "whole"
    with ThrottledDemo(site, slow_seconds=0.5) as server:
        started = time.monotonic()
        result = run_cli(*_audit_args(server.url, out))
        elapsed = time.monotonic() - started
        log = list(server.request_log)
    assert result.returncode == 0, result.stderr
    return {**_outcome(out / "localoffer-audit.sqlite", out, server), "log": log,
            "elapsed": elapsed}


def _interrupted(site: Path, root: Path, sig: str, point: float, total_pages: int) -> dict:
    out = root / f"{sig}-{int(point * 100)}"
    db = out / "localoffer-audit.sqlite"
    with ThrottledDemo(site, slow_seconds=0.5) as server:
        proc = subprocess.Popen([*CLI, *_audit_args(server.url, out)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 90
        while _stored_pages(db) < point * total_pages and proc.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(getattr(signal, sig))
        _, stderr = proc.communicate(timeout=90)
        at_stop = {"returncode": proc.returncode, "stderr": stderr,
                   "status": _query(db, "SELECT status FROM runs")[0][0],
                   "stored": {r[0] for r in _query(db, "SELECT url FROM pages")},
                   "checked": {r[0] for r in _query(db, "SELECT url FROM link_status")},
                   "log": list(server.request_log)}
        server.request_log.clear()
        resumed = run_cli(*_audit_args(server.url, out), "--resume")
        log = list(server.request_log)
    return {"at_stop": at_stop, "resumed": resumed, "resume_log": log,
            "origin": server.url.rstrip("/"), "external": server.external_url.rstrip("/"),
            **(_outcome(db, out, server) if resumed.returncode == 0 else {})}


@pytest.fixture(scope="module")
def scenarios(site, tmp_path_factory):
    from localoffer_audit.demo import server as demo_server

    root = tmp_path_factory.mktemp("scenarios")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_server._ExternalHandler, "_route",
                      _log_offsite_requests(demo_server._ExternalHandler._route))
        whole = _uninterrupted(site, root)
        total = len(whole["pages"])
        with ThreadPoolExecutor(max_workers=3) as pool:
            futures = {s: pool.submit(_interrupted, site, root, *s, total) for s in SCENARIOS}
            return whole, {s: f.result() for s, f in futures.items()}


@pytest.mark.parametrize("sig, point", SCENARIOS, ids=[f"{s}-{int(p * 100)}%" for s, p in SCENARIOS])
def test_kill_and_resume_gives_the_uninterrupted_result(scenarios, sig, point):
    whole, results = scenarios
    run = results[(sig, point)]
    at_stop = run["at_stop"]
    # the stop really happened part-way, and the way each signal promises
    assert 0 < len(at_stop["stored"]) < len(whole["pages"]), len(at_stop["stored"])
    if sig == "SIGINT":
        assert at_stop["returncode"] == 130, at_stop["stderr"]
        assert at_stop["status"] == "interrupted"
        assert at_stop["stderr"].strip().count("\n") == 0, at_stop["stderr"]  # one line
    else:
        assert at_stop["returncode"] == -signal.SIGKILL
    assert run["resumed"].returncode == 0, run["resumed"].stderr
    # same final findings, pages, links and link results as the uninterrupted audit
    assert run["fingerprints"] == whole["fingerprints"]
    # Pages, links and link results match too, except for which facet combinations the trap
    # guard admitted under its cap: that depends on the order responses arrive in (two
    # uninterrupted audits differ there too), and so, by one or two, can how many.
    assert abs(len(run["pages"]) - len(whole["pages"])) <= 2, \
        set(run["pages"]) ^ set(whole["pages"])
    assert _unfaceted(run["pages"]) == _unfaceted(whole["pages"])
    assert _unfaceted(run["links"]) == _unfaceted(whole["links"])
    assert _unfaceted(run["link_status"]) == _unfaceted(whole["link_status"])
    assert run["runs"] == [(1, "checked")]  # the same run, taken up, not a second one
    assert run["integrity"] == "ok"
    # nothing already stored was fetched (or link-checked, here or off-site) again
    origin, external = run["origin"], run["external"]
    resumed_paths = _page_paths(run["resume_log"])
    stored_paths = {_path(u) for u in at_stop["stored"] if u.startswith(origin)}
    assert not stored_paths & set(resumed_paths)
    checked_here = {_path(u) for u in at_stop["checked"] if u.startswith(origin)}
    # (a stored check's target may be requested again as a hop of another link's redirects)
    checked_there = {_path(u) for u in at_stop["checked"] - run["hops"] if u.startswith(external)}
    assert not checked_here & {path for method, path in run["resume_log"] if method == "HEAD"}
    assert not checked_there & {path for method, path in run["resume_log"]
                                if method.startswith("EXT")}
    assert len(resumed_paths) == len(set(resumed_paths))  # and nothing twice within the resume
    if sig == "SIGINT":  # a clean stop loses nothing: no page of the first session is fetched again
        again = set(_page_paths(at_stop["log"])) & set(resumed_paths)
        assert not again, (again, at_stop["log"][-30:], resumed_paths[:30])


def test_some_stops_came_after_offsite_checks_were_stored(scenarios):
    """So the test above really shows that stored off-site checks are not repeated."""
    whole, results = scenarios
    assert any(method.startswith("EXT") for method, _ in whole["log"])  # they are logged
    stopped_after_checks = [s for s, run in results.items()
                            if any(u.startswith(run["external"]) for u in run["at_stop"]["checked"])]
    assert stopped_after_checks, "no stop came after an off-site check was stored"


def test_a_resumed_crawl_never_fetches_robots_disallowed_pages(scenarios):
    """A resume sends its stored frontier at once, while robots.txt is still downloading: each
    of those requests must still be judged by it (tests/test_robots.py pins the cause)."""
    whole, results = scenarios
    assert not [p for p in whole["pages"] if "/staff-only/" in p]
    fetched = {s: [p for p in run["pages"] if "/staff-only/" in p] for s, run in results.items()}
    assert not any(fetched.values()), fetched
    requested = {s: [p for _, p in run["at_stop"]["log"] + run["resume_log"] if "/staff-only/" in p]
                 for s, run in results.items()}  # not stored, and not even requested
    assert not any(requested.values()), requested


def test_nothing_to_resume_is_one_line_and_exit_2(tmp_path, site):
    with DemoServer(site) as server:
        missing = run_cli(*_audit_args(server.url, tmp_path / "none"), "--resume")
        assert missing.returncode == 2
        assert missing.stderr.strip() == (f"localoffer-audit: error: nothing to resume: no store "
                                          f"at {tmp_path / 'none' / 'localoffer-audit.sqlite'}")
        done = run_cli(*_audit_args(server.url, tmp_path / "done"), "--max-pages", "5")
        assert done.returncode == 0, done.stderr
        again = run_cli(*_audit_args(server.url, tmp_path / "done"), "--resume")
        assert again.returncode == 2
        assert again.stderr.strip().startswith("localoffer-audit: error: nothing to resume: "
                                               "no interrupted run of ")
        by_id = run_cli(*_audit_args(server.url, tmp_path / "done"), "--resume", "1")
        assert (by_id.returncode, by_id.stderr.strip()) == (
            2, "localoffer-audit: error: nothing to resume: run 1 is complete")


def test_resume_with_a_different_scope_is_refused(tmp_path, site, write_toml):
    db = tmp_path / "store.sqlite"
    with sqlite3.connect(db):
        pass
    from localoffer_audit.config import load_config
    from localoffer_audit.store import Store

    config = load_config(demo_config_path(), start_url="http://127.0.0.1:9/")
    with Store(db) as store:
        run_id = store.begin_run(config.name, config.start_urls, config.to_dict(), "t")
        store.set_run_status(run_id, "interrupted")
    other = write_toml(demo_config_path().read_text("utf-8").replace(
        'max_pages = 5000', 'max_pages = 5000\nexclude = ["/kb5/"]'))
    refused = run_cli("crawl", "http://127.0.0.1:9/", "--config", str(other), "--db", str(db),
                      "--resume", str(run_id))
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"localoffer-audit: error: cannot resume run {run_id}: the config differs in "
        "[crawl].exclude (resuming would mix two different crawls; start a new audit instead)")
    elsewhere = run_cli("crawl", "http://127.0.0.1:8/", "--config", str(demo_config_path()),
                        "--db", str(db), "--resume", str(run_id))
    assert elsewhere.returncode == 2
    assert "the config differs in [site].allowed_hosts, [site].start_urls" in elsewhere.stderr


def test_a_run_stored_before_a_new_config_key_can_still_be_resumed():
    """A key added by a later version (e.g. [crawl].max_sitemap_urls) had its default then."""
    from localoffer_audit.config import load_config
    from localoffer_audit.errors import AuditError
    from localoffer_audit.resume import check_compatible

    config = load_config(demo_config_path(), start_url="http://127.0.0.1:9/")
    stored = json.loads(json.dumps(config.to_dict()))
    del stored["crawl"]["max_sitemap_urls"]
    check_compatible(stored, config, 1)  # no error
    stored["crawl"]["max_sitemap_urls"] = 10
    with pytest.raises(AuditError, match=r"differs in \[crawl\]\.max_sitemap_urls"):
        check_compatible(stored, config, 1)
