"""Benchmark: the GDS accessibility tool audit (142 planted barriers), scored like the 13 tools.

    .venv/bin/python bench/gds_audit.py [--a11y-engine none|axe] [--keep DIR]

Serves ../shared/benchmarks/gds-accessibility-audit/ on loopback (used in place, never copied),
audits every tests/*.html and example-pages/*.html page with the real CLI (max_depth 0, so only
those pages), and reads findings.jsonl. A barrier counts as found when a finding on that
barrier's page has a rule that means that barrier (bench/gds_barrier_rules.json; engine findings
match on extra.axe_rule, also when reported under a static code). "errors" = an error-severity finding, "any" = any
severity. Accessibility findings on more than 80% of the test pages are about the shared clean
template: they are listed as false positives. Prints the table beside the published figures and
writes bench/results/gds_audit.json (gds_audit-axe.json with the engine).
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
GDS = (ROOT / ".." / "shared" / "benchmarks" / "gds-accessibility-audit").resolve()
MAPPING = Path(__file__).resolve().parent / "gds_barrier_rules.json"
AXE_CODES = {"A11Y580", "A11Y581"}
TEMPLATE_SHARE = 0.8
PUBLISHED = [("SortSite", 57, 57), ("Tenon", 46, 48), ("axe", 41, 43), ("Siteimprove", 41, 51),
             ("FAE", 36, 71), ("Asqatasun", 35, 67), ("ASLint", 33, 53), ("HTML_CodeSniffer", 29, 49),
             ("AChecker", 29, 49), ("WAVE", 25, 57), ("EIII", 24, 24), ("Google ADT", 23, 24),
             ("Nu", 18, 23)]
PUBLISHED_SUBSET = {"axe": 24, "Siteimprove": 26, "WAVE": 20}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D102 - keep the benchmark output readable
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def pages() -> list[str]:
    return sorted(p.relative_to(GDS).as_posix()
                  for sub in ("tests", "example-pages") for p in (GDS / sub).glob("*.html"))


def audit(base: str, paths: list[str], work: Path, engine: str) -> tuple[list[dict], float]:
    urls = [f"{base}/{quote(p)}" for p in paths]
    config = work / "gds.toml"
    config.write_text("\n".join([
        "[site]", 'name = "GDS accessibility tool audit (benchmark)"',
        "start_urls = [" + ", ".join(json.dumps(u) for u in urls) + "]", "",
        "[crawl]", "max_depth = 0", "read_sitemaps = false", "offsite_check = false", ""]), "utf-8")
    out = work / "out"
    cmd = [str(ROOT / ".venv" / "bin" / "python"), "-m", "localoffer_audit", "audit", str(config),
           "--out", str(out), "--delay", "0", "--concurrency", "8", "--no-progress",
           "--a11y-engine", engine]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    with (out / "findings.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()], seconds


def barrier_pages(file: str) -> set[str]:
    """The barrier's page, plus the whole example page its test page links to (page-level
    barriers such as a missing lang live there: tests/page-title-missing-page-title.html links
    to ../example-pages/missing.html)."""
    html = (GDS / file).read_text("utf-8", errors="replace")
    linked = re.findall(r'href="\.\./(example-pages/[^"#?]+\.html)"', html)
    return {file, *linked}


def page_of(url: str) -> str:
    return unquote(urlsplit(url).path).lstrip("/")


def matches(finding: dict, spec: dict) -> bool:
    """A static finding means its rule; an engine finding means its axe rule, whether it is
    reported as A11Y580/A11Y581 or under the static code that means the same (AXE_RULE_CODES)."""
    axe_rule = (finding.get("extra") or {}).get("axe_rule")
    if finding["rule"] in AXE_CODES:
        return axe_rule in spec.get("axe_rules", [])
    return finding["rule"] in spec.get("rules", []) or (
        axe_rule is not None and axe_rule in spec.get("axe_rules", []))


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a11y-engine", default="none", choices=["none", "axe"])
    parser.add_argument("--keep", type=Path, help="keep the audit's output in this folder")
    args = parser.parse_args()

    barriers = list(csv.DictReader((GDS / "barriers.csv").open(encoding="utf-8")))
    subset = {row["id"] for row in csv.DictReader((GDS / "scope-subset.csv").open(encoding="utf-8"))}
    mapping = {k: v for k, v in json.loads(MAPPING.read_text("utf-8")).items() if k.startswith("gds-")}
    paths = pages()

    server, base = serve(GDS)
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            findings, seconds = audit(base, paths, args.keep, args.a11y_engine)
        else:
            with tempfile.TemporaryDirectory(prefix="gds-bench-") as tmp:
                findings, seconds = audit(base, paths, Path(tmp), args.a11y_engine)
    finally:
        server.shutdown()

    by_page: dict[str, list[dict]] = defaultdict(list)
    for f in findings:
        # The pages load ../assets/javascript/*.js, not included upstream: not a result.
        if f.get("target") and "/assets/javascript/" in f["target"]:
            continue
        by_page[page_of(f["url"])].append(f)

    found_err, found_any = [], []
    for b in barriers:
        spec = mapping.get(b["id"], {})
        hits = [f for p in barrier_pages(b["file"]) for f in by_page.get(p, []) if matches(f, spec)]
        if hits:
            found_any.append(b["id"])
        if any(f["severity"] == "error" for f in hits):
            found_err.append(b["id"])

    # Template false positives: an accessibility rule (axe rule for A11Y580/581) on >80% of tests.
    tests = [p for p in paths if p.startswith("tests/")]
    on_pages: dict[str, set[str]] = defaultdict(set)
    for p in tests:
        for f in by_page.get(p, []):
            if f.get("family") == "accessibility":
                key = f["rule"] + (f":{(f.get('extra') or {}).get('axe_rule')}" if f["rule"] in AXE_CODES else "")
                on_pages[key].add(p)
    template_fp = {k: len(v) for k, v in sorted(on_pages.items()) if len(v) > TEMPLATE_SHARE * len(tests)}

    # Accessibility findings on a test page that match none of that page's barriers.
    specs_of_page: dict[str, list[dict]] = defaultdict(list)
    for b in barriers:
        for p in barrier_pages(b["file"]):
            specs_of_page[p].append(mapping.get(b["id"], {}))
    off_barrier = sorted({(p, f["rule"] + (f":{(f.get('extra') or {}).get('axe_rule')}" if f["rule"] in AXE_CODES else ""))
                          for p, fs in by_page.items() for f in fs
                          if f.get("family") == "accessibility"
                          and not any(matches(f, spec) for spec in specs_of_page.get(p, []))})

    n, n_sub = len(barriers), len(subset)
    sub_err = len(subset & set(found_err))
    sub_any = len(subset & set(found_any))
    print(f"GDS accessibility tool audit: {len(paths)} pages, engine {args.a11y_engine}, "
          f"{len(findings)} findings in {seconds:.1f}s")
    print(f"{'tool':<18}{'errors/' + str(n):>12}{'any/' + str(n):>10}{'subset errors/' + str(n_sub):>20}")
    print(f"{'localoffer-audit':<18}{len(found_err):>12}{len(found_any):>10}{sub_err:>20}"
          f"   (any signal {sub_any}/{n_sub})")
    for name, err, any_ in PUBLISHED:
        sub = PUBLISHED_SUBSET.get(name)
        print(f"{name:<18}{err:>12}{any_:>10}{'' if sub is None else sub:>20}")
    print(f"Template false positives (accessibility findings on >{TEMPLATE_SHARE:.0%} of "
          f"{len(tests)} test pages): {len(template_fp)}")
    for key, count in template_fp.items():
        print(f"  {key}: {count} pages")

    print(f"Accessibility findings matching none of their page's barriers: {len(off_barrier)}")
    for page, key in off_barrier:
        print(f"  {key} on {page}")

    result = {
        "benchmark": "gds-accessibility-audit",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count()},
        "commit": git_commit(),
        "command": " ".join([".venv/bin/python", "bench/gds_audit.py"]
                            + (["--a11y-engine", args.a11y_engine] if args.a11y_engine != "none" else [])),
        "engine": args.a11y_engine,
        "pages": len(paths),
        "pages_with_findings": len(by_page),
        "findings": len(findings),
        "seconds": round(seconds, 1),
        "barriers": n,
        "found_errors": len(found_err),
        "found_any": len(found_any),
        "subset": n_sub,
        "subset_found_errors": sub_err,
        "subset_found_any": sub_any,
        "published": {name: {"errors": e, "any": a} for name, e, a in PUBLISHED},
        "published_subset_errors": PUBLISHED_SUBSET,
        "template_false_positives": template_fp,
        "template_false_positive_count": len(template_fp),
        "off_barrier_findings": [{"page": p, "rule": k} for p, k in off_barrier],
        "found_error_ids": found_err,
        "found_any_ids": found_any,
        "missed_ids": [b["id"] for b in barriers if b["id"] not in found_any],
        "subset_missed_ids": sorted(subset - set(found_any)),
        "rules": dict(Counter(f["rule"] for fs in by_page.values() for f in fs).most_common()),
    }
    RESULTS.mkdir(exist_ok=True)
    name = "gds_audit.json" if args.a11y_engine == "none" else f"gds_audit-{args.a11y_engine}.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(f"wrote {RESULTS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
