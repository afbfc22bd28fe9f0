"""Score an audit's findings against the demo site's answer key (recall and false positives).

Which rules are expected to report each planted fault kind, and which must stay silent on each
control, is data: one module per check family in `expectations/` with
    KIND_RULES: dict[str, set[str]]      fault kind -> rule codes, any of which reports it
    CONTROL_RULES: dict[str, set[str]]   control kind -> rule codes that must NOT fire there
Kinds a family's module does not list yet are reported as "not covered", never as found.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from . import expectations


def load_expectations() -> dict[str, Any]:
    """family -> expectations module (module names use _ for -, e.g. required_content)."""
    found = {}
    for info in pkgutil.iter_modules(expectations.__path__):
        found[info.name.replace("_", "-")] = importlib.import_module(
            f"{expectations.__name__}.{info.name}")
    return found


def _where(url: str | None) -> str:
    """Path and query of a URL (the key stores site paths and __EXTERNAL__ placeholders)."""
    if not url:
        return ""
    if url.startswith(("mailto:", "tel:")):
        return url
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _same_target(finding_target: str | None, key_target: str | None) -> bool:
    if not key_target:
        return True
    if key_target.startswith(("mailto:", "tel:")) or "://" in key_target \
            and not key_target.startswith("http://__"):
        if not key_target.startswith(("http://", "https://")):
            return (finding_target or "") == key_target
        return (finding_target or "").rstrip("/") == key_target.rstrip("/")
    return _where(finding_target) == _where(key_target.split("#")[0]) or \
        _where(finding_target) == _where(key_target)


@dataclass
class FamilyScore:
    family: str
    planted: int = 0
    found: int = 0
    not_covered: dict[str, int] = field(default_factory=dict)
    missed: list[dict] = field(default_factory=list)
    controls: int = 0
    control_false_positives: list[dict] = field(default_factory=list)
    unmatched_errors: list[dict] = field(default_factory=list)  # error findings on no planted fault

    @property
    def recall(self) -> float | None:
        return self.found / self.planted if self.planted else None

    def as_dict(self) -> dict[str, Any]:
        return {"family": self.family, "planted": self.planted, "found": self.found,
                "recall": None if self.recall is None else round(self.recall, 4),
                "not_covered": self.not_covered, "missed": self.missed,
                "controls": self.controls,
                "control_false_positives": self.control_false_positives,
                "unmatched_errors": self.unmatched_errors}


def score(key: Mapping[str, Any], findings: Iterable[Mapping[str, Any]]) -> dict[str, FamilyScore]:
    findings = list(findings)
    by_page: dict[str, list[Mapping[str, Any]]] = {}
    for f in findings:
        by_page.setdefault(_where(f["url"]), []).append(f)
    scores: dict[str, FamilyScore] = {}
    matched: set[int] = set()
    for family, module in load_expectations().items():
        result = scores[family] = FamilyScore(family)
        for fault in (f for f in key["faults"] if f["family"] == family):
            rules = module.KIND_RULES.get(fault["kind"])
            if rules is None:
                result.not_covered[fault["kind"]] = result.not_covered.get(fault["kind"], 0) + 1
                continue
            result.planted += 1
            hits = [f for f in by_page.get(fault["page"], [])
                    if f["rule"] in rules and _same_target(f.get("target"), fault.get("target"))]
            if hits:
                result.found += 1
                matched.update(id(h) for h in hits)
            else:
                result.missed.append(fault)
        for control in (c for c in key["controls"] if c["family"] == family):
            rules = module.CONTROL_RULES.get(control["kind"])
            if rules is None:
                continue
            result.controls += 1
            detail = control.get("detail") or ""
            target = detail if detail.startswith(("/", "http", "mailto:", "tel:")) else None
            hits = [f for f in by_page.get(control["page"], [])
                    if f["rule"] in rules and (target is None or f.get("target") is None
                                               or _same_target(f.get("target"), target))]
            if hits:
                result.control_false_positives.append({**control, "findings": [
                    {"rule": h["rule"], "message": h["message"]} for h in hits]})
        result.unmatched_errors = [
            {"rule": f["rule"], "url": f["url"], "target": f.get("target"), "message": f["message"]}
            for f in findings if f["family"] == family and f["severity"] == "error"
            and id(f) not in matched]
    return scores
