"""The SQLite store: every run kept, so reports can show trends.

Like coverage.py's sqldata.py: a schema version, a changelog, and migrations applied in order.
WAL mode and short transactions mean that an audit killed part-way leaves a consistent database
whose earlier runs are untouched; the interrupted run is marked as such the next time it is opened.

Schema changelog:
  1: runs, pages, links, link_status, sitemap_entries, findings, meta.
  2: link_status.headers and .redirect_statuses; link_cache (healthy off-site results kept across runs);
     page_metrics (values checks measure per page, e.g. last_updated, for pages.jsonl);
     site_metrics (whole-site results, e.g. required-topic coverage for coverage.json).
  3: engine_results (raw results of the real-browser accessibility engine, one row per rendered
     page, so the check stage turns them into findings offline and re-runnably).
  4: pages.reused_from (incremental re-audit: the earlier run whose stored copy of an unchanged
     page, answered 304 or unchanged by its sitemap lastmod, was reused); findings_by_url index.
  5: stylesheets (the site's own linked stylesheets of a run: text, status, their @imports) and
     page_stylesheets (each HTML page's <link rel=stylesheet> in document order, with media), so
     the CSS checks read them offline.
  6: link_cache.error, and status may be NULL: failures are cached too (timeouts, DNS, 404s...), as lychee's cache does;
     which statuses are reused is chosen when reading ([crawl].link_cache_exclude_status).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import time
import zlib
from collections import deque
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from . import defaults
from .errors import StoreError, StoreWriteError
from .models import Finding, Link, LinkedStylesheet, LinkStatus, Page, Severity
from .urls import redact, redact_bytes

SCHEMA_VERSION = 6

SCHEMA_V1 = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);  -- keys: created_by, created_at
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    start_urls TEXT NOT NULL,        -- JSON list
    config TEXT NOT NULL,            -- JSON: AuditConfig.to_dict(), so checks re-run identically
    tool_version TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,            -- crawling | crawled | checked | interrupted | failed
    pid INTEGER,                     -- process crawling it: a dead one means it was killed
    host TEXT,
    stats TEXT NOT NULL DEFAULT '{}' -- JSON: counts, capped trap patterns, timings
);
CREATE TABLE pages (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    url TEXT NOT NULL,               -- canonical URL that was requested
    final_url TEXT,
    status INTEGER,                  -- NULL when no response (see error)
    content_type TEXT,
    kind TEXT NOT NULL,              -- html | document | other
    title TEXT,
    depth INTEGER,                   -- clicks from a start URL (NULL: reached only via sitemap)
    size INTEGER,
    word_count INTEGER,
    fetched_at TEXT,
    elapsed REAL,
    headers TEXT,                    -- JSON of selected response headers
    body BLOB,                       -- zlib-compressed; HTML always, documents up to a size cap
    encoding TEXT,
    redirect_to TEXT,                -- Location of a 3xx response
    error TEXT,                      -- dns | timeout | connection | too-large | tls | ...: message
    PRIMARY KEY (run_id, url)
);
CREATE TABLE links (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    fragment TEXT,
    text TEXT,
    tag TEXT,
    attr TEXT,
    internal INTEGER NOT NULL
);
CREATE INDEX links_by_target ON links(run_id, target);
CREATE INDEX links_by_source ON links(run_id, source);
CREATE TABLE link_status (          -- off-site and not-crawled targets; pages answer for the rest
    run_id INTEGER NOT NULL REFERENCES runs(id),
    url TEXT NOT NULL,
    status INTEGER,
    final_url TEXT,
    error TEXT,
    redirects TEXT,                  -- JSON list of hops
    elapsed REAL,
    method TEXT,
    checked_at TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE sitemap_entries (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    url TEXT NOT NULL,
    lastmod TEXT,
    sitemap TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE findings (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    fingerprint TEXT NOT NULL,
    rule TEXT NOT NULL,
    rule_name TEXT NOT NULL,
    family TEXT NOT NULL,
    severity TEXT NOT NULL,
    url TEXT NOT NULL,
    target TEXT,
    selector TEXT,
    snippet TEXT,
    message TEXT NOT NULL,
    fix TEXT,
    owner TEXT,
    owner_contact TEXT,
    extra TEXT,
    PRIMARY KEY (run_id, fingerprint)
);
"""

