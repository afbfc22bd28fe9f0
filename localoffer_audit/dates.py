"""Dates on Local Offer pages: parse UK-style dates, and find when a page was last updated.

Where a page's date can come from, most trusted first (the names are written to pages.jsonl as
`date_source` and appear in findings):

  visible-text        a labelled line on the page: "Last updated: 3 March 2024",
                      "Page last reviewed: ...", "Last Updated 03/03/2024" (Open Objects)
  time-element        <time datetime> marked as the modified or reviewed date
  json-ld             schema.org dateModified / lastReviewed (Yoast and others)
  meta                <meta> tags such as article:modified_time or DC.date.modified
  sitemap             the sitemap's <lastmod> for the page
  http-last-modified  the Last-Modified response header (often only when the page was rendered)

Numeric dates are read day first (04/05/2023 is 4 May), unless that cannot be a date.
"Today" is the day the page was fetched, so re-checking an old crawl gives the same answers.
Nothing here raises on hostile input: a date that cannot be read is simply not found.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, NamedTuple

from lxml import etree

SOURCES = ("visible-text", "time-element", "json-ld", "meta", "sitemap", "http-last-modified")

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
_MONTH_NUMBER = {name.lower()[:3]: i for i, name in enumerate(MONTH_NAMES, 1)}

# --- parsing one date -------------------------------------------------------------------------

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_YEAR = r"(?:19|20)\d\d"
DATE_PATTERN = (
    rf"(?P<dmy>{_WEEKDAY}(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+(?P<m1>{_MONTH}),?"
    rf"[\s\-]+(?P<y1>{_YEAR}))\b"
    rf"|(?P<mdy>{_WEEKDAY}(?P<m2>{_MONTH})\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?,?\s+"
    rf"(?P<y2>{_YEAR}))\b"
    rf"|(?P<iso>(?P<y3>{_YEAR})(?P<isep>[-/.])(?P<m3>[01]?\d)(?P=isep)(?P<d3>[0-3]?\d))(?!\d)"
    rf"|(?P<num>(?P<a4>[0-3]?\d)(?P<sep>[/.\-])(?P<b4>[01]?\d)(?P=sep)(?P<y4>{_YEAR}|\d\d))(?!\d)"
    rf"|(?P<my>(?P<m5>{_MONTH}),?\s+(?P<y5>{_YEAR}))\b"
)
_DATE = re.compile(rf"(?<![\w/.\-])(?:{DATE_PATTERN})", re.IGNORECASE)


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _from_match(m: re.Match) -> dt.date | None:
    if m["dmy"]:
        return _make(int(m["y1"]), _MONTH_NUMBER[m["m1"][:3].lower()], int(m["d1"]))
    if m["mdy"]:
        return _make(int(m["y2"]), _MONTH_NUMBER[m["m2"][:3].lower()], int(m["d2"]))
    if m["iso"]:
        return _make(int(m["y3"]), int(m["m3"]), int(m["d3"]))
    if m["num"]:
        year = int(m["y4"])
        year += 2000 if year < 100 else 0
        a, b = int(m["a4"]), int(m["b4"])
        return _make(year, b, a) or _make(year, a, b)  # UK order first; US only if UK is impossible
    if m["my"]:  # "March 2024": the first of the month
        return _make(int(m["y5"]), _MONTH_NUMBER[m["m5"][:3].lower()], 1)
    return None


def parse_date(text: str) -> dt.date | None:
    """The first date written in `text` ("3rd Mar 2024", "03/03/2024", "2024-03-03", ...)."""
    for m in _DATE.finditer(text or ""):
        found = _from_match(m)
        if found:
            return found
    return None


@dataclass(frozen=True, slots=True)
class WrittenDate:
    date: dt.date  # for a month alone, the first of the month
    raw: str
    month_only: bool = False  # "June 2025"

    @property
    def last_day(self) -> dt.date:
        """The latest day the text can mean (the end of the month for "June 2025")."""
        return add_months(self.date, 1) - dt.timedelta(days=1) if self.month_only else self.date


def written_dates(text: str) -> list[WrittenDate]:
    """Every date written in running text, with how precisely it was written."""
    found = []
    for m in _DATE.finditer(text or ""):
        day = _from_match(m)
        if day:
            found.append(WrittenDate(day, m[0].strip(), bool(m["my"])))
    return found


def parse_machine_date(value: Any) -> dt.date | None:
    """A machine-readable date: ISO 8601 / W3C Datetime ("2024", "2024-03", "2024-03-14T09:12Z"),
    an HTTP date, or failing those a human one. Time zones are ignored: the date as written."""
    if not isinstance(value, str):
        return None
    value = value.strip()[:64]
    m = re.match(r"((?:19|20)\d\d)(?:-([01]\d)(?:-([0-3]\d))?)?(?:[T\s]|$)", value)
    if m:
        return _make(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    return parse_http_date(value) or parse_date(value)


def parse_http_date(value: str | None) -> dt.date | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value or "")
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed.date() if parsed else None


def fetch_date(page) -> dt.date:
    """The day the page was fetched: "today" for every date rule. Falls back to the real today
    only for pages stored without a fetch time."""
    try:
        return dt.datetime.fromisoformat(page.fetched_at).date()
    except (TypeError, ValueError):
        return dt.date.today()


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months (31 March - 1 month is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        moved = _make(year, month + 1, d)
        if moved:
            return moved
    raise ValueError(day)  # unreachable: every month has a 28th


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier` to `later`."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


def long_date(day: dt.date) -> str:
    """'3 March 2024', whatever the process locale."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


