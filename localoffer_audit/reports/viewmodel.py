"""Stage 4a: build the report's view model from the store (templates never query the store)."""

from __future__ import annotations

import heapq
import json
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cached_property
from itertools import islice
from typing import Any

from .. import __version__, history
from ..history import RunChanges
from ..config import config_from_dict
from ..events import crawl_events
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
    events: dict[str, int | float] = field(default_factory=dict)  # events.crawl_events
    tool_version: str = __version__
    schema_version: int = OUTPUT_SCHEMA_VERSION
    findings_by_page: dict[str, list[Finding]] = field(default_factory=dict)
    metric_names: tuple[str, ...] = ()  # per-page values measured by checks (pages.jsonl fields)
    site_metrics: dict[str, Any] = field(default_factory=dict)  # e.g. "coverage"
    changes: RunChanges | None = None  # against the previous checked run of the same site
    trend: list[dict[str, Any]] = field(default_factory=list)  # history.trend, oldest first
    time_to_fix: dict[str, dict[str, Any]] = field(default_factory=dict)  # owner -> fixed, days
    accepted: frozenset[str] = frozenset()  # fingerprints accepted in a baseline file
    stale_after_months: int = 12  # page-dates warn_after_months: a page older than this is stale

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

    # --- derived data for the HTML report (computed once, on first use) ------------------------
    @cached_property
    def reference_date(self) -> date:
        """The day ages are measured from: when the run started."""
        try:
            return datetime.fromisoformat(str(self.run.get("started_at"))).date()
        except ValueError:
            return datetime.now(timezone.utc).date()

    @cached_property
    def page_by_url(self) -> dict[str, PageRow]:
        return {p.url: p for p in self.pages}

    def page_owner(self, url: str) -> str:
        """Who owns the page at `url` (for a finding on an address that is not a page: the
        owner of its first finding)."""
        row = self.page_by_url.get(url)
        if row is not None:
            return row.owner
        found = self.findings_by_page.get(url)
        return found[0].owner if found else ""

    @cached_property
    def page_ages(self) -> dict[str, int]:
        """url -> days from the page's last update to the run (pages and documents that carry
        a date); dates after the run count as 0 days."""
        ages: dict[str, int] = {}
        today = self.reference_date
        for p in self.pages:
            value = p.metrics.get("last_updated")
            if not value or p.kind not in ("html", "document"):
                continue
            try:
                day = date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
            ages[p.url] = max((today - day).days, 0)
        return ages

    @cached_property
    def stale_before(self) -> date:
        """Pages last updated before this day are stale (as STL402 judges them)."""
        from ..dates import add_months

        return add_months(self.reference_date, -self.stale_after_months)

    def is_stale(self, url: str) -> bool:
        age = self.page_ages.get(url)
        return age is not None and age > (self.reference_date - self.stale_before).days

    @cached_property
    def _audited(self) -> dict[str | None, list[PageRow]]:
        audited: dict[str | None, list[PageRow]] = {None: []}
        for p in self.pages:
            if p.kind in ("html", "document"):
                audited[None].append(p)
                audited.setdefault(p.owner, []).append(p)
        return audited

    def audited_pages(self, owner: str | None = None) -> list[PageRow]:
        """Pages and documents (not redirects, error-only addresses or other files), of one
        owner or of the whole site."""
        return self._audited.get(owner, [])

    def age_histogram(self, owner: str | None = None) -> list[tuple[str, int]]:
        """How many pages were last updated how long ago, plus those that show no date."""
        counts = [0] * len(AGE_BINS)
        undated = 0
        for p in self.audited_pages(owner):
            age = self.page_ages.get(p.url)
            if age is None:
                undated += 1
                continue
            for i, (_, low, high) in enumerate(AGE_BINS):
                if age >= low and (high is None or age < high):
                    counts[i] += 1
                    break
        return [(label, n) for (label, _, _), n in zip(AGE_BINS, counts)] + [
            ("No date shown", undated)]

    def stale_pages(self, owner: str | None = None) -> list[PageRow]:
        """Stale pages, oldest first."""
        stale = [p for p in self.audited_pages(owner) if self.is_stale(p.url)]
        stale.sort(key=lambda p: (-self.page_ages[p.url], p.url))
        return stale

    @cached_property
    def coverage_topics(self) -> list[dict[str, Any]]:
        coverage = self.site_metrics.get("coverage") or {}
        topics = coverage.get("topics") if isinstance(coverage, dict) else None
        return [t for t in topics or [] if isinstance(t, dict)]

    @cached_property
    def coverage_counts(self) -> dict[str, int]:
        counts = Counter(str(t.get("status")) for t in self.coverage_topics)
        return {s: counts.get(s, 0) for s in ("covered", "partial", "missing")}

    def coverage_depths(self) -> list[list[int]]:
        """Per required topic: its evidence pages counted by click depth (DEPTH_COLUMNS)."""
        rows = []
        for topic in self.coverage_topics:
            counts = [0] * len(DEPTH_COLUMNS)
            for evidence in topic.get("evidence") or []:
                depth = evidence.get("depth") if isinstance(evidence, dict) else None
                column = (len(DEPTH_COLUMNS) - 1 if not isinstance(depth, int)
                          else min(max(depth, 0), len(DEPTH_COLUMNS) - 2))
                counts[column] += 1
            rows.append(counts)
        return rows

    @cached_property
    def new_keys(self) -> frozenset[tuple[str, str, str]]:
        """What makes each new finding's fingerprint (rule, url, target or selector): findings
        that were not there in the previous run (empty when there was none). Checking a tuple
        is much cheaper than hashing 100,000 fingerprints."""
        if self.changes is None or self.changes.before is None:
            return frozenset()
        return frozenset((f.rule, f.url, f.target or f.selector or "") for f in self.changes.new)

    def is_new(self, finding: Finding) -> bool:
        return bool(self.new_keys) and (finding.rule, finding.url, finding.target or
                                        finding.selector or "") in self.new_keys

    @cached_property
    def fixed_by_owner(self) -> dict[str, list[Finding]]:
        fixed: dict[str, list[Finding]] = defaultdict(list)
        if self.changes is not None:
            for f in sorted(self.changes.fixed, key=severity_key):
                fixed[f.owner].append(f)
        return dict(fixed)

    @cached_property
    def new_by_owner(self) -> dict[str, int]:
        if self.changes is None or self.changes.before is None:
            return {}
        return dict(Counter(f.owner for f in self.changes.new))

    def scorecard(self, owner: OwnerSection | None = None) -> Scorecard:
        """The overview numbers for the whole site, or for one owner."""
        name = owner.name if owner else None
        cache = self.__dict__.setdefault("_scorecards", {})
        if name not in cache:
            cache[name] = self._scorecard(owner)
        return cache[name]

    def _scorecard(self, owner: OwnerSection | None) -> Scorecard:
        name = owner.name if owner else None
        findings = owner.findings if owner else self.findings
        pages = self.audited_pages(name)
        html_pages = sum(1 for p in pages if p.kind == "html")
        ages = [self.page_ages[p.url] for p in pages if p.url in self.page_ages]
        a11y = [f for f in findings if f.family == "accessibility"]
        compared = self.changes is not None and self.changes.before is not None
        if compared:
            changes = self.changes
            if owner is None:
                new, fixed, persisting = (len(changes.new), len(changes.fixed),
                                          len(changes.persisting))
            else:
                new = self.new_by_owner.get(owner.name, 0)
                fixed = len(self.fixed_by_owner.get(owner.name, ()))
                persisting = len(findings) - new
        else:
            new = fixed = persisting = None
        families = Counter(f.family for f in findings)
        return Scorecard(
            pages=len(pages), html_pages=html_pages, documents=len(pages) - html_pages,
            findings=len(findings),
            by_severity={s: (owner.by_severity.get(s, 0) if owner else self.by_severity.get(s, 0))
                         for s in SEVERITY_ORDER},
            by_family={fam: families.get(fam, 0) for fam in self.by_family},
            dated=len(ages), undated=len(pages) - len(ages),
            stale=sum(1 for p in pages if self.is_stale(p.url)),
            median_age_days=int(statistics.median(ages)) if ages else None,
            a11y_errors=sum(1 for f in a11y if f.severity.value == "error"),
            a11y_findings=len(a11y),
            new=new, fixed=fixed, persisting=persisting, previous_run=(
                self.changes.before if compared else None),
            accepted=sum(1 for f in findings if f.fingerprint in self.accepted)
            if self.accepted else 0)

    def actions(self, owner: OwnerSection) -> list[Action]:
        """What `owner` can do, one action per rule: most severe first, then the fixes that
        help the most pages, then the most problems."""
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for f in owner.findings:
            grouped[f.rule].append(f)
        actions = []
        for code, found in grouped.items():
            rule = self.rules.get(code)
            pages = list(dict.fromkeys(f.url for f in found))
            targets = Counter(f.target for f in found if f.target)
            worst = max(found, key=lambda f: _RANK[f.severity])
            fixes = Counter(f.fix for f in found if f.fix)
            actions.append(Action(
                rule=code, summary=rule.summary if rule else found[0].rule_name.replace("-", " "),
                severity=worst.severity.value,
                fix=(rule.fix if rule and rule.fix else
                     (fixes.most_common(1)[0][0] if fixes else "")),
                family=found[0].family, barrier=barrier_for(code, found[0].family),
                findings=len(found), pages=pages,
                shared_targets=[(t, n) for t, n in targets.most_common(3) if n > 1],
                who_affected=rule.who_affected if rule else ""))
        actions.sort(key=lambda a: (-Severity(a.severity).rank, -len(a.pages), -a.findings,
                                    a.rule))
        return actions

    def worst_pages(self, owner: OwnerSection, limit: int = 10) -> list[tuple[str, dict]]:
        """The owner's pages with the most serious problems: (url, counts by severity)."""
        per_page: dict[str, list[int]] = {}
        slot = {s: i for i, s in enumerate(SEVERITY_ORDER)}
        for f in owner.findings:
            counts = per_page.get(f.url)
            if counts is None:
                counts = per_page[f.url] = [0] * len(SEVERITY_ORDER)
            counts[slot[f.severity]] += 1
        worst = heapq.nsmallest(limit, per_page.items(),
                                key=lambda item: ([-n for n in item[1]], item[0]))
        return [(url, dict(zip(SEVERITY_ORDER, counts))) for url, counts in worst]

    @cached_property
    def barrier_groups(self) -> list[BarrierGroup]:
        """Findings grouped by the barrier a family meets (see BARRIERS), in BARRIERS order;
        barriers with no finding are kept, so readers see what was checked."""
        counts: Counter = Counter()  # (rule, family, severity, owner) -> findings
        pages_by_rule: dict[str, dict[str, None]] = defaultdict(dict)  # ordered page sets
        for f in self.findings:
            counts[f.rule, f.family, f.severity, f.owner] += 1
            pages_by_rule[f.rule][f.url] = None
        groups = {b.id: BarrierGroup(b) for b in BARRIERS}
        for (rule, family, severity, owner), n in counts.items():
            group = groups[barrier_for(rule, family).id]
            group.findings += n
            group.by_severity[str.__str__(severity)] += n
            group.by_owner[owner] += n
            group.by_rule[rule] += n
        for group in groups.values():
            group.finish(self.rules, pages_by_rule)
        return list(groups.values())


