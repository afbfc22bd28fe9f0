"""Name resolution that is judged once and then pinned, so a checked address is the one used.

A crawled page is hostile input: a link to a name that resolves to 169.254.169.254 (cloud
metadata) or an intranet address must not be fetched. Checking a name and then letting the
download resolve it again leaves a gap (DNS rebinding: a public answer for the check, a
private one for the connection). So every answer goes through one table, :data:`PINS`: the
private-address guard judges the answer it gets from there, and :class:`PinnedResolver`, the
reactor's name resolver (TWISTED_DNS_RESOLVER), connects only to those same, judged, addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.defer import Deferred, succeed
from twisted.internet.interfaces import IHostnameResolver, IHostResolution
from twisted.internet.threads import deferToThread
from zope.interface import implementer

if TYPE_CHECKING:
    from typing import Self

__all__ = ["PINS", "PinnedResolver", "Pins", "resolve_host"]

DNS_CACHE_SIZE = 4096  # names per crawl; an evicted name is simply resolved (and judged) again


def resolve_host(host: str) -> list[str]:
    """All addresses ``host`` resolves to (blocking: run it in a thread)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]).split("%", 1)[0] for info in infos})


class Pins:
    """Host name -> the addresses it resolved to, the first time it was asked, for the crawl.

    Bounded LRU. Reactor thread only (answers come back through deferToThread callbacks)."""

    def __init__(self, resolver: Callable[[str], list[str]] = resolve_host,
                 maxsize: int = DNS_CACHE_SIZE) -> None:
        self.resolver = resolver
        self.maxsize = maxsize
        self._data: OrderedDict[str, list[str]] = OrderedDict()

    def cached(self, host: str) -> list[str] | None:
        key = host.lower().rstrip(".")
        if key in self._data:
            self._data.move_to_end(key)
            return self._data[key]
        return None

    def lookup(self, host: str) -> Deferred:
        """Deferred list of addresses (fails with OSError/UnicodeError when resolution fails)."""
        cached = self.cached(host)
        if cached is not None:
            return succeed(cached)
        return deferToThread(self.resolver, host).addCallback(self._pin, host)

    def _pin(self, addresses: list[str], host: str) -> list[str]:
        key = host.lower().rstrip(".")
        pinned = self._data.setdefault(key, addresses)  # a concurrent lookup keeps the first
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)
        return pinned

    def clear(self) -> None:
        self._data.clear()


PINS = Pins()  # one per process: the reactor, and so the crawl, is one per process too


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:  # pragma: no cover - Twisted never cancels a name resolution
        pass


@implementer(IHostnameResolver)
class PinnedResolver:
    """The reactor's name resolver for the crawl: answers from :data:`PINS`, and answers
    nothing (a DNS failure) for a name with any address the crawl may not fetch, so even a
    request that skipped the guard cannot connect there."""

    def __init__(self, reactor, allowed_networks: Sequence[str] = (), pins: Pins = PINS) -> None:
        from .middlewares import parse_networks

        self.reactor = reactor
        self.allowed = parse_networks(allowed_networks)
        self.pins = pins

    @classmethod
    def from_crawler(cls, crawler, reactor) -> Self:
        # Built by the CrawlerProcess from its own settings: run_crawl puts the networks there.
        return cls(reactor, crawler.settings.getlist("LOCALOFFER_ALLOWED_NETWORKS", []))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def allowed_addresses(self, addresses: Sequence[str]) -> list[str]:
        """``addresses``, or none at all when any of them is not fetchable."""
        from .middlewares import is_fetchable_address

        if all(is_fetchable_address(a, self.allowed) for a in addresses):
            return list(addresses)
        return []

    def resolveHostName(self, resolutionReceiver, hostName: str, portNumber: int = 0,
                        addressTypes=None, transportSemantics: str = "TCP"):
        resolution = _Resolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        wanted = set(addressTypes) if addressTypes else {IPv4Address, IPv6Address}

        def deliver(addresses: list[str]) -> None:
            for address in self.allowed_addresses(addresses):
                kind = IPv6Address if ipaddress.ip_address(address).version == 6 else IPv4Address
                if kind in wanted:
                    resolutionReceiver.addressResolved(kind("TCP", address, portNumber))
            resolutionReceiver.resolutionComplete()

        def failed(_failure) -> None:  # no addresses: the connection fails as a DNS error
            resolutionReceiver.resolutionComplete()

        self.pins.lookup(hostName).addCallbacks(deliver, failed)
        return resolution
