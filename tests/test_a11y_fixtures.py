"""Fixture cases for every rule of the accessibility family, axe-core style, run by ONE
parametrised test: test_fixture_case.

tests/fixtures/pages/accessibility/<CODE>/expected.json lists every case of the folder and how
many findings of <CODE> it must give (format: the README there). How a case runs depends on what
it is; only findings of the folder's rule are counted, so a rule is tested as it is installed,
whichever module it lives in:
  pass-*.html / fail-*.html   one page through every installed accessibility page check
  pass-*.pdf / fail-*.pdf     one crawled PDF through every accessibility check
  site-pass-*/ site-fail-*/   a folder of pages, as a crawl would store them (index.html is "/",
                              a/b.html is "/a/b", other files keep their name), through every
                              accessibility check: page checks on each page, site checks on all
  a folder marked "engine"    rendered for real: one audit with `--a11y-engine axe` serves every
                              engine folder on loopback (tests/a11y_engine_fixture_site.py)
PDFs and site folders come from tools/make_a11y_doc_fixtures.py.
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from a11y_engine_fixture_site import ENGINE_GROUP, FIXTURES
from localoffer_audit.models import Link, Page, Site
from localoffer_audit.registry import discover_checks
from localoffer_audit.urls import canonicalize
from test_a11y_engine import _browser_missing

DEFAULT_URL = "http://localoffer.test/p"
FAMILY = "accessibility"
FETCHED_AT = "2026-03-01T10:00:00+00:00"


def _spec(code: str) -> dict:
    return json.loads((FIXTURES / code / "expected.json").read_text("utf-8"))


def _folders() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir())


def _kind(spec: dict, name: str) -> str:
    if spec.get("engine"):
        return "engine"
    if name.endswith(".pdf"):
        return "pdf"
    return "site" if name.startswith("site-") else "page"


def _cases() -> list:
    missing = _browser_missing()
    cases = []
    for folder in _folders():
        spec = _spec(folder.name)
        for name in sorted(spec["files"]):
            kind = _kind(spec, name)
            marks = [pytest.mark.xdist_group(ENGINE_GROUP),
                     pytest.mark.skipif(missing is not None, reason=missing or "")] \
                if kind == "engine" else []
            cases.append(pytest.param(folder.name, name, kind, id=f"{folder.name}/{name}",
                                      marks=marks))
    return cases


ACCESSIBILITY_CHECKS = [c for c in discover_checks()
                        if any(r.family == FAMILY for r in c.rules)]
ENGINE_CHECKS = {"a11y-engine"}  # its rules need the browser: the engine cases exercise them
PROBE_RULES = {r.code for c in ACCESSIBILITY_CHECKS if c.name == "a11y-probes" for r in c.rules}


def _fresh_checks() -> list:
    """(kind, check) of every accessibility check but the engine's, as an audit builds them."""
    return [(c.kind, c.cls.from_config({})) for c in ACCESSIBILITY_CHECKS
            if c.name not in ENGINE_CHECKS]


@pytest.fixture(scope="module")
def checks():
    """Shared by the single-page cases; a PDF or site case gets fresh checks, as site checks
    keep what they saw of the pages until check_site."""
    return _fresh_checks()


def _html_page(url: str, body: bytes) -> Page:
    return Page(url=url, status=200, content_type="text/html", kind="html", body=body,
                fetched_at=FETCHED_AT)


def _pdf_page(url: str, body: bytes) -> Page:
    return Page(url=url, status=200, content_type="application/pdf", kind="document",
                body=body, fetched_at=FETCHED_AT, depth=1)


