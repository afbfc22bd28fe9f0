"""The demo report in a real browser: headless Debian Chromium driven by Playwright.

A keyboard user moves through the overview, an owner's page, a page's findings and the
accessibility view with Tab and Enter; axe-core finds no WCAG 2.2 AA violation on any view;
the report works without JavaScript and prints without its navigation. Screenshots are saved
in tests/actual/report-browser/ (git-ignored) for people to look at.

Chromium is Debian's (`apt-get install chromium`; `make test` installs it when it runs as
root): Playwright never downloads a browser here. Without Chromium the tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from support import ROOT

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed "
    "(make test installs it: pip install -e '.[test]' playwright axe-playwright-python)")
axe_module = pytest.importorskip(
    "axe_playwright_python.sync_playwright",
    reason="axe-playwright-python (axe-core for Playwright) is not installed")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "tests" / "actual" / "report-browser"


def _chromium() -> str | None:
    for candidate in (os.environ.get("LOCALOFFER_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if executable is None:
        pytest.skip("Debian's Chromium is not installed (/usr/bin/chromium): run `make test` "
                    "as root, or `apt-get install chromium`, to run the browser tests")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []  # nothing failed to load, nothing tried to run


@pytest.fixture(scope="module")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def assert_no_axe_violations(page) -> None:
    results = axe_module.Axe().run(page, options={
        "runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {tag: el.tagName.toLowerCase(), href: el.getAttribute('href'),
                text: el.textContent.trim(), id: el.id,
                visible: style.backgroundColor !== 'rgba(0, 0, 0, 0)' || style.outlineStyle !== 'none'
                         || style.boxShadow !== 'none'};
    }""")


def tab_to(page, wanted, limit: int = 400) -> dict:
    """Press Tab until the focused link's href satisfies `wanted`; return what has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["href"] is not None and wanted(now["href"]):
            assert now["visible"], f"focus is not visible on {now}"
            return now
    raise AssertionError(f"no link matching {wanted} reached by keyboard on {page.url}")


def follow(page, link: dict) -> None:
    """Press Enter on the focused link and wait for the view it opens."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")


def test_keyboard_user_moves_through_every_view_and_axe_finds_nothing(demo, page, shots):
    report = demo["out"] / "report.html"
    page.goto(report.as_uri())
    assert page.title().startswith("Overview")
    assert_no_axe_violations(page)
    page.screenshot(path=str(shots / "overview.png"), full_page=True)

    # The first Tab reaches the skip link, which takes focus to the report itself.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["href"] == "#main" and "Skip" in skip["text"] and skip["visible"]
    page.keyboard.press("Enter")
    assert page.url.endswith("#main") and focused(page)["id"] == "main"

    # Overview -> the accessibility view for parent carer forums.
    link = tab_to(page, lambda h: h.endswith("accessibility.html"))
    follow(page, link)
    assert page.url.endswith("/accessibility.html")
    assert page.locator("h1").inner_text() == "Can families use this Local Offer?"
    assert page.locator("section.barrier").count() >= 7
    assert_no_axe_violations(page)
    page.screenshot(path=str(shots / "accessibility.png"), full_page=True)

    # Accessibility view -> an owner's page ("who can fix it").
    link = tab_to(page, lambda h: h.startswith("owners/"))
    follow(page, link)
    assert "/owners/" in page.url
    assert page.locator("h1").inner_text() == link["text"]
    assert page.locator("ol.actions > li").count() > 0
    assert_no_axe_violations(page)
    page.screenshot(path=str(shots / "owner.png"), full_page=True)

    # Owner's page -> one page's findings, straight to the page's own section.
    link = tab_to(page, lambda h: h.startswith("../pages/") and "#page-" in h)
    follow(page, link)
    fragment = link["href"].split("#", 1)[1]
    assert "/pages/" in page.url and page.url.endswith("#" + fragment)
    target = page.locator(":target")
    assert target.get_attribute("id") == fragment
    assert target.is_visible() and target.inner_text() == link["text"]
    top = page.evaluate(f"document.getElementById('{fragment}').getBoundingClientRect().top")
    assert 0 <= top < 900  # scrolled into view
    section = page.locator(f"section[aria-labelledby='{fragment}']")
    assert section.locator("tbody tr").count() >= 1
    assert_no_axe_violations(page)
    page.screenshot(path=str(shots / "page-findings.png"))

    # ... and back to the overview by the navigation, still by keyboard.
    link = tab_to(page, lambda h: h == "../report.html")
    follow(page, link)
    assert page.url.endswith("/report.html") and page.title().startswith("Overview")


