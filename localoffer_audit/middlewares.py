"""Downloader middlewares: polite Retry-After handling and a private-address guard.

Recommended settings (paste into the Scrapy settings)::

    DOWNLOADER_MIDDLEWARES = {
        # Runs first in process_request (low numbers first): blocked requests
        # never reach the cache, stats or the network.
        "localoffer_audit.middlewares.PrivateAddressGuardMiddleware": 50,
        # process_response runs from high to low numbers, so 560 sees 429/503
        # before Scrapy's RetryMiddleware (550) does.
        "localoffer_audit.middlewares.RetryAfterMiddleware": 560,
    }
    # RetryAfterMiddleware owns 429 and 503; drop them from RetryMiddleware so a
    # "cannot verify" response is not retried again without waiting.
    RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]

As a safety net the middleware also sets ``dont_retry`` on a request whose
Retry-After handling gave up, so RetryMiddleware leaves that response alone
even if RETRY_HTTP_CODES still lists 429/503.

Meta keys the spider can read from ``response.meta``:

* ``retry_after_waits``: list of seconds waited before this response.
* ``retry_after_exhausted``: True when the final response is still 429/503
  (retries used up or the server asked for more than MAX_WAIT) -- report the
  page as "cannot verify", not as broken.
* ``retry_after_requested``: seconds the server asked for on that final response.

A request dropped by :class:`PrivateAddressGuardMiddleware` reaches the
request's errback as an ``IgnoreRequest`` whose message names the URL, host
and address. DNS failures are *not* handled here: the request proceeds and the
download handler raises its usual error (``scrapy.exceptions.CannotResolveHostError``
in Scrapy 2.19; Twisted's ``DNSLookupError`` in older versions).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.task import deferLater
from twisted.internet.threads import deferToThread

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = [
    "PrivateAddressGuardMiddleware",
    "RetryAfterMiddleware",
    "is_fetchable_address",
    "parse_networks",
    "retry_after_seconds",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

RETRY_AFTER_STATUSES = frozenset({429, 503})
_HOLD_TOLERANCE = 0.01  # seconds; timer and clock disagree by a hair


async def _sleep(seconds: float) -> None:
    """Wait without blocking the reactor: other downloads carry on meanwhile."""
    from twisted.internet import reactor

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


# -- Retry-After -------------------------------------------------------------


def _parse_http_date(value: str | bytes | None) -> datetime | None:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def retry_after_seconds(value: str | bytes | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date), None if unusable.

    ``now`` should be the response's ``Date`` when present, so that a server
    whose clock is off still gets the wait it asked for.
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        when = _parse_http_date(text)
        return None if when is None else max(0.0, (when - now).total_seconds())
    return seconds if 0 <= seconds < float("inf") else None


def _response_now(response: Response) -> datetime:
    return _parse_http_date(response.headers.get(b"Date")) or datetime.now(UTC)


class RetryAfterMiddleware:
    """Honour ``Retry-After`` on 429/503: wait (without blocking), then retry.

    Scrapy's RetryMiddleware retries these at once, which hammers an already
    overloaded council server and usually fails again. While a wait is in
    force, other requests to the same download slot are held back too.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.max_retries = settings.getint("LOCALOFFER_RETRY_AFTER_MAX_RETRIES", 3)
        self.max_wait = settings.getfloat("LOCALOFFER_RETRY_AFTER_MAX_WAIT", 120.0)
        self.default_wait = settings.getfloat("LOCALOFFER_RETRY_AFTER_DEFAULT_WAIT", 5.0)
        self._not_before: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"localoffer/retry_after/{key}")

    def _add_seconds(self, seconds: float) -> None:
        stats = self.crawler.stats
        if stats is not None:
            key = "localoffer/retry_after/seconds"
            stats.set_value(key, stats.get_value(key, 0.0) + seconds)

    def _slot_key(self, request: Request) -> str:
        engine = getattr(self.crawler, "engine", None)
        if engine is not None and engine.downloader is not None:
            return engine.downloader.get_slot_key(request)
        return urlparse_cached(request).hostname or ""

    def _remaining_hold(self, key: str) -> float:
        return self._not_before.get(key, 0.0) - time.monotonic()

    async def process_request(self, request: Request) -> None:
        """Hold the request while its slot is under a Retry-After wait."""
        key = self._slot_key(request)
        if self._remaining_hold(key) <= _HOLD_TOLERANCE:
            self._not_before.pop(key, None)  # expired: keep the map small
            return
        self._inc("held_requests")
        while (remaining := self._remaining_hold(key)) > _HOLD_TOLERANCE:
            await _sleep(remaining)  # re-check: another 429 may have extended the hold

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in RETRY_AFTER_STATUSES or request.meta.get("dont_retry"):
            return response
        header = response.headers.get(b"Retry-After")
        wait = retry_after_seconds(header, _response_now(response))
        wait = self.default_wait if wait is None else wait
        retries = request.meta.get("retry_after_times", 0)
        if retries >= self.max_retries or wait > self.max_wait:
            return self._give_up(request, response, wait)

        waits = [*request.meta.get("retry_after_waits", []), wait]
        self._hold_slot(request, wait)
        self._inc("waits")
        self._add_seconds(wait)
        await _sleep(wait)

        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = retries + 1
        retry.meta["retry_after_waits"] = waits
        return retry

    def _hold_slot(self, request: Request, wait: float) -> None:
        key = self._slot_key(request)
        until = time.monotonic() + wait
        self._not_before[key] = max(self._not_before.get(key, 0.0), until)

    def _give_up(self, request: Request, response: Response, wait: float) -> Response:
        """Hand the 429/503 to the spider, flagged so it can say "cannot verify"."""
        request.meta["retry_after_exhausted"] = True
        request.meta["retry_after_requested"] = wait
        request.meta.setdefault("retry_after_waits", [])
        request.meta["dont_retry"] = True  # RetryMiddleware must not retry it again
        self._inc("exhausted")
        return response


