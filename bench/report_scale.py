"""Benchmark: the HTML report of a big site, 20,000 pages and 100,000 findings.

    .venv/bin/python bench/report_scale.py [--pages 20000] [--findings 100000] [--keep DIR]

Synthesises a store with bulk inserts (no crawl, no checks): pages with dates and reading ages,
findings of every built-in rule spread over eight owners, required-topic coverage, and an
earlier run (so "new", "fixed", the trend and time to fix are computed too). Then it builds the
view model and writes the HTML report, and prints the time (the target is under 10 seconds),
the number of files and the largest file, and writes bench/results/report_scale.json.
Speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from localoffer_audit import __version__
from localoffer_audit.config import load_config
from localoffer_audit.registry import discover_checks
from localoffer_audit.reports.html import HtmlReporter
from localoffer_audit.reports.viewmodel import build_report
from localoffer_audit.runner import known_rules
from localoffer_audit.store import Store

RESULTS = Path(__file__).resolve().parent / "results"
SITE = "https://localoffer.bigshire.example"
TARGET_SECONDS = 10.0
OWNERS = [("Local Offer team", "/send/", True), ("Family Information Service", "/directory/", False),
          ("Health partners (ICB)", "/health/", False), ("Education", "/education/", False),
          ("Social care", "/social-care/", False), ("Preparing for adulthood", "/pfa/", False),
          ("Short breaks", "/short-breaks/", False), ("Family Hub", "/family-hub/", False)]

CONFIG = "\n".join(
    ['[site]', 'name = "Bigshire County Council (benchmark)"', f'start_urls = ["{SITE}/"]', ""]
    + [f'[[owners]]\nname = "{name}"\ncontact = "mailto:team{i}@bigshire.example"\n'
       + ("default = true\n" if default else f'url_prefixes = ["{prefix}"]\n')
       for i, (name, prefix, default) in enumerate(OWNERS)])


def fingerprint(rule: str, url: str, where: str) -> str:
    return hashlib.sha256("\x1f".join((rule, url, where)).encode()).hexdigest()[:20]


def synthesise(db: Path, pages: int, findings: int, seed: int = 7) -> int:
    """A store with an earlier run and the current one; returns the current run's id."""
    rng = random.Random(seed)
    config_path = db.parent / "bigshire.toml"
    config_path.write_text(CONFIG, "utf-8")
    config = load_config(config_path)
    rules = [r for r in known_rules(discover_checks()) if r.family != "internal"]
    store = Store(db)
    today = date(2026, 11, 1)
    earlier = store.begin_run(config.name, config.start_urls, config.to_dict(), __version__)
    current = store.begin_run(config.name, config.start_urls, config.to_dict(), __version__)
    db_ = store.db
    db_.execute("BEGIN")
    urls = [f"{SITE}/"] + [f"{SITE}{OWNERS[i % len(OWNERS)][1]}section-{i % 40}/page-{i}"
                           for i in range(1, pages)]
    fetched = datetime(2026, 11, 1, 9, tzinfo=timezone.utc).isoformat(timespec="seconds")
    db_.executemany(
        "INSERT INTO pages (run_id, url, final_url, status, content_type, kind, title, depth, "
        "size, word_count, fetched_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        ((current, u, u, 200, "text/html", "html", f"Page {i} about support | Bigshire Local Offer",
          min(1 + i % 6, 5), 20_000, 400 + i % 900, fetched) for i, u in enumerate(urls)))
    metrics = []
    for u in urls:
        if rng.random() < 0.85:
            metrics.append((current, u, "last_updated", json.dumps(
                (today - timedelta(days=int(rng.expovariate(1 / 300)))).isoformat())))
            metrics.append((current, u, "date_source", json.dumps("visible-text")))
        metrics.append((current, u, "reading_age", json.dumps(rng.randint(8, 17))))
    db_.executemany("INSERT INTO page_metrics (run_id, url, name, value) VALUES (?,?,?,?)",
                    metrics)
    rows = []
    for n in range(findings):
        rule = rules[n % len(rules)]
        url = urls[rng.randrange(pages)]
        link = rule.family == "links"
        target = f"{SITE}/gone/{rng.randrange(pages // 4)}" if link else None
        selector = None if link else f"main > p:nth-of-type({n})"
        owner = next((name for name, prefix, _ in OWNERS[1:] if prefix in url), OWNERS[0][0])
        rows.append((current, fingerprint(rule.code, url, target or selector or ""), rule.code,
                     rule.name, rule.family, rule.severity.value, url, target, selector,
                     f"…the snippet of page text for finding {n}…", f"{rule.summary} ({n}).",
                     rule.fix, owner, "", "{}"))
    db_.executemany("INSERT OR IGNORE INTO findings (run_id, fingerprint, rule, rule_name, "
                    "family, severity, url, target, selector, snippet, message, fix, owner, "
                    "owner_contact, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    # The earlier run: 90% of today's findings, and 8% more that have been fixed since.
    db_.execute("INSERT INTO findings SELECT ?, fingerprint, rule, rule_name, family, severity, "
                "url, target, selector, snippet, message, fix, owner, owner_contact, extra "
                "FROM findings WHERE run_id = ? AND rowid % 10 != 0", (earlier, current))
    fixed = []
    for n in range(findings * 8 // 100):  # fixed since: same rules and pages, another place on the page
        row = rows[rng.randrange(len(rows))]
        selector = f"main > ul > li:nth-of-type({n})"
        fixed.append((earlier, fingerprint(row[2], row[6], selector), *row[2:7], None,
                      selector, *row[9:]))
    db_.executemany("INSERT OR IGNORE INTO findings (run_id, fingerprint, rule, rule_name, "
                    "family, severity, url, target, selector, snippet, message, fix, owner, "
                    "owner_contact, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", fixed)
    topics = [{"id": f"topic-{i}", "title": f"Required topic number {i + 1}",
               "status": ("covered", "partial", "missing")[min(i % 9, 2)],
               "evidence": [{"url": urls[rng.randrange(pages)], "score": 10 - k,
                             "depth": rng.choice([0, 1, 2, 3, 4, 6, None])} for k in range(5)],
               "legal_ref": "SEND Regulations 2014 Schedule 2", "confidence": "S"}
              for i in range(23)]
    db_.execute("INSERT INTO site_metrics (run_id, name, value) VALUES (?, 'coverage', ?)",
                (current, json.dumps({"topics": topics, "excluded": []})))
    db_.execute("UPDATE runs SET status = 'checked', started_at = ?, finished_at = ? "
                "WHERE id = ?", ("2026-10-01T09:00:00+00:00", "2026-10-01T10:00:00+00:00",
                                 earlier))
    db_.execute("UPDATE runs SET status = 'checked', started_at = ?, finished_at = ? "
                "WHERE id = ?", (fetched, "2026-11-01T10:00:00+00:00", current))
    db_.execute("COMMIT")
    store.close()
    return current


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--keep", help="write the store and the report here (kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.keep) if args.keep else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        db = root / "bench.sqlite"
        db.unlink(missing_ok=True)
        started = time.perf_counter()
        run_id = synthesise(db, args.pages, args.findings)
        synthesised = time.perf_counter() - started

        checks = discover_checks()
        rules = {r.code: r for r in known_rules(checks)}
        metric_names = tuple(dict.fromkeys(name for c in checks for name in c.metrics))
        out = root / "out"
        started = time.perf_counter()
        with Store(db) as store:
            data = build_report(store, run_id, rules, metric_names)
        built = time.perf_counter() - started
        written = HtmlReporter().write(data, out)
        total = time.perf_counter() - started
        sizes = sorted(((p.stat().st_size, p) for p in written), reverse=True)
        largest, largest_path = sizes[0]
        record = {
            "benchmark": "HTML report of a synthetic site (view model + every HTML file)",
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "tool_version": __version__,
            "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
                       f"Python {platform.python_version()}",
            "pages": args.pages, "findings": len(data.findings),
            "earlier_run_findings": len(data.changes.fixed) + len(data.changes.persisting)
            if data.changes else 0,
            "synthesise_seconds": round(synthesised, 2),
            "view_model_seconds": round(built, 2),
            "html_seconds": round(total - built, 2),
            "render_seconds": round(total, 2),
            "target_seconds": TARGET_SECONDS,
            "files": len(written),
            "total_mb": round(sum(s for s, _ in sizes) / 1e6, 1),
            "largest_file": str(largest_path.relative_to(out)),
            "largest_file_kb": round(largest / 1024, 1),
            "report_html_kb": round((out / "report.html").stat().st_size / 1024, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report_scale.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))
    print(f"rendered {record['findings']:,} findings on {args.pages:,} pages in "
          f"{record['render_seconds']} s (target < {TARGET_SECONDS:g} s); largest file "
          f"{record['largest_file']} {record['largest_file_kb']} KB")
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
