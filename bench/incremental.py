"""Benchmark: incremental re-audit of an unchanged demo site, against its first audit.

    .venv/bin/python bench/incremental.py [--pages 2000] [--concurrency 8]
    (make bench-incremental)

Audits the demo site twice into one store (the second run is incremental, the default), then
once more with --full. Wall time is the whole `audit` command (crawl, checks, report), with its
user+system CPU seconds (getrusage of the child: less noisy than wall time on a shared
machine); bytes are the response bodies the loopback server sent, from its own log. Targets
(issue 7): the re-audit takes at most 20% of the first run's wall time and 10% of its bytes,
with the same findings. Writes bench/results/incremental-<pages>-c<concurrency>.json. Never
part of `make test`.

--concurrency 8 is the demo config's own. The order pages arrive in then varies between runs,
but an incremental run's trap guard counts the facet and calendar pages its previous run
crawled first, so it keeps the same ones (and the same crawl digest, so site-check results are
reused); --full runs may pick other combinations (the findings stay the same).
"""

from __future__ import annotations

import argparse
import json
import os
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


def audit(server, root: Path, name: str, concurrency: int, *extra: str) -> dict:
    out = root / name
    command = [sys.executable, "-m", "localoffer_audit", "audit", server.url, "--out", str(out),
               "--db", str(root / "store.sqlite"), "--config", str(demo_config_path()),
               "--concurrency", str(concurrency), "--delay", "0", "--no-progress", *extra]
    start = len(server.response_log)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the audit process, once reaped
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    if result.returncode != 0:
        raise SystemExit(f"{name}: audit failed:\n{result.stderr}")
    log = server.response_log[start:]
    findings = {json.loads(line)["fingerprint"]
                for line in (out / "findings.jsonl").read_text("utf-8").splitlines()}
    return {"wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "load_average_after": round(os.getloadavg()[0], 2), "requests": len(log),
            "bytes": sum(entry[3] for entry in log),
            "responses_304": sum(1 for entry in log if entry[2] == 304),
            "findings": len(findings), "_fingerprints": findings,
            "command": " ".join(command[1:])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate_site(root / "demo", pages=args.pages)
        with DemoServer(root / "demo" / "site") as server:
            first = audit(server, root, "first", args.concurrency)
            again = audit(server, root, "incremental", args.concurrency)
            full = audit(server, root, "full", args.concurrency, "--full")
    same = first.pop("_fingerprints") == again.pop("_fingerprints")
    full.pop("_fingerprints")
    record = {
        "benchmark": "incremental re-audit of an unchanged demo site (whole audit command)",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "tool_version": __version__,
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
                   f"Python {platform.python_version()}",
        "pages_requested": args.pages, "concurrency": args.concurrency,
        "first": first, "incremental": again, "full_again": full,
        "same_findings": same,
        "wall_ratio": round(again["wall_seconds"] / first["wall_seconds"], 3),
        # User+system CPU of the audit process: less noisy than wall time on a shared machine.
        "cpu_ratio": round(again["cpu_seconds"] / first["cpu_seconds"], 3),
        "bytes_ratio": round(again["bytes"] / first["bytes"], 4),
        "targets": {"wall_ratio_at_most": 0.20, "bytes_ratio_at_most": 0.10},
    }
    record["targets_met"] = {"wall": record["wall_ratio"] <= 0.20,
                             "bytes": record["bytes_ratio"] <= 0.10, "findings": same}
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"incremental-{args.pages}-c{args.concurrency}.json"
    path.write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
