"""Stage 3: run the enabled checks over a stored crawl and replace that run's findings.

Offline by design: checks see only what the store holds, so `check RUN` can be re-run at will
(for example after changing [audit].select or upgrading a check) without fetching anything.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from .config import AuditConfig
from .errors import ConfigError
from .models import INTERNAL_FAMILY, Finding, Rule, Severity, Site
from .registry import (LoadedCheck, all_rules, discover_checks, enabled_rule_codes, instantiate,
                       validate_selectors)
from .store import Store
from .urls import matches_host

log = logging.getLogger(__name__)

CHECK_CRASHED = Rule(
    "INT001", "check-crashed", "A check failed on this page, so the page was not fully checked",
    Severity.WARNING, INTERNAL_FAMILY, tags=("internal",),
    fix="Report this to the localoffer-audit maintainers with the page URL; the rest of the "
        "audit is unaffected.",
    doc="## What it checks\nNothing: it records that a check raised an error on a page.\n\n"
        "## Why it matters\nThe page's results for that check are missing, so the audit is "
        "incomplete there.\n\n## How to fix\nReport it with the URL and the message.")
FRAMEWORK_RULES = (CHECK_CRASHED,)


@dataclass
class CheckOutcome:
    run_id: int
    findings: int
    pages: int
    checks: list[str]
    crashed: int


def known_rules(checks: Sequence[LoadedCheck]) -> list[Rule]:
    return sorted([*all_rules(checks), *FRAMEWORK_RULES], key=lambda r: r.code)


def _validate_audit_options(config: AuditConfig, rules: Sequence[Rule]) -> None:
    validate_selectors(rules, config.audit["select"], "[audit].select")
    validate_selectors(rules, config.audit["ignore"], "[audit].ignore")
    for code in config.severity_overrides:
        if not any(rule.code == code or rule.name == code for rule in rules):
            raise ConfigError(f"[audit.severity].{code} names no rule (see `localoffer-audit rules`)")


def _crash(check_name: str, url: str, exc: BaseException) -> Finding:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    return Finding(rule=CHECK_CRASHED.code, rule_name=CHECK_CRASHED.name, family=INTERNAL_FAMILY,
                   severity=CHECK_CRASHED.severity, url=url, selector=check_name,
                   message=f"The {check_name} check failed on this page: "
                           f"{type(exc).__name__}: {exc}"[:500],
                   fix=CHECK_CRASHED.fix,
                   extra={"check": check_name,
                          "where": f"{where.filename}:{where.lineno}" if where else ""})


def drop_engine_duplicates(findings: Sequence[Finding]) -> list[Finding]:
    """A browser-engine finding (extra.engine set) is dropped when a static check already
    reported the same rule code on the same page: the fault is reported once, by the rule that
    needs no browser. An engine finding that fell back to A11Y580 counts under the static code
    it maps to (extra.static_code). A static finding that names its element by a snippet (e.g.
    A11Y520's text) covers only the engine findings whose snippet shows that element, so
    elements only the browser could judge are still reported."""
    static: dict[tuple[str, str], list[str | None]] = {}
    for f in findings:
        if not f.extra.get("engine"):
            static.setdefault((f.rule, f.url), []).append(_words(f.snippet)[:40] or None)
    if not static:
        return list(findings)

    def duplicate(f: Finding) -> bool:
        shown = _words(f.snippet)
        for code in {f.rule, f.extra.get("static_code")} - {None}:
            snippets = static.get((code, f.url))
            if snippets is not None and any(s is None or s in shown for s in snippets):
                return True
        return False

    return [f for f in findings if not (f.extra.get("engine") and duplicate(f))]


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def check_signature(config: AuditConfig) -> str:
    """What a page's check results depend on besides its content: this version and the
    [audit], [checks] and [[owners]] it was checked with (rules, options, severities, owners)."""
    import hashlib
    import json

    from . import __version__

    settings = {k: v for k, v in config.to_dict().items() if k in ("audit", "checks", "owners")}
    text = json.dumps([__version__, settings], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def reusable_pages(store: Store, run_id: int, signature: str) -> dict[str, int]:
    """Pages an incremental crawl kept unchanged from an earlier run whose content-only check
    results can be reused: that run was checked with the same signature."""
    reused = store.reused_pages(run_id)
    usable = set()
    for earlier in set(reused.values()):
        other = store.run(earlier)
        if other["status"] == "checked" and other["stats"].get("check_signature") == signature:
            usable.add(earlier)
    return {url: earlier for url, earlier in reused.items() if earlier in usable}


def _unchanged_run(store: Store, reused: dict[str, int], digest: str) -> int | None:
    """The earlier run (checked with the same signature) whose crawl data is the same as this
    run's by Store.crawl_digest, if the pages were kept from one."""
    for earlier in set(reused.values()):
        if store.run(earlier)["stats"].get("crawl_digest") == digest:
            return earlier
    return None


def _reusable(check: LoadedCheck, same_as: int | None, same_day: bool) -> bool:
    """May a kept page take this page check's results from the earlier run? Content-only
    checks: always. With the whole crawl unchanged (same_as): checks that read only the crawl,
    and date rules when the page was fetched on the same day (their "today")."""
    cls = check.cls
    return (getattr(cls, "content_only", False)
            or (same_as is not None and (getattr(cls, "crawl_only", False)
                                         or (same_day and getattr(cls, "fetch_day_only", False)))))


def _copied(store: Store, run_id: int, earlier: int, active, on_page, stats) -> CheckOutcome:
    count = store.copy_check_results(earlier, run_id)
    pages = sum(1 for r in store.page_rows(run_id) if r["kind"] in ("html", "document"))
    if on_page:
        on_page(pages)
    store.update_run_stats(run_id, {**stats, "check_results_copied_from": earlier})
    crashed = store.db.execute("SELECT COUNT(*) FROM findings WHERE run_id = ? AND rule = ?",
                               (run_id, CHECK_CRASHED.code)).fetchone()[0]
    return CheckOutcome(run_id, count, pages, [c.name for c, _ in active], crashed)


def _pages_done(page_checks) -> None:
    """The page pass is over: checks drop what only it needed (language profiles, per-page
    caches), and the garbage goes now, so the site checks and reports reuse that memory
    instead of growing the process past the page pass's peak."""
    import gc

    for check, obj in page_checks:
        if hasattr(obj, "pages_done"):
            try:
                obj.pages_done()
            except Exception as exc:  # only memory is at stake
                log.warning("check %s failed to release its caches: %s", check.name, exc)
    gc.collect()


def run_checks(store: Store, run_id: int, config: AuditConfig,
               on_page: Callable[[int], None] | None = None,
               checks: Sequence[LoadedCheck] | None = None) -> CheckOutcome:
    checks = list(checks) if checks is not None else discover_checks()
    rules = known_rules(checks)
    _validate_audit_options(config, rules)
    enabled = enabled_rule_codes(rules, config.audit["select"], config.audit["ignore"])
    active = instantiate(checks, enabled, config.check_options)
    page_checks = [(c, obj) for c, obj in active if c.kind == "page"]
    site_checks = [(c, obj) for c, obj in active if c.kind == "site"]
    code_of = {r.code: r.code for r in rules} | {r.name: r.code for r in rules}
    overrides = {code_of[key]: level for key, level in config.severity_overrides.items()}

    contacts = config.ownership.contacts()

    def finish(found: Iterable[Finding]) -> Iterable[Finding]:
        for finding in found:
            if finding.rule not in enabled and finding.rule != CHECK_CRASHED.code:
                continue
            if finding.owner:  # a check named the owner (e.g. a topic's owner): use its contact
                owner, contact = finding.owner, contacts.get(finding.owner, "")
            else:
                owner, contact = config.ownership.owner_for(finding.url)
            yield finding.with_changes(
                severity=overrides.get(finding.rule, finding.severity),
                owner=owner, owner_contact=finding.owner_contact or contact)

    collected: list[Finding] = []
    measured: list[tuple[str, str, object]] = []
    measurers = [(c, obj) for c, obj in active if hasattr(obj, "measure_page")]
    not_found_pages = list(store.iter_pages(run_id, ("probe",)))
    for _, obj in measurers:  # a site check judging pages in this pass needs the probes first
        if hasattr(obj, "set_not_found_pages"):
            obj.set_not_found_pages(not_found_pages)
    signature = check_signature(config)
    reused = reusable_pages(store, run_id, signature)
    digest = store.crawl_digest(run_id, lambda url: not matches_host(url, config.allowed_hosts))
    # Nothing the checks read has changed since the run the pages were kept from: its site-check
    # results hold as they are, and so do the crawl-only page checks' (date rules: on pages
    # fetched the same day as then, since a page's fetch day is their "today").
    same_as = _unchanged_run(store, reused, digest)
    fetch_days = store.fetch_days(same_as) if same_as else {}
    if same_as and fetch_days == store.fetch_days(run_id):
        # The same crawl, every page fetched on the same day as in that run: all its results
        # hold (the per-page reuse below would reach the same), copied without reading a page.
        return _copied(store, run_id, same_as, active, on_page,
                       {"check_signature": signature, "crawl_digest": digest,
                        "checks_reused_pages": len(reused), "site_checks_reused_from": same_as})
    pages = 0
    for page in store.iter_pages(run_id):
        pages += 1
        earlier = same_as or reused.get(page.url)
        same_day = bool(page.fetched_at) and fetch_days.get(page.url) == page.fetched_at[:10]
        for check, obj in page_checks:
            if earlier is not None and _reusable(check, same_as, same_day):
                collected.extend(store.findings_at(earlier, page.url,
                                                   (r.code for r in check.rules)))
                continue
            try:
                collected.extend(finish(obj.check_page(page)))
            except Exception as exc:  # one bad page must not stop the audit
                log.warning("check %s failed on %s: %s", check.name, page.url, exc)
                collected.extend(finish([_crash(check.name, page.url, exc)]))
        for check, obj in measurers:
            if earlier is not None and (_reusable(check, same_as, same_day)
                                        or (same_as and check.kind == "site")):
                values = store.metrics_at(earlier, page.url)
                measured.extend((page.url, name, values[name]) for name in check.metrics
                                if name in values)
                continue
            try:
                measured.extend((page.url, name, value)
                                for name, value in obj.measure_page(page).items())
            except Exception as exc:
                collected.extend(finish([_crash(check.name, page.url, exc)]))
        if on_page:
            on_page(pages)
    _pages_done(page_checks)
    store.replace_metrics(run_id, measured)
    site_measured: dict[str, object] = {}
    if site_checks:
        run = store.run(run_id)
        site = Site(run_id, tuple(run["start_urls"]), lambda: store.iter_pages(run_id),
                    store.status_resolver(run_id), lambda: store.iter_links(run_id),
                    options={"sitemap": store.sitemap_entries(run_id)},
                    page_getter=lambda url: store.page(run_id, url),
                    not_found_pages=not_found_pages,
                    started_at=run["started_at"],
                    feed_loader=lambda: store.iter_pages(run_id, ("feed",)),
                    page_owner=lambda url: config.ownership.owner_for(url)[0],
                    engine_loader=lambda: store.iter_engine_results(run_id),
                    rules={r.code: r for r in rules})
        if same_as:
            site_measured.update(store.site_metrics(same_as))
        for check, obj in site_checks:
            if same_as:
                collected.extend(store.findings_of_rules(same_as, (r.code for r in check.rules),
                                                         crash_selector=check.name))
                continue
            try:
                collected.extend(finish(obj.check_site(site)))
                if hasattr(obj, "measure_site"):
                    site_measured.update(obj.measure_site(site))
            except Exception as exc:
                log.warning("site check %s failed: %s", check.name, exc)
                collected.extend(finish([_crash(check.name, site.start_urls[0], exc)]))
    store.replace_site_metrics(run_id, site_measured)
    collected = drop_engine_duplicates(collected)
    count = store.replace_findings(run_id, collected)
    store.update_run_stats(run_id, {"check_signature": signature, "crawl_digest": digest,
                                    "checks_reused_pages": len(reused),
                                    "site_checks_reused_from": same_as,
                                    "check_results_copied_from": None})
    crashed = sum(1 for f in collected if f.rule == CHECK_CRASHED.code)
    return CheckOutcome(run_id, count, pages, [c.name for c, _ in active], crashed)
