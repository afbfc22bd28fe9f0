"""URL routing for the demo site, shared by the HTTP server and the answer-key builder.

The generator writes static files plus ``_server/routes.json`` (redirects, deleted
paths, calendar events, ...). ``Router.resolve`` turns a request path and query into
a ``Resolved`` answer. The server sends that answer over HTTP; the answer-key
builder calls the very same function to simulate a crawl, so the key cannot
drift from what the server really does.

Mapping rules:
  /                         -> index.html
  /a/b/                     -> a/b/index.html        (WordPress permalinks)
  /a/b                      -> a/b.html              (Drupal pathauto); 301 to /a/b/ if only that exists
  /a/b.pdf                  -> a/b.pdf
  <kb5>/service.page?id=X   -> <kb5>/service/X.html  (unknown id: 200 "record could not be found")
  <kb5>/advice.page?id=X    -> <kb5>/advice/X.html
  <kb5>/results.page?qt=Q&page=K -> <kb5>/results/Q-K.html (unknown: 200 "no results")
  ;jsessionid=... path parameters are ignored, and so is the query string on static files.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import posixpath
import re
import zlib
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qsl, unquote, urlencode

from . import content as C
from . import templates

ROUTES_FILE = "_server/routes.json"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
TEXT_SUFFIXES = (".html", ".xml", ".txt")  # bodies where __SITE__/__EXTERNAL__ are substituted

CALENDAR_PATH = "/events/calendar"
FACET_PATH = "/directory/search"
BUSY_PATH = "/busy"
FACETS = {
    "age": ["0-4", "5-11", "12-16", "17-25"],
    "need": ["autism", "adhd", "sensory", "physical", "learning", "mental-health"],
    "cost": ["free", "paid"],
    "area": ["north", "south", "east", "west"],
}
NON_DRUPAL_PREFIXES = ("/kb5/", "/family-hub", "/wp-content/", "/directory_record/", "/directory/7/")
_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass
class Resolved:
    status: int
    kind: str  # file | redirect | dynamic | busy
    file: str | None = None  # relative to site/
    location: str | None = None  # site-relative redirect target
    html: str | None = None  # dynamic body
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def file_for_path(path: str) -> str:
    """Static file name for an extension-less or extension-bearing site path."""
    if path == "/":
        return "index.html"
    rel = path.lstrip("/")
    if path.endswith("/"):
        return rel + "index.html"
    if "." in rel.rsplit("/", 1)[-1]:
        return rel
    return rel + ".html"


def kb5_file(kind: str, token: str) -> str:
    return f"{C.KB5_BASE.lstrip('/')}/{kind}/{token}.html"


def content_type_for(file: str, charsets: dict[str, str]) -> str:
    if file in charsets:
        return f"text/html; charset={charsets[file]}"
    return CONTENT_TYPES.get(posixpath.splitext(file)[1], "application/octet-stream")


class Router:
    def __init__(self, meta: dict, files):
        self.meta = meta
        self.files = files  # set (server) or dict (generator) of relative names
        self.redirects = meta.get("redirects", {})
        self.gone = set(meta.get("gone", []))
        self.charsets = meta.get("charsets", {})
        self.today = dt.date.fromisoformat(meta["today"])

    def resolve(self, raw_path: str, query: str = "") -> Resolved:
        path = re.sub(r";[^/]*", "", unquote(raw_path)) or "/"  # drop ;jsessionid=...
        if "/_server" in path or "/../" in path or path.endswith("/.."):
            return self._not_found(path)
        if path in self.redirects:
            status, location = self.redirects[path]
            return Resolved(status, "redirect", location=location)
        if path in self.gone:
            return Resolved(410, "dynamic", html=templates.gone_page(path))
        if path == CALENDAR_PATH:
            return Resolved(200, "dynamic", html=self.calendar_page(query))
        if path == FACET_PATH:
            return Resolved(200, "dynamic", html=self.facet_page(query))
        if path == BUSY_PATH:
            return Resolved(
                200,
                "busy",
                html=templates.simple_page(
                    "lgd", path, "Service status", ["<p>All services are running normally.</p>"]
                ),
            )
        if path.startswith(C.KB5_BASE + "/") and path.endswith(".page"):
            return self._kb5(path, dict(parse_qsl(query)))
        file = file_for_path(path)
        if file in self.files:
            return self._file(path, file)
        if not path.endswith("/") and file.endswith(".html") and file_for_path(path + "/") in self.files:
            return Resolved(301, "redirect", location=path + "/")
        return self._not_found(path)

    # -- helpers -------------------------------------------------------------------

    def _file(self, path: str, file: str) -> Resolved:
        headers = {}
        if file.endswith(".html") and not path.startswith(NON_DRUPAL_PREFIXES):
            headers["X-Generator"] = "Drupal 10 (https://www.drupal.org)"
        return Resolved(200, "file", file=file, content_type=content_type_for(file, self.charsets), headers=headers)

    def _not_found(self, path: str) -> Resolved:
        return Resolved(404, "dynamic", html=templates.not_found_page(path))

    def _kb5(self, path: str, params: dict[str, str]) -> Resolved:
        kind = path.rsplit("/", 1)[-1][: -len(".page")]
        if kind == "home":
            return self._file(path, f"{C.KB5_BASE.lstrip('/')}/home.html")
        if kind in ("service", "advice"):
            token = params.get("id", "")
            if f"{path}?id={token}" in self.gone:
                return Resolved(410, "dynamic", html=templates.gone_page(path))
            file = kb5_file(kind, token) if _SAFE_TOKEN.match(token) else ""
            if file in self.files:
                return self._file(path, file)
            # Real kb5 answers 200 for unknown ids: a soft 404.
            return Resolved(
                200,
                "dynamic",
                html=templates.simple_page(
                    "kb5",
                    path,
                    "Sorry, this record could not be found",
                    ["<p>The record you asked for is not available. It may have been removed from the directory.</p>"],
                ),
            )
        if kind == "results":
            qt, page = params.get("qt", "all"), params.get("page", "1")
            file = kb5_file("results", f"{qt}-{page}") if _SAFE_TOKEN.match(qt) and page.isdigit() else ""
            if file in self.files:
                return self._file(path, file)
            return Resolved(
                200,
                "dynamic",
                html=templates.simple_page(
                    "kb5",
                    path,
                    "Search results",
                    [f"<p>Your search for &quot;{escape(qt)}&quot; returned no results.</p>"],
                ),
            )
        return self._not_found(path)

    # -- crawler traps -------------------------------------------------------------

    def calendar_page(self, query: str) -> str:
        """One month of an endless calendar: prev/next links never run out."""
        month = dict(parse_qsl(query)).get("month", "")
        try:
            year, mon = (int(p) for p in month.split("-"))
            first = dt.date(year, mon, 1)
        except (ValueError, TypeError):
            first = self.today.replace(day=1)
        prev_m = (first - dt.timedelta(days=1)).replace(day=1)
        next_m = first + dt.timedelta(days=_calendar.monthrange(first.year, first.month)[1])
        key = f"{first.year:04d}-{first.month:02d}"
        events = [e for e in self.meta.get("calendar_events", []) if e[0] == key][:4]
        label = f"{C.MONTHS[first.month - 1]} {first.year}"
        items = "".join(f'<li><a href="{href}">{escape(title)}</a></li>' for _m, href, title in events)
        blocks = [
            f"<p>Events for children and young people with SEND and their families in {label}.</p>",
            f'<ul class="calendar-events">{items}</ul>' if items else "<p>No events are listed for this month yet.</p>",
            '<nav class="pager" aria-label="Months"><ul>'
            f'<li><a href="{CALENDAR_PATH}?month={prev_m.year:04d}-{prev_m.month:02d}">Previous month</a></li>'
            f'<li><a href="{CALENDAR_PATH}?month={next_m.year:04d}-{next_m.month:02d}">Next month</a></li></ul></nav>',
        ]
        return templates.simple_page(
            "lgd", CALENDAR_PATH, f"Events calendar: {label}", blocks, crumbs=[("Home", "/"), ("Events", "/events")]
        )

    def facet_page(self, query: str) -> str:
        """Directory search with facets: every page links to one more/other facet value."""
        raw = dict(parse_qsl(query))
        chosen = {k: raw[k] for k in FACETS if raw.get(k) in FACETS[k]}
        links = []
        for facet, values in FACETS.items():
            for value in values:
                if chosen.get(facet) == value:
                    continue
                combo = dict(chosen, **{facet: value})
                links.append((f"{facet}: {value}", facet_url(combo)))
        for facet in chosen:
            rest = {k: v for k, v in chosen.items() if k != facet}
            links.append((f"Remove {facet}", facet_url(rest)))
        records = self.meta.get("facet_records", [])
        picked = []
        if records:
            start = zlib.crc32(urlencode(chosen).encode()) % len(records)
            picked = [records[(start + i * 7) % len(records)] for i in range(min(5, len(records)))]
        summary = ", ".join(f"{k} {v}" for k, v in chosen.items()) or "all services"
        blocks = [
            f"<p>Showing services for {escape(summary)}.</p>",
            '<ul class="search-results">'
            + "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for h, t in picked)
            + "</ul>",
            '<h2>Filter results</h2><ul class="facets">'
            + "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for t, h in links)
            + "</ul>",
        ]
        return templates.simple_page(
            "lgd",
            FACET_PATH,
            "Find a service: search results",
            blocks,
            crumbs=[("Home", "/"), ("Find a service", "/directory")],
        )


def facet_url(chosen: dict[str, str]) -> str:
    ordered = [(k, chosen[k]) for k in FACETS if k in chosen]
    return FACET_PATH + ("?" + urlencode(ordered) if ordered else "")
