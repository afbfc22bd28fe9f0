"""Property-based tests: random and mutated HTML (and bytes) fed to every installed page check,
to the spider's link extraction, the date extractors, the directory adapters and the document
readers. No exception may escape; and a check that does fail on a page becomes an INT001
finding for that page while the audit goes on.

Checks come from localoffer_audit.registry, so checks added later are covered automatically.
Derandomized, with bounded examples: the same inputs on every run and in CI.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse, Request

from localoffer_audit import dates
from localoffer_audit.checks.directory_adapters import extract_record, last_updated
from localoffer_audit.config import load_config
from localoffer_audit.documents import document_text
from localoffer_audit.models import Link, Page, Rule, Severity
from localoffer_audit.registry import all_rules, discover_checks, instantiate

EXAMPLES = 150
PROPERTY = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SITE = "https://www.example.gov.uk"

# --- random HTML ----------------------------------------------------------------------------------
TAGS = ("a", "p", "div", "span", "h1", "h2", "h3", "h4", "h6", "img", "table", "tr", "td", "th",
        "ul", "li", "main", "nav", "header", "footer", "form", "input", "label", "button",
        "iframe", "script", "style", "time", "meta", "title", "link", "area", "svg", "noscript",
        "section", "article", "abbr", "object", "embed", "video", "source", "select", "option")
ATTRS = ("href", "src", "alt", "title", "lang", "id", "class", "role", "aria-label", "datetime",
         "content", "name", "property", "itemprop", "type", "rel", "http-equiv", "for", "colspan",
         "aria-hidden", "tabindex", "data")
URLISH = st.one_of(
    st.sampled_from(["/", "#", "#top", "?", "//", "/send/ehcp", "../x", "mailto:a@b.example",
                     "tel:+441234", "javascript:alert(1)", "data:text/html,<b>x</b>",
                     "file:///etc/passwd", "http://[::1]/", "http://h:99999/", "https://u:p@h/x",
                     f"{SITE}/send/a b?c=d&e=%zz#frag", "http://10.0.0.1/", "HTTPS://WWW.EXAMPLE.GOV.UK",
                     "https://www.example.gov.uk/docs/plan.pdf", "/search?q=&page=9999999999999",
                     "http://exampleshireccg.nhs.uk/", "ftp://x/", " ", "\x00", "%", "https://"]),
    st.text(max_size=40),
)
DATEISH = st.sampled_from([
    "Last updated: 31 February 2019", "Reviewed 1 January 2020", "Updated 2021-13-45",
    "Published: 12/12/2012", "Next review: March 2999", "2019/20 academic year", "Sept 2023",
    "Page last reviewed: 29 Feb 2023", "Copyright 2017", "0000-00-00", "99/99/9999",
    "updated yesterday", "Monday 1st Jan", "1 Jan 1", "From September 2024 to July 2025",
])
TEXT = st.one_of(st.text(max_size=60), DATEISH,
                 st.sampled_from(["Local Offer", "EHCP", "SENCo", "click here", "Read more",
                                  "<script>alert(1)</script>", "&amp;&lt;&#0;&#xD800;", "\u202e",
                                  "Directory of services", "Contact us", "Cost: £5",
                                  "Age range: 0-25", "Telephone 01234 567890", "a" * 500]))
JSON_LD = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20) | DATEISH,
                       lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.sampled_from(["@type", "@context", "dateModified",
                                                          "datePublished", "name", "url",
                                                          "@graph", "address", "telephone"]),
                                         inner, max_size=4),
                       max_leaves=8)


@st.composite
def elements(draw, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = draw(st.lists(st.tuples(st.sampled_from(ATTRS), st.one_of(URLISH, TEXT)), max_size=3))
    shown = "".join(f' {name}="{value}"' for name, value in attrs)
    if tag == "script" and draw(st.booleans()):
        shown, inner = ' type="application/ld+json"', json.dumps(draw(JSON_LD))
    elif depth < 3:
        inner = "".join(draw(st.lists(st.one_of(TEXT, elements(depth + 1)), max_size=4)))
    else:
        inner = draw(TEXT)
    closing = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</div>"]))
    return f"<{tag}{shown}>{inner}{closing}"


@st.composite
def html_documents(draw) -> str:
    head = "".join(draw(st.lists(st.one_of(
        st.builds(lambda t: f"<title>{t}</title>", TEXT),
        st.builds(lambda n, c: f'<meta name="{n}" content="{c}">',
                  st.sampled_from(["description", "dcterms.modified", "article:modified_time",
                                   "robots", "viewport", "generator"]), TEXT),
        elements()), max_size=3)))
    body = "".join(draw(st.lists(elements(), max_size=6)))
    doctype = draw(st.sampled_from(["<!doctype html>", "", "<!DOCTYPE html PUBLIC 'x'>"]))
    lang = draw(st.sampled_from([' lang="en"', "", ' lang=""', ' lang="xx-invalid"']))
    return f"{doctype}<html{lang}><head>{head}</head><body>{body}</body></html>"


@st.composite
def mutated(draw) -> bytes:
    """A random document, then cut, spliced with junk, or re-encoded badly."""
    data = draw(html_documents()).encode(draw(st.sampled_from(["utf-8", "utf-16", "latin-1"])),
                                         errors="replace")
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "insert", "delete"]))
        if action == "cut":
            data = data[:at]
        elif action == "insert":
            data = data[:at] + draw(st.binary(max_size=30)) + data[at:]
        else:
            data = data[:at] + data[at + draw(st.integers(0, 50)):]
    return data


BODIES = st.one_of(html_documents().map(lambda s: s.encode("utf-8")), mutated(),
                   st.binary(max_size=300))

# --- pages as the store would give them ---------------------------------------------------------
PATHS = st.sampled_from(["/", "/send/", "/send/ehcp-guide", "/directory/service?id=12",
                         "/kb5/exampleshire/directory/service.page?id=x", "/family-hub/?p=3",
                         "/events/calendar?month=2026-02", "/send/health/speech-therapy"])


def _links(url: str, html: bytes) -> tuple[Link, ...]:
    """The links the spider would record for this page (the real extraction)."""
    return tuple(item_links for item in _spider_items(url, html, "text/html")
                 if type(item).__name__ == "LinksItem" for item_links in item.links)


def _page(path: str, body: bytes, content_type: str = "text/html", kind: str = "html",
          status: int = 200) -> Page:
    url = SITE + path
    links = _links(url, body) if kind == "html" else ()
    return Page(url=url, status=status, content_type=content_type, kind=kind, final_url=url,
                depth=1, title=None, headers={"content-type": content_type,
                                             "last-modified": "Wed, 01 Jan 2020 00:00:00 GMT"},
                body=body, encoding="utf-8", links=links, fetched_at="2026-01-15T10:00:00+00:00")


CHECKS = discover_checks()
ACTIVE = instantiate(CHECKS, {r.code for r in all_rules(CHECKS)}, {})
PAGE_CHECKS = [(c.name, obj) for c, obj in ACTIVE if c.kind == "page"]


def test_every_installed_page_check_is_under_test():
    assert len(PAGE_CHECKS) >= 5, [name for name, _ in PAGE_CHECKS]


@PROPERTY
@given(path=PATHS, body=BODIES, status=st.sampled_from([200, 200, 404, 500]))
def test_no_exception_escapes_a_page_check(path, body, status):
    page = _page(path, body, status=status)
    for name, check in PAGE_CHECKS:
        findings = list(check.check_page(page))
        assert all(f.url for f in findings), name
        if hasattr(check, "measure_page"):
            check.measure_page(page)


@PROPERTY
@given(body=st.one_of(st.binary(max_size=400), mutated()),
       content_type=st.sampled_from(["application/pdf", "application/msword", "text/csv",
                                     "application/vnd.openxmlformats-officedocument."
                                     "wordprocessingml.document", "application/rtf"]))
def test_no_exception_escapes_a_check_on_a_document(body, content_type):
    for prefix in (b"", b"%PDF-1.4\n", b"PK\x03\x04"):
        page = _page("/docs/leaflet.pdf", prefix + body, content_type, kind="document")
        assert isinstance(document_text(page.body, content_type, page.url), str)
        for name, check in PAGE_CHECKS:
            list(check.check_page(page))


# --- the spider's extraction --------------------------------------------------------------------
_SPIDER = None


def _spider():
    global _SPIDER
    if _SPIDER is None:
        from localoffer_audit.spiders.localoffer import LocalOfferSpider

        _SPIDER = LocalOfferSpider(audit_config=load_config(None, start_url=SITE + "/"))
        _SPIDER.crawler = SimpleNamespace(stats=SimpleNamespace(inc_value=lambda *a, **k: None))
    return _SPIDER


def _spider_items(url: str, body: bytes, content_type: str) -> list:
    spider = _spider()
    spider.scheduled_pages.clear()  # every example starts afresh
    spider.checked_targets.clear()
    request = Request(url, meta={"kind": "page", "clicks": 1, "url": url})
    response = HtmlResponse(url, body=body, headers={"Content-Type": content_type},
                            request=request, status=200)
    return list(spider.parse_page(response))


@PROPERTY
@given(path=PATHS, body=BODIES, content_type=st.sampled_from(
    ["text/html", "text/html; charset=windows-1252", "text/html; charset=bogus", "", "text/plain"]))
def test_link_extraction_never_raises(path, body, content_type):
    items = _spider_items(SITE + path, body, content_type)
    pages = [item for item in items if type(item).__name__ == "PageItem"]
    assert len(pages) == 1  # exactly one record per fetched page, whatever its body


# --- date extraction, directory adapters ---------------------------------------------------------
@PROPERTY
@given(text=st.one_of(TEXT, st.text(max_size=200)), value=st.one_of(JSON_LD, TEXT))
def test_date_extractors_never_raise(text, value):
    dates.parse_date(text)
    dates.written_dates(text)
    dates.labelled_dates(text)
    dates.academic_years(text)
    dates.parse_http_date(text)
    dates.parse_machine_date(value)


@PROPERTY
@given(path=PATHS, body=BODIES)
def test_page_dates_and_directory_adapters_never_raise(path, body):
    page = _page(path, body)
    dates.page_dates(page)
    extract_record(page)
    last_updated(page)


# --- the runner: a failing check becomes INT001 and the audit goes on -----------------------------
class CrashingCheck:
    """Fails on every page whose address contains "crash"."""

    name = "crash-on-purpose"
    rules = (Rule("TST901", "crash-on-purpose", "A test check that fails on purpose",
                  Severity.NOTICE, "structure", fix="None: it is a test."),)

    @classmethod
    def from_config(cls, options):
        return cls()

    def check_page(self, page):
        if "crash" in page.url:
            raise RuntimeError("deliberate failure")
        return []


def test_a_failing_check_becomes_int001_and_the_audit_goes_on(tmp_path):
    from localoffer_audit.registry import LoadedCheck
    from localoffer_audit.runner import run_checks
    from localoffer_audit.store import Store

    config = load_config(None, start_url=SITE + "/")
    html = (b"<!doctype html><html><head></head><body><main><h3>Skipped a level</h3>"
            b"<img src='/x.png'><p>Last updated: 1 January 2015</p><a href='/gone'>click here</a>"
            b"</main></body></html>")
    with Store(tmp_path / "s.sqlite") as store:
        run_id = store.begin_run("x", config.start_urls, config.to_dict(), "test")
        for path in ("/a", "/crash-1", "/b"):
            store.add_page(run_id, {"url": SITE + path, "status": 200, "kind": "html",
                                    "content_type": "text/html", "body": html})
        store.flush()
        # The crashing check is registered beside the built-in ones, which run as usual.
        checks = [*CHECKS, LoadedCheck("tests[crash]", CrashingCheck, "page")]
        outcome = run_checks(store, run_id, config, checks=checks)
        findings = store.findings(run_id)
    crashed = [f for f in findings if f.rule == "INT001"]
    assert [(f.url, f.selector) for f in crashed] == [(SITE + "/crash-1", "crash-on-purpose")]
    assert "RuntimeError: deliberate failure" in crashed[0].message
    assert outcome.crashed == 1 and outcome.pages == 3
    # the other checks still ran on every page, the crashed one included
    by_page = {url: {f.rule for f in findings if f.url == url and f.rule != "INT001"}
               for url in (SITE + "/a", SITE + "/crash-1", SITE + "/b")}
    assert by_page[SITE + "/a"], findings
    assert by_page[SITE + "/a"] == by_page[SITE + "/crash-1"] == \
        by_page[SITE + "/b"]


class ReleasingCheck:
    """Records when the runner says the page pass is over."""

    name = "release-on-purpose"
    rules = (Rule("TST902", "release-on-purpose", "A test check that records the page pass",
                  Severity.NOTICE, "structure", fix="None: it is a test."),)
    events: list = []

    @classmethod
    def from_config(cls, options):
        return cls()

    def check_page(self, page):
        self.events.append(("page", page.url))
        return []

    def pages_done(self):
        self.events.append(("done", None))


class SiteOrderCheck:
    name = "site-after-pages"
    rules = (Rule("TST903", "site-after-pages", "A test check that records when site checks run",
                  Severity.NOTICE, "structure", fix="None: it is a test."),)

    @classmethod
    def from_config(cls, options):
        return cls()

    def check_site(self, site):
        from langdetect import detector_factory

        ReleasingCheck.events.append(("site", detector_factory._factory))
        return []


def test_page_checks_hear_that_the_page_pass_is_over_before_the_site_checks_run(tmp_path):
    from localoffer_audit.registry import LoadedCheck
    from localoffer_audit.runner import run_checks
    from localoffer_audit.store import Store

    config = load_config(None, start_url=SITE + "/")
    # A French paragraph in an English page: the markup check must load langdetect's profiles.
    html = ("<!doctype html><html lang='en'><head><title>T</title></head><body><main><p>"
            "Le conseil publie chaque année une offre locale qui décrit les services disponibles "
            "pour les enfants et les jeunes.</p></main></body></html>").encode()
    ReleasingCheck.events = []
    with Store(tmp_path / "s.sqlite") as store:
        run_id = store.begin_run("x", config.start_urls, config.to_dict(), "test")
        for path in ("/a", "/b"):
            store.add_page(run_id, {"url": SITE + path, "status": 200, "kind": "html",
                                    "content_type": "text/html", "body": html})
        store.flush()
        checks = [*CHECKS, LoadedCheck("tests[release]", ReleasingCheck, "page"),
                  LoadedCheck("tests[site-order]", SiteOrderCheck, "site")]
        run_checks(store, run_id, config, checks=checks)
        rules = {f.rule for f in store.findings(run_id)}
    assert "A11Y601" in rules  # langdetect was used on the way
    kinds = [event[0] for event in ReleasingCheck.events]
    assert kinds == ["page", "page", "done", "site"]
    assert ReleasingCheck.events[-1][1] is None  # the profiles were released before site checks
