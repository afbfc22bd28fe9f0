"""The HTML report: a folder of small, self-contained pages (inline CSS and SVG, no JavaScript).

    report.html               the overview (entry point): scorecard, charts, owners, rules
    required-content.html     the statutory topics: status, evidence pages, click depth
    accessibility.html        barriers families meet, in plain English, for parent carer forums
    owners/<slug>.html        one page per owner: scorecard, what to fix first, worst and stale
                              pages, what was fixed since the last run (can be sent on its own)
    pages/index.html          every page with problems, in parts, owner by owner
    pages/<n>.html            part n: all findings for up to 100 pages of one owner

Every file stays small however big the site is, so each opens quickly. Crawled text is
hostile: autoescape is on for every template, nothing crawled is marked safe, and only http(s)
and mailto addresses become links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ..models import Finding
from . import charts, write_atomic
from .owner_csv import owner_files
from .viewmodel import (AGE_BINS, BARRIERS, DEPTH_COLUMNS, SEVERITY_ORDER, PageRow, ReportData,
                        barrier_for, plain_problem)

MAX_PAGES_PER_PART = 100  # pages in one pages/<n>.html
MAX_FINDINGS_PER_PART = 600  # ...or fewer when they have many findings
STALE_PAGES_SHOWN = 25
ACTIONS_SHOWN = 40
FIXED_SHOWN = 50
OWNED_PATTERNS = (re.compile(r"^\d+\.html$"), re.compile(r"^[a-z0-9-]+\.html$"))

NAV = (("overview", "report.html", "Overview"),
       ("required-content", "required-content.html", "Required content"),
       ("owners", "report.html#owners", "Owners"),
       ("pages", "pages/index.html", "Pages with problems"),
       ("accessibility", "accessibility.html", "Barriers for families"))


# --- filters -----------------------------------------------------------------------------------

def short_url(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def safe_href(url: str | None, mail: bool = False) -> str | None:
    """The address as a link target only if it is http(s) (or mailto: when `mail`): crawled
    addresses such as javascript: or data: must never become links."""
    if not url or any(c in url for c in "\x00\r\n\t"):
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    if scheme in ("http", "https") or (mail and scheme == "mailto"):
        return url.strip()
    return None


def num(value: Any) -> str:
    if value is None:
        return "\u2013"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def pct(value: float | None) -> str:
    if value is None:
        return "\u2013"
    return f"{value * 100:.0f}%" if value >= 0.01 or value == 0 else "under 1%"


def rate(value: float | None) -> str:
    """A small ratio with enough digits to tell it from zero: 0.005, 0.12, 1.5."""
    if value is None:
        return "\u2013"
    if value == 0 or value >= 1:
        return f"{value:,.1f}" if value else "0"
    digits = 2
    while value < 10 ** -digits and digits < 5:
        digits += 1
    return f"{value:.{digits}f}".rstrip("0") if digits > 2 else f"{value:.2f}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{num(n)} {word if n == 1 else (many or word + 's')}"


def long_date(value: Any) -> str:
    """'22 November 2026' from a date or an ISO 8601 string (unchanged if it is neither)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(
                value[:10])
        except ValueError:
            return value
    return f"{value.day} {value.strftime('%B')} {value.year}"


def short_date(value: Any) -> str:
    text = long_date(value)
    parts = text.split()
    return f"{parts[0]} {parts[1][:3]} {parts[2][2:]}" if len(parts) == 3 else text


