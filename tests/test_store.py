"""The store: versioned schema, every run kept, consistent after a kill."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time

import pytest

from localoffer_audit.errors import StoreError
from localoffer_audit.models import Finding, Link, LinkStatus, Severity
from localoffer_audit.store import SCHEMA_VERSION, Store
from support import CLI, ChainSite, run_cli


def _page(url, status=200, **extra):
    return {"url": url, "status": status, "kind": "html", "content_type": "text/html",
            "body": b"<html><title>t</title><h1>h</h1></html>", **extra}


def test_new_store_has_current_schema(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        version = store.db.execute("SELECT version FROM schema_version").fetchone()[0]
        mode = store.db.execute("PRAGMA journal_mode").fetchone()[0]
    assert version == SCHEMA_VERSION
    assert mode == "wal"


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="schema version 99, newer"):
        Store(path)


def test_other_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a localoffer-audit store"):
        Store(path)


def test_migration_path_runs_in_order(tmp_path, monkeypatch):
    from localoffer_audit import store as store_module

    path = tmp_path / "s.sqlite"
    Store(path).close()
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(store_module.MIGRATIONS, SCHEMA_VERSION + 1,
                        "ALTER TABLE pages ADD COLUMN readability TEXT")
    with Store(path) as store:
        columns = [r[1] for r in store.db.execute("PRAGMA table_info(pages)")]
        assert "readability" in columns
        assert store.db.execute("SELECT version FROM schema_version").fetchone()[0] == \
            SCHEMA_VERSION + 1


def test_runs_are_kept_and_findings_replaced_per_run(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        first = store.begin_run("a", ["http://x/"], {}, "t")
        second = store.begin_run("a", ["http://x/"], {}, "t")
        finding = Finding("LNK301", "broken-internal-link", "links", Severity.ERROR, "http://x/",
                          "m", target="http://x/gone")
        store.replace_findings(first, [finding])
        store.replace_findings(second, [finding, finding.with_changes(target="http://x/other")])
        store.replace_findings(second, [finding])  # re-running checks replaces, not appends
        assert [r["findings"] for r in store.runs()] == [1, 1]
        assert store.findings(first)[0].fingerprint == store.findings(second)[0].fingerprint


def test_status_resolver_follows_redirects_and_loops(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        run = store.begin_run("a", ["http://x/"], {}, "t")
        store.add_page(run, _page("http://x/old", 301, redirect_to="http://x/mid"))
        store.add_page(run, _page("http://x/mid", 302, redirect_to="http://x/gone"))
        store.add_page(run, _page("http://x/gone", 404))
        store.add_page(run, _page("http://x/a", 301, redirect_to="http://x/b"))
        store.add_page(run, _page("http://x/b", 301, redirect_to="http://x/a"))
        store.add_link_status(run, LinkStatus("http://ext/", 200, "http://ext/", None, (), 0.1, "HEAD"))
        store.flush()
        resolve = store.status_resolver(run)
        chain = resolve("http://x/old")
        assert (chain.status, chain.redirects) == (404, ("http://x/mid", "http://x/gone"))
        assert resolve("http://x/a").error == "redirect-loop"
        assert resolve("http://ext/").status == 200
        assert resolve("http://x/never") is None


def test_click_depth_is_shortest_path(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        run = store.begin_run("a", ["http://x/"], {}, "t")
        for url in ("http://x/", "http://x/a", "http://x/b", "http://x/c", "http://x/orphan"):
            store.add_page(run, _page(url))
        store.add_links(run, [Link("http://x/", "http://x/a", "", "a", "href", internal=True),
                              Link("http://x/a", "http://x/b", "", "a", "href", internal=True),
                              Link("http://x/b", "http://x/c", "", "a", "href", internal=True),
                              Link("http://x/", "http://x/c", "", "a", "href", internal=True)])
        store.compute_depths(run, ["http://x/"])
        depths = {r["url"]: r["depth"] for r in store.page_rows(run)}
    assert depths == {"http://x/": 0, "http://x/a": 1, "http://x/b": 2, "http://x/c": 1,
                      "http://x/orphan": None}


def _rows(path, sql):
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_audit_leaves_store_consistent_and_earlier_runs_intact(tmp_path, sig):
    db = tmp_path / "store.sqlite"
    with ChainSite(pages=60) as quick:
        done = run_cli("crawl", quick.url, "--db", str(db), "--delay", "0", "--no-progress")
        assert done.returncode == 0, done.stderr
    before = _rows(db, "SELECT url, status FROM pages WHERE run_id = 1 AND kind != 'probe' "
                       "ORDER BY url")
    assert len(before) == 60

    with ChainSite(pages=2000, delay=0.02) as slow:
        proc = subprocess.Popen([*CLI, "crawl", slow.url, "--db", str(db), "--delay", "0",
                                 "--concurrency", "2", "--no-progress"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.5)
            # the pages Store.runs() counts: the not-found probe is not one of them
            if _rows(db, "SELECT COUNT(*) FROM pages WHERE run_id = 2 AND kind NOT IN "
                         "('probe', 'feed')")[0][0] >= 20:
                break
        proc.send_signal(sig)
        proc.wait(timeout=60)
    with Store(db) as store:  # reopening marks a run left 'crawling' as interrupted
        assert store.integrity_check() == "ok"
        runs = {r["id"]: r for r in store.runs()}
        assert runs[1]["status"] == "crawled" and runs[1]["pages"] == 60
        assert runs[2]["status"] == "interrupted"
        assert 20 <= runs[2]["pages"] < 2000
    assert _rows(db, "SELECT url, status FROM pages WHERE run_id = 1 AND kind != 'probe' "
                     "ORDER BY url") == before
    # the interrupted run's pages are complete rows, not fragments
    assert _rows(db, "SELECT COUNT(*) FROM pages WHERE run_id = 2 AND status IS NULL "
                     "AND error IS NULL")[0][0] == 0


def test_a_run_left_crawling_by_an_unreaped_process_is_interrupted(tmp_path):
    """A crawl child killed with its parent is reparented to PID 1; in a container PID 1 may
    never reap it. Its zombie still answers kill(pid, 0), but it will never write again."""
    db = tmp_path / "store.sqlite"
    with Store(db) as store:
        run_id = store.begin_run("Zombie council", ["http://127.0.0.1/"], {}, "test")
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # wait until it is a zombie (exited, not reaped)
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            time.sleep(0.01)
        os.kill(pid, 0)  # the zombie still "exists" to a plain existence check
        with sqlite3.connect(db) as con:
            con.execute("UPDATE runs SET pid = ? WHERE id = ?", (pid, run_id))
        with Store(db) as store:
            assert store.run(run_id)["status"] == "interrupted"
    finally:
        os.waitpid(pid, 0)


def test_a_run_still_crawling_in_a_live_process_is_left_alone(tmp_path):
    db = tmp_path / "store.sqlite"
    with Store(db) as store:
        run_id = store.begin_run("Live council", ["http://127.0.0.1/"], {}, "test")
    with Store(db) as store:  # this process is alive: its run is not abandoned
        assert store.run(run_id)["status"] == "crawling"