_RANK = {s: s.rank for s in Severity}
_SEVERITY = {s.value: s for s in Severity}  # Severity.rank builds a dict on every call


def severity_key(finding: Finding) -> tuple:
    return (-_RANK[finding.severity], finding.url, finding.rule, finding.target or "")


def build_report(store: Store, run_id: int, rules: dict[str, Rule] | None = None,
                 metric_names: tuple[str, ...] = (),
                 baseline: frozenset[str] = frozenset()) -> ReportData:
    run = store.run(run_id)
    config = config_from_dict(run["config"])
    stored, fingerprints = _load_findings(store, run_id)
    findings = sorted(stored, key=severity_key)
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
    severities = Counter(f.severity for f in findings)  # StrEnum keys: .get("error") works
    return ReportData(
        run={k: run[k] for k in ("id", "site", "start_urls", "started_at", "finished_at", "status",
                                 "tool_version")},
        pages=pages, findings=findings, rules=rules or {}, owners=owners,
        by_severity={s: severities.get(s, 0) for s in SEVERITY_ORDER},
        by_family={fam: families.get(fam, 0) for fam in
                   [*FAMILIES, *sorted(set(families) - set(FAMILIES))]},
        by_rule=Counter(f.rule for f in findings).most_common(),
        capped=run["stats"].get("capped", []),
        events=crawl_events(run["stats"]),
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        findings_by_page=dict(by_page),
        metric_names=tuple(metric_names),
        site_metrics=store.site_metrics(run_id),
        changes=_changes_since_previous(store, run_id, stored, fingerprints),
        trend=history.trend(store, run_id),
        time_to_fix=history.time_to_fix(store, run_id),
        accepted=frozenset(baseline),
        stale_after_months=_stale_after_months(config),
    )


