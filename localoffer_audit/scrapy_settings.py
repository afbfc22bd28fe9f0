"""Scrapy project settings (scrapy.cfg points here). Site-specific values come from the site TOML:
the spider applies them in from_crawler() via crawl.settings_for(config)."""

BOT_NAME = "localoffer-audit"
SPIDER_MODULES = ["localoffer_audit.spiders"]
NEWSPIDER_MODULE = "localoffer_audit.spiders"

ITEM_PIPELINES = {"localoffer_audit.pipelines.StorePipeline": 300}
DOWNLOADER_MIDDLEWARES = {
    "localoffer_audit.middlewares.PrivateAddressGuardMiddleware": 50,
    "localoffer_audit.middlewares.RetryAfterMiddleware": 560,
    # RFC 9309: robots.txt answering 5xx or unreachable means disallow all
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "localoffer_audit.middlewares.StrictRobotsTxtMiddleware": 100,
    "localoffer_audit.middlewares.ReuseUnchangedMiddleware": 110,  # after robots.txt and the guard
}
EXTENSIONS = {"localoffer_audit.progress.ProgressExtension": 500}

# The spider follows redirects itself, so each hop is recorded and loops end by themselves.
REDIRECT_ENABLED = False
METAREFRESH_ENABLED = False
HTTPERROR_ALLOW_ALL = True
# 429 and 503 belong to RetryAfterMiddleware, which honours Retry-After.
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]
RETRY_TIMES = 2
DEPTH_LIMIT = 0  # the spider counts clicks itself (sitemap entries start at 0)
COOKIES_ENABLED = False  # session cookies make crawls non-deterministic and can leak into URLs
TELNETCONSOLE_ENABLED = False
DNSCACHE_ENABLED = True
ROBOTSTXT_OBEY = True
LOG_LEVEL = "INFO"
# The spider counts clicks itself (DEPTH_LIMIT is 0), so Scrapy's DepthMiddleware only adds a
# per-item pass over every callback's output; the profile showed it at about 12% of the crawl.
SPIDER_MIDDLEWARES = {"scrapy.spidermiddlewares.depth.DepthMiddleware": None}
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every callback's output (100 by default: the
# profile's largest single cost, task creation, 11% of the crawl). The store pipeline writes
# synchronously, so more than one would only interleave a page's items, never overlap work.
CONCURRENT_ITEMS = 1
