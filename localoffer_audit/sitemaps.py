"""Sitemaps read as they download, so a sitemap of 500,000 URLs is never held whole.

The spider feeds each chunk of a sitemap's body to a :class:`SitemapStream` as it arrives
(Scrapy's bytes_received signal). The stream parses incrementally (lxml's pull parser, with
each entry's element freed once read), keeps at most ``max_urls`` entries, and says when it
is full, so the spider can stop the download there: the rest is never fetched.
"""

from __future__ import annotations

import zlib

from lxml import etree

__all__ = ["SitemapStream"]

GZIP_MAGIC = b"\x1f\x8b"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


class SitemapStream:
    """Entries (``{"loc", "lastmod"}``) of one sitemap or sitemap index, read incrementally.

    ``full`` turns True once ``max_urls`` entries are read or ``max_bytes`` of XML (after
    gunzip, for .xml.gz sitemaps and gzip bombs) have gone by; nothing more is read then.
    ``invalid`` is True when the document is not a sitemap at all."""

    def __init__(self, max_urls: int, max_bytes: int) -> None:
        self.max_urls, self.max_bytes = max_urls, max_bytes
        self.entries: list[dict[str, str | None]] = []
        self.type: str | None = None  # "urlset" or "sitemapindex"
        self.full = False
        self.invalid = False
        self.xml_bytes = 0
        self._head = b""
        self._gunzip: zlib._Decompress | None = None
        self._started = False
        # recover: a sitemap broken half-way still yields the entries before the break,
        # as Scrapy's own Sitemap class does. No entities, no network: the XML is hostile.
        self._parser = etree.XMLPullParser(events=("start", "end"), recover=True,
                                           resolve_entities=False, no_network=True,
                                           remove_comments=True)

    def feed(self, data: bytes) -> None:
        if self.full or self.invalid or not data:
            return
        if not self._started:
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head, self._started = self._head, b"", True
            if data.startswith(GZIP_MAGIC):
                self._gunzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self._gunzip is not None:
            try:
                data = self._gunzip.decompress(data, max(1, self.max_bytes - self.xml_bytes))
            except zlib.error:
                self.invalid = True
                return
            if self._gunzip.unconsumed_tail:
                self.full = True  # more XML than a sitemap may hold: stop here
        self._parse(data)

    def finish(self) -> None:
        """The download ended (or was stopped): take what the parser still holds."""
        if self._head and not self._started:
            self._started = True
            self._parse(self._head)
        if not self.full and not self.invalid:
            try:
                self._parser.close()
            except etree.XMLSyntaxError:
                pass  # recovered as far as it goes; the entries read so far stand
            self._read_events()
        if self.type not in ("urlset", "sitemapindex"):
            self.invalid = True

    def _parse(self, data: bytes) -> None:
        self.xml_bytes += len(data)
        if self.xml_bytes > self.max_bytes:
            self.full = True
        try:
            self._parser.feed(data)
        except etree.XMLSyntaxError:
            self.invalid = not self.entries
            self.full = True  # nothing more can be read from it
            return
        self._read_events()

    def _read_events(self) -> None:
        for event, element in self._parser.read_events():
            tag = _local(element.tag)
            if event == "start":
                if self.type is None:
                    self.type = tag
                    if tag not in ("urlset", "sitemapindex"):
                        self.invalid, self.full = True, True
                        return
                continue
            if tag not in ("url", "sitemap") or len(self.entries) >= self.max_urls:
                continue
            entry = {_local(child.tag): (child.text or "").strip() for child in element}
            if entry.get("loc"):
                self.entries.append({"loc": entry["loc"], "lastmod": entry.get("lastmod")})
            element.clear()  # free what was read: the document is never held whole
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
            if len(self.entries) >= self.max_urls:
                self.full = True
