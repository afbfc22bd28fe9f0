"""Linked stylesheets: the crawl stores the site's own (once per run, robots.txt honoured, never
off-site), and the CSS checks read them offline. One loopback site, audited once per module."""

from __future__ import annotations

import json
import sqlite3
import threading
from http.server import ThreadingHTTPServer

import pytest

from localoffer_audit.checks.a11y_contrast import CssAccessibility
from localoffer_audit.models import LinkedStylesheet, Page
from support import QuietHandler, run_cli

PAGES = 6
FAINT_PAGE = 1  # its low contrast comes only from the linked stylesheet
SITE_CSS = '@import url("/css/base.css");\n.faint { color: #c8c8c8 }\n'
BASE_CSS = "body { color: #0b0c0c; background: #ffffff }\n"
SECRET_CSS = ".faint { color: #000000 }\n"
ETAG = '"v1"'


class Server:
    """A loopback server answering `routes(path)`; it logs (method, path) of every request."""

    def __init__(self, routes) -> None:
        self.log: list[tuple[str, str]] = []
        server = self

        class Handler(QuietHandler):
            def do_GET(self):
                server.log.append((self.command, self.path))
                status, ctype, body = routes(self.path)
                if not self.path.startswith("/p/"):
                    return self._send(status, ctype, body)
                # Pages carry an ETag, so an incremental re-audit gets 304 and keeps them.
                unchanged = self.headers.get("If-None-Match") == ETAG
                self.send_response(304 if unchanged else status)
                self.send_header("ETag", ETAG)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", "0" if unchanged else str(len(body)))
                self.end_headers()
                if self.command != "HEAD" and not unchanged:
                    self.wfile.write(body)

            do_HEAD = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def gets(self, path: str) -> int:
        return sum(1 for method, p in self.log if method == "GET" and p == path)


def _page(n: int, offsite: str) -> bytes:
    links = " ".join(f'<a href="/p/{m}">Page {m}</a>' for m in range(PAGES) if m != n)
    extra = ""
    if n == 0:  # a robots-disallowed and an off-site stylesheet
        extra = (f'<link rel="stylesheet" href="/private/secret.css">'
                 f'<link rel="stylesheet" href="{offsite}/ext.css">')
    text = ('<p class="faint">Places are limited, so please book early for the summer scheme.</p>'
            if n == FAINT_PAGE else "<p>Our short breaks help families plan the holidays.</p>")
    return (f'<!doctype html><html lang="en"><head><title>Page {n}</title>'
            f'<link rel="stylesheet" href="/css/site.css">{extra}'
            f'<link rel="stylesheet" media="print" href="/css/print.css"></head>'
            f"<body><h1>Page {n}</h1>{text}<p>{links}</p></body></html>").encode()


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    root = tmp_path_factory.mktemp("linked-css")
    offsite = Server(lambda path: (200, "text/css", b"p { color: #eeeeee }"))
    offsite_url = f"http://localhost:{offsite.port}"

    def routes(path: str):
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow: /private/\n"
        if path.startswith("/p/") and path[3:].isdigit() and int(path[3:]) < PAGES:
            return 200, "text/html; charset=utf-8", _page(int(path[3:]), offsite_url)
        sheets = {"/css/site.css": SITE_CSS, "/css/base.css": BASE_CSS,
                  "/private/secret.css": SECRET_CSS, "/css/print.css": "p { color: #fff }"}
        if path in sheets:
            return 200, "text/css; charset=utf-8", sheets[path].encode()
        return 404, "text/html", b"<html><title>Not found</title><h1>Not found</h1></html>"

    site = Server(routes)
    url = f"http://127.0.0.1:{site.port}/p/0"
    out, db = root / "out", root / "out" / "store.sqlite"
    try:
        result = run_cli("audit", url, "--out", str(out), "--db", str(db), "--delay", "0",
                         "--no-progress")
        assert result.returncode == 0, result.stderr
        first = list(site.log)
        # Make it an interrupted run that lost one page, then take it up again.
        con = sqlite3.connect(db)
        lost = f"http://127.0.0.1:{site.port}/p/3"
        with con:
            con.execute("UPDATE runs SET status = 'interrupted'")
            for table, column in (("pages", "url"), ("links", "source"),
                                  ("page_stylesheets", "page")):
                con.execute(f"DELETE FROM {table} WHERE {column} = ?", (lost,))
        con.close()
        site.log.clear()
        resumed = run_cli("crawl", url, "--db", str(db), "--resume", "--delay", "0",
                          "--no-progress")
        assert resumed.returncode == 0, resumed.stderr
        resume_log = list(site.log)
        site.log.clear()
        again = run_cli("audit", url, "--out", str(root / "again"), "--db", str(db),
                        "--delay", "0", "--no-progress")  # incremental by default
        assert again.returncode == 0, again.stderr
        yield {"again_log": list(site.log),
               "again_findings": [json.loads(line) for line in
                                  (root / "again" / "findings.jsonl").read_text("utf-8").splitlines()],"site": site, "offsite": offsite, "first": first, "resume_log": resume_log,
               "db": db, "url": url, "lost": lost,
               "findings": [json.loads(line) for line in
                            (out / "findings.jsonl").read_text("utf-8").splitlines()]}
    finally:
        site.close()
        offsite.close()


