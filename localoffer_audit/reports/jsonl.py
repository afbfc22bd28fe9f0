"""findings.jsonl and pages.jsonl: one JSON object a line (fields in docs/output-format.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from ..models import Finding
from . import write_atomic
from .viewmodel import ReportData

FINDING_FIELDS = ("schema_version", "run_id", "fingerprint", "rule", "rule_name", "family",
                  "severity", "url", "target", "selector", "snippet", "message", "fix", "owner",
                  "owner_contact", "extra")
PAGE_FIELDS = ("schema_version", "run_id", "url", "final_url", "status", "content_type", "kind",
               "title", "depth", "owner", "word_count", "size", "error", "redirect_to",
               "in_sitemap", "sitemap_lastmod", "fetched_at", "findings")


def finding_record(data: ReportData, f: Finding) -> dict[str, Any]:
    return {"schema_version": data.schema_version, "run_id": data.run["id"],
            "fingerprint": f.fingerprint, "rule": f.rule, "rule_name": f.rule_name,
            "family": f.family, "severity": f.severity.value, "url": f.url, "target": f.target,
            "selector": f.selector, "snippet": f.snippet, "message": f.message, "fix": f.fix,
            "owner": f.owner, "owner_contact": f.owner_contact, "extra": dict(f.extra)}


def _lines(records) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n"


class JsonLinesReporter:
    name = "jsonl"

    def write(self, data: ReportData, out_dir: Path) -> list[Path]:
        findings = (finding_record(data, f) for f in data.findings)
        pages = ({"schema_version": data.schema_version, "run_id": data.run["id"],
                  **page.as_json(data.metric_names)} for page in data.pages)
        return [write_atomic(out_dir / "findings.jsonl", _lines(findings)),
                write_atomic(out_dir / "pages.jsonl", _lines(pages))]
