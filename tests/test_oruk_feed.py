"""End to end: the crawl reads a site's Open Referral UK feed ([site].oruk_url) and the
directory checks judge it and compare it with the site's records.

A loopback server serves a small ORUK 3.0 feed (tests/fixtures/oruk/services.json, paged two
services at a time, each service also at /oruk/services/{id}) with planted problems, and a
tiny directory site (tests/fixtures/oruk/site/). The real CLI audits it."""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from support import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "oruk"
PER_PAGE = 2
RECORDS = {"/directory_record/101/stay_and_play_for_children_with_send_westford": "record-101.html",
           "/directory_record/102/westford_junior_swim_club": "record-102.html",
           "/directory_record/103/riverside_holiday_club": "record-103.html"}
GOOD, SVC42, NO_STATUS, OLD = ("0b6a8f3e-2f1c-4a8e-9d57-3c1e8a4b2f01", "svc-42",
                               "7d3c2b1a-5e4f-4c3b-8a29-1f0e9d8c7b02",
                               "c4e2a1f0-8b7d-4e6c-a5f4-3b2a1c0d9e03")


class FeedSite:
    """The directory site and its ORUK feed on one loopback server."""

    def __init__(self) -> None:
        recent = (dt.date.today() - dt.timedelta(days=30)).isoformat()
        text = (FIXTURES / "services.json").read_text("utf-8").replace("__RECENT__", recent)
        self.services = json.loads(text)["services"]
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.requests.append(self.path)
                parts = urlsplit(self.path)
                if parts.path == "/robots.txt":
                    return self.send(200, "text/plain", b"User-agent: *\nDisallow:\n")
                if parts.path == "/":
                    return self.send(200, "text/html; charset=utf-8",
                                     (FIXTURES / "site" / "index.html").read_bytes())
                if parts.path in RECORDS:
                    return self.send(200, "text/html; charset=utf-8",
                                     (FIXTURES / "site" / RECORDS[parts.path]).read_bytes())
                if parts.path == "/oruk/services":
                    return self.send_json(site.listing(parts.query))
                if parts.path.startswith("/oruk/services/"):
                    wanted = unquote(parts.path.rsplit("/", 1)[1])
                    for service in site.services:
                        if service["id"] == wanted:
                            return self.send_json(service)
                    return self.send_json({"error": "not found"}, 404)
                self.send(404, "text/html", b"<html><title>Not found</title><h1>Not found</h1>")

            def send_json(self, data, status=200):
                # No Access-Control-Allow-Origin: a planted problem (DIR625).
                self.send(status, "application/json", json.dumps(data).encode())

            def send(self, status, ctype, body):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def listing(self, query: str) -> dict:
        page = int(parse_qs(query).get("page", ["1"])[0])
        total_pages = math.ceil(len(self.services) / PER_PAGE)
        chunk = self.services[(page - 1) * PER_PAGE:page * PER_PAGE]
        flat = [{k: v for k, v in s.items() if k in ("id", "name", "status", "description", "url")}
                for s in chunk]
        return {"total_items": len(self.services), "total_pages": total_pages,
                "page_number": page, "size": len(flat), "first_page": page == 1,
                "last_page": page == total_pages, "empty": not flat, "contents": flat}

    def __enter__(self) -> "FeedSite":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    root = tmp_path_factory.mktemp("oruk")
    out = root / "out"
    with FeedSite() as site:
        config = root / "site.toml"
        config.write_text(f'[site]\nname = "Westford (ORUK test)"\noruk_url = "{site.url}oruk"\n\n'
                          "[crawl]\ndelay = 0.0\nconcurrency_per_host = 8\n", "utf-8")
        result = run_cli("audit", site.url, "--out", str(out), "--config", str(config),
                         "--no-progress")
        requests = list(site.requests)
    assert result.returncode == 0, result.stderr
    findings = [json.loads(line) for line in
                (out / "findings.jsonl").read_text("utf-8").splitlines()]
    return {"url": site.url, "requests": requests, "out": out,
            "findings": [f for f in findings if f["family"] == "directory"]}


def by_rule(findings, rule):
    return [f for f in findings if f["rule"] == rule]


def test_the_crawl_follows_the_feeds_pages_and_records(audited):
    requests = set(audited["requests"])
    assert "/oruk/services?page=1&per_page=100" in requests
    assert "/oruk/services?page=2&per_page=100" in requests  # total_pages 2
    assert "/oruk/services?page=3&per_page=100" not in requests
    for service_id in (GOOD, SVC42, NO_STATUS, OLD):
        assert f"/oruk/services/{service_id}" in requests


def test_feed_findings(audited):
    feed = f"{audited['url']}oruk/services"
    findings = audited["findings"]
    assert [f["url"] for f in by_rule(findings, "DIR621")] == []  # every feed page answered
    missing = by_rule(findings, "DIR622")
    assert [(f["url"], f["extra"]["missing"]) for f in missing] == [
        (f"{feed}/{NO_STATUS}", ["status"])]
    assert "Northgate Dads' Group" in missing[0]["message"]
    assert [f["url"] for f in by_rule(findings, "DIR623")] == [f"{feed}/{SVC42}"]
    old = by_rule(findings, "DIR624")
    assert [(f["url"], f["extra"]["assured_date"]) for f in old] == [(f"{feed}/{OLD}",
                                                                      "2019-04-02")]
    assert [f["url"] for f in by_rule(findings, "DIR625")] == [f"{feed}?page=1&per_page=100"]


def test_feed_compared_with_the_site(audited):
    findings, site = audited["findings"], audited["url"].rstrip("/")
    feed = f"{audited['url']}oruk/services"
    only_in_feed = sorted(f["url"] for f in by_rule(findings, "DIR626"))
    assert only_in_feed == sorted([f"{feed}/{SVC42}", f"{feed}/{NO_STATUS}"])
    assert [f["url"] for f in by_rule(findings, "DIR627")] == [
        f"{site}/directory_record/102/westford_junior_swim_club"]
    assert "Westford Junior Swim Club" in by_rule(findings, "DIR627")[0]["message"]
    # The matched records agree with the feed (ages, phone, email): nothing to report.
    assert by_rule(findings, "DIR628") == []


def test_the_records_themselves_are_complete(audited):
    records = [f for f in audited["findings"] if f["rule"] in
               ("DIR601", "DIR602", "DIR603", "DIR604", "DIR605", "DIR606", "DIR607")]
    assert records == [], [f["message"] for f in records]


def test_feed_findings_have_owner_fix_and_stable_fingerprints(audited):
    findings = [f for f in audited["findings"] if f["rule"].startswith("DIR62")]
    assert findings and all(f["fix"] and f["owner"] for f in findings)
    assert len({f["fingerprint"] for f in findings}) == len(findings)
