"""`localoffer-audit audit sites/*.toml`: several councils in one process.

Every config is read and validated before anything is fetched: a missing or invalid file
stops the command at once (one line naming it, exit 2), so no site is half-audited because
another's file had a typo. The sites are then crawled together, one Scrapy crawler each (each
with its own per-host slots and politeness, so a slow council holds up nobody else), and
checked and reported one by one into OUT/<site>/, with OUT/index.html listing them all. A site
that fails once running (its start page cannot be fetched, say) is reported as failed in the
index; the others' reports are still written, and the command exits 2 naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import AuditConfig
from .errors import AuditError, ConfigError


@dataclass
class SiteJob:
    target: str  # the config file (or URL) as given
    config: AuditConfig
    slug: str  # OUT/<slug>/
    run_id: int | None = None
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    exit_code: int = 0


def _slug(target: str, config: AuditConfig) -> str:
    stem = Path(target).stem if "://" not in target else config.name
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "site"


def load_jobs(args, targets: list[str]) -> list[SiteJob]:
    """Every site's config, validated up front; the first bad one is a ConfigError naming it."""
    from .cli import _check_rule_choice, config_from_args

    if args.resume:
        raise ConfigError("--resume takes one site; audit several sites without it")
    if getattr(args, "distributed", None):
        raise ConfigError("--distributed takes one site; audit several sites without it")
    if args.config:
        raise ConfigError("--config goes with one start URL; with several sites, give each "
                          "its own TOML file")
    jobs: list[SiteJob] = []
    for target in targets:
        args.target = target
        try:
            config = config_from_args(args)
            _check_rule_choice(config)  # as for one site: a select naming no rule fails now
        except ConfigError as exc:
            message = str(exc)
            raise ConfigError(message if target in message else f"{target}: {message}") from None
        jobs.append(SiteJob(target, config, _slug(target, config)))
    seen: dict[str, str] = {}
    for job in jobs:
        if job.config.name in seen:
            raise ConfigError(f"{job.target} and {seen[job.config.name]} both audit the site "
                              f"{job.config.name!r}: give each a distinct [site].name")
        seen[job.config.name] = job.target
    slugs: dict[str, int] = {}
    for job in jobs:  # two sites/x.toml in different folders: x and x-2
        slugs[job.slug] = slugs.get(job.slug, 0) + 1
        if slugs[job.slug] > 1:
            job.slug = f"{job.slug}-{slugs[job.slug]}"
    return jobs


def audit_sites(args, targets: list[str]) -> int:
    from . import cli
    from .axe_engine import render_run, require_engine
    from .crawl import run_crawls
    from .reports.index import write_index
    from .store import Store

    jobs = load_jobs(args, targets)  # nothing is fetched before every file is known good
    baseline = cli._read_baseline(args.baseline)
    out = Path(args.out)
    dbs = {job.slug: cli._db_for(job.config, str(out)) for job in jobs}
    for db in set(dbs.values()):
        Store(db).close()  # an unusable store fails now, not after the crawl
    engines = {job.slug: require_engine(job.config.crawl["a11y_engine"]) for job in jobs}
    outcomes = run_crawls([(job.config, dbs[job.slug], None) for job in jobs],
                          progress=False, log_level="INFO" if args.verbose else "CRITICAL")
    if any(o.get("reason") == "shutdown" for o in outcomes):
        raise KeyboardInterrupt
    console = cli._console()
    for job, outcome in zip(jobs, outcomes):
        try:
            if outcome.get("store_failure"):
                raise AuditError(outcome["store_failure"])
            if "run_id" not in outcome:
                raise AuditError("the crawl did not start")
            job.run_id = outcome["run_id"]
            with Store(dbs[job.slug]) as store:
                cli._check_start_reached(store, job.run_id, job.config)
                if engines[job.slug] is not None:
                    render_run(store, job.run_id, job.config, progress=False,
                               setup=engines[job.slug])
                cli.do_check(store, job.run_id, job.config, console, progress=False)
                data, written = cli.do_report(store, job.run_id, out / job.slug,
                                              baseline=baseline)
            job.summary = _headline(data)
            job.exit_code = cli._exit_for(data.unaccepted_worst, job.config.audit["fail_on"])
            console.print(f"{job.target}: {job.summary['pages']} pages, "
                          f"{job.summary['findings']} findings; wrote {out / job.slug}/report.html",
                          highlight=False, markup=False)
        except AuditError as exc:
            job.error, job.exit_code = str(exc), cli.EXIT_USAGE
            cli._err(f"{job.target}: {exc}")
    index = write_index(out, [_index_entry(job) for job in jobs])
    print(index.resolve())
    return max(job.exit_code for job in jobs)


def _headline(data) -> dict[str, Any]:
    counts = data.page_counts()
    return {"pages": counts["total"], "html": counts["html"], "documents": counts["documents"],
            "findings": len(data.findings),
            **{f"{level}s": data.by_severity.get(level, 0)
               for level in ("error", "warning", "notice")},
            "started_at": data.run.get("started_at")}


def _index_entry(job: SiteJob) -> dict[str, Any]:
    return {"site": job.config.name, "config": job.target, "slug": job.slug, "run_id": job.run_id,
            "start_url": job.config.start_urls[0], "error": job.error, **job.summary}
