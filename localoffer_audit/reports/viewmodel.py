"""Stage 4a: build the report's view model from the store (templates never query the store)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .. import __version__, history
from ..history import RunChanges
from ..config import config_from_dict
from ..models import FAMILIES, Finding, Rule, Severity
from ..store import Store

OUTPUT_SCHEMA_VERSION = 1  # bump when a documented field changes meaning (docs/output-format.md)
SEVERITY_ORDER = [s.value for s in sorted(Severity, key=lambda s: -s.rank)]


@dataclass
class PageRow:
    url: str
    final_url: str | None
    status: int | None
    content_type: str
    kind: str
    title: str | None
    depth: int | None
    owner: str
    word_count: int | None
    size: int | None
    error: str | None
    redirect_to: str | None
    in_sitemap: bool
    sitemap_lastmod: str | None
    fetched_at: str | None
    findings: int = 0
    metrics: dict[str, Any] = field(default_factory=dict)

    def as_json(self, metric_names: tuple[str, ...] = ()) -> dict[str, Any]:
        record = {k: v for k, v in vars(self).items() if k != "metrics"}
        record.update({name: self.metrics.get(name) for name in metric_names})
        return record


@dataclass
class OwnerSection:
    name: str
    contact: str
    pages: int
    findings: list[Finding]
    by_severity: dict[str, int]

    @property
    def slug(self) -> str:
        return "owner-" + "".join(c if c.isalnum() else "-" for c in self.name.lower()).strip("-")


@dataclass
class ReportData:
    run: dict[str, Any]
    pages: list[PageRow]
    findings: list[Finding]
    rules: dict[str, Rule]
    owners: list[OwnerSection]
    by_severity: dict[str, int]
    by_family: dict[str, int]
    by_rule: list[tuple[str, int]]
    capped: list[dict[str, Any]]
    generated_at: str
    tool_version: str = __version__
    schema_version: int = OUTPUT_SCHEMA_VERSION
    findings_by_page: dict[str, list[Finding]] = field(default_factory=dict)
    metric_names: tuple[str, ...] = ()  # per-page values measured by checks (pages.jsonl fields)
    site_metrics: dict[str, Any] = field(default_factory=dict)  # e.g. "coverage"
    changes: RunChanges | None = None  # against the previous checked run of the same site
    trend: list[dict[str, Any]] = field(default_factory=list)  # history.trend, oldest first
    time_to_fix: dict[str, dict[str, Any]] = field(default_factory=dict)  # owner -> fixed, days
    accepted: frozenset[str] = frozenset()  # fingerprints accepted in a baseline file

    def is_accepted(self, finding: Finding) -> bool:
        return finding.fingerprint in self.accepted

    @property
    def unaccepted_worst(self) -> str | None:
        """The worst severity among findings not accepted in the baseline (for --fail-on)."""
        for level in SEVERITY_ORDER:
            if any(f.severity.value == level and f.fingerprint not in self.accepted
                   for f in self.findings):
                return level
        return None

    @property
    def worst(self) -> str | None:
        for level in SEVERITY_ORDER:
            if self.by_severity.get(level):
                return level
        return None

    def page_counts(self) -> dict[str, int]:
        kinds = Counter(p.kind for p in self.pages)
        return {"total": len(self.pages), "html": kinds.get("html", 0),
                "documents": kinds.get("document", 0), "other": kinds.get("other", 0),
                "errors": sum(1 for p in self.pages if p.error or (p.status or 0) >= 400),
                "redirects": sum(1 for p in self.pages if p.redirect_to)}


def severity_key(finding: Finding) -> tuple:
    return (-finding.severity.rank, finding.url, finding.rule, finding.target or "")


def build_report(store: Store, run_id: int, rules: dict[str, Rule] | None = None,
                 metric_names: tuple[str, ...] = (),
                 baseline: frozenset[str] = frozenset()) -> ReportData:
    run = store.run(run_id)
    config = config_from_dict(run["config"])
    findings = sorted(store.findings(run_id), key=severity_key)
    sitemap = store.sitemap_entries(run_id)
    per_page = Counter(f.url for f in findings)
    metrics = store.metrics(run_id)
    pages = [PageRow(url=r["url"], final_url=r["final_url"], status=r["status"],
                     content_type=r["content_type"] or "", kind=r["kind"], title=r["title"],
                     depth=r["depth"], owner=config.ownership.owner_for(r["url"])[0],
                     word_count=r["word_count"], size=r["size"], error=r["error"],
                     redirect_to=r["redirect_to"], in_sitemap=r["url"] in sitemap,
                     sitemap_lastmod=sitemap.get(r["url"]), fetched_at=r["fetched_at"],
                     findings=per_page.get(r["url"], 0), metrics=metrics.get(r["url"], {}))
             for r in store.page_rows(run_id)]

    owner_findings: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        owner_findings[f.owner or config.ownership.default_name].append(f)
    owner_pages = Counter(p.owner for p in pages if p.kind in ("html", "document"))
    contacts = config.ownership.contacts()
    names = list(dict.fromkeys([*config.ownership.names, *owner_findings]))
    owners = [OwnerSection(name, contacts.get(name, ""), owner_pages.get(name, 0),
                           owner_findings.get(name, []),
                           dict(Counter(f.severity.value for f in owner_findings.get(name, []))))
              for name in names if owner_pages.get(name) or owner_findings.get(name)]
    owners.sort(key=lambda o: (-sum(o.by_severity.get(s, 0) * 10 ** (3 - i)
                                    for i, s in enumerate(SEVERITY_ORDER)), o.name))

    by_page: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_page[f.url].append(f)
    families = Counter(f.family for f in findings)
    return ReportData(
        run={k: run[k] for k in ("id", "site", "start_urls", "started_at", "finished_at", "status",
                                 "tool_version")},
        pages=pages, findings=findings, rules=rules or {}, owners=owners,
        by_severity={s: sum(1 for f in findings if f.severity.value == s) for s in SEVERITY_ORDER},
        by_family={fam: families.get(fam, 0) for fam in
                   [*FAMILIES, *sorted(set(families) - set(FAMILIES))]},
        by_rule=Counter(f.rule for f in findings).most_common(),
        capped=run["stats"].get("capped", []),
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        findings_by_page=dict(by_page),
        metric_names=tuple(metric_names),
        site_metrics=store.site_metrics(run_id),
        changes=history.changes_since_previous(store, run_id),
        trend=history.trend(store, run_id),
        time_to_fix=history.time_to_fix(store, run_id),
        accepted=frozenset(baseline),
    )
