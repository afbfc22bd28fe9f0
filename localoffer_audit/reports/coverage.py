"""coverage.json: which statutory topics the Local Offer covers (fields in docs/output-format.md).

Written when a check measured the site's topic coverage (the required-content family)."""

from __future__ import annotations

import json
from pathlib import Path

from . import write_atomic
from .viewmodel import ReportData


class CoverageReporter:
    name = "coverage"

    def write(self, data: ReportData, out_dir: Path) -> list[Path]:
        coverage = data.site_metrics.get("coverage")
        if coverage is None:
            return []
        record = {"schema_version": data.schema_version, "run_id": data.run["id"], **coverage}
        text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
        return [write_atomic(out_dir / "coverage.json", [text])]