def _gets(log, path):
    return sum(1 for method, p in log if method == "GET" and p == path)


def test_low_contrast_from_the_linked_stylesheet_alone_is_flagged(audited):
    contrast = [f for f in audited["findings"] if f["rule"] == "A11Y520"]
    assert [f["url"].rsplit("/", 1)[1] for f in contrast] == [str(FAINT_PAGE)]
    assert "Places are limited" in contrast[0]["snippet"]
    assert contrast[0]["extra"]["foreground"] == "#c8c8c8"


def test_each_stylesheet_is_fetched_once_for_all_pages(audited):
    log = audited["first"]
    assert sum(1 for m, p in log if m == "GET" and p.startswith("/p/")) >= PAGES
    assert _gets(log, "/css/site.css") == 1
    assert _gets(log, "/css/base.css") == 1  # its @import, one level
    assert _gets(log, "/css/print.css") == 1  # fetched (the crawl records), skipped by the checks


def test_a_robots_disallowed_stylesheet_is_not_fetched(audited):
    assert not any(p.startswith("/private/") for _m, p in audited["first"] + audited["resume_log"])
    con = sqlite3.connect(audited["db"])
    (error,) = con.execute("SELECT error FROM stylesheets WHERE url LIKE '%/private/secret.css'"
                           ).fetchone()
    assert error == "robots"


def test_an_offsite_stylesheet_is_not_fetched_but_is_recorded(audited):
    # (its link may be status-checked with HEAD, and robots.txt read for that; never a GET)
    assert audited["offsite"].gets("/ext.css") == 0
    con = sqlite3.connect(audited["db"])
    pages = con.execute("SELECT url FROM page_stylesheets WHERE url LIKE '%/ext.css'").fetchall()
    stored = con.execute("SELECT url FROM stylesheets WHERE url LIKE '%/ext.css'").fetchall()
    assert pages and not stored


def test_resume_refetches_the_lost_page_but_no_stored_stylesheet(audited):
    log = audited["resume_log"]
    assert _gets(log, "/p/3") == 1
    assert not any(p.endswith(".css") for _m, p in log)
    con = sqlite3.connect(audited["db"])
    assert con.execute("SELECT status FROM runs WHERE id = 1").fetchall() == [("crawled",)]
    sheets = con.execute("SELECT url FROM page_stylesheets WHERE run_id = 1 AND page = ? "
                         "ORDER BY position",
                         (audited["lost"],)).fetchall()
    assert [u.rsplit("/", 1)[1] for (u,) in sheets] == ["site.css", "print.css"]


def test_the_store_gives_pages_their_stylesheets_in_cascade_order_shared_between_pages(audited):
    from localoffer_audit.store import Store

    with Store(audited["db"]) as store:
        pages = {p.url: p for p in store.iter_pages(1)}
    zero, one = pages[audited["url"]], pages[audited["url"].replace("/p/0", "/p/1")]
    assert [s.url.rsplit("/", 1)[1] for s in one.stylesheets] == ["base.css", "site.css",
                                                                 "print.css"]
    assert [s.text for s in one.stylesheets[:2]] == [BASE_CSS, SITE_CSS]
    by_url = {s.url: s for s in zero.stylesheets}
    assert all(by_url[s.url] is s for s in one.stylesheets)  # one copy per run, not per page
    names = [(s.url.rsplit("/", 1)[1], s.text is None) for s in zero.stylesheets]
    assert ("secret.css", True) in names and ("ext.css", True) in names


def _page_with(css: tuple[LinkedStylesheet, ...] | None, body: str) -> Page:
    html = (f'<html lang="en"><head><title>t</title><link rel="stylesheet" href="/s.css"></head>'
            f"<body>{body}</body></html>")
    return Page(url="http://127.0.0.1/x", status=200, content_type="text/html", kind="html",
                body=html.encode(), stylesheets=css)


