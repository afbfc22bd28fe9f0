"""The crawl runs in a child process (localoffer_audit/child.py): the same findings as a crawl in
the command's own process, and a child that dies gives one line, exit 2, and keeps what it
stored (the run is marked interrupted and --resume finishes it)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from support import CLI, ChainSite, run_cli

IN_PROCESS_CRAWL = """
import sys
from localoffer_audit.config import build_config
from localoffer_audit.crawl import run_crawl
config = build_config({"site": {"start_urls": [sys.argv[1]]},
                       "crawl": {"delay": 0, "concurrency_per_host": 8}})
print(run_crawl(config, sys.argv[2], progress=False, log_level="CRITICAL")["run_id"])
"""


def _findings(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT fingerprint, rule, url, target, message FROM findings "
                            "ORDER BY fingerprint").fetchall()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def test_child_crawl_gives_the_same_findings_as_a_crawl_in_this_process(tmp_path):
    with ChainSite(pages=40, extras=True) as site:
        out = tmp_path / "child"
        audit = run_cli("audit", site.url, "--out", str(out), "--delay", "0",
                        "--concurrency", "8", "--no-progress")
        assert audit.returncode in (0, 1), audit.stderr
        db = tmp_path / "here.sqlite"
        here = subprocess.run([sys.executable, "-c", IN_PROCESS_CRAWL, site.url, str(db)],
                              capture_output=True, text=True, timeout=300)
        assert here.returncode == 0, here.stderr
    checked = run_cli("check", "latest", "--db", str(db))
    assert checked.returncode == 0, checked.stderr
    child = _findings(out / "localoffer-audit.sqlite")
    assert any(rule == "LNK301" for _, rule, *_ in child)  # the broken /missing link
    assert child == _findings(db)
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["pages"]["html"] >= 40


def test_a_crawl_process_that_dies_gives_one_line_exit_2_and_keeps_its_pages(tmp_path):
    out = tmp_path / "out"
    db = out / "localoffer-audit.sqlite"
    args = ["audit", None, "--out", str(out), "--delay", "0", "--concurrency", "2",
            "--no-progress"]
    with ChainSite(pages=400, delay=0.02) as site:
        args[1] = site.url
        proc = subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        deadline = time.monotonic() + 120
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            try:
                with sqlite3.connect(db) as conn:
                    stored = conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
            except sqlite3.Error:
                continue
            if stored >= 20:
                break
        children = _children(proc.pid)
        assert children, "the crawl did not run in a child process"
        for pid in children:
            subprocess.run(["kill", "-KILL", str(pid)], check=False)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 2, stderr
        lines = stderr.strip().splitlines()
        assert len(lines) == 1, stderr
        assert "crawl process was killed by signal SIGKILL" in lines[0]
        assert "--resume" in lines[0]
        with sqlite3.connect(db) as conn:
            status = conn.execute("SELECT status FROM runs").fetchall()
            kept = conn.execute("SELECT COUNT(*) FROM pages WHERE run_id = 1").fetchone()[0]
        assert status == [("interrupted",)]
        assert kept >= stored >= 20
        resumed = run_cli(*args, "--resume")
    assert resumed.returncode in (0, 1), resumed.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, status FROM runs").fetchall() == [(1, "checked")]
        pages = conn.execute("SELECT COUNT(*) FROM pages WHERE run_id = 1 AND kind = 'html' "
                             "AND status = 200").fetchone()[0]
    assert pages == 400


def test_sigint_to_the_command_reaches_the_crawl_once_and_stops_it_cleanly(tmp_path):
    out = tmp_path / "out"
    db = out / "localoffer-audit.sqlite"
    with ChainSite(pages=400, delay=0.02) as site:
        proc = subprocess.Popen([*CLI, "audit", site.url, "--out", str(out), "--delay", "0",
                                 "--concurrency", "2", "--no-progress"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            try:
                with sqlite3.connect(db) as conn:
                    if conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0] >= 20:
                        break
            except sqlite3.Error:
                continue
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=90)
    assert proc.returncode == 130, stderr
    assert stderr.strip().count("\n") == 0, stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