# version -> statements that migrate from version-1. Add new entries; never edit old ones.
MIGRATIONS: dict[int, str] = {
    2: """
ALTER TABLE link_status ADD COLUMN headers TEXT;
ALTER TABLE link_status ADD COLUMN redirect_statuses TEXT;  -- JSON: status of each hop
CREATE TABLE link_cache (            -- only healthy results: failures are never cached
    url TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    final_url TEXT,
    redirects TEXT,
    redirect_statuses TEXT,
    elapsed REAL,
    method TEXT,
    headers TEXT,
    checked_at TEXT NOT NULL          -- ISO 8601 UTC
);
CREATE TABLE page_metrics (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    url TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT,                      -- JSON
    PRIMARY KEY (run_id, url, name)
);
CREATE TABLE site_metrics (          -- whole-site results of site checks, e.g. topic coverage
    run_id INTEGER NOT NULL REFERENCES runs(id),
    name TEXT NOT NULL,
    value TEXT,                      -- JSON
    PRIMARY KEY (run_id, name)
)""",
    3: """
CREATE TABLE engine_results (        -- the real-browser accessibility engine (axe-core)
    run_id INTEGER NOT NULL REFERENCES runs(id),
    url TEXT NOT NULL,
    engine TEXT NOT NULL,            -- "axe"
    engine_version TEXT,             -- axe-core's version, e.g. 4.12.1
    browser_version TEXT,            -- Chromium's version
    outcome TEXT NOT NULL,           -- ok | timeout | crashed | error
    error TEXT,                      -- what went wrong when outcome is not ok
    results BLOB,                    -- zlib-compressed JSON: axe's violations and incomplete
    blocked TEXT,                    -- JSON list of requests the route filter refused
    elapsed REAL,
    rendered_at TEXT,
    PRIMARY KEY (run_id, url, engine)
)""",
    4: """
ALTER TABLE pages ADD COLUMN reused_from INTEGER;  -- run whose copy of an unchanged page was kept
CREATE INDEX findings_by_url ON findings(run_id, url)""",
    5: """
CREATE TABLE stylesheets (           -- same-site stylesheets, fetched once per run
    run_id INTEGER NOT NULL REFERENCES runs(id),
    url TEXT NOT NULL,
    status INTEGER,                  -- NULL when no response (see error)
    error TEXT,                      -- robots | too-large | not-css: TYPE | http-STATUS | ...
    content_type TEXT,
    text BLOB,                       -- zlib-compressed UTF-8 CSS; NULL unless fetched and usable
    imports TEXT,                    -- JSON [[url, media], ...] of its @import rules
    fetched_at TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE page_stylesheets (      -- written before the page row, like links (resume)
    run_id INTEGER NOT NULL REFERENCES runs(id),
    page TEXT NOT NULL,
    position INTEGER NOT NULL,       -- document order
    url TEXT NOT NULL,               -- absolute; off-site and non-http ones too (never fetched)
    media TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, page, position)
)""",
    6: """
CREATE TABLE link_cache_6 (          -- every off-site result from a request (lychee's model)
    url TEXT PRIMARY KEY,
    status INTEGER,                  -- NULL when no response came (see error)
    final_url TEXT,
    redirects TEXT,
    redirect_statuses TEXT,
    elapsed REAL,
    method TEXT,
    headers TEXT,
    checked_at TEXT NOT NULL,        -- ISO 8601 UTC
    error TEXT                       -- dns, timeout, ... when no response came
);
INSERT INTO link_cache_6 (url, status, final_url, redirects, redirect_statuses, elapsed, method,
                          headers, checked_at)
    SELECT url, status, final_url, redirects, redirect_statuses, elapsed, method, headers,
           checked_at FROM link_cache;
DROP TABLE link_cache;
ALTER TABLE link_cache_6 RENAME TO link_cache""",
}

# Failures of a request to the partner site that say something about it, so are cached like
# any status (lychee caches errors too). Anything else without a status was decided here
# (robots.txt, the address guard, a skipped scheme) and is never cached.
CACHED_ERRORS = frozenset({"dns", "timeout", "connection-refused", "data-loss", "tls"})

HEADER_KEYS = ("content-type", "content-length", "last-modified", "etag", "date", "location",
               "retry-after", "cf-mitigated", "x-generator", "content-language", "x-robots-tag")


def _process_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return not _dead_or_dying(pid)