def test_an_unstored_stylesheet_keeps_inherited_colours_unknown():
    body = '<div class="box"><p>Our short breaks help families plan the holidays.</p></div>'
    known = (LinkedStylesheet("http://127.0.0.1/s.css", "", ".box { color: #d0d0d0 }"),)
    unknown = known + (LinkedStylesheet("http://cdn.example/t.css", "", None),)
    print_only = (LinkedStylesheet("http://127.0.0.1/s.css", "print", ".box { color: #d0d0d0 }"),)
    rules = lambda css: [f.rule for f in CssAccessibility().check_page(_page_with(css, body))]
    assert rules(known) == ["A11Y520"]
    assert rules(unknown) == []  # the off-site sheet could set the paragraph's colour
    assert rules(None) == []  # an older crawl: the <link> is unknown CSS
    assert rules(print_only) == []


def test_an_incremental_re_audit_keeps_unchanged_pages_and_fetches_their_stylesheets_again(audited):
    con = sqlite3.connect(audited["db"])
    reused = con.execute("SELECT COUNT(*) FROM pages WHERE run_id = 2 AND reused_from = 1"
                         ).fetchone()[0]
    assert reused >= PAGES - 1  # answered 304: the stored copy (and its stylesheet list) kept
    assert _gets(audited["again_log"], "/css/site.css") == 1  # refetched, unconditionally, once
    assert _gets(audited["again_log"], "/css/base.css") == 1
    contrast = [f["url"].rsplit("/", 1)[1] for f in audited["again_findings"] if f["rule"] == "A11Y520"]
    assert contrast == [str(FAINT_PAGE)]


def test_a_schema_4_store_migrates_to_5_and_its_pages_keep_unknown_linked_css(tmp_path, monkeypatch):
    from localoffer_audit import store as store_module
    from localoffer_audit.store import SCHEMA_VERSION, Store

    path = tmp_path / "v4.sqlite"
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 4)
    html = _page_with(None, "<p>Text</p>").body
    with Store(path) as store:
        run_id = store.begin_run("site", ["http://a.test/"], {}, "0.1.0")
        store.add_page(run_id, {"url": "http://a.test/", "status": 200, "kind": "html",
                                "content_type": "text/html", "body": html})
        store.set_run_status(run_id, "crawled", stats={"pages": 1})
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION)
    with Store(path) as store:
        assert store.db.execute("SELECT version FROM schema_version").fetchone()[0] == \
            SCHEMA_VERSION  # through 5 (stylesheets) to the newest
        assert store.run(run_id)["status"] == "crawled"
        [page] = list(store.iter_pages(run_id))
        assert page.stylesheets is None  # crawled before stylesheets were stored: unknown CSS
        store.add_stylesheet(run_id, "http://a.test/s.css", 200, "p { color: red }")
        store.flush()
        assert store.stylesheets(run_id)["http://a.test/s.css"]["text"] == "p { color: red }"


def test_the_number_and_size_of_stylesheets_are_capped(tmp_path, write_toml):
    def routes(path: str):
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow:\n"
        if path == "/":
            links = "".join(f'<link rel="stylesheet" href="/{n}.css">' for n in ("big", "a", "b"))
            return 200, "text/html", (f"<html lang='en'><head><title>t</title>{links}</head>"
                                      "<body><h1>t</h1><p>Text</p></body></html>").encode()
        if path == "/big.css":
            return 200, "text/css", b"p { color: #000 }\n" * 200  # 3.6 KB
        if path in ("/a.css", "/b.css"):
            return 200, "text/css", b"p { color: #111 }"
        return 404, "text/html", b"<html><title>Not found</title></html>"

    site = Server(routes)
    config = write_toml("[crawl]\nmax_stylesheets = 2\nmax_stylesheet_bytes = 1024\n")
    db = tmp_path / "s.sqlite"
    try:
        result = run_cli("crawl", f"http://127.0.0.1:{site.port}/", "--config", str(config),
                         "--db", str(db), "--delay", "0", "--no-progress")
    finally:
        site.close()
    assert result.returncode == 0, result.stderr
    stored = {u.rsplit("/", 1)[1]: (status, error, text is not None) for u, status, error, text in
              sqlite3.connect(db).execute("SELECT url, status, error, text FROM stylesheets")}
    assert stored == {"big.css": (None, "too-large", False), "a.css": (200, None, True)}
    assert site.gets("/b.css") == 0
