"""Stage 4: reporters render the view model (viewmodel.ReportData) into files.

A reporter is a class registered in the `localoffer_audit.reporters` entry-point group with:
  name: str                                 e.g. "html"
  write(data: ReportData, out_dir: Path) -> list[Path]   the files it wrote
render_all() writes each file atomically (to a temporary name, then renamed), so a failed
report never leaves a half-written file where the last good one was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

from ..errors import AuditError
from ..registry import discover_reporters
from .viewmodel import ReportData

DEFAULT_FORMATS = ("html", "jsonl", "summary", "coverage", "sarif", "junit", "markdown",
                   "owner-csv")


def write_atomic(path: Path, chunks: Iterable[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def render_all(data: ReportData, out_dir: Path, formats: Iterable[str] = DEFAULT_FORMATS) -> list[Path]:
    reporters = discover_reporters()
    written: list[Path] = []
    for name in formats:
        if name not in reporters:
            raise AuditError(f"unknown report format {name!r} (installed: "
                             f"{', '.join(sorted(reporters))})")
        try:
            written.extend(reporters[name]().write(data, out_dir))
        except OSError as exc:
            raise AuditError(f"cannot write the {name} report to {out_dir}: "
                             f"{exc.strerror or exc}") from None
    return written
