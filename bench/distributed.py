"""Benchmark: the crawl on scrapy-redis with two worker processes, against one process.

    .venv/bin/python bench/distributed.py [--pages 2000] [--workers 2]   (make bench-distributed)

Starts redis-server (Debian's) on a free loopback port, audits the demo site with `audit`
in one process and with `--distributed redis://... --workers N`, and reports the wall time of
each whole command, the speed-up, and whether pages and findings agree. The facet search is
excluded (status-checked only) in both, as in tests/test_distributed.py: its trap cap counts
per worker. Writes bench/results/distributed-<pages>.json. Never part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def audit(server, root: Path, config: Path, name: str, *extra: str) -> dict:
    out = root / name
    command = [sys.executable, "-m", "localoffer_audit", "audit", server.url, "--out", str(out),
               "--config", str(config), "--no-progress", *extra]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    wall = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"{name}: audit failed:\n{result.stderr}")
    def read(name: str) -> list[dict]:
        return [json.loads(line) for line in (out / name).read_text("utf-8").splitlines()]

    pages = {p["url"] for p in read("pages.jsonl")}
    return {"wall_seconds": round(wall, 2), "pages": len(pages), "_pages": pages,
            "_findings": {f["fingerprint"] for f in read("findings.jsonl")},
            "command": " ".join(command[1:])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    redis_server = shutil.which("redis-server")
    if not redis_server:
        print("redis-server is not installed (make redis-deps)", file=sys.stderr)
        return 2
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        redis = subprocess.Popen([redis_server, "--port", str(port), "--bind", "127.0.0.1",
                                  "--save", "", "--appendonly", "no", "--dir", tmp],
                                 stdout=subprocess.DEVNULL)
        try:
            generate_site(root / "demo", pages=args.pages)
            config = root / "demo.toml"
            config.write_text(demo_config_path().read_text("utf-8").replace(
                "[crawl]\n", '[crawl]\nexclude = ["/directory/search"]\n', 1), "utf-8")
            with DemoServer(root / "demo" / "site") as server:
                single = audit(server, root, config, "single")
                spread = audit(server, root, config, "distributed", "--distributed",
                               f"redis://127.0.0.1:{port}", "--workers", str(args.workers))
        finally:
            redis.terminate()
            redis.wait(timeout=10)
    same = {"pages": single.pop("_pages") == spread.pop("_pages"),
            "findings": single.pop("_findings") == spread.pop("_findings")}
    record = {
        "benchmark": f"whole audit command, one process against {args.workers} "
                     "scrapy-redis workers",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "tool_version": __version__,
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
                   f"Python {platform.python_version()}",
        "pages_requested": args.pages, "single_process": single, "distributed": spread,
        "speed_up": round(single["wall_seconds"] / spread["wall_seconds"], 2), "same": same,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"distributed-{args.pages}.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