def _site_pages(folder: Path, base: str) -> list[Page]:
    """The folder as a crawl would store it: pages with their links and click depth."""
    pages: dict[str, Page] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel.endswith(".html"):
            rel = "" if rel == "index.html" else rel[:-5]
            url = canonicalize(urljoin(base, "/" + rel))
            body = path.read_bytes()
            tree = lxml_html.document_fromstring(body.decode("utf-8"))
            links = []
            for a in tree.iter("a"):
                href = (a.get("href") or "").strip()
                if not href:
                    continue
                target = canonicalize(urljoin(url, href))
                links.append(Link(url, target, " ".join(a.text_content().split()), "a", "href",
                                  internal=urlsplit(target).netloc == urlsplit(base).netloc))
            pages[url] = Page(url=url, status=200, content_type="text/html; charset=utf-8",
                              kind="html", title=tree.findtext(".//title"), body=body,
                              links=tuple(links), fetched_at=FETCHED_AT)
        else:
            url = canonicalize(urljoin(base, "/" + rel))
            pages[url] = _pdf_page(url, path.read_bytes())
    start = canonicalize(urljoin(base, "/"))
    queue, depth = deque([start]), {start: 0}
    while queue:  # click depth, as the crawl records it
        url = queue.popleft()
        for link in pages[url].links if url in pages else ():
            if link.target in pages and link.target not in depth:
                depth[link.target] = depth[url] + 1
                queue.append(link.target)
    for url, page in pages.items():
        page.depth = depth.get(url)
    return [pages[u] for u in sorted(pages, key=lambda u: (depth.get(u, 99), u))]


def _run(checks, pages: list[Page], start: str, site_checks: bool = True) -> list:
    found = []
    by_url = {p.url: p for p in pages}
    for kind, check in checks:
        if kind == "page":
            for page in pages:
                found.extend(check.check_page(page))
        elif site_checks:
            site = Site(1, (start,), lambda: iter(pages), lambda url: None, lambda: iter(()),
                        page_getter=by_url.get, started_at=FETCHED_AT)
            found.extend(check.check_site(site))
    return found


def _findings(request, checks, code: str, name: str, kind: str) -> list[dict]:
    """The case's findings of every rule, as (rule, message, extra) dicts."""
    spec, path = _spec(code), FIXTURES / code / name
    url = spec.get("url", DEFAULT_URL)
    if kind == "engine":
        return request.getfixturevalue("a11y_engine_fixture_audit").get(f"/{code}/{name}", [])
    if kind == "page":
        found = _run(checks, [_html_page(url, path.read_bytes())], url, site_checks=False)
    elif kind == "pdf":
        found = _run(_fresh_checks(), [_pdf_page(url, path.read_bytes())], url)
    else:
        start = canonicalize(urljoin(url, "/"))
        found = _run(_fresh_checks(), _site_pages(path, start), start)
    return [{"rule": f.rule, "url": f.url, "message": f.message, "extra": f.extra or {}}
            for f in found]


@pytest.mark.parametrize("code, name, kind", _cases())
def test_fixture_case(request, checks, code, name, kind):
    want = _spec(code)["files"][name]
    findings = _findings(request, checks, code, name, kind)
    ours = [f for f in findings if f["rule"] == code]
    report = "\n".join(f"{f['rule']} {f['url']}: {f['message']}" for f in findings)
    assert len(ours) == want["count"], report
    messages = " | ".join(f["message"] for f in ours)
    for text in want.get("message_has", []):
        assert text in messages, (text, messages)
    if kind == "engine":  # measured in the browser, by axe-core or by the scripted probes
        for finding in ours:
            assert finding["extra"]["engine"] == "axe", finding
            assert bool(finding["extra"].get("probe")) == (code in PROBE_RULES), finding


def test_every_accessibility_rule_has_a_fixture_folder_and_every_folder_a_rule():
    rules = {r.code for c in ACCESSIBILITY_CHECKS for r in c.rules if r.family == FAMILY}
    assert rules, "no accessibility checks installed"
    folders = {p.name for p in _folders()}
    assert rules <= folders, sorted(rules - folders)
    assert folders <= rules, sorted(folders - rules)


@pytest.mark.parametrize("folder", _folders(), ids=lambda p: p.name)
def test_fixture_folder_lists_every_file_with_a_pass_and_a_fail(folder):
    listed = {name.rstrip("/") for name in _spec(folder.name)["files"]}
    present = {p.name for p in folder.iterdir() if p.name != "expected.json"}
    assert listed == present, (sorted(present - listed), sorted(listed - present))
    kinds = {name.removeprefix("site-").split("-", 1)[0] for name in listed}
    assert {"pass", "fail"} <= kinds, folder.name
    for name, want in _spec(folder.name)["files"].items():
        name = name.rstrip("/")
        assert name.startswith(("pass-", "fail-", "site-pass-", "site-fail-")), name
        is_pass = name.removeprefix("site-").startswith("pass-")
        assert (want["count"] == 0) == is_pass, (name, want)