def _dead_or_dying(pid: int) -> bool:
    """A zombie, or a process with SIGKILL pending: it will never write again. A crawl child
    killed with its parent (PR_SET_PDEATHSIG) is reparented to PID 1, and in a container PID 1
    may never reap it, so os.kill(pid, 0) keeps saying it exists."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # not Linux, or gone in between
        return False
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if fields.get("State", "").strip()[:1] in ("Z", "X"):
        return True
    sigkill = 1 << (signal.SIGKILL - 1)
    return any(int(fields.get(name, "0").strip() or "0", 16) & sigkill
               for name in ("SigPnd", "ShdPnd"))


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """One SQLite file. Writers buffer rows and commit them in batches, each batch atomic."""

    BATCH_ROWS = defaults.STORE_BATCH_ROWS
    BATCH_SECONDS = defaults.STORE_BATCH_SECONDS

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from None
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
            self.mark_abandoned_runs()
        except sqlite3.OperationalError as exc:  # unwritable place, disk full, locked
            self.db.close()
            raise StoreError(f"cannot open store {self.path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreError(f"{self.path} is not a localoffer-audit store: {exc}") from None
        self._pending: deque[tuple[str, tuple]] = deque()
        self._last_flush = time.monotonic()
        self._sheet_cache: dict[int, dict[str, dict[str, Any]]] = {}
        self._sheet_objects: dict[int, dict[tuple[str, str], LinkedStylesheet]] = {}

    # --- schema --------------------------------------------------------------------------------
    def _migrate(self) -> None:
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "schema_version" not in tables:
            if tables:
                raise StoreError(f"{self.path} is an SQLite file but not a localoffer-audit store")
            # One script in one transaction: a half-created store cannot exist.
            self.db.executescript(f"BEGIN IMMEDIATE; {SCHEMA_V1}; INSERT INTO schema_version "
                                  f"VALUES (1); INSERT INTO meta VALUES ('created_at', "
                                  f"'{utcnow()}'); COMMIT;")
        version = self.db.execute("SELECT version FROM schema_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} has schema version {version}, newer than this "
                             f"localoffer-audit understands ({SCHEMA_VERSION}); upgrade the tool")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            self.db.executescript(f"BEGIN IMMEDIATE; {MIGRATIONS[target]}; "
                                  f"UPDATE schema_version SET version = {target}; COMMIT;")

    def transaction(self):
        return _Transaction(self.db, self.path)

    # --- runs ----------------------------------------------------------------------------------
    def begin_run(self, site: str, start_urls: Iterable[str], config: Mapping[str, Any],
                  tool_version: str) -> int:
        with self.transaction():
            cur = self.db.execute(
                "INSERT INTO runs (site, start_urls, config, tool_version, started_at, status, pid, "
                "host) VALUES (?, ?, ?, ?, ?, 'crawling', ?, ?)",
                _redacted((site, json.dumps(list(start_urls)), json.dumps(config), tool_version,
                           utcnow(), os.getpid(), socket.gethostname())))
        return int(cur.lastrowid)

    def set_run_status(self, run_id: int, status: str, stats: Mapping[str, Any] | None = None,
                       finished: bool = True) -> None:
        self.flush()
        with self.transaction():
            if stats is not None:
                self.db.execute("UPDATE runs SET stats = ? WHERE id = ?",
                                (redact(json.dumps(stats, default=str)), run_id))
            self.db.execute("UPDATE runs SET status = ?, finished_at = COALESCE(?, finished_at) "
                            "WHERE id = ?", (status, utcnow() if finished else None, run_id))

    def mark_abandoned_runs(self) -> int:
        """Runs left 'crawling' by a process that no longer exists (killed) are marked
        interrupted; their rows are kept. A crawl still running elsewhere is left alone."""
        here = socket.gethostname()
        dead = [run_id for run_id, pid, host in self.db.execute(
                    "SELECT id, pid, host FROM runs WHERE status = 'crawling'")
                if host == here and not _process_alive(pid)]
        if dead:
            with self.transaction():
                self.db.executemany("UPDATE runs SET status = 'interrupted' WHERE id = ?",
                                    [(run_id,) for run_id in dead])
        return len(dead)

    # --- resuming an interrupted run (no extra tables: the stored rows are the truth) ----------
    def resumable_run(self, site: str, statuses: Iterable[str] = ("interrupted",)) -> int | None:
        """The newest run of `site` whose status is one of `statuses` (None: nothing to resume)."""
        statuses = tuple(statuses)
        row = self.db.execute(
            f"SELECT MAX(id) FROM runs WHERE site = ? AND status IN ({','.join('?' * len(statuses))})",
            (site, *statuses)).fetchone()
        return row[0]

    def resume_run(self, run_id: int) -> dict[str, Any]:
        """Reopen an interrupted run for crawling and return what it already holds.

        A page's links are written before the page row (see the spider), so a stored page is
        a completed page; links whose page never made it (killed between the two batches) are
        dropped here, as that page will be fetched again."""
        self.flush()
        with self.transaction():
            self.db.execute("DELETE FROM links WHERE run_id = ? AND source NOT IN "
                            "(SELECT url FROM pages WHERE run_id = ?)", (run_id, run_id))
            self.db.execute("DELETE FROM page_stylesheets WHERE run_id = ? AND page NOT IN "
                            "(SELECT url FROM pages WHERE run_id = ?)", (run_id, run_id))
            self.db.execute("UPDATE runs SET status = 'crawling', finished_at = NULL, pid = ?, "
                            "host = ? WHERE id = ?", (os.getpid(), socket.gethostname(), run_id))
        pages = {url: {"kind": kind, "depth": depth, "status": status}
                 for url, kind, depth, status in self.db.execute(
                     "SELECT url, kind, depth, status FROM pages WHERE run_id = ? ORDER BY rowid",
                     (run_id,))}
        link_status = dict(self.db.execute(
            "SELECT url, error FROM link_status WHERE run_id = ?", (run_id,)))
        stylesheets = {url: [tuple(i) for i in json.loads(imports or "[]")]
                       for url, imports in self.db.execute(
                           "SELECT url, imports FROM stylesheets WHERE run_id = ?", (run_id,))}
        return {"pages": pages, "link_status": link_status, "stats": self.run(run_id)["stats"],
                "stylesheets": stylesheets}

    def page_stylesheet_urls_of(self, run_id: int, page: str) -> list[str]:
        """The stylesheet URLs one stored page links, in document order."""
        return [r[0] for r in self.db.execute("SELECT url FROM page_stylesheets WHERE run_id = ? "
                                              "AND page = ? ORDER BY position", (run_id, page))]

    def page_stylesheet_urls(self, run_id: int) -> list[tuple[str, str]]:
        """(page, stylesheet url) of every stored page's stylesheets, in the order recorded."""
        return self.db.execute("SELECT page, url FROM page_stylesheets WHERE run_id = ? "
                               "ORDER BY rowid", (run_id,)).fetchall()

    def page_body(self, run_id: int, url: str) -> bytes:
        row = self.db.execute("SELECT body FROM pages WHERE run_id = ? AND url = ?",
                              (run_id, url)).fetchone()
        return zlib.decompress(row[0]) if row and row[0] else b""

    def stored_links(self, run_id: int) -> Iterator[tuple[str, str, str]]:
        """(source, target, tag) of every stored link, in the order they were recorded."""
        yield from self.db.execute("SELECT source, target, tag FROM links WHERE run_id = ? "
                                   "ORDER BY rowid", (run_id,)).fetchall()

    def runs(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT r.id, r.site, r.started_at, r.finished_at, r.status, "
            "(SELECT COUNT(*) FROM pages p WHERE p.run_id = r.id AND p.kind NOT IN ('probe', 'feed')), "
            "(SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id) FROM runs r ORDER BY r.id")
        keys = ("id", "site", "started_at", "finished_at", "status", "pages", "findings")
        return [dict(zip(keys, row)) for row in rows]

    def run(self, run_id: int) -> dict[str, Any]:
        row = self.db.execute("SELECT id, site, start_urls, config, tool_version, started_at, "
                              "finished_at, status, stats FROM runs WHERE id = ?",
                              (run_id,)).fetchone()
        if row is None:
            known = [r["id"] for r in self.runs()]
            raise StoreError(f"run {run_id} does not exist in {self.path} "
                             f"(runs: {', '.join(map(str, known)) or 'none'})")
        keys = ("id", "site", "start_urls", "config", "tool_version", "started_at",
                "finished_at", "status", "stats")
        run = dict(zip(keys, row))
        for key in ("start_urls", "config", "stats"):
            run[key] = json.loads(run[key])
        return run

    def latest_run_id(self) -> int | None:
        row = self.db.execute("SELECT MAX(id) FROM runs").fetchone()
        return row[0]

    # --- buffered writes from the crawl ----------------------------------------------------------
    def _queue(self, sql: str, params: tuple) -> None:
        self._pending.append((sql, _redacted(params)))
        self._queue_flush()

    def _queue_flush(self) -> None:
        if (len(self._pending) >= self.BATCH_ROWS
                or time.monotonic() - self._last_flush >= self.BATCH_SECONDS):
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            self._last_flush = time.monotonic()
            return
        batch, self._pending = self._pending, deque()  # a failed batch is dropped, not retried
        with self.transaction():
            # Consecutive rows of one statement go in one executemany (order is kept).
            for sql, group in groupby(batch, key=itemgetter(0)):
                self.db.executemany(sql, (params for _, params in group))
        self._last_flush = time.monotonic()

    def add_page(self, run_id: int, record: Mapping[str, Any]) -> None:
        body = record.get("body") or b""
        self._queue(
            "INSERT OR REPLACE INTO pages (run_id, url, final_url, status, content_type, kind, "
            "title, depth, size, word_count, fetched_at, elapsed, headers, body, encoding, "
            "redirect_to, error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (run_id, record["url"], record.get("final_url"), record.get("status"),
             record.get("content_type"), record.get("kind", "other"), record.get("title"),
             record.get("depth"), record.get("size"), record.get("word_count"),
             record.get("fetched_at") or utcnow(), record.get("elapsed"),
             json.dumps(record.get("headers") or {}),
             zlib.compress(redact_bytes(body), 1) if body else None, record.get("encoding"),
             record.get("redirect_to"), record.get("error")))

    def add_links(self, run_id: int, links: Iterable[Link]) -> None:
        sql = ("INSERT INTO links (run_id, source, target, fragment, text, tag, attr, internal) "
               "VALUES (?,?,?,?,?,?,?,?)")
        self._pending.extend((sql, _redacted((run_id, link.source, link.target, link.fragment,
                                              link.text, link.tag, link.attr, int(link.internal))))
                             for link in links)
        self._queue_flush()

    def add_link_status(self, run_id: int, status: LinkStatus) -> None:
        self._queue("INSERT OR REPLACE INTO link_status (run_id, url, status, final_url, error, "
                    "redirects, elapsed, method, checked_at, headers, redirect_statuses) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (run_id, status.url, status.status, status.final_url, status.error,
                     json.dumps(list(status.redirects)), status.elapsed, status.method, utcnow(),
                     json.dumps(dict(status.headers)), json.dumps(list(status.redirect_statuses))))

    # --- the site's linked stylesheets ------------------------------------------------------------
    def add_page_stylesheets(self, run_id: int, page: str, sheets: Iterable[tuple[str, str]]) -> None:
        for position, (url, media) in enumerate(sheets):
            self._queue("INSERT OR REPLACE INTO page_stylesheets (run_id, page, position, url, "
                        "media) VALUES (?,?,?,?,?)", (run_id, page, position, url, media or ""))

    def add_stylesheet(self, run_id: int, url: str, status: int | None, text: str | None,
                       error: str | None = None, content_type: str = "",
                       imports: Iterable[tuple[str, str]] | None = None) -> None:
        packed = zlib.compress(redact(text).encode("utf-8"), 6) if text is not None else None
        self._queue("INSERT OR REPLACE INTO stylesheets (run_id, url, status, error, content_type, "
                    "text, imports, fetched_at) VALUES (?,?,?,?,?,?,?,?)",
                    (run_id, url, status, error, content_type, packed,
                     json.dumps([list(i) for i in imports or ()]), utcnow()))
        self._sheet_cache.pop(run_id, None)
        self._sheet_objects.pop(run_id, None)

    def stylesheets(self, run_id: int) -> dict[str, dict[str, Any]]:
        """url -> {status, error, text, imports} of a run's stored stylesheets, read once per
        run and kept (a site has a handful, shared by all its pages)."""
        cached = self._sheet_cache.get(run_id)
        if cached is None:
            cached = {}
            for url, status, error, text, imports in self.db.execute(
                    "SELECT url, status, error, text, imports FROM stylesheets WHERE run_id = ?",
                    (run_id,)):
                cached[url] = {"status": status, "error": error,
                               "text": zlib.decompress(text).decode("utf-8") if text else None,
                               "imports": [tuple(i) for i in json.loads(imports or "[]")]}
            self._sheet_cache[run_id] = cached
        return cached

    def page_stylesheets(self, run_id: int, page: str) -> tuple[LinkedStylesheet, ...] | None:
        """A page's stylesheets in cascade order, @imports (one level) before the sheet that
        imports them; sheets not stored, and imports of imports, have text None (unknown).
        The same LinkedStylesheet object serves every page that uses it. None: none recorded."""
        rows = self.db.execute("SELECT url, media FROM page_stylesheets WHERE run_id = ? AND "
                               "page = ? ORDER BY position", (run_id, page)).fetchall()
        if not rows:
            return None
        known = self.stylesheets(run_id)
        objects = self._sheet_objects.setdefault(run_id, {})

        def sheet(url: str, media: str, text: str | None) -> LinkedStylesheet:
            key = (url, media)
            if key not in objects:
                objects[key] = LinkedStylesheet(url, media, text)
            return objects[key]

        out: list[LinkedStylesheet] = []
        for url, media in rows:
            info = known.get(url)
            for imported, imported_media in (info or {}).get("imports", ()):
                inner = known.get(imported)
                for deeper, deeper_media in (inner or {}).get("imports", ()):
                    out.append(sheet(deeper, _and_media(media, deeper_media), None))
                out.append(sheet(imported, _and_media(media, imported_media),
                                 inner["text"] if inner else None))
            out.append(sheet(url, media, info["text"] if info else None))
        return tuple(out)

    # --- incremental re-audit: an earlier run's unchanged pages reused ---------------------------
    def previous_crawl(self, site: str, before: int) -> dict[str, Any] | None:
        """The newest completed run of `site` before run `before`, with what an incremental
        crawl needs of it: each healthy page's validators (ETag, Last-Modified) and the
        sitemap lastmod it had, and every address it crawled (`crawled`). None when there is no
        such run."""
        row = self.db.execute("SELECT MAX(id) FROM runs WHERE site = ? AND id < ? AND status IN "
                              "('crawled', 'checked')", (site, before)).fetchone()
        if row[0] is None:
            return None
        run_id = row[0]
        pages = {}
        for url, headers in self.db.execute(
                "SELECT url, headers FROM pages WHERE run_id = ? AND status = 200 AND error IS "
                "NULL AND kind IN ('html', 'document') AND redirect_to IS NULL", (run_id,)):
            headers = json.loads(headers or "{}")
            pages[url] = {"etag": headers.get("etag"), "last_modified": headers.get("last-modified")}
        for url, lastmod in self.db.execute(
                "SELECT url, lastmod FROM sitemap_entries WHERE run_id = ? AND lastmod IS NOT NULL",
                (run_id,)):
            if url in pages:
                pages[url]["lastmod"] = lastmod
        crawled = [url for (url,) in self.db.execute(
            "SELECT url FROM pages WHERE run_id = ? AND kind NOT IN ('probe', 'feed') ORDER BY url",
            (run_id,))]
        return {"run_id": run_id, "pages": pages, "crawled": crawled}

    def links_of(self, run_id: int, source: str) -> list[tuple[str, str]]:
        """(target, tag) of one stored page's links, in the order they were recorded."""
        return self.db.execute("SELECT target, tag FROM links WHERE run_id = ? AND source = ? "
                               "ORDER BY rowid", (run_id, source)).fetchall()

    def copy_page(self, from_run: int, to_run: int, url: str, depth: int | None) -> None:
        """Reuse an unchanged page: its stored row and links go into `to_run` (links first, as
        the spider writes them), marked reused_from; fetched_at is now, when it was confirmed."""
        self._queue("INSERT INTO links (run_id, source, target, fragment, text, tag, attr, internal) "
                    "SELECT ?, source, target, fragment, text, tag, attr, internal FROM links "
                    "WHERE run_id = ? AND source = ? ORDER BY rowid", (to_run, from_run, url))
        self._queue("INSERT OR REPLACE INTO page_stylesheets (run_id, page, position, url, media) "
                    "SELECT ?, page, position, url, media FROM page_stylesheets WHERE run_id = ? "
                    "AND page = ?", (to_run, from_run, url))
        self._queue("INSERT OR REPLACE INTO pages (run_id, url, final_url, status, content_type, "
                    "kind, title, depth, size, word_count, fetched_at, elapsed, headers, body, "
                    "encoding, redirect_to, error, reused_from) SELECT ?, url, final_url, status, "
                    "content_type, kind, title, ?, size, word_count, ?, elapsed, headers, body, "
                    "encoding, redirect_to, error, ? FROM pages WHERE run_id = ? AND url = ?",
                    (to_run, depth, utcnow(), from_run, from_run, url))

    def fetch_days(self, run_id: int) -> dict[str, str]:
        """URL -> the day (YYYY-MM-DD, UTC) each page of a run was fetched or confirmed."""
        return {url: (fetched_at or "")[:10] for url, fetched_at in self.db.execute(
            "SELECT url, fetched_at FROM pages WHERE run_id = ?", (run_id,))}

    def reused_pages(self, run_id: int) -> dict[str, int]:
        """URL -> the run whose copy of the page this run reused."""
        return dict(self.db.execute("SELECT url, reused_from FROM pages WHERE run_id = ? AND "
                                    "reused_from IS NOT NULL", (run_id,)))

    def findings_at(self, run_id: int, url: str, rules: Iterable[str]) -> list[Finding]:
        """A run's stored findings on one page from the given rules (as findings() builds them)."""
        rules = tuple(rules)
        rows = self.db.execute(
            "SELECT rule, rule_name, family, severity, url, message, fix, target, selector, "
            "snippet, owner, owner_contact, extra FROM findings WHERE run_id = ? AND url = ? AND "
            f"rule IN ({','.join('?' * len(rules))})", (run_id, url, *rules))
        return [_finding(r) for r in rows]

    def findings_of_rules(self, run_id: int, rules: Iterable[str],
                          crash_selector: str | None = None) -> list[Finding]:
        """A run's stored findings from the given rules (and INT001 crashes of one check)."""
        rules = tuple(rules)
        rows = self.db.execute(
            "SELECT rule, rule_name, family, severity, url, message, fix, target, selector, "
            "snippet, owner, owner_contact, extra FROM findings WHERE run_id = ? AND "
            f"(rule IN ({','.join('?' * len(rules))}) OR (rule = 'INT001' AND selector = ?))",
            (run_id, *rules, crash_selector))
        return [_finding(r) for r in rows]

    def crawl_digest(self, run_id: int, offsite) -> str:
        """A digest of everything the checks read of a run, except what differs between two
        crawls of an unchanged site without mattering to any check: fetch times (the date rules
        are always run again), response times of pages and of internal resources, Date headers,
        and whether a link result came from the cache. Two runs with the same digest give the
        same site-check results. `offsite(url)` tells off-site addresses (their response time
        matters: slow partner sites)."""
        import hashlib

        digest = hashlib.sha256()

        def feed(*values: Any) -> None:
            digest.update(repr(values).encode("utf-8", "replace"))

        def headers_of(text: str | None) -> list:
            headers = json.loads(text or "{}")
            headers.pop("date", None)
            return sorted(headers.items())

        for (url, final_url, status, content_type, kind, title, depth, redirect_to, error,
             encoding, headers, body, fetched_at) in self.db.execute(
                "SELECT url, final_url, status, content_type, kind, title, depth, redirect_to, "
                "error, encoding, headers, body, fetched_at FROM pages WHERE run_id = ? "
                "ORDER BY url", (run_id,)):
            # The Open Referral feed's checks measure staleness from the day it was fetched.
            day = (fetched_at or "")[:10] if kind == "feed" else None
            feed("page", url, final_url, status, content_type, kind, title, depth, redirect_to,
                 error, encoding, headers_of(headers), day)
            digest.update(body or b"")
        for row in self.db.execute(
                "SELECT source, target, fragment, text, tag, attr, internal FROM links "
                "WHERE run_id = ? ORDER BY source, target, tag, attr, text, fragment", (run_id,)):
            feed("link", *row)
        for url, status, final_url, error, redirects, elapsed, headers, hop_statuses in \
                self.db.execute("SELECT url, status, final_url, error, redirects, elapsed, "
                                "headers, redirect_statuses FROM link_status WHERE run_id = ? "
                                "ORDER BY url", (run_id,)):
            healthy = error is None and status is not None and status < 400
            feed("status", url, status, final_url, error, redirects, headers_of(headers),
                 hop_statuses, elapsed if healthy and offsite(url) else None)
        for row in self.db.execute("SELECT url, lastmod, sitemap FROM sitemap_entries WHERE "
                                   "run_id = ? ORDER BY url", (run_id,)):
            feed("sitemap", *row)
        for row in self.db.execute("SELECT page, position, url, media FROM page_stylesheets WHERE "
                                   "run_id = ? ORDER BY page, position", (run_id,)):
            feed("page-stylesheet", *row)
        for row in self.db.execute("SELECT url, status, error, content_type, text, imports FROM "
                                   "stylesheets WHERE run_id = ? ORDER BY url", (run_id,)):
            feed("stylesheet", *row)
        for row in self.db.execute("SELECT url, engine, outcome, error, results, blocked FROM "
                                   "engine_results WHERE run_id = ? ORDER BY url, engine",
                                   (run_id,)):
            feed("engine", *row)
        return digest.hexdigest()

    def metrics_at(self, run_id: int, url: str) -> dict[str, Any]:
        return {name: json.loads(value) for name, value in self.db.execute(
            "SELECT name, value FROM page_metrics WHERE run_id = ? AND url = ?", (run_id, url))}

    # --- the off-site link cache (kept across runs) ----------------------------------------------
    def cache_link_result(self, status: LinkStatus) -> None:
        """Keep an off-site result from a request, healthy or not (lychee's model); a result
        decided here without asking the partner site forgets the URL."""
        if status.method == "cache":
            return  # reused: its age still counts from when it was really checked
        error = status.error
        if status.status is not None or error in CACHED_ERRORS or \
                (error or "").startswith("connection:"):
            self._queue("INSERT OR REPLACE INTO link_cache (url, status, final_url, redirects, "
                        "redirect_statuses, elapsed, method, headers, checked_at, error) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (status.url, status.status, status.final_url,
                         json.dumps(list(status.redirects)),
                         json.dumps(list(status.redirect_statuses)), status.elapsed,
                         status.method, json.dumps(dict(status.headers)), utcnow(), error))
        else:
            self._queue("DELETE FROM link_cache WHERE url = ?", (status.url,))

    def cached_links(self, max_age_hours: float,
                     exclude: Iterable[tuple[int, int]] = ()) -> dict[str, LinkStatus]:
        """Off-site results checked within the last max_age_hours, except those whose status
        falls in one of the inclusive `exclude` ranges (lychee's --cache-exclude-status)."""
        if max_age_hours <= 0:
            return {}
        exclude = tuple(exclude)
        since = (datetime.now(timezone.utc) - timedelta(hours=max_age_hours)).isoformat(
            timespec="seconds")
        rows = self.db.execute("SELECT url, status, final_url, error, redirects, elapsed, headers, "
                               "redirect_statuses FROM link_cache WHERE checked_at >= ?", (since,))
        return {url: LinkStatus(url, status, final_url, error, tuple(json.loads(redirects or "[]")),
                                elapsed, "cache", json.loads(headers or "{}"),
                                redirect_statuses=tuple(json.loads(hop_statuses or "[]")))
                for url, status, final_url, error, redirects, elapsed, headers, hop_statuses in rows
                if status is None or not any(low <= status <= high for low, high in exclude)}

    # --- page metrics (measured by checks) -------------------------------------------------------
    def replace_metrics(self, run_id: int, metrics: Iterable[tuple[str, str, Any]]) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM page_metrics WHERE run_id = ?", (run_id,))
            self.db.executemany("INSERT OR REPLACE INTO page_metrics (run_id, url, name, value) "
                                "VALUES (?,?,?,?)",
                                ((run_id, url, name, json.dumps(value, default=str))
                                 for url, name, value in metrics))

    def replace_site_metrics(self, run_id: int, metrics: Mapping[str, Any]) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM site_metrics WHERE run_id = ?", (run_id,))
            self.db.executemany("INSERT INTO site_metrics (run_id, name, value) VALUES (?,?,?)",
                                ((run_id, name, json.dumps(value, default=str))
                                 for name, value in metrics.items()))

    def site_metrics(self, run_id: int) -> dict[str, Any]:
        return {name: json.loads(value) for name, value in self.db.execute(
            "SELECT name, value FROM site_metrics WHERE run_id = ?", (run_id,))}

    def metrics(self, run_id: int) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for url, name, value in self.db.execute(
                "SELECT url, name, value FROM page_metrics WHERE run_id = ?", (run_id,)):
            out.setdefault(url, {})[name] = json.loads(value)
        return out

    # --- the real-browser accessibility engine -----------------------------------------------------
    def add_engine_result(self, run_id: int, url: str, engine: str, outcome: str, *,
                          results: Mapping[str, Any] | None = None, error: str | None = None,
                          blocked: Iterable[str] = (), engine_version: str | None = None,
                          browser_version: str | None = None, elapsed: float | None = None) -> None:
        """One rendered page's raw engine output (replacing an earlier one for the same page)."""
        packed = zlib.compress(json.dumps(results).encode("utf-8"), 6) if results is not None else None
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO engine_results (run_id, url, engine, engine_version, "
                "browser_version, outcome, error, results, blocked, elapsed, rendered_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (run_id, url, engine, engine_version, browser_version, outcome, error, packed,
                 json.dumps(list(blocked)), elapsed, utcnow()))

    def iter_engine_results(self, run_id: int) -> Iterator[dict[str, Any]]:
        """Every stored engine result of a run, ordered by URL, results decompressed."""
        cols = ("url", "engine", "engine_version", "browser_version", "outcome", "error",
                "results", "blocked", "elapsed", "rendered_at")
        for row in self.db.execute(f"SELECT {', '.join(cols)} FROM engine_results "
                                   "WHERE run_id = ? ORDER BY url, engine", (run_id,)):
            record = dict(zip(cols, row))
            record["results"] = (json.loads(zlib.decompress(record["results"]))
                                 if record["results"] else None)
            record["blocked"] = json.loads(record["blocked"] or "[]")
            yield record

    def update_run_stats(self, run_id: int, extra: Mapping[str, Any]) -> None:
        """Merge keys into a run's stats (the crawl's own stats are kept)."""
        stats = self.run(run_id)["stats"]
        stats.update(extra)
        with self.transaction():
            self.db.execute("UPDATE runs SET stats = ? WHERE id = ?",
                            (json.dumps(stats, default=str), run_id))

    def add_sitemap_entry(self, run_id: int, url: str, lastmod: str | None, sitemap: str) -> None:
        self._queue("INSERT OR IGNORE INTO sitemap_entries (run_id, url, lastmod, sitemap) "
                    "VALUES (?,?,?,?)", (run_id, url, lastmod, sitemap))

    # --- derived data ----------------------------------------------------------------------------
    def compute_depths(self, run_id: int, start_urls: Iterable[str]) -> None:
        """Click depth = shortest link path from a start URL (redirects count as no click)."""
        self.flush()
        edges: dict[str, list[str]] = {}
        one: dict[str, str] = {}  # one string per URL: menus link every page to the same few
        for source, target in self.db.execute(
                "SELECT source, target FROM links WHERE run_id = ? AND internal = 1", (run_id,)):
            edges.setdefault(source, []).append(one.setdefault(target, target))
        redirects = dict(self.db.execute(
            "SELECT url, redirect_to FROM pages WHERE run_id = ? AND redirect_to IS NOT NULL",
            (run_id,)))
        depth: dict[str, int] = {}
        queue: deque[str] = deque()
        for url in start_urls:
            depth.setdefault(url, 0)
            queue.append(url)
        while queue:
            url = queue.popleft()
            hop = redirects.get(url)
            if hop and hop not in depth:
                depth[hop] = depth[url]
                queue.appendleft(hop)
            for target in edges.get(url, ()):
                if target not in depth:
                    depth[target] = depth[url] + 1
                    queue.append(target)
        with self.transaction():
            self.db.execute("UPDATE pages SET depth = NULL WHERE run_id = ?", (run_id,))
            self.db.executemany("UPDATE pages SET depth = ? WHERE run_id = ? AND url = ?",
                                ((d, run_id, u) for u, d in depth.items()))

    # --- reads for checks and reports ------------------------------------------------------------
    PAGE_COLUMNS = ("url", "final_url", "status", "content_type", "kind", "title", "depth",
                    "size", "word_count", "fetched_at", "elapsed", "headers", "encoding",
                    "redirect_to", "error")

    def page_rows(self, run_id: int) -> Iterator[dict[str, Any]]:
        """Page metadata without bodies (cheap), ordered by URL. Not-found probes and Open
        Referral feed responses are not pages of the site."""
        cols = ", ".join(self.PAGE_COLUMNS)
        for row in self.db.execute(f"SELECT {cols} FROM pages WHERE run_id = ? AND kind NOT IN "
                                   "('probe', 'feed') ORDER BY url", (run_id,)):
            record = dict(zip(self.PAGE_COLUMNS, row))
            record["headers"] = json.loads(record["headers"] or "{}")
            yield record

    def iter_pages(self, run_id: int, kinds: tuple[str, ...] = ("html", "document"),
                   url: str | None = None) -> Iterator[Page]:
        """Pages with bodies and outgoing links, one at a time (never all in memory)."""
        placeholders = ",".join("?" * len(kinds))
        cols = ", ".join(f"p.{c}" for c in self.PAGE_COLUMNS)
        where = "" if url is None else " AND p.url = ?"
        cursor = self.db.cursor()
        cursor.execute(f"SELECT {cols}, s.lastmod, p.body FROM pages p LEFT JOIN sitemap_entries s "
                       f"ON s.run_id = p.run_id AND s.url = p.url WHERE p.run_id = ? AND p.kind IN "
                       f"({placeholders}){where} ORDER BY p.url",
                       (run_id, *kinds, *([url] if url is not None else [])))
        for row in cursor:
            record = dict(zip(self.PAGE_COLUMNS, row[:-2]))
            body = zlib.decompress(row[-1]) if row[-1] else b""
            yield Page(url=record["url"], status=record["status"],
                       content_type=record["content_type"] or "", kind=record["kind"],
                       final_url=record["final_url"] or record["url"], depth=record["depth"],
                       title=record["title"], headers=json.loads(record["headers"] or "{}"),
                       body=body, encoding=record["encoding"] or "utf-8", error=record["error"],
                       links=tuple(self.links_from(run_id, record["url"])),
                       fetched_at=record["fetched_at"], sitemap_lastmod=row[-2],
                       stylesheets=(self.page_stylesheets(run_id, record["url"])
                                    if record["kind"] == "html" else None))

    def page(self, run_id: int, url: str, kinds: tuple[str, ...] = ("html", "document")) -> Page | None:
        return next(self.iter_pages(run_id, kinds, url=url), None)

    def links_from(self, run_id: int, source: str) -> Iterator[Link]:
        for row in self.db.execute("SELECT source, target, text, tag, attr, fragment, internal "
                                   "FROM links WHERE run_id = ? AND source = ?", (run_id, source)):
            yield Link(*row[:6], internal=bool(row[6]))

    def iter_links(self, run_id: int) -> Iterator[Link]:
        for row in self.db.execute("SELECT source, target, text, tag, attr, fragment, internal "
                                   "FROM links WHERE run_id = ? ORDER BY source, target",
                                   (run_id,)):
            yield Link(*row[:6], internal=bool(row[6]))

    def status_resolver(self, run_id: int, max_hops: int = 20):
        """A function url -> LinkStatus, following recorded redirects between crawled pages."""
        pages = {row[0]: row[1:] for row in self.db.execute(
            "SELECT url, status, redirect_to, error, elapsed, headers, content_type FROM pages "
            "WHERE run_id = ? AND kind != 'probe'", (run_id,))}
        checked = {row[0]: row[1:] for row in self.db.execute(
            "SELECT url, status, final_url, error, redirects, elapsed, method, headers, "
            "redirect_statuses FROM link_status WHERE run_id = ?", (run_id,))}

        def resolve(url: str) -> LinkStatus | None:
            hops: list[str] = []
            hop_statuses: list[int] = []
            current = url
            while current in pages:
                status, redirect_to, error, elapsed, headers, content_type = pages[current]
                if redirect_to and status and 300 <= status < 400:
                    hop_statuses.append(status)
                    if redirect_to in hops or redirect_to == url or len(hops) >= max_hops:
                        return LinkStatus(url, status, current, "redirect-loop",
                                          tuple(hops + [redirect_to]),
                                          redirect_statuses=tuple(hop_statuses))
                    hops.append(redirect_to)
                    current = redirect_to
                    continue
                return LinkStatus(url, status, current, error, tuple(hops), elapsed, "GET",
                                  json.loads(headers or "{}"), content_type or None,
                                  tuple(hop_statuses))
            if current in checked:
                (status, final_url, error, redirects, elapsed, method, headers,
                 more_statuses) = checked[current]
                headers = json.loads(headers or "{}")
                return LinkStatus(url, status, final_url, error,
                                  tuple(hops) + tuple(json.loads(redirects or "[]")), elapsed, method,
                                  headers, (headers.get("content-type") or "").split(";")[0].strip()
                                  or None,
                                  tuple(hop_statuses) + tuple(json.loads(more_statuses or "[]")))
            return None

        return resolve

    def replace_findings(self, run_id: int, findings: Iterable[Finding]) -> int:
        """The check stage is re-runnable: a run's findings are replaced as one transaction.
        Rows are made as SQLite takes them, not all at once (100,000 findings at 20,000 pages)."""
        count = 0

        def rows():
            nonlocal count
            for f in findings:
                count += 1
                yield _redacted((run_id, f.fingerprint, f.rule, f.rule_name, f.family,
                                 f.severity.value, f.url, f.target, f.selector, f.snippet,
                                 f.message, f.fix, f.owner, f.owner_contact,
                                 json.dumps(dict(f.extra), default=str)))

        with self.transaction():
            self.db.execute("DELETE FROM findings WHERE run_id = ?", (run_id,))
            self.db.executemany(
                "INSERT OR IGNORE INTO findings (run_id, fingerprint, rule, rule_name, family, "
                "severity, url, target, selector, snippet, message, fix, owner, owner_contact, "
                "extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows())
        return count

    def copy_check_results(self, from_run: int, to_run: int) -> int:
        """Every finding and measured value of one run, as another run's, in one transaction
        (an incremental re-audit whose crawl and fetch days are the same as that run's)."""
        findings = ("fingerprint, rule, rule_name, family, severity, url, target, selector, "
                    "snippet, message, fix, owner, owner_contact, extra")
        with self.transaction():
            for table in ("findings", "page_metrics", "site_metrics"):
                self.db.execute(f"DELETE FROM {table} WHERE run_id = ?", (to_run,))
            self.db.execute(f"INSERT INTO findings (run_id, {findings}) SELECT ?, {findings} "
                            "FROM findings WHERE run_id = ?", (to_run, from_run))
            self.db.execute("INSERT INTO page_metrics (run_id, url, name, value) SELECT ?, url, "
                            "name, value FROM page_metrics WHERE run_id = ?", (to_run, from_run))
            self.db.execute("INSERT INTO site_metrics (run_id, name, value) SELECT ?, name, value "
                            "FROM site_metrics WHERE run_id = ?", (to_run, from_run))
        return self.db.execute("SELECT COUNT(*) FROM findings WHERE run_id = ?",
                               (to_run,)).fetchone()[0]

    def findings(self, run_id: int) -> list[Finding]:
        rows = self.db.execute(
            "SELECT rule, rule_name, family, severity, url, message, fix, target, selector, "
            "snippet, owner, owner_contact, extra FROM findings WHERE run_id = ? "
            "ORDER BY url, rule, fingerprint", (run_id,))
        return [_finding(r) for r in rows]

    def sitemap_entries(self, run_id: int) -> dict[str, str | None]:
        return dict(self.db.execute("SELECT url, lastmod FROM sitemap_entries WHERE run_id = ?",
                                    (run_id,)))

    def integrity_check(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.db.close()

    def abandon(self) -> None:
        """Close without writing what is still buffered (after the disk refused a write)."""
        self._pending.clear()
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error (sqlite3 in autocommit mode).

    A write the disk refuses (full, read-only, over a file size limit) rolls the whole
    transaction back and becomes a StoreWriteError naming the store: SQLite's journal keeps
    the file as it was before the transaction."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db, self.path = db, path

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._failed(exc) from None
        return self.db

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            try:
                self.db.execute("COMMIT")
                return False
            except sqlite3.OperationalError as commit_error:
                exc = commit_error
        if self.db.in_transaction:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite has already rolled back what it could not write
        if isinstance(exc, (sqlite3.OperationalError, OSError)):
            raise self._failed(exc) from None
        return False

    def _failed(self, exc: BaseException) -> StoreWriteError:
        return StoreWriteError(f"cannot write to the store {self.path}: {exc} "
                               "(is the disk full, or the directory read-only?)")


def _and_media(outer: str, inner: str) -> str:
    """The media an imported sheet applies to: both its own and its importer's must match."""
    outer, inner = (outer or "").strip(), (inner or "").strip()
    if not outer or outer.lower() == "all":
        return inner
    if not inner or inner.lower() == "all":
        return outer
    return f"{outer} and {inner}"  # not screen-only either way: css_cascade skips it


def _finding(r: tuple) -> Finding:
    return Finding(rule=r[0], rule_name=r[1], family=r[2], severity=Severity(r[3]), url=r[4],
                   message=r[5], fix=r[6] or "", target=r[7], selector=r[8], snippet=r[9],
                   owner=r[10] or "", owner_contact=r[11] or "", extra=json.loads(r[12] or "{}"))


def _redacted(params: tuple) -> tuple:
    """Every text column passes through urls.redact: no credentials in the store."""
    return tuple(redact(p) if isinstance(p, str) else p for p in params)


def asjson(finding: Finding) -> dict[str, Any]:
    data = asdict(finding)
    data["severity"] = finding.severity.value
    data["extra"] = dict(finding.extra)
    data["fingerprint"] = finding.fingerprint
    return data
