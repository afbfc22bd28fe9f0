"""What the spider yields. The crawl records; it does not judge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import Link, LinkStatus


@dataclass
class PageItem:
    record: dict[str, Any]  # columns of the pages table (see store.Store.add_page)


@dataclass
class LinksItem:
    source: str
    links: list[Link]


@dataclass
class LinkStatusItem:
    status: LinkStatus
    offsite: bool = False  # off-site results feed the cross-run link cache


@dataclass
class SitemapEntryItem:
    url: str
    lastmod: str | None
    sitemap: str


@dataclass
class ReusedPageItem:
    """An unchanged page (304, or the same sitemap lastmod): the earlier run's copy is kept."""
    url: str
    from_run: int
    depth: int | None


@dataclass
class PageStylesheetsItem:
    """The stylesheets one HTML page links, in document order: (url, media) each."""
    page: str
    sheets: list[tuple[str, str]]


@dataclass
class StylesheetItem:
    """One fetched (or refused) stylesheet; `imports` are the (url, media) of its @imports."""
    url: str
    status: int | None
    text: str | None = None
    error: str | None = None
    content_type: str = ""
    imports: list[tuple[str, str]] | None = None
