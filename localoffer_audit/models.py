"""The data that flows between stages: rules, findings and snapshots of crawled pages. No I/O here."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from typing import Any, Iterable, Iterator, Mapping

# Check family names are part of the public output contract (docs/output-format.md).
FAMILIES = ("links", "staleness", "readability", "accessibility", "required-content", "directory")
# Reserved for findings the framework itself raises (a check that crashed on a page).
INTERNAL_FAMILY = "internal"

RULE_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,3}[0-9]{3}$")
RULE_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "notice": 1}[self.value]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: data only. Checks emit findings that cite a rule by its code."""

    code: str  # stable, e.g. "LNK301"
    name: str  # slug, e.g. "broken-internal-link"
    summary: str  # one line
    severity: Severity  # default; a site config may override it
    family: str  # one of FAMILIES (third-party checks may add their own)
    tags: tuple[str, ...] = ()
    fix: str = ""  # default suggested fix, in plain English
    doc: str = ""  # Markdown: What it checks / Why it matters / Example / How to fix
    who_affected: str = ""  # one plain-English sentence for families: who meets this problem

    def validate(self) -> list[str]:
        problems = []
        if not RULE_CODE.match(self.code):
            problems.append(f"rule code {self.code!r} must look like LNK301")
        if not RULE_NAME.match(self.name):
            problems.append(f"rule name {self.name!r} must be a lower-case slug")
        if not self.summary.strip():
            problems.append(f"rule {self.code} has no summary")
        if not isinstance(self.severity, Severity):
            problems.append(f"rule {self.code} severity must be a Severity")
        if not RULE_NAME.match(self.family or ""):
            problems.append(f"rule {self.code} family {self.family!r} must be a slug")
        return problems


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found on one page (or the site), with who should fix it."""

    rule: str
    rule_name: str
    family: str
    severity: Severity
    url: str  # the page where the problem is (for links: the source page)
    message: str
    fix: str = ""
    target: str | None = None  # for link findings: the link target
    selector: str | None = None
    snippet: str | None = None
    owner: str = ""
    owner_contact: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """Stable across runs: the same problem at the same place has the same fingerprint."""
        where = self.target or self.selector or ""
        key = "\x1f".join((self.rule, self.url, where))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]

    def with_changes(self, **changes: Any) -> Finding:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Link:
    source: str
    target: str  # canonical absolute URL (or the raw href for non-http schemes)
    text: str
    tag: str
    attr: str
    fragment: str | None = None
    internal: bool = False  # target is on one of the site's allowed hosts


@dataclass(frozen=True, slots=True)
class LinkedStylesheet:
    """A stylesheet a page uses, as the crawl stored it. `text` is None when it was not fetched
    (off-site, refused by robots.txt, too large, failed, over the cap): what it sets is unknown."""

    url: str
    media: str = ""
    text: str | None = None


@dataclass
class Page:
    """A stored snapshot of one fetched URL, as checks see it. Parsing is lazy and done once."""

    url: str
    status: int | None
    content_type: str
    kind: str  # "html", "document", "other"
    final_url: str = ""
    depth: int | None = None
    title: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    encoding: str = "utf-8"
    owner: str = ""
    error: str | None = None
    links: tuple[Link, ...] = ()
    fetched_at: str | None = None  # ISO 8601; date checks measure age from here, not from "now"
    sitemap_lastmod: str | None = None
    # The page's linked stylesheets in cascade order (each @import before the sheet importing
    # it); None when the crawl recorded none (no <link rel=stylesheet>, or an older store).
    # The runner shares one LinkedStylesheet per URL between all pages of a run.
    stylesheets: tuple[LinkedStylesheet, ...] | None = None

    @cached_property
    def text(self) -> str:
        return self.body.decode(self.encoding or "utf-8", errors="replace")

    @cached_property
    def document_text(self) -> str:
        """Text of a PDF or Word document ("" for HTML and unreadable documents)."""
        if self.kind != "document" or not self.body:
            return ""
        if self.pdf is not None:  # one parse of a PDF serves the text and the PDF checks
            return self.pdf.text
        from .documents import document_text

        return document_text(self.body, self.content_type, self.url)

    @cached_property
    def pdf(self):
        """documents.PdfFacts of a PDF document (None for anything else)."""
        if self.kind != "document" or not self.body:
            return None
        from .documents import pdf_facts

        return pdf_facts(self.body, self.content_type, self.url)

    @cached_property
    def tree(self):
        """The lxml HTML tree (None for documents and empty bodies)."""
        if self.kind != "html" or not self.body.strip():
            return None
        from lxml import html as lxml_html

        try:
            return lxml_html.document_fromstring(self.text)
        except (ValueError, TypeError, Exception):  # lxml raises ParserError on junk
            return None

    def finding(self, rule: Rule, message: str | None = None, **fields: Any) -> Finding:
        """Build a finding for this page from a rule; keyword fields override the defaults."""
        return Finding(
            rule=rule.code,
            rule_name=rule.name,
            family=rule.family,
            severity=rule.severity,
            url=self.url,
            message=message or rule.summary,
            fix=fields.pop("fix", rule.fix),
            **fields,
        )


@dataclass
class LinkStatus:
    """What happened when a link target was requested (or why it was not)."""

    url: str
    status: int | None
    final_url: str | None = None
    error: str | None = None  # e.g. "dns", "timeout", "robots", "blocked", "not-checked"
    redirects: tuple[str, ...] = ()
    elapsed: float | None = None
    method: str | None = None  # HEAD, GET, or "cache" (a result kept from an earlier run)
    headers: Mapping[str, str] = field(default_factory=dict)  # selected response headers
    content_type: str | None = None
    redirect_statuses: tuple[int, ...] = ()  # status of each redirect hop (301, 302, 307, 308)

    @property
    def is_error(self) -> bool:
        return self.status is not None and self.status >= 400


class Site:
    """The whole crawl as site checks see it. Backed by the store; pages are loaded lazily."""

    def __init__(self, run_id: int, start_urls: tuple[str, ...], page_loader, status_lookup,
                 link_loader, options: Mapping[str, Any] | None = None, *, page_getter=None,
                 not_found_pages=(), started_at: str = "", feed_loader=None,
                 page_owner=None, engine_loader=None,
                 rules: Mapping[str, Rule] | None = None) -> None:
        self.run_id = run_id
        self.start_urls = start_urls
        self._page_loader = page_loader
        self._status_lookup = status_lookup
        self._link_loader = link_loader
        self._page_getter = page_getter
        self.options = options or {}
        self.not_found_pages: tuple[Page, ...] = tuple(not_found_pages)  # one per host, see spider
        self.started_at = started_at  # when the crawl began (ISO 8601): "today" for date checks
        self._feed_loader = feed_loader
        self._page_owner = page_owner
        self._engine_loader = engine_loader
        self.rules: Mapping[str, Rule] = rules or {}  # every installed rule, by code

    def engine_results(self) -> Iterator[dict[str, Any]]:
        """Raw results of the real-browser accessibility engine, one record per rendered page
        (see Store.iter_engine_results); none when the crawl ran without an engine."""
        return iter(self._engine_loader()) if self._engine_loader else iter(())

    def feed_pages(self) -> Iterator[Page]:
        """Responses of the site's Open Referral UK feed ([site].oruk_url), kind "feed":
        JSON bodies of the service list pages and of each service's record."""
        return iter(self._feed_loader()) if self._feed_loader else iter(())

    def owner_of(self, url: str) -> str:
        """The owner of a URL under the site's [[owners]] rules (for site-level findings)."""
        return self._page_owner(url) if self._page_owner else ""

    def page(self, url: str) -> Page | None:
        """One stored page with its body (for example the target of a #fragment link)."""
        return self._page_getter(url) if self._page_getter else None

    def pages(self) -> Iterator[Page]:
        return iter(self._page_loader())

    def links(self) -> Iterable[Link]:
        """Every recorded link of the run (streamed from the store)."""
        return self._link_loader()

    def status_of(self, url: str) -> LinkStatus | None:
        """The resolved status of a URL: internal pages follow their recorded redirects."""
        return self._status_lookup(url)
