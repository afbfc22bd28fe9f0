"""Run-to-run diff and baselines through the real command, on the demo Local Offer: audit, fix one
planted fault, audit again (diff shows exactly that one as fixed; the accepted errors do not fail
CI), then plant one new fault (CI fails)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from localoffer_audit.demo import DemoServer, generate_site
from localoffer_audit.demo.routes import file_for_path
from localoffer_audit.demo_audit import demo_config_path
from support import ChainSite, run_cli

pytestmark = pytest.mark.slow
TITLE = re.compile(r"<title>([^<]*)</title>")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def set_title(site: Path, path: str, title: str) -> None:
    """Change one served page's <title>, keeping its modification time (so its Last-Modified
    header, a date source for the staleness checks, stays the same)."""
    file = site / file_for_path(path)
    stat = file.stat()
    html, count = TITLE.subn(f"<title>{title}</title>", file.read_text("utf-8"), count=1)
    assert count == 1, file
    file.write_text(html, "utf-8")
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def page_with_a_title(site: Path, key: dict) -> str:
    for path in sorted(key["reachable_pages"]):
        file = site / file_for_path(path)
        if (path.startswith("/send/") and path not in key["pages_missing_title"]
                and file.suffix == ".html" and file.is_file()):
            match = TITLE.search(file.read_text("utf-8"))
            if match and match.group(1).strip():
                return path
    raise AssertionError("no titled page in the demo")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_diff_and_baseline_across_three_audits(tmp_path):
    key = generate_site(tmp_path / "demo-site", pages=120)
    site = tmp_path / "demo-site" / "site"
    db, baseline = tmp_path / "audits.sqlite", tmp_path / "ci" / "baseline.json"

    with DemoServer(site) as server:  # one server throughout: same addresses, same fingerprints
        def audit(n: int, *extra: str):
            result = run_cli("audit", server.url, "--config", str(demo_config_path()),
                             "--db", str(db), "--out", str(tmp_path / f"out{n}"),
                             "--delay", "0", "--no-progress", "--fail-on", "error", *extra)
            assert result.returncode in (0, 1), result.stderr
            return result

        def diff(*runs: str) -> dict:
            result = run_cli("diff", *runs, "--db", str(db), "--format", "json")
            assert result.returncode == 0, result.stderr
            return json.loads(result.stdout)

        # Run 1: the demo has errors, so CI fails; accept them all in a baseline.
        assert audit(1).returncode == 1
        result = run_cli("baseline", "latest", "--db", str(db), "--out", str(baseline))
        assert result.returncode == 0, result.stderr
        first = read_jsonl(tmp_path / "out1" / "findings.jsonl")
        assert json.loads(baseline.read_text("utf-8"))["run_id"] == 1
        assert len(json.loads(baseline.read_text("utf-8"))["accepted"]) == len(first)

        # Run 2: one missing title fixed. Errors remain, all accepted: CI passes.
        fixed_path = key["pages_missing_title"][0]
        set_title(site, fixed_path, "Reading support: what to expect")
        second_run = audit(2, "--baseline", str(baseline))
        assert second_run.returncode == 0, second_run.stdout
        changes = diff("1", "2")
        assert changes["counts"] == {"new": 0, "fixed": 1, "persisting": len(first) - 1}
        [fixed] = changes["fixed"]
        assert (fixed["rule"], path_of(fixed["url"])) == ("A11Y502", fixed_path)
        assert fixed["owner"] == "Local Offer team"
        assert diff("previous", "latest") == changes

        # The report of run 2 agrees, and the accepted findings are still in it.
        second = read_jsonl(tmp_path / "out2" / "findings.jsonl")
        assert {f["fingerprint"] for f in second} == {
            f["fingerprint"] for f in changes["persisting"] + changes["new"]}
        assert {f["fingerprint"] for f in first} - {f["fingerprint"] for f in second} == {
            fixed["fingerprint"]}
        assert any(f["severity"] == "error" for f in second)
        summaries = [json.loads((tmp_path / f"out{n}" / "summary.json").read_text("utf-8"))
                     for n in (1, 2)]
        assert summaries[1]["findings"]["total"] == len(second) == len(first) - 1
        assert (summaries[0]["findings"]["by_rule"]["A11Y502"]
                - summaries[1]["findings"]["by_rule"].get("A11Y502", 0)) == 1
        assert f"Since run 1: 0 new, 1 fixed, {len(second)} persisting." in second_run.stdout
        assert f"{len(second)} accepted in baseline" in second_run.stdout

        # Run 3: a new missing title, not in the baseline: CI fails on it alone.
        new_path = page_with_a_title(site, key)
        set_title(site, new_path, "")
        third_run = audit(3, "--baseline", str(baseline))
        assert third_run.returncode == 1, third_run.stdout
        changes = diff("2", "3")
        assert changes["counts"] == {"new": 1, "fixed": 0, "persisting": len(second)}
        [new] = changes["new"]
        assert (new["rule"], new["severity"], path_of(new["url"])) == ("A11Y502", "error", new_path)
        assert "1 not accepted" in third_run.stdout
        # Without a baseline the same run fails too; with one taken now, it passes.
        report = ["report", "3", "--db", str(db), "--out", str(tmp_path / "out3b"),
                  "--fail-on", "error"]
        assert run_cli(*report).returncode == 1
        assert run_cli("baseline", "3", "--db", str(db), "--out", str(baseline)).returncode == 0
        assert run_cli(*report, "--baseline", str(baseline)).returncode == 0

    runs = sqlite3.connect(db).execute("SELECT id, status FROM runs ORDER BY id").fetchall()
    assert runs == [(1, "checked"), (2, "checked"), (3, "checked")]


@pytest.mark.parametrize("content", [None, "not json", '{"format": "sarif"}'])
def test_audit_reads_the_baseline_before_crawling(tmp_path, content):
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content, "utf-8")
    db, out = tmp_path / "keep.sqlite", tmp_path / "out"
    with ChainSite(pages=5) as site:
        ok = run_cli("audit", site.url, "--db", str(db), "--out", str(tmp_path / "first"),
                     "--delay", "0", "--no-progress")
        assert ok.returncode == 0, ok.stderr
        asked = len(site.requests)
        result = run_cli("audit", site.url, "--db", str(db), "--out", str(out), "--delay", "0",
                         "--no-progress", "--fail-on", "error", "--baseline", str(baseline))
        assert len(site.requests) == asked  # not one request: the site was never crawled
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("localoffer-audit: error: ") and str(baseline) in line
    assert not out.exists()
    # What was already collected is untouched.
    assert sqlite3.connect(db).execute("SELECT id, status FROM runs").fetchall() == [(1, "checked")]
