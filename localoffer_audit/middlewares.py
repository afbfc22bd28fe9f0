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
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater

from .dns import PINS, Pins, resolve_host
from .urls import matches_host

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = [
    "PrivateAddressGuardMiddleware",
    "RetryAfterMiddleware",
    "StrictRobotsTxtMiddleware",
    "is_fetchable_address",
    "parse_networks",
    "resolve_host",
    "retry_after_seconds",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"

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


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


class PrivateAddressGuardMiddleware:
    """Refuse to fetch private, loopback, link-local, metadata or non-http(s) targets.

    Crawled pages are untrusted input: a link (or a redirect, which passes
    through ``process_request`` again) to ``http://169.254.169.254/`` or an
    intranet host must not be fetched from the machine running the audit.
    Names are resolved off the reactor thread, once per crawl (see localoffer_audit.dns: the
    connection uses the same pinned answer); a host is blocked if ANY of its addresses is
    disallowed. Networks in ``LOCALOFFER_ALLOWED_NETWORKS`` are
    exempt (used when the audited site itself is local).
    """

    def __init__(self, crawler: Crawler, pins: Pins = PINS) -> None:
        self.crawler = crawler
        self.allowed = parse_networks(crawler.settings.getlist("LOCALOFFER_ALLOWED_NETWORKS", []))
        self.pins = pins  # shared with the reactor's PinnedResolver: the judged answer is used

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
        try:
            return await maybe_deferred_to_future(self.pins.lookup(host))
        except (OSError, UnicodeError):
            self._inc("guard/dns_failed")
            return None


# -- robots.txt ----------------------------------------------------------------


def _shared(pending: Deferred) -> Deferred:
    """A Deferred of its own that fires with `pending`'s result, leaving that result in place
    for the next waiter (awaiting `pending` itself would take it: Deferred.asFuture consumes)."""
    mine: Deferred = Deferred()

    def hand_on(result):
        mine.callback(result)
        return result

    pending.addCallback(hand_on)
    return mine


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with two corrections.

    * Waiting for a robots.txt still being downloaded: in Scrapy 2.13+ every request to a host
      whose robots.txt is in flight awaits the same Deferred, and converting it to a Future
      consumes its result, so only the first waiter gets the parser and every later one gets
      None, i.e. "no robots.txt, allow everything". Each waiter gets its own Deferred here.
    * RFC 9309 s.2.3.1.4: a robots.txt that answers 5xx means "disallow everything"; Scrapy
      alone would crawl the whole site. So does one that cannot be reached at all (timeout,
      refused or reset connection), but only on the audited site's own hosts
      (LOCALOFFER_OWN_HOSTS): a partner host whose robots.txt cannot be reached is still
      link-checked, as in Scrapy, or every off-site link to a host without a robots.txt
      server would read as "blocked".

    Why a host's robots.txt was taken as "disallow all" is kept in the stats
    (``localoffer/robots/unavailable/<host:port>``), so the command can say so.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.own_hosts = crawler.settings.getlist("LOCALOFFER_OWN_HOSTS", [])

    async def robot_parser(self, request):
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            return await maybe_deferred_to_future(_shared(pending))
        return await super().robot_parser(request)

    async def _parse_robots(self, response, netloc, request):
        if response.status >= 500:
            self._unavailable(netloc, f"answered {response.status}")
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest) or not matches_host(f"http://{netloc}/", self.own_hosts):
            super()._robots_error(exc, netloc)
            return
        from twisted.python.failure import Failure

        from .spiders.localoffer import error_code

        code = error_code(Failure(exc)).split(":", 1)[0]  # "timeout", "connection-refused", ...
        self._unavailable(netloc, f"could not be fetched ({code})", code)
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        pending = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(pending, Deferred):
            pending.callback(parser)

    def _unavailable(self, netloc: str, why: str, code: str = "") -> None:
        self.crawler.stats.inc_value("localoffer/robots/unavailable")
        self.crawler.stats.set_value(f"localoffer/robots/unavailable/{netloc}", why)
        if code:  # how the host failed: a host that refuses connections is simply down
            self.crawler.stats.set_value(f"localoffer/robots/failed/{netloc}", code)


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
