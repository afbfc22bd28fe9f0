"""A full disk or an unwritable output directory: one clear line, exit 2, earlier runs untouched,
the store consistent (and the cut-short run resumable).

Tests run as root in CI, and root ignores permission bits, so "read-only" is made honestly:
a path under a regular file (ENOTDIR, always), a read-only tmpfs mount and a tiny tmpfs
(ENOSPC) where this machine lets us mount, and a file size limit (RLIMIT_FSIZE: writes past
it fail with EFBIG, as on a full disk) which needs no privilege at all.
"""

from __future__ import annotations

import resource
import shutil
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from localoffer_audit.store import Store
from support import CLI, ChainSite, run_cli


def _rows(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("localoffer-audit: error: "), lines[0]
    return lines[0]


@pytest.fixture
def earlier_run(tmp_path):
    """A store holding one finished, checked audit of a 40-page site."""
    db = tmp_path / "store" / "audit.sqlite"
    with ChainSite(pages=40) as site:
        done = run_cli("audit", site.url, "--db", str(db), "--out", str(tmp_path / "first"),
                       "--delay", "0", "--no-progress")
    assert done.returncode == 0, done.stderr
    before = _rows(db, "SELECT url, status, length(body) FROM pages WHERE run_id = 1 ORDER BY url")
    findings = _rows(db, "SELECT fingerprint FROM findings WHERE run_id = 1 ORDER BY 1")
    return db, before, findings


def _assert_earlier_run_intact(db: Path, before, findings) -> dict:
    with Store(db) as store:
        assert store.integrity_check() == "ok"
        runs = {r["id"]: r for r in store.runs()}
    assert runs[1]["status"] == "checked"
    assert _rows(db, "SELECT url, status, length(body) FROM pages WHERE run_id = 1 "
                     "ORDER BY url") == before
    assert _rows(db, "SELECT fingerprint FROM findings WHERE run_id = 1 ORDER BY 1") == findings
    return runs


def _file_size_limit(limit: int):
    def apply() -> None:  # in the child: writes past `limit` bytes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_disk_full_during_a_crawl_is_one_line_and_keeps_everything_before(earlier_run, tmp_path):
    db, before, findings = earlier_run
    biggest = max(p.stat().st_size for p in db.parent.iterdir())
    with ChainSite(pages=400) as site:
        proc = subprocess.run([*CLI, "audit", site.url, "--db", str(db), "--out",
                               str(tmp_path / "second"), "--delay", "0", "--no-progress"],
                              capture_output=True, text=True, timeout=120,
                              preexec_fn=_file_size_limit(biggest + 48 * 1024))
        assert proc.returncode == 2, proc.stderr
        line = _one_error_line(proc.stderr)
        assert line.startswith(f"localoffer-audit: error: cannot write to the store {db}: ")
        assert ("disk is full" in line) or ("disk I/O error" in line), line
        runs = _assert_earlier_run_intact(db, before, findings)
        assert runs[2]["status"] == "interrupted"
        kept = runs[2]["pages"]
        assert 0 < kept < 400
        # with room again, the cut-short run is finished without fetching its pages again
        stored = {u for (u,) in _rows(db, "SELECT url FROM pages WHERE run_id = 2")}
        site.requests.clear()
        resumed = run_cli("crawl", site.url, "--db", str(db), "--delay", "0", "--no-progress",
                          "--resume")
        assert resumed.returncode == 0, resumed.stderr
        refetched = {site.url.rsplit("/p/0", 1)[0] + path for path in site.requests} & stored
        assert not refetched
    assert _rows(db, "SELECT COUNT(*) FROM pages WHERE run_id = 2 AND kind = 'html'") == [(400,)]
    _assert_earlier_run_intact(db, before, findings)


def test_out_under_a_regular_file_is_one_line(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    with ChainSite(pages=5) as site:
        result = run_cli("audit", site.url, "--out", str(blocker / "out"), "--no-progress")
    assert result.returncode == 2
    line = _one_error_line(result.stderr)
    assert f"cannot open store {blocker / 'out' / 'localoffer-audit.sqlite'}" in line
    assert "Not a directory" in line


def test_unwritable_report_directory_keeps_the_checked_run(earlier_run, tmp_path):
    db, before, findings = earlier_run
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("report", "1", "--db", str(db), "--out", str(blocker / "report"))
    assert result.returncode == 2
    line = _one_error_line(result.stderr)
    assert f"report to {blocker / 'report'}" in line and "Not a directory" in line
    _assert_earlier_run_intact(db, before, findings)


# --- real mounts, where this machine allows them (root with CAP_SYS_ADMIN) -------------------------

@pytest.fixture
def mount_tmpfs(tmp_path):
    mounted: list[Path] = []

    def mount(name: str, options: str) -> Path:
        point = tmp_path / name
        point.mkdir()
        if shutil.which("mount") is None or subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                capture_output=True).returncode != 0:
            pytest.skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_read_only_output_directory_is_one_line(mount_tmpfs):
    read_only = mount_tmpfs("ro", "ro,size=64k")
    with ChainSite(pages=5) as site:
        result = run_cli("audit", site.url, "--out", str(read_only), "--no-progress")
    assert result.returncode == 2
    line = _one_error_line(result.stderr)
    assert f"cannot open store {read_only / 'localoffer-audit.sqlite'}" in line


def test_really_full_disk_is_one_line_and_keeps_the_earlier_run(earlier_run, mount_tmpfs, tmp_path):
    db, before, findings = earlier_run
    used = sum(p.stat().st_size for p in db.parent.iterdir())
    small = mount_tmpfs("small", f"size={(used // 4096 + 24) * 4096}")
    for path in db.parent.iterdir():
        shutil.copy(path, small / path.name)
    moved = small / db.name
    with ChainSite(pages=600) as site:
        result = run_cli("crawl", site.url, "--db", str(moved), "--delay", "0", "--no-progress")
    assert result.returncode == 2, result.stderr
    line = _one_error_line(result.stderr)
    assert f"store {moved}" in line and "full" in line, line
    runs = _assert_earlier_run_intact(moved, before, findings)
    assert runs[2]["status"] == "interrupted"