def age(days: int | None) -> str:
    """Days as words: '3 weeks', '5 months', '2 years and 3 months'."""
    if days is None:
        return "no date shown"
    if days < 14:
        return plural(days, "day")
    if days < 61:
        return plural(days // 7, "week")
    months = int(days / 30.44)
    if months < 24:
        return plural(months, "month")
    years, months = divmod(months, 12)
    return plural(years, "year") + (f" and {plural(months, 'month')}" if months else "")


DATE_SOURCES = {"visible-text": "the date shown on the page",
                "time-element": "the page's date markup", "json-ld": "the page's structured data",
                "meta": "the page's meta data", "sitemap": "the site map",
                "http-last-modified": "the web server (may only be when it was served)"}

FILTERS = {"short_url": short_url, "safe_href": safe_href, "num": num, "pct": pct, "rate": rate,
           "plural": plural, "long_date": long_date, "short_date": short_date, "age": age}


def make_environment() -> Environment:
    env = Environment(loader=PackageLoader("localoffer_audit.reports", "templates"),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True,
                      undefined=StrictUndefined, auto_reload=False)
    env.filters.update(FILTERS)
    env.globals.update(severity_order=SEVERITY_ORDER, nav=NAV, date_sources=DATE_SOURCES,
                       plain_problem=plain_problem, barrier_for=barrier_for,
                       barriers=BARRIERS, age_bins=AGE_BINS,
                       depth_columns=list(DEPTH_COLUMNS), action_limit=ACTIONS_SHOWN,
                       stale_limit=STALE_PAGES_SHOWN, fixed_limit=FIXED_SHOWN,
                       max_pages_per_part=MAX_PAGES_PER_PART)
    return env


# --- the hot path: the rows of every finding ----------------------------------------------------

def finding_rows(data: ReportData, view: PageView) -> Markup:
    """The table rows of one page's findings (pages/<n>.html).

    A big site has 100,000 of these, so they are built here rather than in Jinja, which spends
    most of a big report's time on them otherwise (about ten times slower). The same rule
    holds: every value is escaped (markupsafe.escape), crawled or not; nothing is trusted.
    """
    out: list[str] = []
    accepted, new = data.accepted, data.new_keys
    for f in view.findings:
        level = str.__str__(f.severity)  # a StrEnum: its value, without the slow .value
        first = [f'<tr><td><span class="sev sev-{level}">{level}</span>']
        if new and (f.rule, f.url, f.target or f.selector or "") in new:  # data.is_new(f)
            first.append('<br><span class="tag tag-new">New</span>')
        if accepted and f.fingerprint in accepted:
            first.append('<br><span class="tag tag-accepted">Accepted</span>')
        first.append(f"</td><td>{escape(f.message)}")
        if f.target:
            first.append(f'<br>Link to: <span class="url">{escape(f.target)}</span>')
        if f.snippet:
            first.append(f'<br>Found: <span class="snippet">{escape(f.snippet)}</span>')
        first.append(f'<br><span class="meta"><code>{escape(f.rule)}</code> '
                     f'{escape(f.rule_name)}')
        if f.owner != view.owner:
            first.append(f" · for {escape(f.owner)}")
        first.append(f"</span></td><td>{escape(f.fix)}</td></tr>\n")
        out.append("".join(first))
    return Markup("".join(out))


def page_facts(data: ReportData, view: PageView) -> Markup:
    """The facts about one page above its findings (pages/<n>.html), built here for the same
    reason as finding_rows (20,000 pages); every value is escaped."""
    row = view.row
    out = ['<dl class="facts">']
    if row is not None and row.title:
        out.append(f"<dt>Title</dt><dd>{escape(row.title)}</dd>")
    href = safe_href(view.url)
    address = escape(view.url)
    out.append(f'<dt>Address</dt><dd><a href="{escape(href)}">{address}</a></dd>' if href
               else f"<dt>Address</dt><dd>{address}</dd>")
    if row is not None:
        depth = "only found in the site map" if row.depth is None else num(row.depth)
        out.append(f"<dt>Clicks from home</dt><dd>{escape(depth)}</dd>")
        updated = row.metrics.get("last_updated")
        if updated and view.url not in data.page_ages:
            text = f"{updated} (not a date this report can read)"
        elif updated:
            source = DATE_SOURCES.get(row.metrics.get("date_source") or "", "the page")
            text = (f"{long_date(updated)} ({age(data.page_ages.get(view.url))} before the "
                    f"audit, from {source})")
        else:
            text = "no date shown"
        out.append(f"<dt>Last updated</dt><dd>{escape(text)}</dd>")
        reading_age = row.metrics.get("reading_age")
        if reading_age:
            out.append(f"<dt>Reading age</dt><dd>{escape(reading_age)} years</dd>")
        if row.status and row.status != 200:
            out.append(f"<dt>Answer</dt><dd>HTTP {escape(row.status)}</dd>")
    out.append("</dl>")
    return Markup("".join(out))


# --- layout: which file holds what -------------------------------------------------------------

@dataclass
class PageView:
    """One address with findings, as shown in a part of pages/."""

    index: int  # 1-based, across the whole report
    url: str
    owner: str
    row: PageRow | None
    findings: list[Finding]
    part: int = 0

    @property
    def anchor(self) -> str:
        return f"page-{self.index}"

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITY_ORDER, 0)
        for f in self.findings:
            counts[f.severity] += 1  # a StrEnum: the same key as its value
        return counts

    @cached_property
    def short(self) -> str:
        return short_url(self.url)

    @property
    def summary(self) -> str:
        """'5 problems, 2 of them errors'"""
        errors = sum(1 for f in self.findings if f.severity == "error")
        total = plural(len(self.findings), "problem")
        if not errors:
            return total
        if errors == len(self.findings):
            return f"{total}, {'an error' if errors == 1 else 'all errors'}"
        return f"{total}, {num(errors)} of them {'an error' if errors == 1 else 'errors'}"


