"""The accessibility statement (family `accessibility`, A11Y560-A11Y569): one site check.

The Public Sector Bodies Accessibility Regulations 2018 (reg 8) require a statement, and GDS's
sample statement says what it holds. Found by link text and address patterns (options), then:
  A11Y560  no statement found at all
  A11Y561  pages that do not link to it (GDS: every page, usually the footer)
  A11Y562  each required section that is missing, one finding per section, named
  A11Y563  the compliance sentence claims only WCAG 2.0 or 2.1 (GDS monitors against 2.2)
  A11Y564  the statement is a document (PDF, Word), not a web page
  A11Y565  the statement is linked but was not crawled, so its sections were not checked
"Last reviewed within 12 months" is rule STL423 (checks/staleness.py, option
[checks.expired-content].statement_review_max_months): one rule for one fact. A11Y562 only
says when the statement gives no "last reviewed" date at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping
from urllib.parse import urlsplit

from .. import dates as D
from ..models import Finding, Page, Rule, Severity, Site
from . import read_options, rule_factory, with_who_affected
from .staleness import read

NAME = "accessibility-statement"
_rule = rule_factory("accessibility")

STATEMENT_MISSING = _rule(
    "A11Y560", "accessibility-statement-missing", "The site has no accessibility statement",
    Severity.ERROR, "Publish an accessibility statement as a web page, following GOV.UK's "
    "sample statement, and link to it from the footer of every page.", "psbar-2018",
    "psbar-2018-reg8")
STATEMENT_NOT_LINKED = _rule(
    "A11Y561", "accessibility-statement-not-linked", "Some pages do not link to the "
    "accessibility statement", Severity.WARNING, "Add a link to the accessibility statement "
    "to the footer of every page template (including pages on other platforms, such as the "
    "service directory).", "psbar-2018", "psbar-2018-reg8")
SECTION_MISSING = _rule(
    "A11Y562", "accessibility-statement-section-missing", "The accessibility statement is "
    "missing a required section", Severity.ERROR, "Add the missing section, using the "
    "wording of GOV.UK's sample accessibility statement.", "psbar-2018", "psbar-2018-reg8")
OLD_WCAG = _rule(
    "A11Y563", "accessibility-statement-old-wcag", "The accessibility statement measures the "
    "site against WCAG 2.0 or 2.1 only", Severity.NOTICE, "Test the site against WCAG 2.2 AA, "
    "which GDS monitors against, and update the compliance status sentence.", "psbar-2018",
    "wcag22")
STATEMENT_NOT_HTML = _rule(
    "A11Y564", "accessibility-statement-not-html", "The accessibility statement is a document, "
    "not a web page", Severity.WARNING, "Publish the statement as an HTML page, as GOV.UK "
    "asks; a PDF statement is often inaccessible itself.", "psbar-2018", "gds-html-first")
STATEMENT_NOT_CHECKED = _rule(
    "A11Y565", "accessibility-statement-not-checked", "The accessibility statement is linked "
    "but was not crawled, so its sections were not checked", Severity.NOTICE,
    "Check the statement by hand, or add its site to [site].allowed_hosts so it is crawled.",
    "psbar-2018")

WHO_AFFECTED = {
    "A11Y560": "Disabled parents and young people cannot find out what will not work for "
               "them, how to get information another way, or how to complain.",
    "A11Y561": "Families who meet a barrier cannot find the statement from the page they are "
               "on, so they cannot report it or ask for another format.",
    "A11Y562": "Disabled families miss what the law says the statement must tell them: what "
               "is not accessible, how to report it and where to complain.",
    "A11Y563": "Disabled families are not told about barriers that the current accessibility "
               "standard tests for, such as small targets and focus hidden behind sticky headers.",
    "A11Y564": "Screen-reader users and families on phones may not be able to read the "
               "statement that should help them.",
    "A11Y565": "Nobody has checked that the statement tells disabled families what it must.",
}


@dataclass(frozen=True)
class Section:
    id: str
    label: str  # how a message names it
    needs: str  # what it must say
    dated: bool = False  # the pattern is a label that must be followed by a date


SECTIONS = (
    Section("compliance-status", "Compliance status",
            "a sentence saying the website is fully, partially or not compliant with the Web "
            "Content Accessibility Guidelines version 2.x AA standard"),
    Section("non-accessible-content", "Non-accessible content",
            "what is not accessible, why, and what the alternatives are"),
    Section("reporting-problems", "Reporting accessibility problems",
            "how to report an accessibility problem with the website"),
    Section("contact", "Contact details",
            "an email address, phone number or contact form for reporting problems and asking "
            "for information in another format"),
    Section("enforcement-procedure", "Enforcement procedure",
            "that the Equality and Human Rights Commission (EHRC) enforces the regulations and "
            "that people can contact the Equality Advisory and Support Service (EASS); in "
            "Northern Ireland, the Equality Commission for Northern Ireland (ECNI)"),
    Section("preparation-date", "Preparation date",
            "when the statement was prepared (\"This statement was prepared on ...\")", True),
    Section("last-reviewed-date", "Last reviewed date",
            "when the statement was last reviewed (\"It was last reviewed on ...\")", True),
)
SECTION_IDS = tuple(s.id for s in SECTIONS)
_BY_ID = {s.id: s for s in SECTIONS}
_DATE_AFTER = rf"[^.\n]{{0,40}}?(?:{D.DATE_PATTERN})"
_WCAG = re.compile(r"\bWCAG\b|Web Content Accessibility Guidelines", re.IGNORECASE)
_VERSION = re.compile(r"(?<![\d.])(2\.\d)(?![\d.]*\d)")  # 2.1, 2.2 ("2018" is not one)
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n")


def _compile(patterns: list[str], what: str, dated: bool = False) -> re.Pattern:
    try:
        body = "|".join(f"(?:{p})" for p in patterns)
        return re.compile(f"(?:{body}){_DATE_AFTER}" if dated else body, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"{what}: not a regular expression ({exc})") from None


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _listed(urls: list[str], limit: int) -> str:
    shown = ", ".join(_path(u) for u in urls[:limit])
    return shown + (f" and {len(urls) - limit} more" if len(urls) > limit else "")


class AccessibilityStatement:
    """Find the accessibility statement, check every page links to it, and read it."""

    name = NAME
    rules = with_who_affected((STATEMENT_MISSING, STATEMENT_NOT_LINKED, SECTION_MISSING, OLD_WCAG,
             STATEMENT_NOT_HTML, STATEMENT_NOT_CHECKED), WHO_AFFECTED)

    def __init__(self, link_text_patterns: list[str], url_patterns: list[str],
                 title_patterns: list[str], section_patterns: Mapping[str, list[str]],
                 current_wcag_version: str, pages_named: int) -> None:
        self.link_text = _compile(link_text_patterns, "link_text_patterns")
        self.url = _compile(url_patterns, "url_patterns")
        self.title = _compile(title_patterns, "title_patterns")
        self.sections = {sid: _compile(section_patterns[sid], f"section_patterns.{sid}",
                                       _BY_ID[sid].dated) for sid in SECTION_IDS}
        self.current = tuple(int(x) for x in current_wcag_version.split("."))
        self.pages_named = pages_named
        self.linked_from: dict[str, tuple[str, ...]] = {}  # html page -> statement-like targets
        self.statements: list[dict[str, Any]] = []  # what each statement page says
        self.documents: dict[str, str] = {}  # statement-like document url -> content type
        self._seen = 0

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> AccessibilityStatement:
        from ..defaults import CHECK_OPTIONS

        merged = read_options(options, NAME)
        given = merged["section_patterns"]
        unknown = sorted(set(given) - set(SECTION_IDS))
        if unknown:
            raise ValueError(f"section_patterns: unknown section {unknown[0]!r} "
                             f"(known: {', '.join(SECTION_IDS)})")
        for sid, patterns in given.items():
            if not isinstance(patterns, list) or not patterns \
                    or not all(isinstance(p, str) and p for p in patterns):
                raise ValueError(f"section_patterns.{sid} must be a list of regular "
                                 f"expressions, got {patterns!r}")
        # a site replaces the patterns of the sections it names and keeps the others
        merged["section_patterns"] = {**CHECK_OPTIONS[NAME]["section_patterns"], **given}
        if not re.fullmatch(r"2\.\d", merged["current_wcag_version"]):
            raise ValueError("current_wcag_version must look like \"2.2\", got "
                             f"{merged['current_wcag_version']!r}")
        if merged["pages_named"] < 1:
            raise ValueError("pages_named must be 1 or more")
        return cls(**merged)

    # --- one page at a time (the runner's single pass; see content.RequiredContent) ----------

    def measure_page(self, page: Page) -> dict[str, Any]:
        self._seen += 1
        self._add(page)
        return {}

    def _statement_link(self, text: str, target: str) -> bool:
        return bool(self.link_text.search(text) or self.url.search(_path(target)))

    def _add(self, page: Page) -> None:
        if not page.status or not 200 <= page.status < 300:
            return
        if page.kind == "document":
            if self.url.search(_path(page.url)) or self.title.search(page.title or ""):
                self.documents[page.url] = page.content_type
            return
        if page.kind != "html":
            return
        targets = tuple(dict.fromkeys(
            link.target.split("#", 1)[0] for link in page.links
            if link.tag == "a" and self._statement_link(link.text or "", link.target)))[:5]
        reading = read(page)
        if not reading.checkable:
            return
        self.linked_from[page.url] = targets
        if self.title.search(reading.title) or self.title.search(reading.h1):
            self.statements.append(self._read_statement(page, reading))

    def _read_statement(self, page: Page, reading) -> dict[str, Any]:
        text = "\n".join(b.text for b in reading.content)
        present = {sid: bool(pattern.search(text)) for sid, pattern in self.sections.items()}
        versions = set()
        for sentence in _SENTENCES.split(text):
            if self.sections["compliance-status"].search(sentence):
                wcag = _WCAG.search(sentence)
                if wcag:  # every version named after "WCAG": "versions 2.1 and 2.2"
                    versions |= {m[1] for m in _VERSION.finditer(sentence, wcag.end())}
        return {"url": page.url, "present": present, "versions": sorted(versions)}

    # --- the site ----------------------------------------------------------------------------

    def check_site(self, site: Site) -> Iterator[Finding]:
        if not self._seen:
            for page in site.pages():
                self._add(page)
        start = site.start_urls[0] if site.start_urls else ""
        statement_urls = {s["url"] for s in self.statements}
        crawled = set(self.linked_from) | set(self.documents)
        # statement-like links to pages the crawl did not fetch (another website's statement)
        elsewhere = {t for targets in self.linked_from.values() for t in targets} - crawled
        if not statement_urls:
            if self.documents:
                url = sorted(self.documents)[0]
                yield self._finding(STATEMENT_NOT_HTML, url, "The accessibility statement is a "
                                    "document, not a web page. GOV.UK asks for the statement "
                                    "to be published as HTML, so everyone can read it.")
                statement_urls = set(self.documents)
            elif elsewhere:
                url = sorted(elsewhere)[0]
                yield self._finding(STATEMENT_NOT_CHECKED, url, "Pages link to an "
                                    f"accessibility statement at {url}, but it was not crawled "
                                    "(it may be on another website), so its sections were not "
                                    "checked.", target=url)
                statement_urls = elsewhere
            else:
                yield self._finding(STATEMENT_MISSING, start, "No accessibility statement was "
                                    f"found: none of the {len(self.linked_from)} pages checked "
                                    "links to one, and no page is titled as one. Public sector "
                                    "websites must publish one (Accessibility Regulations "
                                    "2018, regulation 8).")
                return
        yield from self._not_linked(statement_urls, start)
        for statement in self.statements:
            yield from self._sections(statement)

    def _not_linked(self, statement_urls: set[str], start: str) -> Iterator[Finding]:
        # A statement-like link to a page that was not crawled (often the council's main
        # website) still counts: whether that page is a statement is A11Y565's business.
        crawled = set(self.linked_from) | set(self.documents)
        checked = [u for u in self.linked_from if u not in statement_urls]
        lacking = sorted(u for u in checked if not any(
            t in statement_urls or t not in crawled for t in self.linked_from[u]))
        if not lacking:
            return
        # on the start page: the fault is in the other pages' templates, not in the statement
        yield self._finding(
            STATEMENT_NOT_LINKED, start or lacking[0], f"{len(lacking)} of the {len(checked)} pages checked "
            f"do not link to the accessibility statement: {_listed(lacking, self.pages_named)}. "
            "GOV.UK asks for a link on every page, usually in the footer.",
            selector="statement-link", target=sorted(statement_urls)[0],
            extra={"pages": lacking[:50], "count": len(lacking), "checked": len(checked)})

    def _sections(self, statement: dict[str, Any]) -> Iterator[Finding]:
        url = statement["url"]
        for section in SECTIONS:
            if statement["present"][section.id]:
                continue
            yield self._finding(
                SECTION_MISSING, url, f"The accessibility statement has no \"{section.label}\" "
                f"section: it should say {section.needs}.", selector=f"statement:{section.id}",
                extra={"section": section.id, "label": section.label})
        versions = statement["versions"]
        if versions:
            newest = max(tuple(int(x) for x in v.split(".")) for v in versions)
            if newest < self.current:
                claimed = " and ".join(f"WCAG {v}" for v in versions)
                current = ".".join(str(x) for x in self.current)
                yield self._finding(
                    OLD_WCAG, url, f"The compliance status measures the site against "
                    f"{claimed} only. GDS monitors public sector websites against WCAG "
                    f"{current} AA, which adds criteria such as target size and focus not "
                    "obscured.", selector="statement:compliance-status",
                    extra={"versions": versions, "current": current})

    @staticmethod
    def _finding(rule: Rule, url: str, message: str, **fields: Any) -> Finding:
        return Finding(rule=rule.code, rule_name=rule.name, family=rule.family,
                       severity=rule.severity, url=url, message=message, fix=rule.fix, **fields)


CHECKS = [AccessibilityStatement]
