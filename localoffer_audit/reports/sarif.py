"""findings.sarif and findings.github.sarif: SARIF 2.1.0 logs for CI and code-scanning tools.

`findings.sarif` is plain SARIF 2.1.0: each result's location is the web address of the page
(`physicalLocation.artifactLocation.uri`), with the link target as a related location.

`findings.github.sarif` is the same log shaped for GitHub code scanning, which rejects a whole
upload whose locations use a scheme other than the checkout's (`file:`): there the location is
the page address without its scheme (`www.example.gov.uk/send/page`, a relative reference that
matches no file in the repository), the full address is in the message, and the fingerprint is
also given as `primaryLocationLineHash`, which is what code scanning matches alerts on.

Findings accepted in a baseline file carry a SARIF suppression (kind `external`, status
`accepted`); when a previous run of the site was compared, each result has a `baselineState`
(`new` or `unchanged`). Fields are described in docs/output-format.md and docs/ci.md.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote, urlsplit

from ..defaults import CONTACT_URL, DOCS_BASE_URL, TOOL_NAME
from ..models import Finding, Rule, Severity
from . import write_atomic
from .viewmodel import ReportData

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "localofferAudit/v1"  # partialFingerprints key for our finding fingerprint
GITHUB_MAX_RESULTS = 25_000  # code scanning's limit of results per run
LEVELS = {"error": "error", "warning": "warning", "notice": "note"}

_SURROGATES = re.compile("[\ud800-\udfff]")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*$")
_SUB_DELIMS = "!$&'()*+,;="
_UNRESERVED = "-._~"  # with letters and digits, which quote() never encodes


def new_since_previous(data: ReportData) -> frozenset[str] | None:
    """Fingerprints of findings new since the previous checked run of the site; None when there
    was no earlier run to compare with."""
    changes = data.changes
    if changes is None or changes.before is None:
        return None
    return frozenset(f.fingerprint for f in changes.new)


@lru_cache(maxsize=1)
def documented_rules() -> frozenset[str]:
    """Codes of the rules with a page in docs/rules: the built-in ones, whose docs ship in
    localoffer_audit/checks/docs, and the framework's own. A third-party rule has none there
    (`localoffer-audit explain CODE` prints its doc)."""
    from ..runner import FRAMEWORK_RULES

    docs = Path(__file__).resolve().parent.parent / "checks" / "docs"
    return frozenset({p.stem for p in docs.glob("*.md")} | {r.code for r in FRAMEWORK_RULES})


def help_uri(code: str) -> str | None:
    """The rule's documentation page (docs/rules/CODE.md), or None for a third-party rule."""
    if code not in documented_rules():
        return None
    return f"{DOCS_BASE_URL}/rules/{quote(code, safe='')}.md"


def level(severity: str | Severity) -> str:
    return LEVELS.get(str(Severity(severity).value), "warning")


def clean(text: Any) -> str:
    """Text safe to encode as UTF-8 JSON (crawled text may carry lone surrogates)."""
    return _SURROGATES.sub("\ufffd", "" if text is None else str(text))


def _encode(part: str, safe: str) -> str:
    return quote(_BAD_PERCENT.sub("%25", part), safe=safe + "%")


def uri_reference(value: str) -> str:
    """`value` as a valid RFC 3986 URI reference: non-ASCII and characters not allowed where
    they are are percent-encoded (a crawled address or a raw href may hold anything)."""
    value = clean(value).strip()
    try:
        parts = urlsplit(value) if not any(c in value for c in "\n\r\t") else None
    except ValueError:  # e.g. an unclosed "[" in the host
        parts = None
    if parts is None or (parts.scheme and not _SCHEME.match(parts.scheme)):
        out = _encode(value, _UNRESERVED + _SUB_DELIMS + ":@/?")
        scheme = out.split(":", 1)[0] if ":" in out.split("/", 1)[0] else ""
        return out if not scheme or _SCHEME.match(scheme) else "./" + out
    out = f"{parts.scheme}:" if parts.scheme else ""
    if parts.netloc or value[len(out):].startswith("//"):
        out += "//" + _encode(parts.netloc, _UNRESERVED + _SUB_DELIMS + ":@[]")
    path = _encode(parts.path, _UNRESERVED + _SUB_DELIMS + ":@/")
    if not out and ":" in path.split("/", 1)[0]:
        path = "./" + path  # a first segment with ":" would read as a scheme
    out += path
    if "?" in value.split("#", 1)[0]:
        out += "?" + _encode(parts.query, _UNRESERVED + _SUB_DELIMS + ":@/?")
    if "#" in value:
        out += "#" + _encode(parts.fragment, _UNRESERVED + _SUB_DELIMS + ":@/?")
    return out