FINDING_COLUMNS = ("rule, rule_name, family, severity, url, message, fix, target, selector, "
                   "snippet, owner, owner_contact, extra")


def _finding(r: tuple) -> Finding:
    """A findings row (FINDING_COLUMNS) as Store.findings() builds it; most rows have no
    extra, and skipping json.loads("{}") saves a second on 100,000 findings."""
    return Finding(rule=r[0], rule_name=r[1], family=r[2], severity=_SEVERITY[r[3]], url=r[4],
                   message=r[5], fix=r[6] or "", target=r[7], selector=r[8], snippet=r[9],
                   owner=r[10] or "", owner_contact=r[11] or "",
                   extra=json.loads(r[12]) if r[12] and r[12] != "{}" else {})


def _load_findings(store: Store, run_id: int) -> tuple[list[Finding], list[str]]:
    """store.findings(run_id), in the same order, with each finding's stored fingerprint."""
    rows = store.db.execute(f"SELECT {FINDING_COLUMNS}, fingerprint FROM findings WHERE "
                            "run_id = ? ORDER BY url, rule, fingerprint", (run_id,)).fetchall()
    return [_finding(r) for r in rows], [r[13] for r in rows]


def _changes_since_previous(store: Store, run_id: int, stored: list[Finding],
                            fingerprints: list[str]) -> RunChanges:
    """history.changes_since_previous(store, run_id): the same lists in the same order, without
    reading either run's findings whole again (a big site has 100,000 findings a run).
    `stored` is store.findings(run_id) and `fingerprints` their stored fingerprints."""
    before = history.previous_run(store, run_id)
    if before is None:
        return RunChanges(None, run_id, list(stored), [], [])
    earlier = {fp for (fp,) in store.db.execute(
        "SELECT fingerprint FROM findings WHERE run_id = ?", (before,))}
    new, persisting = [], []
    for finding, fp in zip(stored, fingerprints):
        (persisting if fp in earlier else new).append(finding)
    return RunChanges(before, run_id, new=new, fixed=_fixed_findings(store, before, run_id),
                      persisting=persisting)


