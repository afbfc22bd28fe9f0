"""Findings from the real-browser engine's stored axe-core results (family `accessibility`).

Offline like every check: the crawl stage rendered the pages (axe_engine.py) and stored axe's raw
results; this check only reads them, so `check RUN` reproduces the same findings at will.

- An axe rule that means the same as a static rule reports under the static code
  (AXE_RULE_CODES, data). If that static rule is not installed (an older or trimmed build), the
  finding falls back to A11Y580 with extra.static_code, so nothing is lost.
- Severity comes from axe's impact: critical/serious -> error, moderate -> warning,
  minor -> notice (IMPACT_SEVERITY).
- axe's "incomplete" results (axe could not decide: a person must look) are A11Y581 notices with
  extra.needs_review = true, whatever their impact: they are not confirmed failures.
- A page the browser could not render (timeout, renderer crash) is A11Y590; a page whose
  off-site or private requests were refused is A11Y591 (the rendering may differ from a visit).
The runner drops an engine finding when a static check reported the same code on the same page
(runner.drop_engine_duplicates), so a fault is reported once.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from ..defaults import A11Y_ENGINE_MAX_NODES_PER_RULE, REPORT_SNIPPET_CHARS
from ..models import Finding, Rule, Severity, Site
from . import NoOptions, rule_factory

FAMILY = "accessibility"
ENGINE = "axe"
_rule = rule_factory(FAMILY)

AXE_VIOLATION = _rule(
    "A11Y580", "axe-violation", "The browser engine (axe-core) found an accessibility failure",
    Severity.ERROR,
    "Follow the axe-core rule's help page linked in the finding; fix the element it names.",
    "axe", "wcag2a", "wcag2aa")
AXE_NEEDS_REVIEW = _rule(
    "A11Y581", "axe-needs-review", "The browser engine could not decide: a person must check",
    Severity.NOTICE,
    "Look at the element the finding names and decide whether it passes; the axe-core help page "
    "says what to look for.", "axe", "needs-review")
ENGINE_FAILED = _rule(
    "A11Y590", "browser-engine-failed", "The page could not be checked in the browser",
    Severity.WARNING,
    "Check the page loads quickly and without endless scripts; a page that hangs a browser also "
    "hangs assistive technology.", "axe", "internal")
REQUESTS_BLOCKED = _rule(
    "A11Y591", "browser-requests-blocked",
    "The page asked for files the browser engine refused (off-site or private addresses)",
    Severity.NOTICE,
    "Nothing to fix on the site unless the files are needed: serve styles and scripts from the "
    "site's own host, or read the engine's results for this page with care.", "axe", "internal")

# axe-core rule id -> the static rule code that means the same (docs/notes: a11y-codes plan).
AXE_RULE_CODES: Mapping[str, str] = {
    "area-alt": "A11Y507",
    "button-name": "A11Y511",
    "color-contrast": "A11Y520",
    "document-title": "A11Y502",
    "duplicate-id-aria": "A11Y514",
    "empty-heading": "A11Y506",
    "frame-title": "A11Y517",
    "heading-order": "A11Y505",
    "html-has-lang": "A11Y501",
    "html-lang-valid": "A11Y504",
    "image-alt": "A11Y507",
    "input-image-alt": "A11Y507",
    "label": "A11Y515",
    "link-in-text-block": "A11Y545",
    "link-name": "A11Y510",
    "meta-refresh": "A11Y518",
    "meta-viewport": "A11Y519",
    "page-has-heading-one": "A11Y503",
    "td-has-header": "A11Y516",
    "th-has-data-cells": "A11Y532",
    # the static HTML rules of checks/accessibility.py that mean the same as an axe rule
    "aria-allowed-role": "A11Y527",
    "aria-roles": "A11Y527",
    "aria-valid-attr": "A11Y527",
    "aria-valid-attr-value": "A11Y527",
    "aria-hidden-focus": "A11Y537",
    "autocomplete-valid": "A11Y528",
    "blink": "A11Y525",
    "marquee": "A11Y525",
    "definition-list": "A11Y526",
    "dlitem": "A11Y526",
    "list": "A11Y526",
    "listitem": "A11Y526",
    "duplicate-id": "A11Y538",
    "empty-table-header": "A11Y534",
    "input-button-name": "A11Y511",
    "tabindex": "A11Y529",
    "valid-lang": "A11Y523",
}
IMPACT_SEVERITY: Mapping[str, Severity] = {
    "critical": Severity.ERROR, "serious": Severity.ERROR,
    "moderate": Severity.WARNING, "minor": Severity.NOTICE,
}
UNKNOWN_IMPACT_SEVERITY = Severity.WARNING  # axe gives no impact: treat as moderate


def severity_for(impact: str | None) -> Severity:
    return IMPACT_SEVERITY.get(impact or "", UNKNOWN_IMPACT_SEVERITY)


def _selector(node: Mapping[str, Any]) -> str:
    """axe's target: a list of CSS selectors, nested lists crossing iframes / shadow roots."""
    def flat(part: Any) -> str:
        return " >>> ".join(flat(p) for p in part) if isinstance(part, list) else str(part)
    return " | ".join(flat(p) for p in node.get("target") or []) or "html"


