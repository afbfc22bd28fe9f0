"""Stage 1: run the Scrapy crawl for one site config and return the run id in the store."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from . import __version__
from .config import AuditConfig
from .errors import StoreWriteError

log = logging.getLogger(__name__)


def settings_for(config: AuditConfig) -> dict[str, Any]:
    """Scrapy settings that come from the site config (applied at the spider's priority)."""
    crawl, retry = config.crawl, config.retry_after
    per_host = crawl["concurrency_per_host"]
    return {
        "USER_AGENT": crawl["user_agent"].format(version=__version__),
        "ROBOTSTXT_OBEY": crawl["obey_robots"],
        "CONCURRENT_REQUESTS": max(16, per_host * 4),
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_host,
        "DOWNLOAD_DELAY": crawl["delay"],
        "DOWNLOAD_TIMEOUT": crawl["timeout"],
        "DOWNLOAD_MAXSIZE": crawl["max_response_bytes"],
        "DOWNLOAD_WARNSIZE": 0,
        "LOCALOFFER_RETRY_AFTER_MAX_RETRIES": retry["max_retries"],
        "LOCALOFFER_RETRY_AFTER_MAX_WAIT": retry["max_wait"],
        "LOCALOFFER_RETRY_AFTER_DEFAULT_WAIT": retry["default_wait"],
        "LOCALOFFER_ALLOWED_NETWORKS": list(config.allowed_networks),
        "LOCALOFFER_OWN_HOSTS": list(config.allowed_hosts),
        **_basic_auth(config),
    }


def _basic_auth(config: AuditConfig) -> dict[str, Any]:
    """A start URL's login, sent by Scrapy's HttpAuthMiddleware to that host only."""
    if config.credentials is None:
        return {}
    user, password, host = config.credentials
    return {"HTTPAUTH_USER": user, "HTTPAUTH_PASS": password, "HTTPAUTH_DOMAIN": host}


def run_crawl(config: AuditConfig, db_path: str | Path, *, progress: bool = True,
              log_level: str = "WARNING", resume: int | None = None) -> dict[str, Any]:
    """Crawl in this process (Twisted's reactor runs once per process). Returns the spider's
    run id and the finish reason; the pipeline has already written everything to the store.
    With `resume`, that interrupted run is continued instead of a new one begun."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from . import scrapy_settings
    from .spiders.localoffer import LocalOfferSpider

    settings = Settings()
    settings.setmodule(scrapy_settings, priority="project")
    # The command's own logging handler shows the log; Scrapy must not add a second one.
    settings.setdict({"LOCALOFFER_DB": str(db_path), "LOCALOFFER_PROGRESS": progress,
                      "LOG_LEVEL": log_level, "LOG_INSTALL_ROOT_HANDLER": False,
                      "LOCALOFFER_RESUME_RUN": resume or 0,
                      # The reactor's resolver is built from these process settings, before
                      # the spider exists: it connects only to addresses the guard judged.
                      "TWISTED_DNS_RESOLVER": "localoffer_audit.dns.PinnedResolver",
                      "LOCALOFFER_ALLOWED_NETWORKS": list(config.allowed_networks)},
                     priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(LocalOfferSpider)
    outcome: dict[str, Any] = {}

    def closed(spider, reason):
        outcome.update(run_id=spider.run_id, reason=reason,
                       stats=dict(crawler.stats.get_stats()))

    from scrapy import signals

    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler, audit_config=config)
    process.start()
    failure = getattr(crawler.spider, "store_failure", None)
    if failure:  # disk full, read-only...: one line, exit 2; what was committed is intact
        raise StoreWriteError(failure)
    if "run_id" not in outcome:
        raise RuntimeError("the crawl did not start (see the log above)")
    return outcome
