"""StorePipeline: writes what the spider records into the SQLite store, in batched transactions.

It owns the run's life-cycle: a run row is created when the spider opens, and marked `crawled`
(or `interrupted`, with the reason) when it closes, after click depths are computed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals

from . import __version__
from .items import LinksItem, LinkStatusItem, PageItem, SitemapEntryItem
from .store import Store

log = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store: Store | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None) -> None:
        spider = spider or self.crawler.spider
        config = spider.audit_config
        db_path = self.crawler.settings.get("LOCALOFFER_DB") or config.db_path or "localoffer-audit.sqlite"
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
            log.info("Resuming run %s: %d addresses already stored", resume, len(state["pages"]))
        else:
            self.run_id = self.store.begin_run(config.name, config.start_urls, config.to_dict(),
                                               __version__)
        spider.run_id = self.run_id
        spider.db_path = str(db_path)
        spider.link_cache = self.store.cached_links(config.crawl["link_cache_hours"])
        log.info("Run %s started, store %s", self.run_id, db_path)

    def process_item(self, item, spider=None):
        store, run_id = self.store, self.run_id
        if isinstance(item, PageItem):
            store.add_page(run_id, item.record)
        elif isinstance(item, LinksItem):
            store.add_links(run_id, item.links)
        elif isinstance(item, LinkStatusItem):
            store.add_link_status(run_id, item.status)
            if item.offsite:
                store.cache_link_result(item.status)
        elif isinstance(item, SitemapEntryItem):
            store.add_sitemap_entry(run_id, item.url, item.lastmod, item.sitemap)
        return item

    def spider_closed(self, spider, reason: str) -> None:
        if self.store is None:
            return
        stats = dict(self.crawler.stats.get_stats())
        stats["finish_reason"] = reason
        stats["capped"] = spider.capped() if hasattr(spider, "capped") else []
        if self.resumed:  # its counts cover every session of the run
            for key, value in self.previous_stats.items():
                if key.startswith("localoffer/") and isinstance(value, (int, float)):
                    stats[key] = stats.get(key, 0) + value
            stats["resumed"] = self.previous_stats.get("resumed", 0) + 1
        self.store.flush()
        self.store.compute_depths(self.run_id, spider.audit_config.start_urls)
        status = "crawled" if reason == "finished" else "interrupted"
        self.store.set_run_status(self.run_id, status, stats=_jsonable(stats))
        self.store.close()
        self.store = None


def _jsonable(stats: dict) -> dict:
    out = {}
    for key, value in stats.items():
        if isinstance(value, (int, float, str, bool, list, dict)) or value is None:
            out[key] = value
        else:
            out[key] = str(value)
    return out