def github_path(url: str) -> str:
    """A page address as a relative path for GitHub code scanning: no scheme, no '//', the
    query kept in the path (`?` encoded), and ':' encoded (a port would read as a scheme)."""
    try:
        parts = urlsplit(clean(url).strip())
    except ValueError:  # e.g. an unclosed "[" in the host
        rest = re.sub(r"^[A-Za-z][A-Za-z0-9+.\-]*:/*", "", clean(url).strip()) or "page"
        return _encode(rest, _UNRESERVED + "!$&'()*+,;=@/")
    rest = parts.path or "/"
    if parts.query:
        rest += "?" + parts.query
    if parts.fragment:
        rest += "#" + parts.fragment
    host = parts.netloc or parts.scheme or "page"
    host = _encode(host, _UNRESERVED + "!$&'()*+,;=@")  # ':' (a port) and '[]' encoded
    return host + _encode(rest if rest.startswith("/") else "/" + rest,
                          _UNRESERVED + _SUB_DELIMS + ":@/")


def utc_time(value: Any) -> str | None:
    """An ISO 8601 time as SARIF wants it (UTC, ending in Z), or None."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _section(doc: str, heading: str) -> str:
    """The text under `## heading` in a rule's Markdown doc."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", doc, re.M | re.S)
    return match.group(1).strip() if match else ""


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    url = help_uri(rule.code)
    fix_md = _section(rule.doc, "How to fix") or rule.fix or rule.summary
    fix_text = rule.fix or fix_md
    doc = rule.doc.strip() or rule.summary
    tags = list(dict.fromkeys([*rule.tags, rule.family]))
    more = (f"Rule documentation: {url}", f"[{rule.code} documentation]({url})") if url else (
        f"Run `{TOOL_NAME} explain {rule.code}` for the rule's documentation.",) * 2
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": clean(rule.summary)},
        "fullDescription": {"text": clean(doc), "markdown": clean(doc)},
        "help": {"text": clean(f"{fix_text}\n\n{more[0]}"),
                 "markdown": clean(f"{fix_md}\n\n{more[1]}")},
        "helpUri": url,
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {"tags": tags, "family": rule.family,
                       "defaultSeverity": Severity(rule.severity).value},
    }
    if url is None:
        del descriptor["helpUri"]
    return descriptor


def _stand_in_rule(f: Finding) -> Rule:
    """A rule for a finding whose rule is not installed (a third-party check removed since)."""
    return Rule(code=f.rule, name=f.rule_name or f.rule.lower(), summary=f.rule_name or f.rule,
                severity=f.severity, family=f.family, fix=f.fix)


def result_message(f: Finding) -> str:
    lines = [f.message.strip() or f.rule]
    lines.append(f"Page: {f.url}")
    if f.target:
        lines.append(f"Link target: {f.target}")
    if f.selector:
        lines.append(f"Where on the page: {f.selector}")
    if f.owner:
        lines.append(f"Owner: {f.owner}" + (f" ({f.owner_contact})" if f.owner_contact else ""))
    return clean("\n".join(lines))


def sarif_log(data: ReportData, github: bool = False) -> dict[str, Any]:
    """The SARIF log as a dict; `github`: shaped for GitHub code scanning (see the module doc)."""
    log, results = _sarif_parts(data, github)
    log["runs"][0]["results"] = list(results)
    return log


# Stands in for the results while the rest of the log is dumped.
_RESULTS_PLACEHOLDER = "\u0000localoffer-audit results\u0000"


def _sarif_parts(data: ReportData, github: bool) -> tuple[dict[str, Any], Iterator[dict]]:
    """The log with a placeholder for its results, and the results one by one (written as
    they are made: 100,000 result dicts at once would be most of the report's memory)."""
    rules: dict[str, Rule] = dict(sorted(data.rules.items()))
    for f in data.findings:
        if f.rule not in rules:
            rules[f.rule] = _stand_in_rule(f)
    index = {code: i for i, code in enumerate(rules)}
    new = new_since_previous(data)
    findings = data.findings[:GITHUB_MAX_RESULTS] if github else data.findings

    return _skeleton(data, github, rules, findings, new), _results(
        data, github, findings, index, new)


