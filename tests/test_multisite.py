"""`audit a.toml b.toml`: several sites in one process, one report each plus an index."""

from __future__ import annotations

import json
import socket

import pytest

from support import ChainSite, run_cli

PAGES = 24


def _config(path, name, url, concurrency=1):
    path.write_text(f'[site]\nname = "{name}"\nstart_urls = ["{url}"]\n\n'
                    f"[crawl]\nconcurrency_per_host = {concurrency}\ndelay = 0\n", "utf-8")
    return path


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("multisite")
    with ChainSite(pages=PAGES) as fast, ChainSite(pages=PAGES, delay=0.5) as slow:
        configs = [_config(root / "fast.toml", "Fast <b>Council</b> & Co", fast.url),
                   _config(root / "slow.toml", "Slow Council", slow.url)]
        result = run_cli("audit", *map(str, configs), "--out", str(root / "out"), "--no-progress")
        yield {"root": root, "result": result, "fast": fast, "slow": slow, "out": root / "out",
               "configs": configs}


def _pages(out):
    return [json.loads(line) for line in (out / "pages.jsonl").read_text("utf-8").splitlines()]


def test_each_site_gets_its_own_complete_report(two_sites):
    result, out = two_sites["result"], two_sites["out"]
    assert result.returncode == 0, result.stderr
    for slug in ("fast", "slow"):
        assert (out / slug / "report.html").exists()
        urls = {p["url"] for p in _pages(out / slug) if p["kind"] == "html"}
        assert len(urls) == PAGES, slug
    summaries = {slug: json.loads((out / slug / "summary.json").read_text("utf-8"))
                 for slug in ("fast", "slow")}
    assert summaries["fast"]["run"]["site"] == "Fast <b>Council</b> & Co"
    assert summaries["slow"]["run"]["site"] == "Slow Council"


def test_a_slow_site_does_not_hold_up_a_fast_one(two_sites):
    fast, slow = two_sites["fast"], two_sites["slow"]
    fast_pages = [t for path, t in fast.answered if path.startswith("/p/")]
    slow_pages = [t for path, t in slow.answered if path.startswith("/p/")]
    assert len(fast_pages) == PAGES and len(slow_pages) == PAGES
    fast_done = max(fast_pages)
    # Both crawls ran at the same time: the slow site was asked before the fast one ended...
    assert min(t for _, t in slow.arrived) < fast_done
    # ...and the fast one finished all its pages while the slow one had served under half.
    assert sum(1 for t in slow_pages if t <= fast_done) < PAGES / 2
    assert fast_done < max(slow_pages)


def test_the_index_lists_each_site_escaped_with_a_link_to_its_report(two_sites):
    out = two_sites["out"]
    html = (out / "index.html").read_text("utf-8")
    assert "Fast &lt;b&gt;Council&lt;/b&gt; &amp; Co" in html and "<b>Council" not in html
    assert 'href="fast/report.html"' in html and 'href="slow/report.html"' in html
    index = json.loads((out / "index.json").read_text("utf-8"))
    by_slug = {s["slug"]: s for s in index["sites"]}
    assert by_slug["fast"]["pages"] >= PAGES and by_slug["slow"]["error"] is None
    findings = json.loads((out / "slow" / "summary.json").read_text("utf-8"))["findings"]["total"]
    assert by_slug["slow"]["findings"] == findings
    assert two_sites["result"].stdout.strip().endswith("index.html")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("bad", ["missing", "invalid"])
def test_a_bad_config_stops_before_anything_is_fetched(tmp_path, bad):
    with ChainSite(pages=5) as site:
        good = _config(tmp_path / "good.toml", "Good", site.url)
        broken = tmp_path / f"{bad}.toml"
        if bad == "invalid":
            broken.write_text('[site]\nstart_urls = ["http://127.0.0.1/"]\n[crawl]\nmax_pages = "lots"\n')
        result = run_cli("audit", str(good), str(broken), "--out", str(tmp_path / "out"))
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and f"{bad}.toml" in lines[0], result.stderr
        if bad == "invalid":
            assert "[crawl].max_pages" in lines[0]
        assert site.requests == []  # validated first: nothing was crawled


def test_a_rule_choice_naming_no_rule_stops_before_anything_is_fetched(tmp_path):
    with ChainSite(pages=5) as one, ChainSite(pages=5) as two:
        configs = [_config(tmp_path / "one.toml", "One", one.url),
                   _config(tmp_path / "two.toml", "Two", two.url)]
        result = run_cli("audit", *map(str, configs), "--out", str(tmp_path / "out"),
                         "--select", "NOPE9", "--no-progress")
        assert one.requests == [] and two.requests == []
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "one.toml" in lines[0] and "'NOPE9' matches no rule" in lines[0]


def test_a_site_that_fails_while_running_keeps_the_others_results(tmp_path):
    with ChainSite(pages=5) as site:
        good = _config(tmp_path / "good.toml", "Good", site.url)
        down = _config(tmp_path / "down.toml", "Down", f"http://127.0.0.1:{_free_port()}/")
        result = run_cli("audit", str(down), str(good), "--out", str(tmp_path / "out"),
                         "--no-progress")
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "down.toml" in errors[0] and "start URL" in errors[0]
    assert (tmp_path / "out" / "good" / "report.html").exists()
    index = json.loads((tmp_path / "out" / "index.json").read_text("utf-8"))
    assert [s["slug"] for s in index["sites"]] == ["down", "good"]
    assert index["sites"][0]["error"] and index["sites"][1]["error"] is None
    assert "Not audited" in (tmp_path / "out" / "index.html").read_text("utf-8")