# --- academic years ---------------------------------------------------------------------------

_ACADEMIC_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*(?:to|-|–|—|/|_)\s*(20\d\d|\d\d)(?!\d)", re.I)


def academic_years(text: str) -> list[tuple[int, str]]:
    """Academic years written in `text` ("2023 to 2024", "2023-24", "2023/2024"): (start, raw)."""
    found = []
    for m in _ACADEMIC_YEAR.finditer(text or ""):
        start, end = int(m[1]), int(m[2])
        if end % 100 == (start + 1) % 100 and (end >= 100 or len(m[2]) == 2):
            found.append((start, m[0]))
    return found


def academic_year_start(day: dt.date) -> int:
    """The year the academic year containing `day` started (academic years start 1 September)."""
    return day.year if day.month >= 9 else day.year - 1


# --- labelled dates in text -------------------------------------------------------------------

# Labels that name a page date wherever they appear in a short block of text ...
_STRONG_LABEL = (
    r"next\s+review(?:\s+date|\s+due)?|review\s+due(?:\s+date)?|due\s+for\s+review"
    r"|(?:page\s+|content\s+|this\s+page\s+was\s+|it\s+was\s+|was\s+)?last\s+"
    r"(?:updated|modified|edited|revised|changed|reviewed|checked|tested)"
    r"|date\s+(?:last\s+)?(?:updated|modified|reviewed|revised)"
    r"|page\s+(?:updated|reviewed|modified)|prepared\s+on|tested\s+on"
)
# ... and labels that only count at the start of a block or after a separator, so that
# "The law was updated on 1 September 2014" in a paragraph is not taken for the page's date.
_WEAK_LABEL = r"updated|modified|reviewed|revised|edited"
_LABEL_SEPARATOR = r"(?:\s*[:\-–—]\s*|\s+)(?:on\s+|at\s+)?"
_LABELLED = re.compile(
    rf"(?:(?P<strong>{_STRONG_LABEL})|(?:^|(?<=[|•·;\n.]))\s*(?P<weak>{_WEAK_LABEL}))"
    rf"{_LABEL_SEPARATOR}(?P<date>{DATE_PATTERN})", re.IGNORECASE)
_LABELLED_CONTEXT = re.compile(rf"(?:{_STRONG_LABEL})|^\s*(?:{_WEAK_LABEL})\b", re.IGNORECASE)
_LABEL_ONLY = re.compile(rf"^\s*(?:(?P<strong>{_STRONG_LABEL})|(?P<weak>{_WEAK_LABEL}))\s*:?\s*$",
                         re.IGNORECASE)
_ANY_LABEL_WORD = re.compile(r"updated|modified|reviewed|revised|edited|review|prepared|tested",
                             re.IGNORECASE)
SHORT_BLOCK = 300  # characters: a date line, not an article


def _label_kind(label: str) -> str:
    label = label.lower()
    if "next" in label or "due" in label:
        return "review-due"
    if "prepared" in label:
        return "prepared"
    if "tested" in label:
        return "tested"
    if "review" in label or "checked" in label:
        return "reviewed"
    return "updated"


