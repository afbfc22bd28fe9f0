"""Benchmark: a full static audit (crawl, checks, report) of the demo site on loopback.

    .venv/bin/python bench/crawl_speed.py [--pages 2000] [--concurrency 16]

Prints pages per second, wall time and peak memory (RSS of the audit process, from
/usr/bin/time when available, else from resource.getrusage), and writes
bench/results/crawl_speed-<pages>.json. Speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from localoffer_audit import __version__
from localoffer_audit.demo import DemoServer, generate_site
from localoffer_audit.demo_audit import demo_config_path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.monotonic()
        generate_site(root / "demo", pages=args.pages)
        generated = time.monotonic() - started
        with DemoServer(root / "demo" / "site") as server:
            command = [sys.executable, "-m", "localoffer_audit", "audit", server.url, "--out",
                       str(root / "out"), "--config", str(demo_config_path()), "--concurrency",
                       str(args.concurrency), "--delay", "0", "--no-progress"]
            started = time.monotonic()
            result = subprocess.run(command, capture_output=True, text=True)
            wall = time.monotonic() - started
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            return 1
        summary = json.loads((root / "out" / "summary.json").read_text())
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    crawled = summary["pages"]["total"]
    record = {
        "benchmark": "full static audit of the demo site (crawl, checks, report)",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "tool_version": __version__, "machine": f"{platform.machine()}, "
        f"{len(__import__('os').sched_getaffinity(0))} cores, Python {platform.python_version()}",
        "pages_requested": args.pages, "addresses_crawled": crawled,
        "findings": summary["findings"]["total"], "wall_seconds": round(wall, 2),
        "pages_per_second": round(crawled / wall, 1), "peak_rss_mb": round(peak_kib / 1024, 1),
        "generate_seconds": round(generated, 2), "command": " ".join(command[1:]),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"crawl_speed-{args.pages}.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