@pytest.mark.parametrize("view", ["required-content.html", "pages/index.html"])
def test_other_views_have_no_axe_violations(demo, page, shots, view):
    page.goto((demo["out"] / view).as_uri())
    assert_no_axe_violations(page)
    page.screenshot(path=str(shots / (view.replace("/", "-").replace(".html", ".png"))),
                    full_page=True)


def test_every_owner_page_has_no_axe_violations(demo, page):
    owners = sorted((demo["out"] / "owners").glob("*.html"))
    assert len(owners) == 4
    for path in owners:
        page.goto(path.as_uri())
        assert_no_axe_violations(page)


def test_works_without_javascript_and_prints_without_navigation(demo, browser, shots):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((demo["out"] / "report.html").as_uri())
    assert page.locator("h1").is_visible()
    assert page.locator("svg.chart").count() >= 2 and page.locator("svg.chart").first.is_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav.primary").is_visible()
    assert not page.locator("details.numbers").first.is_visible()
    pdf = page.pdf(path=str(shots / "overview-print.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")
    context.close()


# --- crawled payloads never run, in a real browser with JavaScript on --------------------------

MARK = "window.__xss=(window.__xss||0)+1"
PAYLOADS = [f"</title><script>{MARK}</script>", f'"><img src=x onerror="{MARK}">',
            f"'><svg onload='{MARK}'>", f"<iframe srcdoc='<script>parent.{MARK}</script>'>",
            f"javascript:{MARK}", f"<a href=\"javascript:{MARK}\" autofocus onfocus=\"{MARK}\">x</a>"]


class HostileSite:
    """A loopback Local Offer whose titles, headings, link texts, alt texts, link addresses and
    JSON-LD carry script and attribute-breaking payloads (every page a few of them)."""

    def __init__(self) -> None:
        import threading
        from html import escape as _esc
        from http.server import ThreadingHTTPServer

        from support import QuietHandler

        def page(n: int) -> bytes:
            p = PAYLOADS[n % len(PAYLOADS)]
            q = PAYLOADS[(n + 1) % len(PAYLOADS)]
            links = "".join(f'<a href="/p/{m}?q={_esc(p, quote=True)}">{p} page {m}</a> '
                            for m in range(len(PAYLOADS)) if m != n)
            return (f"<!doctype html><html lang='en'><head><title>{p}</title>"
                    f'<script type="application/ld+json">{{"@type":"WebPage","name":"{q}",'
                    f'"dateModified":"2019-01-01"}}</script></head><body><h1>{q}</h1>'
                    f"<h3></h3><p>{links}</p><a href=\"javascript:{MARK}\">{q}</a>"
                    f"<a href='/gone/{n}'>{p}</a><img src='/i.png' alt=\"{q}\">"
                    f"<p>Click here</p></body></html>").encode()

        class Handler(QuietHandler):
            def do_GET(self):
                path = self.path.split("?", 1)[0]
                if path == "/robots.txt":
                    return self._send(200, "text/plain", b"User-agent: *\nDisallow:\n")
                if path.startswith("/p/") and path[3:].isdigit() and int(path[3:]) < len(PAYLOADS):
                    return self._send(200, "text/html; charset=utf-8", page(int(path[3:])))
                self._send(404, "text/html", f"<title>{PAYLOADS[0]}</title>".encode())

            do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/p/0"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_crawled_payloads_never_run_in_any_report_view(browser, tmp_path):
    from support import run_cli

    site = HostileSite()
    try:
        result = run_cli("audit", site.url, "--out", str(tmp_path / "out"), "--delay", "0",
                         "--no-progress")
    finally:
        site.close()
    assert result.returncode == 0, result.stderr
    views = sorted((tmp_path / "out").rglob("*.html"))
    assert len(views) >= 6
    context = browser.new_context(java_script_enabled=True)
    dialogs: list[str] = []
    context.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    shown = 0
    for path in views:
        page = context.new_page()
        page.goto(path.as_uri())
        page.keyboard.press("Tab")  # an injected autofocus/onfocus would fire here
        state = page.evaluate("""() => ({
            ran: window.__xss || 0,
            scripts: document.querySelectorAll('script, iframe, object, embed').length,
            handlers: [...document.querySelectorAll('*')].filter(
                el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
            jsLinks: [...document.querySelectorAll('[href], [src]')].filter(
                el => /^\\s*javascript:/i.test(el.getAttribute('href') || el.getAttribute('src'))
            ).length,
            text: document.body.innerText})""")
        assert (state["ran"], state["scripts"], state["handlers"], state["jsLinks"]) == \
            (0, 0, 0, 0), path.name
        shown += sum(p.replace("\n", " ") in state["text"].replace("\n", " ")
                     for p in PAYLOADS[:3])
        page.close()
    context.close()
    assert dialogs == []
    assert shown > 0  # the payloads are there, shown as text
