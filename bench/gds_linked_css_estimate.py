"""Estimate, not a benchmark figure: what the CSS rules (checks/a11y_contrast.py) would find on
the GDS test pages if the crawl also stored a site's own linked stylesheets.

    .venv/bin/python bench/gds_linked_css_estimate.py

The static rules read only inline and embedded CSS; the GDS pages keep their CSS in one linked
file, ../assets/stylesheets/tests.css. This runs the CSS check directly (no crawl, no server) on
each tests/*.html page with that file put in place of its <link>, and prints the barriers that
would then be found (by bench/gds_barrier_rules.json), findings on no barrier of their page, and
rules that fire on more than 80% of the pages (the shared template's false positives).
Nothing is written; bench/gds_audit.py gives the real figures. Since schema 5 the crawl does
store the site's linked stylesheets, so gds_audit.py now measures this directly (2026-12-04:
19 -> 26 barriers as errors, the seven errors this estimate lists).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

from localoffer_audit.checks.a11y_contrast import CssAccessibility
from localoffer_audit.models import Page

ROOT = Path(__file__).resolve().parent.parent
GDS = (ROOT / ".." / "shared" / "benchmarks" / "gds-accessibility-audit").resolve()
LINK = '<link rel="stylesheet" href="../assets/stylesheets/tests.css" />'


def main() -> int:
    css = (GDS / "assets" / "stylesheets" / "tests.css").read_text("utf-8")
    mapping = json.loads((ROOT / "bench" / "gds_barrier_rules.json").read_text("utf-8"))
    barrier_of = {row["file"]: row["id"] for row in csv.DictReader(
        (GDS / "barriers.csv").open(encoding="utf-8"))}
    found: dict[str, set[str]] = defaultdict(set)
    off, pages_of = [], defaultdict(set)
    tests = sorted((GDS / "tests").glob("*.html"))
    check = CssAccessibility()
    for path in tests:
        html = path.read_text("utf-8").replace(LINK, f"<style>{css}</style>")
        page = Page(url=f"http://127.0.0.1/tests/{path.name}", status=200,
                    content_type="text/html", kind="html", body=html.encode("utf-8"))
        barrier = barrier_of.get(f"tests/{path.name}", "")
        for finding in check.check_page(page):
            pages_of[finding.rule].add(path.name)
            if finding.rule in mapping.get(barrier, {}).get("rules", []):
                found[barrier].add(finding.severity.value)
            else:
                off.append((finding.rule, path.name))
    errors = sorted(b for b, sev in found.items() if "error" in sev)
    print(f"With the linked stylesheet: {len(errors)} barriers as errors {errors}; "
          f"{len(found)} with any signal {sorted(found)}")
    print(f"Findings on no barrier of their page: {len(off)} {off}")
    template = {r: len(p) for r, p in pages_of.items() if len(p) > 0.8 * len(tests)}
    print(f"Rules on >80% of {len(tests)} pages (template false positives): {template or 0}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
