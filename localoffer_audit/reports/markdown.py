"""summary.md: a short Markdown summary for a CI job page (GitHub's $GITHUB_STEP_SUMMARY, a merge
request comment). Kept short, because CI pages cut long summaries: totals by severity (new and
accepted), changes since the previous run, by family, by owner (the 15 with most findings),
the 10 most frequent rules, up to 10 new findings, and where the full report is.

Crawled text (addresses, messages, the site name) is escaped: no HTML, no Markdown, no line
breaks get through, and `|` cannot split a table cell.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from ..models import Finding
from . import write_atomic
from .sarif import help_uri, new_since_previous
from .viewmodel import SEVERITY_ORDER, ReportData

MAX_OWNERS = 15
MAX_RULES = 10
MAX_NEW = 10
MAX_TEXT = 160  # characters of a crawled message or address in a list

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SPECIAL = re.compile(r"([\\`*_{}\[\]()!|~$])")  # never at a line start, so not . - + #
LABELS = {"error": "Errors", "warning": "Warnings", "notice": "Notices"}


def md(value: Any, limit: int | None = None) -> str:
    """Text as inert Markdown: one line, HTML characters as entities, Markdown punctuation
    backslash-escaped (so `|` cannot end a table cell and nothing becomes a link or HTML)."""
    text = _CONTROL.sub(" ", "" if value is None else str(value))
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def row(cells: Iterable[Any]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def table(header: list[str], rows: list[list[Any]], right_from: int = 1) -> list[str]:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    return [row(header), row(align), *(row(r) for r in rows)]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _severity_counts(findings: Iterable[Finding]) -> Counter:
    return Counter(f.severity.value for f in findings)


def markdown(data: ReportData) -> str:
    findings = data.findings
    new = new_since_previous(data) or frozenset()
    compared = new_since_previous(data) is not None
    accepted = data.accepted
    out: list[str] = []

    counts = data.page_counts()
    out.append(f"## Local Offer audit: {md(data.run.get('site'), 120)}")
    out.append("")
    started = str(data.run.get("started_at") or "")[:16].replace("T", " ")
    parts = [f"Run {md(data.run.get('id'))}" + (f", {md(started)} UTC" if started else ""),
             f"{counts['total']} addresses ({counts['html']} pages, "
             f"{counts['documents']} documents)",
             f"**{_plural(len(findings), 'finding')}**: " + ", ".join(
                 _plural(data.by_severity.get(s, 0), s) for s in SEVERITY_ORDER)]
    out.append(" · ".join(parts))
    out.append("")
    if accepted:
        open_ = _severity_counts(f for f in findings if f.fingerprint not in accepted)
        taken = sum(1 for f in findings if f.fingerprint in accepted)
        worst = data.unaccepted_worst
        out.append(f"**Not accepted in the baseline:** " + ", ".join(
            _plural(open_.get(s, 0), s) for s in SEVERITY_ORDER)
            + f" (worst: {worst or 'none'}). {_plural(taken, 'finding')} accepted.")
        out.append("")

    header = ["Severity", "Findings"]
    if compared:
        header.append("New")
    if accepted:
        header.append("Accepted")
    rows = []
    for s in SEVERITY_ORDER:
        level = [f for f in findings if f.severity.value == s]
        cells: list[Any] = [LABELS[s], len(level)]
        if compared:
            cells.append(sum(1 for f in level if f.fingerprint in new))
        if accepted:
            cells.append(sum(1 for f in level if f.fingerprint in accepted))
        rows.append(cells)
    out += table(header, rows)
    out.append("")

    changes = data.changes
    if compared:
        out.append(f"### Since run {md(changes.before)}")
        out.append("")
        change_rows = []
        for label, items in (("New", changes.new), ("Fixed", changes.fixed),
                             ("Still there", changes.persisting)):
            c = _severity_counts(items)
            change_rows.append([label, *(c.get(s, 0) for s in SEVERITY_ORDER), len(items)])
        out += table(["", *(LABELS[s] for s in SEVERITY_ORDER), "Total"], change_rows)
        out.append("")
    else:
        out.append("No earlier checked run of this site to compare with.")
        out.append("")

    family_rows = []
    for family, total in data.by_family.items():
        if not total:
            continue
        c = _severity_counts(f for f in findings if f.family == family)
        family_rows.append([md(family), *(c.get(s, 0) for s in SEVERITY_ORDER), total])
    if family_rows:
        out.append("### By family")
        out.append("")
        out += table(["Family", *(LABELS[s] for s in SEVERITY_ORDER), "Total"], family_rows)
        out.append("")

    owners = [o for o in data.owners if o.findings]
    if owners:
        out.append("### By owner")
        out.append("")
        header = ["Owner", "Pages", *(LABELS[s] for s in SEVERITY_ORDER)]
        if compared:
            header.append("New")
        if accepted:
            header.append("Accepted")
        owner_rows = []
        for o in owners[:MAX_OWNERS]:
            cells = [md(o.name, 80), o.pages, *(o.by_severity.get(s, 0) for s in SEVERITY_ORDER)]
            if compared:
                cells.append(sum(1 for f in o.findings if f.fingerprint in new))
            if accepted:
                cells.append(sum(1 for f in o.findings if f.fingerprint in accepted))
            owner_rows.append(cells)
        out += table(header, owner_rows)
        if len(owners) > MAX_OWNERS:
            out.append("")
            out.append(f"…and {len(owners) - MAX_OWNERS} more owners: see the report.")
        out.append("")

    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    if by_rule:
        ranked = sorted(by_rule.items(), key=lambda item: (
            -max(f.severity.rank for f in item[1]), -len(item[1]), item[0]))[:MAX_RULES]
        out.append(f"### Top {len(ranked)} rules (most severe first, then most found)")
        out.append("")
        rule_rows = []
        for code, of_rule in ranked:
            rule = data.rules.get(code)
            n = len(of_rule)
            worst = max(of_rule, key=lambda f: f.severity.rank).severity.value
            summary = rule.summary if rule else of_rule[0].rule_name
            url = help_uri(code)
            rule_rows.append([f"[{md(code)}]({url})" if url else md(code), md(summary, 100),
                              worst, n, len({f.url for f in of_rule})])
        out += table(["Rule", "What it finds", "Severity", "Findings", "Pages"], rule_rows,
                     right_from=3)
        out.append("")

    if compared and changes.new:
        listed = sorted(changes.new, key=lambda f: (-f.severity.rank, f.url, f.rule))
        out.append(f"### New since run {md(changes.before)}"
                   + (f" (first {MAX_NEW} of {len(listed)})" if len(listed) > MAX_NEW else ""))
        out.append("")
        for f in listed[:MAX_NEW]:
            mark = " (accepted)" if f.fingerprint in accepted else ""
            out.append(f"- **{f.severity.value}** {md(f.rule)}{mark}: {md(f.message, MAX_TEXT)}"
                       f" on {md(f.url, MAX_TEXT)}")
        out.append("")

    out.append("Full report: [report.html](report.html) (by owner and by page); also "
               "`findings.sarif`, `junit.xml`, `findings.csv` and one CSV per owner in "
               "`owners/`.")
    return "\n".join(out) + "\n"


class MarkdownReporter:
    name = "markdown"

    def write(self, data: ReportData, out_dir: Path) -> list[Path]:
        return [write_atomic(out_dir / "summary.md", [markdown(data)])]