@dataclass
class Part:
    number: int  # pages/<number>.html
    owner: str
    pages: list[PageView] = field(default_factory=list)
    findings: int = 0
    of_owner: int = 1  # 1-based place among this owner's parts
    owner_parts: int = 1

    @property
    def path(self) -> str:
        return f"pages/{self.number}.html"

    @property
    def first(self) -> int:
        return self.pages[0].index

    @property
    def last(self) -> int:
        return self.pages[-1].index


class Layout:
    """Where every owner and every page lives in the report folder."""

    def __init__(self, data: ReportData) -> None:
        # The same file names as the per-owner CSV files beside them (owners/<slug>.csv).
        self.owner_paths = {name: f"owners/{Path(file).stem}.html" for name, file in
                            owner_files(o.name for o in data.owners).items()}

        by_owner: dict[str, list[str]] = {}
        for url in data.findings_by_page:
            by_owner.setdefault(data.page_owner(url), []).append(url)
        order = [o.name for o in data.owners] + sorted(set(by_owner) - set(self.owner_paths))
        self.parts: list[Part] = []
        self.parts_by_owner: dict[str, list[Part]] = {}
        self.location: dict[str, PageView] = {}
        index = 0
        for owner in order:
            parts: list[Part] = []
            for url in sorted(by_owner.get(owner, ())):
                findings = data.findings_by_page[url]  # already most serious first
                if not parts or len(parts[-1].pages) >= MAX_PAGES_PER_PART or (
                        parts[-1].findings + len(findings) > MAX_FINDINGS_PER_PART):
                    parts.append(Part(len(self.parts) + len(parts) + 1, owner,
                                      of_owner=len(parts) + 1))
                index += 1
                view = PageView(index, url, owner, data.page_by_url.get(url), findings,
                                parts[-1].number)
                parts[-1].pages.append(view)
                parts[-1].findings += len(findings)
                self.location[url] = view
            for part in parts:
                part.owner_parts = len(parts)
            self.parts.extend(parts)
            self.parts_by_owner[owner] = parts
        self.pages_with_findings = index


class Links:
    """Relative links from one file of the report to the others."""

    def __init__(self, layout: Layout, root: str) -> None:
        self.layout, self.root = layout, root

    def to(self, path: str) -> str:
        return self.root + path

    def page(self, url: str) -> str | None:
        view = self.layout.location.get(url)
        return f"{self.root}pages/{view.part}.html#{view.anchor}" if view else None

    def owner(self, name: str) -> str | None:
        path = self.layout.owner_paths.get(name)
        return self.root + path if path else None

    def part(self, part: Part) -> str:
        return self.root + part.path


# --- the reporter ------------------------------------------------------------------------------

class HtmlReporter:
    name = "html"

    def write(self, data: ReportData, out_dir: Path) -> list[Path]:
        env = make_environment()
        # Our own stylesheet is trusted; it and our own SVG charts are the only things not
        # escaped (charts.py escapes every label it draws).
        css = Markup((Path(__file__).parent / "templates" / "report.css").read_text("utf-8"))
        layout = Layout(data)
        common = {"data": data, "css": css, "layout": layout, "charts": charts,
                  "finding_rows": finding_rows, "page_facts": page_facts}
        written: list[Path] = []

        def render(template: str, path: str, **context: Any) -> None:
            root = "../" * path.count("/")
            html = env.get_template(template).render(
                **common, links=Links(layout, root), root=root, **context)
            written.append(write_atomic(out_dir / path, (html,)))

        # The entry point is written last, so a report.html always has all it links to.
        render("required_content.html.j2", "required-content.html", current="required-content")
        render("accessibility.html.j2", "accessibility.html", current="accessibility")
        for owner in data.owners:
            render("owner.html.j2", layout.owner_paths[owner.name], current="owners",
                   owner=owner)
        render("pages_index.html.j2", "pages/index.html", current="pages")
        for i, part in enumerate(layout.parts):
            render("pages_part.html.j2", part.path, current="pages", part=part,
                   previous=layout.parts[i - 1] if part.of_owner > 1 else None,
                   next=layout.parts[i + 1] if part.of_owner < part.owner_parts else None)
        render("report.html.j2", "report.html", current="overview")
        _remove_stale_files(out_dir, written)
        report = written.pop()
        return [report, *written]


def _remove_stale_files(out_dir: Path, written: list[Path]) -> None:
    """Parts and owner pages left by an earlier, bigger report in the same folder would be
    out of date: remove the files of our own naming that this run did not write."""
    keep = {p.resolve() for p in written}
    for folder in ("pages", "owners"):
        for path in (out_dir / folder).glob("*.html"):
            if path.resolve() not in keep and any(p.match(path.name) for p in OWNED_PATTERNS):
                path.unlink(missing_ok=True)

