"""Being built (issue 6)."""

from __future__ import annotations

from pathlib import Path

from .viewmodel import ReportData


class JUnitReporter:
    name = "junit"

    def write(self, data: ReportData, out_dir: Path) -> list[Path]:
        return []
