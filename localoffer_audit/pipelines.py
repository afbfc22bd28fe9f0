"""StorePipeline: writes what the spider records into the SQLite store, in batched transactions.

It owns the run's life-cycle: a run row is created when the spider opens, and marked `crawled`
(or `interrupted`, with the reason) when it closes, after click depths are computed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals

from . import __version__
from .config import status_ranges
from .errors import StoreError
from .items import (LinksItem, LinkStatusItem, PageItem, PageStylesheetsItem, ReusedPageItem,
                    SitemapEntryItem, StylesheetItem)
from .store import Store

log = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store: Store | None = None
        self.run_id: int | None = None
        self.failure: str | None = None  # why the store refused a write, if it did

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None) -> None:
        spider = spider or self.crawler.spider
        config = spider.audit_config
        db_path = self.crawler.settings.get("LOCALOFFER_DB") or config.db_path or "localoffer-audit.sqlite"
        try:
            self._open(spider, config, db_path)
        except StoreError as exc:  # e.g. the disk is full before the run could even begin
            spider.store_failure = self.failure = str(exc)
            raise

    def _open(self, spider, config, db_path) -> None:
        self.store = Store(Path(db_path))
        resume = self.crawler.settings.getint("LOCALOFFER_RESUME_RUN")
        self.previous_stats: dict = {}
        self.resumed = bool(resume)
        if resume:  # take up an interrupted run: the store says what is already done
            store, self.run_id = self.store, resume
            state = store.resume_run(resume)
            self.previous_stats = state["stats"]
            spider.restore(state)
            spider.stored_links = lambda: store.stored_links(resume)
            spider.stored_body = lambda url: store.page_body(resume, url)
            spider.stored_page_stylesheets = lambda: store.page_stylesheet_urls(resume)
            log.info("Resuming run %s: %d addresses already stored", resume, len(state["pages"]))
        else:
            self.run_id = self.store.begin_run(config.name, config.start_urls, config.to_dict(),
                                               __version__)
        spider.run_id = self.run_id
        spider.db_path = str(db_path)
        spider.link_cache = self.store.cached_links(
            config.crawl["link_cache_hours"],
            status_ranges("[crawl].link_cache_exclude_status",
                          config.crawl["link_cache_exclude_status"]))
        if config.crawl["incremental"] and not resume:
            previous = self.store.previous_crawl(config.name, self.run_id)
            if previous is not None:
                store, before = self.store, previous["run_id"]
                spider.use_previous(before, previous["pages"],
                                    lambda url: store.links_of(before, url),
                                    lambda url: store.page_stylesheet_urls_of(before, url),
                                    crawled=previous["crawled"])
        log.info("Run %s started, store %s", self.run_id, db_path)

    def process_item(self, item, spider=None):
        if self.failure is not None:
            return item  # the store refused a write: the crawl is stopping
        try:
            self._write(item)
        except StoreError as exc:
            # Disk full or read-only: stop at once (everything committed so far is intact)
            # rather than fetch pages that cannot be kept. The command reports it (exit 2).
            self.failure = str(exc)
            self.crawler.spider.store_failure = self.failure
            log.info("%s; stopping the crawl", exc)
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store-error"))
        return item

    def _write(self, item) -> None:
        write_item(self.store, self.run_id, item)

    def spider_closed(self, spider, reason: str) -> None:
        if self.store is None:
            return
        stats = dict(self.crawler.stats.get_stats())
        stats["finish_reason"] = reason
        # Scrapy's own count, under a localoffer/ key so that a resumed run's sessions add up.
        stats["localoffer/retries"] = stats.get("retry/count", 0)
        stats["capped"] = spider.capped() if hasattr(spider, "capped") else []
        store, self.store = self.store, None
        try:
            self._finish(store, spider, reason, stats)
        except StoreError as exc:
            self.failure = self.failure or str(exc)
            spider.store_failure = self.failure
            try:  # the run was not finished: say so, if the disk allows even that much
                store.set_run_status(self.run_id, "interrupted")
            except StoreError:
                pass  # the next open marks it interrupted (its process is gone)
        finally:
            store.abandon()

    def _finish(self, store: Store, spider, reason: str, stats: dict) -> None:
        if self.resumed:  # its counts cover every session of the run
            for key, value in self.previous_stats.items():
                if key.startswith("localoffer/") and isinstance(value, (int, float)):
                    stats[key] = stats.get(key, 0) + value
            stats["resumed"] = self.previous_stats.get("resumed", 0) + 1
        store.flush()
        store.compute_depths(self.run_id, spider.audit_config.start_urls)
        status = "crawled" if reason == "finished" and self.failure is None else "interrupted"
        store.set_run_status(self.run_id, status, stats=_jsonable(stats))


def _jsonable(stats: dict) -> dict:
    out = {}
    for key, value in stats.items():
        if isinstance(value, (int, float, str, bool, list, dict)) or value is None:
            out[key] = value
        else:
            out[key] = str(value)
    return out


def write_item(store: Store, run_id: int, item) -> None:
    """One thing the spider recorded, into a run of the store (also used by the distributed
    coordinator for items that workers send through Redis)."""
    if isinstance(item, PageItem):
        store.add_page(run_id, item.record)
    elif isinstance(item, LinksItem):
        store.add_links(run_id, item.links)
    elif isinstance(item, LinkStatusItem):
        store.add_link_status(run_id, item.status)
        if item.offsite:
            store.cache_link_result(item.status)
    elif isinstance(item, ReusedPageItem):
        store.copy_page(item.from_run, run_id, item.url, item.depth)
    elif isinstance(item, SitemapEntryItem):
        store.add_sitemap_entry(run_id, item.url, item.lastmod, item.sitemap)
    elif isinstance(item, PageStylesheetsItem):
        store.add_page_stylesheets(run_id, item.page, item.sheets)
    elif isinstance(item, StylesheetItem):
        store.add_stylesheet(run_id, item.url, item.status, item.text, item.error,
                             item.content_type, item.imports)
