"""Findings across runs: what is new, fixed or persisting, trends, time to fix, and baselines.

Findings are matched by their stable fingerprint (rule, page URL, target or selector), so the
same problem in two runs is the same finding however its message is worded.
"""

from __future__ import annotations

import json
import os
import statistics
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from .errors import AuditError
from .models import Finding
from .store import Store

BASELINE_FORMAT = "localoffer-audit-baseline"
BASELINE_VERSION = 1
CHECKED = ("checked",)  # runs whose findings are complete


@dataclass
class RunChanges:
    """How run `after` differs from run `before` (None: no earlier run of the same site)."""

    before: int | None
    after: int
    new: list[Finding]
    fixed: list[Finding]
    persisting: list[Finding]

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "fixed": len(self.fixed), "persisting": len(self.persisting)}

    def by_owner(self) -> dict[str, dict[str, int]]:
        """Owner -> counts of new, fixed and persisting findings (owners with any), by name.
        A fixed finding counts for the owner it had when it was last seen."""
        out: dict[str, dict[str, int]] = {}
        for change in ("new", "fixed", "persisting"):
            for f in getattr(self, change):
                counts = out.setdefault(f.owner, {"new": 0, "fixed": 0, "persisting": 0})
                counts[change] += 1
        return dict(sorted(out.items()))


def previous_run(store: Store, run_id: int) -> int | None:
    """The latest checked run of the same site before `run_id`."""
    site = store.run(run_id)["site"]
    row = store.db.execute(
        "SELECT MAX(id) FROM runs WHERE site = ? AND id < ? AND status IN ('checked')",
        (site, run_id)).fetchone()
    return row[0]


def compare(store: Store, before: int | None, after: int) -> RunChanges:
    current = {f.fingerprint: f for f in store.findings(after)}
    if before is None:
        return RunChanges(None, after, list(current.values()), [], [])
    earlier = {f.fingerprint: f for f in store.findings(before)}
    return RunChanges(
        before, after,
        new=[f for fp, f in current.items() if fp not in earlier],
        fixed=[f for fp, f in earlier.items() if fp not in current],
        persisting=[f for fp, f in current.items() if fp in earlier])


def changes_since_previous(store: Store, run_id: int) -> RunChanges:
    return compare(store, previous_run(store, run_id), run_id)


def site_runs(store: Store, run_id: int, limit: int = 24) -> list[dict[str, Any]]:
    """Checked runs of the same site up to and including `run_id`, oldest first."""
    site = store.run(run_id)["site"]
    rows = store.db.execute(
        "SELECT id, started_at FROM runs WHERE site = ? AND id <= ? AND status IN ('checked') "
        "ORDER BY id DESC LIMIT ?", (site, run_id, limit)).fetchall()
    return [{"run_id": rid, "started_at": started} for rid, started in reversed(rows)]


def trend(store: Store, run_id: int, limit: int = 24) -> list[dict[str, Any]]:
    """Per run (oldest first): findings by severity and by owner, for trend lines."""
    points = []
    for run in site_runs(store, run_id, limit):
        by_severity: dict[str, int] = {}
        by_owner: dict[str, int] = {}
        for severity, owner, count in store.db.execute(
                "SELECT severity, owner, COUNT(*) FROM findings WHERE run_id = ? "
                "GROUP BY severity, owner", (run["run_id"],)):
            by_severity[severity] = by_severity.get(severity, 0) + count
            by_owner[owner or ""] = by_owner.get(owner or "", 0) + count
        points.append({**run, "by_severity": by_severity, "by_owner": by_owner,
                       "total": sum(by_severity.values())})
    return points


def time_to_fix(store: Store, run_id: int, limit: int = 24) -> dict[str, dict[str, Any]]:
    """Per owner: how many findings were fixed over the site's recent runs, and the median
    days from the run where each was first seen to the run where it was gone."""
    runs = site_runs(store, run_id, limit)
    first_seen: dict[str, tuple[str, datetime]] = {}  # fingerprint -> (owner, first seen)
    fixed_days: dict[str, list[float]] = {}
    previous: set[str] = set()
    for run in runs:
        when = datetime.fromisoformat(run["started_at"])
        current = {fp: owner for fp, owner in store.db.execute(
            "SELECT fingerprint, owner FROM findings WHERE run_id = ?", (run["run_id"],))}
        for fp in previous - set(current):
            owner, since = first_seen.pop(fp)
            fixed_days.setdefault(owner, []).append((when - since).total_seconds() / 86400)
        for fp, owner in current.items():
            first_seen.setdefault(fp, (owner or "", when))
        previous = set(current)
    return {owner: {"fixed": len(days), "median_days": round(statistics.median(days), 1)}
            for owner, days in fixed_days.items()}


# --- baselines: accepted findings, by fingerprint ------------------------------------------------

def write_baseline(path: str | Path, findings: Iterable[Finding], run_id: int,
                   site: str | None = None) -> int:
    """Write a baseline accepting `findings`; returns how many. The file is replaced atomically,
    so a CI job never reads a half-written baseline."""
    findings = sorted({f.fingerprint: f for f in findings}.values(), key=lambda f: f.fingerprint)
    data: dict[str, Any] = {"format": BASELINE_FORMAT, "version": BASELINE_VERSION,
                            "run_id": run_id}
    if site is not None:
        data["site"] = site
    data["accepted"] = [{"fingerprint": f.fingerprint, "rule": f.rule, "url": f.url,
                         "target": f.target} for f in findings]
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AuditError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(findings)


def read_baseline(path: str | Path) -> frozenset[str]:
    """Fingerprints of accepted findings. A bad file is a one-line error naming it."""
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise AuditError(f"baseline file not found: {path}") from None
    except UnicodeDecodeError:
        raise AuditError(f"baseline file {path} is not valid JSON: not UTF-8 text") from None
    except OSError as exc:
        raise AuditError(f"cannot read baseline file {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise AuditError(f"baseline file {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != BASELINE_FORMAT:
        raise AuditError(f"{path} is not a localoffer-audit baseline file "
                         f"(no \"format\": \"{BASELINE_FORMAT}\")")
    if data.get("version") != BASELINE_VERSION:
        raise AuditError(f"baseline {path} has version {data.get('version')!r}; this "
                         f"localoffer-audit reads version {BASELINE_VERSION}")
    accepted = data.get("accepted")
    if not isinstance(accepted, list):
        raise AuditError(f"baseline {path} has no 'accepted' list")
    fingerprints = []
    for number, entry in enumerate(accepted, 1):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint.strip():
            raise AuditError(f"baseline {path}: accepted entry {number} has no fingerprint")
        fingerprints.append(fingerprint.strip())
    return frozenset(fingerprints)
