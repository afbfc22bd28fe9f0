"""A rich progress display for the crawl: pages, queue, link checks, errors, rate.

On a terminal it is a live bar; elsewhere (CI logs) it prints a plain line every 10 seconds.
Switched off with LOCALOFFER_PROGRESS = False (the default for `scrapy crawl`).
"""

from __future__ import annotations

import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressExtension:
    INTERVAL = 0.5
    PLAIN_INTERVAL = 10.0

    def __init__(self, crawler) -> None:
        from rich.console import Console

        self.crawler = crawler
        self.console = Console(stderr=True)
        self.live = self.console.is_terminal
        self.progress = None
        self.task_id = None
        self.started = time.monotonic()
        self.last_plain = 0.0
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("LOCALOFFER_PROGRESS", False):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def counts(self) -> dict[str, int]:
        stats = self.crawler.stats
        engine = self.crawler.engine
        queued = 0
        try:
            queued = len(engine._slot.scheduler) + len(engine.downloader.active)
        except (AttributeError, TypeError):
            pass
        return {"pages": stats.get_value("localoffer/pages", 0),
                "checks": stats.get_value("localoffer/checks", 0),
                "errors": stats.get_value("localoffer/errors", 0), "queued": queued}

    def spider_opened(self, spider) -> None:
        if self.live:
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(SpinnerColumn(), TextColumn("[bold]Crawling[/]"), BarColumn(),
                                     TextColumn("{task.description}"), TimeElapsedColumn(),
                                     console=self.console, transient=False)
            self.progress.start()
            self.task_id = self.progress.add_task("", total=None)
        self.loop = task.LoopingCall(self.update)
        self.loop.start(self.INTERVAL, now=False)

    def describe(self) -> str:
        c = self.counts()
        rate = c["pages"] / max(time.monotonic() - self.started, 1e-6)
        return (f"{c['pages']} pages · {c['queued']} queued · {c['checks']} link checks · "
                f"{c['errors']} errors · {rate:.1f} pages/s")

    def update(self) -> None:
        if self.progress is not None:
            c = self.counts()
            self.progress.update(self.task_id, description=self.describe(),
                                 completed=c["pages"], total=c["pages"] + c["queued"])
        elif time.monotonic() - self.last_plain >= self.PLAIN_INTERVAL:
            self.last_plain = time.monotonic()
            self.console.print(f"crawl: {self.describe()}", highlight=False, soft_wrap=True)

    def spider_closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.progress is not None:
            self.update()
            self.progress.stop()
        else:
            self.console.print(f"crawl finished ({reason}): {self.describe()}", highlight=False,
                               soft_wrap=True)