@dataclass(frozen=True, slots=True)
class FoundDate:
    date: dt.date
    source: str  # one of SOURCES
    raw: str  # as written, for messages
    kind: str = "updated"  # updated | reviewed | review-due | prepared | tested


def _labelled(text: str) -> Iterator[tuple[int, FoundDate]]:
    for m in _LABELLED.finditer(text):
        dm = _DATE.match(m["date"])
        day = _from_match(dm) if dm else None
        if day:
            kind = _label_kind(m["strong"] or m["weak"])
            yield m.start(), FoundDate(day, "visible-text", " ".join(m[0].split()), kind)


def labelled_dates(text: str) -> list[FoundDate]:
    """Every "label: date" in one block of text, e.g. "Page last reviewed: 3 March 2024"."""
    return [found for _start, found in _labelled(text)]


# --- the page's text, as blocks ---------------------------------------------------------------

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr legend li main nav ol p pre "
    "section summary table tbody td tfoot th thead tr ul".split())
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_UNREAD = frozenset(("script", "style", "noscript", "template", "svg", "math", "select"))
_NOT_CONTENT = frozenset(("nav", "aside"))  # menus and sidebars: never the page's own words
_NOT_CONTENT_ROLES = frozenset(("navigation", "complementary", "banner", "contentinfo", "search"))
_FURNITURE = frozenset(("header", "footer"))  # site furniture, when the page has no <main>
# Where a block is: bits recorded for each open element while walking.
_BLOCK, _IN_MAIN, _IN_ARTICLE, _OFF, _IN_FURNITURE = 1, 2, 4, 8, 16


class Block(NamedTuple):
    """The text of one block-level element (without the text of blocks nested in it)."""

    tag: str
    text: str
    content: bool  # part of the main content (not navigation, sidebars or site furniture)
    menu: bool = False  # in navigation, a sidebar or breadcrumbs

    @property
    def heading(self) -> bool:
        return self.tag in HEADINGS


def main_root(tree):
    """The element holding the page's main content: <main>, role=main, a lone <article>, or
    <body> (whose header, footer, nav and aside are then left out). text_blocks decides the
    same way while it walks."""
    found = tree.xpath("//main | //*[@role='main']")
    if found:
        return found[0]
    body = tree.find("body")
    body = body if body is not None else tree
    articles = body.xpath(".//article")
    return articles[0] if len(articles) == 1 else body


