"""`audit --resume` / `crawl --resume`: which run to take up, and whether that is safe.

Resuming is built on the store rather than on Scrapy's JOBDIR: after a SIGKILL a job directory
can be behind (or ahead of) what was committed, while the store is what the report is made
from. So the stored rows decide: stored pages are done, their stored links are the frontier
(see LocalOfferSpider.restore and resume_frontier).
"""

from __future__ import annotations

from typing import Any, Mapping

from .config import SCHEMA, AuditConfig
from .errors import AuditError

# [crawl] keys that only change how fast or how patiently the rest is fetched, not what the
# crawl reaches: they may differ when resuming. Any other difference would mix two crawls.
RESUME_SAFE_CRAWL_KEYS = frozenset({"concurrency_per_host", "delay", "timeout", "max_pages",
                                    "retry_after", "link_cache_hours", "link_cache_exclude_status",
                                    "user_agent",
                                    "incremental"})  # a resumed run never reuses a previous one
# What a run may be resumed from: `crawl` needs an unfinished crawl; `audit` also finishes a
# run whose crawl completed but whose checks or report were interrupted.
RESUMABLE = {"crawl": ("interrupted",), "audit": ("interrupted", "crawled")}


def pick_run(store, wanted: str, command: str, site: str | None) -> dict[str, Any]:
    """The run to resume: `wanted` is a run id or "latest" (the newest resumable run of
    `site`, or of any site when no target was given)."""
    statuses = RESUMABLE[command]
    if wanted == "latest":
        if site is None:
            candidates = [r["id"] for r in store.runs() if r["status"] in statuses]
            run_id = candidates[-1] if candidates else None
        else:
            run_id = store.resumable_run(site, statuses)
        if run_id is None:
            about = f" of {site!r}" if site else ""
            raise AuditError(f"nothing to resume: no interrupted run{about} in {store.path}")
        return store.run(run_id)
    try:
        run_id = int(wanted)
    except ValueError:
        raise AuditError(f"--resume takes a run id, got {wanted!r}") from None
    run = store.run(run_id)  # StoreError naming the runs there are
    if run["status"] not in statuses:
        what = {"crawling": "is still being crawled by another process",
                "checked": "is complete", "crawled": "finished crawling (check it instead)",
                "failed": "failed (its start URL could not be fetched); audit it afresh"}
        raise AuditError(f"nothing to resume: run {run_id} "
                         f"{what.get(run['status'], 'is ' + run['status'])}")
    return run


def check_compatible(stored: Mapping[str, Any], config: AuditConfig, run_id: int) -> None:
    """Refuse to resume with a config that would crawl a different site or scope."""
    new = config.to_dict()

    def was(table: str, key: str) -> Any:
        # A key the stored run does not have came with a later version: it had its default.
        default = SCHEMA.get(table, {}).get(key, (None, None))[1]
        return stored[table].get(key, list(default) if isinstance(default, tuple) else default)

    def now(table: str, key: str) -> Any:
        value = new[table].get(key)
        return list(value) if isinstance(value, tuple) else value

    differences = [f"[site].{key}" for key in sorted(set(stored["site"]) | set(new["site"]))
                   if was("site", key) != now("site", key)]
    differences += [f"[crawl].{key}" for key in sorted(set(stored["crawl"]) | set(new["crawl"]))
                    if key not in RESUME_SAFE_CRAWL_KEYS and was("crawl", key) != now("crawl", key)]
    if differences:
        raise AuditError(f"cannot resume run {run_id}: the config differs in "
                         f"{', '.join(differences)} (resuming would mix two different crawls; "
                         "start a new audit instead)")