# -- private-address guard ---------------------------------------------------


def parse_networks(cidrs: Iterable[str]) -> list[IPNetwork]:
    """CIDR strings from settings -> networks (host bits allowed, e.g. ``127.0.0.1/8``)."""
    return [ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip()]


def _unwrap(address: IPAddress) -> IPAddress:
    """IPv4-mapped IPv6 (``::ffff:10.0.0.1``) is judged as the IPv4 address it carries."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address tunnelled in a 6to4 or Teredo address, if any."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return None


def _is_global_unicast(address: IPAddress) -> bool:
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
        or address.is_private
    )


def is_fetchable_address(address: str | IPAddress, allowed: Sequence[IPNetwork] = ()) -> bool:
    """True for public unicast addresses, or any address inside an ``allowed`` network."""
    addr = _unwrap(ipaddress.ip_address(address) if isinstance(address, str) else address)
    if any(addr in network for network in allowed):
        return True
    embedded = _embedded_ipv4(addr)
    if embedded is not None and not _is_global_unicast(embedded):
        return False
    return _is_global_unicast(addr)


def resolve_host(host: str) -> list[str]:
    """All addresses ``host`` resolves to (blocking: run it in a thread)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]).split("%", 1)[0] for info in infos})


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


class _LruCache:
    """Tiny bounded LRU so a long crawl's DNS answers cannot grow without limit."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[str, list[str]] = OrderedDict()

    def get(self, key: str) -> list[str] | None:
        if key in self._data:
            self._data.move_to_end(key)
            return self._data[key]
        return None

    def put(self, key: str, value: list[str]) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)


class PrivateAddressGuardMiddleware:
    """Refuse to fetch private, loopback, link-local, metadata or non-http(s) targets.

    Crawled pages are untrusted input: a link (or a redirect, which passes
    through ``process_request`` again) to ``http://169.254.169.254/`` or an
    intranet host must not be fetched from the machine running the audit.
    Names are resolved off the reactor thread; a host is blocked if ANY of its
    addresses is disallowed. Networks in ``LOCALOFFER_ALLOWED_NETWORKS`` are
    exempt (used when the audited site itself is local).
    """

    dns_cache_size = 1024

    def __init__(self, crawler: Crawler, resolver: Callable[[str], list[str]] = resolve_host) -> None:
        self.crawler = crawler
        self.allowed = parse_networks(crawler.settings.getlist("LOCALOFFER_ALLOWED_NETWORKS", []))
        self.resolver = resolver
        self._cache = _LruCache(self.dns_cache_size)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"localoffer/{key}")

    async def process_request(self, request: Request) -> None:
        parts = urlparse_cached(request)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            self._inc("blocked/scheme")
            raise IgnoreRequest(f"blocked scheme: {scheme} in {request.url}")
        host = (parts.hostname or "").rstrip(".")
        addresses = await self._addresses(host)
        for address in addresses or ():
            if not is_fetchable_address(address, self.allowed):
                self._inc("blocked/private_address")
                raise IgnoreRequest(
                    f"blocked private address {address} for host {host} in {request.url}"
                )

    async def _addresses(self, host: str) -> list[str] | None:
        """Addresses to judge; None on DNS failure (left to the download handler to report)."""
        literal = _ip_literal(host)
        if literal is not None:
            return [str(literal)]
        cached = self._cache.get(host)
        if cached is not None:
            return cached
        try:
            addresses: list[str] = await maybe_deferred_to_future(deferToThread(self.resolver, host))
        except (OSError, UnicodeError):
            self._inc("guard/dns_failed")
            return None
        self._cache.put(host, addresses)
        return addresses


from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RFC 9309 s.2.3.1.4: a robots.txt that answers 5xx means "disallow everything"; Scrapy
    alone would crawl the whole site. A robots.txt that cannot be reached at all still means
    "allow" here, as in Scrapy: otherwise a refused connection would read as "blocked", and
    off-site link checks would stop at every partner host that has no robots.txt server."""

    async def _parse_robots(self, response, netloc, request):
        if response.status >= 500:
            self.crawler.stats.inc_value("localoffer/robots/unavailable")
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)


class ReuseUnchangedMiddleware:
    """Incremental re-audit: a page whose sitemap lastmod is the same as in the previous run
    (meta["reuse"]) is answered 304 here, without a download, after robots.txt and the
    address guard have allowed it; the spider then keeps the stored copy. Going through the
    scheduler keeps the crawl's breadth-first order, so click limits cut where they always do."""

    async def process_request(self, request):
        if request.meta.get("reuse"):
            from scrapy.http import Response

            return Response(request.url, status=304, request=request)
        return None
