"""Counted crawl events: what went wrong (or was refused) while crawling, by stable name.

The crawl counts them in Scrapy's stats, which the store keeps with the run (runs.stats);
summary.json publishes them as `events` under the names below (docs/output-format.md), so a
dashboard does not depend on Scrapy's own stat keys, which change between versions.
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = ["EVENTS", "LIMIT_REASONS", "crawl_events", "failure_kind"]

LIMIT_REASONS = frozenset({"max-depth", "max-pages"})  # the rest of `capped` are trap reasons

# name -> (stats keys, summed; meaning). Every key is a localoffer/ one: those are summed over
# the sessions of a resumed run.
EVENTS: dict[str, tuple[tuple[str, ...], str]] = {
    "pages_fetched": (("localoffer/pages",), "pages fetched (with any status)"),
    "checks": (("localoffer/checks",), "link targets status-checked (HEAD, or GET when refused)"),
    "retries": (("localoffer/retries",), "requests retried after a 5xx, 408 or a broken connection"),
    "retry_after_waits": (("localoffer/retry_after/waits",),
                          "waits for a 429/503 Retry-After before trying again"),
    "retry_after_given_up": (("localoffer/retry_after/exhausted",),
                             "addresses still 429/503 after the allowed waits (cannot verify)"),
    "timeouts": (("localoffer/failed/timeout",), "requests that timed out"),
    "too_large": (("localoffer/failed/too-large",),
                  "responses abandoned at the size cap (also while decompressing)"),
    "dns_failures": (("localoffer/failed/dns",), "names that did not resolve"),
    "connection_failures": (("localoffer/failed/connection-refused", "localoffer/failed/tls",
                             "localoffer/failed/data-loss", "localoffer/failed/connection"),
                            "refused, reset, truncated or TLS-failed connections"),
    "robots_disallowed": (("localoffer/failed/robots",),
                          "addresses not requested because robots.txt disallows them"),
    "robots_unavailable": (("localoffer/robots/unavailable",),
                           "hosts whose robots.txt answered 5xx (or, for the audited site, "
                           "could not be reached): treated as disallow all"),
    "private_address_blocked": (("localoffer/blocked/private_address",),
                                "requests refused: private, loopback, link-local or metadata "
                                "address"),
    "scheme_blocked": (("localoffer/blocked/scheme",), "requests refused: not http(s)"),
    "sitemap_urls": (("localoffer/sitemap/urls",), "sitemap entries read"),
    "sitemap_capped": (("localoffer/sitemap/capped",),
                       "sitemaps cut short at [crawl].max_sitemap_urls (the rest not downloaded)"),
    "sitemap_invalid": (("localoffer/sitemap/invalid",), "sitemaps that were not sitemap XML"),
    "sitemap_unreachable": (("localoffer/sitemap/unreachable",),
                            "robots.txt or sitemap requests that got no response"),
}
# Computed from the run's `capped` list rather than from a stat.
CAPPED_EVENTS = {
    "trap_skipped": "addresses skipped as crawler traps (calendars, facets, patterns)",
    "limit_skipped": "addresses skipped at max_depth or max_pages",
}


def failure_kind(code: str) -> str:
    """The counted kind of a request failure, from its stored error code (spider.error_code)."""
    if code == "robots" or code.startswith("blocked"):
        return "robots" if code == "robots" else "blocked"  # the guard counts its own
    if "DOWNLOAD_MAXSIZE" in code:  # HttpCompressionMiddleware: a bomb stopped while inflating
        return "too-large"
    if code.startswith("connection:"):
        return "connection"
    if code.startswith("ignored:"):
        return "ignored"
    return code


def crawl_events(stats: Mapping[str, Any]) -> dict[str, int | float]:
    """Every event, 0 when it never happened, from a run's stored stats."""
    events: dict[str, int | float] = {
        name: sum(stats.get(key, 0) or 0 for key in keys) for name, (keys, _) in EVENTS.items()}
    capped = stats.get("capped") or []
    events["trap_skipped"] = sum(c.get("skipped", 0) for c in capped
                                 if c.get("reason") not in LIMIT_REASONS)
    events["limit_skipped"] = sum(c.get("skipped", 0) for c in capped
                                  if c.get("reason") in LIMIT_REASONS)
    return events
