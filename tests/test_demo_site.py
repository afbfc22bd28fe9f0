"""Tests for the bundled Exampleshire demo Local Offer (generator, server, answer key).

Everything runs on loopback. The live BFS crawl at the end re-derives the answer
key's link facts with independent code (urllib + html.parser), which is what
proves the key right.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest

from localoffer_audit.demo import DemoServer, generate_site, tree_digest

TODAY = dt.date(2025, 6, 15)
TOPIC_IDS = {
    "sen-provision-early-years",
    "sen-provision-mainstream-schools",
    "sen-provision-special-schools",
    "sen-provision-post16",
    "alternative-provision",
    "commissioned-support-services",
    "provision-outside-area",
    "sen-funding",
    "identification-ehc-assessment",
    "health-provision",
    "social-care-provision",
    "training-provision",
    "travel-transport",
    "preparing-for-adulthood",
    "higher-education",
    "childcare",
    "leisure",
    "information-advice-support",
    "complaints-redress",
    "accessibility-strategy",
    "local-offer-feedback",
    "short-breaks-statement",
    "personal-budgets",
}
REQUIRED_KINDS = {
    "links": {
        "broken-internal-link",
        "gone-internal-link",
        "broken-external-link",
        "redirect-chain",
        "redirect-loop",
        "redirect-to-404",
        "soft-404",
        "missing-fragment",
        "malformed-mailto",
        "malformed-tel",
        "retired-domain",
        "dns-failure",
        "document-link-text-hides-type",
    },
    "staleness": {
        "last-updated-over-24-months",
        "last-updated-12-to-24-months",
        "next-review-past",
        "future-date",
        "jsonld-date-mismatch",
        "outdated-term",
        "feedback-older-than-12-months",
        "post16-transport-statement-past-year",
        "expired-event-still-upcoming",
        "covid-suspension-notice",
        "past-academic-year-heading",
    },
    "readability": {"hard-to-read", "long-sentences"},
    "accessibility": {
        "img-missing-alt",
        "img-filename-alt",
        "img-placeholder-alt",
        "missing-title",
        "empty-title",
        "missing-h1",
        "skipped-heading-level",
        "empty-heading",
        "empty-link",
        "ambiguous-link-text",
        "form-field-no-label",
        "table-no-headers",
        "iframe-no-title",
        "missing-lang",
        "meta-refresh",
        "zoom-disabled",
        "new-window-unannounced",
        "low-contrast-inline-style",
        "pdf-untagged",
        "pdf-missing-title",
        "pdf-no-text-layer",
        "pdf-only-page",
        "statement-missing-section",
        "statement-review-overdue",
        "statement-old-wcag-version",
    },
    "required-content": {"wrong-ehc-timescale"},
    "directory": {
        "missing-field",
        "placeholder-value",
        "min-age-above-max",
        "invalid-phone",
        "invalid-email",
        "duplicate-service",
    },
}
OUTDATED_TERMS = {
    "statement of special educational needs",
    "statemented",
    "School Action Plus",
    "Learning Difficulty Assessment",
    "Parent Partnership Service",
    "CCG",
    "Clinical Commissioning Group",
    "Primary Care Trust",
    "SENDIST",
    "Connexions",
    "Public Health England",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo300")
    key = generate_site(out, pages=300, seed=2014, today=TODAY)
    return out, key


@pytest.fixture(scope="module")
def server(demo):
    out, _key = demo
    with DemoServer(out / "site", slow_seconds=0.3) as srv:
        yield srv


def fetch(url: str, method: str = "GET", headers: dict | None = None, timeout: float = 10):
    """(status, headers, body, final URL); HTTP errors are answers, not exceptions."""
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read(), resp.geturl()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read(), url


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch_no_redirect(url: str):
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as resp:
            return resp.status, resp.headers
    except urllib.error.HTTPError as err:
        return err.code, err.headers


# -- generation ---------------------------------------------------------------------


def test_same_arguments_give_identical_bytes(tmp_path):
    a = generate_site(tmp_path / "a", pages=300, seed=7, today=TODAY)
    b = generate_site(tmp_path / "b", pages=300, seed=7, today=TODAY)
    assert a == b
    assert tree_digest(tmp_path / "a" / "site") == tree_digest(tmp_path / "b" / "site")
    assert (tmp_path / "a" / "answer-key.json").read_bytes() == (tmp_path / "b" / "answer-key.json").read_bytes()
    generate_site(tmp_path / "c", pages=300, seed=8, today=TODAY)
    assert tree_digest(tmp_path / "c" / "site") != tree_digest(tmp_path / "a" / "site")


def test_scales_to_2000_pages_quickly(tmp_path):
    started = time.perf_counter()
    key = generate_site(tmp_path, pages=2000)  # default today = date.today()
    elapsed = time.perf_counter() - started
    html_files = sum(1 for _ in (tmp_path / "site").rglob("*.html"))
    assert elapsed < 20, elapsed
    assert 1700 <= html_files <= 2300, html_files
    assert key["today"] == dt.date.today().isoformat()
    assert len(key["faults"]) > len(generate_site(tmp_path / "small", pages=300)["faults"])


def test_answer_key_integrity(demo):
    out, key = demo
    assert json.loads((out / "answer-key.json").read_text(encoding="utf-8")) == key
    assert key["schema_version"] == 1 and key["today"] == TODAY.isoformat() and key["start_path"] == "/"
    reachable = set(key["reachable_pages"])
    assert set(key["topics"]) == TOPIC_IDS
    statuses = Counter(t["status"] for t in key["topics"].values())
    assert statuses == {"covered": 18, "partial": 2, "missing": 3}
    assert [t for t, v in key["topics"].items() if v["depth_over_3"]] == ["personal-budgets"]
    for topic in key["topics"].values():
        assert all(p in reachable for p in topic["pages"])

    kinds: dict[str, set] = {}
    for fault in key["faults"]:
        assert fault["page"] in reachable or fault["page"] in key["sitemap_only_pages"], fault
        kinds.setdefault(fault["family"], set()).add(fault["kind"])
    for family, required in REQUIRED_KINDS.items():
        assert required <= kinds.get(family, set()), (family, required - kinds.get(family, set()))
    terms = {f["detail"] for f in key["faults"] if f["kind"] == "outdated-term"}
    assert OUTDATED_TERMS <= terms
    ids = [f["id"] for f in key["faults"]]
    assert len(ids) == len(set(ids))
    for control in key["controls"]:
        assert control["page"] in reachable, control

    assert key["pages_missing_title"] and key["pages_missing_h1"]
    assert set(key["pages_missing_title"]) | set(key["pages_missing_h1"]) <= reachable
    assert key["broken_internal_links"] and all(b["status"] >= 400 for b in key["broken_internal_links"])
    assert len(key["disallowed_pages"]) >= 3 and all(p.startswith("/staff-only/") for p in key["disallowed_pages"])
    assert len(key["sitemap_only_pages"]) >= 3 and not set(key["sitemap_only_pages"]) & reachable
    docs = key["documents"]
    assert sum(d.endswith(".pdf") for d in docs) >= 8 and sum(d.endswith(".docx") for d in docs) >= 2
    assert set(docs) <= reachable
    assert key["offline_hosts"] == ["www.exampleshireccg.nhs.uk", "services.exampleshire.invalid"]
    assert any(p.startswith("/events/calendar?month=") for p in key["trap_entry_points"])
    assert any(p.startswith("/directory/search?") for p in key["trap_entry_points"])
    records = key["records"]
    assert {r["platform"] for r in records} == {"kb5", "jadu"}
    assert any(r["complete"] for r in records) and any(r["missing"] for r in records)
    for r in records:
        assert r["complete"] == (not r["missing"] and not r["invalid"])


def test_missing_topics_really_are_missing(demo):
    out, key = demo
    forbidden = [
        "university",
        "disabled students' allowance",
        "student finance",
        "out of area",
        "out of county",
        "neighbouring authority",
        "independent placement",
        "accessibility strategy",
        "accessibility plan",
        "disabled pupils",
        "physical environment",
        "apprenticeship",
        "job coach",
        "work experience",
    ]
    internship_pages, budget_pages = [], []
    for path in (out / "site").rglob("*.html"):
        text = path.read_bytes().decode("utf-8", "replace").lower()
        hits = [w for w in forbidden if w in text]
        assert not hits, (path, hits)
        if "supported internship" in text:
            internship_pages.append(path)
        if "personal budget" in text:
            budget_pages.append("/" + path.relative_to(out / "site").as_posix())
    assert len(internship_pages) == 1
    # Only the deep guide mentions personal budgets (its contents list names that part on every guide page).
    deep = key["topics"]["personal-budgets"]["pages"][0]
    assert f"{deep}.html" in budget_pages
    assert all(p.startswith(deep.rsplit("/", 1)[0]) for p in budget_pages), budget_pages


# -- the live server -----------------------------------------------------------------


def test_every_reachable_page_answers_200(demo, server):
    _out, key = demo
    for path in key["reachable_pages"]:
        status, headers, body, _final = fetch(server.url.rstrip("/") + path)
        assert status == 200, path
        assert body
        if path.endswith(".pdf"):
            assert headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
        elif path.endswith(".docx"):
            assert "wordprocessingml" in headers["Content-Type"] and body.startswith(b"PK")


def test_robots_txt_disallows_staff_area(demo, server):
    _out, key = demo
    status, _h, body, _f = fetch(server.url + "robots.txt")
    assert status == 200
    text = body.decode()
    assert "Disallow: /staff-only/" in text
    assert f"Sitemap: {server.url}sitemap.xml" in text
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(text.splitlines())
    for path in key["disallowed_pages"]:
        assert not robots.can_fetch("localoffer-audit", server.url.rstrip("/") + path)
        assert fetch(server.url.rstrip("/") + path)[0] == 200  # they exist; a polite crawler just skips them
    assert robots.can_fetch("localoffer-audit", server.url)


def test_sitemap_index_and_orphans(demo, server):
    _out, key = demo
    status, headers, body, _f = fetch(server.url + "sitemap.xml")
    assert status == 200 and "xml" in headers["Content-Type"]
    children = re.findall(r"<loc>([^<]+)</loc>", body.decode())
    assert len(children) == 2 and all("<lastmod>" in body.decode() for _ in children)
    listed = set()
    for child in children:
        listed |= {
            urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query else "")
            for u in re.findall(r"<loc>([^<]+)</loc>", fetch(child)[2].decode().replace("&amp;", "&"))
        }
    for orphan in key["sitemap_only_pages"]:
        assert orphan in listed
        assert fetch(server.url.rstrip("/") + orphan)[0] == 200


def test_calendar_goes_on_forever(demo, server):
    _out, key = demo
    url = server.url.rstrip("/") + next(p for p in key["trap_entry_points"] if p.startswith("/events/calendar"))
    seen = set()
    for _ in range(30):
        status, _h, body, _f = fetch(url)
        assert status == 200
        seen.add(url)
        nxt = re.search(r'href="([^"]+)">Next month<', body.decode())
        url = urljoin(url, nxt.group(1))
    assert len(seen) == 30


def test_facet_search_explodes(demo, server):
    _out, key = demo
    entry = server.url.rstrip("/") + next(p for p in key["trap_entry_points"] if p.startswith("/directory/search"))
    body = fetch(entry)[2].decode()
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="(/directory/search[^"]*)"', body)]
    assert len(links) >= 12
    deeper = fetch(server.url.rstrip("/") + links[-5])[2].decode()
    assert len(re.findall(r'href="/directory/search', deeper)) >= 12


def test_conditional_get_and_head(server):
    status, headers, body, _f = fetch(server.url + "contact")
    assert status == 200 and headers["X-Generator"].startswith("Drupal 10")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert fetch(server.url + "contact", headers={"If-None-Match": etag})[0] == 304
    assert fetch(server.url + "contact", headers={"If-Modified-Since": modified})[0] == 304
    assert fetch(server.url + "contact", headers={"If-None-Match": '"stale"'})[0] == 200
    h_status, h_headers, h_body, _f = fetch(server.url + "contact", method="HEAD")
    assert h_status == 200 and h_body == b""
    assert h_headers["ETag"] == etag and h_headers["Content-Length"] == str(len(body))
    assert fetch(server.url + "no-such-page", method="HEAD")[0] == 404


def test_error_pages_and_soft_404s(demo, server):
    _out, key = demo
    status, _h, body, _f = fetch(server.url + "no-such-page")
    assert status == 404 and b"<title>Page not found" in body and b"<h1" in body
    assert fetch(server.url.rstrip("/") + key["gone_pages"][0])[0] == 410
    status, _h, body, _f = fetch(server.url + "kb5/exampleshire/directory/service.page?id=Zz9missing0")
    assert status == 200 and b"could not be found" in body
    assert fetch_no_redirect(server.url + "loop-a")[0] == 301
    assert fetch(server.url + "send/old-leaflets")[0] == 404
    status, _h, _b, final = fetch(server.url + "send/old-transport")
    assert status == 200 and final.endswith("/send/travel")
    first = fetch(server.url + "busy")
    assert first[0] == 503 and first[1]["Retry-After"] == "1"
    assert fetch(server.url + "busy")[0] == 200


def test_placeholders_are_replaced(demo, server):
    _out, key = demo
    body = fetch(server.url + "family-hub/")[2]
    assert b"__SITE__" not in body and b"__EXTERNAL__" not in body
    assert f'href="{server.url}"'.encode() in body  # absolute self link uses the Host header
    host_body = fetch(server.url + "robots.txt", headers={"Host": f"localhost:{server.port}"})[2]
    assert f"http://localhost:{server.port}/sitemap.xml".encode() in host_body
    fault = next(f for f in key["faults"] if f["kind"] == "broken-external-link")
    assert fault["target"].startswith("http://__EXTERNAL__/")
    served = fetch(server.url.rstrip("/") + fault["page"])[2]
    assert fault["target"].replace("http://__EXTERNAL__/", server.external_url).encode() in served
    assert b"__EXTERNAL__" not in served


def test_external_routes(server):
    ext = server.external_url
    expected = {
        "ok": 200,
        "not-found": 404,
        "gone": 410,
        "error": 500,
        "bot-wall": 403,
        "rate-limited": 429,
        "head-refused": 200,
        "pages/anything/here": 200,
    }
    for route, status in expected.items():
        assert fetch(ext + route)[0] == status, route
    assert fetch(ext + "bot-wall")[1]["cf-mitigated"] == "challenge"
    assert fetch(ext + "rate-limited")[1]["Retry-After"] == "1"
    assert fetch(ext + "head-refused", method="HEAD")[0] == 405
    hop1 = fetch_no_redirect(ext + "redirect-2")
    hop2 = fetch_no_redirect(hop1[1]["Location"])
    assert hop1[0] == hop2[0] == 301 and hop2[1]["Location"] == ext + "ok"
    moved = fetch_no_redirect(ext + "moved-host")
    assert moved[0] == 301 and moved[1]["Location"] == server.url
    started = time.perf_counter()
    assert fetch(ext + "slow")[0] == 200
    assert time.perf_counter() - started >= 0.3


def test_windows_1252_page(server):
    status, headers, body, _f = fetch(server.url + "send/travel/transport-charges")
    assert status == 200 and "windows-1252" in headers["Content-Type"]
    assert b'<meta charset="windows-1252">' in body
    text = body.decode("cp1252")
    assert "\u00a3420" in text and "\u201cfamily rate\u201d" in text
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


# -- a crawl in the test itself proves the key --------------------------------------


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.title: str | None = None
        self._in_title = False
        self.has_h1 = False

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href is not None:
                self.links.append(href)
        elif tag == "title":
            self._in_title, self.title = True, self.title or ""
        elif tag == "h1":
            self.has_h1 = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _canonical(url: str) -> str:
    path, _, query = url.split("#", 1)[0].partition("?")
    path = re.sub(r";[^/]*", "", path)
    params = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in ("phpsessid", "sessionid", "jsessionid", "sid")
    ]
    return path + ("?" + urlencode(params) if params else "")


def test_live_bfs_crawl_matches_answer_key(demo, server):
    _out, key = demo
    base = server.url.rstrip("/")
    netloc = urlsplit(server.url).netloc
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(fetch(server.url + "robots.txt")[2].decode().splitlines())
    log_start = len(server.request_log)

    def site_path(absolute: str) -> str | None:
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or parts.netloc != netloc:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    status_cache: dict[str, int] = {}

    def status_of(path: str) -> int:
        if path not in status_cache:
            status_cache[path] = fetch(base + path)[0]
        return status_cache[path]

    reachable, broken, no_title, no_h1 = set(), set(), set(), set()
    queue, queued = deque(["/"]), {"/"}
    while queue:
        path = queue.popleft()
        status, headers, body, final = fetch(base + path)
        if status != 200:
            continue
        final_path = _canonical(site_path(final))
        if final_path != path:
            if final_path not in queued:
                queued.add(final_path)
                queue.append(final_path)
            continue
        reachable.add(path)
        if not headers.get("Content-Type", "").startswith("text/html"):
            continue
        charset = headers.get_content_charset() or "utf-8"
        parser = _PageParser()
        parser.feed(body.decode(charset))
        if not (parser.title or "").strip():
            no_title.add(path)
        if not parser.has_h1:
            no_h1.add(path)
        if path.startswith(("/events/calendar", "/directory/search")):
            continue  # crawler traps: record the entry point, go no further
        for href in parser.links:
            if href.startswith("#"):
                continue
            target = site_path(urljoin(base + path, href))
            if target is None:
                continue
            target = target.split("#")[0]
            canon = _canonical(target)
            if not robots.can_fetch("localoffer-audit", base + canon):
                continue
            if status_of(target) >= 400:
                broken.add((path, target, status_of(target)))
            if canon not in queued:
                queued.add(canon)
                queue.append(canon)

    assert reachable == set(key["reachable_pages"])
    assert broken == {(b["page"], b["target"], b["status"]) for b in key["broken_internal_links"]}
    assert no_title == set(key["pages_missing_title"])
    assert no_h1 == set(key["pages_missing_h1"])
    fetched = [p for _m, p in server.request_log[log_start:]]
    assert not [p for p in fetched if p.startswith("/staff-only/")]


def test_document_faults_match_the_files(demo):
    out, key = demo
    site = out / "site"
    no_title = {f["page"] for f in key["faults"] if f["kind"] == "pdf-missing-title"}
    scanned = {f["page"] for f in key["faults"] if f["kind"] == "pdf-no-text-layer"}
    assert no_title and scanned
    for path in key["documents"]:
        if not path.endswith(".pdf"):
            continue
        blob = (site / path.lstrip("/")).read_bytes()
        assert (b"/Title" in blob) == (path not in no_title), path
        assert (b"/Font" in blob) == (path not in scanned), path
