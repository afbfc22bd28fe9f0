"""Fixture harness for the accessibility rules that need a PDF or a whole site (A11Y550-565).

tests/fixtures/pages/accessibility/<CODE>/expected.json lists, in the agreed axe-core style
format, every case of the folder and how many findings of <CODE> it must give:
  pass-*.pdf / fail-*.pdf      one crawled PDF, run through every accessibility page check
  site-pass-*/ / site-fail-*/  a folder of pages (index.html is "/", a/b.html is "/a/b", other
                               files keep their name) run through every accessibility check,
                               page checks on each page and site checks on the whole
The files come from tools/make_a11y_doc_fixtures.py. HTML page cases (pass-*.html) are run by
tests/test_a11y_fixtures.py; this harness leaves them alone.
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from localoffer_audit.models import Link, Page, Site
from localoffer_audit.registry import discover_checks
from localoffer_audit.urls import canonicalize

FIXTURES = Path(__file__).parent / "fixtures" / "pages" / "accessibility"
DEFAULT_URL = "http://localoffer.test/p"
OWN_CODES = {f"A11Y5{n}" for n in range(50, 70)}


def _folders() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name in OWN_CODES) \
        if FIXTURES.is_dir() else []


def _cases() -> list[tuple[str, str, dict, str]]:
    cases = []
    for folder in _folders():
        spec = json.loads((folder / "expected.json").read_text("utf-8"))
        for name, expect in spec["files"].items():
            if name.endswith(".pdf") or name.startswith("site-"):
                cases.append((folder.name, name, expect, spec.get("url", DEFAULT_URL)))
    return cases


def _accessibility_checks():
    return [c for c in discover_checks() if c.name != "a11y-engine"
            and any(r.family == "accessibility" for r in c.rules)]


def _pdf_page(url: str, body: bytes) -> Page:
    return Page(url=url, status=200, content_type="application/pdf", kind="document",
                body=body, fetched_at="2026-03-01T10:00:00+00:00", depth=1)


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
                              links=tuple(links), fetched_at="2026-03-01T10:00:00+00:00")
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


def _run(pages: list[Page], start: str) -> list:
    found = []
    by_url = {p.url: p for p in pages}
    for check in _accessibility_checks():
        obj = check.cls.from_config({})
        if check.kind == "page":
            for page in pages:
                found.extend(obj.check_page(page))
        else:
            site = Site(1, (start,), lambda: iter(pages), lambda url: None, lambda: iter(()),
                        page_getter=by_url.get, started_at="2026-03-01T10:00:00+00:00")
            found.extend(obj.check_site(site))
    return found


@pytest.mark.parametrize("code,name,expect,url", _cases(),
                         ids=[f"{c}/{n}" for c, n, _e, _u in _cases()])
def test_fixture(code, name, expect, url):
    path = FIXTURES / code / name
    if name.endswith(".pdf"):
        findings = _run([_pdf_page(url, path.read_bytes())], url)
    else:
        start = canonicalize(urljoin(url, "/"))
        findings = _run(_site_pages(path, start), start)
    ours = [f for f in findings if f.rule == code]
    report = "\n".join(f"{f.rule} {f.url}: {f.message}" for f in findings)
    assert len(ours) == expect["count"], report
    for text in expect.get("message_has", []):
        assert any(text in f.message for f in ours), (text, report)


def test_every_document_and_statement_rule_has_pass_and_fail_cases():
    rules = {r.code for c in _accessibility_checks() for r in c.rules if r.code in OWN_CODES}
    assert rules == {f.name for f in _folders()}
    for folder in _folders():
        spec = json.loads((folder / "expected.json").read_text("utf-8"))
        listed = set(spec["files"])
        on_disk = {p.name for p in folder.iterdir() if p.name != "expected.json"}
        assert listed == on_disk, (folder.name, listed ^ on_disk)
        assert any(n.startswith(("pass-", "site-pass-")) for n in listed), folder.name
        assert any(n.startswith(("fail-", "site-fail-")) for n in listed), folder.name
        assert any(e["count"] > 0 for e in spec["files"].values()), folder.name
