"""The one generic Local Offer spider, driven by the site config.

    scrapy crawl localoffer -a config=sites/example-council.toml

Three kinds of request, told apart by meta["kind"]:
  page    an internal URL: fetched with GET, recorded with its body, links followed
  check   an off-site (or excluded internal) link target: status only (HEAD, GET when refused),
          the body is never downloaded (see headers_received)
  stylesheet  a same-site stylesheet an HTML page links (or one of its @imports, one level):
          fetched once per run and stored, for the CSS accessibility checks
  robots / sitemap   discovery of sitemaps
Redirects are followed by hand, hop by hop, so that every hop is recorded and loops end.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from typing import Any, Iterator
from weakref import WeakKeyDictionary
from urllib.parse import quote, urljoin

import scrapy
import tinycss2
from lxml import html as lxml_html
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, StopDownload

from ..config import AuditConfig, load_config
from ..events import failure_kind
from ..defaults import ORUK_MAX_SERVICES, ORUK_PER_PAGE, SITEMAP_MAX_BYTES
from ..items import (LinksItem, LinkStatusItem, PageItem, PageStylesheetsItem, ReusedPageItem,
                     SitemapEntryItem, StylesheetItem)
from ..models import Link, LinkStatus
from ..sitemaps import SitemapStream
from ..store import HEADER_KEYS
from ..traps import TrapGuard
from ..urls import (canonicalize, is_crawlable_scheme, matches_host, split_credentials,
                    split_fragment)

log = logging.getLogger(__name__)

# (tag, attribute, follow as a page?) Resources that are not pages are status-checked only.
LINK_SOURCES = (
    ("a", "href", True), ("area", "href", True), ("iframe", "src", True), ("frame", "src", True),
    ("img", "src", False), ("link", "href", False), ("script", "src", False),
    ("source", "src", False), ("embed", "src", False), ("object", "data", False),
    ("video", "src", False), ("audio", "src", False),
)
LINK_XPATH = " | ".join(f"//{tag}[@{attr}]" for tag, attr, _ in LINK_SOURCES)
FOLLOW = {tag: follow for tag, _, follow in LINK_SOURCES}
ATTR = {tag: attr for tag, attr, _ in LINK_SOURCES}
SKIPPED_LINK_RELS = {"preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload"}
DOCUMENT_TYPES = ("application/pdf", "application/msword", "application/vnd.openxmlformats",
                  "application/vnd.ms-", "application/vnd.oasis.opendocument", "application/rtf",
                  "text/rtf", "text/csv")
HTML_TYPES = ("text/html", "application/xhtml+xml")
REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.I)
WHITESPACE = re.compile(r"\s+")
MAX_LINK_TEXT = 200
RESOLVED_MAX = 200_000  # remembered link resolutions (then forgotten, to bound memory)
MISSING = object()
NOT_FOUND_PROBE_PATH = "/localoffer-audit-probe-this-page-does-not-exist"
CHECK_HEADER_KEYS = ("content-type", "content-length", "location", "retry-after", "cf-mitigated",
                     "server", "last-modified")


def classify(content_type: str, body: bytes) -> str:
    content_type = content_type.lower()
    if content_type.startswith(HTML_TYPES):
        return "html"
    if content_type.startswith(DOCUMENT_TYPES):
        return "document"
    if not content_type and body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    return "other"


ERROR_CODES = (  # (exception class name, stored code); Scrapy >= 2.13 wraps Twisted's errors
    ("CannotResolveHostError", "dns"), ("DNSLookupError", "dns"),
    ("DownloadTimeoutError", "timeout"), ("TimeoutError", "timeout"), ("TCPTimedOutError", "timeout"),
    ("DownloadConnectionRefusedError", "connection-refused"),
    ("ConnectionRefusedError", "connection-refused"),
    ("DownloadCancelledError", "too-large"), ("CancelledError", "too-large"),
    ("ResponseDataLossError", "data-loss"), ("UnsupportedURLSchemeError", "unsupported-scheme"),
)


def error_code(failure) -> str:
    """A short, stable code for why a request got no response (stored in `error`)."""
    value = failure.value
    message = str(value) or type(value).__name__
    if failure.check(IgnoreRequest):
        if "robots.txt" in message:
            return "robots"
        if message.startswith("blocked"):
            return message
        return f"ignored: {message}"
    names = {cls.__name__ for cls in type(value).__mro__}
    for name, code in ERROR_CODES:
        if name in names:
            return code
    if any(word in message for word in ("SSL", "TLS", "certificate")):
        return "tls"
    return f"connection: {type(value).__name__}: {message}"[:300]


def css_imports(text: str, base: str) -> Iterator[tuple[str, str]]:
    """(absolute url, media) of a stylesheet's @import rules."""
    for rule in tinycss2.parse_stylesheet(text, skip_whitespace=True, skip_comments=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "import":
            continue
        tokens = [t for t in rule.prelude if t.type not in ("whitespace", "comment")]
        if not tokens:
            continue
        first = tokens[0]
        if first.type in ("string", "url"):
            href = first.value
        elif first.type == "function" and first.lower_name == "url" and first.arguments \
                and first.arguments[0].type == "string":
            href = first.arguments[0].value
        else:
            continue
        media = tinycss2.serialize(tokens[1:]).strip() if len(tokens) > 1 else ""
        try:
            absolute = canonicalize(split_fragment(urljoin(base, href.strip()))[0])
        except ValueError:
            continue
        yield absolute, media


class LocalOfferSpider(scrapy.Spider):
    name = "localoffer"

    def __init__(self, config: str | None = None, audit_config: AuditConfig | None = None,
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if audit_config is None:
            if not config:
                raise ValueError("pass -a config=SITE.toml (or audit_config=...)")
            audit_config = load_config(config)
        self.audit_config = audit_config
        crawl = audit_config.crawl
        self.allowed_hosts = audit_config.allowed_hosts
        self.include = [re.compile(p) for p in crawl["include"]]
        self.exclude = [re.compile(p) for p in crawl["exclude"]]
        self.strip_params = crawl["strip_params"]
        self.max_pages = crawl["max_pages"]
        self.max_depth = crawl["max_depth"]
        self.max_redirects = crawl["max_redirects"]
        self.store_document_bytes = crawl["store_document_bytes"]
        self.offsite_check = crawl["offsite_check"]
        self.offsite_skip = crawl["offsite_skip_hosts"]
        self.max_stylesheets = crawl["max_stylesheets"]
        self.max_stylesheet_bytes = crawl["max_stylesheet_bytes"]
        self.requested_sheets: set[str] = set()  # stylesheets asked for (or stored) this run
        traps = audit_config.traps
        self.traps = TrapGuard(traps["max_per_pattern"], traps["max_param_combinations_per_path"],
                               traps["max_query_params"], traps["date_window_months"], date.today(),
                               traps["max_facet_pages_per_path"])
        self.scheduled_pages: set[str] = set()
        self.resolved: dict[str, tuple | None] = {}  # absolute link -> _resolve()
        self.internal: dict[str, bool] = {}  # URL -> is_internal()
        self.checked_targets: set[str] = set()
        self.skipped_targets: set[str] = set()
        self.limit_skips: dict[str, list] = {}  # reason -> [count, example]
        self.link_cache: dict[str, LinkStatus] = {}  # filled by the StorePipeline when it opens
        self.feed_services = 0
        self.sitemap_urls_left = crawl["max_sitemap_urls"]  # for the whole crawl
        # Sitemaps being read as they download (weak: a failed download's stream goes with it).
        self.sitemap_streams: WeakKeyDictionary[scrapy.Request, SitemapStream] = \
            WeakKeyDictionary()
        self.run_id: int | None = None
        # Filled by restore() when an interrupted run is resumed (audit --resume).
        self.resumed = False
        self.frontier_replayed = False
        self.stored_pages: dict[str, dict[str, Any]] = {}
        self.stored_links = lambda: iter(())
        self.stored_body = lambda url: b""
        self.stored_sheets: dict[str, list] = {}  # url -> its @imports
        self.stored_page_stylesheets = lambda: iter(())
        # On scrapy-redis (--distributed) several workers share one queue: new requests go
        # through its shared dupefilter, so no two workers fetch the same address.
        self.shared_dedup = False
        # Filled by use_previous() for an incremental re-audit ([crawl].incremental).
        self.previous_run: int | None = None
        self.previous_pages: dict[str, dict[str, Any]] = {}
        self.previous_links = lambda url: []
        self.previous_sheets = lambda url: []
        self.unchanged: set[str] = set()  # same sitemap lastmod as last time: not fetched

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        from ..crawl import settings_for

        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.shared_dedup = bool(crawler.settings.get("LOCALOFFER_DISTRIBUTED"))
        # Site values go in at "spider" priority; the CLI's own settings use "cmdline" and win.
        crawler.settings.setdict(settings_for(spider.audit_config), priority="spider")
        crawler.signals.connect(spider.headers_received, signal=signals.headers_received)
        crawler.signals.connect(spider.bytes_received, signal=signals.bytes_received)
        return spider

    # --- start -----------------------------------------------------------------------------------
    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for url in self.audit_config.start_urls:
            request = self.page_request(canonicalize(url, self.strip_params), clicks=0)
            if request is not None:
                yield request
        origins = dict.fromkeys(re.match(r"^https?://[^/]+", u).group(0)
                                for u in self.audit_config.start_urls)
        for origin in origins:
            if f"{origin}{NOT_FOUND_PROBE_PATH}" in self.stored_pages:
                continue
            # One deliberately missing address per host: what this site's "not found" looks
            # like, so soft-404 checks can compare pages against it.
            yield scrapy.Request(f"{origin}{NOT_FOUND_PROBE_PATH}", callback=self.parse_page,
                                 errback=self.discovery_failed, priority=10,
                                 dont_filter=not self.shared_dedup,
                                 meta={"kind": "probe", "clicks": 0,
                                       "url": f"{origin}{NOT_FOUND_PROBE_PATH}",
                                       "dont_redirect": True, "handle_httpstatus_all": True})
        oruk_url = self.audit_config.site.get("oruk_url")
        if oruk_url:
            yield from self.feed_requests([f"{oruk_url.rstrip('/')}/services?page=1&per_page="
                                           f"{ORUK_PER_PAGE}"])
        if self.audit_config.crawl["read_sitemaps"]:
            for origin in origins:
                yield scrapy.Request(f"{origin}/robots.txt", callback=self.parse_robots,
                                     errback=self.discovery_failed, priority=10,
                                     dont_filter=not self.shared_dedup,
                                     meta={"kind": "robots", "dont_obey_robotstxt": True,
                                           "handle_httpstatus_all": True, "origin": origin})
        if self.resumed and not self.audit_config.crawl["read_sitemaps"]:
            yield from self.resume_frontier()  # otherwise once robots.txt has been read

    # --- resuming an interrupted run -------------------------------------------------------------
    def restore(self, state: dict[str, Any]) -> None:
        """Take up an interrupted run from what the store holds (Store.resume_run): stored
        pages are never fetched again, stored link results never checked again."""
        self.resumed = True
        self.stored_pages = state["pages"]
        for url, info in self.stored_pages.items():
            if info["kind"] not in ("probe", "feed"):
                self.scheduled_pages.add(url)
                self.traps.remember(url)  # the trap guard's caps count them
        for url, error in state["link_status"].items():
            if error and error.startswith(("skipped:", "not-checked:")):
                self.skipped_targets.add(url)
                if error in ("skipped: max-depth", "skipped: max-pages"):
                    entry = self.limit_skips.setdefault(error.split(": ")[1], [0, url])
                    entry[0] += 1
            else:
                self.checked_targets.add(url)
            if error and (error == "robots" or error.startswith("blocked")):
                self.scheduled_pages.add(url)  # asked for as a page and refused: not again
        self.stored_sheets = state.get("stylesheets", {})
        self.requested_sheets.update(self.stored_sheets)  # stored: never fetched again

    def resume_frontier(self) -> Iterator[Any]:
        """Every decision the stored pages' links led to, taken again: links to pages not yet
        stored are requested (those in flight when the crawl stopped, and their followers);
        the rest are recognised as done. The stored feed responses are read again likewise."""
        if self.frontier_replayed:
            return
        self.frontier_replayed = True
        pages = self.stored_pages
        for source, target, tag in self.stored_links():
            info = pages.get(source)
            if info is None or not is_crawlable_scheme(target):
                continue
            clicks = info["depth"] or 0
            if tag == "http-redirect":
                yield from self.follow(target, clicks, "a")  # a redirect is not a click
            else:
                yield from self.follow(target, clicks + 1, tag)
        linked = set()
        for _page, sheet in self.stored_page_stylesheets():
            linked.add(sheet)
            yield from self.stylesheet_request(sheet, level=0)
        for sheet in linked:  # a stored sheet whose @imports were still to be fetched
            for imported, _media in self.stored_sheets.get(sheet, ()):
                yield from self.stylesheet_request(imported, level=1)
        for url, info in pages.items():
            if info["kind"] == "feed":
                yield from self.feed_requests(self.feed_followups(url, info["status"],
                                                                  self.stored_body(url)))

    # --- incremental re-audit ------------------------------------------------------------------
    def use_previous(self, run_id: int, pages: dict[str, dict[str, Any]], links,
                     sheets=None, crawled=()) -> None:
        """Re-audit against the site's previous completed run: its healthy pages are asked for
        conditionally, and kept (with their links and check results) when unchanged. Their
        stylesheets are fetched again (once each), unconditionally. The trap guard counts what
        that run `crawled` first, so the caps keep the same calendar and facet pages whatever
        order this crawl meets them in (with several requests in flight, the order varies):
        an unchanged site gives the same crawl, and the same results."""
        self.previous_run, self.previous_pages, self.previous_links = run_id, pages, links
        if sheets is not None:
            self.previous_sheets = sheets
        for url in crawled:
            self.traps.remember(url)

    def conditional_headers(self, url: str) -> dict[str, str]:
        known = self.previous_pages.get(url)
        if not known:
            return {}
        headers = {}
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        return headers

    def reuse(self, url: str, clicks: int, why: str) -> Iterator[Any]:
        """Keep the previous run's copy of an unchanged page and follow its stored links."""
        self.crawler.stats.inc_value("localoffer/pages")
        self.crawler.stats.inc_value(f"localoffer/incremental/{why}")
        yield ReusedPageItem(url, self.previous_run, clicks)
        for sheet in self.previous_sheets(url):
            yield from self.stylesheet_request(sheet, level=0)
        for target, tag in self.previous_links(url):
            if is_crawlable_scheme(target):
                yield from self.follow(split_credentials(target)[0], clicks + 1, tag)

    # --- classification --------------------------------------------------------------------------
    def is_internal(self, url: str) -> bool:
        internal = self.internal.get(url)
        if internal is None:
            if len(self.internal) >= RESOLVED_MAX:
                self.internal.clear()
            internal = self.internal[url] = matches_host(url, self.allowed_hosts)
        return internal

    def crawl_scope_reason(self, url: str) -> str | None:
        """Why an internal URL is not crawled as a page (None: crawl it)."""
        if self.include and not any(p.search(url) for p in self.include):
            return "not-included"
        if any(p.search(url) for p in self.exclude):
            return "excluded"
        return None

    # --- requests --------------------------------------------------------------------------------
    def page_request(self, url: str, clicks: int) -> scrapy.Request | None:
        if url in self.scheduled_pages or len(self.scheduled_pages) >= self.max_pages:
            return None
        self.scheduled_pages.add(url)
        return scrapy.Request(
            url, callback=self.parse_page, errback=self.page_failed,
            dont_filter=not self.shared_dedup, headers=self.conditional_headers(url),
            priority=-clicks,  # breadth-first, so shallow pages come first
            meta={"kind": "page", "clicks": clicks, "url": url, "dont_redirect": True,
                  "handle_httpstatus_all": True,
                  # unchanged by its sitemap lastmod: answered from the store, in crawl order
                  # (middlewares.ReuseUnchangedMiddleware), never downloaded
                  "reuse": url in self.unchanged})

    def check_request(self, url: str, method: str = "HEAD", hops: tuple[str, ...] = (),
                      origin: str | None = None, latency: float = 0.0,
                      hop_statuses: tuple[int, ...] = (), first: bool = False) -> scrapy.Request:
        # `latency` sums the server's answer times over earlier hops: time spent waiting in
        # our own queue or for Retry-After is not the partner site being slow.
        return scrapy.Request(
            url, method=method, callback=self.parse_check, errback=self.check_failed,
            dont_filter=not (first and self.shared_dedup), priority=-100,  # hops: never filtered
            meta={"kind": "check", "url": origin or url, "hops": hops, "dont_redirect": True,
                  "handle_httpstatus_all": True, "latency": latency, "hop_statuses": hop_statuses,
                  "max_retry_times": 1})  # a dead partner site should not cost minutes

    def headers_received(self, headers, body_length, request, spider) -> None:
        if request.meta.get("kind") == "check":
            raise StopDownload(fail=False)  # status and headers are all a link check needs

    def follow(self, url: str, clicks: int, tag: str) -> Iterator[Any]:
        """Decide what to do with one discovered http(s) URL."""
        if self.is_internal(url):
            if FOLLOW.get(tag, False) and clicks <= self.max_depth:
                if url in self.scheduled_pages:
                    return
                reason = self.crawl_scope_reason(url) or self.traps.admit(url)
                if reason is None:
                    request = self.page_request(url, clicks)
                    if request is not None:
                        yield request
                    else:
                        yield from self.skip(url, "skipped: max-pages")
                    return
                if reason not in ("excluded", "not-included"):
                    yield from self.skip(url, f"skipped: {reason}")
                    return
            elif FOLLOW.get(tag, False):
                if url not in self.scheduled_pages:
                    yield from self.skip(url, "skipped: max-depth")
                return
            if url not in self.scheduled_pages:
                yield from self.check(url)  # internal resources and excluded pages: status only
        elif self.offsite_check:
            if matches_host(url, self.offsite_skip):
                yield from self.skip(url, "not-checked: offsite_skip_hosts")
                return
            yield from self.check(url, offsite=True)
            if url.startswith("http://"):
                # Does the https: address work too? (links checks warn about http: links.)
                yield from self.check("https://" + url[len("http://"):], offsite=True)

    def check(self, url: str, offsite: bool = False) -> Iterator[Any]:
        if url in self.checked_targets:
            return
        self.checked_targets.add(url)
        cached = self.link_cache.get(url) if offsite else None
        if cached is not None:  # healthy within the cache lifetime: not requested again
            self.crawler.stats.inc_value("localoffer/checks/cached")
            yield LinkStatusItem(cached, offsite=True)
            return
        request = self.check_request(url, first=True)
        request.meta["offsite"] = offsite
        yield request

    def skip(self, url: str, why: str) -> Iterator[Any]:
        if url not in self.skipped_targets:
            self.skipped_targets.add(url)
            if why in ("skipped: max-depth", "skipped: max-pages"):
                entry = self.limit_skips.setdefault(why.split(": ")[1], [0, url])
                entry[0] += 1
            yield LinkStatusItem(LinkStatus(url, None, error=why))

    def capped(self) -> list[dict[str, Any]]:
        """Everything the crawl chose not to fetch, by trap pattern or limit, for the report."""
        limits = [{"pattern": "*", "reason": reason, "skipped": count, "example": example}
                  for reason, (count, example) in sorted(self.limit_skips.items())]
        return self.traps.capped() + limits

    # --- pages -----------------------------------------------------------------------------------
    def parse_page(self, response) -> Iterator[Any]:
        meta = response.meta
        url, clicks = meta["url"], meta["clicks"]
        headers = {k: response.headers.get(k).decode("latin-1") for k in HEADER_KEYS
                   if response.headers.get(k) is not None}
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        body = response.body
        kind = classify(content_type, body)
        record: dict[str, Any] = {
            "url": url, "final_url": response.url, "status": response.status,
            "content_type": content_type, "kind": kind, "size": len(body), "headers": headers,
            "elapsed": meta.get("download_latency"), "depth": clicks,
        }
        if meta.get("retry_after_exhausted"):
            record["error"] = "retry-after-exhausted"  # still 429/503: cannot verify, not broken
        if response.status == 304 and url in self.previous_pages and meta["kind"] == "page":
            yield from self.reuse(url, clicks, "sitemap-unchanged" if meta.get("reuse")
                                  else "not-modified")
            return
        if meta["kind"] == "probe":
            record.update(kind="probe", body=body[:self.store_document_bytes], depth=None,
                          encoding=getattr(response, "encoding", None) or "utf-8")
            yield PageItem(record)
            return
        self.crawler.stats.inc_value("localoffer/pages")
        target = None
        if 300 <= response.status < 400 and "location" in headers:
            try:
                target = canonicalize(urljoin(response.url, headers["location"]), self.strip_params)
            except ValueError:
                record["error"] = "bad-redirect-location"
        if target is not None:
            record["redirect_to"] = target
            # Links before their page, always: a stored page is a completed one (see --resume).
            yield LinksItem(url, [Link(url, target, "", "http-redirect", "location",
                                       internal=self.is_internal(target))])
            yield PageItem(record)
            if is_crawlable_scheme(target):
                # A redirect is not a click: the target keeps the same depth.
                yield from self.follow(target, clicks, "a")
            return
        if kind == "html":
            yield from self.parse_html(response, record, body, clicks)
        else:
            if kind == "document" and len(body) <= self.store_document_bytes:
                record["body"] = body
            yield PageItem(record)

    def parse_html(self, response, record: dict[str, Any], body: bytes, clicks: int) -> Iterator[Any]:
        url = record["url"]
        encoding = getattr(response, "encoding", None) or "utf-8"
        record.update(body=body, encoding=encoding)
        try:
            text = body.decode(encoding, errors="replace")
            tree = lxml_html.document_fromstring(text) if text.strip() else None
        except (ValueError, LookupError, Exception):  # lxml's ParserError on junk documents
            tree = None
        if tree is None:
            record["error"] = "unparsable-html"
            yield PageItem(record)
            return
        title = tree.findtext(".//title")
        record["title"] = WHITESPACE.sub(" ", title).strip() if title is not None else None
        words = tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style) "
                           "and not(ancestor::noscript)]")
        record["word_count"] = sum(len(w.split()) for w in words)
        if record["status"] >= 400:
            yield PageItem(record)
            return  # error pages are recorded (soft-404 checks compare against them), not followed
        base = tree.xpath("string(//base/@href)") or response.url
        base = urljoin(response.url, base)
        links: list[Link] = []
        follow: list[tuple[str, str]] = []
        sheets: list[tuple[str, str]] = []
        for element in tree.xpath(LINK_XPATH):
            tag = element.tag
            rels = set((element.get("rel") or "").lower().split())
            if tag == "link" and SKIPPED_LINK_RELS & rels:
                continue
            if tag == "link" and "stylesheet" in rels and "alternate" not in rels:
                sheet = self._stylesheet_url(element.get("href"), base)
                if sheet:
                    sheets.append((sheet, (element.get("media") or "").strip()))
            self._record_link(element.get(ATTR[tag]), tag, ATTR[tag], element, base, url,
                              links, follow)
        for element in tree.xpath("//meta[@http-equiv]"):
            if element.get("http-equiv", "").lower() == "refresh":
                found = REFRESH_URL.search(element.get("content") or "")
                if found:
                    self._record_link(found.group(1), "meta", "content", None, base, url,
                                      links, follow)
        if links:
            yield LinksItem(url, links)
        if sheets:
            yield PageStylesheetsItem(url, sheets)
        yield PageItem(record)  # after its links: a stored page is a completed one (--resume)
        for sheet, _media in sheets:
            yield from self.stylesheet_request(sheet, level=0)
        for target, tag in follow:
            yield from self.follow(target, clicks + 1, tag)

    def _record_link(self, raw, tag, attr, element, base, source, links, follow) -> None:
        """Append one link to `links`; http(s) targets also go to `follow` for a decision."""
        raw = (raw or "").strip()
        if not raw:
            return
        text = ""
        if element is not None and tag in ("a", "area"):
            text = WHITESPACE.sub(" ", element.text_content()).strip()[:MAX_LINK_TEXT]
            if not text and tag == "area":
                text = (element.get("alt") or "").strip()[:MAX_LINK_TEXT]
        absolute = urljoin(base, raw)
        resolved = self.resolved.get(absolute, MISSING)
        if resolved is MISSING:
            resolved = self._resolve(absolute)
        if resolved is None:  # not http(s), or not parsable: recorded as written, never requested
            links.append(Link(source, raw[:2000], text, tag, attr))
            return
        target, fragment, internal, address = resolved
        links.append(Link(source, target, text, tag, attr, fragment, internal))
        follow.append((address, tag))

    def _resolve(self, absolute: str) -> tuple[str, str | None, bool, str] | None:
        """(canonical target, fragment, internal?, address to request) of an absolute link,
        or None when it is not fetched. Remembered: menus repeat the same links on every page."""
        resolved = None
        # mailto:, tel:, javascript:, data:, file: ... are recorded, never requested.
        if is_crawlable_scheme(absolute):
            try:
                target, fragment = split_fragment(absolute)
                target = canonicalize(target, self.strip_params)
            except ValueError:  # e.g. port 99999
                target = None
            if target is not None:
                # A login written into a link is recorded (LNK312 reports it, redacted by the
                # store) but never sent: the address is requested without it.
                resolved = (target, fragment, self.is_internal(target),
                            split_credentials(target)[0])
        if len(self.resolved) >= RESOLVED_MAX:
            self.resolved.clear()
        self.resolved[absolute] = resolved
        return resolved

    # --- stylesheets ---------------------------------------------------------------------------
    def _stylesheet_url(self, raw: str | None, base: str) -> str | None:
        """The absolute address of a stylesheet reference (None for an empty or broken one)."""
        raw = (raw or "").strip()
        if not raw:
            return None
        absolute = urljoin(base, raw)
        if not is_crawlable_scheme(absolute):
            return absolute[:2000]  # recorded (so it counts as unknown), never requested
        try:
            return canonicalize(split_fragment(absolute)[0], self.strip_params)
        except ValueError:
            return absolute[:2000]

    def stylesheet_request(self, url: str, level: int) -> Iterator[scrapy.Request]:
        """Fetch a same-site stylesheet once per run. Off-site ones are never fetched (what
        they set stays unknown to the checks); the guards and robots.txt apply as to pages."""
        if url in self.requested_sheets or not is_crawlable_scheme(url) or not self.is_internal(url):
            return
        if len(self.requested_sheets) >= self.max_stylesheets:
            self.crawler.stats.inc_value("localoffer/stylesheets/capped")
            return
        self.requested_sheets.add(url)
        yield scrapy.Request(
            split_credentials(url)[0], callback=self.parse_stylesheet,
            errback=self.stylesheet_failed, dont_filter=not self.shared_dedup, priority=5,
            meta={"kind": "stylesheet", "url": url, "level": level, "dont_redirect": True,
                  "handle_httpstatus_all": True, "download_maxsize": self.max_stylesheet_bytes})

    def parse_stylesheet(self, response) -> Iterator[Any]:
        meta = response.meta
        url, status = meta["url"], response.status
        self.crawler.stats.inc_value("localoffer/stylesheets")
        raw_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        content_type = raw_type.split(";")[0].strip().lower()
        if status != 200:
            yield StylesheetItem(url, status, error=f"http-{status}", content_type=content_type)
            return
        if content_type and content_type != "text/css":
            # Browsers refuse a stylesheet served as anything else (standards mode).
            yield StylesheetItem(url, status, error=f"not-css: {content_type}",
                                 content_type=content_type)
            return
        encoding = getattr(response, "encoding", None) or "utf-8"
        try:
            text = response.body.decode(encoding, errors="replace")
        except LookupError:
            text = response.body.decode("utf-8", errors="replace")
        imports = list(css_imports(text, response.url))
        yield StylesheetItem(url, status, text=text, content_type=content_type, imports=imports)
        if meta.get("level", 0) == 0:  # one level of @import; deeper ones stay unknown
            for imported, _media in imports:
                yield from self.stylesheet_request(imported, level=1)

    def stylesheet_failed(self, failure) -> Iterator[Any]:
        request = failure.request
        self.crawler.stats.inc_value("localoffer/stylesheets/failed")
        yield StylesheetItem(request.meta.get("url", request.url), None, error=error_code(failure))

    def page_failed(self, failure) -> Iterator[Any]:
        request = failure.request
        url = request.meta.get("url", request.url)
        code = error_code(failure)
        self.crawler.stats.inc_value("localoffer/errors")
        self.count_failure(code)
        kind = "feed" if request.meta.get("kind") == "feed" else "other"
        if kind == "other" and (code == "robots" or code.startswith("blocked")):
            # Not fetched at all: it is a link target we were not allowed to request.
            yield LinkStatusItem(LinkStatus(url, None, error=code))
            return
        # A feed that could not be fetched is still the feed: its checks say it is down.
        yield PageItem({"url": url, "final_url": url, "status": None, "content_type": "",
                        "kind": kind, "error": code, "depth": request.meta.get("clicks")})

    def count_failure(self, code: str) -> None:
        """A counted event per failure kind (summary.json `events`, see events.py)."""
        self.crawler.stats.inc_value(f"localoffer/failed/{failure_kind(code)}")

    # --- link checks -----------------------------------------------------------------------------
    def parse_check(self, response) -> Iterator[Any]:
        meta = response.meta
        origin, hops = meta["url"], meta["hops"]
        method = response.request.method
        status = response.status
        location = response.headers.get("Location")
        before = meta.get("latency", 0.0)
        meta["latency"] = before + (meta.get("download_latency") or 0.0)
        target = None
        if 300 <= status < 400 and location:
            try:
                target = canonicalize(urljoin(response.url, location.decode("latin-1")),
                                      self.strip_params)
            except ValueError:
                yield self.check_status(origin, status, response.url, "bad-redirect-location",
                                        hops, meta, method)
                return
        if target is not None:
            if target in hops or target == origin:
                yield self.check_status(origin, status, response.url, "redirect-loop",
                                        hops + (target,), meta, method, hop_status=status)
            elif len(hops) >= self.max_redirects:
                yield self.check_status(origin, status, response.url, "too-many-redirects",
                                        hops + (target,), meta, method)
            elif not is_crawlable_scheme(target):
                yield self.check_status(origin, status, response.url, "redirect-to-non-http",
                                        hops + (target,), meta, method)
            else:
                hop = self.check_request(target, method, hops + (target,), origin,
                                         meta["latency"], meta.get("hop_statuses", ()) + (status,))
                hop.meta["offsite"] = meta.get("offsite", False)  # so its result is cached too
                yield hop
            return
        if method == "HEAD" and status >= 400 and status != 429:
            # Many servers refuse or mishandle HEAD (405, 501, even 404): confirm with GET.
            retry = self.check_request(response.url, "GET", hops, origin, before,
                                       meta.get("hop_statuses", ()))
            retry.meta["offsite"] = meta.get("offsite", False)
            yield retry
            return
        error = "retry-after-exhausted" if meta.get("retry_after_exhausted") else None
        headers = {k: response.headers.get(k).decode("latin-1") for k in CHECK_HEADER_KEYS
                   if response.headers.get(k) is not None}
        yield self.check_status(origin, status, response.url, error, hops, meta, method, headers)

    def check_status(self, origin, status, final_url, error, hops, meta, method,
                     headers=None, hop_status: int | None = None) -> LinkStatusItem:
        """The outcome of a link check; `hop_status` is the status of a redirect that ended it."""
        self.crawler.stats.inc_value("localoffer/checks")
        hop_statuses = tuple(meta.get("hop_statuses", ())) + ((hop_status,) if hop_status else ())
        return LinkStatusItem(LinkStatus(origin, status, final_url, error, tuple(hops),
                                         round(meta.get("latency", 0.0), 3), method, headers or {},
                                         redirect_statuses=hop_statuses),
                              offsite=meta.get("offsite", False))

    def check_failed(self, failure) -> Iterator[Any]:
        request = failure.request
        meta = request.meta
        self.crawler.stats.inc_value("localoffer/checks")
        code = error_code(failure)
        self.count_failure(code)
        yield LinkStatusItem(LinkStatus(meta.get("url", request.url), None, request.url,
                                        code, tuple(meta.get("hops", ())),
                                        None, request.method,
                                        redirect_statuses=tuple(meta.get("hop_statuses", ()))),
                             offsite=meta.get("offsite", False))

    # --- Open Referral UK feed ---------------------------------------------------------------------
    def feed_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_feed, errback=self.page_failed,
                              dont_filter=not self.shared_dedup, priority=5,
                              meta={"kind": "feed", "clicks": None, "url": url,
                                    "handle_httpstatus_all": True,
                                    "download_maxsize": self.audit_config.crawl["max_response_bytes"]})

    def parse_feed(self, response) -> Iterator[Any]:
        """Record each feed response (kind "feed"); follow the list's pages and each service's
        own record. Judging the feed is the directory checks' job."""
        headers = {k: response.headers.get(k).decode("latin-1")
                   for k in (*HEADER_KEYS, "access-control-allow-origin")
                   if response.headers.get(k) is not None}
        url = response.meta["url"]
        yield PageItem({"url": url, "final_url": response.url, "status": response.status,
                        "content_type": headers.get("content-type", "").split(";")[0].strip(),
                        "kind": "feed", "size": len(response.body), "headers": headers,
                        "body": response.body, "encoding": "utf-8",
                        "elapsed": response.meta.get("download_latency")})
        yield from self.feed_requests(self.feed_followups(url, response.status, response.body))

    def feed_requests(self, urls: Iterator[str] | list[str]) -> Iterator[scrapy.Request]:
        for url in urls:
            if url not in self.stored_pages:  # a resumed run already has it
                yield self.feed_request(url)

    def feed_followups(self, url: str, status: int | None, body: bytes) -> Iterator[str]:
        """The feed addresses one feed response leads to: its services and the next page."""
        if status != 200 or "/services?" not in url:
            return
        try:
            listing = json.loads(body)
        except ValueError:
            return
        if not isinstance(listing, dict):
            return
        base = url.split("/services?", 1)[0]
        services = listing.get("contents", listing.get("content")) or []
        for service in services if isinstance(services, list) else []:
            service_id = service.get("id") if isinstance(service, dict) else None
            if service_id and self.feed_services < ORUK_MAX_SERVICES:
                self.feed_services += 1
                yield f"{base}/services/{quote(str(service_id), safe='')}"
        page = listing.get("page_number", listing.get("number"))
        total = listing.get("total_pages", listing.get("totalPages"))
        if isinstance(page, int) and isinstance(total, int) and page < total and services:
            yield f"{base}/services?page={page + 1}&per_page={ORUK_PER_PAGE}"

    # --- sitemaps --------------------------------------------------------------------------------
    def parse_robots(self, response) -> Iterator[Any]:
        from protego import Protego

        sitemaps: list[str] = []
        if response.status == 200:
            try:
                sitemaps = list(Protego.parse(response.text).sitemaps)
            except Exception:  # a malformed robots.txt still lets us guess /sitemap.xml
                sitemaps = []
        if not sitemaps:
            sitemaps = [f"{response.meta['origin']}/sitemap.xml"]
        for sitemap in sitemaps:
            yield self.sitemap_request(urljoin(response.url, sitemap))
        if self.resumed:
            # After robots.txt, as in a fresh crawl: the stored frontier, taken up again.
            yield from self.resume_frontier()

    def sitemap_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.discovery_failed,
                              priority=10, meta={"kind": "sitemap", "handle_httpstatus_all": True,
                                                 "download_maxsize": SITEMAP_MAX_BYTES})

    def _sitemap_stream(self, request: scrapy.Request) -> SitemapStream:
        # Keyed by the request object, not kept in its meta: a retry is a new request (with a
        # copy of the meta) whose body starts again from the first byte.
        if request not in self.sitemap_streams:
            self.sitemap_streams[request] = SitemapStream(self.sitemap_urls_left,
                                                          SITEMAP_MAX_BYTES)
        return self.sitemap_streams[request]

    def bytes_received(self, data, request, spider) -> None:
        """Sitemaps are parsed as they arrive; once the URL cap is reached the rest of the
        file is not downloaded at all (a sitemap of 500,000 URLs is never held whole)."""
        if request.meta.get("kind") != "sitemap":
            return
        stream = self._sitemap_stream(request)
        stream.feed(data)
        if stream.full:
            raise StopDownload(fail=False)

    def parse_sitemap(self, response) -> Iterator[Any]:
        stream = self.sitemap_streams.pop(response.request, None)
        if response.status != 200:
            return
        if stream is None:  # the body came without bytes_received (e.g. from a middleware)
            stream = self._sitemap_stream(response.request)
            stream.feed(response.body)
            self.sitemap_streams.pop(response.request, None)
        stream.finish()
        if stream.invalid:
            self.crawler.stats.inc_value("localoffer/sitemap/invalid")
            return
        entries = stream.entries[:max(0, self.sitemap_urls_left)]
        if stream.full or len(entries) < len(stream.entries):
            self.crawler.stats.inc_value("localoffer/sitemap/capped")
        self.sitemap_urls_left -= len(entries)
        for entry in entries:
            loc = entry["loc"]
            if stream.type == "sitemapindex":
                if self.is_internal(loc):
                    yield self.sitemap_request(loc)
                continue
            try:
                url = canonicalize(split_fragment(urljoin(response.url, loc))[0], self.strip_params)
            except ValueError:
                continue
            self.crawler.stats.inc_value("localoffer/sitemap/urls")
            lastmod = entry.get("lastmod")
            yield SitemapEntryItem(url, lastmod, response.url)
            known = self.previous_pages.get(url, {})
            if lastmod and known.get("lastmod") == lastmod and not (
                    known.get("etag") or known.get("last_modified")):
                # No validator to ask with, but the site says it is unchanged: not fetched.
                # (With a validator a conditional request is exact and costs no body: sitemaps
                # often keep a lastmod while the page is edited.)
                self.unchanged.add(url)
            if self.is_internal(url) and is_crawlable_scheme(url):
                # Sitemap entries are entry points, like start URLs: they start at 0 clicks.
                yield from self.follow(url, 0, "a")

    def discovery_failed(self, failure) -> Iterator[Any]:
        self.crawler.stats.inc_value("localoffer/sitemap/unreachable")
        if self.resumed and failure.request.meta.get("kind") == "robots":
            yield from self.resume_frontier()
