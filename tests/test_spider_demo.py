"""The whole pipeline against the bundled demo Local Offer on loopback, scored on its answer key."""

from __future__ import annotations

import re
import sqlite3
from urllib.parse import urlsplit

import pytest

from localoffer_audit.demo import DemoServer, generate_site
from localoffer_audit.demo_audit import demo_config_path
from support import ROOT
from test_docs import documented_fields

JSON_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
              "object": dict, "array": list}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_writes_all_four_outputs_and_prints_report_path(demo):
    for name in ("report.html", "findings.jsonl", "pages.jsonl", "summary.json"):
        assert (demo["out"] / name).stat().st_size > 0, name
    assert demo["stdout"].strip().splitlines()[-1] == str((demo["out"] / "report.html").resolve())
    assert demo["summary"]["run"]["status"] == "checked"


@pytest.mark.parametrize("name, records", [("findings.jsonl", "findings"), ("pages.jsonl", "pages")])
def test_records_match_the_documented_fields(demo, name, records):
    fields = documented_fields(name)
    assert demo[records], name
    for record in demo[records]:
        assert set(record) == set(fields), set(record) ^ set(fields)
        for field, declared in fields.items():
            kinds = declared.replace("\\", "").split("|")
            value = record[field]
            if value is None:
                assert "null" in kinds, (field, record)
            else:
                expected = tuple(t for k in kinds if k != "null" for t in
                                 (JSON_TYPES[k] if isinstance(JSON_TYPES[k], tuple) else (JSON_TYPES[k],)))
                assert isinstance(value, expected) and not (
                    isinstance(value, bool) and bool not in expected), (field, value)


def test_summary_matches_the_documented_fields(demo):
    assert set(demo["summary"]) == set(documented_fields("summary.json"))


def test_every_reachable_page_is_crawled(demo):
    crawled = {path_of(p["url"]): p for p in demo["pages"]}
    missing = [p for p in demo["key"]["reachable_pages"] if p not in crawled]
    assert not missing
    assert all(crawled[p]["status"] == 200 for p in demo["key"]["reachable_pages"])


def test_no_robots_disallowed_page_is_fetched(demo):
    disallowed = demo["key"]["disallowed_pages"]
    assert disallowed
    fetched = {path for method, path in demo["requests"]}
    assert not [p for p in disallowed if p in fetched]
    assert not [p for p in demo["pages"] if path_of(p["url"]).startswith("/staff-only/")]


def test_sitemap_only_pages_are_found_with_no_click_depth(demo):
    crawled = {path_of(p["url"]): p for p in demo["pages"]}
    for path in demo["key"]["sitemap_only_pages"]:
        assert crawled[path]["in_sitemap"] and crawled[path]["depth"] is None, path


def test_tracking_and_session_duplicates_are_canonicalised(demo):
    urls = [p["url"] for p in demo["pages"]]
    assert not [u for u in urls if re.search(r"utm_|jsessionid|phpsessid|sessionid|#", u, re.I)]
    assert len(urls) == len(set(urls))


def test_endless_calendar_and_facets_do_not_stop_the_crawl(demo):
    calendar = [p for p in demo["pages"] if "/events/calendar" in p["url"]]
    assert 1 <= len(calendar) <= 25
    assert len(demo["pages"]) < 1000
    reasons = {c["reason"] for c in demo["summary"]["capped"]}
    assert "param-combinations" in reasons  # the facet explosion was cut and reported


def _findings(demo, rule):
    return [f for f in demo["findings"] if f["rule"] == rule]


def test_missing_titles_and_h1s_match_the_answer_key(demo):
    assert sorted(path_of(f["url"]) for f in _findings(demo, "A11Y502")) == \
        sorted(demo["key"]["pages_missing_title"])
    assert sorted(path_of(f["url"]) for f in _findings(demo, "A11Y503")) == \
        sorted(demo["key"]["pages_missing_h1"])


def test_broken_internal_links_match_the_answer_key(demo):
    found = {(path_of(f["url"]), path_of(f["target"]), f["extra"]["status"])
             for f in _findings(demo, "LNK301")}
    expected = {(b["page"], b["target"], b["status"]) for b in demo["key"]["broken_internal_links"]}
    assert found == expected


def test_every_finding_has_an_owner_from_the_config(demo):
    for f in demo["findings"]:
        path = path_of(f["url"])
        if path.startswith("/family-hub/"):
            assert f["owner"] == "Family Hub (partner site)"
        elif path.startswith("/send/health"):
            assert f["owner"] == "Health partners (ICB)"
        assert f["owner"] and f["message"] and f["fix"]


def test_offsite_links_are_checked_not_crawled(demo):
    db = sqlite3.connect(demo["out"] / "localoffer-audit.sqlite")
    statuses = dict(db.execute("SELECT url, COALESCE(status, error) FROM link_status"))
    external = {path_of(u): s for u, s in statuses.items() if u.startswith("http://") and (
                "/not-found" in u or "/ok" in u or "/head-refused" in u or "/gone" in u)}
    https_probe = {u: s for u, s in statuses.items() if u.startswith("https://127.0.0.1")}
    assert https_probe and set(https_probe.values()) <= {"tls", "connection-refused"}
    assert external.get("/ok") == 200 and external.get("/not-found") == 404
    assert external.get("/head-refused") == 200  # HEAD refused with 405, GET confirmed
    assert not [p for p in demo["pages"] if urlsplit(p["url"]).port != urlsplit(
        demo["pages"][0]["url"]).port]  # no off-site page was crawled
    skipped = [u for u, s in statuses.items() if "exampleshireccg" in u]
    assert skipped and statuses[skipped[0]] == "not-checked: offsite_skip_hosts"


def test_scrapy_crawl_command_runs_the_same_spider(tmp_path):
    import subprocess
    import sys

    key = generate_site(tmp_path / "site", pages=60)
    with DemoServer(tmp_path / "site" / "site") as server:
        config = tmp_path / "site.toml"
        config.write_text(demo_config_path().read_text().replace(
            'start_urls = ["http://127.0.0.1/"]', f'start_urls = ["{server.url}"]'))
        db = tmp_path / "scrapy.sqlite"
        result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "localoffer", "-a",
                                 f"config={config}", "-s", f"LOCALOFFER_DB={db}", "-s",
                                 "LOG_LEVEL=WARNING"], cwd=ROOT, capture_output=True, text=True,
                                timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    pages = {path_of(r[0]) for r in sqlite3.connect(db).execute("SELECT url FROM pages")}
    assert set(key["reachable_pages"]) <= pages


def test_scoring_finds_the_foundation_link_faults(demo):
    from localoffer_audit.demo.scoring import score

    links = score(demo["key"], demo["findings"])["links"]
    assert links.planted >= 3 and links.found == links.planted, links.missed
