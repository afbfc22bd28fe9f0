"""`audit --select` / `--ignore`: choose the rules from the command line (e.g. links only)."""

from __future__ import annotations

import json

from support import ChainSite, run_cli


def test_select_naming_no_rule_is_refused_before_crawling(tmp_path):
    with ChainSite(pages=5) as site:
        result = run_cli("audit", site.url, "--out", str(tmp_path / "out"), "--select", "NOPE9",
                         "--no-progress")
        assert site.requests == []  # nothing fetched for an audit that cannot run
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "'NOPE9' matches no rule" in result.stderr


def test_select_lnk_runs_the_link_checks_only(tmp_path):
    out = tmp_path / "out"
    with ChainSite(pages=12, extras=True) as site:
        result = run_cli("audit", site.url, "--out", str(out), "--select", "LNK", "--delay", "0",
                         "--no-progress")
    assert result.returncode == 0, result.stderr
    findings = [json.loads(line) for line in (out / "findings.jsonl").read_text().splitlines()]
    assert {f["family"] for f in findings} == {"links"}
    assert any(f["target"].endswith("/missing") for f in findings)  # the broken link
    ignored = tmp_path / "ignored"
    with ChainSite(pages=12, extras=True) as site:
        result = run_cli("audit", site.url, "--out", str(ignored), "--ignore", "LNK",
                         "--delay", "0", "--no-progress")
    assert result.returncode == 0, result.stderr
    others = [json.loads(line) for line in (ignored / "findings.jsonl").read_text().splitlines()]
    assert others and "links" not in {f["family"] for f in others}
