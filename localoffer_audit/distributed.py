"""One crawl, several worker processes (on one machine or many), on scrapy-redis.

    localoffer-audit audit SITE.toml --out out/ --distributed redis://127.0.0.1:6379 --workers 2
    localoffer-audit worker redis://redis.example:6379          # on any other machine, to help

The command that starts the crawl is the coordinator: it owns the store. It resets the site's
Redis keys, publishes the effective config, begins the run, starts `--workers` local worker
processes and writes what every worker records into the run, until all workers are done.
Workers crawl from scrapy-redis's shared request queue and dupefilter (so no address is
fetched by two workers) and send their items through a Redis list instead of a store.

Redis keys, all under ``localoffer-audit:<site-slug>:``: requests (scrapy-redis queue),
dupefilter (scrapy-redis), config, items, stats, workers, done, idle; and
``localoffer-audit:current`` names the site a bare `worker` command joins.
Items are pickled: the Redis server must be one you trust (it is part of the audit).
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from .config import AuditConfig
from .errors import AuditError, ConfigError

log = logging.getLogger(__name__)

PREFIX = "localoffer-audit"
KEYS = ("requests", "dupefilter", "config", "items", "stats", "workers", "done", "idle")
HEARTBEAT_SECONDS = 0.5  # how often an idle worker looks for new work (Scrapy's default: 5)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "site"


def keys_for(site_name: str) -> dict[str, str]:
    base = f"{PREFIX}:{_slug(site_name)}"
    return {key: f"{base}:{key}" for key in KEYS}


def check_redis_url(url: str) -> str:
    if not re.match(r"^rediss?://[^/\s]+", url or ""):
        raise ConfigError(f"--distributed must be a redis:// URL (e.g. redis://127.0.0.1:6379), "
                          f"got {url!r}")
    return url


def connect(url: str):
    try:
        import redis
    except ImportError:
        raise AuditError("--distributed needs scrapy-redis: pip install 'localoffer-audit"
                         "[distributed]'") from None
    client = redis.Redis.from_url(check_redis_url(url), socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise AuditError(f"cannot reach Redis at {url}: {exc}") from None
    return client


def redis_settings(url: str, config: AuditConfig) -> dict[str, Any]:
    """Scrapy settings of a worker: scrapy-redis's scheduler and dupefilter on the site's keys,
    items to Redis instead of a store."""
    keys = keys_for(config.name)
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": keys["requests"],
        "SCHEDULER_DUPEFILTER_KEY": keys["dupefilter"],
        "SCHEDULER_PERSIST": True,  # the coordinator clears the keys, not the first worker done
        "REDIS_URL": url,
        "ITEM_PIPELINES": {"localoffer_audit.distributed.RedisItemPipeline": 300},
        "LOCALOFFER_DISTRIBUTED": url,
    }


class RedisItemPipeline:
    """A worker's pipeline: items go to the coordinator through Redis. It also keeps the worker
    alive while others still work (their pages may add requests to the shared queue)."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.idle = False

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(pipeline.busy, signal=signals.response_received)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None) -> None:
        spider = spider or self.crawler.spider
        self.redis = connect(self.crawler.settings.get("LOCALOFFER_DISTRIBUTED"))
        self.keys = keys_for(spider.audit_config.name)
        self.redis.sadd(self.keys["workers"], self.worker)
        # Private to Scrapy's engine, read when the crawl starts: an idle worker re-checks the
        # shared queue this often instead of every 5 seconds.
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = HEARTBEAT_SECONDS

    def process_item(self, item, spider=None):
        self.redis.rpush(self.keys["items"], pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
        return item

    def busy(self, *args, **kwargs) -> None:
        if self.idle:
            self.idle = False
            self.redis.srem(self.keys["idle"], self.worker)

    def spider_idle(self, spider) -> None:
        from scrapy.exceptions import DontCloseSpider

        if not self.idle:
            self.idle = True
            self.redis.sadd(self.keys["idle"], self.worker)
        if self.redis.zcard(self.keys["requests"]):
            raise DontCloseSpider  # queued work: the next heartbeat takes it
        others = (self.redis.smembers(self.keys["workers"]) - self.redis.smembers(self.keys["done"])
                  - self.redis.smembers(self.keys["idle"]))
        if others:
            raise DontCloseSpider  # another worker is busy and may queue more

    def spider_closed(self, spider, reason: str) -> None:
        stats = dict(self.crawler.stats.get_stats())
        stats["capped"] = spider.capped() if hasattr(spider, "capped") else []
        stats["finish_reason"] = reason
        self.redis.rpush(self.keys["stats"], json.dumps(stats, default=str))
        self.redis.sadd(self.keys["done"], self.worker)


# ---- the worker command -------------------------------------------------------------------------

def run_worker(url: str, site: str | None, log_level: str) -> int:
    """`localoffer-audit worker REDIS_URL`: help with the crawl a coordinator started."""
    from .config import build_config
    from .crawl import run_crawls

    client = connect(url)
    name = site or (client.get(f"{PREFIX}:current") or b"").decode()
    if not name:
        raise AuditError(f"no crawl is running on {url} (start one with "
                         "`localoffer-audit audit SITE --distributed URL`)")
    raw = client.get(keys_for(name)["config"])
    if raw is None:
        raise AuditError(f"no crawl of {name!r} is running on {url}")
    config = build_config(json.loads(raw), source=f"<{url} {name}>")
    outcome = run_crawls([(config, "", None)], progress=False, log_level=log_level,
                         distributed=url)[0]
    print(f"worker done: {outcome.get('stats', {}).get('localoffer/pages', 0)} pages "
          f"({outcome.get('reason')})")
    return 0


# ---- the coordinator ----------------------------------------------------------------------------

def coordinate(config: AuditConfig, db: Path, url: str, workers: int, *,
               verbose: bool = False) -> dict[str, Any]:
    """Run one crawl of `config` on `workers` local worker processes (and any remote ones that
    join), writing everything into a new run of the store at `db`. Returns the outcome as
    crawl.run_crawl does (run_id, reason, stats)."""
    from . import __version__
    from .pipelines import write_item
    from .store import Store

    client = connect(url)
    keys = keys_for(config.name)
    client.delete(*keys.values())  # a fresh crawl: nothing left over from an earlier one
    # Workers build the same config (start URL, limits...) from here; no credentials in it.
    client.set(keys["config"], json.dumps(config.to_dict()))
    client.set(f"{PREFIX}:current", config.name)
    store = Store(db)
    run_id = store.begin_run(config.name, config.start_urls, config.to_dict(), __version__)
    command = [sys.executable, "-m", "localoffer_audit", "worker", url, "--site", config.name]
    if verbose:
        command.append("-v")
    children = [subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                 stderr=None if verbose else subprocess.DEVNULL)
                for _ in range(workers)]
    reason = "finished"
    try:
        while True:
            popped = client.blpop([keys["items"]], timeout=0.5)
            if popped is not None:
                write_item(store, run_id, pickle.loads(popped[1]))
                continue
            joined, done = client.smembers(keys["workers"]), client.smembers(keys["done"])
            if joined and joined <= done and not client.llen(keys["items"]):
                break
            if children and all(child.poll() is not None for child in children) and \
                    not client.llen(keys["items"]) and not (joined - done):
                if not joined:
                    raise AuditError("the crawl workers exited without starting "
                                     "(run `localoffer-audit worker URL -v` to see why)")
                break
        if any(child.wait() != 0 for child in children):
            reason = "worker-failed"
    except KeyboardInterrupt:
        reason = "shutdown"
        raise
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        stats = _merged_stats(client.lrange(keys["stats"], 0, -1),
                              workers=len(client.smembers(keys["workers"])))
        stats.update({"finish_reason": reason, "distributed": {"redis": url, "workers": workers}})
        store.flush()
        store.compute_depths(run_id, config.start_urls)
        store.set_run_status(run_id, "crawled" if reason == "finished" else "interrupted",
                             stats=stats)
        store.close()
        client.delete(*keys.values())
    return {"run_id": run_id, "reason": reason, "stats": stats}


def _merged_stats(raw: list[bytes], workers: int) -> dict[str, Any]:
    """The workers' crawl stats added up (counts), capped patterns listed once each."""
    merged: dict[str, Any] = {"workers_joined": workers}
    capped: dict[tuple, dict] = {}
    for text in raw:
        stats = json.loads(text)
        merged.setdefault("pages_per_worker", []).append(stats.get("localoffer/pages", 0))
        for key, value in stats.items():
            if key == "capped":
                for row in value:
                    entry = capped.setdefault((row["pattern"], row["reason"]), dict(row, skipped=0))
                    entry["skipped"] += row["skipped"]
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                merged[key] = merged.get(key, 0) + value
            else:
                merged.setdefault(key, value)
    merged["capped"] = sorted(capped.values(), key=lambda r: (-r["skipped"], r["pattern"]))
    return merged
