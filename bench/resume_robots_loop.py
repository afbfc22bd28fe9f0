"""Repeat the case that used to fetch a robots.txt-disallowed page: an early SIGKILL, then
`audit --resume`, on the demo site (the setup of tests/test_resume.py). Counts the rounds in
which any /staff-only/ address (disallowed by the demo's robots.txt) was requested.

    .venv/bin/python bench/resume_robots_loop.py [ROUNDS] [PARALLEL]   (default 20 rounds, 3 at once)

Before the fix (Scrapy 2.19's robots.txt middleware let every request but the first that waited
for an in-flight robots.txt through), 5 of 12 rounds fetched /staff-only/team-contacts.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_resume as T  # noqa: E402  (the demo server and CLI arguments the test uses)
from localoffer_audit.demo import generate_site  # noqa: E402

KILL_AFTER_PAGES = 6  # of about 60: an early kill, when the frontier is still large


def one_round(site: Path, out: Path) -> tuple[int, list[str]]:
    db = out / "localoffer-audit.sqlite"
    with T.ThrottledDemo(site, slow_seconds=0.5) as server:
        proc = subprocess.Popen([*T.CLI, *T._audit_args(server.url, out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while T._stored_pages(db) < KILL_AFTER_PAGES and proc.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        resumed = subprocess.run([*T.CLI, *T._audit_args(server.url, out), "--resume"],
                                 capture_output=True, text=True, timeout=300)
        log = list(server.request_log)  # both sessions
    return resumed.returncode, sorted({path for _, path in log if "/staff-only/" in path})


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    parallel = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    root = Path(tempfile.mkdtemp(prefix="resume-robots-"))
    generate_site(root / "demo", pages=T.PAGES)
    site = root / "demo" / "site"
    with ThreadPoolExecutor(parallel) as pool:
        results = list(pool.map(lambda n: one_round(site, root / f"round-{n}"), range(rounds)))
    bad = [(n, rc, paths) for n, (rc, paths) in enumerate(results) if rc != 0 or paths]
    for n, rc, paths in bad:
        print(f"round {n}: exit {rc}, disallowed requested: {paths}")
    print(f"{rounds - len(bad)} of {rounds} rounds: resumed cleanly, no disallowed page requested")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