def _fixed_findings(store: Store, before: int, after: int) -> list[Finding]:
    """Findings of run `before` that run `after` no longer has, in store.findings() order."""
    return [_finding(r) for r in store.db.execute(
        f"SELECT {FINDING_COLUMNS} FROM findings b WHERE b.run_id = ? AND NOT EXISTS (SELECT 1 "
        "FROM findings a WHERE a.run_id = ? AND a.fingerprint = b.fingerprint) "
        "ORDER BY url, rule, fingerprint", (before, after))]


def _stale_after_months(config) -> int:
    """The age after which the page-dates check calls a page in need of review (STL402)."""
    try:
        from ..checks import read_options

        return int(read_options(config.check_options.get("page-dates", {}),
                                "page-dates")["warn_after_months"])
    except Exception:  # an unknown check configuration must not stop the report
        return 12


# --- derived data for the HTML report --------------------------------------------------------

# Age of content, in days since the page's last update: (label, from, up to).
AGE_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("Under 6 months", 0, 183),
    ("6 to 12 months", 183, 366),
    ("1 to 2 years", 366, 731),
    ("2 to 3 years", 731, 1096),
    ("Over 3 years", 1096, None),
)


# Click depths of the evidence pages of a required topic (the last: reached only by the sitemap).
DEPTH_COLUMNS = ("Home page", "1 click", "2 clicks", "3 clicks", "4 clicks", "5 or more",
                 "Site map only")


@dataclass
class Scorecard:
    pages: int  # pages and documents audited
    html_pages: int
    documents: int
    findings: int
    by_severity: dict[str, int]
    by_family: dict[str, int]
    dated: int  # pages and documents that show when they were last updated
    undated: int
    stale: int  # last updated more than stale_after_months ago
    median_age_days: int | None
    a11y_errors: int  # accessibility findings of severity error
    a11y_findings: int
    new: int | None  # None: no earlier run to compare with
    fixed: int | None
    persisting: int | None
    previous_run: int | None
    accepted: int = 0

    @property
    def stale_share(self) -> float | None:
        return self.stale / self.dated if self.dated else None

    @property
    def a11y_errors_per_page(self) -> float | None:
        return self.a11y_errors / self.html_pages if self.html_pages else None


@dataclass(frozen=True)
class Barrier:
    """A barrier a family meets on the site, in plain English, and the rules that find it."""

    id: str
    title: str
    meets: str  # what a parent or young person meets
    affects: str  # who it affects most
    rules: tuple[str, ...] = ()
    families: tuple[str, ...] = ()  # check families whose other rules belong here