def text_blocks(tree) -> list[Block]:
    """The visible text of the page as blocks, in document order, each marked as main content
    or not (see main_root). One pass over the tree, in which scripts, styles, form options and
    hidden elements are skipped, and navigation, sidebars and breadcrumbs are never content."""
    body = tree.find("body")
    if body is None:
        return []
    found: list[tuple[str, str, int]] = []  # (block tag, text, where: _IN_* and _OFF bits)
    parts: list[str] = []
    open_blocks: list[str] = ["body"]
    opened: list[int] = []  # bits of each open element; -1 for one skipped unread
    depth = {_IN_MAIN: 0, _IN_ARTICLE: 0, _OFF: 0, _IN_FURNITURE: 0}
    saw_main, articles = False, 0
    where = 0  # the _IN_* and _OFF bits of the elements open now

    def flush(tag: str) -> None:
        if not parts:
            return
        text = " ".join("".join(parts).split())  # whitespace folded, as a browser shows it
        parts.clear()
        if "\x00" in text:
            text = "\n".join(filter(None, (line.strip() for line in text.split("\x00"))))
        if text:
            found.append((tag, text, where))

    walker = etree.iterwalk(body, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event == "start":
            tag, keys = el.tag, el.keys()
            if tag in _UNREAD or keys and ("hidden" in keys or el.get("aria-hidden") == "true"):
                walker.skip_subtree()  # its "end" still comes, and reads only the tail
                opened.append(-1)
                continue
            bits = 0
            if tag in BLOCK_TAGS:  # text so far belongs to the enclosing block
                flush(open_blocks[-1])
                open_blocks.append(tag)
                bits = _BLOCK
            elif tag == "br":
                parts.append("\x00")  # a line break, kept through whitespace folding
            elif tag == "img":
                parts.append(f" {el.get('alt') or ''} ")
            role = (el.get("role") or "").lower() if "role" in keys else ""
            if tag == "main" or role == "main":
                bits |= _IN_MAIN
                saw_main = True
            if tag == "article":
                bits |= _IN_ARTICLE
                articles += 1
            if tag in _NOT_CONTENT or role in _NOT_CONTENT_ROLES \
                    or "class" in keys and "breadcrumb" in el.get("class"):
                bits |= _OFF
            if tag in _FURNITURE:
                bits |= _IN_FURNITURE
            if bits & ~_BLOCK:
                for bit in depth:
                    if bits & bit:
                        depth[bit] += 1
                where = sum(bit for bit, n in depth.items() if n)
            opened.append(bits)
            text = el.text
            if text:
                parts.append(" " if text.isspace() else text)
        elif event == "end":
            bits = opened.pop()
            if bits > 0:
                if bits & _BLOCK:
                    flush(el.tag)
                    open_blocks.pop()
                if bits & ~_BLOCK:
                    for bit in depth:
                        if bits & bit:
                            depth[bit] -= 1
                    where = sum(bit for bit, n in depth.items() if n)
            tail = el.tail
            if tail and el is not body:
                parts.append(" " if tail.isspace() else tail)
        elif el.tail:  # comments and processing instructions: only their tail is text
            parts.append(el.tail)
    flush(open_blocks[-1] if open_blocks else "body")
    # The main content: <main> (or role=main) if there is one, else a lone <article>, else the
    # body without its header and footer. Navigation and sidebars are never content.
    inside = _IN_MAIN if saw_main else _IN_ARTICLE if articles == 1 else 0
    outside = _OFF | (0 if inside else _IN_FURNITURE)
    return [Block(tag, text, (not inside or bool(where & inside)) and not where & outside,
                  bool(where & _OFF)) for tag, text, where in found]


def _visible_dates(blocks: list[Block]) -> list[FoundDate]:
    """Labelled dates anywhere but menus and sidebars: a CMS often prints "Last updated" in
    the page footer, and it still dates the page."""
    found: list[FoundDate] = []
    previous = ""
    for block in blocks:
        if block.menu:
            continue
        text = block.text
        if len(text) <= SHORT_BLOCK and _ANY_LABEL_WORD.search(text):
            found.extend(labelled_dates(text))
        elif len(text) > SHORT_BLOCK:  # in running text, only a label that starts the block
            found.extend(d for start, d in _labelled(text[:120]) if start == 0)
        if previous and len(text) <= 60:  # <dt>Last updated</dt><dd>3 March 2024</dd>
            label = _LABEL_ONLY.match(previous)
            day = parse_date(text) if label else None
            if day:
                found.append(FoundDate(day, "visible-text", f"{previous.rstrip(':')}: {text}",
                                       _label_kind(label["strong"] or label["weak"])))
        previous = text if len(text) <= 40 else ""
    return found


# --- machine-readable dates -------------------------------------------------------------------

_DATE_CLASS = re.compile(r"updated|modified|reviewed|last-?edited|changed", re.IGNORECASE)
_META_NAMES = frozenset((
    "article:modified_time", "og:updated_time", "last-modified", "dcterms.modified",
    "dc.date.modified", "dc.modified", "dcterms.datemodified", "date.modified", "modified",
    "revised", "lastmod", "datemodified", "dc.date.reviewed", "lastreviewed"))
_JSONLD_KEYS = {"dateModified": "updated", "lastReviewed": "reviewed"}
_JSONLD_MAX_CHARS = 500_000
_JSONLD_MAX_NODES = 5_000


def jsonld_nodes(tree) -> Iterator[dict]:
    """Every JSON object inside the page's JSON-LD scripts (bounded: scripts are crawled data)."""
    for script in tree.xpath("//script[@type]"):
        if "ld+json" not in script.get("type", "").lower():
            continue
        text = script.text or ""
        if len(text) > _JSONLD_MAX_CHARS:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        stack, seen = [data], 0
        while stack and seen < _JSONLD_MAX_NODES:
            item = stack.pop()
            seen += 1
            if isinstance(item, dict):
                yield item
                stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
            elif isinstance(item, list):
                stack.extend(v for v in item if isinstance(v, (dict, list)))


def _jsonld_dates(tree) -> list[FoundDate]:
    found = []
    for node in jsonld_nodes(tree):
        for key, kind in _JSONLD_KEYS.items():
            day = parse_machine_date(node.get(key))
            if day:
                found.append(FoundDate(day, "json-ld", f"{key} {node.get(key)}"[:80], kind))
    return found


def _meta_date(tree) -> FoundDate | None:
    newest = None
    head = tree.find("head")
    for meta in head.iter("meta") if head is not None else ():
        if not meta.get("content"):
            continue
        name = (meta.get("name") or meta.get("property") or meta.get("http-equiv")
                or meta.get("itemprop") or "").strip().lower()
        if name in _META_NAMES:
            day = parse_machine_date(meta.get("content"))
            if day and (newest is None or day > newest.date):
                newest = FoundDate(day, "meta", f"{name} {meta.get('content')}"[:80],
                                   "reviewed" if "review" in name else "updated")
    return newest


def _time_element_date(tree) -> FoundDate | None:
    """A <time> (or itemprop element) marked as the page's modified/reviewed date: by itemprop,
    by class, or by a label in the text around it. Event times are not page dates."""
    newest = None
    for el in tree.xpath("//time | //*[@itemprop='dateModified' or @itemprop='lastReviewed']"):
        marks = f"{el.get('itemprop', '')} {el.get('class', '')}"
        parent = el.getparent()
        around = parent.text_content()[:200] if parent is not None else ""
        if not (_DATE_CLASS.search(marks) or _LABELLED_CONTEXT.search(around)):
            continue
        value = el.get("datetime") or el.get("content") or el.text_content()
        day = parse_machine_date(value)
        if day and (newest is None or day > newest.date):
            newest = FoundDate(day, "time-element", f"<time> {value}"[:80],
                               "reviewed" if "review" in marks.lower() else "updated")
    return newest



# --- the page's dates -------------------------------------------------------------------------


def _newest(dates: Iterable[FoundDate]) -> FoundDate | None:
    return max(dates, key=lambda d: d.date, default=None)


@dataclass
class PageDates:
    """Every date found for one page, by source, and the ones the rules use."""

    today: dt.date
    visible: list[FoundDate] = field(default_factory=list)  # labelled dates, every kind
    time_element: FoundDate | None = None
    jsonld: list[FoundDate] = field(default_factory=list)
    meta: FoundDate | None = None
    sitemap: FoundDate | None = None
    http: FoundDate | None = None

    def visible_of(self, *kinds: str) -> FoundDate | None:
        """The newest visible date of these kinds (newest: a page reviewed after an old update
        was checked then)."""
        return _newest(d for d in self.visible if d.kind in kinds)

    @property
    def shown(self) -> FoundDate | None:
        """The date readers see on the page: a labelled line, else a marked <time>."""
        return self.visible_of("updated", "reviewed") or self.time_element

    def by_trust(self) -> list[FoundDate]:
        """One updated-or-reviewed date per source, most trusted source first (SOURCES order)."""
        found = (self.shown, _newest(self.jsonld), self.meta, self.sitemap, self.http)
        return [d for d in found if d is not None]

    @property
    def last_updated(self) -> FoundDate | None:
        """The most trusted date the page was updated or reviewed."""
        return next(iter(self.by_trust()), None)

    @property
    def review_due(self) -> FoundDate | None:
        return self.visible_of("review-due")

    def candidates(self) -> list[FoundDate]:
        """Every page-authored updated/reviewed date (for the future-date typo rule)."""
        found = [d for d in self.visible if d.kind in ("updated", "reviewed")]
        found += [d for d in (self.time_element, self.meta) if d]
        return found + self.jsonld


def page_dates(page, blocks: list[Block] | None = None) -> PageDates:
    """Every date we can find for `page`. Pass `blocks` (from text_blocks) if you have them."""
    dates = PageDates(today=fetch_date(page))
    if page.sitemap_lastmod:
        day = parse_machine_date(page.sitemap_lastmod)
        dates.sitemap = FoundDate(day, "sitemap", f"lastmod {page.sitemap_lastmod}"[:80]) \
            if day else None
    header = (page.headers or {}).get("last-modified")
    day = parse_http_date(header)
    dates.http = FoundDate(day, "http-last-modified", f"Last-Modified: {header}") if day else None
    tree = page.tree if page.kind == "html" else None
    if tree is None:
        return dates
    source = page.text.lower()  # cheap tests first: most pages have no <time>, JSON-LD or meta date
    dates.visible = _visible_dates(text_blocks(tree) if blocks is None else blocks)
    if "<time" in source or "itemprop" in source:
        dates.time_element = _time_element_date(tree)
    if "ld+json" in source:
        dates.jsonld = _jsonld_dates(tree)
    if "<meta" in source:
        dates.meta = _meta_date(tree)
    return dates
