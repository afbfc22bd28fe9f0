"""summary.json: the run at a glance, for dashboards and CI (fields in docs/output-format.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import write_atomic
from .viewmodel import ReportData


def summary(data: ReportData) -> dict[str, Any]:
    return {
        "schema_version": data.schema_version,
        "tool": "localoffer-audit",
        "tool_version": data.tool_version,
        "generated_at": data.generated_at,
        "run": data.run,
        "pages": data.page_counts(),
        "findings": {
            "total": len(data.findings),
            "by_severity": data.by_severity,
            "by_family": data.by_family,
            "by_rule": dict(data.by_rule),
            "by_owner": {o.name: {"contact": o.contact, "pages": o.pages,
                                  "findings": len(o.findings), "by_severity": o.by_severity}
                         for o in data.owners},
        },
        "worst_severity": data.worst,
        "capped": data.capped,
        "events": data.events,
    }


class SummaryReporter:
    name = "summary"

    def write(self, data: ReportData, out_dir: Path) -> list[Path]:
        text = json.dumps(summary(data), indent=2, ensure_ascii=False) + "\n"
        return [write_atomic(out_dir / "summary.json", [text])]