# Rules map to barriers as data: a rule not listed falls to its check family's barrier, and
# a family not listed to "other". Written for parents and young people, not developers.
BARRIERS: tuple[Barrier, ...] = (
    Barrier(
        "find-your-way", "Pages you cannot find your way around",
        "Pages with no clear name or main heading, headings out of order, information buried "
        "many clicks deep, links that do not say where they go, forms and tables with no "
        "labels or headers, and menus, buttons and hints a keyboard cannot reach, use or show "
        "where it is on. Families lose their place, cannot tell which "
        "page they are on, or give up before they find what they need.",
        "People who use a screen reader, a screen magnifier, a keyboard or a switch instead "
        "of a mouse; people with a learning disability; anyone looking on a phone.",
        rules=("A11Y502", "A11Y503", "A11Y505", "A11Y506", "A11Y510", "A11Y512", "A11Y515",
               "A11Y516", "A11Y511", "A11Y513", "A11Y514", "A11Y522", "A11Y526", "A11Y527",
               "A11Y528", "A11Y529", "A11Y530", "A11Y531", "A11Y532", "A11Y533", "A11Y534",
               "A11Y535", "A11Y536", "A11Y537", "A11Y538", "A11Y539", "A11Y540", "A11Y541",
               "A11Y544", "A11Y547", "A11Y604", "A11Y605", "A11Y608", "A11Y609", "A11Y610",
               "A11Y612", "A11Y613", "A11Y614", "A11Y615", "A11Y616", "A11Y617", "A11Y618",
               "A11Y623", "A11Y624", "A11Y625", "A11Y571", "A11Y572", "A11Y573", "A11Y574",
               "A11Y578", "A11Y579", "A11Y580", "A11Y582", "A11Y581", "A11Y590", "A11Y591",
               "CNT103",
               "LNK315", "LNK316"),
        families=("accessibility",)),
    Barrier(
        "see-and-use", "Pages you cannot see, hear or use your own way",
        "Pictures with no description (or only a file name), pale, tiny or justified text, maps "
        "and videos in frames with no name, pages that stop you zooming in or lose words when "
        "you do, pages that reload, move on or keep moving by themselves, links that open new "
        "windows without warning, pages that do not say which language they are in, so they "
        "are read out wrongly, and documents that "
        "are scans, have no structure or no name, or are the only place the information is.",
        "People who are blind or partially sighted, people who zoom in or use a screen "
        "reader, people who need more time, and people with a learning disability.",
        rules=("A11Y501", "A11Y504", "A11Y507", "A11Y508", "A11Y517", "A11Y518", "A11Y519", "A11Y520",
               "A11Y521", "A11Y542", "A11Y543", "A11Y545", "A11Y509", "A11Y523", "A11Y524", "A11Y525",
               "A11Y550", "A11Y551", "A11Y552", "A11Y553", "A11Y554", "A11Y556", "A11Y557",
               "A11Y546", "A11Y548", "A11Y549", "A11Y600", "A11Y601", "A11Y602", "A11Y603",
               "A11Y606", "A11Y607", "A11Y611", "A11Y619", "A11Y620", "A11Y621", "A11Y622",
               "A11Y626", "A11Y570", "A11Y575", "A11Y576", "A11Y577")),
    Barrier(
        "links", "Links that go nowhere",
        "A link leads to an error page, an empty page, a different organisation's website, "
        "or nothing at all, often just when a family has found the service they need.",
        "Everyone, and most of all people who find it hard to start a search again: parents "
        "short of time, people with a learning disability, people using a screen reader.",
        rules=("LNK301", "LNK302", "LNK303", "LNK304", "LNK305", "LNK306", "LNK307", "LNK309",
               "LNK314"),
        families=("links",)),
    Barrier(
        "out-of-date", "Information that is out of date",
        "Pages nobody has checked for a long time, old names for plans and services (such as "
        "\u201cstatement of SEN\u201d), events that have already happened and policies for "
        "school years that are over. Families cannot tell what is still true.",
        "Families making decisions about school, transport and support, especially families "
        "new to SEND who do not know that the old terms have changed.",
        rules=("STL401", "STL402", "STL403", "STL411", "STL412", "STL421", "STL422", "STL423",
               "STL424", "STL425", "STL426"),
        families=("staleness",)),
    Barrier(
        "hard-to-read", "Hard to read",
        "Long sentences, short forms such as EHCP or SENCO that are not explained, and "
        "official words where plain ones would do. Many parents and young people cannot "
        "follow the page.",
        "People with a learning disability or dyslexia, people who are still learning "
        "English, young people reading about their own support, and anyone reading while "
        "tired or worried.",
        rules=("RDB201", "RDB202", "RDB203", "RDB204", "RDB205", "RDB206"),
        families=("readability",)),
    Barrier(
        "service-details", "Services without the details you need",
        "Service listings that do not say what it costs, who it is for, how to get a place or "
        "whether the building is accessible, that say \u201cTBC\u201d instead, or that list "
        "the same service twice. Families have to phone round to find out.",
        "Families looking for support, activities and short breaks, and disabled parents or "
        "children who need to know about access before they travel.",
        rules=("DIR602", "DIR603", "DIR604", "DIR607", "CNT106"),
        families=("directory",)),
    Barrier(
        "contact", "Contact details that do not work",
        "Services with no phone number or email address, or with a number or address that "
        "cannot work. Families cannot get in touch to ask a question or to book.",
        "Everyone who needs to ask something, and especially people who cannot use online "
        "forms or who need to explain their child's needs to a person.",
        rules=("DIR601", "DIR605", "DIR606", "LNK310", "LNK311")),
    Barrier(
        "rights", "Missing information families have a right to",
        "Topics the law says every Local Offer must cover are missing, only mentioned in "
        "passing or only in a PDF; timescales for education, health and care (EHC) needs "
        "assessments are wrong or missing; there is no way to get the information except "
        "online; the accessibility statement, which says what does not work and how to "
        "complain, is missing, hard to find or incomplete.",
        "Families who need to know their rights, for example during an EHC needs assessment, "
        "and families without internet access or who need information in another format.",
        rules=("CNT101", "CNT102", "CNT104", "CNT105", "CNT107", "CNT108", "CNT109", "A11Y555",
               "A11Y560", "A11Y561", "A11Y562", "A11Y563", "A11Y564", "A11Y565"),
        families=("required-content",)),
    Barrier(
        "other", "Other things the council should look at",
        "Problems families may not notice straight away: links that are not secure, links "
        "the checks could not test, dates on a page that disagree, and service information "
        "that other websites and apps cannot reuse.",
        "Families may meet these later, for example when a link stops working or an app "
        "shows old details about a service.",
        rules=("LNK308", "LNK312", "LNK313", "STL404", "STL405", "DIR621", "DIR622", "DIR623",
               "DIR624", "DIR625", "DIR626", "DIR627", "DIR628", "INT001")),
)
# What each built-in rule finds, as a parent or young person would put it (the accessibility
# view uses these; a rule not listed here shows its own summary).
PLAIN_PROBLEMS: dict[str, str] = {
    "A11Y501": "Pages that do not say what language they are in, so screen readers may read "
               "them in the wrong voice",
    "A11Y504": "Pages whose language code is not a real language, so screen readers may read "
               "them in the wrong voice",
    "A11Y507": "Pictures with no description, so blind parents cannot tell what they show",
    "A11Y517": "Embedded maps, videos or forms with no name, so screen-reader users cannot "
               "tell what they are",
    "A11Y518": "Pages that reload or move on by themselves before people have finished reading",
    "A11Y519": "Pages that stop people zooming in on a phone",
    "A11Y505": "Headings that skip a level, so screen-reader users think part of the page is "
               "missing",
    "A11Y506": "Empty headings, which screen readers announce with nothing after them",
    "A11Y508": "Pictures described only by a file name or the word \"image\"",
    "A11Y510": "Links with no words, often just an icon, so nobody using a screen reader can "
               "tell where they go",
    "A11Y512": "Links that only say \"click here\" or \"read more\", not where they go",
    "A11Y515": "Form boxes with no label, so people are not told what to type",
    "A11Y516": "Tables with no header cells, so screen readers cannot say what each value is",
    "A11Y521": "Links that open a new window or tab without warning",
    "A11Y520": "Pale text on a pale background that many people cannot read",
    "A11Y540": "Pages that hide where you are when you move around with the keyboard",
    "A11Y541": "Links whose words for screen-reader users are hidden from them too, so they "
               "only hear \"read more\"",
    "A11Y542": "Text spread out to both margins, with uneven gaps that make it hard to read",
    "A11Y543": "Text so small that many people cannot read it",
    "A11Y544": "Boxes shown in a different order from the one screen readers read them in",
    "A11Y545": "Links in a sentence that look like the words around them, apart from a slight "
               "colour change",
    "A11Y502": "Pages with no name, so the browser tab and screen readers cannot say which "
               "page is open",
    "A11Y503": "Pages with no main heading, so it is hard to tell what the page is about",
    "A11Y509": "Posters, flyers and banners put on the page as pictures of words, which "
               "cannot be enlarged, recoloured or read out properly",
    "A11Y511": "Buttons with no words, so nobody using a screen reader can tell what they do",
    "A11Y513": "Links with the same words that go to different places",
    "A11Y514": "Labels and descriptions that point at the wrong part of the page because two "
               "parts share one name in the code",
    "A11Y522": "Pages whose title is a placeholder such as \"Untitled\"",
    "A11Y523": "Passages marked with a language that does not exist, so screen readers cannot "
               "read them in the right voice",
    "A11Y524": "Pages that say they are in one language but are written in another, so screen "
               "readers read them in the wrong voice",
    "A11Y525": "Text that blinks or scrolls across the screen and cannot be stopped",
    "A11Y546": "Words put on the page by its style sheet, which vanish for people who use "
               "their own styles and may not be read out",
    "A11Y547": "Lines made to look like headings that screen readers do not know are headings",
    "A11Y548": "Lines of text squashed so close together that it is easy to lose your place",
    "A11Y549": "Long passages in capitals or italics, which are hard to read",
    "A11Y600": "Passages marked as the wrong language, so screen readers read them in the "
               "wrong voice",
    "A11Y601": "Passages in another language that are not marked, so screen readers read "
               "them as if they were English",
    "A11Y602": "Arabic, Urdu or other right-to-left text set to run the wrong way, or "
               "English set right to left",
    "A11Y603": "Pictures marked as decoration that still carry a description, so some people "
               "get it and others do not",
    "A11Y604": "Form boxes with the same label, so people cannot tell which is which",
    "A11Y605": "Hints for form boxes (such as the format to use) that screen readers do not "
               "read with the box",
    "A11Y606": "Videos with no captions, so deaf people cannot follow them",
    "A11Y607": "Recordings with no transcript, so deaf people cannot get what is said",
    "A11Y608": "The same link twice in a row, read out twice",
    "A11Y609": "Links with a tooltip that repeats their words",
    "A11Y610": "Rows of links with nothing but spaces between them",
    "A11Y611": "Links that open a picture on its own, with no description",
    "A11Y612": "Tables inside other tables, which are hard to follow with a screen reader",
    "A11Y613": "Tables used to lay out the page rather than to show data",
    "A11Y614": "Tables with row and column headings that do not say which is which",
    "A11Y615": "Tables with no caption saying what they show",
    "A11Y616": "Tables with empty boxes, so people cannot tell if something is missing",
    "A11Y617": "Keyboard shortcuts that can clash with people's own",
    "A11Y618": "Empty paragraphs that screen readers announce as blank",
    "A11Y619": "Old-fashioned markup that fixes the text size, font or layout",
    "A11Y621": "Pictures drawn with keyboard characters, read out symbol by symbol",
    "A11Y622": "Short forms such as GDS marked up without saying what they stand for",
    "A11Y620": "Text colours fixed in the page's HTML, which people's own colour settings "
               "may not change",
    "A11Y624": "Form boxes with two labels, of which screen readers may read only one",
    "A11Y625": "Long pages of text with no sub-headings or lists to break them up",
    "A11Y626": "Pictures whose description and tooltip say different things",
    "A11Y623": "Text that points to something only as \u201con the right\u201d or \u201con "
               "the left\u201d",
    "A11Y526": "Lists built wrongly, so screen readers do not say they are lists",
    "A11Y527": "Page parts that tell screen readers something that is not valid, so they are "
               "announced wrongly",
    "A11Y528": "Form boxes that browsers cannot fill in for you, because they are set up wrongly",
    "A11Y529": "Page parts that make the keyboard jump around the page out of order",
    "A11Y530": "Yes/no and tick-box questions whose options are not grouped with the question",
    "A11Y531": "Groups of form boxes with no name for the group",
    "A11Y532": "Tables with headings but nothing under them",
    "A11Y533": "Tables of information with no header cells, so screen readers cannot say what "
               "each value is",
    "A11Y534": "Tables with empty headings",
    "A11Y535": "\"Links\" that go nowhere and may only work with a mouse",
    "A11Y536": "Buttons and controls that cannot be reached or used with a keyboard",
    "A11Y537": "Links and buttons hidden from screen readers that keyboard users still reach",
    "A11Y538": "Page parts that share one name in the code, which can confuse in-page links",
    "A11Y539": "Links that open a PDF or Word file without saying so",
    "A11Y550": "Documents (PDFs) with no structure, so screen readers cannot find their "
               "headings, lists or tables",
    "A11Y551": "Documents (PDFs) with no title, so people only see a file name",
    "A11Y552": "Documents (PDFs) that show a file name instead of their title",
    "A11Y553": "Documents (PDFs) that do not say what language they are in",
    "A11Y554": "Documents (PDFs) that are scans: pictures of text that screen readers cannot "
               "read",
    "A11Y555": "Information the law says the Local Offer must give is only in a PDF or Word "
               "document, not on a web page",
    "A11Y556": "Pages that are only a link to a PDF or Word document",
    "A11Y557": "Documents that could not be opened (broken or locked with a password)",
    "A11Y560": "There is no accessibility statement saying what does not work and how to "
               "complain",
    "A11Y561": "Pages with no link to the accessibility statement",
    "A11Y562": "The accessibility statement leaves out something it must tell families",
    "A11Y563": "The accessibility statement measures the site against an older version of "
               "the accessibility standard",
    "A11Y564": "The accessibility statement is a document, not a web page",
    "A11Y565": "The accessibility statement is on another website and was not checked",
    "A11Y580": "Accessibility failures found when the page was shown in a real browser",
    "A11Y581": "Places a real browser check could not decide, which a person must look at",
    "A11Y570": "Pages you have to scroll sideways to read on a phone or when zoomed in",
    "A11Y571": "Links and buttons that do not show when the keyboard is on them",
    "A11Y572": "Pages that trap keyboard users, so they cannot reach the rest of the page",
    "A11Y573": "Menus and hints that only appear under a mouse, never for the keyboard",
    "A11Y574": "Buttons that do nothing when you press the space bar",
    "A11Y575": "Boxes that cut words off when you make the text bigger",
    "A11Y576": "Lines of text that print over each other when you make the text bigger",
    "A11Y577": "Moving pictures that never stop, pulling your eye away from the words",
    "A11Y578": "Pages whose keyboard and zoom tests in a real browser could not be finished",
    "A11Y579": "Things that look clickable but that the keyboard cannot reach",
    "A11Y582": "Pages where the keyboard jumps about instead of following the reading order",
    "A11Y590": "Pages that could not be checked in a real browser (too slow, or they crashed it)",
    "A11Y591": "Pages whose files from other sites were left out of the real-browser check",
    "CNT101": "A topic the law says the Local Offer must cover is missing",
    "CNT102": "A topic the law says the Local Offer must cover is only mentioned in passing, "
              "or only in a PDF or Word document",
    "CNT103": "Information families need is more than 3 clicks from the Local Offer home page",
    "CNT104": "A page gives the wrong timescale for an EHC needs assessment or plan",
    "CNT105": "No page tells families how long an EHC needs assessment should take",
    "CNT106": "Service information does not say who can use the service",
    "CNT107": "The Local Offer does not name the free, independent SEND information, advice "
              "and support service (SENDIASS)",
    "CNT108": "The Local Offer does not name the parent carer forum",
    "CNT109": "The Local Offer does not say how to get its information on paper, by phone or "
              "in another format",
    "DIR601": "A service listing gives no phone number or email address",
    "DIR602": "A service listing does not say what it costs, who it is for, how to get it or "
              "how accessible it is",
    "DIR603": "A service listing says \u201cTBC\u201d or \u201cN/A\u201d instead of an answer",
    "DIR604": "A service listing gives an age range that cannot be right",
    "DIR605": "A service listing has a phone number that cannot be dialled",
    "DIR606": "A service listing has an email address that cannot work",
    "DIR607": "The same service is listed twice",
    "DIR621": "The list of services that other websites and apps use could not be read",
    "DIR622": "Services in the list that other websites and apps use are missing basic details",
    "DIR623": "Services in the list that other websites and apps use are muddled up",
    "DIR624": "Services in the list that other websites and apps use have not been checked "
              "for a long time",
    "DIR625": "Other websites cannot use the list of services",
    "DIR626": "A service in the list that other websites and apps use is not on the Local "
              "Offer website",
    "DIR627": "A service on the website is missing from the list that other websites and apps "
              "use",
    "DIR628": "The website and the list that other websites and apps use give different "
              "details for the same service",
    "INT001": "A page could not be fully checked",
    "LNK301": "A link to another page of the Local Offer leads to an error page",
    "LNK302": "A link to another organisation's website leads to an error page",
    "LNK303": "A link to a website that cannot be reached at all",
    "LNK304": "A link that goes round in circles and never opens",
    "LNK305": "A link that is passed on several times before it opens",
    "LNK306": "A link that now takes you to a different organisation's website",
    "LNK307": "A link to a website that takes a long time to open",
    "LNK308": "A link uses an insecure address although a secure one works",
    "LNK309": "A link to an organisation that no longer exists",
    "LNK310": "An email link that cannot work",
    "LNK311": "A phone number link that cannot be dialled",
    "LNK312": "A link with a user name or password written into it",
    "LNK313": "A link the checks could not test, because the other website turns away "
              "automatic checks",
    "LNK314": "A link to a page that says it is missing, or is empty",
    "LNK315": "A link to a part of a page that does not exist",
    "LNK316": "A link such as \u201cclick here\u201d that opens a document without saying what "
              "it is",
    "RDB201": "Pages harder to read than most families can manage easily",
    "RDB202": "Pages that are hard to read",
    "RDB203": "Pages that are very hard to read",
    "RDB204": "Pages with very long sentences",
    "RDB205": "Pages that use short forms such as EHCP without saying what they mean",
    "RDB206": "Pages that use official words where plain words would do",
    "STL401": "Pages that have not been updated for a long time",
    "STL402": "Pages that are due for a review",
    "STL403": "Pages whose own \u201creview by\u201d date has passed",
    "STL404": "Pages that say they were updated on a date in the future",
    "STL405": "Pages whose dates disagree with each other",
    "STL411": "Pages that use old names for plans and services (such as \u201cstatement of "
              "SEN\u201d) as if they were current",
    "STL412": "Pages that use a word or name that is probably out of date",
    "STL421": "\u201cYou said, we did\u201d feedback that is more than a year old",
    "STL422": "School and college transport information for a school year that is over",
    "STL423": "An accessibility statement that has not been reviewed for over a year",
    "STL424": "Pages with headings about a school year that is over",
    "STL425": "Past events still shown as coming up",
    "STL426": "Coronavirus (COVID-19) notices still on the page",
}


