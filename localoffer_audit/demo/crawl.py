"""Simulated crawl of the generated site, used to derive the link facts in the answer key.

It runs the server's own ``Router`` over the in-memory pages, so "reachable",
"click depth" and "broken internal links" are measured, not assumed. Rules (the
test-suite's live crawl uses the same ones):

* follow ``<a href>`` only; skip mailto:, tel:, other hosts and same-page ``#`` links;
* never enter ``/staff-only/`` (robots.txt);
* canonical URL = no fragment, no ``;jsessionid=``, no ``utm_*`` / session query params;
* a page is recorded under its canonical URL only when it answers 200 directly
  (redirecting URLs are not pages; their final target is queued instead);
* crawler traps (calendar, facet search) are recorded when first linked from a
  normal page, but their links are neither followed nor checked.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from .routes import CALENDAR_PATH, FACET_PATH, Router

SITE = "__SITE__"
DISALLOWED_PREFIXES = ("/staff-only/",)
TRAP_PATHS = (CALENDAR_PATH, FACET_PATH)
TRACKING_PARAMS = ("phpsessid", "sessionid", "jsessionid", "sid")
_A_HREF = re.compile(r"<a\s[^>]*?href=\"([^\"]*)\"", re.IGNORECASE)


def extract_links(html: str) -> list[str]:
    return [unescape(h) for h in _A_HREF.findall(html)]


def internal_target(href: str, page_url: str) -> str | None:
    """Site-relative path+query (no fragment) for an on-site link, else None."""
    if href.startswith("#") or not href.strip():
        return None
    if href.startswith("/") and not href.startswith("//") and "/." not in href:
        return href.split("#", 1)[0]  # fast path: most links are root-relative (nav, footer, lists)
    parts = urlsplit(urljoin(f"http://{SITE}{page_url}", href))
    if parts.scheme not in ("http", "https") or parts.netloc != SITE:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def canonical(url: str) -> str:
    url = url.split("#", 1)[0]
    if "?" not in url and ";" not in url:
        return url
    path, _, query = url.partition("?")
    path = re.sub(r";[^/]*", "", path)
    params = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    ]
    return path + ("?" + urlencode(params) if params else "")


def is_disallowed(url: str) -> bool:
    return url.startswith(DISALLOWED_PREFIXES)


@dataclass
class CrawlResult:
    reachable: dict[str, int] = field(default_factory=dict)  # canonical URL -> click depth
    html_pages: set[str] = field(default_factory=set)
    trap_entries: list[str] = field(default_factory=list)
    broken: list[dict] = field(default_factory=list)
    duplicate_forms: list[dict] = field(default_factory=list)  # link URL differs from its canonical form


class SimulatedCrawler:
    def __init__(self, router: Router, html_by_file: dict[str, str]):
        self.router = router
        self.html_by_file = html_by_file
        self._status_cache: dict[str, tuple[int | None, str, object]] = {}

    def follow(self, url: str, max_hops: int = 10):
        """(final status or None for a loop/too many hops, final URL, Resolved)."""
        if url in self._status_cache:
            return self._status_cache[url]
        seen, current, resolved = set(), url, None
        result = None
        for _ in range(max_hops + 1):
            if current in seen:
                break
            seen.add(current)
            path, _, query = current.partition("?")
            resolved = self.router.resolve(path, query)
            if resolved.kind != "redirect":
                result = (resolved.status, current, resolved)
                break
            current = internal_target(resolved.location, current) or resolved.location
        if result is None:
            result = (None, current, resolved)
        self._status_cache[url] = result
        return result

    def html_of(self, resolved) -> str | None:
        if resolved.kind == "file":
            return self.html_by_file.get(resolved.file)
        if resolved.kind in ("dynamic", "busy"):
            return resolved.html
        return None

    def crawl(self, start: str = "/") -> CrawlResult:
        res = CrawlResult()
        queue = deque([(start, 0)])
        queued = {start}
        broken = {}
        while queue:
            url, depth = queue.popleft()
            status, final, resolved = self.follow(url)
            if status != 200:
                continue
            final_canon = canonical(final)
            if final_canon != url:  # a redirect: queue where it lands instead
                if final_canon not in queued and not is_disallowed(final_canon):
                    queued.add(final_canon)
                    queue.append((final_canon, depth))
                continue
            res.reachable[url] = depth
            html = self.html_of(resolved)
            if html is None:
                continue
            res.html_pages.add(url)
            if url.split("?", 1)[0] in TRAP_PATHS:
                res.trap_entries.append(url)
                continue
            for href in extract_links(html):
                target = internal_target(href, url)
                if target is None:
                    continue
                canon = canonical(target)
                if is_disallowed(canon):
                    continue
                if canon != target.split("#")[0]:
                    res.duplicate_forms.append({"page": url, "url": target, "canonical": canon})
                t_status = self.follow(target)[0]
                if t_status is not None and t_status >= 400:
                    broken[(url, target)] = t_status
                if canon not in queued:
                    queued.add(canon)
                    queue.append((canon, depth + 1))
        res.broken = [{"page": p, "target": t, "status": s} for (p, t), s in sorted(broken.items())]
        return res