def _results(data: ReportData, github: bool, findings, index: dict[str, int],
             new: frozenset[str] | None) -> Iterator[dict[str, Any]]:
    for f in findings:
        fingerprint = f.fingerprint
        uri = github_path(f.url) if github else uri_reference(f.url)
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "kind": "fail",
            "level": level(f.severity),
            "message": {"text": result_message(f)},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        }
        if github:
            result["partialFingerprints"]["primaryLocationLineHash"] = fingerprint
        elif f.target:
            result["relatedLocations"] = [{
                "id": 1, "message": {"text": "Link target"},
                "physicalLocation": {"artifactLocation": {"uri": uri_reference(f.target)}}}]
        if new is not None:
            result["baselineState"] = "new" if fingerprint in new else "unchanged"
        accepted = data.is_accepted(f)
        if accepted:
            result["suppressions"] = [{
                "kind": "external", "status": "accepted",
                "justification": "Accepted in the localoffer-audit baseline file "
                                 "(--baseline): still reported, not counted by --fail-on."}]
        result["properties"] = {
            "severity": f.severity.value, "family": f.family, "ruleName": f.rule_name,
            "url": clean(f.url), "target": clean(f.target) if f.target else None,
            "selector": clean(f.selector) if f.selector else None,
            "snippet": clean(f.snippet) if f.snippet else None,
            "fix": clean(f.fix), "owner": clean(f.owner), "ownerContact": clean(f.owner_contact),
            "fingerprint": fingerprint, "accepted": accepted,
            "extra": json.loads(clean(json.dumps(dict(f.extra), ensure_ascii=False,
                                                 default=str))),
        }
        yield result


def _skeleton(data: ReportData, github: bool, rules: dict[str, Rule], findings,
              new: frozenset[str] | None) -> dict[str, Any]:
    status = str(data.run.get("status") or "")
    invocation: dict[str, Any] = {"executionSuccessful": status not in ("failed", "interrupted")}
    for key, field in (("startTimeUtc", "started_at"), ("endTimeUtc", "finished_at")):
        value = utc_time(data.run.get(field))
        if value:
            invocation[key] = value
    properties: dict[str, Any] = {
        "runId": data.run.get("id"), "site": clean(data.run.get("site")),
        "startUrls": [clean(u) for u in data.run.get("start_urls") or []],
        "status": status, "generatedAt": data.generated_at,
        "findings": len(data.findings), "accepted": sum(map(data.is_accepted, data.findings)),
        "comparedWithRun": data.changes.before if new is not None else None,
    }
    if github and len(findings) < len(data.findings):
        properties["truncated"] = (f"{len(data.findings) - len(findings)} least severe findings "
                                   f"left out: code scanning takes {GITHUB_MAX_RESULTS} at most")
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME, "version": data.tool_version,
                "semanticVersion": data.tool_version, "informationUri": CONTACT_URL,
                "rules": [rule_descriptor(r) for r in rules.values()]}},
            "automationDetails": {"id": f"{TOOL_NAME}/{data.run.get('id')}"},
            "invocations": [invocation],
            "results": _RESULTS_PLACEHOLDER,
            "properties": properties,
        }],
    }


class SarifReporter:
    name = "sarif"

    def write(self, data: ReportData, out_dir: Path) -> list[Path]:
        written = []
        for name, github in (("findings.sarif", False), ("findings.github.sarif", True)):
            written.append(write_atomic(out_dir / name, sarif_chunks(data, github)))
        return written


def sarif_chunks(data: ReportData, github: bool = False) -> Iterator[str]:
    """json.dumps(sarif_log(...)) compact (code scanning limits the size), one result at a time."""
    dump = lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    log, results = _sarif_parts(data, github)
    head, _, tail = dump(log).partition(dump(_RESULTS_PLACEHOLDER))
    yield head + "["
    for n, result in enumerate(results):
        yield ("," if n else "") + dump(result)
    yield "]" + tail + "\n"