def plain_problem(code: str, rules: dict[str, Rule] | None = None) -> str:
    """What a rule finds, in words for families."""
    if code in PLAIN_PROBLEMS:
        return PLAIN_PROBLEMS[code]
    rule = (rules or {}).get(code)
    return rule.summary if rule else code


_BARRIER_BY_RULE = {code: b for b in BARRIERS for code in b.rules}
_BARRIER_BY_FAMILY = {fam: b for b in BARRIERS for fam in b.families}
OTHER_BARRIER = BARRIERS[-1]


def barrier_for(rule: str, family: str = "") -> Barrier:
    """The barrier a family meets when `rule` finds something."""
    return _BARRIER_BY_RULE.get(rule) or _BARRIER_BY_FAMILY.get(family) or OTHER_BARRIER


@dataclass
class Action:
    """One thing an owner can do: fix every problem one rule found on their pages."""

    rule: str
    summary: str
    severity: str  # the most severe of its findings
    fix: str
    family: str
    barrier: Barrier
    findings: int
    pages: list[str]  # the pages it helps, in report order
    shared_targets: list[tuple[str, int]]  # link targets found on more than one page
    who_affected: str = ""  # the rule's sentence for families, if it has one


@dataclass
class BarrierGroup:
    barrier: Barrier
    findings: int = 0
    by_severity: Counter = field(default_factory=Counter)
    by_owner: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    page_set: set = field(default_factory=set)
    kinds: list[BarrierKind] = field(default_factory=list)

    def finish(self, rules: dict[str, Rule], pages_by_rule: dict[str, dict[str, None]],
               examples: int = 3) -> None:
        for rule in self.by_rule:
            self.page_set.update(pages_by_rule[rule])
        self.kinds = sorted(
            (BarrierKind(code, plain_problem(code, rules), n, len(pages_by_rule[code]),
                         list(islice(pages_by_rule[code], examples)),
                         rules[code].who_affected if code in rules else "")
             for code, n in self.by_rule.items()),
            key=lambda k: (-k.pages, -k.findings, k.rule))

    @property
    def pages(self) -> int:
        return len(self.page_set)


@dataclass
class BarrierKind:
    """One kind of problem within a barrier: what a rule found, in words for families."""

    rule: str
    text: str
    findings: int
    pages: int
    examples: list[str]  # the first few pages with it
    who_affected: str = ""  # the rule's sentence for families, if it has one