def _summary(node: Mapping[str, Any]) -> str:
    lines = [line.strip() for line in (node.get("failureSummary") or "").splitlines()]
    reasons = [line for line in lines if line and not line.startswith("Fix ")]
    return "; ".join(reasons)[:400]


class A11yEngineResults(NoOptions):
    """Turns the stored axe-core results of `--a11y-engine axe` into findings."""

    name = "a11y-engine"
    rules = (AXE_VIOLATION, AXE_NEEDS_REVIEW, ENGINE_FAILED, REQUESTS_BLOCKED)

    def check_site(self, site: Site) -> Iterable[Finding]:
        known = site.rules
        for record in site.engine_results():
            if record["engine"] != ENGINE:
                continue
            url = record["url"]
            base = {"engine": ENGINE, "axe_version": record["engine_version"] or ""}
            if record["outcome"] != "ok":
                yield self._finding(ENGINE_FAILED, url, ENGINE_FAILED.severity,
                                    f"The browser engine could not check this page "
                                    f"({record['outcome']}): {record['error'] or 'no detail'}.",
                                    extra={**base, "outcome": record["outcome"]})
            if record["blocked"]:
                hosts = sorted({urlsplit(b.split(": ", 1)[-1]).netloc or b.split(": ", 1)[-1][:40]
                                for b in record["blocked"]})
                yield self._finding(REQUESTS_BLOCKED, url, REQUESTS_BLOCKED.severity,
                                    f"While rendering this page the browser engine refused "
                                    f"{len(record['blocked'])} request(s) (to {', '.join(hosts[:5])}); "
                                    "styles or scripts from there were not applied.",
                                    extra={**base, "blocked": record["blocked"]})
            results = record["results"] or {}
            for rule in results.get("violations") or []:
                yield from self._rule_findings(url, rule, base, known, needs_review=False)
            for rule in results.get("incomplete") or []:
                yield from self._rule_findings(url, rule, base, known, needs_review=True)

    def _rule_findings(self, url: str, axe_rule: Mapping[str, Any], base: Mapping[str, Any],
                       known: Mapping[str, Rule], needs_review: bool) -> Iterable[Finding]:
        axe_id = str(axe_rule.get("id", "unknown"))
        static_code = AXE_RULE_CODES.get(axe_id)
        if needs_review:
            code, name, fix = AXE_NEEDS_REVIEW.code, AXE_NEEDS_REVIEW.name, AXE_NEEDS_REVIEW.fix
        elif static_code and static_code in known:
            rule = known[static_code]
            code, name, fix = rule.code, rule.name, rule.fix
        else:
            code, name, fix = AXE_VIOLATION.code, AXE_VIOLATION.name, AXE_VIOLATION.fix
        nodes = axe_rule.get("nodes") or []
        total = int(axe_rule.get("nodes_total") or len(nodes))
        help_text = str(axe_rule.get("help") or axe_id)
        extra = {**base, "axe_rule": axe_id, "impact": axe_rule.get("impact"),
                 "help_url": axe_rule.get("helpUrl") or "", "needs_review": needs_review,
                 "nodes_total": total,
                 "wcag": [t for t in axe_rule.get("tags") or [] if str(t).startswith("wcag")]}
        if static_code:
            extra["static_code"] = static_code
        for node in nodes[:A11Y_ENGINE_MAX_NODES_PER_RULE]:
            impact = node.get("impact") or axe_rule.get("impact")
            severity = AXE_NEEDS_REVIEW.severity if needs_review else severity_for(impact)
            lead = "Needs review: " if needs_review else ""
            detail = _summary(node)
            yield Finding(rule=code, rule_name=name, family=FAMILY, severity=severity, url=url,
                          message=f"{lead}{help_text} (axe-core {axe_id})"
                                  + (f": {detail}" if detail else "."),
                          fix=fix, selector=_selector(node),
                          snippet=str(node.get("html") or "")[:REPORT_SNIPPET_CHARS] or None,
                          extra={**extra, "impact": impact})

    @staticmethod
    def _finding(rule: Rule, url: str, severity: Severity, message: str,
                 extra: Mapping[str, Any]) -> Finding:
        return Finding(rule=rule.code, rule_name=rule.name, family=FAMILY, severity=severity,
                       url=url, message=message, fix=rule.fix, selector=rule.name,
                       extra=dict(extra))


CHECKS = [A11yEngineResults]
