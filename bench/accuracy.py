"""Recall and false positives of the checks against the demo site's answer key.

    .venv/bin/python bench/accuracy.py [--pages 300] [--json]

Generates the demo site, serves it on loopback, audits it with the bundled demo config, and
scores findings.jsonl with localoffer_audit.demo.scoring. Writes bench/results/accuracy.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from localoffer_audit.demo import DemoServer, generate_site
from localoffer_audit.demo.scoring import score
from localoffer_audit.demo_audit import demo_config_path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--json", action="store_true", help="print the full JSON, misses included")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        key = generate_site(root / "demo", pages=args.pages)
        with DemoServer(root / "demo" / "site") as server:
            result = subprocess.run(
                [sys.executable, "-m", "localoffer_audit", "audit", server.url, "--out",
                 str(root / "out"), "--config", str(demo_config_path()), "--concurrency", "8",
                 "--delay", "0", "--no-progress"], capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            return 1
        findings = [json.loads(line) for line in (root / "out" / "findings.jsonl").open()]
    scores = {family: s.as_dict() for family, s in score(key, findings).items()}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "accuracy.json").write_text(json.dumps(scores, indent=2) + "\n")
    if args.json:
        print(json.dumps(scores, indent=2))
        return 0
    print(f"{'family':<18}{'planted':>8}{'found':>7}{'recall':>8}{'controls':>10}"
          f"{'control FP':>12}{'unmatched errors':>18}  not covered yet")
    for family, s in sorted(scores.items()):
        recall = "-" if s["recall"] is None else f"{s['recall']:.0%}"
        print(f"{family:<18}{s['planted']:>8}{s['found']:>7}{recall:>8}{s['controls']:>10}"
              f"{len(s['control_false_positives']):>12}{len(s['unmatched_errors']):>18}  "
              + ", ".join(f"{k} ({n})" for k, n in sorted(s["not_covered"].items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
