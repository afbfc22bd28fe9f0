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
        **_basic_auth(config),
    }


def _basic_auth(config: AuditConfig) -> dict[str, Any]:
    """A start URL's login, sent by Scrapy's HttpAuthMiddleware to that host only."""
    if config.credentials is None:
        return {}
    user, password, host = config.credentials
    return {"HTTPAUTH_USER": user, "HTTPAUTH_PASS": password, "HTTPAUTH_DOMAIN": host}


def run_crawl(config: AuditConfig, db_path: str | Path, *, progress: bool = True,
              log_level: str = "WARNING", resume: int | None = None,
              distributed: str | None = None) -> dict[str, Any]:
    """Crawl in this process (Twisted's reactor runs once per process). Returns the spider's
    run id and the finish reason; the pipeline has already written everything to the store.
    With `resume`, that interrupted run is continued instead of a new one begun."""
    outcome = run_crawls([(config, db_path, resume)], progress=progress, log_level=log_level,
                         distributed=distributed)[0]
    if outcome.get("store_failure"):  # disk full, read-only...: one line, exit 2
        raise StoreWriteError(outcome["store_failure"])
    if "run_id" not in outcome:
        raise RuntimeError("the crawl did not start (see the log above)")
    return outcome


def run_crawls(sites: list[tuple[AuditConfig, str | Path, int | None]], *, progress: bool = True,
               log_level: str = "WARNING", distributed: str | None = None) -> list[dict[str, Any]]:
    """Crawl several sites at once in this process, one Scrapy crawler each: every crawler has
    its own per-host download slots, so a slow site never holds up the others. Returns one
    outcome per site, in order (run_id, reason, stats; store_failure if the store refused)."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from . import scrapy_settings
    from .spiders.localoffer import LocalOfferSpider

    settings = Settings()
    settings.setmodule(scrapy_settings, priority="project")
    # The command's own logging handler shows the log; Scrapy must not add a second one.
    settings.setdict({"LOCALOFFER_PROGRESS": progress and len(sites) == 1,
                      "LOG_LEVEL": log_level, "LOG_INSTALL_ROOT_HANDLER": False},
                     priority="cmdline")
    process = CrawlerProcess(settings)
    outcomes: list[dict[str, Any]] = []
    crawlers, receivers = [], []
    from scrapy import signals

    for config, db_path, resume in sites:
        crawler = process.create_crawler(LocalOfferSpider)  # with its own copy of the settings
        crawler.settings.setdict({"LOCALOFFER_DB": str(db_path),
                                  "LOCALOFFER_RESUME_RUN": resume or 0}, priority="cmdline")
        if distributed:
            from .distributed import redis_settings

            crawler.settings.setdict(redis_settings(distributed, config), priority="cmdline")
        outcome: dict[str, Any] = {}

        def closed(spider, reason, outcome=outcome, crawler=crawler):
            outcome.update(run_id=spider.run_id, reason=reason,
                           stats=dict(crawler.stats.get_stats()))

        crawler.signals.connect(closed, signal=signals.spider_closed)
        receivers.append(closed)  # signals hold receivers weakly: keep each one alive
        outcomes.append(outcome)
        crawlers.append(crawler)
        process.crawl(crawler, audit_config=config)
    process.start()
    for crawler, outcome in zip(crawlers, outcomes):
        failure = getattr(crawler.spider, "store_failure", None)
        if failure:
            outcome["store_failure"] = failure
    return outcomes
